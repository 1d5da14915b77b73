#include "harness/task_lost_with_reason.hpp"

#include <fmt/format.h>

#include "model/common/task_state.hpp"
#include "model/common/task_status_source.hpp"
#include "model/messages/task_messages.hpp"
#include "model/sched/sched.hpp"

namespace agentsim::harness {

const RuleSubscription& TaskLostWithReason::subscription() {
  static const RuleSubscription s{{sim::RecordKind::Send, sim::RecordKind::State},
                                  {model::StatusUpdateMessage::kName, model::machines::kSchedulerStatusUpdate.name}};
  return s;
}

bool TaskLostWithReason::lostState(std::string_view state) {
  using model::TaskState;
  const auto s = model::parseTaskState(state);
  return s == TaskState::TASK_LOST || s == TaskState::TASK_DROPPED || s == TaskState::TASK_GONE ||
         s == TaskState::TASK_GONE_BY_OPERATOR || s == TaskState::TASK_UNREACHABLE;
}

void TaskLostWithReason::observe(const sim::Record& r) {
  // A message no process sent (a scenario's spoof, sim::Network::spoof) is not the model's.
  if (r.kind == sim::RecordKind::Send && r.process.empty()) return;
  const std::string state = r.text("state");
  if (!lostState(state)) return;
  const std::string source = r.text("source");
  using model::TaskStatusSource;
  if (source != toString(TaskStatusSource::SOURCE_SLAVE) && source != toString(TaskStatusSource::SOURCE_MASTER)) return;
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
