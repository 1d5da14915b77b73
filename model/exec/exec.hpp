#pragma once
// ExecutorProcess (src/exec/exec.cpp, the v0 executor driver) with a scripted executor
// behind it: the command executor (src/launcher/executor.cpp) or a custom (test)
// executor. Process executor(1) in its own program (the container's), on the agent's
// host. It promises, as the driver does in Mesos 1.1:
//  - it links to the agent (MESOS_SLAVE_PID) and sends RegisterExecutorMessage once;
//  - each task it runs follows its script (TaskInfo.steps): the updates it sends, each
//    at its time after launch; every update carries a fresh UUID and stays
//    unacknowledged until the agent's StatusUpdateAcknowledgementMessage;
//  - KillTaskMessage: a custom executor sends TASK_KILLED at once; the command executor
//    (CommandExecutor::kill, src/launcher/executor.cpp) sends TASK_KILLING if the
//    framework has TASK_KILLING_STATE, SIGTERMs its task and escalates to SIGKILL after
//    the kill grace period (KillPolicy.grace_period, else 3secs; a second kill may only
//    shorten it); TASK_KILLED goes out when the reaper sees the task die (100ms later);
//  - ShutdownExecutorMessage: the driver is aborted (it takes no message after it:
//    acks, reconnects, kills, a second shutdown); the command executor kills its task as
//    above with the grace period shutdown_grace_period - 2secs, and the driver's
//    ShutdownProcess kills the executor after shutdown_grace_period; a custom executor
//    sends TASK_KILLED for every task not yet terminal and exits at once (unless its
//    script ignores shutdown);
//  - the command executor terminates itself 1secs after its task's terminal update
//    (selfTerminate, MESOS-4111: the v0 adapter sees no acknowledgement) and sends
//    nothing after it; a custom executor's script may;
//  - when the agent's connection breaks: without checkpointing (or while not
//    (re)registered) it shuts down as on ShutdownExecutorMessage; with
//    checkpointing (and registered) it waits --recovery_timeout for a
//    ReconnectExecutorMessage, answers it with ReregisterExecutorMessage carrying its
//    tasks and unacknowledged updates, and shuts down as above if none comes;
//  - FrameworkToExecutorMessage, from any sender and connected or not, is delivered to
//    Executor::frameworkMessage unless the driver is aborted (an `Executor::frameworkMessage`
//    record, RECEIVED, with the data; the command executor's callback does nothing with
//    it); sendFrameworkMessage sends ExecutorToFrameworkMessage to the agent it was
//    given (or reconnected to), whatever the driver's connection.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/common/boxed.hpp"
#include "model/common/uuid_bytes.hpp"
#include "model/messages/task_messages.hpp"
#include "sim/process.hpp"
#include "sim/state_machine.hpp"

namespace agentsim::model {

// The scripted executor's end.
namespace machines {
inline constexpr std::string_view kExecutorStates[]{"EXITED"};
inline constexpr sim::StateMachine kExecutor{"Executor", kExecutorStates};
inline constexpr std::string_view kExecutorMessageStates[]{"RECEIVED"};
inline constexpr sim::StateMachine kExecutorFrameworkMessage{"Executor::frameworkMessage", kExecutorMessageStates};
}  // namespace machines

// What the agent's executorEnvironment() hands the executor (MESOS_SLAVE_PID,
// MESOS_CHECKPOINT, MESOS_RECOVERY_TIMEOUT, MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD, ...).
struct ExecutorEnvironment {
  sim::Upid slave;
  Id slave_id;
  Id framework_id;
  Id container_id;  // interned: the agent's, the container's and this copy share one text
  ExecutorInfo info;
  bool checkpoint = false;
  sim::Duration recovery_timeout;
  sim::Duration shutdown_grace_period;
  // MESOS_SANDBOX, the run directory under the work_dir (paths::runPath), as sandbox()
  // spells it: this directory (the framework's executors directory on the agent, ending
  // in '/', shared by every executor the agent runs for the framework: interned, not a
  // 190-character copy per executor), the executor id, "/runs/" and the container id.
  // Empty: no sandbox.
  Id executors_dir;
  std::string sandbox() const {
    return executors_dir.empty() ? std::string() : executors_dir + info.executor_id + "/runs/" + container_id;
  }
};

// libprocess's reaper polls every MIN_REAP_INTERVAL while it watches few pids.
inline constexpr sim::Duration kMinReapInterval = sim::Milliseconds(100);

class ExecutorProcess final : public sim::Process {
 public:
  // What the agent handed it: a test finds an executor by its framework and executor ids.
  const ExecutorEnvironment& environment() const { return env_; }
  explicit ExecutorProcess(ExecutorEnvironment env);
  // ExecutorDriver::sendFrameworkMessage(data) (ExecutorProcess::sendFrameworkMessage).
  // Call with dispatch.
  void sendFrameworkMessage(const std::string& data);
  std::string_view source() const override { return "src/exec/exec.cpp"; }
  std::string_view className() const override { return "ExecutorProcess"; }

