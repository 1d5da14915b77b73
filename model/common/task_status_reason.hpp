#pragma once
// TaskStatus::Reason (include/mesos/mesos.proto): every reason of Mesos 1.1 (and later
// Mesos's REASON_SLAVE_REREGISTERED) under
// Mesos's names, so a scenario can name any of them (a reason the model never gives can
// still be expected 0 times). docs/model.md says which reasons the model gives.
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include "model/common/enum_names.hpp"

namespace agentsim::model {

enum class TaskStatusReason {
  REASON_COMMAND_EXECUTOR_FAILED,          // The command executor failed.
  REASON_CONTAINER_LAUNCH_FAILED,          // The containerizer failed to launch the container.
  REASON_CONTAINER_LIMITATION,             // The container hit a resource limit.
  REASON_CONTAINER_LIMITATION_DISK,        // The container exceeded its disk quota.
  REASON_CONTAINER_LIMITATION_MEMORY,      // The container exceeded its memory limit.
  REASON_CONTAINER_PREEMPTED,              // A QoS correction killed the container.
  REASON_CONTAINER_UPDATE_FAILED,          // The containerizer failed to update the container's resources.
  REASON_EXECUTOR_REGISTRATION_TIMEOUT,    // The executor did not register in time.
  REASON_EXECUTOR_REREGISTRATION_TIMEOUT,  // The executor did not reregister after an agent restart.
  REASON_EXECUTOR_TERMINATED,              // The executor terminated.
  REASON_EXECUTOR_UNREGISTERED,            // The executor was not registered.
  REASON_FRAMEWORK_REMOVED,                // The master removed the framework.
  REASON_GC_ERROR,                         // The agent could not garbage-collect.
  REASON_INVALID_FRAMEWORKID,              // The task's framework id is invalid.
  REASON_INVALID_OFFERS,                   // The master could not launch the task.
  REASON_MASTER_DISCONNECTED,              // The scheduler driver lost the master.
  REASON_RECONCILIATION,                   // An answer to reconciliation.
  REASON_RESOURCES_UNKNOWN,                // The task asked for unknown resources.
  REASON_SLAVE_DISCONNECTED,               // The agent's connection to the master broke (Master::exited).
  REASON_SLAVE_REMOVED,                    // The master removed (or lost) the agent.
  REASON_SLAVE_REREGISTERED,               // An unreachable or unknown agent reregistered (later Mesos, see docs/model.md).
  REASON_SLAVE_RESTARTED,                  // The agent restarted while the task launched.
  REASON_SLAVE_UNKNOWN,                    // The task names an agent the master does not know.
  REASON_TASK_GROUP_INVALID,               // The task group is invalid.
  REASON_TASK_GROUP_UNAUTHORIZED,          // The authorizer refused the task group.
  REASON_TASK_INVALID,                     // The task is invalid.
  REASON_TASK_KILLED_DURING_LAUNCH,        // The task was killed before it launched (later Mesos's name, see docs/model.md).
  REASON_TASK_UNAUTHORIZED,                // The authorizer refused the task.
  REASON_TASK_UNKNOWN,                     // The task is unknown to the agent or the master.
};

// Every reason's name, in the enum's order.
inline constexpr std::array<std::string_view, 29> kTaskStatusReasonNames{
    "REASON_COMMAND_EXECUTOR_FAILED",
    "REASON_CONTAINER_LAUNCH_FAILED",
    "REASON_CONTAINER_LIMITATION",
    "REASON_CONTAINER_LIMITATION_DISK",
    "REASON_CONTAINER_LIMITATION_MEMORY",
    "REASON_CONTAINER_PREEMPTED",
    "REASON_CONTAINER_UPDATE_FAILED",
    "REASON_EXECUTOR_REGISTRATION_TIMEOUT",
    "REASON_EXECUTOR_REREGISTRATION_TIMEOUT",
    "REASON_EXECUTOR_TERMINATED",
    "REASON_EXECUTOR_UNREGISTERED",
    "REASON_FRAMEWORK_REMOVED",
    "REASON_GC_ERROR",
    "REASON_INVALID_FRAMEWORKID",
    "REASON_INVALID_OFFERS",
    "REASON_MASTER_DISCONNECTED",
    "REASON_RECONCILIATION",
    "REASON_RESOURCES_UNKNOWN",
    "REASON_SLAVE_DISCONNECTED",
    "REASON_SLAVE_REMOVED",
    "REASON_SLAVE_REREGISTERED",
    "REASON_SLAVE_RESTARTED",
    "REASON_SLAVE_UNKNOWN",
    "REASON_TASK_GROUP_INVALID",
    "REASON_TASK_GROUP_UNAUTHORIZED",
    "REASON_TASK_INVALID",
    "REASON_TASK_KILLED_DURING_LAUNCH",
    "REASON_TASK_UNAUTHORIZED",
    "REASON_TASK_UNKNOWN",
};

inline std::string_view toString(TaskStatusReason reason) {
  return kTaskStatusReasonNames.at(static_cast<std::size_t>(reason));
}
// "" for none, as a TaskStatus without a reason.
inline std::string_view toString(const std::optional<TaskStatusReason>& reason) {
  return reason ? toString(*reason) : std::string_view();
}
inline std::optional<TaskStatusReason> parseTaskStatusReason(std::string_view text) {
  return parseEnum<TaskStatusReason>(kTaskStatusReasonNames, text);
}

}  // namespace agentsim::model
