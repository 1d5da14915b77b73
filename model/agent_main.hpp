#pragma once
// What src/slave/main.cpp and src/master/main.cpp build on a host, in their order.
// This slice builds the master detector and the Slave; the startup-graph issue adds
// every other component of main.cpp.
#include "model/flags.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

// Spawns the agent's processes on `host`. Errors are Mesos's startup messages.
sim::Try<sim::Nothing> agentMain(sim::Host& host, const SlaveFlags& flags);
void masterMain(sim::Host& host, const MasterFlags& flags);

}  // namespace agentsim::model
