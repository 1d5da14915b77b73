#pragma once
// Runs one fuzz case and judges it by rules, not by the scenario's seed-tuned
// expectations (docs/fuzzing.md): the invariants every run checks, the run's limits,
// the liveness rule (harness/fuzz/observer.hpp), and the scenario's expectations only
// when asked. An agent that exits with Mesos's own startup error is an outcome, counted,
// not a failure, and so is an agent the liveness rule excuses because Mesos itself leaves
// it unregistered (refused as not authenticated after it authenticated: Liveness::outcomes).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/fuzz/case.hpp"

namespace agentsim::harness::fuzz {

struct Verdict {
  bool failed = false;
  std::string rule;       // the first violated rule: an invariant's name, "limit", "liveness", "expect[i] kind"
  std::string evidence;
  std::string signature;  // scenario, rule and the evidence with its ids and numbers blanked
  std::uint64_t events = 0;  // how many events the run took: the fastest-failing case is kept
  std::vector<std::string> exits;  // outcomes: agents' startup errors, agents Mesos leaves unregistered
  std::map<std::pair<std::string, std::string>, std::uint64_t> coverage;  // (family, phase) -> hits
  std::vector<std::pair<std::string, std::uint64_t>> sites;             // fault sites reached
};

struct JudgeOptions {
  bool expectations = false;
  std::string bug;  // a planted bug to turn on; empty: none
};

// Judges a scenario document (a case's, or a shrinking candidate's). Empty when the
// document does not load (a shrinking step that cut something still named).
std::optional<Verdict> judgeDocument(const Json& doc, bool permuteTies, const JudgeOptions& options);

// Judges a drawn case, by loading its document.
Verdict judgeCase(const FuzzCase& c, const JudgeOptions& options);
// The same verdict, faster: the case's scenario is built from `base`'s bare scenario
// (prepare()) and only the case's timeline is read (a campaign's cases; `c` drawn from `base`).
Verdict judgeCase(const Base& base, const FuzzCase& c, const JudgeOptions& options);

// Blanks what varies between equal failures: every word with a digit in it.
std::string normalizedEvidence(const std::string& evidence);

}  // namespace agentsim::harness::fuzz
