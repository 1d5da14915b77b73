#pragma once
// The task, executor and status update messages (src/messages/messages.proto) and the
// protobufs they carry (include/mesos/mesos.proto: TaskInfo, ExecutorInfo, Task), with
// the fields the model uses.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/common/framework_info.hpp"
#include "model/slave/containerizer/fetcher.hpp"
#include "model/messages/messages.hpp"
#include "model/common/resources.hpp"
#include "model/messages/status_update.hpp"
#include "model/common/task.hpp"
#include "sim/message.hpp"
#include "sim/time.hpp"

namespace agentsim::model {

// What a simulated task's command does once its executor starts it: the updates the
// executor sends, each `after` the task was launched. It stands in for CommandInfo (a
// shell command has no meaning here); agentsim's, not Mesos's.
struct TaskUpdateStep {
  TaskState state = TaskState::TASK_RUNNING;
  sim::Duration after;
  std::string task_id;  // empty: the task itself; else an update for another task id
};

// mesos.proto ExecutorInfo. `command` marks the command executor (mesos-executor), which
// Mesos builds itself for a TaskInfo without an ExecutorInfo.
struct ExecutorInfo {
  std::string executor_id;
  Id framework_id;
  bool command = true;
  std::optional<sim::Duration> shutdown_grace_period;  // ExecutorInfo.shutdown_grace_period
  bool ignore_shutdown = false;  // a test executor whose shutdown() does nothing (agentsim)
  std::optional<sim::Duration> exit_after;  // a test executor that exits this long after registering (agentsim)
  bool operator==(const ExecutorInfo&) const = default;
};

// mesos.proto TaskInfo.
struct TaskInfo {
  std::string task_id;
  std::string name;
  Id slave_id;
  std::string resources = "cpus:0.1;mem:32";
  ExecutorInfo executor;
  std::vector<TaskUpdateStep> steps;  // what the command does
  // The part of `resources` that is revocable (oversubscribed): Resource.revocable is set per
  // resource, so a task may mix revocable and regular resources. Empty: none.
  std::string revocable_resources;
  std::vector<CommandURI> uris;  // CommandInfo.uris: fetched into the sandbox before it starts
  std::uint64_t sandbox_growth_bytes_per_minute = 0;  // what it writes to its sandbox (agentsim)
  std::optional<sim::Duration> kill_policy_grace_period;  // TaskInfo.kill_policy.grace_period
  bool ignores_sigterm = false;  // its command ignores SIGTERM: only SIGKILL ends it (agentsim's script)
  bool operator==(const TaskInfo&) const = default;
};

std::string describeTasks(const std::vector<Task>& tasks);

// protobuf::createTask: the Task record of a TaskInfo, in a state, on an agent.
Task createTask(const TaskInfo& info, TaskState state, const Id& frameworkId, const std::string& executorId,
                const Id& slaveId);

// Scheduler -> master (v0 driver): launch tasks. agentsim models no allocator or offers:
// each task names the agent's hostname, and the master launches it there if that agent
// is registered (docs/model.md).
struct LaunchTasksMessage : sim::MessageOf<LaunchTasksMessage> {
  static constexpr std::string_view kName = "LaunchTasksMessage";
  std::string framework_id;
  std::string hostname;  // the agent (stands in for offer_ids)
  std::vector<TaskInfo> tasks;
  void describe(sim::Fields& out) const override;
};

struct RunTaskMessage : sim::MessageOf<RunTaskMessage> {
  static constexpr std::string_view kName = "RunTaskMessage";
  FrameworkInfo framework;
  std::string pid;  // the scheduler's
  TaskInfo task;
  // RunTaskMessage.launch_executor (MESOS-1720, Mesos 1.5): the master's word on whether
  // the agent is to launch a new executor for the task (true for a command task, and for
  // an executor the master does not know on that agent); none from a sender that does
  // not set it (the agent then launches one if it has none, 1.1's rule).
  std::optional<bool> launch_executor;
  void describe(sim::Fields& out) const override;
};

struct KillTaskMessage : sim::MessageOf<KillTaskMessage> {
  static constexpr std::string_view kName = "KillTaskMessage";
  std::string framework_id;
  std::string task_id;
  void describe(sim::Fields& out) const override;
};

struct StatusUpdateMessage : sim::MessageOf<StatusUpdateMessage> {
  static constexpr std::string_view kName = "StatusUpdateMessage";
  StatusUpdate update;
  sim::Upid pid;  // the sender: executor, agent or master (the protobuf carries its text)
  void describe(sim::Fields& out) const override;
};

struct StatusUpdateAcknowledgementMessage : sim::MessageOf<StatusUpdateAcknowledgementMessage> {
  static constexpr std::string_view kName = "StatusUpdateAcknowledgementMessage";
  Id slave_id;
  Id framework_id;
  std::string task_id;
  Uuid uuid;
  // agentsim's: the message stands for the 1.1 driver's Call::ACKNOWLEDGE (the model's
  // SchedulerProcess sets it), which the master takes through Master::receive(Call); false,
  // the v0 message itself (a test's process::post, a master's to an agent), which it takes
  // through Master::statusUpdateAcknowledgement. Not in the trace (a scenario's spoof may
  // set it: "call").
  bool call = false;
  void describe(sim::Fields& out) const override;
};

struct ReconcileTasksMessage : sim::MessageOf<ReconcileTasksMessage> {
  static constexpr std::string_view kName = "ReconcileTasksMessage";
  std::string framework_id;
  std::vector<std::string> task_ids;  // empty: implicit reconciliation (every task)
  // The TaskStatus.slave_id of every named task ("": none). Mesos gives each task its own;
  // agentsim's driver names one agent for all of them.
  std::string slave_id;
  void describe(sim::Fields& out) const override;
};

struct RegisterExecutorMessage : sim::MessageOf<RegisterExecutorMessage> {
  static constexpr std::string_view kName = "RegisterExecutorMessage";
  std::string framework_id;
  std::string executor_id;
  void describe(sim::Fields& out) const override;
};

struct ExecutorRegisteredMessage : sim::MessageOf<ExecutorRegisteredMessage> {
  static constexpr std::string_view kName = "ExecutorRegisteredMessage";
  std::string framework_id;
  std::string executor_id;
  std::string slave_id;
  FrameworkInfo framework;  // framework_info: the command executor reads its capabilities
  void describe(sim::Fields& out) const override;
};

struct ReregisterExecutorMessage : sim::MessageOf<ReregisterExecutorMessage> {
  static constexpr std::string_view kName = "ReregisterExecutorMessage";
  std::string framework_id;
  std::string executor_id;
  std::vector<TaskInfo> tasks;         // the tasks it runs
  std::vector<StatusUpdate> updates;   // unacknowledged
  void describe(sim::Fields& out) const override;
};

struct ExecutorReregisteredMessage : sim::MessageOf<ExecutorReregisteredMessage> {
  static constexpr std::string_view kName = "ExecutorReregisteredMessage";
  std::string slave_id;
  void describe(sim::Fields& out) const override;
};

struct ReconnectExecutorMessage : sim::MessageOf<ReconnectExecutorMessage> {
  static constexpr std::string_view kName = "ReconnectExecutorMessage";
  std::string slave_id;
  void describe(sim::Fields& out) const override;
};

struct ShutdownExecutorMessage : sim::MessageOf<ShutdownExecutorMessage> {
  static constexpr std::string_view kName = "ShutdownExecutorMessage";
  std::string framework_id;
  std::string executor_id;
  void describe(sim::Fields& out) const override;
};

struct ShutdownFrameworkMessage : sim::MessageOf<ShutdownFrameworkMessage> {
  static constexpr std::string_view kName = "ShutdownFrameworkMessage";
  std::string framework_id;
  void describe(sim::Fields& out) const override;
};

struct UpdateFrameworkMessage : sim::MessageOf<UpdateFrameworkMessage> {
  static constexpr std::string_view kName = "UpdateFrameworkMessage";
  std::string framework_id;
  std::string pid;
  void describe(sim::Fields& out) const override;
};

// Agent -> master: the oversubscribed (revocable) resources it may offer now.
struct UpdateSlaveMessage : sim::MessageOf<UpdateSlaveMessage> {
  static constexpr std::string_view kName = "UpdateSlaveMessage";
  std::string slave_id;
  // false: the update carries no estimate (Mesos 1.5+'s update after every registration
  // of an agent that has none yet); oversubscribed_resources is then meaningless.
  bool update_oversubscribed_resources = true;
  Resources oversubscribed_resources;
  void describe(sim::Fields& out) const override;
};

// Scheduler -> agent (directly, to an agent pid the driver saved from an offer) or
// scheduler -> master (the driver's Call::MESSAGE, which the master relays): a framework
// message for one of its executors; agent -> executor the same (Slave::schedulerMessage).
struct FrameworkToExecutorMessage : sim::MessageOf<FrameworkToExecutorMessage> {
  static constexpr std::string_view kName = "FrameworkToExecutorMessage";
  std::string slave_id;
  std::string framework_id;
  std::string executor_id;
  std::string data;
  void describe(sim::Fields& out) const override;
};

// Executor -> agent (ExecutorDriver::sendFrameworkMessage), agent -> scheduler (or to
// the master when the agent knows no framework pid), master -> scheduler.
struct ExecutorToFrameworkMessage : sim::MessageOf<ExecutorToFrameworkMessage> {
  static constexpr std::string_view kName = "ExecutorToFrameworkMessage";
  std::string slave_id;
  std::string framework_id;
  std::string executor_id;
  std::string data;
  void describe(sim::Fields& out) const override;
};

struct ExitedExecutorMessage : sim::MessageOf<ExitedExecutorMessage> {
  static constexpr std::string_view kName = "ExitedExecutorMessage";
  std::string slave_id;
  std::string framework_id;
  std::string executor_id;
  std::int64_t status = -1;
  void describe(sim::Fields& out) const override;
};

}  // namespace agentsim::model
