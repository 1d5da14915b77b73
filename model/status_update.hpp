#pragma once
// StatusUpdate and TaskStatus (src/messages/messages.proto, include/mesos/mesos.proto),
// with the fields the model uses.
#include <cstdint>
#include <optional>
#include <string>

#include "model/task_state.hpp"
#include "sim/time.hpp"

namespace agentsim::model {

struct StatusUpdate {
  std::string framework_id;
  std::string slave_id;
  std::string executor_id;
  std::string task_id;
  TaskState state = TaskState::TASK_STAGING;
  std::string source;   // SOURCE_EXECUTOR, SOURCE_SLAVE, SOURCE_MASTER
  std::string reason;   // e.g. REASON_RECONCILIATION; empty when none
  std::string message;
  std::string uuid;     // empty: no acknowledgement expected
  sim::Time timestamp;
  std::optional<TaskState> latest_state;  // filled by Slave::forward
  bool operator==(const StatusUpdate&) const = default;
};

}  // namespace agentsim::model
