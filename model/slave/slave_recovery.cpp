// Slave: recovery from the checkpoint (src/slave/slave.cpp: Slave::recover, _recover,
// __recover, reregisterExecutor, reregisterExecutorTimeout; src/slave/state.cpp).
#include <fmt/format.h>

#include "model/slave/main.hpp"
#include "model/slave/fault_sites.hpp"
#include "model/slave/gc.hpp"
#include "model/slave/paths.hpp"
#include "model/common/pid.hpp"
#include "model/common/type_utils.hpp"
#include "model/slave/slave.hpp"
#include "model/slave/status_update_manager.hpp"
#include "model/slave/utime.hpp"
#include "sim/assert.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {


bool Slave::fires(std::string_view site, std::string_view what) {
  return components_.faults != nullptr && components_.faults->fires(*this, site, what);
}

void Slave::failRecovery(const std::string& error) {
  // Slave::__recover on a failed future: EXIT(EXIT_FAILURE) with the remedy.
  exitAgent(host(), "slave",
            fmt::format("Failed to perform recovery: {}\nTo remedy this do as follows:\nStep 1: rm -f {}\n        "
                        "This ensures agent doesn't recover old live executors.\nStep 2: Restart the agent.",
                        error, paths::latestSlavePath(meta_dir_)),
            "src/slave/slave.cpp: Slave::__recover", this);
}

std::string Slave::incompatibleInfo(const SlaveInfo& old) const {
  // Slave::recover's check: the SlaveInfo built from the flags, given the recovered id,
  // against the checkpointed one, by 1.1's operator==(SlaveInfo) (src/common/type_utils.cpp):
  // hostname, port and id exactly, resources and attributes as sets (`equivalent`). A
  // reordered --resources, "cpus:2.0" for "cpus:2" or a name spelled out with the value
  // the host would probe is the same SlaveInfo; any other change is incompatible (1.1 has
  // no --reconfiguration_policy: every change is, a larger --resources too).
  SlaveInfo now = info_;
  now.id = old.id;  // "as a hack": the new info's text names the recovered id too
  if (equivalent(now, old, kDefaultResources)) return "";
  auto text = [](const SlaveInfo& i) {
    // SlaveInfo's DebugString, in field-number order (hostname 1, resources 3,
    // attributes 5, id 6, checkpoint 7, port 8); an unset id, or no attributes, has no
    // line. The model writes resources and attributes as their flag's text.
    return fmt::format("hostname: \"{}\"\nresources: \"{}\"\n{}{}checkpoint: true\nport: {}", i.hostname, i.resources,
                       i.attributes.empty() ? std::string() : fmt::format("attributes: \"{}\"\n", i.attributes),
                       i.id.empty() ? std::string() : fmt::format("id: \"{}\"\n", i.id), i.port);
  };
  const std::string rule = "------------------------------------------------------------";
  return fmt::format("Incompatible agent info detected.\n{0}\nOld agent info:\n{1}\n{0}\nNew agent info:\n{2}\n{0}",
                     rule, text(old), text(now));
}

