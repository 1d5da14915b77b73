// Slave::Task records: which of its executor's lists each task is in, as the agent's
// /state (src/slave/http.cpp) lists them, for the harness's state_snapshot. Kept only
// with SlaveComponents::task_records, so a run that does not read them has the same
// records as before.
#include "model/slave/slave.hpp"

namespace agentsim::model {

void Slave::recordTask(const std::string& frameworkId, const Executor& executor, const std::string& taskId,
                       std::string_view list, TaskState state) {
  if (!components_.task_records || !tracing(sim::RecordKind::State, machines::kSlaveTask.name)) return;
  traceState(machines::kSlaveTask, list,
             {{"framework_id", frameworkId},
              {"executor_id", executor.info.executor_id},
              {"task_id", taskId},
              {"task_state", std::string(toString(state))}});
}

}  // namespace agentsim::model
