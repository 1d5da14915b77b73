#pragma once
// Slave (src/slave/slave.cpp): the agent process slave(1). It models initialize,
// recovery from the checkpoint (slave_recovery.cpp), master detection, reliable
// (re)registration with Mesos's randomised doubling backoff, the ping timer, and the
// task and executor lifecycle with the status update path (slave_tasks.cpp):
//  - after a master is detected: wait U[0, registration_backoff_factor], then send
//    RegisterSlaveMessage (ReregisterSlaveMessage with a checkpointed SlaveID) and
//    retry after U[0, 2b], U[0, 4b], ... capped at 1mins, until (Re)Registered;
//  - a newly detected master cancels the pending retry (a documented choice, see
//    docs/model.md);
//  - every PingSlaveMessage is answered with PongSlaveMessage, in any state, and
//    restarts the ping timer; with no ping for total_ping_timeout_seconds (75secs by
//    default) the agent re-detects and reregisters;
//  - tasks: runTask -> run -> launchExecutor (executor_registration_timeout) or queue ->
//    RunTaskMessage to a registered executor; kill, shutdown of executors and
//    frameworks, executorTerminated with Mesos's states and reasons;
//  - status updates: from executors (or the agent itself) through the status update
//    manager (checkpointed for checkpointing frameworks, acknowledged to the executor
//    once on disk), forwarded to the master only while RUNNING, acknowledgements from
//    the current master only; the manager pauses on every detection and resumes on
//    (re)registration and UpdateFrameworkMessage;
//  - framework messages (slave_framework_messages.cpp): a scheduler's to a RUNNING
//    executor, an executor's to its framework's pid (or through the master), each
//    dropped while the agent is not RUNNING or the framework is unknown or terminating;
//  - recovery: frameworks, executors, runs, tasks and updates from meta/; with
//    --recover=reconnect it reconnects executors and waits the whole
//    executor_reregistration_timeout before detecting a master; with cleanup it
//    shuts executors down and never registers.
#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <optional>
#include <string>

#include <memory>

#include "model/common/boxed.hpp"
#include "model/common/indexed_map.hpp"
#include "model/authentication/cram_md5/authenticatee.hpp"
#include "model/slave/containerizer/containerizer.hpp"
#include "model/common/flags.hpp"
#include "model/common/planted_bug.hpp"
#include "sim/fault_site.hpp"
#include "model/common/metrics.hpp"
#include "model/common/http.hpp"
#include "model/hook/manager.hpp"
#include "model/authorizer/local/authorizer.hpp"
#include "model/master/detector/detector.hpp"
#include "model/messages/messages.hpp"
#include "model/slave/qos_controller.hpp"
#include "model/slave/resource_estimator.hpp"
#include "model/slave/resource_usage.hpp"
#include "model/slave/state.hpp"
#include "model/messages/task_messages.hpp"
#include "model/common/pid.hpp"
#include "sim/process.hpp"
#include "sim/state_machine.hpp"