void Slave::recover() {
  sim::Disk& disk = host().disk();
  const std::string bootId = std::to_string(host().incarnation());
  if (fires(kStateRecoverSite)) {
    return failRecovery(fmt::format("Failed to read '{}': Input/output error", paths::latestSlavePath(meta_dir_)));
  }
  auto recovered = state::recover(disk, meta_dir_, flags_.strict, bootId);
  if (recovered.isError()) return failRecovery(recovered.error());
  const state::State& st = *recovered;
  rebooted_ = st.rebooted;
  if (st.rebooted) log("Agent host rebooted");

  std::vector<RecoveredContainer> containers;
  // Slave::recover recovers the agent only with its info (a state without one, its file
  // missing or unreadable, starts a new agent).
  bool recoverSlave = st.slave.has_value() && st.slave->info.has_value();
  if (st.slave && st.slave->info && flags_.recover == "reconnect") {
    const std::string incompatible = incompatibleInfo(*st.slave->info);
    // Mesos 1.4 (MESOS-6223): fatal, unless the host rebooted; then the agent starts as a
    // new agent.
    if (!incompatible.empty() && !st.rebooted) return failRecovery(incompatible);
    if (!incompatible.empty()) {
      log("Falling back to recover as a new agent due to error: " + incompatible);
      recoverSlave = false;
      // Later Mesos removes the "latest" symlink to checkpoint the decision, so a restart
      // before the registration completes still starts as a new agent
      // (SlaveRecoveryTest.RebootWithSlaveInfoMismatchAndRestart).
      disk.remove(paths::latestSlavePath(meta_dir_));
    }
  }
  if (!recoverSlave) {
    if (!st.slave) log("Failed to find the latest agent from a previous run; starting as a new agent");
  } else {
    info_.id = st.slave->id;
    info_ = *st.slave->info;
    if (st.errors > 0) {
      log(fmt::format("Errors encountered during agent recovery: {}", st.errors));
      metrics_.set("slave/recovery_errors",
                   metrics_.value("slave/recovery_errors") + static_cast<std::int64_t>(st.errors));
    }
    log(fmt::format("Recovering agent {}", info_.id), {{"slave_id", info_.id}});
    for (const auto& [fid, fs] : st.slave->frameworks) recoverFramework(fs);
    // statusUpdateManager->recover(metaDir, state): a stream per task of every live run.
    for (const auto& [fid, f] : frameworks_) {
      const state::FrameworkState& fs = st.slave->frameworks.at(fid);
      for (const auto& [eid, e] : f.executors) {
        const state::RunState& run = fs.executors.at(eid).runs.at(e.container_id);
        containers.push_back(RecoveredContainer{e.container_id, run.forked_pid.value_or(""), eid});
        if (components_.statusUpdateManager == nullptr) continue;
        for (const auto& [tid, ts] : run.tasks) {
          if (ts.updates.empty()) {
            // StatusUpdateManagerProcess::recover: the executor never got the task, or the
            // agent died before any update: no stream.
            log(fmt::format("No updates found for task {} of framework {}", tid, fid));
            continue;
          }
          components_.statusUpdateManager->recover(
              fid, tid, paths::taskUpdatesPath(meta_dir_, info_.id, fid, eid, e.container_id, tid), ts.updates);
        }
      }
    }
  }
  if (fires(kStatusUpdateManagerRecoverSite)) {
    return failRecovery("Failed to recover status updates: Input/output error");
  }
  // containerizer->recover(state), then Slave::_recover.
  if (components_.containerizer != nullptr && fires(kContainerizerRecoverSite)) {
    return failRecovery("Failed to recover the containerizer: Input/output error");
  }
  if (components_.containerizer != nullptr) {
    components_.containerizer->recover(std::move(containers), self(), [this] { recoveredContainerizer(); });
  } else {
    dispatch("Slave::_recover", [this] { recoveredContainerizer(); });
  }
}

void Slave::recoverFramework(const state::FrameworkState& fs) {
  if (fs.executors.empty() || !fs.info) {
    // Slave::recoverFramework: a framework without executors is garbage collected, its
    // work and meta directories.
    log(fmt::format("Skipping recovery of framework {} because it has no executors", fs.id));
    garbageCollect(paths::frameworkPath(flags_.work_dir, info_.id, fs.id));
    garbageCollect(paths::frameworkPath(meta_dir_, info_.id, fs.id));
    return;
  }
  Framework& f = frameworks_[fs.id];
  f.info = *fs.info;
  if (fs.pid) {
    if (auto pid = parseUpid(sim(), *fs.pid)) f.pid = *pid;
  }
  for (const auto& [eid, es] : fs.executors) recoverExecutor(f, es);
  if (f.executors.empty()) {
    // Every executor had completed: the framework is removed (and its directories
    // garbage collected) at once.
    removeFramework(fs.id);
    return;
  }
  traceState(machines::kSlaveFramework, "RUNNING", {{"framework_id", fs.id}, {"recovered", true}});
}

