// Slave: tasks, executors and the status update path (src/slave/slave.cpp, Mesos 1.1).
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "model/messages/create_status_update.hpp"
#include "model/slave/fault_sites.hpp"
#include "model/slave/main.hpp"
#include "model/slave/gc.hpp"
#include "model/slave/paths.hpp"
#include "model/common/boxed.hpp"
#include "model/common/pid.hpp"
#include "model/common/uuid_bytes.hpp"
#include "model/slave/slave.hpp"
#include "model/slave/status_update_manager.hpp"
#include "model/slave/utime.hpp"
#include "sim/assert.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

namespace {

constexpr std::size_t kMaxCompletedTasksPerExecutor = 200;  // MAX_COMPLETED_TASKS_PER_EXECUTOR
constexpr std::size_t kMaxCompletedFrameworks = 50;         // MAX_COMPLETED_FRAMEWORKS

std::string_view toString(Slave::Executor::State s) {
  switch (s) {
    case Slave::Executor::State::REGISTERING: return "REGISTERING";
    case Slave::Executor::State::RUNNING: return "RUNNING";
    case Slave::Executor::State::TERMINATING: return "TERMINATING";
    case Slave::Executor::State::TERMINATED: return "TERMINATED";
  }
  return "?";
}

// Framework::getExecutor (slave.cpp): the framework's executor of that id, or none.
Slave::Executor* getExecutor(Slave::Framework& f, const std::string& executorId) {
  auto it = f.executors.find(executorId);
  return it == f.executors.end() ? nullptr : &it->second;
}
}  // namespace

Slave::Framework* Slave::framework(const Id& id) {
  auto it = frameworks_.find(id);
  return it == frameworks_.end() ? nullptr : &it->second;
}

Slave::Executor* Slave::executor(const Id& frameworkId, const std::string& executorId) {
  Framework* f = framework(frameworkId);
  return f == nullptr ? nullptr : getExecutor(*f, executorId);
}

// The state of an update for a task this agent never launched (src/slave/slave.cpp after
// 1.2's c4b69ec, "Changed agent to send TASK_DROPPED for task launch failures").
TaskState Slave::neverLaunched(const Framework& f) {
  return f.info.partition_aware ? TaskState::TASK_DROPPED : TaskState::TASK_LOST;
}

Slave::Executor* Slave::executorOf(Framework& f, const std::string& taskId, const std::string& likely) {
  if (auto it = f.executors.find(likely); it != f.executors.end() && it->second.holds(taskId)) return &it->second;
  for (auto& [id, e] : f.executors) {
    if (e.holds(taskId)) return &e;
  }
  return nullptr;
}

void Slave::setExecutorState(const Id& frameworkId, Executor& e, Executor::State to, sim::Fields fields) {
  using S = Executor::State;
  const S from = e.state;
  // A new executor is REGISTERING already (its record is its creation); otherwise a
  // state only moves forward.
  AGENTSIM_ASSERT(static_cast<int>(to) > static_cast<int>(from) || (from == S::REGISTERING && to == S::REGISTERING));
  e.state = to;
  // The record's fields are built only when someone reads the record.
  if (tracing(sim::RecordKind::State, machines::kSlaveExecutor.name)) {
    fields.insert(fields.begin(), {{"framework_id", frameworkId}, {"executor_id", e.info.executor_id}});
    traceState(machines::kSlaveExecutor, toString(to), std::move(fields));
  }
  refreshGauges();
}

void Slave::refreshGauges() {
  // Kept only when the harness asks (SlaveComponents::gauges: the scenario reads metrics),
  // as the master's are: a recount (a walk over every executor) costs a run that reads
  // none nothing, and its records take the same seqs whoever listens to the trace.
  if (!components_.gauges) return;
  std::int64_t registering = 0, running = 0, terminating = 0;
  // Slave::_tasks_staging, _starting, _running, _killing: a pending or queued task is
  // staging; a launched one counts by its state (terminated ones are not counted).
  std::int64_t tasksStaging = 0, tasksStarting = 0, tasksRunning = 0, tasksKilling = 0;
  for (const auto& [fid, f] : frameworks_) {
    for (const auto& [eid, tasks] : f.pending) tasksStaging += static_cast<std::int64_t>(tasks.size());
    for (const auto& [eid, e] : f.executors) {
      registering += e.state == Executor::State::REGISTERING ? 1 : 0;
      running += e.state == Executor::State::RUNNING ? 1 : 0;
      terminating += e.state == Executor::State::TERMINATING ? 1 : 0;
      tasksStaging += static_cast<std::int64_t>(e.queued.size());
      for (const auto& [tid, t] : e.launched) {
        tasksStaging += t.state == TaskState::TASK_STAGING ? 1 : 0;
        tasksStarting += t.state == TaskState::TASK_STARTING ? 1 : 0;
        tasksRunning += t.state == TaskState::TASK_RUNNING ? 1 : 0;
        tasksKilling += t.state == TaskState::TASK_KILLING ? 1 : 0;
      }
    }
  }
  metrics_.set("slave/tasks_staging", tasksStaging);
  metrics_.set("slave/tasks_starting", tasksStarting);
  metrics_.set("slave/tasks_running", tasksRunning);
  metrics_.set("slave/tasks_killing", tasksKilling);
  metrics_.set("slave/frameworks_active", static_cast<std::int64_t>(frameworks_.size()));
  metrics_.set("slave/executors_registering", registering);
  metrics_.set("slave/executors_running", running);
  metrics_.set("slave/executors_terminating", terminating);
}

namespace {

// Slave::garbageCollect's delay: gc_delay after the path's mtime (os::stat::mtime, whole
// seconds), so a directory last changed long ago goes sooner, at once if older than
// gc_delay; none (a path the model's disk never made): the whole gc_delay from now.
sim::Duration gcDelay(sim::Duration gcDelay, sim::Time now, const std::optional<sim::Time>& mtime) {
  if (!mtime) return gcDelay;
  const sim::Time seconds = sim::Time::fromNanoseconds(mtime->ns() - mtime->ns() % sim::Seconds(1).ns());
  return gcDelay - (now - seconds);
}

// os::utime, then Slave::garbageCollect, as removeExecutor and removeFramework do: the
// path's mtime is then now (none if it does not exist), so the disk is searched once.
void touchAndCollect(sim::Disk& disk, GarbageCollector* gc, sim::Duration gcDelayFlag, sim::Time now,
                     const std::string& path) {
  const std::optional<sim::Time> mtime = utime(disk, path, now);
  if (gc != nullptr) gc->schedule(gcDelay(gcDelayFlag, now, mtime), path);
}

}  // namespace

void Slave::garbageCollect(const std::string& path) {
  // Slave::garbageCollect: removed gc_delay after the path's mtime. Mesos schedules nothing
  // for a path it cannot stat ("Failed to find the mtime"); a path the model's disk never
  // made is scheduled the whole gc_delay from now (docs/model.md).
  if (components_.gc == nullptr) return;
  components_.gc->schedule(gcDelay(flags_.gc_delay, now(), host().disk().mtime(path)), path);
}

bool Slave::fromMaster(const sim::Upid& from) const { return master_ && master_->pid == from.str(); }

void Slave::checkpoint(const std::string& path, std::string bytes) {
  // slave::state::checkpoint: written whole (a temporary file renamed over the old).
  auto written = host().disk().write(path, std::move(bytes));
  if (written.isError()) log(fmt::format("Failed to checkpoint '{}': {}", path, written.error()));
}

std::string Slave::newUuid() { return randomUuid(rng()); }

std::optional<std::string> Slave::taskUpdatesPath(const Framework& f, const Executor& e,
                                                  const std::string& taskId) const {
  if (!f.info.checkpoint) return std::nullopt;
  return paths::taskUpdatesPath(meta_dir_, info_.id, f.info.id, e.info.executor_id, e.container_id, taskId);
}

StatusUpdate Slave::createStatusUpdate(const Id& frameworkId, const std::string& executorId,
                                       const std::string& taskId, TaskState state, std::optional<TaskStatusReason> reason,
                                       std::string message) {
  return model::createStatusUpdate(frameworkId, info_.id, executorId, taskId, state, TaskStatusSource::SOURCE_SLAVE,
                                   Uuid(randomUuidBytes(rng())), std::move(message), reason, now());
}

