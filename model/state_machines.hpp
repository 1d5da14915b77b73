#pragma once
// Every state machine the model records (`state` trace records), each declared once next
// to the component it belongs to (machines::k* in its header). The model emits its
// records through these declarations; the harness checks the machines and states a
// scenario names against the same list, so an expectation cannot name a machine or a
// state the model does not have.
#include <string_view>
#include <vector>

#include "sim/state_machine.hpp"

namespace agentsim::model {

// In name order.
const std::vector<const sim::StateMachine*>& stateMachines();
// The machine of that name; nullptr if the model has none.
const sim::StateMachine* findStateMachine(std::string_view name);

}  // namespace agentsim::model
