#pragma once
// Runs a scenario: builds the world, runs it to `until` with every expectation and
// every invariant (harness/invariants.hpp) observing the records they subscribed to as
// they are emitted, and records each verdict as a `check` record. Only the records a
// caller asks to keep (RunOptions::keep) stay in memory.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/invariants.hpp"
#include "harness/scenario.hpp"
#include "sim/simulation.hpp"

namespace agentsim::harness {

struct RunOptions {
  std::optional<std::uint64_t> seed;
  std::optional<sim::Duration> until;
  sim::Limits limits;
  std::vector<sim::TraceSink*> sinks;  // besides the checks and the in-memory one, added after them
  // The records RunReport::records keeps: every one by default; an empty Interest keeps
  // none (the checks need none), so memory does not grow with the run.
  sim::Interest keep = sim::Interest::everything();
  // A planted bug to turn on (model/common/planted_bug.hpp), by name; empty: none. An
  // unknown name throws std::invalid_argument (the CLI checks names first).
  std::string bug;
  // Permute events of equal time with the kernel's seeded stream (sim::Simulation::permuteTies).
  bool permute_ties = false;
  // Whether the world is freed when the run returns. `agentsim run` exits right after
  // and leaves it to the process's end: taking apart a 100,000-agent world object by
  // object cost about a second of CPU.
  bool free_world = true;
};

struct ExpectationResult {
  std::string kind;
  std::string summary;
  Outcome outcome;
};

struct RunReport {
  std::uint64_t seed = 0;
  sim::Time end;
  sim::RunResult stop;
  std::uint64_t events = 0;
  sim::Fields header;  // the trace's header; empty when no record is kept and no sink of RunOptions listens
  std::vector<sim::Record> records;  // those RunOptions::keep names, in trace order
  std::vector<ExpectationResult> results;
  std::vector<InvariantResult> invariants;  // every run checks them all
  // The model's fault sites (sim/fault_site.hpp) the run reached, by name, and how often.
  std::vector<std::pair<std::string, std::uint64_t>> fault_sites;

  bool limitExceeded() const { return stop.reason == sim::StopReason::LimitExceeded; }
  // No limit hit, every expectation and every invariant held.
  bool allHeld() const;
};

RunReport runScenario(const Scenario& scenario, const RunOptions& options = {});

}  // namespace agentsim::harness