namespace agentsim::model {

// Containerizer::resources: a simulated host has nothing to probe, so the agent reports
// Mesos's fallbacks DEFAULT_CPUS, DEFAULT_MEM, DEFAULT_DISK, DEFAULT_PORTS.
inline constexpr std::string_view kDefaultResources = "cpus:1;mem:1024;disk:10240;ports:[31000-32000]";

// The agent's state machines, as its `state` records name them (docs/trace-format.md).
namespace machines {
inline constexpr std::string_view kSlaveStates[]{"RECOVERING", "DISCONNECTED", "RUNNING", "TERMINATING"};
inline constexpr sim::StateMachine kSlave{"Slave::State", kSlaveStates};
// EVICTED: pushed out of a completed ring (completedFrameworks, completedExecutors), so
// no longer in the agent's /state.
inline constexpr std::string_view kSlaveFrameworkStates[]{"RUNNING", "TERMINATING", "REMOVED", "EVICTED"};
inline constexpr sim::StateMachine kSlaveFramework{"Slave::Framework", kSlaveFrameworkStates};
inline constexpr std::string_view kSlaveExecutorStates[]{"REGISTERING", "RUNNING", "TERMINATING", "TERMINATED",
                                                         "EVICTED"};
inline constexpr sim::StateMachine kSlaveExecutor{"Slave::Executor", kSlaveExecutorStates};
// Which of its executor's lists a task is in, as the agent's /state (src/slave/http.cpp)
// lists them: QUEUED (queuedTasks: `queued_tasks`), LAUNCHED (launchedTasks: `tasks`),
// TERMINATED (terminatedTasks) and COMPLETED (completedTasks: both `completed_tasks`).
// Recorded only with AgentOptions::task_records (model/slave/task_records.cpp).
inline constexpr std::string_view kSlaveTaskStates[]{"QUEUED", "LAUNCHED", "TERMINATED", "COMPLETED"};
inline constexpr sim::StateMachine kSlaveTask{"Slave::Task", kSlaveTaskStates};
}  // namespace machines

class Files;
class GarbageCollector;
class StatusUpdateManager;

// What main() hands the Slave besides its id, flags and detector: new Slave(id, flags,
// detector, containerizer, &files, &gc, &statusUpdateManager, resourceEstimator,
// qosController, authorizer). Pointers to processes are owned by the kernel; a
// component left out (a model test that builds only a Slave) is skipped.
struct SlaveComponents {
  Containerizer* containerizer = nullptr;
  Files* files = nullptr;
  GarbageCollector* gc = nullptr;
  StatusUpdateManager* statusUpdateManager = nullptr;
  std::unique_ptr<ResourceEstimator> resourceEstimator;
  std::unique_ptr<QoSController> qosController;
  std::shared_ptr<const HookManager> hooks;  // HookManager's static state in Mesos
  std::shared_ptr<const LocalAuthorizer> authorizer;  // none: no authorization
  std::shared_ptr<sim::FaultSites> faults;             // the run's fault sites; none: every site is off
  std::shared_ptr<const PlantedBugs> bugs;             // the run's planted bug; none: no bug
  bool gauges = false;  // keep the gauges (Slave::refreshGauges); AgentOptions::gauges
  bool task_records = false;  // record Slave::Task (model/slave/task_records.cpp); AgentOptions::task_records
};

class Slave final : public sim::Process {
 public:
  // src/slave/slave.hpp enum Slave::State.
  enum class State {
    RECOVERING,    // Slave is doing recovery.
    DISCONNECTED,  // Slave is not connected to the master.
    RUNNING,       // Slave has (re-)registered.
    TERMINATING,   // Slave is shutting down.
  };

  Slave(SlaveFlags flags, MasterDetector& detector, SlaveComponents components = {});
  std::string_view source() const override { return "src/slave/slave.cpp"; }
  std::string_view className() const override { return "Slave"; }

  State state() const { return state_; }
  // Slave::Http (model/slave/http.cpp): an endpoint's answer to a GET now.
  HttpAnswer httpGet(std::string_view endpoint) const;
  const SlaveInfo& info() const { return info_; }

  // slave.hpp struct Executor.
  struct Executor {
    enum class State {
      REGISTERING,  // Executor is launched but not (re-)registered yet.
      RUNNING,      // Executor has (re-)registered.
      TERMINATING,  // Executor is being shutdown/killed.
      TERMINATED,   // Executor has terminated but there might be pending updates.
    };
    ExecutorInfo info;
    // Interned (a random UUID's 36 characters, held by the executor's record, its
    // container, its environment and the closures that wait on it: one text, not ten).
    Id container_id;
    State state = State::REGISTERING;
    sim::Upid pid;
    bool checkpoint = false;
    std::map<std::string, TaskInfo> queued;     // queuedTasks
    std::map<std::string, Task> launched;       // launchedTasks
    std::map<std::string, Task> terminated;     // terminatedTasks
    std::vector<Task> completed;                // completedTasks, a ring of 200 (a vector: a deque
                                                // allocates 512 bytes even when empty)
    struct Termination {
      TaskState state;
      TaskStatusReason reason;
      std::string message;
    };
    // Set only when the executor is to end (rare): on the heap, so the record is 320 bytes
    // (a 384-byte map node) where an inline optional made it 360 (448).
    Boxed<Termination> pending_termination;
    std::size_t incompleteTasks() const { return queued.size() + launched.size() + terminated.size(); }
    // Whether the task is one of its queued, launched or terminated tasks.
    bool holds(const std::string& taskId) const {
      return launched.count(taskId) != 0 || queued.count(taskId) != 0 || terminated.count(taskId) != 0;
    }
  };
  // slave.hpp struct Framework.
  struct Framework {
    enum class State {
      RUNNING,      // Framework is running.
      TERMINATING,  // Framework is shutting down in the cluster.
    };
    FrameworkInfo info;
    sim::Upid pid;
    State state = State::RUNNING;
    std::map<std::string, std::map<std::string, TaskInfo>> pending;  // executor -> tasks
    // taskLaunchSequences (MESOS-8624, 1.5): per executor, the launches in the order their
    // RunTaskMessages came; one whose GC unschedule completed (ready) runs _run only once
    // every launch before it has.
    struct Launch {
      std::string task_id;
      bool ready = false;
      TaskInfo task;  // set when ready
      std::optional<bool> launch_executor;
    };
    std::map<std::string, std::deque<Launch>> launches;
    IndexedMap<Executor> executors;  // by ExecutorID, in its order; found by hash
    // completedExecutors (a ring of --max_completed_executors_per_framework), of which
    // only their ids and completed tasks are kept: what a completed framework's
    // Archive::Framework reports on reregistration.
    struct CompletedExecutor {
      std::string id;
      std::vector<Task> tasks;
    };
    std::vector<CompletedExecutor> completed_executors;
  };
  const std::map<Id, Framework>& frameworks() const { return frameworks_; }
  // Slave::signaled: SIGUSR1 becomes shutdown(UPID(), "Received SIGUSR1 signal"); call
  // with dispatch.
  // Slave::shutdown(from, message): `from` is the master that sent ShutdownMessage (the
  // agent does not unregister then; another sender is ignored); none for a local
  // shutdown (a signal), which unregisters a registered agent.
  void shutdown(const std::string& message, const sim::Upid& from = sim::Upid{});

