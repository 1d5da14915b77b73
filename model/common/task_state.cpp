#include "model/common/task_state.hpp"

#include <array>
#include <utility>

namespace agentsim::model {

namespace {
constexpr std::array<std::pair<TaskState, std::string_view>, 14> kNames{{
    {TaskState::TASK_STAGING, "TASK_STAGING"},
    {TaskState::TASK_STARTING, "TASK_STARTING"},
    {TaskState::TASK_RUNNING, "TASK_RUNNING"},
    {TaskState::TASK_KILLING, "TASK_KILLING"},
    {TaskState::TASK_FINISHED, "TASK_FINISHED"},
    {TaskState::TASK_FAILED, "TASK_FAILED"},
    {TaskState::TASK_KILLED, "TASK_KILLED"},
    {TaskState::TASK_ERROR, "TASK_ERROR"},
    {TaskState::TASK_LOST, "TASK_LOST"},
    {TaskState::TASK_DROPPED, "TASK_DROPPED"},
    {TaskState::TASK_UNREACHABLE, "TASK_UNREACHABLE"},
    {TaskState::TASK_GONE, "TASK_GONE"},
    {TaskState::TASK_GONE_BY_OPERATOR, "TASK_GONE_BY_OPERATOR"},
    {TaskState::TASK_UNKNOWN, "TASK_UNKNOWN"},
}};
}  // namespace

std::string_view toString(TaskState state) {
  for (const auto& [s, name] : kNames) {
    if (s == state) return name;
  }
  return "TASK_UNKNOWN";
}

std::optional<TaskState> parseTaskState(std::string_view text) {
  for (const auto& [s, name] : kNames) {
    if (name == text) return s;
  }
  return std::nullopt;
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