void Slave::runTask(const sim::Upid& from, RunTaskMessage& message) {
  if (!fromMaster(from)) {
    log(fmt::format("Ignoring run task message from {} because it is not the expected master: {}", from.str(),
                    master_ ? master_->pid : std::string("None")));
    return;
  }
  if (message.framework.id.empty()) {
    log("Ignoring run task message from " + from.str() + " because it does not have a framework ID");
    return;
  }
  const TaskInfo& task = message.task;
  if (tracing()) {
    log(fmt::format("Got assigned task '{}' for framework {}", task.task_id, message.framework.id),
        {{"task_id", task.task_id}, {"framework_id", message.framework.id}});
  }
  if (task.slave_id != info_.id) {
    log(fmt::format("Agent {} ignoring task {} because it was intended for old agent {}", info_.id, task.task_id,
                    task.slave_id));
    return;
  }
  if (state_ == State::RECOVERING || state_ == State::TERMINATING) {
    log(fmt::format("Ignoring task {} because the agent is {}", task.task_id, toString(state_)));
    return;
  }
  Framework* f = framework(message.framework.id);
  const bool fresh = f == nullptr;
  if (f == nullptr) {
    f = &frameworks_[message.framework.id];
    f->info = message.framework;
    f->pid = parseUpid(sim(), message.pid).value_or(sim::Upid{});
    if (f->info.checkpoint) {
      checkpoint(paths::frameworkInfoPath(meta_dir_, info_.id, f->info.id), state::encode(f->info));
      checkpoint(paths::frameworkPidPath(meta_dir_, info_.id, f->info.id), message.pid);
    }
    traceState(machines::kSlaveFramework, "RUNNING", {{"framework_id", f->info.id}});
    refreshGauges();
  }
  if (components_.authorizer) {
    // Slave::authorizeTask: RUN_TASK for the framework's principal as its user.
    std::string why;
    if (!components_.authorizer->authorizedRunTask(message.framework.principal, message.framework.user, why)) {
      log(fmt::format("Task '{}' of framework {} is not authorized: {}", task.task_id, f->info.id, why),
          {{"task_id", task.task_id}, {"reason", why}});
      statusUpdate(createStatusUpdate(f->info.id, task.executor.executor_id, task.task_id, TaskState::TASK_ERROR,
                                      TaskStatusReason::REASON_TASK_UNAUTHORIZED, "Task is not authorized to launch: " + why),
                   sim::Upid{});
      // Later Mesos's _run (onTaskAuthorizationFailure, MESOS-1720): a framework left
      // idle is removed, and an executor the master expected gets ExitedExecutorMessage
      // (SlaveTest.RemoveExecutorUponFailedTaskAuthorization).
      const Id frameworkId = f->info.id;
      if (f->executors.empty() && f->pending.empty()) removeFramework(frameworkId);
      if (message.launch_executor.value_or(false)) sendExitedExecutorMessage(frameworkId, task.executor.executor_id);
      return;
    }
  }
  f->pending[task.executor.executor_id][task.task_id] = task;
  f->launches[task.executor.executor_id].push_back({task.task_id, false, {}, std::nullopt});
  refreshGauges();  // slave/tasks_staging counts the pending task
  // Unscheduling GC of the directories to reuse is a future; _run runs after it: the
  // framework's (work and meta) when the agent did not have the framework, the
  // executor's when it is a new executor.
  if (components_.gc != nullptr) {
    if (fresh) {
      components_.gc->unschedule(paths::frameworkPath(flags_.work_dir, info_.id, f->info.id));
      components_.gc->unschedule(paths::frameworkPath(meta_dir_, info_.id, f->info.id));
    }
    if (f->executors.count(task.executor.executor_id) == 0) {
      components_.gc->unschedule(paths::executorPath(flags_.work_dir, info_.id, f->info.id, task.executor.executor_id));
      components_.gc->unschedule(paths::executorPath(meta_dir_, info_.id, f->info.id, task.executor.executor_id));
    }
  }
  const Id frameworkId = f->info.id;  // interned: launchReady takes it as it is
  // Slave::run: collect(unschedules).onAny(defer(_run)). A scenario may hold the collected
  // future at the fault site GarbageCollector::unschedule, as SlaveTest.KillTaskBetweenRunTaskParts
  // holds its mock's _run; unheld, _run is the next event, as before the site existed.
  // The delivered task moves into `next` (the pending one above is a copy), and on from
  // there: `next` runs once (at once, or when the site's hold is released), and so does
  // _run's event.
  auto next = [this, frameworkId, task = std::move(message.task), launch = message.launch_executor]() mutable {
    dispatch("Slave::_run", [this, frameworkId = std::move(frameworkId), task = std::move(task), launch]() mutable {
      launchReady(frameworkId, std::move(task), launch);
    });
  };
  if (components_.faults == nullptr) return next();
  components_.faults->reach(*this, kGarbageCollectorUnscheduleSite, {"caller", "Slave::run"}, "Slave::_run",
                            std::move(next));
}

void Slave::launchReady(const Id& frameworkId, TaskInfo task, std::optional<bool> launch) {
  // Slave::run's taskLaunchSequences (MESOS-8624, later Mesos; SlaveTest.LaunchTasksReorderUnscheduleGC):
  // tasks for one executor reach _run in the order the agent got them, whatever order
  // their unschedules complete in. A framework removed meanwhile takes its sequences
  // with it: each launch then runs when its own unschedule completes (and finds no
  // framework), as Mesos's discarded sequence futures do.
  const std::string eid = task.executor.executor_id;  // a copy: the task moves on to run
  Framework* f = framework(frameworkId);
  auto sequence = f == nullptr ? decltype(f->launches)::iterator{} : f->launches.find(eid);
  auto entry = f == nullptr || sequence == f->launches.end()
                   ? std::deque<Framework::Launch>::iterator{}
                   : std::find_if(sequence->second.begin(), sequence->second.end(),
                                  [&](const Framework::Launch& l) { return l.task_id == task.task_id && !l.ready; });
  if (f == nullptr || sequence == f->launches.end() || entry == sequence->second.end()) {
    return run(frameworkId, std::move(task), launch);
  }
  if (entry == sequence->second.begin()) {
    // At the head (every launch before it has run): it runs now, with the event's own
    // task; the loop below would run it first all the same.
    sequence->second.pop_front();
    if (sequence->second.empty()) f->launches.erase(sequence);
    run(frameworkId, std::move(task), launch);
  } else {
    entry->ready = true;
    entry->task = std::move(task);
    entry->launch_executor = launch;
  }
  // Run the ready launches at the head, in order; each may remove the framework.
  for (;;) {
    Framework* current = framework(frameworkId);
    if (current == nullptr) return;
    auto it = current->launches.find(eid);
    if (it == current->launches.end() || it->second.empty() || !it->second.front().ready) return;
    Framework::Launch next = std::move(it->second.front());
    it->second.pop_front();
    if (it->second.empty()) current->launches.erase(it);
    run(frameworkId, std::move(next.task), next.launch_executor);
  }
}