void Slave::recoverExecutor(Framework& f, const state::ExecutorState& es) {
  // Framework::recoverExecutor.
  const Id& fid = f.info.id;
  const std::string& eid = es.id;
  if (!es.info || !es.latest || es.runs.count(*es.latest) == 0) {
    // An executor that cannot be recovered is garbage collected, its work and meta
    // directories (C84).
    log(fmt::format("Skipping recovery of executor '{}' of framework {}: no info or no latest run", eid, fid));
    garbageCollect(paths::executorPath(flags_.work_dir, info_.id, fid, eid));
    garbageCollect(paths::executorPath(meta_dir_, info_.id, fid, eid));
    return;
  }
  // Only the latest run is recovered; the older runs' work and meta directories go.
  for (const auto& [rid, old] : es.runs) {
    if (rid == *es.latest) continue;
    garbageCollect(paths::runPath(flags_.work_dir, info_.id, fid, eid, rid));
    garbageCollect(paths::runPath(meta_dir_, info_.id, fid, eid, rid));
  }
  const state::RunState& run = es.runs.at(*es.latest);
  if (run.completed) {
    // The latest run terminated and all its updates were acknowledged before the
    // restart: the executor is TERMINATED at once, moved to the completed executors, and
    // its run and executor directories (work and meta) are garbage collected. Its tasks
    // are recovered first (Executor::recoverTask), so their terminal states count in
    // the new agent's slave/tasks_<state>, as executors_terminated does.
    Executor completed;
    completed.info = *es.info;
    for (const auto& [tid, ts] : run.tasks) recoverTask(f, completed, ts);
    log(fmt::format("Executor '{}' of framework {}: its latest run {} has completed", eid, fid, run.id));
    metrics_.increment("slave/executors_terminated");
    // executor->state = TERMINATED, then destroyExecutor: a completed executor of the
    // framework (the agent's /state lists it).
    setExecutorState(fid, completed, Executor::State::TERMINATED, {{"container", run.id}, {"recovered", true}});
    garbageCollect(paths::runPath(flags_.work_dir, info_.id, fid, eid, run.id));
    garbageCollect(paths::runPath(meta_dir_, info_.id, fid, eid, run.id));
    garbageCollect(paths::executorPath(flags_.work_dir, info_.id, fid, eid));
    garbageCollect(paths::executorPath(meta_dir_, info_.id, fid, eid));
    return;
  }
  Executor& e = f.executors[eid];
  e.info = *es.info;
  e.container_id = run.id;
  e.checkpoint = true;
  if (run.libprocess_pid) {
    if (auto pid = parseUpid(sim(), *run.libprocess_pid)) e.pid = *pid;
  }
  for (const auto& [tid, ts] : run.tasks) recoverTask(f, e, ts);
  log(fmt::format("Recovered executor '{}' of framework {} in container {} ({} tasks, pid {})", eid, fid, run.id,
                  e.launched.size() + e.terminated.size(), e.pid.isNone() ? std::string("unknown") : e.pid.str()),
      {{"executor_id", eid}, {"container", run.id}});
  setExecutorState(fid, e, Executor::State::REGISTERING, {{"container", run.id}, {"recovered", true}});
}

