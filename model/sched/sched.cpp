#include "model/sched/sched.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "model/common/pid.hpp"
#include "sim/assert.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

SchedulerProcess::SchedulerProcess(FrameworkFlags flags, MasterDetector& detector)
    : sim::Process(sim::ProcessName::generated("scheduler")), flags_(std::move(flags)), detector_(detector) {}

namespace {
// Where the scripted scheduler keeps its FrameworkID (schedulers usually keep it in
// ZooKeeper; agentsim keeps it on the scheduler's host).
constexpr std::string_view kFrameworkIdPath = "/var/lib/scheduler/framework_id";
}  // namespace

void SchedulerProcess::initialize() {
  framework_.name = flags_.name;
  framework_.user = flags_.user;
  framework_.principal = flags_.principal;
  framework_.failover_timeout = flags_.failover_timeout;
  framework_.checkpoint = flags_.checkpoint;
  framework_.partition_aware = flags_.partition_aware;
  framework_.revocable_resources = flags_.revocable_resources;
  framework_.task_killing_state = flags_.task_killing_state;
  // A driver started without a FrameworkID registers a new framework; with one (a
  // restarted scheduler) it fails over.
  failover_ = false;
  if (auto id = host().disk().read(std::string(kFrameworkIdPath))) {
    framework_.id = *id;
    failover_ = true;
    log(fmt::format("Failing over framework {}", framework_.id), {{"framework_id", framework_.id}});
  }
  install(&SchedulerProcess::registered, "SchedulerProcess::registered");
  install(&SchedulerProcess::reregistered, "SchedulerProcess::reregistered");
  install(&SchedulerProcess::statusUpdate, "SchedulerProcess::statusUpdate");
  install(&SchedulerProcess::executorLost, "SchedulerProcess::lostExecutor");
  install(&SchedulerProcess::lostSlave, "SchedulerProcess::lostSlave");
  install(&SchedulerProcess::error, "SchedulerProcess::error");
  install(&SchedulerProcess::frameworkMessage, "SchedulerProcess::frameworkMessage");
  for (std::size_t i = 0; i < flags_.tasks.size(); ++i) {
    const TaskLaunch& task = flags_.tasks[i];
    const sim::Duration wait = task.at > now().sinceStart() ? task.at - now().sinceStart() : sim::Duration{};
    if (failover_) break;  // a failed-over scheduler does not launch its tasks again
    if (!task.scripted) continue;
    delay(wait, "SchedulerDriver::launchTasks", [this, i] { launch(i); });
  }
  log(fmt::format("Version: 1.1.0; framework '{}', failover_timeout {}", framework_.name,
                  sim::format(framework_.failover_timeout)));
  detector_.detect(std::nullopt, *this, [this](const Detection& d) { detected(d); });
}

sim::Upid SchedulerProcess::masterPid() const { return master_pid_.get(sim(), master_->pid); }

void SchedulerProcess::detected(const Detection& detection) {
  if (!running_) {
    log("Ignoring the master change because the driver is not running!");
    return;
  }
  if (detection.kind == Detection::Kind::Failed) {
    log("Failed to detect a master: " + detection.failure, {{"status", static_cast<std::int64_t>(1)}});
    for (sim::Process* p : host().processes()) sim().terminate(*p);
    return;
  }
  master_ = detection.kind == Detection::Kind::Leader ? detection.leader : std::nullopt;
  if (connected_) {
    // The master failed, or failed over (to another master or the same one): the
    // scheduler is told it is disconnected, and the driver reconnects.
    log("Scheduler::disconnected");
    traceState(machines::kSchedulerConnected, "DISCONNECTED");
  }
  connected_ = false;
  cancel(registration_timer_);
  if (master_) {
    log(fmt::format("New master detected at {}", master_->pid), {{"master", master_->pid}});
    link(masterPid());
    log("No credentials provided. Attempting to register without authentication");
    doReliableRegistration(flags_.registration_backoff_factor);
  } else {
    log("No master detected");
  }
  detector_.detect(master_, *this, [this](const Detection& d) { detected(d); });
}

void SchedulerProcess::doReliableRegistration(sim::Duration maxBackoff) {
  registration_timer_ = sim::TimerId{};
  if (!running_ || connected_ || !master_) return;
  if (framework_.id.empty()) {
    RegisterFrameworkMessage message;
    message.framework = framework_;
    send(masterPid(), message);
  } else {
    ReregisterFrameworkMessage message;
    message.framework = framework_;
    message.failover = failover_;
    send(masterPid(), message);
  }
  // Bounded by REGISTRATION_RETRY_INTERVAL_MAX and by a tenth of a positive failover
  // timeout (sched.cpp caps only when the framework has one; the MESOS-8171 fix skips a
  // zero one, which would otherwise retry in a 0ns loop and freeze simulated time).
  maxBackoff = std::min(maxBackoff, kSchedulerRegistrationRetryIntervalMax);
  if (framework_.failover_timeout > sim::Duration{}) {
    maxBackoff = std::min(maxBackoff, framework_.failover_timeout / 10);
  }
  const sim::Duration wait = rng().uniform(maxBackoff);
  registration_timer_ = delay(wait, "SchedulerProcess::doReliableRegistration",
                              [this, maxBackoff] { doReliableRegistration(maxBackoff * 2); });
}

