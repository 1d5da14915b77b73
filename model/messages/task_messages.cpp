#include "model/messages/task_messages.hpp"

#include <fmt/format.h>

namespace agentsim::model {

namespace {
void describeUpdate(const StatusUpdate& u, sim::Fields& out) {
  out.push_back({"framework_id", u.framework_id});
  out.push_back({"task_id", u.task_id});
  out.push_back({"state", std::string(toString(u.state))});
  out.push_back({"uuid", u.uuid});
  out.push_back({"source", std::string(toString(u.source))});
  if (u.reason) out.push_back({"reason", std::string(toString(*u.reason))});
  if (u.latest_state) out.push_back({"latest_state", std::string(toString(*u.latest_state))});
  if (u.unreachable_time) out.push_back({"unreachable_time", sim::formatSeconds(*u.unreachable_time)});
}
}  // namespace

std::string describeTasks(const std::vector<Task>& tasks) {
  std::vector<std::string> out;
  for (const Task& t : tasks) out.push_back(fmt::format("{}={}", t.task_id, toString(t.state)));
  return fmt::format("{}", fmt::join(out, ","));
}

Task createTask(const TaskInfo& info, TaskState state, const Id& frameworkId, const std::string& executorId,
                const Id& slaveId) {
  Task t;
  t.task_id = info.task_id;
  t.framework_id = frameworkId;
  t.executor_id = executorId;
  t.slave_id = slaveId;
  t.state = state;
  t.resources = info.resources;
  t.revocable_resources = info.revocable_resources;
  return t;
}

void LaunchTasksMessage::describe(sim::Fields& out) const {
  std::vector<std::string> ids;
  for (const TaskInfo& t : tasks) ids.push_back(t.task_id);
  out.push_back({"framework_id", framework_id});
  out.push_back({"hostname", hostname});
  out.push_back({"tasks", fmt::format("{}", fmt::join(ids, ","))});
}

void RunTaskMessage::describe(sim::Fields& out) const {
  out.push_back({"framework_id", framework.id});
  out.push_back({"task_id", task.task_id});
  out.push_back({"executor_id", task.executor.executor_id});
  if (!task.revocable_resources.empty()) out.push_back({"revocable", true});
  if (launch_executor) out.push_back({"launch_executor", *launch_executor});
}

void KillTaskMessage::describe(sim::Fields& out) const {
  out.push_back({"framework_id", framework_id});
  out.push_back({"task_id", task_id});
}

void StatusUpdateMessage::describe(sim::Fields& out) const { describeUpdate(update, out); }

void StatusUpdateAcknowledgementMessage::describe(sim::Fields& out) const {
  out.push_back({"framework_id", framework_id});
  out.push_back({"task_id", task_id});
  out.push_back({"uuid", uuid});
}

void ReconcileTasksMessage::describe(sim::Fields& out) const {
  out.push_back({"framework_id", framework_id});
  out.push_back({"tasks", task_ids.empty() ? std::string("(all)") : fmt::format("{}", fmt::join(task_ids, ","))});
  if (!slave_id.empty()) out.push_back({"slave_id", slave_id});
}

void RegisterExecutorMessage::describe(sim::Fields& out) const {
  out.push_back({"framework_id", framework_id});
  out.push_back({"executor_id", executor_id});
}

void ExecutorRegisteredMessage::describe(sim::Fields& out) const {
  out.push_back({"framework_id", framework_id});
  out.push_back({"executor_id", executor_id});
}

void ReregisterExecutorMessage::describe(sim::Fields& out) const {
  out.push_back({"framework_id", framework_id});
  out.push_back({"executor_id", executor_id});
  out.push_back({"tasks", static_cast<std::int64_t>(tasks.size())});
  out.push_back({"updates", static_cast<std::int64_t>(updates.size())});
  // The executor's unacknowledged updates, oldest first: task=STATE/uuid.
  if (!updates.empty()) {
    std::vector<std::string> each;
    for (const StatusUpdate& u : updates) each.push_back(fmt::format("{}={}/{}", u.task_id, toString(u.state), u.uuid.str()));
    out.push_back({"unacknowledged", fmt::format("{}", fmt::join(each, ","))});
  }
}

void ExecutorReregisteredMessage::describe(sim::Fields& out) const { out.push_back({"slave_id", slave_id}); }
void ReconnectExecutorMessage::describe(sim::Fields& out) const { out.push_back({"slave_id", slave_id}); }

void ShutdownExecutorMessage::describe(sim::Fields& out) const {
  out.push_back({"framework_id", framework_id});
  out.push_back({"executor_id", executor_id});
}

void ShutdownFrameworkMessage::describe(sim::Fields& out) const { out.push_back({"framework_id", framework_id}); }

void UpdateFrameworkMessage::describe(sim::Fields& out) const {
  out.push_back({"framework_id", framework_id});
  out.push_back({"pid", pid});
}

void UpdateSlaveMessage::describe(sim::Fields& out) const {
  out.push_back({"slave_id", slave_id});
  out.push_back({"update_oversubscribed_resources", update_oversubscribed_resources});
  if (update_oversubscribed_resources) {
    out.push_back({"oversubscribed_resources", format(oversubscribed_resources, true)});
  }
}

void FrameworkToExecutorMessage::describe(sim::Fields& out) const {
  out.push_back({"slave_id", slave_id});
  out.push_back({"framework_id", framework_id});
  out.push_back({"executor_id", executor_id});
  out.push_back({"data", data});
}

void ExecutorToFrameworkMessage::describe(sim::Fields& out) const {
  out.push_back({"slave_id", slave_id});
  out.push_back({"framework_id", framework_id});
  out.push_back({"executor_id", executor_id});
  out.push_back({"data", data});
}

void ExitedExecutorMessage::describe(sim::Fields& out) const {
  out.push_back({"framework_id", framework_id});
  out.push_back({"executor_id", executor_id});
  out.push_back({"status", status});
}

}  // namespace agentsim::model