void Slave::run(const Id& frameworkId, TaskInfo task, std::optional<bool> launch) {
  // Later Mesos's __run (MESOS-1720, 1.5): where a launch ends without an executor that
  // the master expected the agent to launch (RunTaskMessage.launch_executor), the agent
  // sends ExitedExecutorMessage, so the master forgets the executor and the scheduler is
  // told executorLost (SlaveTest.RemoveExecutorUponFailedLaunch). 1.1 sent nothing and
  // the master kept the executor (docs/model.md, Later names).
  const bool expected = launch.value_or(false);
  auto exited = [this, frameworkId, expected, &task] {
    if (expected) sendExitedExecutorMessage(frameworkId, task.executor.executor_id);
  };
  Framework* f = framework(frameworkId);
  if (f == nullptr) {
    // Removed meanwhile: a kill of its last pending task (killPendingTask) or a teardown.
    log(fmt::format("Ignoring running task {} because the framework {} does not exist", task.task_id, frameworkId));
    return exited();
  }
  // Each way out that launches nothing removes a framework left with no executor and
  // no pending task.
  auto dropFramework = [this, frameworkId] {
    refreshGauges();  // the pending task launched nothing
    Framework* left = framework(frameworkId);
    if (left != nullptr && left->executors.empty() && left->pending.empty()) removeFramework(frameworkId);
  };
  auto pending = f->pending.find(task.executor.executor_id);
  if (pending == f->pending.end() || pending->second.count(task.task_id) == 0) {
    // Killed while pending: killTask has sent TASK_KILLED (later Mesos's rule, below).
    log(fmt::format("Ignoring running task {} of framework {} because it has been killed in the meantime",
                    task.task_id, frameworkId));
    return exited();
  }
  pending->second.erase(task.task_id);
  if (pending->second.empty()) f->pending.erase(pending);
  if (f->state == Framework::State::TERMINATING) {
    log(fmt::format("Ignoring run task {} of framework {} because the framework is terminating", task.task_id,
                    frameworkId));
    dropFramework();
    return exited();
  }
  if (state_ == State::TERMINATING) {
    // No update and no ExitedExecutorMessage: the agent is going away.
    log(fmt::format("Ignoring run task {} because the agent is terminating", task.task_id));
    return dropFramework();
  }
  if (launch && dropMismatchedLaunch(*f, task, *launch)) return;
  Executor* e = getExecutor(*f, task.executor.executor_id);  // Slave::executor, the framework found once
  if (e == nullptr) e = &launchExecutor(*f, task.executor, task.uris, diskBytes(task.resources));
  switch (e->state) {
    case Executor::State::TERMINATING:
    case Executor::State::TERMINATED:
      refreshGauges();  // no longer pending, never queued
      // A task never launched: TASK_DROPPED for a partition-aware framework (1.2's
      // c4b69ec, as reregisterExecutor's unknown tasks here), TASK_LOST otherwise.
      statusUpdate(createStatusUpdate(frameworkId, e->info.executor_id, task.task_id, neverLaunched(*f),
                                      TaskStatusReason::REASON_EXECUTOR_TERMINATED,
                                      e->state == Executor::State::TERMINATING ? "Executor terminating"
                                                                               : "Executor terminated"),
                   sim::Upid{});
      return;
    case Executor::State::REGISTERING:
    case Executor::State::RUNNING:
      if (e->checkpoint) {
        checkpoint(paths::taskInfoPath(meta_dir_, info_.id, frameworkId, e->info.executor_id, e->container_id,
                                       task.task_id),
                   state::encode(task));
      }
      const std::string taskId = task.task_id;
      e->queued.insert_or_assign(taskId, std::move(task));  // queuedTasks[task.task_id()] = task
      recordTask(frameworkId, *e, taskId, "QUEUED", TaskState::TASK_STAGING);
      refreshGauges();  // staging again after a new executor's REGISTERING recount
      if (tracing()) {
        log(fmt::format("Queued task '{}' for executor '{}' of framework {}", taskId, e->info.executor_id,
                        frameworkId),
            {{"task_id", taskId}, {"executor_state", std::string(toString(e->state))}});
      }
      if (e->state == Executor::State::RUNNING) sendQueuedTasks(*f, *e, "Slave::_run");
      return;
  }
}

bool Slave::dropMismatchedLaunch(Framework& f, const TaskInfo& task, bool launch) {
  // Later Mesos's __run (1.5+), where the master's RunTaskMessage.launch_executor and the
  // agent's executors disagree; the task is dropped (TASK_DROPPED, TASK_LOST for a
  // framework that is not partition-aware), the framework kept.
  const std::string& eid = task.executor.executor_id;
  Executor* e = executor(f.info.id, eid);
  auto drop = [&](TaskStatusReason reason, std::string message) {
    log(fmt::format("Dropping task {} of framework {}: {}", task.task_id, f.info.id, message),
        {{"task_id", task.task_id}});
    refreshGauges();  // no longer pending, never queued
    statusUpdate(createStatusUpdate(f.info.id, eid, task.task_id, neverLaunched(f), reason, std::move(message)),
                 sim::Upid{});
  };
  if (task.executor.command) {
    // A command task's executor is named after the task: a reused TaskID whose command
    // executor is still here (MESOS-9657, SlaveTest.DuplicateTaskIdCommandExecutor).
    if (e == nullptr) return false;
    drop(TaskStatusReason::REASON_TASK_INVALID, "Cannot reuse an already existing executor for a command task");
    return true;
  }
  if (launch && e != nullptr) {
    // The master forgot the executor (its ExitedExecutorMessage arrived) while the agent
    // keeps it for its unacknowledged updates: tell the master again; an executor the
    // master does not know that still runs is shut down.
    drop(TaskStatusReason::REASON_EXECUTOR_TERMINATED, "Master wants to launch executor, but one already exists");
    if (e->state == Executor::State::TERMINATED) {
      sendExitedExecutorMessage(f.info.id, eid);
    } else if (e->state != Executor::State::TERMINATING) {
      shutdownExecutor(f, *e);  // _shutdownExecutor
    }
    return true;
  }
  if (!launch && e == nullptr) {
    // The task that was to launch the executor was killed or dropped (its
    // ExitedExecutorMessage is on its way). No ExitedExecutorMessage, and the framework
    // is kept even if it is left with nothing, as Mesos's __run returns here.
    drop(TaskStatusReason::REASON_EXECUTOR_TERMINATED, "No executor is expected to launch and there is none running");
    return true;
  }
  return false;
}

void Slave::sendExitedExecutorMessage(const Id& frameworkId, const std::string& executorId, int status) {
  if (!master_) return;
  ExitedExecutorMessage message;
  message.slave_id = info_.id;
  message.framework_id = frameworkId;
  message.executor_id = executorId;
  message.status = status;
  send(masterPid(), message);
}

Slave::Executor& Slave::launchExecutor(Framework& f, const ExecutorInfo& info, const std::vector<CommandURI>& uris,
                                       std::uint64_t diskQuotaBytes) {
  Executor& e = f.executors[info.executor_id];
  e.info = info;
  e.info.framework_id = f.info.id;
  e.container_id = newUuid();  // ContainerID: a random UUID
  e.checkpoint = f.info.checkpoint;
  const std::string sandbox = paths::runPath(flags_.work_dir, info_.id, f.info.id, info.executor_id, e.container_id);
  // paths::createExecutorDirectory: the run's sandbox, and the work directory's
  // runs/latest symlink to it (here a file naming the run), so the agent's work directory
  // exists, as Slave::__recover's "Garbage collecting old agent" walk expects. Its path
  // (paths::latestRunPath) is the sandbox's with "latest" for the container id.
  const std::string_view runs = std::string_view(sandbox).substr(0, sandbox.size() - e.container_id.size());
  (void)host().disk().write(paths::join({runs, "latest"}), e.container_id);
  host().disk().makeDirectory(sandbox);  // os::mkdir, with the logger's stdout and stderr in it
  if (e.checkpoint) {
    checkpoint(paths::executorInfoPath(meta_dir_, info_.id, f.info.id, info.executor_id), state::encode(e.info));
    checkpoint(paths::latestRunPath(meta_dir_, info_.id, f.info.id, info.executor_id), e.container_id);
  }
  if (tracing()) {
    log(fmt::format("Launching executor '{}' of framework {} in container {}", info.executor_id, f.info.id,
                    e.container_id),
        {{"executor_id", info.executor_id}, {"container", e.container_id}, {"sandbox", sandbox}});
  }
  setExecutorState(f.info.id, e, Executor::State::REGISTERING, {{"container", e.container_id}});
  const Id frameworkId = f.info.id;  // interned: the closures below hold a pointer, not a copy
  const std::string executorId = info.executor_id;
  const Id containerId = e.container_id;  // interned too
  if (components_.containerizer != nullptr) {
    ContainerConfig config;
    config.container_id = containerId;
    config.type = ContainerType::NONE;
    config.sandbox = sandbox;
    config.uris = uris;
    // The container's resources (the executor's and its first task's: 1.1's
    // containerizer->update adds each later task's): only `disk` is read, by disk/du.
    config.disk_quota_bytes = diskQuotaBytes;
    ExecutorEnvironment env;
    env.slave = self();
    env.slave_id = info_.id;
    env.framework_id = frameworkId;
    env.container_id = containerId;
    env.info = e.info;
    env.checkpoint = e.checkpoint;
    env.recovery_timeout = flags_.recovery_timeout;
    env.shutdown_grace_period = info.shutdown_grace_period.value_or(flags_.executor_shutdown_grace_period);
    // The sandbox up to its executor id (paths::runPath): what env.sandbox() completes.
    const std::size_t rest = info.executor_id.size() + std::string_view("/runs/").size() + containerId.size();
    env.executors_dir = std::string_view(sandbox).substr(0, sandbox.size() - rest);
    config.executor = std::make_shared<ExecutorEnvironment>(std::move(env));
    if (e.checkpoint) {
      config.forked_pid_path = paths::forkedPidPath(meta_dir_, info_.id, frameworkId, executorId, containerId);
    }
    if (fires(kContainerizerLaunchSite, containerId.str())) {
      // The launch future fails, as the containerizer's would, on the agent.
      dispatch("Slave::executorLaunched", [this, frameworkId, executorId, containerId] {
        executorLaunched(frameworkId, executorId, containerId, sim::Error{"Input/output error"});
      });
    } else {
      auto launch = [this, config = std::move(config), frameworkId, executorId, containerId]() mutable {
        components_.containerizer->launch(std::move(config), self(),
                                          [this, frameworkId, executorId, containerId](const sim::Try<bool>& r) {
                                            executorLaunched(frameworkId, executorId, containerId, r);
                                          });
      };
      if (components_.faults == nullptr) {
        launch();
      } else {
        // A hold here parks the launch (model/slave/fault_sites.hpp); fires() counted the reach.
        components_.faults->reach(*this, kContainerizerLaunchSite, {"executor", info.command ? "command" : "custom"},
                                  "Containerizer::launch", std::move(launch), false);
      }
    }
  }
  delay(flags_.executor_registration_timeout, "Slave::registerExecutorTimeout",
        [this, frameworkId, executorId, containerId] { registerExecutorTimeout(frameworkId, executorId, containerId); });
  return e;
}

