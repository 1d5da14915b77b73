#include "harness/runner.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "harness/world.hpp"

namespace agentsim::harness {

namespace {
// A check record's `evidence_seqs`: a JSON array of the seqs its evidence names, in
// trace order, each once.
sim::RawJson seqArray(std::vector<std::uint64_t> seqs) {
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  return sim::RawJson{fmt::format("[{}]", fmt::join(seqs, ","))};
}
}  // namespace

bool RunReport::allHeld() const {
  if (limitExceeded()) return false;
  for (const auto& r : results) {
    if (!r.outcome.held) return false;
  }
  for (const auto& i : invariants) {
    if (!i.held) return false;
  }
  return true;
}

RunReport runScenario(const Scenario& scenario, const RunOptions& options) {
  RunReport report;
  report.seed = options.seed.value_or(scenario.seed);
  sim::MemorySink memory;
  std::optional<World> world;
  try {
    world.emplace(scenario, report.seed, options.limits);
    for (sim::TraceSink* s : options.sinks) world->sim().trace().addSink(s);
    world->sim().trace().addSink(&memory);  // last: it takes each record, no copy
    report.header = world->header();
    world->sim().trace().header(report.header);
    // MERGE(kernel): world->sim().permuteTies(options.permute_ties);
    world->scheduleTimeline();
  } catch (const sim::LimitExceededError& e) {
    // Building the world itself went past a kernel limit.
    report.stop = sim::RunResult{sim::StopReason::LimitExceeded, e.message};
    return report;
  }

  const sim::Duration until = options.until.value_or(scenario.until);
  report.stop = world->sim().runUntil(sim::Time{} + until);
  report.end = world->sim().now();
  report.events = world->sim().eventsRun();
  for (const auto& [site, n] : world->faultSites().reached()) report.fault_sites.emplace_back(site, n);

  if (report.limitExceeded()) {
    world->sim().emit(sim::RecordKind::Check, nullptr, "", "limit",
                      {{"held", false}, {"evidence", report.stop.message}, {"evidence_seqs", seqArray({})}}, "");
  }
  // The time up to which the run observed everything: --until (or the scenario's), or
  // where a limit stopped it.
  const sim::Time observed = report.limitExceeded() ? report.end : sim::Time{} + until;
  for (const Expectation& e : scenario.expectations) {
    Outcome o = e.evaluate(memory.records());
    if (sim::Time{} + e.horizon > observed) {
      // Verdicts never lie: what the run did not see cannot be held.
      o.held = false;
      o.undecided = true;
      o.evidence = fmt::format("UNDECIDED: the run ended at {} before the expectation could be decided (it needs "
                               "--until {} or more); so far: {}",
                               sim::format(observed.sinceStart()), sim::format(e.horizon), o.evidence);
    }
    sim::Fields fields{{"expectation", e.summary}, {"held", o.held}};
    if (o.undecided) fields.push_back({"undecided", true});
    fields.push_back({"evidence", o.evidence});
    fields.push_back({"evidence_seqs", seqArray(o.seqs)});
    world->sim().emit(sim::RecordKind::Check, nullptr, "", e.kind, std::move(fields), "");
    report.results.push_back(ExpectationResult{e.kind, e.summary, std::move(o)});
  }
  // All are checked before the first verdict is recorded.
  for (InvariantResult& i : checkInvariants(memory.records(), report.end)) {
    world->sim().emit(sim::RecordKind::Check, nullptr, "", i.name,
                      {{"invariant", i.name}, {"held", i.held}, {"evidence", i.evidence}, {"evidence_seqs", seqArray(i.seqs)}},
                      "");
    report.invariants.push_back(std::move(i));
  }
  report.records = memory.takeRecords();
  return report;
}

}  // namespace agentsim::harness
