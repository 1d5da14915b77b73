// The command executor's kill and its task's end (src/launcher/executor.cpp,
// CommandExecutor::kill, escalated, reaped, selfTerminate; Mesos 1.1), on the driver
// of exec.cpp. It promises:
//  - the first kill of a launched task sends TASK_KILLING if the framework has the
//    TASK_KILLING_STATE capability, then SIGTERMs the command and arms the escalation
//    to SIGKILL after the grace period; a later kill only shortens the escalation (to
//    its own grace period counted from the first kill, at once if that has passed);
//    a kill of a task already reaped changes nothing;
//  - a command dies at SIGTERM unless its script ignores it (TaskInfo.ignores_sigterm),
//    then at the SIGKILL; the reaper sees it at its next poll (MIN_REAP_INTERVAL) and
//    the executor sends TASK_KILLED ("Command terminated with signal Terminated" or
//    "... Killed");
//  - a command that ends by itself ends as its script says, except that a failure of a
//    killed command is TASK_KILLED;
//  - 1secs after the terminal update the executor terminates itself (MESOS-4111: the
//    v0 adapter never sees an acknowledgement), acknowledged or not.
#include <algorithm>

#include <fmt/format.h>

#include "model/exec/exec.hpp"

namespace agentsim::model {

void ExecutorProcess::commandKill(const std::string& taskId, sim::Duration grace) {
  auto it = tasks_.find(taskId);
  if (it == tasks_.end() || it->second.terminal) return;  // `terminated`
  RunningTask& task = it->second;
  if (task.kill) {
    RunningTask::Kill& kill = *task.kill;
    // The escalation may only come sooner: a retried or longer kill is a no-op.
    if (kill.start + grace > kill.escalation_at) return;
    const sim::Duration elapsed = now() - kill.start;
    const sim::Duration remaining = grace > elapsed ? grace - elapsed : sim::Duration{};
    log(fmt::format("Rescheduling escalation to SIGKILL in {} from now", sim::format(remaining)),
        {{"task_id", taskId}});
    cancel(kill.escalation);
    kill.escalation_at = now() + remaining;
    kill.escalation = delay(remaining, "CommandExecutor::escalated",
                            [this, taskId, grace] { commandEscalated(taskId, grace); });
    return;
  }
  if (task_killing_state_) sendStatusUpdate(taskId, TaskState::TASK_KILLING, "");
  log(fmt::format("Sending SIGTERM to the process tree of task {}; escalation to SIGKILL in {}", taskId,
                  sim::format(grace)),
      {{"task_id", taskId}});
  task.kill = RunningTask::Kill{now(), now() + grace, {}};
  // A negative grace period (a shutdown grace period under 2secs) escalates at once.
  task.kill->escalation = delay(std::max(grace, sim::Duration{}), "CommandExecutor::escalated",
                                [this, taskId, grace] { commandEscalated(taskId, grace); });
  if (!task.info.ignores_sigterm) commandDies(taskId, "Command terminated with signal Terminated");
}

void ExecutorProcess::commandEscalated(const std::string& taskId, sim::Duration grace) {
  auto it = tasks_.find(taskId);
  if (it == tasks_.end() || it->second.terminal || it->second.dead) return;
  log(fmt::format("Task {} did not terminate after {}, sending SIGKILL to its process tree", taskId,
                  sim::format(grace)),
      {{"task_id", taskId}});
  commandDies(taskId, "Command terminated with signal Killed");
}

void ExecutorProcess::commandDies(const std::string& taskId, std::string message) {
  RunningTask& task = tasks_.at(taskId);
  task.dead = true;
  for (sim::TimerId& t : task.steps) cancel(t);
  cancel(task.growth);
  delay(kMinReapInterval, "CommandExecutor::reaped", [this, taskId, message = std::move(message)] {
    commandReaped(taskId, TaskState::TASK_KILLED, message);
  });
}

void ExecutorProcess::commandReaped(const std::string& taskId, TaskState state, std::string message) {
  auto it = tasks_.find(taskId);
  if (it == tasks_.end() || it->second.terminal) return;
  if (it->second.kill) cancel(it->second.kill->escalation);
  // A killed command that exits non-zero was killed (reaped's `else if (killed)`).
  if (it->second.kill && state != TaskState::TASK_FINISHED) state = TaskState::TASK_KILLED;
  sendStatusUpdate(taskId, state, std::move(message));
  delay(sim::Seconds(1), "CommandExecutor::selfTerminate", [this] { exitExecutor("Command executor terminates itself"); });
}

}  // namespace agentsim::model
