// The SlaveID an agent host holds, for actions that name an agent where Mesos's tests
// name its SlaveID (a reconciliation's TaskStatus.slave_id, Master::markUnreachable).
#include "harness/actions.hpp"
#include "harness/scenario.hpp"
#include "model/slave/paths.hpp"
#include "model/slave/slave.hpp"
#include "sim/simulation.hpp"

namespace agentsim::harness {

std::string agentWorkDir(const Scenario& scenario, const std::string& agent) {
  for (const AgentSpec& a : scenario.agents) {
    if (a.id == agent) return a.flags.work_dir;
  }
  return {};
}

std::string slaveIdOf(sim::Simulation& sim, const std::string& agent, const std::string& workDir) {
  sim::Host* h = sim.host(agent);
  if (h == nullptr) return {};
  if (h->up()) {
    for (sim::Process* proc : h->processesOf("")) {
      if (const auto* slave = dynamic_cast<const model::Slave*>(proc)) return slave->info().id;
    }
  }
  // Not running: the SlaveID it checkpointed (Slave::registered writes meta/slaves/latest,
  // which a graceful shutdown keeps), read as the agent's recovery reads it.
  return h->disk().read(model::paths::latestSlavePath(model::paths::metaDir(workDir))).value_or("");
}

}  // namespace agentsim::harness
