#include "harness/runner.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>  // lookup only: ChecksSink::wanted_

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

// Hands each record, as it is emitted, to the checks that subscribed to it.
class ChecksSink final : public sim::TraceSink {
 public:
  ChecksSink(const Scenario& scenario) {
    for (const Expectation& e : scenario.expectations) {
      expectations_.push_back(e.check());
      add(e.interest, [c = expectations_.back().get()](const sim::Record& r) { c->observe(r); });
    }
    for (const Invariant& i : harness::invariants()) {
      invariants_.push_back(i.check());
      add(i.interest, [c = invariants_.back().get()](const sim::Record& r) { c->observe(r); });
    }
  }
  sim::Interest interest() const override { return interest_; }
  void header(const sim::Fields&) override {}
  void record(const sim::Record& r) override {
    if (closed_) return;
    for (const std::uint32_t i : listenersOf(r.kind, r.name)) listeners_[i].observe(r);
  }
  // The run is over: no later record (the verdicts) reaches a check.
  void close() { closed_ = true; }
  std::vector<std::unique_ptr<ExpectationCheck>>& expectations() { return expectations_; }
  std::vector<std::unique_ptr<InvariantCheck>>& invariantChecks() { return invariants_; }

 private:
  struct Listener {
    sim::Interest interest;
    std::function<void(const sim::Record&)> observe;
  };
  void add(const sim::Interest& interest, std::function<void(const sim::Record&)> observe) {
    interest_.merge(interest);
    listeners_.push_back(Listener{interest, std::move(observe)});
  }
  // The listeners that want records of this kind and name, in the order they were added:
  // each check's interest is asked once per kind and name (a run's records have a few
  // dozen names), not once per record.
  const std::vector<std::uint32_t>& listenersOf(sim::RecordKind kind, const std::string& name) {
    auto& known = wanted_[static_cast<std::size_t>(kind)];
    const auto it = known.find(name);
    if (it != known.end()) return it->second;
    std::vector<std::uint32_t> which;
    for (std::uint32_t i = 0; i < listeners_.size(); ++i) {
      if (listeners_[i].interest.wants(kind, name)) which.push_back(i);
    }
    return known.emplace(name, std::move(which)).first->second;
  }
  std::vector<std::unique_ptr<ExpectationCheck>> expectations_;
  std::vector<std::unique_ptr<InvariantCheck>> invariants_;
  std::vector<Listener> listeners_;
  // kind -> record name -> listenersOf's answer; looked up only, never iterated.
  std::array<std::unordered_map<std::string, std::vector<std::uint32_t>>, sim::kRecordKinds> wanted_;
  sim::Interest interest_;
  bool closed_ = false;
};
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
  ChecksSink checks(scenario);
  sim::MemorySink memory(options.keep);
  // A world not freed stays in a list that is never destroyed and stays reachable, so a
  // leak checker (the ASan build's) sees it held, not lost.
  static auto* const unfreed = new std::deque<std::optional<World>>();
  std::optional<World> kept;
  std::optional<World>& world = options.free_world ? kept : unfreed->emplace_back();
  try {
    const model::PlantedBugSpec* bug = nullptr;
    if (!options.bug.empty()) {
      bug = model::findPlantedBug(options.bug);
      if (bug == nullptr) throw std::invalid_argument("unknown planted bug '" + options.bug + "'");
    }
    world.emplace(scenario, report.seed, options.limits, bug);
    for (sim::TraceSink* s : options.sinks) world->sim().trace().addSink(s);
    world->sim().trace().addSink(&checks);
    // Last: it takes each record, no copy.
    if (!options.keep.empty()) world->sim().trace().addSink(&memory);
    // The header (every host's flags) is built only when something shows it.
    if (!options.keep.empty() || !options.sinks.empty()) {
      report.header = world->header();
      world->sim().trace().header(report.header);
    }
    // Events of equal time in a seeded order (the fuzzer asks; DESIGN.md).
    if (options.permute_ties) world->sim().permuteTies(true);
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
  checks.close();
  // The time up to which the run observed everything: --until (or the scenario's), or
  // where a limit stopped it.
  const sim::Time observed = report.limitExceeded() ? report.end : sim::Time{} + until;
  for (std::size_t n = 0; n < scenario.expectations.size(); ++n) {
    const Expectation& e = scenario.expectations[n];
    Outcome o = checks.expectations()[n]->finish(report.end);
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
  std::vector<InvariantResult> verdicts;
  for (auto& c : checks.invariantChecks()) verdicts.push_back(c->finish(report.end));
  for (InvariantResult& i : verdicts) {
    world->sim().emit(sim::RecordKind::Check, nullptr, "", i.name,
                      {{"invariant", i.name}, {"held", i.held}, {"evidence", i.evidence}, {"evidence_seqs", seqArray(i.seqs)}},
                      "");
    report.invariants.push_back(std::move(i));
  }
  // Last: a trace file ends with its `end` record, so a reader tells it from one cut short.
  world->sim().trace().end(report.end);
  report.records = memory.takeRecords();
  return report;
}

}  // namespace agentsim::harness
