// Each check record names the records its evidence is about (`evidence_seqs`), so a
// viewer can point at them: the HTML explorer lights them up.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "harness/runner.hpp"
#include "harness/scenario.hpp"
#include "viz/timeline_story.hpp"
#include "viz/trace_reader.hpp"

namespace {

namespace harness = agentsim::harness;
namespace sim = agentsim::sim;
using sim::Record;
using sim::RecordKind;

// The seqs of a check record's evidence_seqs (a JSON array of integers).
std::vector<std::uint64_t> evidenceSeqs(const Record& check) {
  const auto* raw = std::get_if<sim::RawJson>(check.field("evidence_seqs"));
  REQUIRE(raw != nullptr);
  REQUIRE(raw->text.front() == '[');
  return agentsim::viz::evidenceSeqsOf(check);
}

}  // namespace

TEST_CASE("check records name the records of their evidence in evidence_seqs") {
  auto loaded = harness::loadScenarioText(R"j({
    "name": "evidence", "seed": 7, "until": "20secs",
    "cluster": { "agents": [ { "id": "agent-1" }, { "id": "agent-2" } ] },
    "expect": [
      { "message_count": { "message": "SlaveRegisteredMessage", "count": 2 } },
      { "agent_state": { "agent": "agent-2", "state": "RUNNING" } },
      { "message_order": { "messages": ["RegisterSlaveMessage", "SlaveRegisteredMessage"] } },
      { "message_count": { "message": "ShutdownMessage", "count": 0 } }
    ]
  })j", "evidence.json");
  if (const auto* err = std::get_if<harness::LoadError>(&loaded)) FAIL(err->format());
  const harness::RunReport report = harness::runScenario(std::get<harness::Scenario>(loaded));
  std::vector<const Record*> checks;
  for (const Record& r : report.records) {
    if (r.kind == RecordKind::Check) checks.push_back(&r);
  }
  REQUIRE(checks.size() == 4 + report.invariants.size());
  auto named = [&](const Record& check) {
    std::vector<const Record*> out;
    for (std::uint64_t seq : evidenceSeqs(check)) {
      REQUIRE(seq < report.records.size());
      out.push_back(&report.records[seq]);
    }
    return out;
  };
  const auto registered = named(*checks[0]);
  REQUIRE(registered.size() == 2);
  for (const Record* r : registered) CHECK((r->kind == RecordKind::Send && r->name == "SlaveRegisteredMessage"));
  CHECK(registered[0]->text("to") != registered[1]->text("to"));

  const auto running = named(*checks[1]);
  REQUIRE(running.size() == 1);
  CHECK(running[0]->name == "Slave::State");
  CHECK(running[0]->host == "agent-2");
  CHECK(running[0]->text("state") == "RUNNING");

  const auto order = named(*checks[2]);
  REQUIRE(order.size() == 2);
  CHECK(order[0]->name == "RegisterSlaveMessage");
  CHECK(order[1]->name == "SlaveRegisteredMessage");

  CHECK(named(*checks[3]).empty());  // nothing seen, nothing named
  // Invariants carry the key too (empty when they hold).
  for (std::size_t i = 4; i < checks.size(); ++i) CHECK(named(*checks[i]).empty());
}

TEST_CASE("checks observe the run as it goes: a run that keeps no records gives the same verdicts and evidence") {
  auto loaded = harness::loadScenarioText(R"j({
    "name": "observers", "seed": 7, "until": "20secs",
    "cluster": { "agents": [ { "id": "agent-1" }, { "id": "agent-2" } ] },
    "timeline": [ { "at": "10secs", "crash": "agent-2" } ],
    "expect": [
      { "message_count": { "message": "SlaveRegisteredMessage", "count": 2 } },
      { "agent_state": { "agent": "agent-2", "state": "RUNNING" } },
      { "message_order": { "messages": ["RegisterSlaveMessage", "SlaveRegisteredMessage"] } },
      { "state": { "machine": "Slave::State", "state": "RUNNING", "after": "timeline[0]", "count": 0 } }
    ]
  })j", "observers.json");
  if (const auto* err = std::get_if<harness::LoadError>(&loaded)) FAIL(err->format());
  const harness::Scenario& scenario = std::get<harness::Scenario>(loaded);
  const harness::RunReport all = harness::runScenario(scenario);
  harness::RunOptions none;
  none.keep = sim::Interest();
  const harness::RunReport kept = harness::runScenario(scenario, none);
  CHECK(kept.records.empty());
  REQUIRE(all.records.size() > 100);
  REQUIRE(kept.results.size() == all.results.size());
  for (std::size_t i = 0; i < all.results.size(); ++i) {
    CHECK(kept.results[i].outcome.held == all.results[i].outcome.held);
    CHECK(kept.results[i].outcome.evidence == all.results[i].outcome.evidence);
    CHECK(kept.results[i].outcome.seqs == all.results[i].outcome.seqs);
    // The same check over the saved records (Expectation::evaluate) agrees.
    const harness::Outcome again = scenario.expectations[i].evaluate(all.records);
    CHECK(again.evidence == all.results[i].outcome.evidence);
    CHECK(again.seqs == all.results[i].outcome.seqs);
  }
  REQUIRE(kept.invariants.size() == all.invariants.size());
  for (std::size_t i = 0; i < all.invariants.size(); ++i) {
    CHECK(kept.invariants[i].evidence == all.invariants[i].evidence);
  }
  // Only the records a check subscribed to reach it.
  const harness::Expectation& count = scenario.expectations[0];
  CHECK(count.interest.wants(RecordKind::Send, "SlaveRegisteredMessage"));
  CHECK_FALSE(count.interest.wants(RecordKind::Send, "PingSlaveMessage"));
  CHECK_FALSE(count.interest.wants(RecordKind::Deliver, "SlaveRegisteredMessage"));
}

TEST_CASE("the story sink tells the story writeStory tells from every record, keeping fewer") {
  const std::string schema = AGENTSIM_SCHEMA;  // scenarios/schema.json
  auto loaded = harness::loadScenarioFile(schema.substr(0, schema.rfind('/')) + "/failover.json");
  if (const auto* err = std::get_if<harness::LoadError>(&loaded)) FAIL(err->format());
  const harness::Scenario& scenario = std::get<harness::Scenario>(loaded);
  sim::Interest checks;
  for (const auto& e : scenario.expectations) checks.merge(e.interest);
  for (const auto& i : harness::invariants()) checks.merge(i.interest);
  agentsim::viz::StorySink story(checks);
  harness::RunOptions options;
  options.sinks.push_back(&story);
  const harness::RunReport report = harness::runScenario(scenario, options);
  std::ostringstream fromAll;
  std::ostringstream fromSink;
  agentsim::viz::writeStory(fromAll, report.records);
  story.write(fromSink);
  CHECK(fromSink.str() == fromAll.str());
  CHECK(story.uuidDigits() == agentsim::viz::uuidPrefixLength(report.records));
  CHECK(story.kept() < report.records.size() / 2);
}