  // Slave::usage: what the usage callback hands the estimator and the QoS controller.
  ResourceUsage usage() const;

 protected:
  void initialize() override;
  void exited(const sim::Upid& pid) override;  // the connection to the master broke

 private:
  // Slave::checkDiskUsage and _checkDiskUsage: every --disk_watch_interval, prune the
  // GC by gc_delay - age(usage) (the simulated disk reports no usage yet).
  void checkDiskUsage();
  sim::Duration maxAllowedAge(std::int64_t usageMillionths) const;  // Slave::age(usage)
  // slave_oversubscription.cpp: the estimator and QoS loops, started by __recover.
  Resources revocableAllocated() const;  // the revocable part of usage(), summed
  void forwardOversubscribed();
  void forwardedOversubscribed(const sim::Try<Resources>& estimate);  // _forwardOversubscribed
  void sendOversubscribed();
  void sendRegistrationUpdate();
  void qosCorrections();
  void handleQoSCorrections(const sim::Try<std::vector<QoSCorrection>>& corrections);  // _qosCorrections
  // slave_recovery.cpp: state::recover -> Slave::recover -> _recover -> __recover.
  void recover();
  void failRecovery(const std::string& error);  // __recover on a failed future: exit
  // Whether a firing fault site (model/slave/fault_sites.hpp) fires at this reach.
  bool fires(std::string_view site, std::string_view what = {});
  // Slave::recover's SlaveInfo check: "" if `old` matches the flags' SlaveInfo, else Mesos's message.
  std::string incompatibleInfo(const SlaveInfo& old) const;
  void garbageCollectOldAgents();  // __recover: the directories of agents other than this one
  void recoverFramework(const state::FrameworkState& state);
  void recoverExecutor(Framework& framework, const state::ExecutorState& state);  // Framework::recoverExecutor
  void recoverTask(Framework& framework, Executor& executor, const state::TaskState& state);  // Executor::recoverTask
  void garbageCollect(const std::string& path);  // Slave::garbageCollect: schedule it after --gc_delay
  void recoveredContainerizer();  // Slave::_recover
  void reconnectExecutors();
  void reregisterExecutorTimeout();
  void finishRecovery();  // Slave::__recover
  void terminateAgent(const std::string& why);
  sim::Upid masterPid() const;
  mutable MasterPid master_pid_;  // masterPid()'s cache
  void reregisterExecutor(const sim::Upid& from, const ReregisterExecutorMessage& message);
  static bool everSentTask(const Executor& e);