void SchedulerProcess::registered(const sim::Upid& from, const FrameworkRegisteredMessage& message) {
  if (!master_ || !(from == masterPid())) {
    log(fmt::format("Ignoring framework registered message because it was sent from '{}' instead of the leading "
                    "master '{}'",
                    from.str(), master_ ? master_->pid : std::string("None")));
    return;
  }
  if (connected_) {
    log("Ignoring framework registered message because the driver is already connected!");
    return;
  }
  framework_.id = message.framework_id;
  (void)host().disk().write(std::string(kFrameworkIdPath), framework_.id);
  connected_ = true;
  failover_ = false;
  cancel(registration_timer_);
  log(fmt::format("Framework registered with {}", message.framework_id), {{"framework_id", message.framework_id}});
  traceState(machines::kSchedulerConnected, "REGISTERED", {{"framework_id", framework_.id}, {"master", from.str()}});
}

void SchedulerProcess::reregistered(const sim::Upid& from, const FrameworkReregisteredMessage& message) {
  if (!master_ || !(from == masterPid())) {
    log(fmt::format("Ignoring framework re-registered message because it was sent from '{}' instead of the leading "
                    "master '{}'",
                    from.str(), master_ ? master_->pid : std::string("None")));
    return;
  }
  if (connected_) {
    log("Ignoring framework re-registered message because the driver is already connected!");
    return;
  }
  connected_ = true;
  failover_ = false;
  cancel(registration_timer_);
  log(fmt::format("Framework re-registered with {}", message.framework_id), {{"framework_id", message.framework_id}});
  traceState(machines::kSchedulerConnected, "REREGISTERED", {{"framework_id", framework_.id}, {"master", from.str()}});
}

void SchedulerProcess::exited(const sim::Upid& pid) {
  if (master_ && pid == masterPid()) log("Master disconnected; waiting for the detector");
}

void SchedulerProcess::launch(std::size_t index) {
  if (!running_) return;  // SchedulerDriver::launchTasks answers DRIVER_ABORTED
  if (!connected_ || framework_.id.empty()) {
    // Not registered yet: the script tries again in a second (a real scheduler waits
    // for an offer).
    delay(sim::Seconds(1), "SchedulerDriver::launchTasks", [this, index] { launch(index); });
    return;
  }
  sendLaunch(index);
}

void SchedulerProcess::launchTask(const std::string& taskId) {
  if (!running_) return;  // SchedulerDriver::launchTasks answers DRIVER_ABORTED / DRIVER_NOT_STARTED
  auto it = std::find_if(flags_.tasks.begin(), flags_.tasks.end(),
                         [&taskId](const TaskLaunch& t) { return t.info.task_id == taskId; });
  AGENTSIM_ASSERT(it != flags_.tasks.end());  // the loader checked the task
  if (connected_) {
    sendLaunch(static_cast<std::size_t>(it - flags_.tasks.begin()));
    return;
  }
  // SchedulerProcess::acceptOffers: "Ignoring accept offers message as master is
  // disconnected", and an update for each task launch, created by the driver itself
  // (statusUpdate from UPID(): delivered while disconnected, never acknowledged):
  // TASK_DROPPED if the driver's FrameworkInfo has PARTITION_AWARE, else TASK_LOST.
  // Mesos 1.1's driver sent TASK_LOST to every framework; the partition-aware branch is
  // 1.2's (FaultToleranceTest.DisconnectedSchedulerLaunchDropped), as the agent's
  // TASK_DROPPED for a partition-aware framework's task (docs/model.md, Later names).
  log("Ignoring accept offers message as master is disconnected");
  StatusUpdate u;
  u.framework_id = framework_.id;
  u.task_id = taskId;
  u.state = framework_.partition_aware ? TaskState::TASK_DROPPED : TaskState::TASK_LOST;
  u.source = TaskStatusSource::SOURCE_MASTER;
  u.reason = TaskStatusReason::REASON_MASTER_DISCONNECTED;
  u.message = "Master disconnected";
  u.timestamp = now();
  traceStatusUpdate(u);
}

