#include "model/messages/message_fields.hpp"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "model/common/task_state.hpp"
#include "model/common/task_status_reason.hpp"
#include "model/common/task_status_source.hpp"
#include "model/messages/framework_messages.hpp"
#include "model/messages/messages.hpp"
#include "model/messages/task_messages.hpp"

namespace agentsim::model {

namespace {

using SetResult = std::optional<std::string>;

// One reader per C++ type of field: text -> the field, or what it expected.
// "id@host:port" with a decimal port of at most 5 digits (model::parseUpid's form).
bool isAddress(const std::string& v) {
  const auto at = v.find('@');
  const auto colon = v.rfind(':');
  bool ok = at != std::string::npos && at > 0 && colon != std::string::npos && colon > at + 1 &&
            colon + 1 < v.size() && colon + 6 >= v.size();
  for (std::size_t i = colon + 1; ok && i < v.size(); ++i) ok = v[i] >= '0' && v[i] <= '9';
  return ok;
}

SetResult assign(std::string& field, const std::string& v) {
  field = v;
  return std::nullopt;
}
SetResult assign(Uuid& field, const std::string& v) {
  field = Uuid(v);
  return std::nullopt;
}
SetResult assign(Id& field, const std::string& v) {
  field = Id(v);
  return std::nullopt;
}
SetResult assign(TaskState& field, const std::string& v) {
  const auto s = parseTaskState(v);
  if (!s) return "a TaskState, e.g. \"TASK_LOST\"";
  field = *s;
  return std::nullopt;
}
SetResult assign(std::optional<TaskState>& field, const std::string& v) {
  TaskState state{};
  if (auto error = assign(state, v)) return error;
  field = state;
  return std::nullopt;
}
SetResult assign(TaskStatusSource& field, const std::string& v) {
  const auto s = parseTaskStatusSource(v);
  if (!s) return "a TaskStatus source, e.g. \"SOURCE_SLAVE\"";
  field = *s;
  return std::nullopt;
}
SetResult assign(std::optional<TaskStatusReason>& field, const std::string& v) {
  const auto s = parseTaskStatusReason(v);
  if (!s) return "a TaskStatus reason, e.g. \"REASON_SLAVE_REMOVED\"";
  field = *s;
  return std::nullopt;
}
SetResult assign(bool& field, const std::string& v) {
  if (v != "true" && v != "false") return "true or false";
  field = v == "true";
  return std::nullopt;
}
template <typename Int>
SetResult assignInteger(Int& field, const std::string& v, std::int64_t lo, std::int64_t hi) {
  std::int64_t n = 0;
  const bool negative = !v.empty() && v[0] == '-';
  bool ok = v.size() > (negative ? 1U : 0U) && v.size() <= 12;
  for (std::size_t i = negative ? 1 : 0; ok && i < v.size(); ++i) {
    ok = v[i] >= '0' && v[i] <= '9';
    n = n * 10 + (v[i] - '0');
  }
  if (negative) n = -n;
  if (!ok || n < lo || n > hi) return "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
  field = static_cast<Int>(n);
  return std::nullopt;
}
// A repeated field of ids, as a comma-separated list ("" is the empty list).
SetResult assign(std::vector<std::string>& field, const std::string& v) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (!v.empty() && start <= v.size()) {
    const auto comma = v.find(',', start);
    std::string id = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (id.empty()) return "a comma-separated list of ids, e.g. \"task-1,task-2\" (or \"\" for none)";
    out.push_back(std::move(id));
    start = comma == std::string::npos ? v.size() + 1 : comma + 1;
  }
  field = std::move(out);
  return std::nullopt;
}
// A repeated field of tasks' states, as the trace prints them: "TASK_ID=STATE" or
// "TASK_ID=STATE/UUID", comma-separated ("" is the empty list).
struct TaskStateEntry {
  std::string task_id;
  TaskState state = TaskState::TASK_STAGING;
  std::string uuid;
};
constexpr std::string_view kTaskStatesExpected =
    "a comma-separated list of TASK_ID=STATE or TASK_ID=STATE/UUID, e.g. \"task-1=TASK_RUNNING\" (or \"\" for none)";
std::optional<std::vector<TaskStateEntry>> taskStates(const std::string& v) {
  std::vector<std::string> items;
  if (assign(items, v)) return std::nullopt;
  std::vector<TaskStateEntry> out;
  for (const std::string& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) return std::nullopt;
    const auto slash = item.find('/', eq);
    TaskStateEntry e;
    e.task_id = item.substr(0, eq);
    const auto state = parseTaskState(item.substr(eq + 1, slash == std::string::npos ? std::string::npos : slash - eq - 1));
    if (!state) return std::nullopt;
    e.state = *state;
    if (slash != std::string::npos) {
      e.uuid = item.substr(slash + 1);
      if (e.uuid.empty()) return std::nullopt;
    }
    out.push_back(std::move(e));
  }
  return out;
}

