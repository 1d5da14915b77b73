#pragma once
// The two extensible tables of the scenario format: timeline actions and expectation
// kinds. A later slice adds a kind by adding a row; the loader and runner do not change.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/reader.hpp"
#include "harness/scenario.hpp"

namespace agentsim::harness {

// What a row's parser may check references against.
struct ParseContext {
  const Reader& reader;
  const Scenario& scenario;  // cluster already loaded
  std::string label;         // "timeline[3]" or "expect[0]"
};

struct ActionKind {
  std::string_view name;
  std::string_view help;
  // Parses the action's argument (at `pointer`) into an entry's summary and apply.
  std::function<void(const ParseContext&, const std::string& pointer, TimelineEntry& out)> parse;
};

struct ExpectationKind {
  std::string_view name;
  std::string_view help;
  std::function<void(const ParseContext&, const std::string& pointer, Expectation& out)> parse;
};

const std::vector<ActionKind>& actionKinds();
const std::vector<ExpectationKind>& expectationKinds();

}  // namespace agentsim::harness
