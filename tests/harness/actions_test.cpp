// The agent-process and framework actions, run: what they do to the hosts, as the trace
// shows it (virtual time; a few simulated minutes each).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "harness/runner.hpp"
#include "harness/scenario.hpp"

namespace {

namespace harness = agentsim::harness;
namespace sim = agentsim::sim;
using sim::Record;
using sim::RecordKind;

harness::RunReport run(const std::string& text) {
  auto loaded = harness::loadScenarioText(text, "actions.json");
  if (const auto* err = std::get_if<harness::LoadError>(&loaded)) FAIL(err->format());
  return harness::runScenario(std::get<harness::Scenario>(loaded));
}

std::vector<const Record*> find(const harness::RunReport& r, RecordKind kind, const std::string& name,
                                const std::string& host = "") {
  std::vector<const Record*> out;
  for (const Record& rec : r.records) {
    if (rec.kind == kind && rec.name == name && (host.empty() || rec.host == host)) out.push_back(&rec);
  }
  return out;
}

bool logged(const harness::RunReport& r, const std::string& message) {
  for (const Record* rec : find(r, RecordKind::Log, "log")) {
    if (rec->text("message") == message) return true;
  }
  return false;
}

const std::string kCluster = R"j("cluster": { "agents": [ { "id": "agent-1", "flags": { "registration_backoff_factor": "10ms" } } ] })j";

}  // namespace

TEST_CASE("restart_agent kills the agent's program and starts it again in the same event") {
  const auto report = run(R"j({ "name": "restart", "until": "30secs", )j" + kCluster + R"j(,
    "timeline": [ { "at": "10secs", "restart_agent": "agent-1" } ] })j");
  const auto kills = find(report, RecordKind::Fault, "kill", "agent-1");
  REQUIRE(kills.size() == 1);
  CHECK(kills[0]->at == sim::Time{} + sim::Seconds(10));
  CHECK(kills[0]->text("program") == "(boot program)");
  CHECK(kills[0]->text("label") == "timeline[0]");
  CHECK(find(report, RecordKind::Fault, "crash", "agent-1").empty());  // the host stays up
  // The new agent recovers, from 10secs on.
  bool recovering = false;
  bool runningAgain = false;
  for (const Record* s : find(report, RecordKind::State, "Slave::State", "agent-1")) {
    if (s->at < kills[0]->at) continue;
    recovering = recovering || s->text("state") == "RECOVERING";
    runningAgain = runningAgain || s->text("state") == "RUNNING";
  }
  CHECK(recovering);
  CHECK(runningAgain);
  CHECK(report.allHeld());
  CHECK(report.invariants.size() == harness::invariants().size());
}

TEST_CASE("stop_agent leaves the agent down until start_agent; start_agent on a running agent does nothing") {
  const auto report = run(R"j({ "name": "stop-start", "until": "30secs", )j" + kCluster + R"j(,
    "timeline": [ { "at": "5secs", "start_agent": "agent-1" },
                  { "at": "10secs", "stop_agent": "agent-1" },
                  { "at": "20secs", "start_agent": "agent-1" } ] })j");
  CHECK(logged(report, "the agent process on agent-1 is already running"));
  REQUIRE(find(report, RecordKind::Fault, "kill", "agent-1").size() == 1);
  // Nothing of the agent's between the stop and the start.
  std::size_t whileStopped = 0;
  for (const Record& r : report.records) {
    if (r.host != "agent-1" || r.process.rfind("slave(", 0) != 0) continue;
    if (r.at > sim::Time{} + sim::Seconds(10) && r.at < sim::Time{} + sim::Seconds(20)) ++whileStopped;
  }
  CHECK(whileStopped == 0);
  bool restarted = false;
  for (const Record* s : find(report, RecordKind::State, "Slave::State", "agent-1")) {
    restarted = restarted || (s->at >= sim::Time{} + sim::Seconds(20) && s->text("state") == "RUNNING");
  }
  CHECK(restarted);
}

TEST_CASE("agent actions on a host that is down, and framework actions without a scheduler, say so") {
  const auto report = run(R"j({ "name": "down", "until": "30secs", )j" + kCluster + R"j(,
    "frameworks": [ { "id": "framework-1", "tasks": [ { "id": "task-1", "agent": "agent-1" } ] } ],
    "timeline": [ { "at": "5secs", "crash": "agent-1" },
                  { "at": "6secs", "restart_agent": "agent-1" },
                  { "at": "7secs", "stop_agent": "agent-1" },
                  { "at": "8secs", "start_agent": "agent-1" },
                  { "at": "9secs", "crash": "framework-1" },
                  { "at": "10secs", "kill_task": { "task": "task-1" } },
                  { "at": "11secs", "reconcile": {} } ] })j");
  CHECK(logged(report, "agent-1 is down: no agent process to restart"));
  CHECK(logged(report, "agent-1 is down: no agent process to stop"));
  CHECK(logged(report, "agent-1 is down: restart the host instead"));
  CHECK(logged(report, "no scheduler runs on framework-1: task task-1 is not killed"));
  CHECK(logged(report, "no scheduler runs on framework-1: nothing is reconciled"));
  CHECK(find(report, RecordKind::Fault, "kill", "agent-1").empty());
}

TEST_CASE("the runner records a check per invariant, after the expectations'") {
  const auto report = run(R"j({ "name": "checks", "until": "5secs", )j" + kCluster + R"j(,
    "expect": [ { "agent_state": { "agent": "agent-1", "state": "RUNNING" } } ] })j");
  std::vector<std::string> checks;
  for (const Record& r : report.records) {
    if (r.kind == RecordKind::Check) checks.push_back(r.name);
  }
  std::vector<std::string> want{"agent_state"};
  for (const auto& i : harness::invariants()) want.emplace_back(i.name);
  CHECK(checks == want);
  for (const auto& i : report.invariants) {
    CAPTURE(i.name);
    CHECK(i.held);
  }
  CHECK(report.allHeld());
  // A violated invariant fails the run.
  harness::RunReport broken = report;
  broken.invariants[0].held = false;
  CHECK_FALSE(broken.allHeld());
}
