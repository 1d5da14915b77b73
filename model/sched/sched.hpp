#pragma once
// A scripted framework: the v0 scheduler driver's SchedulerProcess (src/sched/sched.cpp),
// process scheduler(1), with a scheduler that only registers. It promises, as the driver
// does in Mesos 1.1:
//  - it finds the leading master through its own master detector (--master: a pid or a
//    zk:// URL, as the agent's);
//  - on each new master it sends RegisterFrameworkMessage (no FrameworkID yet) or
//    ReregisterFrameworkMessage at once, then retries after U[0, maxBackoff] with
//    maxBackoff starting at registration_backoff_factor (2secs,
//    DEFAULT_REGISTRATION_BACKOFF_FACTOR), doubling, capped at 1mins
//    (REGISTRATION_RETRY_INTERVAL_MAX) and at failover_timeout / 10 when the failover
//    timeout is positive (as the MESOS-8171 fix: a 0 one does not cap), until
//    FrameworkRegisteredMessage /
//    FrameworkReregisteredMessage from that master;
//  - losing its master (a new leader, or none) makes it "disconnected": it re-registers
//    with whoever the detector reports next;
//  - it keeps its FrameworkID on its host's disk, so a restarted scheduler fails over
//    (ReregisterFrameworkMessage with failover=true) instead of registering anew;
//  - its scripted tasks are launched at their times (LaunchTasksMessage naming the
//    agent: no offers are modelled), once it is registered;
//  - every StatusUpdateMessage is delivered to Scheduler::statusUpdate (a `state` record
//    "Scheduler::statusUpdate" naming the task, its state, reason, source and UUID),
//    then acknowledged as the script says: at once (the driver's implicit
//    acknowledgement), after a delay, or never; an update without a UUID is not
//    acknowledged;
//  - a LostSlaveMessage from the leading master, while connected, is delivered to
//    Scheduler::slaveLost (a `state` record "Scheduler::slaveLost", state LOST, naming
//    the agent's slave_id); one while disconnected, or from another sender, is ignored
//    (in that order, as SchedulerProcess::lostSlave checks);
//  - killTask and reconcileTasks send KillTaskMessage and ReconcileTasksMessage;
//  - a FrameworkErrorMessage (from any sender, as SchedulerProcess::error does not check)
//    aborts the driver and is delivered to Scheduler::error (a `state` record
//    "Scheduler::error", state ERROR, with the message); an aborted driver is not running:
//    it ignores every later message and master change and sends nothing more;
//  - stop() (SchedulerDriver::stop, the tests' teardown) sends UnregisterFrameworkMessage
//    while connected, and leaves the driver not running as an abort does;
//  - sendFrameworkMessage (SchedulerProcess::sendFrameworkMessage) is ignored while
//    disconnected; it sends FrameworkToExecutorMessage straight to the agent's pid if the
//    driver saved it (savedSlavePids: an agent this driver launched a task on, forgotten
//    on a LostSlaveMessage), else through the master (Call::MESSAGE, modelled as
//    FrameworkToExecutorMessage to the master);
//  - every ExecutorToFrameworkMessage, from any sender and connected or not, is delivered
//    to Scheduler::frameworkMessage while the driver runs (a `state` record
//    "Scheduler::frameworkMessage", RECEIVED, with the executor, agent and data).
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>  // lookup only: task_index_

#include "model/messages/framework_messages.hpp"
#include "model/master/detector/detector.hpp"
#include "model/messages/task_messages.hpp"
#include "model/common/pid.hpp"
#include "sim/process.hpp"
#include "sim/state_machine.hpp"

namespace agentsim::model {

// The scheduler driver's records: its connection, and the Scheduler callbacks it calls.
namespace machines {
inline constexpr std::string_view kSchedulerConnectedStates[]{"DISCONNECTED", "REGISTERED", "REREGISTERED"};
inline constexpr sim::StateMachine kSchedulerConnected{"SchedulerProcess::connected", kSchedulerConnectedStates};
inline constexpr sim::StateMachine kSchedulerStatusUpdate{"Scheduler::statusUpdate", kTaskStateNames};
inline constexpr std::string_view kLostStates[]{"LOST"};
inline constexpr sim::StateMachine kSchedulerExecutorLost{"Scheduler::executorLost", kLostStates};
inline constexpr sim::StateMachine kSchedulerSlaveLost{"Scheduler::slaveLost", kLostStates};
inline constexpr std::string_view kErrorStates[]{"ERROR"};
inline constexpr sim::StateMachine kSchedulerError{"Scheduler::error", kErrorStates};
inline constexpr std::string_view kReceivedStates[]{"RECEIVED"};
inline constexpr sim::StateMachine kSchedulerFrameworkMessage{"Scheduler::frameworkMessage", kReceivedStates};
}  // namespace machines

// src/sched/constants.hpp.
inline constexpr sim::Duration kSchedulerRegistrationBackoffFactor = sim::Seconds(2);
inline constexpr sim::Duration kSchedulerRegistrationRetryIntervalMax = sim::Minutes(1);

// When the scheduler acknowledges a status update (agentsim's script).
struct AcknowledgePolicy {
  enum class Kind { AT_ONCE, AFTER, NEVER };
  Kind kind = Kind::AT_ONCE;
  sim::Duration after;  // for AFTER
};

// A task the scheduler launches at `at` (simulated time since the start) on the agent
// whose hostname is `agent`.
struct TaskLaunch {
  sim::Duration at;
  std::string agent;
  // The agent's address an offer of it carries (ResourceOffersMessage.pids), which the
  // driver saves when it launches a task there ("slave(1)@agent-1:5051").
  std::string agent_pid;
  TaskInfo info;
  bool scripted = true;  // false: only launchTask (the launch_task action) launches it
};

struct FrameworkFlags {
  std::string master;  // as the agent's --master
  std::string name = "framework";
  std::string user = "root";  // FrameworkInfo.user: whom its tasks run as
  std::string principal;      // FrameworkInfo.principal
  sim::Duration failover_timeout;  // FrameworkInfo.failover_timeout
  bool checkpoint = false;         // FrameworkInfo.checkpoint
  bool partition_aware = false;    // FrameworkInfo.capabilities PARTITION_AWARE
  bool revocable_resources = false;  // FrameworkInfo.capabilities REVOCABLE_RESOURCES
  bool task_killing_state = false;   // FrameworkInfo.capabilities TASK_KILLING_STATE
  sim::Duration registration_backoff_factor = kSchedulerRegistrationBackoffFactor;
  AcknowledgePolicy acknowledge;
  std::vector<TaskLaunch> tasks;
};

class SchedulerProcess final : public sim::Process {
 public:
  SchedulerProcess(FrameworkFlags flags, MasterDetector& detector);
  std::string_view source() const override { return "src/sched/sched.cpp"; }
  std::string_view className() const override { return "SchedulerProcess"; }