void Slave::executorLaunched(const Id& frameworkId, const std::string& executorId, const Id& containerId,
                             const sim::Try<bool>& launched) {
  if (components_.containerizer != nullptr) {
    // containerizer->wait(containerId).onAny(defer(self(), &Slave::executorTerminated, ...)).
    // The wait is answered when the container ends (the executor's life): it holds the
    // container id interned (a pointer), not a 36-character text.
    components_.containerizer->wait(containerId, self(),
                                    [this, frameworkId, executorId,
                                     containerId](const sim::Try<ContainerTermination>& t) {
                                      executorTerminated(frameworkId, executorId, containerId, t);
                                    });
  }
  Executor* e = executor(frameworkId, executorId);
  if (launched.isError()) {
    log(fmt::format("Container '{}' for executor '{}' of framework {} failed to start: {}", containerId, executorId,
                    frameworkId, launched.error()));
    metrics_.increment("slave/container_launch_errors");
    components_.containerizer->destroy(containerId);
    if (e != nullptr && e->container_id == containerId) {
      e->pending_termination =
          Executor::Termination{TaskState::TASK_FAILED, TaskStatusReason::REASON_CONTAINER_LAUNCH_FAILED,
                                "Failed to launch container: " + launched.error()};
    }
    return;
  }
  if (!*launched) {
    log(fmt::format("No containerizer could launch the executor '{}'", executorId));
    metrics_.increment("slave/container_launch_errors");
    return;
  }
  // The container runs; unless the agent still wants it, it is destroyed (as when a
  // shutdown came while the container was fetching or preparing).
  Framework* f = framework(frameworkId);
  if (f == nullptr) {
    log(fmt::format("Framework {} for executor '{}' is no longer valid", frameworkId, executorId));
    return;
  }
  std::string why;
  if (f->state == Framework::State::TERMINATING) {
    why = "its framework is terminating";
  } else if (e == nullptr || e->container_id != containerId) {
    why = "it is unknown";
  } else if (e->state == Executor::State::TERMINATING) {
    why = "it is terminating";
  }
  if (!why.empty()) {
    log(fmt::format("Killing executor '{}' of framework {} because {}", executorId, frameworkId, why));
    components_.containerizer->destroy(containerId);
  }
}

void Slave::registerExecutor(const sim::Upid& from, const RegisterExecutorMessage& message) {
  auto shutdown = [&](const std::string& why) {
    refuseExecutor(from, message.framework_id, message.executor_id, why);
  };
  if (state_ == State::RECOVERING) return shutdown("the agent is still recovering");
  if (state_ == State::TERMINATING) return shutdown("the agent is terminating");
  Framework* f = framework(message.framework_id);
  if (f == nullptr || f->state == Framework::State::TERMINATING) return shutdown("the framework is unknown or terminating");
  Executor* e = getExecutor(*f, message.executor_id);  // Slave::executor, the framework found once
  if (e == nullptr) return shutdown("the executor is unknown");
  if (e->state != Executor::State::REGISTERING) {
    return shutdown(fmt::format("the executor is not expected to register (it is {})", toString(e->state)));
  }
  setExecutorState(f->info.id, *e, Executor::State::RUNNING, {{"pid", from.str()}});
  e->pid = from;
  link(from);
  if (e->checkpoint) {
    checkpoint(paths::libprocessPidPath(meta_dir_, info_.id, f->info.id, e->info.executor_id, e->container_id),
               from.str());
  }
  if (tracing()) {
    log(fmt::format("Got registration for executor '{}' of framework {} from {}", e->info.executor_id, f->info.id,
                    from.str()));
  }
  if (e->queued.empty()) {
    log("Shutting down the executor because it has no tasks to run");
    shutdownExecutor(*f, *e);
    return;
  }
  ExecutorRegisteredMessage reply;
  reply.framework_id = f->info.id;
  reply.executor_id = e->info.executor_id;
  reply.slave_id = info_.id;
  reply.framework = f->info;
  send(from, std::move(reply));
  sendQueuedTasks(*f, *e, "Slave::registerExecutor");
}

void Slave::refuseExecutor(const sim::Upid& from, const std::string& frameworkId, const std::string& executorId,
                           const std::string& why) {
  log(fmt::format("Shutting down executor '{}' of framework {} at {} because {}", executorId, frameworkId, from.str(),
                  why));
  ShutdownExecutorMessage reply;
  reply.framework_id = frameworkId;
  reply.executor_id = executorId;
  send(from, reply);
}

void Slave::sendQueuedTasks(Framework& f, Executor& e, std::string_view caller) {
  // containerizer->update(resources) first; then __run sends the tasks queued now. A
  // scenario may hold the update at the fault site Containerizer::update (caller
  // Slave::registerExecutor or Slave::_run), as SlaveTest.KillAllInitialTasksTerminatesExecutor
  // holds its mock's ___run; unheld, __run follows at once, as before the site existed.
  if (e.queued.empty()) return;
  std::vector<std::string> taskIds;
  for (const auto& [id, task] : e.queued) taskIds.push_back(id);
  auto next = [this, frameworkId = f.info.id, executorId = e.info.executor_id, containerId = e.container_id,
               taskIds = std::move(taskIds)] { sendQueuedTasks(frameworkId, executorId, containerId, taskIds); };
  if (components_.faults == nullptr) return next();
  // fires() in __run counts the reach.
  components_.faults->reach(*this, kContainerizerUpdateSite, {"caller", caller}, "Slave::__run", std::move(next), false);
}

void Slave::sendQueuedTasks(const Id& frameworkId, const std::string& executorId, const std::string& containerId,
                            const std::vector<std::string>& taskIds) {
  // Slave::__run: a failed update destroys the container, and the queued tasks, never
  // sent, end with the executor (SlaveTest.TaskLaunchContainerizerUpdateFails). Then each
  // way out that sends nothing: the framework gone or terminating, the executor gone or in
  // another container, or no longer RUNNING; a task killed meanwhile is no longer queued.
  Framework* f = framework(frameworkId);
  Executor* e = f == nullptr ? nullptr : executor(frameworkId, executorId);
  if (e != nullptr && e->container_id != containerId) e = nullptr;
  if (fires(kContainerizerUpdateSite, containerId)) {
    if (e != nullptr) return failContainerUpdate(*f, *e, "");
    if (components_.containerizer != nullptr) components_.containerizer->destroy(containerId);
    return;
  }
  if (f == nullptr || f->state == Framework::State::TERMINATING || e == nullptr ||
      e->state != Executor::State::RUNNING) {
    log(fmt::format("Ignoring sending queued tasks to executor '{}' of framework {}: the framework or the executor "
                    "is gone, terminating or terminated",
                    executorId, frameworkId));
    return;
  }
  for (const std::string& id : taskIds) {
    auto q = e->queued.find(id);
    if (q == e->queued.end()) {
      log(fmt::format("Ignoring sending queued task '{}' to executor '{}' because the task has been killed", id,
                      executorId));
      continue;
    }
    // launchedTasks[task.task_id()] = task, the Task made in place of a default one.
    const Task& launched =
        e->launched.insert_or_assign(id, createTask(q->second, TaskState::TASK_STAGING, f->info.id,
                                                    e->info.executor_id, info_.id))
            .first->second;
    launched_revocable_ = launched_revocable_ || !launched.revocable_resources.empty();
    recordTask(f->info.id, *e, id, "LAUNCHED", TaskState::TASK_STAGING);
    RunTaskMessage message;
    message.framework = f->info;
    message.pid = f->pid.str();
    message.task = std::move(q->second);
    e->queued.erase(q);
    if (tracing()) {
      log(fmt::format("Sending queued task '{}' to executor '{}' of framework {}", id, e->info.executor_id, f->info.id));
    }
    send(e->pid, std::move(message));
  }
}

