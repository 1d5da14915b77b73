#include "model/exec/exec.hpp"

#include <fmt/format.h>

#include "sim/simulation.hpp"

namespace agentsim::model {

ExecutorProcess::ExecutorProcess(ExecutorEnvironment env)
    : sim::Process(sim::ProcessName::generated("executor")), env_(std::move(env)) {}

UuidBytes ExecutorProcess::uuid() {
  // id::UUID::random(), from this executor's own stream: its 16 bytes (randomUuid's
  // draws), printed only where a record shows them.
  return randomUuidBytes(rng());
}

void ExecutorProcess::initialize() {
  install(&ExecutorProcess::registered, "ExecutorProcess::registered");
  install(&ExecutorProcess::reregistered, "ExecutorProcess::reregistered");
  install(&ExecutorProcess::reconnect, "ExecutorProcess::reconnect");
  install(&ExecutorProcess::runTask, "ExecutorProcess::runTask");
  install(&ExecutorProcess::killTask, "ExecutorProcess::killTask");
  install(&ExecutorProcess::acknowledged, "ExecutorProcess::statusUpdateAcknowledgement");
  install(&ExecutorProcess::shutdown, "ExecutorProcess::shutdown");
  install(&ExecutorProcess::frameworkMessage, "ExecutorProcess::frameworkMessage");
  if (tracing()) {
    log(fmt::format("{} executor {} of framework {} started in container {}",
                    env_.info.command ? "Command" : "Custom", env_.info.executor_id, env_.framework_id,
                    env_.container_id),
        {{"executor_id", env_.info.executor_id}, {"container", env_.container_id}});
  }
  link(env_.slave);
  RegisterExecutorMessage message;
  message.framework_id = env_.framework_id;
  message.executor_id = env_.info.executor_id;
  send(env_.slave, std::move(message));
}

bool ExecutorProcess::ignoredAborted(std::string_view what) {
  // Every handler of the driver ignores its message once the driver is aborted
  // (ExecutorProcess's `aborted`, set by shutdown and by an agent exit it does not wait out).
  if (!aborted_) return false;
  log(fmt::format("Ignoring {} because the driver is aborted!", what));
  return true;
}

void ExecutorProcess::registered(const sim::Upid& from, const ExecutorRegisteredMessage& message) {
  if (ignoredAborted("registered message")) return;
  if (tracing()) log(fmt::format("Executor registered on agent {}", from.str()));
  connected_ = true;
  task_killing_state_ = message.framework.task_killing_state;
  if (env_.info.exit_after) {
    delay(*env_.info.exit_after, "ExecutorProcess::exit", [this] { exitExecutor("The executor's script exits"); });
  }
}

void ExecutorProcess::reregistered(const sim::Upid& from, const ExecutorReregisteredMessage& /*message*/) {
  if (ignoredAborted("re-registered message")) return;
  log(fmt::format("Executor re-registered on agent {}", from.str()));
  connected_ = true;
  cancel(recovery_timer_);
}

void ExecutorProcess::reconnect(const sim::Upid& from, const ReconnectExecutorMessage& /*message*/) {
  if (ignoredAborted("reconnect message")) return;
  log(fmt::format("Received reconnect request from agent {}", from.str()));
  env_.slave = from;
  link(from);  // re-linked since 1.1.2 (MESOS-7057)
  ReregisterExecutorMessage message;
  message.framework_id = env_.framework_id;
  message.executor_id = env_.info.executor_id;
  // The driver's unacknowledged tasks (no update of theirs acknowledged yet) and updates.
  for (const auto& [id, task] : tasks_) {
    if (!task.acknowledged && task.unacknowledged_info) message.tasks.push_back(*task.unacknowledged_info);
  }
  for (const Unacknowledged& u : unacknowledged_) message.updates.push_back(update(u));  // oldest first
  send(from, message);
}

void ExecutorProcess::runTask(const sim::Upid& /*from*/, RunTaskMessage& message) {
  if (ignoredAborted("run task message")) return;
  if (!connected_) {
    // Later Mesos's driver (SlaveTest.DisconnectedExecutorDropsMessages).
    log(fmt::format("Ignoring run task message for task {} because the driver is disconnected!", message.task.task_id));
    return;
  }
  const TaskInfo& info = message.task;
  if (tasks_.count(info.task_id) != 0) {
    log(fmt::format("Ignoring a second launch of task {}", info.task_id));
    return;
  }
  if (tracing()) log(fmt::format("Starting task {}", info.task_id), {{"task_id", info.task_id}});
  const auto entry = tasks_.try_emplace(info.task_id).first;
  RunningTask& task = entry->second;
  task.info = {info.sandbox_growth_bytes_per_minute, info.kill_policy_grace_period, info.ignores_sigterm};
  if (info.sandbox_growth_bytes_per_minute > 0 && !env_.executors_dir.empty()) {
    // The task writes to its sandbox as it runs (agentsim's script).
    const std::string taskId = info.task_id;
    task.growth = delay(sim::Minutes(1), "ExecutorProcess::sandboxGrowth", [this, taskId] { grow(taskId); });
  }
  // A step's update, at its time.
  auto step = [](ExecutorProcess& self, const std::string& target, TaskState state) {
    // The command's own end reaches the command executor through its reaper.
    // A killed command sends nothing more until then.
    if (self.env_.info.command && self.tasks_.count(target) != 0) {
      if (isTerminalState(state)) return self.commandReaped(target, state, "");
      if (self.tasks_.at(target).kill) return;
    }
    self.sendStatusUpdate(target, state, "");
  };
  // Its own task's steps name it by the key of tasks_, which lives as long as this
  // process (no task is ever erased), so the timer's closure fits the event inline.
  const std::string* own = &entry->first;
  task.steps.reserve(info.steps.size());
  for (const TaskUpdateStep& s : info.steps) {
    const TaskState state = s.state;
    if (s.task_id.empty() || s.task_id == info.task_id) {
      task.steps.push_back(delay(s.after, "ExecutorProcess::sendStatusUpdate",
                                 [this, own, state, step] { step(*this, *own, state); }));
    } else {
      task.steps.push_back(delay(s.after, "ExecutorProcess::sendStatusUpdate",
                                 [this, target = s.task_id, state, step] { step(*this, target, state); }));
    }
  }
  // The driver's copy (`tasks[task.task_id()] = task`), taken from the delivered message:
  // nothing reads the message after this handler.
  task.unacknowledged_info = std::make_unique<TaskInfo>(std::move(message.task));
}

void ExecutorProcess::grow(const std::string& taskId) {
  auto it = tasks_.find(taskId);
  if (it == tasks_.end() || it->second.terminal) return;
  host().disk().grow(env_.sandbox() + "/stdout", it->second.info.sandbox_growth_bytes_per_minute);
  it->second.growth = delay(sim::Minutes(1), "ExecutorProcess::sandboxGrowth", [this, taskId] { grow(taskId); });
}

void ExecutorProcess::sendStatusUpdate(const std::string& taskId, TaskState state, std::string text) {
  auto it = tasks_.find(taskId);
  if (it != tasks_.end()) {
    // The command executor sends nothing after its task's terminal update; a custom
    // (test) executor sends whatever its script says (C05).
    if (it->second.terminal && env_.info.command) return;
    if (isTerminalState(state)) {
      it->second.terminal = true;
      if (env_.info.command) {
        for (sim::TimerId& t : it->second.steps) cancel(t);
      }
    }
  }
  Unacknowledged& sent = unacknowledged_.emplace_back();  // a fresh UUID: never already there
  sent.task_id = taskId;
  sent.state = state;
  if (!text.empty()) sent.message = std::move(text);
  sent.uuid = uuid();
  sent.timestamp = now();
  StatusUpdateMessage message;
  message.update = update(sent);
  message.pid = self();
  send(env_.slave, std::move(message));
}

StatusUpdate ExecutorProcess::update(const Unacknowledged& u) const {
  StatusUpdate out;
  out.framework_id = env_.framework_id;
  out.slave_id = env_.slave_id;
  out.executor_id = env_.info.executor_id;
  out.task_id = u.task_id;
  out.state = u.state;
  out.source = TaskStatusSource::SOURCE_EXECUTOR;
  if (u.message) out.message = *u.message;
  out.uuid = Uuid(u.uuid);
  out.timestamp = u.timestamp;
  return out;
}

void ExecutorProcess::acknowledged(const sim::Upid& /*from*/, const StatusUpdateAcknowledgementMessage& message) {
  if (ignoredAborted("status update acknowledgement")) return;
  if (!connected_) {
    log(fmt::format("Ignoring status update acknowledgement {} for task {} because the driver is disconnected!",
                    message.uuid, message.task_id));
    return;
  }
  // A text that is no UUID's matches none of them (each was made by uuid()).
  const UuidBytes* acked = message.uuid.bytes();
  const auto erased =
      acked ? std::erase_if(unacknowledged_, [&acked](const Unacknowledged& u) { return u.uuid == *acked; })
            : std::size_t{0};
  if (unacknowledged_.empty()) unacknowledged_.shrink_to_fit();
  if (auto it = tasks_.find(message.task_id); erased != 0 && it != tasks_.end()) {
    // The driver forgets the TaskInfo: only what the command executor reads of it stays
    // (the kill grace period, whether it ignores SIGTERM, its sandbox growth).
    it->second.acknowledged = true;
    it->second.unacknowledged_info.reset();
  }
}

void ExecutorProcess::killTask(const sim::Upid& /*from*/, const KillTaskMessage& message) {
  if (ignoredAborted("kill task message")) return;
  if (!env_.info.command) {
    log(fmt::format("Received kill for task {}", message.task_id), {{"task_id", message.task_id}});
    sendStatusUpdate(message.task_id, TaskState::TASK_KILLED, "Command terminated with signal Terminated");
    return;
  }
  // CommandExecutor::kill(taskId, override): the kill's KillPolicy (none from a v0
  // scheduler), else the task's, else 3secs (kept for backwards compatibility in 1.1).
  auto it = tasks_.find(message.task_id);
  if (it == tasks_.end()) {
    log(fmt::format("Ignoring kill for task {}: this command executor did not launch it", message.task_id));
    return;
  }
  const sim::Duration grace = it->second.info.kill_policy_grace_period.value_or(sim::Seconds(3));
  log(fmt::format("Received kill for task {} with grace period of {}", message.task_id, sim::format(grace)),
      {{"task_id", message.task_id}});
  commandKill(message.task_id, grace);
}

void ExecutorProcess::shutdown(const sim::Upid& /*from*/, const ShutdownExecutorMessage& /*message*/) {
  if (ignoredAborted("shutdown message")) return;
  driverShutdown("Executor asked to shutdown");
}

void ExecutorProcess::frameworkMessage(const sim::Upid& /*from*/, const FrameworkToExecutorMessage& message) {
  // ExecutorProcess::frameworkMessage: only an aborted driver ignores it.
  if (ignoredAborted("framework message")) return;
  // Executor::frameworkMessage(driver, data): what the executor's code sees.
  traceState(machines::kExecutorFrameworkMessage, "RECEIVED",
             {{"framework_id", env_.framework_id}, {"executor_id", env_.info.executor_id}, {"data", message.data}});
}

void ExecutorProcess::sendFrameworkMessage(const std::string& data) {
  // MesosExecutorDriver::sendFrameworkMessage dispatches while the driver's status is
  // DRIVER_RUNNING, which a shutdown does not change (only `aborted` is set).
  ExecutorToFrameworkMessage message;
  message.slave_id = env_.slave_id;
  message.framework_id = env_.framework_id;
  message.executor_id = env_.info.executor_id;
  message.data = data;
  send(env_.slave, std::move(message));
}

void ExecutorProcess::driverShutdown(const std::string& why) {
  // ExecutorProcess::shutdown (and exited, when it does not wait for the agent): the
  // executor's shutdown(), then `aborted`: the driver takes no message after it.
  aborted_ = true;
  connected_ = false;
  cancel(recovery_timer_);
  // A custom executor's script stops here; a command runs on until the command
  // executor's kill ends it.
  for (auto& [id, task] : tasks_) {
    if (!env_.info.command) {
      for (sim::TimerId& t : task.steps) cancel(t);
    }
  }
  if (env_.info.ignore_shutdown) {
    // A test executor whose shutdown() does nothing; it runs in the test's process
    // (MESOS_LOCAL), so no ShutdownProcess kills it: the agent has to.
    log(why + "; this executor's script ignores it");
    return;
  }
  log(fmt::format("{}; shutting down within the grace period of {}", why, sim::format(env_.shutdown_grace_period)));
  if (!env_.info.command) {
    // A custom (test) executor: its tasks are killed and it exits at once.
    for (auto& [id, task] : tasks_) {
      if (!task.terminal) sendStatusUpdate(id, TaskState::TASK_KILLED, "Executor shut down");
    }
    exitExecutor(why);
    return;
  }
  // The driver's ShutdownProcess kills the process group after the grace period.
  delay(env_.shutdown_grace_period, "ShutdownProcess::kill",
        [this] { exitExecutor("Committing suicide by killing the process group"); });
  // CommandExecutor::shutdown kills its task with the grace period less
  // MAX_REAP_INTERVAL (1secs) and 1secs, so that TASK_KILLED goes out before the
  // ShutdownProcess fires. An executor never sent a task waits for the ShutdownProcess.
  std::vector<std::string> live;
  for (const auto& [id, task] : tasks_) {
    if (!task.terminal) live.push_back(id);
  }
  for (const std::string& id : live) commandKill(id, env_.shutdown_grace_period - sim::Seconds(2));
}

void ExecutorProcess::exited(const sim::Upid& pid) {
  if (!(pid == env_.slave)) return;
  if (ignoredAborted("exited event")) return;
  if (!env_.checkpoint || !connected_) {
    // Without checkpointing, or not (re)registered with the agent that went away, the
    // driver shuts the executor down (its ShutdownProcess ends it after the grace period).
    driverShutdown(fmt::format("Agent {} exited ... shutting down", pid.str()));
    return;
  }
  connected_ = false;
  log(fmt::format("Agent exited, but framework has checkpointing enabled. Waiting {} to reconnect with agent",
                  sim::format(env_.recovery_timeout)));
  cancel(recovery_timer_);
  // ExecutorProcess::_recoveryTimeout shuts the executor down as a ShutdownExecutorMessage
  // does (the command executor kills its task and terminates itself after TASK_KILLED).
  recovery_timer_ = delay(env_.recovery_timeout, "ExecutorProcess::_recoveryTimeout", [this] {
    if (!connected_) {
      driverShutdown(fmt::format("Recovery timeout of {} exceeded; Shutting down", sim::format(env_.recovery_timeout)));
    }
  });
}

void ExecutorProcess::exitExecutor(const std::string& why) {
  if (tracing()) {
    log(why, {{"executor_id", env_.info.executor_id}});
    traceState(machines::kExecutor, "EXITED", {{"executor_id", env_.info.executor_id}, {"container", env_.container_id}});
  }
  sim().terminate(*this);
}

}  // namespace agentsim::model
