#pragma once
// Shrinking (docs/fuzzing.md): a failing case made small enough to read, by delta
// debugging (Zeller's ddmin) over its fault schedule, then its startup orders (each
// agent's back to main.cpp's when the failure survives it, else toward it one adjacent
// swap at a time, stepTowards), its tie permutation, and its
// cluster (fewer agents with their tasks, fewer tasks, fewer ZooKeeper servers), then the
// faults once more. A step is kept only when the candidate still fails with the same
// signature. Deterministic: the same case shrinks to the same reproducer.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "harness/fuzz/case.hpp"
#include "harness/fuzz/judge.hpp"

namespace agentsim::harness::fuzz {

struct Shrunk {
  FuzzCase shrunk;
  Verdict verdict;        // the shrunk case's
  std::uint64_t runs = 0;  // how many candidates were run
};

// Moves `order` toward `target` (the same names, e.g. main.cpp's startup order) one
// adjacent swap at a time: a swap that undoes an inversion against `target` is kept when
// the swapped order is `legal` and still `fails`; passes repeat until none is kept or
// `budget` candidates were tried. Returns the order reached (at worst `order` itself).
using Order = std::vector<std::string>;
Order stepTowards(Order order, const Order& target, const std::function<bool(const Order&)>& legal,
                  const std::function<bool(const Order&)>& fails, std::size_t budget);

Shrunk shrinkCase(const FuzzCase& failing, const std::string& signature, const JudgeOptions& options);

// The reproducer: the shrunk case as a scenario that states its orders and faults, with
// notes on what it shows and how to replay it; a liveness failure also gets expectations
// that `agentsim run` checks (the rule itself is the fuzzer's).
Json reproducer(const Shrunk& s, const JudgeOptions& options, const std::string& replay);

// Whether `agentsim run` (with the bug, if any) fails the document.
bool failsUnderRun(const Json& doc, const std::string& bug);

}  // namespace agentsim::harness::fuzz