// ReregisterExecutorMessage.updates: the executor's unacknowledged updates, oldest first,
// each from the executor of the message's framework_id and executor_id (as set so far) and
// SOURCE_EXECUTOR, with the SlaveID the message's own updates carry (the driver's
// MESOS_SLAVE_ID; none if it had none, and Slave::statusUpdate then ignores them); with no
// UUID given, the n-th gets 00000000-0000-4000-8000-00000000000n.
MessageField executorUpdates() {
  return MessageField{"updates", FieldType::Text, [](sim::Message& msg, const std::string& v) -> SetResult {
                        auto& m = static_cast<ReregisterExecutorMessage&>(msg);
                        const auto entries = taskStates(v);
                        if (!entries) return std::string(kTaskStatesExpected);
                        std::vector<StatusUpdate> updates;
                        const Id slaveId = m.updates.empty() ? Id() : m.updates.front().slave_id;
                        for (const TaskStateEntry& e : *entries) {
                          StatusUpdate u;
                          u.framework_id = Id(m.framework_id);
                          u.slave_id = slaveId;
                          u.executor_id = m.executor_id;
                          u.task_id = e.task_id;
                          u.state = e.state;
                          u.source = TaskStatusSource::SOURCE_EXECUTOR;
                          u.uuid = e.uuid.empty() ? fmt::format("00000000-0000-4000-8000-{:012}", updates.size() + 1) : e.uuid;
                          updates.push_back(std::move(u));
                        }
                        m.updates = std::move(updates);
                        return std::nullopt;
                      }, {}};
}

// ReregisterSlaveMessage.tasks: the tasks the agent reports, each with its latest state
// (TASK_ID=STATE, no UUID). A task the message carries keeps its record with the given
// state; another is added as a task of the message's first framework, run by a command
// executor (no Task.executor_id), on the message's slave_id (as set so far); a task not
// named is left out.
MessageField slaveTasks() {
  return MessageField{"tasks", FieldType::Text, [](sim::Message& msg, const std::string& v) -> SetResult {
                        auto& m = static_cast<ReregisterSlaveMessage&>(msg);
                        const auto entries = taskStates(v);
                        const bool uuid = entries && std::any_of(entries->begin(), entries->end(),
                                                                 [](const TaskStateEntry& e) { return !e.uuid.empty(); });
                        if (!entries || uuid) return "a comma-separated list of TASK_ID=STATE, e.g. \"task-1=TASK_RUNNING\" (or \"\" for none)";
                        std::vector<Task> tasks;
                        for (const TaskStateEntry& e : *entries) {
                          auto known = std::find_if(m.tasks.begin(), m.tasks.end(),
                                                    [&](const Task& t) { return t.task_id == e.task_id; });
                          Task t;
                          if (known != m.tasks.end()) {
                            t = *known;
                          } else {
                            t.task_id = e.task_id;
                            t.framework_id = Id(m.frameworks.empty() ? std::string() : m.frameworks.front());
                            t.slave_id = m.slave.id;
                          }
                          t.state = e.state;
                          tasks.push_back(std::move(t));
                        }
                        m.tasks = std::move(tasks);
                        return std::nullopt;
                      }, {}};
}