void Slave::registerExecutorTimeout(const Id& frameworkId, const std::string& executorId, const Id& containerId) {
  Framework* f = framework(frameworkId);
  if (f == nullptr || f->state == Framework::State::TERMINATING) return;
  Executor* e = executor(frameworkId, executorId);
  if (e == nullptr || e->container_id != containerId) return;
  if (e->state != Executor::State::REGISTERING) return;
  log(fmt::format("Terminating executor '{}' of framework {} because it did not register within {}", executorId,
                  frameworkId, sim::format(flags_.executor_registration_timeout)));
  setExecutorState(frameworkId, *e, Executor::State::TERMINATING);
  e->pending_termination = Executor::Termination{
      TaskState::TASK_FAILED, TaskStatusReason::REASON_EXECUTOR_REGISTRATION_TIMEOUT,
      fmt::format("Executor did not register within {}", sim::format(flags_.executor_registration_timeout))};
  if (components_.containerizer != nullptr) components_.containerizer->destroy(containerId);
}

void Slave::killTask(const sim::Upid& from, const KillTaskMessage& message) {
  if (!fromMaster(from)) {
    log(fmt::format("Ignoring kill task {} because the message was not from the expected master", message.task_id));
    return;
  }
  if (state_ == State::RECOVERING || state_ == State::TERMINATING) {
    log(fmt::format("Cannot kill task {} because the agent is {}", message.task_id, toString(state_)));
    return;
  }
  log(fmt::format("Asked to kill task {} of framework {}", message.task_id, message.framework_id),
      {{"task_id", message.task_id}});
  Framework* f = framework(message.framework_id);
  if (f == nullptr) {
    log("Ignoring kill task " + message.task_id + " of unknown framework " + message.framework_id);
    return;
  }
  if (f->state == Framework::State::TERMINATING) {
    log("Ignoring kill task " + message.task_id + " because its framework is terminating");
    return;
  }
  for (auto& [executorId, tasks] : f->pending) {
    if (tasks.erase(message.task_id) != 0) {
      // Slave::killPendingTask (MESOS-7863, after 1.1; SlaveTest.KillTaskBetweenRunTaskParts
      // and KillMultiplePendingTasks observe it): TASK_KILLED at once, and a framework left
      // with no executor and no pending task is removed; _run then launches nothing. 1.1
      // left both to _run, once GC's unschedule completed (docs/model.md).
      const std::string eid = executorId;
      if (tasks.empty()) f->pending.erase(executorId);
      refreshGauges();
      statusUpdate(createStatusUpdate(message.framework_id, eid, message.task_id, TaskState::TASK_KILLED,
                                      TaskStatusReason::REASON_TASK_KILLED_DURING_LAUNCH,
                                      "Killed before delivery to the executor"),
                   sim::Upid{});
      if (f->executors.empty() && f->pending.empty()) removeFramework(message.framework_id);
      return;
    }
  }
  // Framework::getExecutor(taskId): queued, launched, or terminated and not yet
  // acknowledged (a kill for such a task reaches its executor, or is ignored if the
  // executor has terminated).
  Executor* e = executorOf(*f, message.task_id, message.task_id);
  if (e == nullptr) {
    // Never launched here: TASK_DROPPED for a partition-aware framework (1.2), else TASK_LOST.
    statusUpdate(createStatusUpdate(message.framework_id, "", message.task_id, neverLaunched(*f),
                                    TaskStatusReason::REASON_EXECUTOR_TERMINATED, "Cannot find executor"),
                 sim::Upid{});
    return;
  }
  switch (e->state) {
    case Executor::State::REGISTERING:
      // Later Mesos (and its tests) name the reason TASK_KILLED_DURING_LAUNCH; 1.1 said
      // EXECUTOR_UNREGISTERED (docs/model.md).
      statusUpdate(createStatusUpdate(message.framework_id, e->info.executor_id, message.task_id,
                                      TaskState::TASK_KILLED, TaskStatusReason::REASON_TASK_KILLED_DURING_LAUNCH,
                                      "Unregistered executor"),
                   sim::Upid{});
      return;
    case Executor::State::TERMINATING:
    case Executor::State::TERMINATED:
      log(fmt::format("Ignoring kill task {} because the executor is {}", message.task_id, toString(e->state)));
      return;
    case Executor::State::RUNNING:
      if (e->queued.count(message.task_id) != 0) {
        statusUpdate(createStatusUpdate(message.framework_id, e->info.executor_id, message.task_id,
                                        TaskState::TASK_KILLED, TaskStatusReason::REASON_TASK_KILLED_DURING_LAUNCH,
                                        "Task killed while it was queued"),
                     sim::Upid{});
        // Later Mesos (MESOS-8411, 1.5; SlaveTest.KillAllInitialTasksTerminatesExecutor
        // observes it): an executor never sent a task whose queued tasks are all killed
        // is shut down. 1.1 left it running with nothing to run (docs/model.md).
        if (!everSentTask(*e) && e->queued.empty()) {
          log(fmt::format("Shutting down executor '{}' of framework {} because it has never been sent a task and all "
                          "of its queued tasks have been killed before delivery",
                          e->info.executor_id, f->info.id));
          shutdownExecutor(*f, *e);
        }
        return;
      }
      send(e->pid, message);
      return;
  }
}

void Slave::shutdownExecutorMessage(const sim::Upid& from, const ShutdownExecutorMessage& message) {
  // Slave::shutdownExecutor: `if (from && master != from)`: a message with no sender (a
  // test's process::post without one) is taken as the master's.
  if (!from.isNone() && !fromMaster(from)) {
    log("Ignoring shutdown executor message from " + from.str() + " because it is not from the expected master");
    return;
  }
  if (state_ == State::RECOVERING || state_ == State::DISCONNECTED) {
    log(fmt::format("Ignoring shutdown executor message for executor '{}' of framework {} because the agent has not "
                    "yet registered with the master",
                    message.executor_id, message.framework_id));
    return;
  }
  Framework* f = framework(message.framework_id);
  Executor* e = executor(message.framework_id, message.executor_id);
  if (f == nullptr || e == nullptr || f->state == Framework::State::TERMINATING) return;
  if (e->state == Executor::State::TERMINATING || e->state == Executor::State::TERMINATED) return;
  shutdownExecutor(*f, *e);
}

void Slave::shutdownExecutor(Framework& f, Executor& e) {
  log(fmt::format("Shutting down executor '{}' of framework {}", e.info.executor_id, f.info.id));
  setExecutorState(f.info.id, e, Executor::State::TERMINATING);
  if (!e.pid.isNone()) {
    ShutdownExecutorMessage message;
    message.framework_id = f.info.id;
    message.executor_id = e.info.executor_id;
    send(e.pid, message);
  }
  const sim::Duration grace = e.info.shutdown_grace_period.value_or(flags_.executor_shutdown_grace_period);
  const std::string frameworkId = f.info.id;
  const std::string executorId = e.info.executor_id;
  const std::string containerId = e.container_id;
  delay(grace, "Slave::shutdownExecutorTimeout",
        [this, frameworkId, executorId, containerId] { shutdownExecutorTimeout(frameworkId, executorId, containerId); });
}

void Slave::shutdownExecutorTimeout(const std::string& frameworkId, const std::string& executorId,
                                    const std::string& containerId) {
  Executor* e = executor(frameworkId, executorId);
  if (e == nullptr || e->container_id != containerId || e->state != Executor::State::TERMINATING) return;
  log(fmt::format("Killing executor '{}' of framework {}: it did not exit within its shutdown grace period",
                  executorId, frameworkId));
  if (components_.containerizer != nullptr) components_.containerizer->destroy(containerId);
}

void Slave::shutdownFramework(const sim::Upid& from, const ShutdownFrameworkMessage& message) {
  if (!from.isNone() && !fromMaster(from)) {
    log("Ignoring shutdown framework message from " + from.str() + " because it is not from the expected master");
    return;
  }
  if (state_ == State::RECOVERING || state_ == State::DISCONNECTED) {
    log(fmt::format("Ignoring shutdown framework message for {} because the agent has not registered with the "
                    "master",
                    message.framework_id));
    return;
  }
  Framework* f = framework(message.framework_id);
  if (f == nullptr) return;
  if (f->state == Framework::State::TERMINATING) {
    log("Ignoring shutdown framework " + message.framework_id + " because it is terminating");
    return;
  }
  log("Asked to shut down framework " + message.framework_id);
  shutdownFramework(*f);
}

