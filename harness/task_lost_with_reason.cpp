#include "harness/task_lost_with_reason.hpp"

#include <fmt/format.h>

#include "model/sched/sched.hpp"

namespace agentsim::harness {

const RuleSubscription& TaskLostWithReason::subscription() {
  static const RuleSubscription s{{sim::RecordKind::Send, sim::RecordKind::State},
                                  {"StatusUpdateMessage", model::machines::kSchedulerStatusUpdate.name}};
  return s;
}

bool TaskLostWithReason::lostState(std::string_view state) {
  return state == "TASK_LOST" || state == "TASK_DROPPED" || state == "TASK_GONE" || state == "TASK_GONE_BY_OPERATOR" ||
         state == "TASK_UNREACHABLE";
}

void TaskLostWithReason::observe(const sim::Record& r) {
  const std::string state = r.text("state");
  if (!lostState(state)) return;
  const std::string source = r.text("source");
  if (source != "SOURCE_SLAVE" && source != "SOURCE_MASTER") return;
  const std::string uuid = r.text("uuid");
  seen_.insert(uuid);
  if (!r.text("reason").empty() || !reported_.insert(uuid).second) return;
  violations_.add(fmt::format("{} of task {} ({}, {}) {} at {} without a reason", state, r.text("task_id"), source,
                              uuid, r.kind == sim::RecordKind::Send ? "was sent by " + r.process : "reached " + r.host,
                              sim::formatSeconds(r.at)),
                  &r);
}

InvariantResult TaskLostWithReason::finish(sim::Time) const {
  return violations_.result(kName, fmt::format("{} lost, dropped, gone or unreachable update(s) from the agent or "
                                               "master, each with a reason",
                                               seen_.size()));
}

}  // namespace agentsim::harness