  // slave_tasks.cpp.
  // Takes the delivered message over: its TaskInfo moves on to _run (one copy is kept
  // pending).
  void runTask(const sim::Upid& from, RunTaskMessage& message);
  // Slave::_run (and later Mesos's __run); launchExecutor: RunTaskMessage.launch_executor.
  // The task is its own: it moves into the executor's queued tasks. The framework id is
  // the interned one the launch carried (no text interned again).
  void run(const Id& frameworkId, TaskInfo task, std::optional<bool> launch);
  // Whether run() found the master's launch_executor at odds with the executors it has,
  // and dropped the task (later Mesos's __run).
  bool dropMismatchedLaunch(Framework& f, const TaskInfo& task, bool launchExecutor);
  // The task's GC unschedule completed: run its _run, and every later ready launch of its
  // executor, once the launches before it have run (Framework::taskLaunchSequences).
  void launchReady(const Id& frameworkId, TaskInfo task, std::optional<bool> launch);
  // Slave::sendExitedExecutorMessage (later Mesos): ExitedExecutorMessage to the master, if any.
  void sendExitedExecutorMessage(const Id& frameworkId, const std::string& executorId, int status = -1);
  // `uris`: what the container fetches first (a command executor's task's URIs).
  Executor& launchExecutor(Framework& framework, const ExecutorInfo& info, const std::vector<CommandURI>& uris,
                           std::uint64_t diskQuotaBytes);
  // The continuations of a launch name the framework and the container by their interned
  // ids (the closures hold them), so their look-ups hash nothing.
  void executorLaunched(const Id& frameworkId, const std::string& executorId, const Id& containerId,
                        const sim::Try<bool>& launched);
  void registerExecutor(const sim::Upid& from, const RegisterExecutorMessage& message);
  void registerExecutorTimeout(const Id& frameworkId, const std::string& executorId, const Id& containerId);
  // containerizer->update, then __run; `caller` is the hold site's attribute.
  void sendQueuedTasks(Framework& framework, Executor& executor, std::string_view caller);
  void sendQueuedTasks(const Id& frameworkId, const std::string& executorId, const std::string& containerId,
                       const std::vector<std::string>& taskIds);  // Slave::__run
  // Answers an executor the agent will not take with ShutdownExecutorMessage.
  void refuseExecutor(const sim::Upid& from, const std::string& frameworkId, const std::string& executorId,
                      const std::string& why);
  void killTask(const sim::Upid& from, const KillTaskMessage& message);
  void shutdownExecutorMessage(const sim::Upid& from, const ShutdownExecutorMessage& message);
  void shutdownExecutor(Framework& framework, Executor& executor);  // Slave::_shutdownExecutor
  void shutdownExecutorTimeout(const std::string& frameworkId, const std::string& executorId,
                               const std::string& containerId);
  void shutdownFramework(const sim::Upid& from, const ShutdownFrameworkMessage& message);
  void shutdownFramework(Framework& framework);  // a RUNNING framework: its executors shut down
  void updateFramework(const sim::Upid& from, const UpdateFrameworkMessage& message);
  // slave_framework_messages.cpp: Slave::schedulerMessage and Slave::executorMessage.
  void schedulerMessage(const sim::Upid& from, const FrameworkToExecutorMessage& message);
  void executorMessage(const sim::Upid& from, const ExecutorToFrameworkMessage& message);
  void executorTerminated(const Id& frameworkId, const std::string& executorId, const Id& containerId,
                          const sim::Try<ContainerTermination>& termination);
  void removeExecutor(Framework& framework, Executor& executor);
  void removeFramework(const Id& frameworkId);
  void statusUpdateMessage(const sim::Upid& from, StatusUpdateMessage& message);
  // Slave::statusUpdate: from an executor (pid) or from the agent itself (none).
  void statusUpdate(StatusUpdate update, const sim::Upid& pid);
  void countTerminalTask(TaskState state);
  // A Slave::Task record (model/slave/task_records.cpp): the task moved to `list` of its
  // executor, or its state changed there; only with SlaveComponents::task_records.
  void recordTask(const std::string& frameworkId, const Executor& executor, const std::string& taskId,
                  std::string_view list, TaskState state);
  // Executor::updateTaskState: why the task cannot take the update, or nothing.
  std::optional<std::string> updateTaskState(Framework& framework, Executor& executor, const StatusUpdate& update);
  void statusUpdateAcknowledgement(const sim::Upid& from, StatusUpdateAcknowledgementMessage& message);
  void forward(StatusUpdate update);
  // An update the agent generates (SOURCE_SLAVE) for a task.
  StatusUpdate createStatusUpdate(const Id& frameworkId, const std::string& executorId,
                                  const std::string& taskId, TaskState state, std::optional<TaskStatusReason> reason,
                                  std::string message);
  void sendExecutorTerminatedStatusUpdate(const Id& frameworkId, Executor& executor,
                                          const std::string& taskId, const sim::Try<ContainerTermination>& termination);
  std::string newUuid();
  // Slave::__run and __statusUpdate on a failed containerizer->update (`when`: which one, for the log).
  void failContainerUpdate(Framework& f, Executor& e, std::string_view when);
  std::vector<Task> tasksForReregistration() const;
  std::vector<ReregisterSlaveMessage::Executor> executorsForReregistration() const;
  Framework* framework(const Id& id);
  Executor* executor(const Id& frameworkId, const std::string& executorId);
  // Framework::getExecutor(taskId): the executor holding the task, looking first at the
  // one named `likely`, or null.
  Executor* executorOf(Framework& f, const std::string& taskId, const std::string& likely);
  static TaskState neverLaunched(const Framework& f);
  // The one place an executor's state changes, as Slave::setState for the agent: asserts
  // the transition is one Mesos makes (a new executor starts REGISTERING; REGISTERING ->
  // RUNNING -> TERMINATING -> TERMINATED, each step skippable but none undone) and writes
  // the Slave::Executor record (framework_id, executor_id, then `fields`).
  void setExecutorState(const Id& frameworkId, Executor& executor, Executor::State state, sim::Fields fields = {});
  // The gauges Mesos reads when /metrics/snapshot asks (Slave::_frameworks_active,
  // _executors_registering, _running, _terminating), recorded when they change.
  void refreshGauges();
  bool fromMaster(const sim::Upid& from) const;
  void checkpoint(const std::string& path, std::string bytes);
  std::optional<std::string> taskUpdatesPath(const Framework& framework, const Executor& executor,
                                             const std::string& taskId) const;
  void detected(const Detection& detection);
  // Authentication with the master (slave_authentication.cpp): Slave::authenticate,
  // _authenticate (finishAuthentication) and the timeout of each attempt.
  void authenticate(sim::Duration minTimeout, sim::Duration maxTimeout);
  void finishAuthentication(std::uint64_t attempt, sim::Duration minTimeout, sim::Duration maxTimeout,
                            const AuthenticationResult& result);
  void authenticationTimeout(std::uint64_t attempt);
  void doReliableRegistration(sim::Duration maxBackoff);
  void registered(const sim::Upid& from, const SlaveRegisteredMessage& message);
  void reregistered(const sim::Upid& from, const SlaveReregisteredMessage& message);
  void ping(const sim::Upid& from, const PingSlaveMessage& message);
  void shutdownMessage(const sim::Upid& from, const ShutdownMessage& message);
  void reconcile(const std::vector<ReconcileTask>& tasks);
  void pingTimeout(std::uint64_t detection);
  void startDetection(std::optional<MasterInfo> previous);
  void restartPingTimer();
  void setState(State state);