void Slave::recoverTask(Framework& f, Executor& e, const state::TaskState& ts) {
  // Executor::recoverTask: the task's state follows its checkpointed updates up to the
  // first terminal one; that one, acknowledged, completes the task.
  if (!ts.info) return;
  Task t = createTask(*ts.info, TaskState::TASK_STAGING, f.info.id, e.info.executor_id, info_.id);
  Uuid terminalUuid;
  bool terminalAcked = false;
  for (const StatusUpdateRecord& r : ts.updates) {
    if (r.type == StatusUpdateRecord::Type::UPDATE && terminalUuid.empty()) {
      t.state = r.update.state;
      t.executor_reported = t.executor_reported || r.update.source == TaskStatusSource::SOURCE_EXECUTOR;
      if (isTerminalState(r.update.state)) terminalUuid = r.update.uuid;
    } else if (r.type == StatusUpdateRecord::Type::ACK && !terminalUuid.empty() && r.uuid == terminalUuid) {
      terminalAcked = true;
    }
  }
  // Executor::updateTaskState counts the task's terminal state, in recovery too.
  if (!terminalUuid.empty()) countTerminalTask(t.state);
  if (terminalAcked) {
    e.completed.push_back(t);
  } else if (isTerminalState(t.state)) {
    e.terminated[ts.id] = t;
  } else {
    e.launched[ts.id] = t;
    launched_revocable_ = launched_revocable_ || !t.revocable_resources.empty();
  }
  recordTask(f.info.id, e, ts.id, terminalAcked ? "COMPLETED" : isTerminalState(t.state) ? "TERMINATED" : "LAUNCHED",
             t.state);
}

void Slave::recoveredContainerizer() {
  // Slave::_recover.
  for (auto& [fid, f] : frameworks_) {
    for (auto& [eid, e] : f.executors) {
      if (components_.containerizer == nullptr) continue;
      const Id frameworkId = fid;
      const std::string executorId = eid;
      const Id containerId = e.container_id;
      components_.containerizer->wait(containerId, self(),
                                      [this, frameworkId, executorId, containerId](const sim::Try<ContainerTermination>& t) {
                                        executorTerminated(frameworkId, executorId, containerId, t);
                                      });
    }
  }
  if (flags_.recover == "reconnect") {
    reconnectExecutors();
  } else {
    for (auto& [fid, f] : frameworks_) {
      for (auto& [eid, e] : f.executors) {
        if (!e.pid.isNone()) {
          shutdownExecutor(f, e);
        } else if (components_.containerizer != nullptr) {
          log(fmt::format("Killing executor '{}' of framework {}: its pid is unknown", eid, fid));
          components_.containerizer->destroy(e.container_id);
        }
      }
    }
  }
  if (!frameworks_.empty() && flags_.recover == "reconnect") {
    // MESOS-7539: recovery waits the whole timeout, however soon the executors answer.
    reconnecting_ = true;
    delay(flags_.executor_reregistration_timeout, "Slave::reregisterExecutorTimeout",
          [this] { reregisterExecutorTimeout(); });
    return;
  }
  dispatch("Slave::__recover", [this] { finishRecovery(); });
}

void Slave::reconnectExecutors() {
  if (state_ != State::RECOVERING) return;
  bool waiting = false;
  for (auto& [fid, f] : frameworks_) {
    for (auto& [eid, e] : f.executors) {
      if (e.state != Executor::State::REGISTERING) continue;
      if (e.pid.isNone()) {
        log(fmt::format("Unable to reconnect to executor '{}' of framework {} because no pid was checkpointed", eid,
                        fid));
        continue;
      }
      log(fmt::format("Sending reconnect request to executor '{}' of framework {} at {}", eid, fid, e.pid.str()));
      ReconnectExecutorMessage message;
      message.slave_id = info_.id;
      send(e.pid, message);
      waiting = true;
    }
  }
  // --executor_reregistration_retry_interval: repeat for executors still registering.
  if (waiting && flags_.executor_reregistration_retry_interval > sim::Duration{}) {
    delay(flags_.executor_reregistration_retry_interval, "Slave::reconnectExecutors", [this] { reconnectExecutors(); });
  }
}

