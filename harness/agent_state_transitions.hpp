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
#include <string>

#include "harness/rule.hpp"
#include "harness/text_table.hpp"

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
  // (host, process), as one text -> its state now; looked up only (finish reads its size).
  TextTable<std::string> state_;
  std::string key_;  // observe's scratch: the key it looks up
  std::size_t transitions_ = 0;
  RuleViolations violations_;
};

}  // namespace agentsim::harness
