#include "harness/agent_state_transitions.hpp"

#include <fmt/format.h>

#include "model/slave/slave.hpp"

namespace agentsim::harness {

const RuleSubscription& AgentStateTransitions::subscription() {
  static const RuleSubscription s{{sim::RecordKind::State}, {model::machines::kSlave.name}};
  return s;
}

bool AgentStateTransitions::legal(std::string_view from, std::string_view to) {
  if (from == "RECOVERING") return to == "DISCONNECTED" || to == "TERMINATING";
  if (from == "DISCONNECTED") return to == "RUNNING" || to == "TERMINATING";
  if (from == "RUNNING") return to == "DISCONNECTED" || to == "TERMINATING";
  return false;  // TERMINATING is final
}

void AgentStateTransitions::observe(const sim::Record& r) {
  const std::string state = r.text("state");
  const std::string previous = r.text("previous");
  std::string& now = state_[{r.host, r.process}];
  if (previous.empty()) {
    // A new agent process (a restart may reuse the id): it starts recovering.
    if (state != "RECOVERING") {
      violations_.add(fmt::format("{} on {} started in {} at {}, not RECOVERING", r.process, r.host, state,
                                  sim::formatSeconds(r.at)),
                      &r);
    }
    now = state;
    return;
  }
  ++transitions_;
  if (!now.empty() && now != previous) {
    violations_.add(fmt::format("{} on {} left {} at {}, but was {}", r.process, r.host, previous,
                                sim::formatSeconds(r.at), now),
                    &r);
  } else if (!legal(previous, state)) {
    violations_.add(fmt::format("{} on {} moved from {} to {} at {}, which Mesos's Slave never does", r.process,
                                r.host, previous, state, sim::formatSeconds(r.at)),
                    &r);
  }
  now = state;
}

InvariantResult AgentStateTransitions::finish(sim::Time) const {
  return violations_.result(kName, fmt::format("{} agent process(es), {} Slave::State transition(s), each legal",
                                               state_.size(), transitions_));
}

}  // namespace agentsim::harness
