// run --check-determinism (harness/determinism.hpp): two runs of one scenario in one
// process give the same bytes; runs that differ are caught at their first differing line.
#include <doctest/doctest.h>

#include <string>
#include <variant>

#include "harness/determinism.hpp"

using namespace agentsim;

namespace {

harness::Scenario registration() {
  const std::string text = R"({ "name": "d", "until": "20secs", "cluster": { "masters": 1, "agents": 2 } })";
  auto loaded = harness::loadScenarioText(text, "d.json");
  REQUIRE(std::holds_alternative<harness::Scenario>(loaded));
  return std::get<harness::Scenario>(loaded);
}

}  // namespace

TEST_CASE("check-determinism: a scenario run twice in one process gives the same bytes") {
  const harness::Scenario s = registration();
  const auto r = harness::checkDeterminism(s, {});
  CHECK(r.records > 50);
  CHECK_FALSE(r.first_difference.has_value());
}

TEST_CASE("check-determinism: runs that differ are reported at their first differing line") {
  const harness::Scenario s = registration();
  auto run = [&](std::uint64_t seed, sim::Duration until) {
    return [&s, seed, until](sim::TraceSink& sink) {
      harness::RunOptions o;
      o.seed = seed;
      o.until = until;
      o.sinks.push_back(&sink);
      harness::runScenario(s, o);
    };
  };
  // Another seed: the header (line 0) names it.
  auto r = harness::compareRuns(run(1, sim::Seconds(20)), run(2, sim::Seconds(20)));
  REQUIRE(r.first_difference.has_value());
  CHECK(*r.first_difference == 0);
  CHECK(r.first.find("\"seed\":\"1\"") != std::string::npos);
  CHECK(r.second.find("\"seed\":\"2\"") != std::string::npos);
  // The same run cut shorter: the same lines up to the first check record.
  r = harness::compareRuns(run(1, sim::Seconds(20)), run(1, sim::Seconds(10)));
  REQUIRE(r.first_difference.has_value());
  CHECK(*r.first_difference > 10);
}