SetResult assign(std::int64_t& field, const std::string& v) { return assignInteger(field, v, -999'999'999'999, 999'999'999'999); }
SetResult assign(std::uint32_t& field, const std::string& v) { return assignInteger(field, v, 0, 65535); }

// A field of message M that `get` reaches (M& -> the member).
template <typename M, typename Get>
MessageField field(std::string_view name, FieldType type, Get get) {
  return MessageField{name, type, [get](sim::Message& m, const std::string& v) {
                        return assign(get(static_cast<M&>(m)), v);
                      }, {}};
}

template <typename M>
MessageKind kind(std::vector<MessageField> fields) {
  return MessageKind{M::kName, [] { return std::unique_ptr<sim::Message>(std::make_unique<M>()); },
                     std::move(fields)};
}

// The fields every message naming a framework, an executor or an agent shares by name.
template <typename M>
MessageField frameworkId() {
  return field<M>("framework_id", FieldType::FrameworkId, [](M& m) -> auto& { return m.framework_id; });
}
template <typename M>
MessageField executorId() {
  return field<M>("executor_id", FieldType::Text, [](M& m) -> auto& { return m.executor_id; });
}
template <typename M>
MessageField slaveId() {
  return field<M>("slave_id", FieldType::SlaveId, [](M& m) -> auto& { return m.slave_id; });
}
template <typename M>
MessageField taskId() {
  return field<M>("task_id", FieldType::Text, [](M& m) -> auto& { return m.task_id; });
}

// RegisterSlaveMessage and ReregisterSlaveMessage: the SlaveInfo and the agent's version.
template <typename M>
std::vector<MessageField> slaveInfo() {
  return {
      field<M>("hostname", FieldType::Text, [](M& m) -> auto& { return m.slave.hostname; }),
      field<M>("port", FieldType::Integer, [](M& m) -> auto& { return m.slave.port; }),
      field<M>("resources", FieldType::Text, [](M& m) -> auto& { return m.slave.resources; }),
      field<M>("slave_id", FieldType::SlaveId, [](M& m) -> auto& { return m.slave.id; }),
      field<M>("version", FieldType::Text, [](M& m) -> auto& { return m.version; }),
  };
}

// StatusUpdateMessage: its StatusUpdate's fields (the TaskStatus's folded in, as the
// model's StatusUpdate keeps them).
std::vector<MessageField> statusUpdate() {
  using M = StatusUpdateMessage;
  return {
      field<M>("executor_id", FieldType::Text, [](M& m) -> auto& { return m.update.executor_id; }),
      field<M>("framework_id", FieldType::FrameworkId, [](M& m) -> auto& { return m.update.framework_id; }),
      // StatusUpdate.latest_state: the task's latest state at the agent (Slave::forward).
      field<M>("latest_state", FieldType::TaskState, [](M& m) -> auto& { return m.update.latest_state; }),
      field<M>("message", FieldType::Text, [](M& m) -> auto& { return m.update.message; }),
      field<M>("reason", FieldType::Reason, [](M& m) -> auto& { return m.update.reason; }),
      field<M>("slave_id", FieldType::SlaveId, [](M& m) -> auto& { return m.update.slave_id; }),
      field<M>("source", FieldType::Source, [](M& m) -> auto& { return m.update.source; }),
      field<M>("state", FieldType::TaskState, [](M& m) -> auto& { return m.update.state; }),
      field<M>("task_id", FieldType::Text, [](M& m) -> auto& { return m.update.task_id; }),
      field<M>("uuid", FieldType::Text, [](M& m) -> auto& { return m.update.uuid; }),
      // StatusUpdateMessage.pid: the sender's own pid, the acknowledgee (an executor's driver
      // or an agent sets it; a bare post has none), which Slave::statusUpdate and
      // Master::statusUpdate read, not the transport's sender.
      MessageField{"pid", FieldType::Pid,
                   [](sim::Message&, const std::string& v) -> SetResult {
                     return v.empty() || isAddress(v) ? std::nullopt
                                                      : SetResult("a libprocess address such as "
                                                                  "\"slave(1)@agent-1:5051\", or \"\" for none");
                   },
                   [](sim::Message& m, sim::Upid pid) { static_cast<M&>(m).pid = pid; }},
  };
}

