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

// ---------------------------------------------------------------------------------
// A hold on the fault site Registrar::apply (sim/fault_site.hpp, model/master/registrar.hpp).

namespace {

const std::string kMasterCluster =
    R"j("cluster": { "masters": 1, "agents": [ { "id": "agent-1", "flags": { "registration_backoff_factor": "10ms" } } ] })j";

std::vector<const Record*> registryOps(const harness::RunReport& r, const std::string& operation) {
  std::vector<const Record*> out;
  for (const Record* rec : find(r, RecordKind::Log, "log", "master-1")) {
    if (rec->text("operation") == operation) out.push_back(rec);
  }
  return out;
}

std::uint64_t reached(const harness::RunReport& r, const std::string& site) {
  for (const auto& [name, n] : r.fault_sites) {
    if (name == site) return n;
  }
  return 0;
}

}  // namespace

TEST_CASE("without a hold a registrar operation and its continuation run inline, in the event that asked") {
  // A hold on another operation does not touch AdmitSlave.
  const auto report = run(R"j({ "name": "inline", "until": "5secs", )j" + kMasterCluster + R"j(,
    "timeline": [ { "at": "0secs", "hold": { "site": "Registrar::apply", "operation": "RemoveSlave" } } ] })j");
  const auto admits = registryOps(report, "AdmitSlave");
  REQUIRE(admits.size() == 1);
  const auto registered = find(report, RecordKind::State, "Master::Slave", "master-1");
  REQUIRE_FALSE(registered.empty());
  // The same instant, the next record: nothing ran in between.
  CHECK(registered[0]->at == admits[0]->at);
  CHECK(registered[0]->seq == admits[0]->seq + 1);
  CHECK(find(report, RecordKind::Fault, "hold", "master-1").empty());
  CHECK(reached(report, "Registrar::apply") == 1);
}

TEST_CASE("a held registrar operation waits for its release, then runs as the master's event") {
  const auto report = run(R"j({ "name": "held-admit", "until": "20secs", )j" + kMasterCluster + R"j(,
    "timeline": [ { "at": "0secs", "hold": { "site": "Registrar::apply", "operation": "AdmitSlave" } },
                  { "at": "10secs", "release": "timeline[0]" } ] })j");
  const sim::Time release = sim::Time{} + sim::Seconds(10);
  const auto held = find(report, RecordKind::Fault, "hold", "master-1");
  REQUIRE(held.size() == 1);
  CHECK(held[0]->at < sim::Time{} + sim::Seconds(1));
  CHECK(held[0]->text("site") == "Registrar::apply");
  CHECK(held[0]->text("operation") == "AdmitSlave");
  CHECK(held[0]->text("label") == "timeline[0]");
  CHECK(held[0]->process == "master");
  // Until the release the agent is not admitted, and its retries are ignored.
  CHECK(logged(report, "Ignoring register agent message from slave(1)@agent-1:5051 as admission is already in "
                       "progress"));
  const auto admits = registryOps(report, "AdmitSlave");
  REQUIRE(admits.size() == 1);
  CHECK(admits[0]->at == release);
  CHECK(admits[0]->ref == "src/master/master.cpp: Master::__registerSlave");
  const auto released = find(report, RecordKind::Fault, "release", "master-1");
  REQUIRE(released.size() == 1);
  CHECK(released[0]->at == release);
  const auto registered = find(report, RecordKind::State, "Master::Slave", "master-1");
  REQUIRE(registered.size() == 1);
  CHECK(registered[0]->at == release);
  const auto replies = find(report, RecordKind::Send, "SlaveRegisteredMessage", "master-1");
  REQUIRE(replies.size() == 1);
  CHECK(replies[0]->at == release);
  // One reach per RegisterSlaveMessage admitted; the ignored retries reach nothing.
  CHECK(reached(report, "Registrar::apply") == 1);
}