 protected:
  void initialize() override;
  void exited(const sim::Upid& pid) override;

 private:
  struct RunningTask {
    // What the command executor reads of its TaskInfo while the task runs (the kill grace
    // period, whether it ignores SIGTERM, its sandbox growth), kept with the task.
    struct Kept {
      std::uint64_t sandbox_growth_bytes_per_minute = 0;
      std::optional<sim::Duration> kill_policy_grace_period;
      bool ignores_sigterm = false;
    };
    Kept info;
    // The whole TaskInfo, held apart only until an update of the task is acknowledged (the
    // driver forgets it then: a reregistration resends only unacknowledged tasks).
    std::unique_ptr<TaskInfo> unacknowledged_info;
    bool terminal = false;
    bool acknowledged = false;  // an update of it was acknowledged: the driver forgets its TaskInfo
    bool dead = false;          // the command died; the reaper has yet to see it
    std::vector<sim::TimerId> steps;
    sim::TimerId growth;
    // The command executor's kill (CommandExecutor's killGracePeriodStart and
    // killGracePeriodTimer): set once the task is killed (CommandExecutor's `killed`).
    // Boxed, as most tasks are never killed: the task's map node is 152 bytes (jemalloc's
    // 160-byte class), where the three fields inline made it 176 (192).
    struct Kill {
      sim::Time start;
      sim::Time escalation_at;
      sim::TimerId escalation;
    };
    Boxed<Kill> kill;
  };
  void registered(const sim::Upid& from, const ExecutorRegisteredMessage& message);
  void reregistered(const sim::Upid& from, const ExecutorReregisteredMessage& message);
  void reconnect(const sim::Upid& from, const ReconnectExecutorMessage& message);
  void runTask(const sim::Upid& from, RunTaskMessage& message);  // takes the TaskInfo over
  void killTask(const sim::Upid& from, const KillTaskMessage& message);
  void acknowledged(const sim::Upid& from, const StatusUpdateAcknowledgementMessage& message);
  void shutdown(const sim::Upid& from, const ShutdownExecutorMessage& message);
  void frameworkMessage(const sim::Upid& from, const FrameworkToExecutorMessage& message);
  void sendStatusUpdate(const std::string& taskId, TaskState state, std::string message);
  void driverShutdown(const std::string& why);
  bool ignoredAborted(std::string_view what);
  void exitExecutor(const std::string& why);
  void grow(const std::string& taskId);  // the task's output into its sandbox
  // CommandExecutor (src/launcher/executor.cpp), in command_executor.cpp.
  void commandKill(const std::string& taskId, sim::Duration grace);
  void commandEscalated(const std::string& taskId, sim::Duration grace);
  void commandDies(const std::string& taskId, std::string message);
  void commandReaped(const std::string& taskId, TaskState state, std::string message);
  UuidBytes uuid();

  ExecutorEnvironment env_;
  bool connected_ = false;
  bool aborted_ = false;  // the driver's `aborted`: after a shutdown it takes no message
  // From ExecutorRegisteredMessage's FrameworkInfo: the TASK_KILLING_STATE capability, all
  // the command executor reads of its frameworkInfo.
  bool task_killing_state_ = false;
  std::map<std::string, RunningTask> tasks_;
  // An unacknowledged update without what every update of this executor shares (its
  // framework, agent and executor ids, SOURCE_EXECUTOR, no reason): update() rebuilds it.
  // Its UUID (made by uuid() as 16 bytes, never printed here) is what the update carries.
  // Its message is boxed (most updates carry none): 72 bytes an update, not 96 (two in a
  // 160-byte block while STARTING and RUNNING wait, where they took 192).
  struct Unacknowledged {
    std::string task_id;
    Boxed<std::string> message;  // none: ""
    sim::Time timestamp;
    UuidBytes uuid;
    TaskState state = TaskState::TASK_STAGING;
  };
  StatusUpdate update(const Unacknowledged& u) const;
  // In the order sent, as the driver's LinkedHashMap<UUID, StatusUpdate> keeps them; its
  // capacity goes back once all are acknowledged (a command executor sends three).
  std::vector<Unacknowledged> unacknowledged_;
  sim::TimerId recovery_timer_;
};

}  // namespace agentsim::model