void Slave::shutdownFramework(Framework& f) {
  // Slave::shutdownFramework, case Framework::RUNNING (also Slave::shutdown's, for every
  // framework): TERMINATING; each REGISTERING or RUNNING executor is shut down, each
  // TERMINATED one (waiting for acknowledgements) removed, a TERMINATING one left alone.
  const Id frameworkId = f.info.id;
  f.state = Framework::State::TERMINATING;
  traceState(machines::kSlaveFramework, "TERMINATING", {{"framework_id", frameworkId}});
  // Its pending tasks stay: _run drops each (and then the framework).
  std::vector<std::string> done;
  for (auto& [id, e] : f.executors) {
    if (e.state == Executor::State::REGISTERING || e.state == Executor::State::RUNNING) shutdownExecutor(f, e);
    else if (e.state == Executor::State::TERMINATED) done.push_back(id);
  }
  for (const std::string& id : done) removeExecutor(f, f.executors.at(id));
  if (f.executors.empty() && f.pending.empty()) removeFramework(frameworkId);
}

void Slave::updateFramework(const sim::Upid& /*from*/, const UpdateFrameworkMessage& message) {
  // Mesos installs the handler without the sender (framework_id and pid only): any
  // process's UpdateFrameworkMessage is taken, as SlaveRecoveryTest.NonCheckpointingFramework
  // dispatches one itself.
  if (state_ != State::RUNNING) {
    // MESOS-1869: it may arrive before the reregistration; it is dropped.
    log(fmt::format("Ignoring updating pid for framework {} because the agent is {}", message.framework_id,
                    toString(state_)));
    return;
  }
  Framework* f = framework(message.framework_id);
  if (f == nullptr) {
    // The master broadcasts every framework's failover to every agent: one the agent does
    // not know changes nothing here, not even the status update manager.
    log(fmt::format("Ignoring updating pid for framework {} because it does not exist", message.framework_id));
    return;
  }
  if (f->state == Framework::State::TERMINATING) {
    log(fmt::format("Ignoring updating pid for framework {} because it is terminating", message.framework_id));
    return;
  }
  // An empty pid (an HTTP framework) clears it.
  f->pid = message.pid.empty() ? sim::Upid{} : parseUpid(sim(), message.pid).value_or(f->pid);
  if (f->info.checkpoint) checkpoint(paths::frameworkPidPath(meta_dir_, info_.id, f->info.id), message.pid);
  log(fmt::format("Updating framework {} pid to {}", message.framework_id, message.pid));
  // Status updates waiting for this framework go out again (every stream's head).
  if (components_.statusUpdateManager != nullptr) components_.statusUpdateManager->resume();
}

void Slave::sendExecutorTerminatedStatusUpdate(const Id& frameworkId, Executor& e, const std::string& taskId,
                                               const sim::Try<ContainerTermination>& termination) {
  // 1.1's Slave::sendExecutorTerminatedStatusUpdate: the container's state and reason
  // (set only for a limitation) come first, then the pending termination's, then
  // TASK_FAILED / EXECUTOR_TERMINATED.
  const ContainerTermination* t = termination.isError() ? nullptr : &*termination;
  TaskState state = TaskState::TASK_FAILED;
  TaskStatusReason reason = TaskStatusReason::REASON_EXECUTOR_TERMINATED;
  std::string message;
  if (e.pending_termination) {
    state = e.pending_termination->state;
    reason = e.pending_termination->reason;
    message = e.pending_termination->message;
  }
  if (t != nullptr && t->limitation) state = TaskState::TASK_FAILED;
  if (t != nullptr && t->reason) reason = *t->reason;
  // The pending termination's message, then the container's: a failed wait's failure
  // ("unknown container" when the containerizer had none), or a limitation's message;
  // "Executor terminated" when neither says anything (an executor that exited or was
  // destroyed: MesosContainerizer sets no message then).
  std::vector<std::string> messages;
  if (!message.empty()) messages.push_back(message);
  if (t == nullptr) {
    const bool unknown = termination.error().rfind(kUnknownContainer, 0) == 0;
    messages.push_back("Abnormal executor termination: " +
                       (unknown ? std::string("unknown container") : termination.error()));
  } else if (t->limitation && !t->message.empty()) {
    messages.push_back(t->message);
  }
  message = messages.empty() ? std::string("Executor terminated") : fmt::format("{}", fmt::join(messages, "; "));
  Framework* f = framework(frameworkId);
  if (f != nullptr && f->info.partition_aware && state == TaskState::TASK_LOST) state = TaskState::TASK_GONE;
  statusUpdate(createStatusUpdate(frameworkId, e.info.executor_id, taskId, state, reason, message), sim::Upid{});
}

void Slave::executorTerminated(const Id& frameworkId, const std::string& executorId, const Id& containerId,
                               const sim::Try<ContainerTermination>& termination) {
  Framework* f = framework(frameworkId);
  Executor* e = executor(frameworkId, executorId);
  if (f == nullptr || e == nullptr || e->container_id != containerId) return;
  if (e->state == Executor::State::TERMINATED) return;  // Mesos: LOG(FATAL); its wait fires once
  std::optional<ContainerTermination> t;
  if (!termination.isError()) t = *termination;
  if (tracing()) {
    log(fmt::format("Executor '{}' of framework {} {}", executorId, frameworkId,
                    t && t->status ? fmt::format("exited with status {}", *t->status)
                                   : std::string("terminated with unknown status")),
        {{"executor_id", executorId}, {"container", containerId}});
  }
  metrics_.increment("slave/executors_terminated");
  setExecutorState(frameworkId, *e, Executor::State::TERMINATED);
  if (f->state != Framework::State::TERMINATING) {
    std::vector<std::string> tasks;
    for (const auto& [id, task] : e->launched) {
      if (!isTerminalState(task.state)) tasks.push_back(id);
    }
    for (const auto& [id, task] : e->queued) tasks.push_back(id);
    for (const std::string& id : tasks) sendExecutorTerminatedStatusUpdate(frameworkId, *e, id, termination);
  }
  // Sent even for a terminating framework (the master ignores it then).
  if (!e->info.command) sendExitedExecutorMessage(frameworkId, executorId, t && t->status ? *t->status : -1);
  if (state_ == State::TERMINATING || f->state == Framework::State::TERMINATING || e->incompleteTasks() == 0) {
    removeExecutor(*f, *e);
  }
  if (f->executors.empty() && f->pending.empty()) removeFramework(frameworkId);
}

void Slave::removeExecutor(Framework& f, Executor& e) {
  if (tracing()) log(fmt::format("Cleaning up executor '{}' of framework {}", e.info.executor_id, f.info.id));
  if (e.checkpoint) {
    checkpoint(paths::sentinelPath(meta_dir_, info_.id, f.info.id, e.info.executor_id, e.container_id), "");
  }
  // The run's sandbox, the executor's directory (unless tasks for it are pending), and
  // their meta directories for a checkpointing framework, in Mesos's order.
  // Each is touched first (os::utime): it goes the whole gc_delay after the removal.
  const std::string& eid = e.info.executor_id;
  auto touchedGc = [this](const std::string& path) {
    touchAndCollect(host().disk(), components_.gc, flags_.gc_delay, now(), path);
  };
  // Each executor directory is its run's path without "/runs/<container id>"
  // (paths::runPath, paths::executorPath): the run's path is joined once.
  const std::size_t runTail = std::string_view("/runs/").size() + e.container_id.size();
  auto touchedGcRun = [&](const std::string& root) {
    const std::string run = paths::runPath(root, info_.id, f.info.id, eid, e.container_id);
    touchedGc(run);
    return run;
  };
  const std::string run = touchedGcRun(flags_.work_dir);
  const bool pending = f.pending.count(eid) != 0;
  if (!pending) touchedGc(run.substr(0, run.size() - runTail));
  if (e.checkpoint) {
    const std::string metaRun = touchedGcRun(meta_dir_);
    if (!pending) touchedGc(metaRun.substr(0, metaRun.size() - runTail));
  }
  // Framework::destroyExecutor: every executor joins completedExecutors, a ring of
  // --max_completed_executors_per_framework; the one it pushes out (at once with 0)
  // leaves the agent's /state.
  f.completed_executors.push_back({eid, std::move(e.completed)});
  if (f.completed_executors.size() > flags_.max_completed_executors_per_framework) {
    traceState(machines::kSlaveExecutor, "EVICTED",
               {{"framework_id", f.info.id}, {"executor_id", f.completed_executors.front().id}});
    f.completed_executors.erase(f.completed_executors.begin());
  }
  f.executors.erase(std::string(eid));
  refreshGauges();
}

