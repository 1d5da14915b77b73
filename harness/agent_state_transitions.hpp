#pragma once
// Invariant agent_state_transitions: each agent process (Slave) moves only along Mesos's
// Slave::State machine (src/slave/slave.hpp):
//   starts RECOVERING (Slave::initialize);
//   RECOVERING   -> DISCONNECTED (Slave::__recover, --recover=reconnect)
//                -> TERMINATING  (--recover=cleanup, or a shutdown);
//   DISCONNECTED -> RUNNING      (Slave::registered / ::reregistered)
//                -> TERMINATING;
//   RUNNING      -> DISCONNECTED (Slave::detected: a new master, or none)
//                -> TERMINATING;
//   TERMINATING is final: the agent only waits for its frameworks to go, then exits.
// It reads the `state` records "Slave::State" (state; previous, absent on the first).
#include <map>
#include <string>
#include <utility>

#include "harness/rule.hpp"

namespace agentsim::harness {

class AgentStateTransitions {
 public:
  static constexpr std::string_view kName = "agent_state_transitions";
  static const RuleSubscription& subscription();
  void observe(const sim::Record& r);
  InvariantResult finish(sim::Time end) const;

  // Whether Mesos's Slave moves from `from` to `to`.
  static bool legal(std::string_view from, std::string_view to);

 private:
  std::map<std::pair<std::string, std::string>, std::string> state_;  // (host, process) -> state now
  std::size_t transitions_ = 0;
  RuleViolations violations_;
};

}  // namespace agentsim::harness
