#pragma once
// An agent's flags as a scenario gives them, loaded as Mesos's FlagsBase::load loads them
// (for the cluster's agents and for restart_agent / reboot_agent).
#include <functional>
#include <string>

#include "harness/reader.hpp"
#include "model/common/flags.hpp"

namespace agentsim::harness {

// FlagsBase::load of the flags in the object at `pointer`, in name order (the JSON
// object's keys, sorted): NAME given with no-NAME is "already loaded", and a value Mesos's
// loader refuses is kept for the agent's flags step (model::loadAgentFlag). A wrong JSON
// type, a Mesos flag agentsim does not model (its message ends with `unmodelled_tail`) or
// a value agentsim cannot simulate is the scenario's error. `given` sees each flag's name
// and text, in order.
void loadAgentFlags(const Reader& r, const std::string& pointer, model::SlaveFlags& flags,
                    const std::string& unmodelled_tail,
                    const std::function<void(const std::string&, const std::string&)>& given);

}  // namespace agentsim::harness