void Slave::removeFramework(const Id& frameworkId) {
  Framework* f = framework(frameworkId);
  if (f == nullptr) return;
  log("Cleaning up framework " + frameworkId);
  if (components_.statusUpdateManager != nullptr) components_.statusUpdateManager->cleanup(frameworkId);
  // Touched first (os::utime): gone the whole gc_delay after the removal.
  auto touchedGc = [this](const std::string& path) {
    touchAndCollect(host().disk(), components_.gc, flags_.gc_delay, now(), path);
  };
  touchedGc(paths::frameworkPath(flags_.work_dir, info_.id, frameworkId));
  if (f->info.checkpoint) touchedGc(paths::frameworkPath(meta_dir_, info_.id, frameworkId));
  traceState(machines::kSlaveFramework, "REMOVED", {{"framework_id", frameworkId}});
  // Slave::removeFramework: the framework joins completedFrameworks with its completed
  // executors (their completed tasks, in order).
  CompletedFramework archived{frameworkId, {}};
  for (auto& executor : f->completed_executors) {
    archived.tasks.insert(archived.tasks.end(), std::make_move_iterator(executor.tasks.begin()),
                          std::make_move_iterator(executor.tasks.end()));
  }
  frameworks_.erase(frameworkId);
  refreshGauges();
  completed_frameworks_.push_back(std::move(archived));
  if (completed_frameworks_.size() > kMaxCompletedFrameworks) {
    traceState(machines::kSlaveFramework, "EVICTED", {{"framework_id", completed_frameworks_.front().id}});
    completed_frameworks_.pop_front();
  }
  if (state_ == State::TERMINATING && frameworks_.empty()) {
    terminateAgent("Agent terminating: no frameworks left");
  }
}

// Slave::initialize installs Slave::statusUpdate with StatusUpdateMessage::pid, the pid
// the message carries (an executor driver sets its own), not the transport's sender: an
// update posted without one (a test's process::post) is SOURCE_SLAVE and no executor is
// acknowledged for it (Slave::___statusUpdate acknowledges only a pid that is set).
void Slave::statusUpdateMessage(const sim::Upid& /*from*/, StatusUpdateMessage& message) {
  const sim::Upid pid = message.pid;
  statusUpdate(std::move(message.update), pid);
}

void Slave::statusUpdate(StatusUpdate update, const sim::Upid& pid) {
  // Slave::statusUpdate counts an update it ignores as invalid, and every other one,
  // including one the task then cannot take (Slave::_statusUpdate), as valid.
  if (update.uuid.empty()) {
    log("Ignoring status update without a UUID for task " + update.task_id);
    metrics_.increment("slave/invalid_status_updates");
    return;
  }
  // Slave::statusUpdate: the update's SlaveID (and its TaskStatus's, the same field here)
  // must be this agent's: one without any is ignored as well.
  if (update.slave_id != info_.id) {
    log(fmt::format("Ignoring status update for task {} due to Slave ID mismatch; expected '{}', received '{}'",
                    update.task_id, info_.id, update.slave_id));
    metrics_.increment("slave/invalid_status_updates");
    return;
  }
  update.slave_id = info_.id;
  update.source = pid.isNone() ? TaskStatusSource::SOURCE_SLAVE : TaskStatusSource::SOURCE_EXECUTOR;
  if (tracing()) {
    log(fmt::format("Handling status update {} ({}) for task {} of framework {}{}", toString(update.state),
                    update.uuid, update.task_id, update.framework_id, pid.isNone() ? "" : " from " + pid.str()),
        {{"task_id", update.task_id}, {"state", std::string(toString(update.state))}, {"uuid", update.uuid}});
  }
  Framework* f = framework(update.framework_id);
  if (f == nullptr || f->state == Framework::State::TERMINATING) {
    log(fmt::format("Ignoring status update {} for task {} of {} framework {}", update.uuid, update.task_id,
                    f == nullptr ? "unknown" : "terminating", update.framework_id));
    metrics_.increment("slave/invalid_status_updates");
    return;
  }
  // Framework::getExecutor(taskId), looking first at the executor the update names.
  Executor* e = executorOf(*f, update.task_id, update.executor_id);
  // Only what the acknowledgement needs, not the whole update.
  // The UUID as the update holds it (model::Uuid: 16 bytes, or a spoofed text as it came):
  // the closure is 80 bytes and holds no text; one is held per update until the manager
  // has it (every task's STARTING and RUNNING at a launch).
  auto ackExecutor = [this, pid, frameworkId = update.framework_id, taskId = update.task_id,
                      uuid = update.uuid](const sim::Try<sim::Nothing>& written) {
    // Slave::___statusUpdate: CHECK_READY aborts the agent if the manager failed.
    if (written.isError()) {
      exitAgent(host(), "slave",
                fmt::format("Failed to handle status update {} for task {}: {}", uuid.str(), taskId, written.error()),
                "src/slave/slave.cpp: Slave::___statusUpdate", this);
      return;
    }
    if (pid.isNone()) return;
    StatusUpdateAcknowledgementMessage ack;
    ack.slave_id = info_.id;
    ack.framework_id = frameworkId;
    ack.task_id = taskId;
    ack.uuid = uuid;
    send(pid, std::move(ack));
  };
  if (components_.statusUpdateManager == nullptr) return;
  if (e == nullptr) {
    // No executor holds the task: straight to the manager, not checkpointed (C12).
    metrics_.increment("slave/valid_status_updates");
    components_.statusUpdateManager->update(std::move(update), std::nullopt, *this, std::move(ackExecutor));
    return;
  }
  if (update.state == TaskState::TASK_STAGING && !pid.isNone()) {
    log(fmt::format("Received TASK_STAGING from executor '{}' of framework {} which is not allowed. Shutting down the "
                    "executor",
                    e->info.executor_id, f->info.id));
    if (e->state != Executor::State::REGISTERING && e->state != Executor::State::RUNNING) {
      // Slave::_shutdownExecutor CHECKs that the executor is REGISTERING or RUNNING: an
      // executor already TERMINATING or TERMINATED that sends TASK_STAGING aborts the agent.
      exitAgent(host(), "slave",
                fmt::format("Check failed: executor->state == Executor::REGISTERING || executor->state == "
                            "Executor::RUNNING {}",
                            toString(e->state)),
                "src/slave/slave.cpp: Slave::_shutdownExecutor", this);
      return;
    }
    shutdownExecutor(*f, *e);
    return;
  }
  metrics_.increment("slave/valid_status_updates");
  if (auto refused = updateTaskState(*f, *e, update)) {
    // Slave::_statusUpdate: an update the task cannot take is dropped, but acknowledged
    // to its sender (___statusUpdate), so the executor stops resending it.
    log(fmt::format("Failed to update state of task '{}' to {}: {}", update.task_id, toString(update.state), *refused),
        {{"task_id", update.task_id}, {"uuid", update.uuid}});
    ackExecutor(sim::Nothing{});
    return;
  }
  refreshGauges();  // the task's new state (Executor::updateTaskState)
  if (isTerminalState(update.state) && fires(kContainerizerUpdateSite, e->container_id.str())) {
    failContainerUpdate(*f, *e, " on status update for terminal task");
  }
  std::optional<std::string> path = taskUpdatesPath(*f, *e, update.task_id);
  components_.statusUpdateManager->update(std::move(update), std::move(path), *this, std::move(ackExecutor));
}

void Slave::failContainerUpdate(Framework& f, Executor& e, std::string_view when) {
  // Slave::__statusUpdate with a failed containerizer->update for a terminal task (or
  // __run, before queued tasks go to the executor): the container is destroyed and the
  // executor's other live and queued tasks end TASK_LOST (TASK_GONE
  // for a partition-aware framework, as later Mesos and
  // SlaveTest.TerminalTaskContainerizerUpdateFailsWithGone; 1.1 said TASK_LOST) with
  // REASON_CONTAINER_UPDATE_FAILED. The terminal update itself goes on to the manager.
  log(fmt::format("Failed to update resources for container {} of executor '{}'{}, destroying container: "
                  "Input/output error",
                  e.container_id, e.info.executor_id, when));
  if (components_.containerizer != nullptr) components_.containerizer->destroy(e.container_id);
  e.pending_termination = Executor::Termination{
      f.info.partition_aware ? TaskState::TASK_GONE : TaskState::TASK_LOST, TaskStatusReason::REASON_CONTAINER_UPDATE_FAILED,
      "Failed to update resources for container: Input/output error"};
}