  bool connected() const { return connected_; }
  const FrameworkInfo& framework() const { return framework_; }

  // SchedulerDriver::killTask and reconcileTasks (empty: every task, implicitly); call
  // with dispatch. Sent only while connected, as the driver does.
  void killTask(const std::string& taskId);
  // `slaveId`: the agent the tasks are said to run on (TaskStatus.slave_id); "" for none.
  void reconcileTasks(const std::vector<std::string>& taskIds, const std::string& slaveId = {});
  // SchedulerDriver::launchTasks of a task of the script, now: LaunchTasksMessage while
  // connected; while disconnected the driver answers the scheduler itself, TASK_LOST /
  // SOURCE_MASTER / REASON_MASTER_DISCONNECTED "Master disconnected", with no UUID
  // (SchedulerProcess::acceptOffers). Call with dispatch.
  void launchTask(const std::string& taskId);
  // SchedulerDriver::sendFrameworkMessage(executorId, slaveId, data) to the agent on host
  // `agent`, whose SlaveID is `slaveId` now. Call with dispatch.
  void sendFrameworkMessage(const std::string& executorId, const std::string& agent, const std::string& slaveId,
                            const std::string& data);
  // SchedulerDriver::stop() (failover=false): UnregisterFrameworkMessage to the master if
  // connected; the driver then runs no more (no callbacks, no messages).
  void stop();

 protected:
  void initialize() override;
  void exited(const sim::Upid& pid) override;
  bool accept(const sim::Envelope& envelope, std::string& reason) override;

 private:
  void error(const sim::Upid& from, const FrameworkErrorMessage& message);
  void detected(const Detection& detection);
  void doReliableRegistration(sim::Duration maxBackoff);
  void registered(const sim::Upid& from, const FrameworkRegisteredMessage& message);
  void reregistered(const sim::Upid& from, const FrameworkReregisteredMessage& message);
  sim::Upid masterPid() const;
  mutable MasterPid master_pid_;  // masterPid()'s cache
  void statusUpdate(const sim::Upid& from, const StatusUpdateMessage& message);
  void executorLost(const sim::Upid& from, const ExitedExecutorMessage& message);
  void lostSlave(const sim::Upid& from, const LostSlaveMessage& message);
  void frameworkMessage(const sim::Upid& from, const ExecutorToFrameworkMessage& message);
  void learnSlaveId(const StatusUpdate& u);  // savedSlavePids' key, from an update
  void acknowledge(const StatusUpdate& update);
  void launch(std::size_t index);  // flags_.tasks[index], once connected
  void sendLaunch(std::size_t index);
  void traceStatusUpdate(const StatusUpdate& u);  // Scheduler::statusUpdate's record

  FrameworkFlags flags_;
  MasterDetector& detector_;
  FrameworkInfo framework_;
  std::optional<MasterInfo> master_;
  bool connected_ = false;
  bool running_ = true;  // false once aborted (SchedulerProcess's `running`)
  bool failover_ = true;  // the first (re)registration of this scheduler process
  sim::TimerId registration_timer_;
  // savedSlavePids: the agents this driver launched a task on, by host (the offer the
  // model has no record of), with the agent's pid and, once an update from it told the
  // driver, its SlaveID (the key Mesos keeps them by).
  struct SavedSlave {
    sim::Upid pid;
    std::string slave_id;
  };
  std::map<std::string, SavedSlave> saved_slave_pids_;
  // The first of flags_.tasks with a task id, found by a look-up (every status update
  // asks; a scan was quadratic in the tasks), built at the first question.
  const TaskLaunch* findTask(const std::string& taskId);
  std::unordered_map<std::string, std::size_t> task_index_;  // lookup only
};

// The scheduler's main(): the driver's master detector, then the SchedulerProcess.
sim::Try<SchedulerProcess*> frameworkMain(sim::Host& host, FrameworkFlags flags);

}  // namespace agentsim::model