void Slave::reregisterExecutor(const sim::Upid& from, const ReregisterExecutorMessage& message) {
  // Slave::reregisterExecutor as later Mesos has it (SlaveTest.ShutdownV0ExecutorIf/
  // IgnoreV0ExecutorIfItReregistersWithoutReconnect, AgentFailoverTerminatesExecutorWithNoTask):
  // the executor's state decides, whatever the agent's, but a terminating agent's.
  auto shutdown = [&](const std::string& why) {
    refuseExecutor(from, message.framework_id, message.executor_id, why);
  };
  if (state_ == State::TERMINATING) return shutdown("the agent is terminating");
  Framework* f = framework(message.framework_id);
  if (f == nullptr) return shutdown("the framework is unknown");
  if (f->state == Framework::State::TERMINATING) return shutdown("its framework is terminating");
  Executor* e = executor(message.framework_id, message.executor_id);
  if (e == nullptr) return shutdown("it is unknown");
  if (e->state == Executor::State::RUNNING && flags_.executor_reregistration_retry_interval > sim::Duration{}) {
    // With reconnect retries an executor may answer twice: a registered one is ignored.
    log(fmt::format("Ignoring executor re-registration message from executor '{}' of framework {} because it is "
                    "already registered",
                    message.executor_id, message.framework_id));
    return;
  }
  if (e->state != Executor::State::REGISTERING) {
    // RUNNING (it reregistered already), TERMINATING or TERMINATED.
    return shutdown(fmt::format("it is in unexpected state {}", e->state == Executor::State::RUNNING ? "RUNNING"
                                                                : e->state == Executor::State::TERMINATING
                                                                    ? "TERMINATING"
                                                                    : "TERMINATED"));
  }
  setExecutorState(f->info.id, *e, Executor::State::RUNNING, {{"pid", from.str()}, {"reregistered", true}});
  e->pid = from;
  link(from);
  log(fmt::format("Executor '{}' of framework {} reregistered from {}", e->info.executor_id, f->info.id, from.str()));
  ExecutorReregisteredMessage reply;
  reply.slave_id = info_.id;
  send(from, reply);
  // The unacknowledged updates it re-sent go through statusUpdate; the manager ignores
  // the ones it already has.
  for (const StatusUpdate& u : message.updates) statusUpdate(u, from);
  // containerizer->update with the executor's resources; a failure (_reregisterExecutor)
  // destroys the container, its tasks then TASK_LOST (TASK_GONE if partition-aware) /
  // REASON_CONTAINER_UPDATE_FAILED.
  if (fires(kContainerizerUpdateSite, e->container_id.str())) {
    failContainerUpdate(*f, *e, " on executor reregistration");
  }
  // A launched task still STAGING that the executor does not know was launched during
  // the agent's restart: TASK_DROPPED for a partition-aware framework, else TASK_LOST.
  std::vector<std::string> unknown;
  for (const auto& [tid, t] : e->launched) {
    if (t.state != TaskState::TASK_STAGING) continue;
    bool known = false;
    for (const TaskInfo& info : message.tasks) known = known || info.task_id == tid;
    if (!known) unknown.push_back(tid);
  }
  for (const std::string& tid : unknown) {
    const TaskState state = f->info.partition_aware ? TaskState::TASK_DROPPED : TaskState::TASK_LOST;
    statusUpdate(createStatusUpdate(f->info.id, e->info.executor_id, tid, state,
                                    TaskStatusReason::REASON_SLAVE_RESTARTED, "Task launched during agent restart"),
                 sim::Upid{});
  }
  // Later Mesos (MESOS-8411): an executor never sent a task, with none queued, is shut down.
  if (!everSentTask(*e) && e->queued.empty()) {
    log(fmt::format("Shutting down reregistering executor '{}' of framework {} because it has no tasks to run and "
                    "has never been sent a task",
                    e->info.executor_id, f->info.id));
    shutdownExecutor(*f, *e);
  }
}

bool Slave::everSentTask(const Executor& e) {
  // Executor::everSentTask: a launched task, or a terminated or completed one its executor
  // reported on (an executor that ran a task to its end before the agent restarted was
  // sent one: it is kept).
  if (!e.launched.empty()) return true;
  for (const auto& [tid, t] : e.terminated) {
    if (t.executor_reported) return true;
  }
  for (const Task& t : e.completed) {
    if (t.executor_reported) return true;
  }
  return false;
}

