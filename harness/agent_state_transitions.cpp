#include "harness/agent_state_transitions.hpp"

#include <cstdint>
#include <string_view>
#include <variant>

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

namespace {
// A text field, or "" when absent or not a text (as Record::text), without a copy.
std::string_view textOf(const sim::Record& r, std::string_view key) {
  const sim::Value* v = r.field(key);
  const auto* s = v != nullptr ? std::get_if<std::string>(v) : nullptr;
  return s != nullptr ? std::string_view(*s) : std::string_view();
}
}  // namespace

void AgentStateTransitions::observe(const sim::Record& r) {
  const std::string_view state = textOf(r, "state");
  const std::string_view previous = textOf(r, "previous");
  // The host's length, the host, the process: one key per pair.
  const auto hostSize = static_cast<std::uint32_t>(r.host.size());
  key_.assign(reinterpret_cast<const char*>(&hostSize), sizeof hostSize).append(r.host).append(r.process);
  std::string& now = state_[key_];
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
