#pragma once
// mesos.proto Task, with the fields the model uses.
#include <optional>
#include <string>

#include "model/common/id.hpp"
#include "model/common/task_state.hpp"
#include "model/common/uuid.hpp"

namespace agentsim::model {

// mesos.proto Task: the agent's and the master's record of a launched task.
struct Task {
  std::string task_id;
  Id framework_id;
  std::string executor_id;
  Id slave_id;
  TaskState state = TaskState::TASK_STAGING;
  std::optional<TaskState> status_update_state;  // of the update being forwarded
  // Here, not last: it fills the hole after the states (184 bytes with the UUID as 24,
  // not 200: an agent's map node of 256 bytes, not 320).
  bool executor_reported = false;  // a status of it came from its executor (Executor::everSentTask)
  Uuid status_update_uuid;
  std::string resources;
  std::string revocable_resources;  // the revocable part of resources (Resource.revocable; empty: none)
};

}  // namespace agentsim::model