void SchedulerProcess::sendLaunch(std::size_t index) {
  const TaskLaunch& task = flags_.tasks[index];
  LaunchTasksMessage message;
  message.framework_id = framework_.id;
  message.hostname = task.agent;
  message.tasks.push_back(task.info);
  message.tasks.back().executor.framework_id = framework_.id;
  // SchedulerProcess::acceptOffers: "Keep only the slave PIDs where we run tasks so we
  // can send framework messages directly" (savedSlavePids[slaveId] = the offer's pid).
  // The SlaveID is learnt anew from this task's updates (the offer's may be a new one).
  if (auto pid = parseUpid(sim(), task.agent_pid)) saved_slave_pids_[task.agent] = SavedSlave{*pid, {}};
  if (tracing()) {
    log(fmt::format("Launching task {} on agent {}", task.info.task_id, task.agent), {{"task_id", task.info.task_id}});
  }
  send(masterPid(), std::move(message));
}

void SchedulerProcess::killTask(const std::string& taskId) {
  if (!connected_) {
    log("Ignoring kill task message as master is disconnected");
    return;
  }
  KillTaskMessage message;
  message.framework_id = framework_.id;
  message.task_id = taskId;
  send(masterPid(), message);
}

void SchedulerProcess::stop() {
  // SchedulerProcess::stop(failover=false): "Unregister the framework", then the driver is
  // stopped (`running` false).
  if (!running_) return;
  if (connected_) {
    UnregisterFrameworkMessage message;
    message.framework_id = framework_.id;
    send(masterPid(), message);
  }
  log(fmt::format("Stopping framework {}", framework_.id));
  running_ = false;
  connected_ = false;
}

void SchedulerProcess::reconcileTasks(const std::vector<std::string>& taskIds, const std::string& slaveId) {
  if (!connected_) {
    log("Ignoring reconcile tasks message as master is disconnected");
    return;
  }
  ReconcileTasksMessage message;
  message.framework_id = framework_.id;
  message.task_ids = taskIds;
  message.slave_id = slaveId;
  send(masterPid(), message);
}

void SchedulerProcess::statusUpdate(const sim::Upid& from, const StatusUpdateMessage& message) {
  if (!master_ || !(from == masterPid())) {
    log(fmt::format("Ignoring status update message because it was sent from '{}' instead of the leading master '{}'",
                    from.str(), master_ ? master_->pid : std::string("None")));
    return;
  }
  if (!connected_) {
    log("Ignoring status update message because the driver is disconnected!");
    return;
  }
  // "If the update does not have a 'uuid', it does not need acknowledging", nor does
  // one with no acknowledgee (StatusUpdateMessage.pid unset: Master::forward of the
  // master's own update, or a posted one): the scheduler sees it without its uuid.
  StatusUpdate u = message.update;
  if (message.pid.isNone()) u.uuid.clear();
  learnSlaveId(u);
  traceStatusUpdate(u);
  if (u.uuid.empty()) return;  // nothing to acknowledge (e.g. a reconciliation answer)
  switch (flags_.acknowledge.kind) {
    case AcknowledgePolicy::Kind::AT_ONCE:
      acknowledge(u);
      return;
    case AcknowledgePolicy::Kind::AFTER:
      delay(flags_.acknowledge.after, "SchedulerDriver::acknowledgeStatusUpdate", [this, u] { acknowledge(u); });
      return;
    case AcknowledgePolicy::Kind::NEVER:
      return;
  }
}

void SchedulerProcess::traceStatusUpdate(const StatusUpdate& u) {
  // Scheduler::statusUpdate: what the framework's code sees.
  if (tracing()) {
    sim::Fields fields{{"framework_id", u.framework_id},
                       {"task_id", u.task_id},
                       {"uuid", u.uuid},
                       {"source", std::string(toString(u.source))},
                       {"reason", std::string(toString(u.reason))},
                       {"message", u.message}};
    if (u.unreachable_time) fields.push_back({"unreachable_time", sim::formatSeconds(*u.unreachable_time)});
    traceState(machines::kSchedulerStatusUpdate, toString(u.state), std::move(fields));
  }
}

void SchedulerProcess::executorLost(const sim::Upid& from, const ExitedExecutorMessage& message) {
  if (!master_ || !(from == masterPid()) || !connected_) return;
  // Scheduler::executorLost.
  traceState(machines::kSchedulerExecutorLost, "LOST",
             {{"framework_id", message.framework_id}, {"executor_id", message.executor_id},
              {"slave_id", message.slave_id}, {"status", message.status}});
}

void SchedulerProcess::lostSlave(const sim::Upid& from, const LostSlaveMessage& message) {
  // SchedulerProcess::lostSlave checks the connection before the sender.
  if (!connected_) {
    log("Ignoring lost slave message because the driver is disconnected!");
    return;
  }
  AGENTSIM_ASSERT(master_.has_value());  // CHECK_SOME(master): connected implies a master
  if (!(from == masterPid())) {
    log(fmt::format("Ignoring lost slave message because it was sent from '{}' instead of the leading master '{}'",
                    from.str(), master_->pid));
    return;
  }
  // savedSlavePids.erase(slaveId): framework messages to it go through the master again.
  std::erase_if(saved_slave_pids_, [&message](const auto& entry) { return entry.second.slave_id == message.slave_id; });
  // Scheduler::slaveLost: what the framework's code sees.
  traceState(machines::kSchedulerSlaveLost, "LOST", {{"framework_id", framework_.id}, {"slave_id", message.slave_id}});
}

