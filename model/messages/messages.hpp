#pragma once
// The protobuf messages the model exchanges, by their Mesos names
// (src/messages/messages.proto, include/mesos/mesos.proto). Fields are the ones the
// model uses; each message lists them in the trace.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "model/common/task.hpp"
#include "sim/message.hpp"

namespace agentsim::model {

// mesos.proto MasterInfo: the leading master as a detector reports it.
struct MasterInfo {
  std::string id;
  std::string pid;  // "master@master-1:5050"
  std::string hostname;
  std::uint32_t port = 5050;
  bool operator==(const MasterInfo&) const = default;
};

// mesos.proto SlaveInfo.
struct SlaveInfo {
  Id id;  // empty until the master assigns one
  std::string hostname;
  std::uint32_t port = 5051;
  std::string resources;
  std::string attributes;  // --attributes, "name:value;..." (after the hooks' decorator)
  bool operator==(const SlaveInfo&) const = default;
};

struct RegisterSlaveMessage : sim::MessageOf<RegisterSlaveMessage> {
  static constexpr std::string_view kName = "RegisterSlaveMessage";
  SlaveInfo slave;
  std::string version;
  void describe(sim::Fields& out) const override {
    out.push_back({"hostname", slave.hostname});
    out.push_back({"resources", slave.resources});
    out.push_back({"version", version});
  }
};

struct ReregisterSlaveMessage : sim::MessageOf<ReregisterSlaveMessage> {
  static constexpr std::string_view kName = "ReregisterSlaveMessage";
  SlaveInfo slave;
  std::string version;
  std::vector<Task> tasks;  // every task the agent knows, with its latest state
  std::vector<std::string> frameworks;  // FrameworkIDs (FrameworkInfo in Mesos)
  // Of those FrameworkInfos, the ids of the frameworks with the PARTITION_AWARE
  // capability (the one field of them the master reads here).
  std::vector<std::string> partition_aware_frameworks;
  // executor_infos: the agent's executors that are neither command executors nor
  // TERMINATED (the master stores no command executor), each an ExecutorInfo of which
  // the master reads the ExecutorID and the FrameworkID (Master::_reregisterSlave).
  struct Executor {
    std::string framework_id;
    std::string executor_id;
  };
  std::vector<Executor> executor_infos;
  // completed_frameworks: the FrameworkIDs of the agent's completed frameworks (Mesos
  // sends each one's FrameworkInfo and its completed executors' tasks).
  std::vector<std::string> completed_frameworks;
  // Their Archive::Framework.tasks: the completed tasks of each one's completed executors
  // (Master::addSlave re-adds them to a framework the master knows).
  std::vector<Task> completed_tasks;
  void describe(sim::Fields& out) const override {
    out.push_back({"slave_id", slave.id});
    out.push_back({"hostname", slave.hostname});
    out.push_back({"version", version});
    auto list = [&out](std::string_view name, const std::vector<std::string>& ids) {
      if (ids.empty()) return;
      std::string text;
      for (const std::string& id : ids) text += (text.empty() ? "" : ",") + id;
      out.push_back({std::string(name), text});
    };
    list("frameworks", frameworks);
    std::vector<std::string> executorIds;
    for (const Executor& e : executor_infos) executorIds.push_back(e.executor_id);
    list("executor_infos", executorIds);
    list("completed_frameworks", completed_frameworks);
    if (!tasks.empty()) {
      std::string text;
      for (const Task& t : tasks) {
        if (!text.empty()) text += ',';
        text += t.task_id + '=' + std::string(toString(t.state));
      }
      out.push_back({"tasks", text});
      // Task.executor_id, which a command executor's tasks leave out (MESOS-8135).
      std::string executors;
      for (const Task& t : tasks) {
        if (!t.executor_id.empty()) executors += (executors.empty() ? "" : ",") + t.task_id + '=' + t.executor_id;
      }
      if (!executors.empty()) out.push_back({"task_executors", executors});
      // Task.status_update_state and status_update_uuid: the update the agent last
      // forwarded for the task (its oldest unacknowledged one), where it has one.
      std::string updates;
      for (const Task& t : tasks) {
        if (!t.status_update_state) continue;
        if (!updates.empty()) updates += ',';
        updates += t.task_id + '=' + std::string(toString(*t.status_update_state)) + '/' + t.status_update_uuid.str();
      }
      if (!updates.empty()) out.push_back({"status_updates", updates});
    }
  }
};

// messages.proto MasterSlaveConnection, carried by (Re)Registered:
// `optional double total_ping_timeout_seconds`, agent_ping_timeout x
// max_agent_ping_timeouts in seconds (Duration::secs(), 7.5 for 1500ms x 5).
struct MasterSlaveConnection {
  double total_ping_timeout_seconds = 75;
  // As the trace shows it: an integer when whole (10), else its shortest decimal (7.5).
  sim::Value traced() const {
    const double whole = static_cast<double>(static_cast<std::int64_t>(total_ping_timeout_seconds));
    if (whole == total_ping_timeout_seconds) return static_cast<std::int64_t>(whole);
    return sim::RawJson{fmt::format("{}", total_ping_timeout_seconds)};
  }
  // The agent's Seconds(total_ping_timeout_seconds).
  sim::Duration timeout() const {
    return sim::Nanoseconds(static_cast<std::int64_t>(total_ping_timeout_seconds * 1e9));
  }
};

struct SlaveRegisteredMessage : sim::MessageOf<SlaveRegisteredMessage> {
  static constexpr std::string_view kName = "SlaveRegisteredMessage";
  std::string slave_id;
  MasterSlaveConnection connection;
  void describe(sim::Fields& out) const override {
    out.push_back({"slave_id", slave_id});
    out.push_back({"total_ping_timeout_seconds", connection.traced()});
  }
};

// messages.proto ReconcileTasksMessage as SlaveReregisteredMessage carries it, one task
// per entry: the framework, its task, and of the framework's FrameworkInfo (the
// `framework` field, which masters set since Mesos 1.1) the one capability the agent reads.
struct ReconcileTask {
  std::string framework_id;
  std::string task_id;
  bool partition_aware = false;
};

struct SlaveReregisteredMessage : sim::MessageOf<SlaveReregisteredMessage> {
  static constexpr std::string_view kName = "SlaveReregisteredMessage";
  std::string slave_id;
  MasterSlaveConnection connection;
  // reconciliations: the tasks the master believes the agent runs and the agent did not
  // report (ReconcileTasksMessage, one per framework in Mesos).
  std::vector<ReconcileTask> reconciliations;
  void describe(sim::Fields& out) const override {
    out.push_back({"slave_id", slave_id});
    out.push_back({"total_ping_timeout_seconds", connection.traced()});
    if (!reconciliations.empty()) {
      std::string text;
      for (const ReconcileTask& r : reconciliations) text += (text.empty() ? "" : ",") + r.task_id;
      out.push_back({"reconciliations", text});
    }
  }
};

struct PingSlaveMessage : sim::MessageOf<PingSlaveMessage> {
  static constexpr std::string_view kName = "PingSlaveMessage";
  bool connected = true;
  void describe(sim::Fields& out) const override { out.push_back({"connected", connected}); }
};

struct UnregisterSlaveMessage : sim::MessageOf<UnregisterSlaveMessage> {
  static constexpr std::string_view kName = "UnregisterSlaveMessage";
  std::string slave_id;
  void describe(sim::Fields& out) const override { out.push_back({"slave_id", slave_id}); }
};

struct ShutdownMessage : sim::MessageOf<ShutdownMessage> {
  static constexpr std::string_view kName = "ShutdownMessage";
  std::string message;
  void describe(sim::Fields& out) const override { out.push_back({"message", message}); }
};

struct PongSlaveMessage : sim::MessageOf<PongSlaveMessage> {
  static constexpr std::string_view kName = "PongSlaveMessage";
};

}  // namespace agentsim::model

namespace agentsim::model {

// Every Mesos message name a scenario may match on (src/messages/messages.proto),
// sorted; names the model does not send yet simply never match.
const std::vector<std::string_view>& mesosMessageNames();

}  // namespace agentsim::model
