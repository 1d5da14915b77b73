#pragma once
// The protobuf messages the model exchanges, by their Mesos names
// (src/messages/messages.proto, include/mesos/mesos.proto). Fields are the ones the
// model uses; each message lists them in the trace.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
  bool operator==(const SlaveInfo&) const = default;
};

struct RegisterSlaveMessage : sim::MessageOf<RegisterSlaveMessage> {
  static constexpr std::string_view kName = "RegisterSlaveMessage";
  SlaveInfo slave;
  std::string version;
  void describe(sim::Fields& out) const override {
    out.push_back({"hostname", slave.hostname});
    out.push_back({"resources", slave.resources});
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
  void describe(sim::Fields& out) const override {
    out.push_back({"slave_id", slave.id});
    out.push_back({"hostname", slave.hostname});
    if (!frameworks.empty()) {
      std::string ids;
      for (const std::string& id : frameworks) ids += (ids.empty() ? "" : ",") + id;
      out.push_back({"frameworks", ids});
    }
    if (!tasks.empty()) {
      std::string text;
      for (const Task& t : tasks) {
        if (!text.empty()) text += ',';
        text += t.task_id + '=' + std::string(toString(t.state));
      }
      out.push_back({"tasks", text});
      // Task.status_update_state and status_update_uuid: the update the agent last
      // forwarded for the task (its oldest unacknowledged one), where it has one.
      std::string updates;
      for (const Task& t : tasks) {
        if (!t.status_update_state) continue;
        if (!updates.empty()) updates += ',';
        updates += t.task_id + '=' + std::string(toString(*t.status_update_state)) + '/' + t.status_update_uuid;
      }
      if (!updates.empty()) out.push_back({"status_updates", updates});
    }
  }
};

// messages.proto MasterSlaveConnection, carried by (Re)Registered.
struct MasterSlaveConnection {
  std::int64_t total_ping_timeout_seconds = 75;
};

struct SlaveRegisteredMessage : sim::MessageOf<SlaveRegisteredMessage> {
  static constexpr std::string_view kName = "SlaveRegisteredMessage";
  std::string slave_id;
  MasterSlaveConnection connection;
  void describe(sim::Fields& out) const override {
    out.push_back({"slave_id", slave_id});
    out.push_back({"total_ping_timeout_seconds", connection.total_ping_timeout_seconds});
  }
};

struct SlaveReregisteredMessage : sim::MessageOf<SlaveReregisteredMessage> {
  static constexpr std::string_view kName = "SlaveReregisteredMessage";
  std::string slave_id;
  MasterSlaveConnection connection;
  // reconciliations: the (framework, task) pairs the master believes the agent runs.
  std::vector<std::pair<std::string, std::string>> reconciliations;
  void describe(sim::Fields& out) const override {
    out.push_back({"slave_id", slave_id});
    out.push_back({"total_ping_timeout_seconds", connection.total_ping_timeout_seconds});
    if (!reconciliations.empty()) {
      std::string text;
      for (const auto& [f, t] : reconciliations) text += (text.empty() ? "" : ",") + t;
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
