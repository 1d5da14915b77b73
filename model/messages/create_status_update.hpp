#pragma once
// protobuf::createStatusUpdate (src/common/protobuf_utils.cpp): the one way the agent and
// the master make a status update of their own (the agent's Slave::createStatusUpdate,
// SOURCE_SLAVE with a UUID; the master's, SOURCE_MASTER with none).
#include <optional>
#include <string>
#include <utility>

#include "model/messages/status_update.hpp"

namespace agentsim::model {

// An update of `taskId`'s `state`; `uuid` empty: none (no acknowledgement expected).
inline StatusUpdate createStatusUpdate(Id frameworkId, Id slaveId, std::string executorId, std::string taskId,
                                       TaskState state, TaskStatusSource source, Uuid uuid,
                                       std::string message, std::optional<TaskStatusReason> reason,
                                       sim::Time timestamp) {
  StatusUpdate u;
  u.framework_id = std::move(frameworkId);
  u.slave_id = std::move(slaveId);
  u.executor_id = std::move(executorId);
  u.task_id = std::move(taskId);
  u.state = state;
  u.source = source;
  u.reason = reason;
  u.message = std::move(message);
  u.uuid = std::move(uuid);
  u.timestamp = timestamp;
  return u;
}

}  // namespace agentsim::model
