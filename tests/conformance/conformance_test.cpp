// Runs every conformance case (tests/conformance/CNN-*.json), every ported Mesos test
// (tests/conformance/<Suite>Test.<Name>.json, named after the Mesos test it ports) and
// every story scenario (scenarios/*.json) through the harness, as `agentsim run` does, and requires every
// expectation to hold. A scenario is a test: its expectations are written so that they
// fail without the behaviour the case describes.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "harness/runner.hpp"
#include "harness/scenario.hpp"
#include "sim/trace.hpp"

namespace fs = std::filesystem;
using namespace agentsim;

namespace {

std::vector<fs::path> jsonFiles(const fs::path& dir, const std::string& prefix = {}) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() != ".json" || name == "schema.json") continue;
    if (!prefix.empty() && name.rfind(prefix, 0) != 0) continue;
    out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void runAll(const std::vector<fs::path>& files) {
  for (const fs::path& f : files) {
    CAPTURE(f.string());
    auto loaded = harness::loadScenarioFile(f.string());
    if (auto* err = std::get_if<harness::LoadError>(&loaded)) FAIL(err->format());
    const harness::Scenario& s = std::get<harness::Scenario>(loaded);
    const harness::RunReport report = harness::runScenario(s);
    CHECK_FALSE(report.limitExceeded());
    for (const auto& r : report.results) {
      CAPTURE(r.summary);
      CAPTURE(r.outcome.evidence);
      CHECK(r.outcome.held);
    }
    CHECK_FALSE(report.results.empty());
    // Every run keeps the status update invariants too (harness/invariants.hpp).
    CHECK(report.invariants.size() == harness::invariants().size());
    for (const auto& i : report.invariants) {
      CAPTURE(i.name);
      CAPTURE(i.evidence);
      CHECK(i.held);
    }
  }
}

// Runs every scenario of `dir` on seeds first..last and hands each report to `check`.
template <class Check>
void runOnSeeds(const char* dir, std::uint64_t first, std::uint64_t last, Check check) {
  for (const fs::path& f : jsonFiles(dir)) {
    auto loaded = harness::loadScenarioFile(f.string());
    if (auto* err = std::get_if<harness::LoadError>(&loaded)) FAIL(err->format());
    const harness::Scenario& s = std::get<harness::Scenario>(loaded);
    for (std::uint64_t seed = first; seed <= last; ++seed) {
      harness::RunOptions options;
      options.seed = seed;
      CAPTURE(f.string());
      CAPTURE(seed);
      check(harness::runScenario(s, options));
    }
  }
}

// The story scenarios state rules, not one seed's timings (issue 17): every expectation
// and invariant holds on seeds 1 to 100, not only on the pinned seed. Conformance cases
// keep their pinned seeds where the Mesos test pins the timing.
void storiesHoldOnSeeds(std::uint64_t first, std::uint64_t last) {
  runOnSeeds(AGENTSIM_SCENARIOS_DIR, first, last, [](const harness::RunReport& report) {
    std::size_t failed = report.limitExceeded() ? 1 : 0;
    std::string firstFailure;
    for (const auto& r : report.results) {
      if (!r.outcome.held && failed++ == 0) firstFailure = r.summary + ": " + r.outcome.evidence;
    }
    for (const auto& i : report.invariants) {
      if (!i.held && failed++ == 0) firstFailure = i.name + ": " + i.evidence;
    }
    CAPTURE(firstFailure);
    CHECK(failed == 0);
  });
}

// The rules of the agent's state machine, ZooKeeper leadership and task loss reasons
// hold on every conformance case and ported Mesos test over seeds 1 to 20 (their
// expectations may pin one seed's timing; these rules do not). The story scenarios keep
// them on seeds 1 to 100 (storiesHoldOnSeeds).
void casesKeepTheRulesOnSeeds(std::uint64_t first, std::uint64_t last) {
  runOnSeeds(AGENTSIM_CONFORMANCE_DIR, first, last, [](const harness::RunReport& report) {
    for (const auto& i : report.invariants) {
      if (i.name != "agent_state_transitions" && i.name != "one_leader_per_view" && i.name != "task_lost_with_reason") {
        continue;
      }
      CAPTURE(i.evidence);
      CHECK(i.held);
    }
  });
}

