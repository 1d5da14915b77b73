#pragma once
// A state machine whose moves a process records (`state` trace records): the record's
// name and every state it may name. A component declares its machines once; the records
// it emits and every reader that names a machine (scenario expectations, invariants) use
// that one declaration, so a name cannot drift between them.
#include <span>
#include <string_view>

namespace agentsim::sim {

struct StateMachine {
  std::string_view name;
  std::span<const std::string_view> states;

  constexpr bool has(std::string_view state) const {
    for (std::string_view s : states) {
      if (s == state) return true;
    }
    return false;
  }
  // A state of this machine, checked when compiled: a name it does not have does not build.
  consteval std::string_view operator[](std::string_view state) const {
    if (!has(state)) throw "not a state of this machine";
    return state;
  }
};

}  // namespace agentsim::sim