std::optional<std::string> Slave::updateTaskState(Framework& f, Executor& e, const StatusUpdate& update) {
  // Executor::updateTaskState: the agent's view of the task follows the update.
  const std::string& id = update.task_id;
  const bool terminal = isTerminalState(update.state);
  if (auto q = e.queued.find(id); q != e.queued.end()) {
    if (!terminal) return std::string("Cannot send non-terminal update for queued task");
    e.terminated.insert_or_assign(id, createTask(q->second, update.state, f.info.id, e.info.executor_id, info_.id));
    e.queued.erase(q);
    recordTask(f.info.id, e, id, "TERMINATED", update.state);
    countTerminalTask(update.state);
    return std::nullopt;
  }
  if (auto l = e.launched.find(id); l != e.launched.end()) {
    l->second.state = update.state;
    l->second.executor_reported = l->second.executor_reported || update.source == TaskStatusSource::SOURCE_EXECUTOR;
    recordTask(f.info.id, e, id, terminal ? "TERMINATED" : "LAUNCHED", update.state);
    if (terminal) {
      e.terminated.insert_or_assign(id, std::move(l->second));
      e.launched.erase(l);
      countTerminalTask(update.state);
    }
    return std::nullopt;
  }
  if (auto t = e.terminated.find(id); t != e.terminated.end()) {
    return fmt::format("Task is already terminated with state {}", toString(t->second.state));
  }
  return std::string("Task is unknown");
}

void Slave::countTerminalTask(TaskState state) {
  // Executor::updateTaskState: slave/tasks_<state> for a task's terminal state (1.1 counts
  // FINISHED, FAILED, KILLED and LOST; TASK_GONE is later Mesos's, as the QoS kill that
  // sends it).
  switch (state) {
    case TaskState::TASK_FINISHED: metrics_.increment("slave/tasks_finished"); break;
    case TaskState::TASK_FAILED: metrics_.increment("slave/tasks_failed"); break;
    case TaskState::TASK_KILLED: metrics_.increment("slave/tasks_killed"); break;
    case TaskState::TASK_LOST: metrics_.increment("slave/tasks_lost"); break;
    case TaskState::TASK_GONE: metrics_.increment("slave/tasks_gone"); break;
    default: break;
  }
}

void Slave::forward(StatusUpdate update) {
  if (state_ != State::RUNNING) {
    log(fmt::format("Dropping status update {} ({}) for task {}: the agent is {}", toString(update.state),
                    update.uuid, update.task_id, toString(state_)));
    return;
  }
  // The agent's view: the task's latest state, and the update in flight.
  Framework* f = framework(update.framework_id);
  // The task's record in the executor's launched and terminated tasks, if there.
  auto stamp = [&update](Executor& e) {
    bool found = false;
    for (auto* tasks : {&e.launched, &e.terminated}) {
      auto it = tasks->find(update.task_id);
      if (it == tasks->end()) continue;
      it->second.status_update_state = update.state;
      it->second.status_update_uuid = update.uuid;
      update.latest_state = it->second.state;
      found = true;
    }
    return found;
  };
  if (f != nullptr) {
    // Most often the executor the update names has the task launched or terminated, and
    // is then Framework::getExecutor's answer: its maps are searched once, here.
    Executor* named = getExecutor(*f, update.executor_id);
    if (named == nullptr || !stamp(*named)) {
      if (Executor* e = executorOf(*f, update.task_id, update.executor_id); e != nullptr) stamp(*e);
    }
  }
  StatusUpdateMessage message;
  message.update = std::move(update);
  message.pid = self();
  send(masterPid(), std::move(message));
}

void Slave::statusUpdateAcknowledgement(const sim::Upid& from, StatusUpdateAcknowledgementMessage& message) {
  // Slave::statusUpdateAcknowledgement: an ack from a master (not a driver's) is taken
  // only while registered, and only from the leading master.
  if (from.id().rfind("master", 0) == 0) {
    if (state_ != State::RUNNING) {
      log(fmt::format("Dropping status update acknowledgement message for {} because the agent is in {} state",
                      message.framework_id.str(), toString(state_)),
          {{"task_id", message.task_id}});
      return;
    }
    if (!fromMaster(from)) {
      log(fmt::format("Ignoring status update acknowledgement message from {} because it is not the expected "
                      "master: {}",
                      from.str(), master_ ? master_->pid : std::string("None")),
          {{"task_id", message.task_id}});
      return;
    }
  }
  if (components_.statusUpdateManager == nullptr) return;
  Id frameworkId = message.framework_id;
  std::string taskId = message.task_id;
  Uuid uuid = message.uuid;
  components_.statusUpdateManager->acknowledgement(
      std::move(message.task_id), std::move(message.framework_id), std::move(message.uuid), *this,
      [this, frameworkId = std::move(frameworkId), taskId = std::move(taskId),
       uuid = std::move(uuid)](const sim::Try<bool>& result) {
        // Slave::_statusUpdateAcknowledgement.
        if (result.isError()) {
          log(fmt::format("Failed to handle status update acknowledgement (UUID: {}) for task {} of framework {}: {}",
                          uuid, taskId, frameworkId, result.error()));
          return;
        }
        Framework* f = framework(frameworkId);
        if (f == nullptr) {
          log(fmt::format("Status update acknowledgement (UUID: {}) for task {} of unknown framework {}", uuid, taskId,
                          frameworkId));
          return;
        }
        // A command executor is named by its task.
        Executor* e = executorOf(*f, taskId, taskId);
        if (e == nullptr) {
          log(fmt::format("Status update acknowledgement (UUID: {}) for task {} of unknown executor", uuid, taskId));
          return;
        }
        if (auto it = *result ? e->terminated.end() : e->terminated.find(taskId); it != e->terminated.end()) {
          // completeTask: the stream closed.
          recordTask(frameworkId, *e, taskId, "COMPLETED", it->second.state);
          e->completed.push_back(std::move(it->second));
          if (e->completed.size() > kMaxCompletedTasksPerExecutor) e->completed.erase(e->completed.begin());
          e->terminated.erase(it);
        }
        if (e->state == Executor::State::TERMINATED && e->incompleteTasks() == 0) removeExecutor(*f, *e);
        if (f->executors.empty() && f->pending.empty()) removeFramework(frameworkId);
      });
}

std::vector<Task> Slave::tasksForReregistration() const {
  // Slave::doReliableRegistration: pending, queued, launched and terminated tasks, each
  // with its latest state and status update state. A command executor's tasks go
  // without their executor id, as the master keeps no command executor (Mesos 1.1 cleared
  // the id of every task listed before them too, MESOS-8135; agentsim follows the fix,
  // MasterSlaveReconciliationTest.SlaveReregisterTaskExecutorIds).
  std::vector<Task> tasks;
  auto add = [&tasks](Task t, bool command) {
    if (command) t.executor_id.clear();
    tasks.push_back(std::move(t));
  };
  for (const auto& [fid, f] : frameworks_) {
    for (const auto& [eid, pending] : f.pending) {
      for (const auto& [tid, info] : pending) {
        add(createTask(info, TaskState::TASK_STAGING, fid, eid, info_.id), info.executor.command);
      }
    }
    for (const auto& [eid, e] : f.executors) {
      // Mesos's order: launched, terminated, then queued (as TASK_STAGING).
      for (const auto& [tid, t] : e.launched) add(t, e.info.command);
      for (const auto& [tid, t] : e.terminated) add(t, e.info.command);
      for (const auto& [tid, info] : e.queued) add(createTask(info, TaskState::TASK_STAGING, fid, eid, info_.id), e.info.command);
    }
  }
  return tasks;
}

std::vector<ReregisterSlaveMessage::Executor> Slave::executorsForReregistration() const {
  // ReregisterSlaveMessage.executor_infos: no command executor (the master does not store
  // them) and no TERMINATED one (it holds no resources).
  std::vector<ReregisterSlaveMessage::Executor> executors;
  for (const auto& [fid, f] : frameworks_) {
    for (const auto& [eid, e] : f.executors) {
      if (!e.info.command && e.state != Executor::State::TERMINATED) executors.push_back({fid.str(), eid});
    }
  }
  return executors;
}

}  // namespace agentsim::model
