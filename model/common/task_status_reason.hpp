#pragma once
// TaskStatus::Reason (include/mesos/mesos.proto): the reasons the model gives, under
// Mesos's names. A reason Mesos has and no modelled path gives is left out, so a scenario
// cannot expect a reason the model never sends.
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace agentsim::model {

enum class TaskStatusReason {
  REASON_CONTAINER_LAUNCH_FAILED,          // The containerizer failed to launch the container.
  REASON_CONTAINER_LIMITATION_MEMORY,      // The container exceeded its memory limit.
  REASON_CONTAINER_PREEMPTED,              // A QoS correction killed the container.
  REASON_EXECUTOR_REGISTRATION_TIMEOUT,    // The executor did not register in time.
  REASON_EXECUTOR_REREGISTRATION_TIMEOUT,  // The executor did not reregister after an agent restart.
  REASON_EXECUTOR_TERMINATED,              // The executor terminated.
  REASON_INVALID_OFFERS,                   // The master could not launch the task.
  REASON_RECONCILIATION,                   // An answer to reconciliation.
  REASON_SLAVE_REMOVED,                    // The master removed (or lost) the agent.
  REASON_SLAVE_RESTARTED,                  // The agent restarted while the task launched.
  REASON_TASK_KILLED_DURING_LAUNCH,        // The task was killed before it launched.
  REASON_TASK_UNAUTHORIZED,                // The authorizer refused the task.
};

// Every reason's name, in the enum's order.
inline constexpr std::array<std::string_view, 12> kTaskStatusReasonNames{
    "REASON_CONTAINER_LAUNCH_FAILED",
    "REASON_CONTAINER_LIMITATION_MEMORY",
    "REASON_CONTAINER_PREEMPTED",
    "REASON_EXECUTOR_REGISTRATION_TIMEOUT",
    "REASON_EXECUTOR_REREGISTRATION_TIMEOUT",
    "REASON_EXECUTOR_TERMINATED",
    "REASON_INVALID_OFFERS",
    "REASON_RECONCILIATION",
    "REASON_SLAVE_REMOVED",
    "REASON_SLAVE_RESTARTED",
    "REASON_TASK_KILLED_DURING_LAUNCH",
    "REASON_TASK_UNAUTHORIZED",
};

inline std::string_view toString(TaskStatusReason reason) {
  return kTaskStatusReasonNames.at(static_cast<std::size_t>(reason));
}
// "" for none, as a TaskStatus without a reason.
inline std::string_view toString(const std::optional<TaskStatusReason>& reason) {
  return reason ? toString(*reason) : std::string_view();
}
std::optional<TaskStatusReason> parseTaskStatusReason(std::string_view text);

}  // namespace agentsim::model
