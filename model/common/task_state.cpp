#include "model/common/task_state.hpp"

#include <cstddef>

#include "model/common/enum_names.hpp"

namespace agentsim::model {

std::string_view toString(TaskState state) {
  return kTaskStateNames.at(static_cast<std::size_t>(state));
}

std::optional<TaskState> parseTaskState(std::string_view text) {
  return parseEnum<TaskState>(kTaskStateNames, text);
}

bool isTerminalState(TaskState state) {
  switch (state) {
    case TaskState::TASK_FINISHED:
    case TaskState::TASK_FAILED:
    case TaskState::TASK_KILLED:
    case TaskState::TASK_LOST:
    case TaskState::TASK_ERROR:
    case TaskState::TASK_UNREACHABLE:
    case TaskState::TASK_DROPPED:
    case TaskState::TASK_GONE:
    case TaskState::TASK_GONE_BY_OPERATOR:
      return true;
    case TaskState::TASK_STAGING:
    case TaskState::TASK_STARTING:
    case TaskState::TASK_RUNNING:
    case TaskState::TASK_KILLING:
    case TaskState::TASK_UNKNOWN:
      return false;
  }
  return false;
}

}  // namespace agentsim::model
