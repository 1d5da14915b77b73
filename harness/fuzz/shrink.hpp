#pragma once
// Shrinking (docs/fuzzing.md): a failing case made small enough to read, by delta
// debugging (Zeller's ddmin) over its fault schedule, then its startup orders (each
// agent's back to main.cpp's when the failure survives it), its tie permutation, and its
// cluster (fewer agents with their tasks, fewer tasks, fewer ZooKeeper servers), then the
// faults once more. A step is kept only when the candidate still fails with the same
// signature. Deterministic: the same case shrinks to the same reproducer.
#include <cstdint>
#include <string>

#include "harness/fuzz/case.hpp"
#include "harness/fuzz/judge.hpp"

namespace agentsim::harness::fuzz {

struct Shrunk {
  FuzzCase shrunk;
  Verdict verdict;        // the shrunk case's
  std::uint64_t runs = 0;  // how many candidates were run
};

Shrunk shrinkCase(const FuzzCase& failing, const std::string& signature, const JudgeOptions& options);

// The reproducer: the shrunk case as a scenario that states its orders and faults, with
// notes on what it shows and how to replay it; a liveness failure also gets expectations
// that `agentsim run` checks (the rule itself is the fuzzer's).
Json reproducer(const Shrunk& s, const JudgeOptions& options, const std::string& replay);

// Whether `agentsim run` (with the bug, if any) fails the document.
bool failsUnderRun(const Json& doc, const std::string& bug);

}  // namespace agentsim::harness::fuzz