template <typename M>
std::vector<MessageField> frameworkInfo() {
  return {
      field<M>("checkpoint", FieldType::Boolean, [](M& m) -> auto& { return m.framework.checkpoint; }),
      field<M>("framework_id", FieldType::FrameworkId, [](M& m) -> auto& { return m.framework.id; }),
      field<M>("name", FieldType::Text, [](M& m) -> auto& { return m.framework.name; }),
      field<M>("partition_aware", FieldType::Boolean, [](M& m) -> auto& { return m.framework.partition_aware; }),
      field<M>("principal", FieldType::Text, [](M& m) -> auto& { return m.framework.principal; }),
  };
}

std::vector<MessageField> withField(std::vector<MessageField> fields, MessageField more) {
  fields.push_back(std::move(more));
  return fields;
}

std::vector<MessageKind> buildKinds() {
  std::vector<MessageKind> kinds{
      kind<ExecutorRegisteredMessage>({executorId<ExecutorRegisteredMessage>(),
                                       frameworkId<ExecutorRegisteredMessage>(), slaveId<ExecutorRegisteredMessage>()}),
      kind<ExecutorReregisteredMessage>({slaveId<ExecutorReregisteredMessage>()}),
      kind<ExecutorToFrameworkMessage>({executorId<ExecutorToFrameworkMessage>(), frameworkId<ExecutorToFrameworkMessage>(),
                                        slaveId<ExecutorToFrameworkMessage>(),
                                        field<ExecutorToFrameworkMessage>(
                                            "data", FieldType::Text, [](ExecutorToFrameworkMessage& m) -> auto& { return m.data; })}),
      kind<ExitedExecutorMessage>({executorId<ExitedExecutorMessage>(), frameworkId<ExitedExecutorMessage>(),
                                   slaveId<ExitedExecutorMessage>(),
                                   field<ExitedExecutorMessage>("status", FieldType::Integer,
                                                                [](ExitedExecutorMessage& m) -> auto& { return m.status; })}),
      kind<FrameworkErrorMessage>({field<FrameworkErrorMessage>(
          "message", FieldType::Text, [](FrameworkErrorMessage& m) -> auto& { return m.message; })}),
      kind<FrameworkToExecutorMessage>({executorId<FrameworkToExecutorMessage>(), frameworkId<FrameworkToExecutorMessage>(),
                                        slaveId<FrameworkToExecutorMessage>(),
                                        field<FrameworkToExecutorMessage>(
                                            "data", FieldType::Text, [](FrameworkToExecutorMessage& m) -> auto& { return m.data; })}),
      kind<KillTaskMessage>({frameworkId<KillTaskMessage>(), taskId<KillTaskMessage>()}),
      kind<LostSlaveMessage>({slaveId<LostSlaveMessage>()}),
      kind<PingSlaveMessage>({field<PingSlaveMessage>("connected", FieldType::Boolean,
                                                      [](PingSlaveMessage& m) -> auto& { return m.connected; })}),
      kind<PongSlaveMessage>({}),
      kind<ReconcileTasksMessage>(
          {frameworkId<ReconcileTasksMessage>(), slaveId<ReconcileTasksMessage>(),
           // repeated TaskStatus statuses: their TaskIDs (each with the message's slave_id).
           field<ReconcileTasksMessage>("statuses", FieldType::Text,
                                        [](ReconcileTasksMessage& m) -> auto& { return m.task_ids; })}),
      kind<ReconnectExecutorMessage>({slaveId<ReconnectExecutorMessage>()}),
      kind<RegisterExecutorMessage>({executorId<RegisterExecutorMessage>(), frameworkId<RegisterExecutorMessage>()}),
      kind<RegisterFrameworkMessage>(frameworkInfo<RegisterFrameworkMessage>()),
      kind<RegisterSlaveMessage>(slaveInfo<RegisterSlaveMessage>()),
      kind<ReregisterExecutorMessage>({executorId<ReregisterExecutorMessage>(),
                                       frameworkId<ReregisterExecutorMessage>(), executorUpdates()}),
      kind<ReregisterFrameworkMessage>(frameworkInfo<ReregisterFrameworkMessage>()),
      kind<ReregisterSlaveMessage>(withField(slaveInfo<ReregisterSlaveMessage>(), slaveTasks())),
      // RunTaskMessage.pid, the scheduler's, which the agent keeps as the framework's
      // (an empty one: an HTTP framework, SlaveTest.HTTPScheduler).
      kind<RunTaskMessage>(
          {field<RunTaskMessage>("pid", FieldType::Text, [](RunTaskMessage& m) -> auto& { return m.pid; })}),
      kind<ShutdownExecutorMessage>({executorId<ShutdownExecutorMessage>(), frameworkId<ShutdownExecutorMessage>()}),
      kind<ShutdownFrameworkMessage>({frameworkId<ShutdownFrameworkMessage>()}),
      kind<ShutdownMessage>(
          {field<ShutdownMessage>("message", FieldType::Text, [](ShutdownMessage& m) -> auto& { return m.message; })}),
      kind<SlaveRegisteredMessage>({slaveId<SlaveRegisteredMessage>()}),
      kind<SlaveReregisteredMessage>({slaveId<SlaveReregisteredMessage>()}),
      kind<StatusUpdateAcknowledgementMessage>(
          {field<StatusUpdateAcknowledgementMessage>(
               "call", FieldType::Boolean, [](StatusUpdateAcknowledgementMessage& m) -> auto& { return m.call; }),
           frameworkId<StatusUpdateAcknowledgementMessage>(), slaveId<StatusUpdateAcknowledgementMessage>(),
           taskId<StatusUpdateAcknowledgementMessage>(),
           field<StatusUpdateAcknowledgementMessage>(
               "uuid", FieldType::Text, [](StatusUpdateAcknowledgementMessage& m) -> auto& { return m.uuid; })}),
      kind<StatusUpdateMessage>(statusUpdate()),
      kind<UnregisterFrameworkMessage>({frameworkId<UnregisterFrameworkMessage>()}),
      kind<UnregisterSlaveMessage>({slaveId<UnregisterSlaveMessage>()}),
      kind<UpdateFrameworkMessage>(
          {frameworkId<UpdateFrameworkMessage>(),
           field<UpdateFrameworkMessage>("pid", FieldType::Text, [](UpdateFrameworkMessage& m) -> auto& { return m.pid; })}),
  };
  std::sort(kinds.begin(), kinds.end(), [](const MessageKind& a, const MessageKind& b) { return a.name < b.name; });
  return kinds;
}

}  // namespace