bool SchedulerProcess::accept(const sim::Envelope& envelope, std::string& reason) {
  if (running_) return true;
  reason = fmt::format("Ignoring {} because the driver is not running!", envelope.body->name());
  return false;
}

void SchedulerProcess::error(const sim::Upid& /*from*/, const FrameworkErrorMessage& message) {
  // SchedulerProcess::error: driver->abort(), then Scheduler::error. abort() also sends
  // DEACTIVATE to a connected master, which only stops offers: not modelled (no offers).
  running_ = false;
  cancel(registration_timer_);
  log(fmt::format("Got error '{}'", message.message));
  log(fmt::format("Aborting framework '{}'", framework_.id), {{"framework_id", framework_.id}});
  traceState(machines::kSchedulerError, "ERROR", {{"framework_id", framework_.id}, {"message", message.message}});
}

void SchedulerProcess::acknowledge(const StatusUpdate& u) {
  if (!connected_) {
    log("Ignoring explicit status update acknowledgement because the driver is disconnected");
    return;
  }
  // Call::ACKNOWLEDGE to the master.
  StatusUpdateAcknowledgementMessage ack;
  ack.slave_id = u.slave_id;
  ack.framework_id = u.framework_id;
  ack.task_id = u.task_id;
  ack.uuid = u.uuid;
  ack.call = true;
  send(masterPid(), std::move(ack));
}

void SchedulerProcess::learnSlaveId(const StatusUpdate& u) {
  // The SlaveID of an agent whose pid the driver saved, from an update of a task it
  // launched there (the offer told Mesos's driver at once).
  if (u.slave_id.empty() || saved_slave_pids_.empty()) return;
  const TaskLaunch* t = findTask(u.task_id);
  if (t == nullptr) return;
  auto it = saved_slave_pids_.find(t->agent);
  if (it != saved_slave_pids_.end() && it->second.slave_id.empty()) it->second.slave_id = u.slave_id.str();
}

const TaskLaunch* SchedulerProcess::findTask(const std::string& taskId) {
  if (task_index_.empty()) {
    for (std::size_t i = 0; i < flags_.tasks.size(); ++i) task_index_.try_emplace(flags_.tasks[i].info.task_id, i);
  }
  auto it = task_index_.find(taskId);
  return it == task_index_.end() ? nullptr : &flags_.tasks[it->second];
}

void SchedulerProcess::sendFrameworkMessage(const std::string& executorId, const std::string& agent,
                                            const std::string& slaveId, const std::string& data) {
  // MesosSchedulerDriver::sendFrameworkMessage answers DRIVER_ABORTED / DRIVER_STOPPED
  // without dispatching.
  if (!running_) return;
  // SchedulerProcess::sendFrameworkMessage.
  if (!connected_) {
    log("Ignoring send framework message as master is disconnected");
    return;
  }
  FrameworkToExecutorMessage message;
  message.slave_id = slaveId;
  message.framework_id = framework_.id;
  message.executor_id = executorId;
  message.data = data;
  auto saved = saved_slave_pids_.find(agent);
  if (saved != saved_slave_pids_.end() && (saved->second.slave_id.empty() || saved->second.slave_id == slaveId)) {
    // savedSlavePids has the agent: straight to it.
    send(saved->second.pid, std::move(message));
    return;
  }
  // "Cannot send directly to agent; sending through master": Call::MESSAGE.
  log(fmt::format("Cannot send directly to agent {}; sending through master", slaveId));
  send(masterPid(), std::move(message));
}

void SchedulerProcess::frameworkMessage(const sim::Upid& /*from*/, const ExecutorToFrameworkMessage& message) {
  // SchedulerProcess::frameworkMessage checks only that the driver runs (accept() drops
  // every message once it does not), not the sender nor the connection.
  traceState(machines::kSchedulerFrameworkMessage, "RECEIVED",
             {{"framework_id", framework_.id},
              {"executor_id", message.executor_id},
              {"slave_id", message.slave_id},
              {"data", message.data}});
}

sim::Try<SchedulerProcess*> frameworkMain(sim::Host& host, FrameworkFlags flags) {
  auto detector = createMasterDetector(host, flags.master);
  if (detector.isError()) return sim::Error{detector.error()};
  return &host.sim().spawn<SchedulerProcess>(host, std::move(flags), **detector);
}

}  // namespace agentsim::model
