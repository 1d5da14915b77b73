// Master::Task records: where each task stands in the master's /state
// (src/master/http.cpp, `state`: a framework's `tasks` and `completed_tasks`), for the
// harness's state_snapshot. Kept only with MasterEnvironment::task_records, so a run
// that does not read them has the same records as before.
#include <algorithm>

#include <fmt/format.h>

#include "model/master/master.hpp"

namespace agentsim::model {

void Master::recordTask(const std::string& frameworkId, const std::string& taskId, const MasterTask& task) {
  if (!env_.task_records || !tracing(sim::RecordKind::State, machines::kMasterTask.name)) return;
  traceState(machines::kMasterTask, "ACTIVE",
             {{"framework_id", frameworkId},
              {"task_id", taskId},
              {"slave_id", task.slave_id.str()},
              {"task_state", std::string(toString(task.state))}});
}

void Master::taskRemoved(const std::string& frameworkId, const std::string& taskId, const MasterTask& task,
                         std::optional<TaskState> as, bool unreachable) {
  if (!env_.task_records || !tracing(sim::RecordKind::State, machines::kMasterTask.name)) return;
  // Master::updateTask leaves a terminal task's state as it is; Master::removeTask hands
  // the task to its framework's completed tasks ("A framework might not be re-connected
  // yet": a framework recovered from an agent's report is not Frameworks::registered in
  // 1.1, and keeps none).
  const TaskState state = as && !isTerminalState(task.state) ? *as : task.state;
  auto fw = frameworks_.find(frameworkId);
  const bool kept = fw != frameworks_.end() && !fw->second.recovered;
  if (kept && !unreachable) {
    addCompletedTask(frameworkId, taskId, task.slave_id.str(), state);
    return;
  }
  traceState(machines::kMasterTask, kept ? "UNREACHABLE" : "DROPPED",
             {{"framework_id", frameworkId},
              {"task_id", taskId},
              {"slave_id", task.slave_id.str()},
              {"task_state", std::string(toString(state))}});
}

void Master::forgetUnreachableTasks(const std::string& slaveId) {
  // Master::__reregisterSlave ("All tasks from this agent are now reachable so clean them
  // up from the master's unreachable task records"; the ones the agent reported are
  // added again as its tasks) and Master::_doRegistryGc (the pruned agent's tasks leave
  // Framework::unreachableTasks, in no other list).
  const bool records = env_.task_records && tracing(sim::RecordKind::State, machines::kMasterTask.name);
  for (auto& [fid, tasks] : unreachable_tasks_) {
    for (auto it = tasks.begin(); it != tasks.end();) {
      if (it->second.slave_id != slaveId) {
        ++it;
        continue;
      }
      if (records) {
        traceState(machines::kMasterTask, "DROPPED",
                   {{"framework_id", fid},
                    {"task_id", it->first},
                    {"slave_id", slaveId},
                    {"task_state", std::string(toString(it->second.state))}});
      }
      it = tasks.erase(it);
    }
  }
}

void Master::addCompletedTask(const std::string& frameworkId, const std::string& taskId, const std::string& slaveId,
                              TaskState state) {
  // Framework::addCompletedTask: completedTasks is a ring of
  // --max_completed_tasks_per_framework; the task it pushes out (at once with 0) leaves
  // /state.
  traceState(machines::kMasterTask, "COMPLETED",
             {{"framework_id", frameworkId},
              {"task_id", taskId},
              {"slave_id", slaveId},
              {"task_state", std::string(toString(state))}});
  auto& ring = completed_tasks_[frameworkId];
  ring.push_back(taskId);
  if (ring.size() > flags_.max_completed_tasks_per_framework) {
    traceState(machines::kMasterTask, "EVICTED", {{"framework_id", frameworkId}, {"task_id", ring.front()}});
    ring.pop_front();
  }
}

bool Master::isCompletedFramework(const std::string& id) const {
  return std::find(completed_frameworks_.begin(), completed_frameworks_.end(), id) != completed_frameworks_.end();
}

void Master::addCompletedFramework(const std::string& id) {
  // Master::removeFramework: the framework joins frameworks.completed, a ring of
  // --max_completed_frameworks; the one it pushes out (at once with 0) leaves /state
  // with its completed tasks, and may subscribe again under its id.
  completed_frameworks_.push_back(id);
  if (completed_frameworks_.size() <= flags_.max_completed_frameworks) return;
  const std::string evicted = completed_frameworks_.front();
  completed_frameworks_.pop_front();
  traceState(machines::kMasterFramework, "EVICTED", {{"framework_id", evicted}});
  auto ring = completed_tasks_.find(evicted);
  if (ring == completed_tasks_.end()) return;
  for (const std::string& taskId : ring->second) {
    traceState(machines::kMasterTask, "EVICTED", {{"framework_id", evicted}, {"task_id", taskId}});
  }
  completed_tasks_.erase(ring);
}

void Master::addCompletedTasks(const std::vector<Task>& tasks) {
  for (const Task& t : tasks) {
    auto fw = frameworks_.find(t.framework_id);
    if (fw == frameworks_.end() || fw->second.recovered) {
      log(fmt::format("Possibly orphaned completed task {} of framework {} that ran on agent {}", t.task_id,
                      t.framework_id, t.slave_id));
      continue;
    }
    if (!env_.task_records || !tracing(sim::RecordKind::State, machines::kMasterTask.name)) continue;
    addCompletedTask(t.framework_id.str(), t.task_id, t.slave_id.str(), t.state);
  }
}

}  // namespace agentsim::model