std::string_view toString(FieldType type) {
  switch (type) {
    case FieldType::Text: return "text";
    case FieldType::FrameworkId: return "FrameworkID";
    case FieldType::SlaveId: return "SlaveID";
    case FieldType::TaskState: return "TaskState";
    case FieldType::Source: return "TaskStatus source";
    case FieldType::Reason: return "TaskStatus reason";
    case FieldType::Boolean: return "boolean";
    case FieldType::Integer: return "integer";
    case FieldType::Pid: return "libprocess address";
  }
  return "?";
}

const MessageField* MessageKind::field(std::string_view fieldName) const {
  for (const MessageField& f : fields) {
    if (f.name == fieldName) return &f;
  }
  return nullptr;
}

std::vector<std::string> MessageKind::fieldNames() const {
  std::vector<std::string> out;
  for (const MessageField& f : fields) out.emplace_back(f.name);
  return out;
}

const std::vector<MessageKind>& messageKinds() {
  static const std::vector<MessageKind> kinds = buildKinds();
  return kinds;
}

const MessageKind* findMessageKind(std::string_view name) {
  for (const MessageKind& k : messageKinds()) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::vector<std::string> messageKindNames() {
  std::vector<std::string> out;
  for (const MessageKind& k : messageKinds()) out.emplace_back(k.name);
  return out;
}

}  // namespace agentsim::model
