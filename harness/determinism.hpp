#pragma once
// `agentsim run --check-determinism` (as FoundationDB's unseed check): runs a scenario twice
// in one process, the second time with the allocator's addresses disturbed, and compares
// the two traces byte for byte. A model that reads a pointer value, iterates an unordered
// container or keeps state across runs gives different bytes; the report names the first
// record that differs.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "harness/runner.hpp"
#include "harness/scenario.hpp"

namespace agentsim::harness {

struct DeterminismReport {
  std::uint64_t records = 0;  // in the first run's trace
  // The first line (0: the header, then record seq + 1) that differs, and both versions
  // ("" where a run's trace had ended).
  std::optional<std::uint64_t> first_difference;
  std::string first;
  std::string second;
};

DeterminismReport checkDeterminism(const Scenario& scenario, const RunOptions& options);
// The comparison itself: `first` and then `second` run with the sink they are given (the
// allocator disturbed between them).
DeterminismReport compareRuns(const std::function<void(sim::TraceSink&)>& first,
                              const std::function<void(sim::TraceSink&)>& second);

}  // namespace agentsim::harness