  SlaveFlags flags_;
  MasterDetector& detector_;
  SlaveComponents components_;
  SlaveInfo info_;
  State state_ = State::RECOVERING;
  std::optional<MasterInfo> master_;
  std::uint64_t detection_ = 0;  // handle of the pending detect()
  sim::TimerId registration_timer_;
  sim::TimerId ping_timer_;
  sim::Duration master_ping_timeout_;
  std::string meta_dir_;
  std::map<Id, Framework> frameworks_;  // by FrameworkID
  // completedFrameworks, a ring of 50 (a list: an empty deque allocates 576 bytes): each
  // one's id and its completed executors' completed tasks (Archive::Framework.tasks).
  struct CompletedFramework {
    Id id;
    std::vector<Task> tasks;
  };
  std::list<CompletedFramework> completed_frameworks_;
  bool rebooted_ = false;
  std::optional<Resources> oversubscribed_;  // the last total sent (or due) to the master
  // Whether any task with revocable resources was ever launched on this agent (set by
  // its insertion into an executor's `launched`, never cleared): until then
  // revocableAllocated() is nothing, and every --oversubscribed_resources_interval it
  // answers so without a walk over every executor's tasks (a cache miss apiece at 100
  // executors an agent: bench_tasks).
  bool launched_revocable_ = false;
  std::uint64_t executors_preempted_ = 0;     // metric slave/executors_preempted
  // The agent's counters (Slave::Metrics): slave/tasks_<state>, slave/executors_terminated,
  // slave/executors_preempted, slave/valid_status_updates, slave/invalid_status_updates.
  Metrics metrics_{*this};
  bool reconnecting_ = false;  // recovery waits for executors to reregister
  // Authentication (with --credential): `authenticatee_` is the attempt's
  // crammd5-authenticatee(N) (Mesos's `authenticating`), none between attempts; only
  // finishAuthentication ends it.
  bool authenticated_ = false;
  bool reauthenticate_ = false;
  CRAMMD5Authenticatee* authenticatee_ = nullptr;
  std::uint64_t authentication_attempt_ = 0;
  sim::TimerId authentication_timer_;
};

std::string_view toString(Slave::State state);

}  // namespace agentsim::model
