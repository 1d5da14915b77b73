#include "model/common/task_status_reason.hpp"

#include <cstddef>

namespace agentsim::model {

std::optional<TaskStatusReason> parseTaskStatusReason(std::string_view text) {
  for (std::size_t i = 0; i < kTaskStatusReasonNames.size(); ++i) {
    if (kTaskStatusReasonNames[i] == text) return static_cast<TaskStatusReason>(i);
  }
  return std::nullopt;
}

}  // namespace agentsim::model