void Slave::reregisterExecutorTimeout() {
  log("Cleaning up un-reregistered executors");
  for (auto& [fid, f] : frameworks_) {
    for (auto& [eid, e] : f.executors) {
      if (e.state != Executor::State::REGISTERING) continue;
      log(fmt::format("Killing un-reregistered executor '{}' of framework {}", eid, fid));
      setExecutorState(fid, e, Executor::State::TERMINATING);
      e.pending_termination = Executor::Termination{
          TaskState::TASK_LOST, TaskStatusReason::REASON_EXECUTOR_REREGISTRATION_TIMEOUT,
          fmt::format("Executor did not re-register within {}", sim::format(flags_.executor_reregistration_timeout))};
      if (components_.containerizer != nullptr) components_.containerizer->destroy(e.container_id);
    }
  }
  reconnecting_ = false;
  dispatch("Slave::__recover", [this] { finishRecovery(); });
}

void Slave::finishRecovery() {
  log("Finished recovery");
  if (state_ != State::RECOVERING) {
    // CHECK_EQ(RECOVERING, state) aborts the agent: a shutdown (SIGUSR1) during recovery
    // left it TERMINATING with recovered frameworks, and recovery then finished.
    exitAgent(host(), "slave",
              fmt::format("Check failed: RECOVERING == state ({} vs. {})", toString(State::RECOVERING),
                          toString(state_)),
              "src/slave/slave.cpp: Slave::__recover", this);
    return;
  }
  checkpoint(paths::bootIdPath(meta_dir_), std::to_string(host().incarnation()));
  garbageCollectOldAgents();
  if (flags_.recover == "reconnect") {
    setState(State::DISCONNECTED);
    startDetection(std::nullopt);
    forwardOversubscribed();
    qosCorrections();
    return;
  }
  // --recover=cleanup: never registers; terminates once no framework is left.
  setState(State::TERMINATING);
  if (frameworks_.empty()) terminateAgent("Agent terminating after recovery in cleanup mode");
}

void Slave::garbageCollectOldAgents() {
  // __recover: every agent directory under <work_dir>/slaves but the recovered agent's
  // (all of them for an agent without an id) is garbage collected, with its meta
  // directory if there is one.
  const sim::Disk& disk = host().disk();
  const std::string root = flags_.work_dir + "/slaves/";
  std::vector<std::string> ids;
  for (const std::string& path : disk.list(root)) {
    const std::string rest = path.substr(root.size());
    const auto slash = rest.find('/');
    if (slash == std::string::npos) continue;
    const std::string id = rest.substr(0, slash);
    if (id != "latest" && (ids.empty() || ids.back() != id)) ids.push_back(id);
  }
  // Each is touched first (os::utime), so it goes the whole gc_delay after the recovery,
  // however long ago the old agent last changed it.
  for (const std::string& id : ids) {
    if (!info_.id.empty() && id == info_.id) continue;
    log("Garbage collecting old agent " + id);
    (void)utime(host().disk(), paths::slavePath(flags_.work_dir, id), now());
    garbageCollect(paths::slavePath(flags_.work_dir, id));
    if (!disk.list(paths::slavePath(meta_dir_, id) + "/").empty()) {
      (void)utime(host().disk(), paths::slavePath(meta_dir_, id), now());
      garbageCollect(paths::slavePath(meta_dir_, id));
    }
  }
}

void Slave::terminateAgent(const std::string& why) {
  // terminate(self): main()'s process::wait(slave) returns and main() returns
  // EXIT_SUCCESS (src/slave/main.cpp): the agent exits with status 0.
  log(why, {{"exit_code", std::int64_t{0}}});
  agentReturned(host(), why, "src/slave/main.cpp: main", this, program());
}

}  // namespace agentsim::model