std::string traceBytes(const harness::Scenario& s, std::uint64_t seed) {
  std::ostringstream out;
  sim::JsonLinesSink sink(out);
  harness::RunOptions options;
  options.seed = seed;
  options.sinks.push_back(&sink);
  (void)harness::runScenario(s, options);
  return out.str();
}

}  // namespace

TEST_CASE("every conformance case holds") {
  const auto files = jsonFiles(AGENTSIM_CONFORMANCE_DIR, "C");
  CHECK(files.size() >= 10);
  runAll(files);
}

// A ported Mesos test's file is named after it: `MasterTest.Foo.json`, a suite whose name
// ends in "Test", a dot, the test's name.
bool isPortedMesosTest(const fs::path& file) {
  const std::string name = file.filename().string();
  const auto dot = name.find("Test.");
  return dot != std::string::npos && dot > 0 && name.size() > dot + 5 + 5;
}

TEST_CASE("every ported Mesos test holds") {
  std::vector<fs::path> files;
  for (const fs::path& f : jsonFiles(AGENTSIM_CONFORMANCE_DIR)) {
    if (isPortedMesosTest(f)) files.push_back(f);
  }
  CHECK(files.size() >= 3);
  runAll(files);
}

TEST_CASE("every boundary case holds: each rule exactly at its threshold or cap (tests/edges)") {
  const auto files = jsonFiles(AGENTSIM_EDGES_DIR);
  CHECK(files.size() >= 3);
  runAll(files);
}

TEST_CASE("every story scenario holds") {
  const auto files = jsonFiles(AGENTSIM_SCENARIOS_DIR);
  CHECK(files.size() >= 5);
  runAll(files);
}

TEST_CASE("failover.json: the same seed gives the same trace, byte for byte; another seed another") {
  auto loaded = harness::loadScenarioFile(std::string(AGENTSIM_SCENARIOS_DIR) + "/failover.json");
  REQUIRE(std::holds_alternative<harness::Scenario>(loaded));
  const harness::Scenario& s = std::get<harness::Scenario>(loaded);
  const std::string a = traceBytes(s, s.seed);
  CHECK(a.size() > 100'000);
  CHECK(a == traceBytes(s, s.seed));
  CHECK(a != traceBytes(s, s.seed + 1));
}

TEST_CASE("task stories are deterministic too: agent_restart.json and qos_kills.json give the same bytes twice") {
  for (const std::string name : {"agent_restart", "qos_kills"}) {
    CAPTURE(name);
    auto loaded = harness::loadScenarioFile(std::string(AGENTSIM_SCENARIOS_DIR) + "/" + name + ".json");
    REQUIRE(std::holds_alternative<harness::Scenario>(loaded));
    const harness::Scenario& s = std::get<harness::Scenario>(loaded);
    const std::string a = traceBytes(s, s.seed);
    CHECK(a.size() > 10'000);
    CHECK(a == traceBytes(s, s.seed));
  }
}

// The seed sweeps are the suite's longest tests: each is cut into seed ranges, and
// tests/conformance/meson.build runs the ranges as separate tests (by the "sweep:" in
// their names), so that `meson test` spreads them over the cores.
TEST_CASE("story sweep: every story scenario holds on seeds 1 to 50") { storiesHoldOnSeeds(1, 50); }
TEST_CASE("story sweep: every story scenario holds on seeds 51 to 100") { storiesHoldOnSeeds(51, 100); }

TEST_CASE("case sweep: agent_state_transitions, one_leader_per_view and task_lost_with_reason hold on every case, seeds 1 to 5") {
  casesKeepTheRulesOnSeeds(1, 5);
}
TEST_CASE("case sweep: agent_state_transitions, one_leader_per_view and task_lost_with_reason hold on every case, seeds 6 to 10") {
  casesKeepTheRulesOnSeeds(6, 10);
}
TEST_CASE("case sweep: agent_state_transitions, one_leader_per_view and task_lost_with_reason hold on every case, seeds 11 to 15") {
  casesKeepTheRulesOnSeeds(11, 15);
}
TEST_CASE("case sweep: agent_state_transitions, one_leader_per_view and task_lost_with_reason hold on every case, seeds 16 to 20") {
  casesKeepTheRulesOnSeeds(16, 20);
}
