#pragma once
// An enum of mesos.proto named by a table of its values' names in the enum's order (as
// protobuf's Enum_Name and Enum_Parse): TaskState, TaskStatus::Reason, TaskStatus::Source.
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace agentsim::model {

// The value `text` names in `names`; none if it names none.
template <typename Enum, std::size_t N>
constexpr std::optional<Enum> parseEnum(const std::array<std::string_view, N>& names, std::string_view text) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace agentsim::model
