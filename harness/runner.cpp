#include "harness/runner.hpp"

#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/world.hpp"

namespace agentsim::harness {

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
                      {{"held", false}, {"evidence", report.stop.message}}, "");
  }
  for (const Expectation& e : scenario.expectations) {
    Outcome o = e.evaluate(memory.records());
    sim::Fields fields{{"expectation", e.summary}, {"held", o.held}, {"evidence", o.evidence}};
    if (!o.evidence_seqs.empty()) fields.push_back({"evidence_seqs", sim::RawJson{fmt::format("[{}]", fmt::join(o.evidence_seqs, ","))}});
    world->sim().emit(sim::RecordKind::Check, nullptr, "", e.kind, std::move(fields), "");
    report.results.push_back(ExpectationResult{e.kind, e.summary, std::move(o)});
  }
  // All are checked before the first verdict is recorded.
  for (InvariantResult& i : checkInvariants(memory.records(), report.end)) {
    world->sim().emit(sim::RecordKind::Check, nullptr, "", i.name,
                      {{"invariant", i.name}, {"held", i.held}, {"evidence", i.evidence}}, "");
    report.invariants.push_back(std::move(i));
  }
  report.records = memory.takeRecords();
  return report;
}

}  // namespace agentsim::harness
