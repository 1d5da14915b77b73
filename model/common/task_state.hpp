#pragma once
// TaskState (include/mesos/mesos.proto) and protobuf::isTerminalState
// (src/common/protobuf_utils.cpp).
#include <array>
#include <optional>
#include <string_view>

namespace agentsim::model {

enum class TaskState {
  TASK_STAGING,          // Initial state; set by the agent.
  TASK_STARTING,         // The executor is starting the task.
  TASK_RUNNING,          // The task is running.
  TASK_KILLING,          // The task is being killed (framework capability).
  TASK_FINISHED,         // TERMINAL: the task finished successfully.
  TASK_FAILED,           // TERMINAL: the task failed to finish successfully.
  TASK_KILLED,           // TERMINAL: the task was killed by the executor.
  TASK_ERROR,            // TERMINAL: the task description contains an error.
  TASK_LOST,             // TERMINAL: the task failed but can be rescheduled.
  TASK_DROPPED,          // TERMINAL: the task never started (partition-aware).
  TASK_UNREACHABLE,      // The agent running the task is unreachable (partition-aware).
  TASK_GONE,             // TERMINAL: the task is gone (partition-aware).
  TASK_GONE_BY_OPERATOR, // TERMINAL: the operator says the agent is gone.
  TASK_UNKNOWN,          // The master has no information about the task.
};

// Every TaskState's name, in the enum's order.
inline constexpr std::array<std::string_view, 14> kTaskStateNames{
    "TASK_STAGING", "TASK_STARTING", "TASK_RUNNING",     "TASK_KILLING", "TASK_FINISHED",
    "TASK_FAILED",  "TASK_KILLED",   "TASK_ERROR",       "TASK_LOST",    "TASK_DROPPED",
    "TASK_UNREACHABLE", "TASK_GONE", "TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN",
};

std::string_view toString(TaskState state);
std::optional<TaskState> parseTaskState(std::string_view text);
// As protobuf::isTerminalState in Mesos 1.1, which counts TASK_UNREACHABLE as terminal.
bool isTerminalState(TaskState state);

}  // namespace agentsim::model
