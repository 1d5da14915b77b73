#pragma once
// TaskStatus::Source (include/mesos/mesos.proto): who generated a status update, under
// Mesos's names and in its order. The executor sends its own tasks' updates; the agent
// generates updates for tasks it fails, kills or loses (Slave::sendExecutorTerminated-
// StatusUpdate, protobuf::createStatusUpdate); the master for tasks it knows the fate of
// (a removed agent, a reconciliation answer).
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include "model/common/enum_names.hpp"

namespace agentsim::model {

enum class TaskStatusSource {
  SOURCE_MASTER,    // The master generated it.
  SOURCE_SLAVE,     // The agent generated it.
  SOURCE_EXECUTOR,  // The task's executor sent it.
};

// Every source's name, in the enum's order.
inline constexpr std::array<std::string_view, 3> kTaskStatusSourceNames{
    "SOURCE_MASTER",
    "SOURCE_SLAVE",
    "SOURCE_EXECUTOR",
};

inline std::string_view toString(TaskStatusSource source) {
  return kTaskStatusSourceNames.at(static_cast<std::size_t>(source));
}
inline std::optional<TaskStatusSource> parseTaskStatusSource(std::string_view text) {
  return parseEnum<TaskStatusSource>(kTaskStatusSourceNames, text);
}

}  // namespace agentsim::model