TEST_CASE("a held registrar continuation is discarded when its master crashes, and a restarted master's runs") {
  // AdmitSlave is held on the first master; it crashes at 5secs and boots again at
  // 6secs, and the agent's next retry makes the new master ask for AdmitSlave, held too.
  // The release lets both go: the old master's is discarded, the new one's runs.
  const auto report = run(R"j({ "name": "held-crash", "until": "30secs", )j" + kMasterCluster + R"j(,
    "timeline": [ { "at": "0secs", "hold": { "site": "Registrar::apply", "operation": "AdmitSlave" } },
                  { "at": "5secs", "crash": "master-1" },
                  { "at": "6secs", "restart": "master-1" },
                  { "at": "20secs", "release": "timeline[0]" } ] })j");
  const sim::Time release = sim::Time{} + sim::Seconds(20);
  const auto held = find(report, RecordKind::Fault, "hold", "master-1");
  REQUIRE(held.size() == 2);
  CHECK(held[0]->at < sim::Time{} + sim::Seconds(5));
  CHECK(held[1]->at > sim::Time{} + sim::Seconds(6));
  const auto discarded = find(report, RecordKind::Fault, "discard", "master-1");
  REQUIRE(discarded.size() == 1);
  CHECK(discarded[0]->at == release);
  CHECK(discarded[0]->text("reason") == "its process is gone");
  CHECK(discarded[0]->text("process") == "master");
  const auto released = find(report, RecordKind::Fault, "release", "master-1");
  REQUIRE(released.size() == 1);
  CHECK(released[0]->seq > discarded[0]->seq);  // parked in that order
  // Exactly one AdmitSlave is applied: the new master's, at the release.
  const auto admits = registryOps(report, "AdmitSlave");
  REQUIRE(admits.size() == 1);
  CHECK(admits[0]->at == release);
  CHECK(find(report, RecordKind::Send, "SlaveRegisteredMessage", "master-1").size() == 1);
}

TEST_CASE("a hold's for ends it: what it holds goes on, and later operations are not held") {
  const auto report = run(R"j({ "name": "held-for", "until": "30secs", )j" + kMasterCluster + R"j(,
    "timeline": [ { "at": "0secs", "hold": { "site": "Registrar::apply", "for": "3secs" } },
                  { "at": "10secs", "shutdown_agent": "agent-1" } ] })j");
  const auto admits = registryOps(report, "AdmitSlave");
  REQUIRE(admits.size() == 1);
  CHECK(admits[0]->at == sim::Time{} + sim::Seconds(3));
  const auto removes = registryOps(report, "RemoveSlave");
  REQUIRE(removes.size() == 1);
  CHECK(removes[0]->at > sim::Time{} + sim::Seconds(10));
  CHECK(removes[0]->at < sim::Time{} + sim::Seconds(11));
  CHECK(find(report, RecordKind::Fault, "hold", "master-1").size() == 1);
}

TEST_CASE("while RemoveSlave is in flight, a second unregistration and an unreachable transition are ignored") {
  // UnregisterThenUnreachableRace: the agent unregisters with RemoveSlave held and its
  // pongs lost; the observer asks to mark it unreachable at t0 + 75secs; the master
  // refuses, and the release removes the agent.
  const auto report = run(R"j({ "name": "removing", "until": "2mins", )j" + kMasterCluster + R"j(,
    "timeline": [ { "at": "0secs", "drop": { "message": "PongSlaveMessage" } },
                  { "at": "0secs", "hold": { "site": "Registrar::apply", "operation": "RemoveSlave" } },
                  { "at": "10secs", "shutdown_agent": "agent-1" },
                  { "at": "100secs", "release": "timeline[1]" } ] })j");
  bool refused = false;
  for (const Record* rec : find(report, RecordKind::Log, "log", "master-1")) {
    const std::string m = rec->text("message");
    if (m.find("unreachable because it is unregistering") != std::string::npos) {
      refused = true;
      CHECK(rec->at > sim::Time{} + sim::Seconds(75));
    }
  }
  CHECK(refused);
  CHECK(registryOps(report, "MarkSlaveUnreachable").empty());
  const auto removes = registryOps(report, "RemoveSlave");
  REQUIRE(removes.size() == 1);
  CHECK(removes[0]->at == sim::Time{} + sim::Seconds(100));
  const auto states = find(report, RecordKind::State, "Master::Slave", "master-1");
  REQUIRE_FALSE(states.empty());
  CHECK(states.back()->text("state") == "REMOVED");
  CHECK(states.back()->at == sim::Time{} + sim::Seconds(100));
}
