// The streaming rules (harness/rule.hpp) on hand-made trace records: for each, a trace
// that keeps it and one that breaks it; and each planted bug (model/common/planted_bug.hpp)
// replayed from its regression scenario (tests/regressions/bug-NAME.json): the rule it
// names fails with the bug on and every invariant holds without it.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "harness/agent_state_transitions.hpp"
#include "harness/one_leader_per_view.hpp"
#include "harness/runner.hpp"
#include "harness/scenario.hpp"
#include "harness/task_lost_with_reason.hpp"
#include "model/common/planted_bug.hpp"
#include "trace_builder.hpp"

namespace {

namespace sim = agentsim::sim;
namespace harness = agentsim::harness;
namespace model = agentsim::model;
using sim::Record;
using sim::RecordKind;

sim::Time secs(std::int64_t ms) { return sim::Time{} + sim::Milliseconds(ms); }

// Records in the order given, at times in milliseconds (tests/harness/trace_builder.hpp).
struct Trace : harness::testing::TraceBuilder {
  Trace() : TraceBuilder(sim::Milliseconds(1)) {}
};

template <typename Rule>
harness::InvariantResult check(const Trace& t, std::int64_t endMs = 100'000) {
  return harness::runRule<Rule>(t.records, secs(endMs));
}

}  // namespace

TEST_CASE("agent_state_transitions: Mesos's Slave::State machine holds; TERMINATING -> RUNNING breaks it") {
  Trace ok;
  ok.agentState(0, "RECOVERING").agentState(1, "DISCONNECTED", "RECOVERING").agentState(2, "RUNNING", "DISCONNECTED");
  ok.agentState(3, "DISCONNECTED", "RUNNING").agentState(4, "RUNNING", "DISCONNECTED");
  ok.agentState(5, "TERMINATING", "RUNNING");
  ok.agentState(6, "RECOVERING");  // a restarted agent process
  CHECK(check<harness::AgentStateTransitions>(ok).held);

  Trace bad = ok;
  bad.agentState(7, "DISCONNECTED", "RECOVERING").agentState(8, "TERMINATING", "DISCONNECTED");
  bad.agentState(9, "RUNNING", "TERMINATING");
  const auto r = check<harness::AgentStateTransitions>(bad);
  CHECK_FALSE(r.held);
  CHECK(r.evidence.find("from TERMINATING to RUNNING") != std::string::npos);
  CHECK(r.seqs == std::vector<std::uint64_t>{bad.records.back().seq});

  Trace recoveringToRunning;
  recoveringToRunning.agentState(0, "RECOVERING").agentState(1, "RUNNING", "RECOVERING");
  CHECK_FALSE(check<harness::AgentStateTransitions>(recoveringToRunning).held);
  Trace startsRunning;
  startsRunning.agentState(0, "RUNNING");
  CHECK_FALSE(check<harness::AgentStateTransitions>(startsRunning).held);
}

TEST_CASE("one_leader_per_view: a leader exits when its candidacy is cancelled; one that leads on breaks it") {
  Trace ok;
  ok.master(0, "master-1", "ELECTED").master(38'000, "master-2", "ELECTED");  // the split brain before master-1 learns
  ok.lostCandidacy(43'000, "master-1", 0).master(43'000, "master-1", "EXITED");
  CHECK(check<harness::OneLeaderPerView>(ok).held);

  Trace bad;
  bad.master(0, "master-1", "ELECTED").master(38'000, "master-2", "ELECTED").lostCandidacy(43'000, "master-1", 0);
  bad.master(60'000, "master-1", "EXITED");
  const auto r = check<harness::OneLeaderPerView>(bad);
  CHECK_FALSE(r.held);
  CHECK(r.evidence.find("master-1 still led at") != std::string::npos);
  CHECK(r.evidence.find("also leading: master-2") != std::string::npos);

  Trace leadsToTheEnd;  // no later record: finish() decides
  leadsToTheEnd.master(0, "master-1", "ELECTED").lostCandidacy(10'000, "master-1", 3);
  CHECK_FALSE(check<harness::OneLeaderPerView>(leadsToTheEnd, 20'000).held);
  CHECK(check<harness::OneLeaderPerView>(leadsToTheEnd, 10'000).held);

  Trace follower;  // a follower that loses its candidacy contends again: no leadership to end
  follower.master(0, "master-2", "FOLLOWER").lostCandidacy(10'000, "master-2", 1);
  CHECK(check<harness::OneLeaderPerView>(follower).held);
}

TEST_CASE("task_lost_with_reason: the agent's and master's TASK_LOST carry a reason; one without breaks it") {
  Trace ok;
  ok.agentSend(0, "u1", "TASK_LOST", "SOURCE_SLAVE", "REASON_RECONCILIATION");
  ok.agentSend(1, "u1", "TASK_RUNNING", "SOURCE_EXECUTOR", "");
  ok.agentSend(2, "u1", "TASK_LOST", "SOURCE_EXECUTOR", "");  // an executor's own update
  CHECK(check<harness::TaskLostWithReason>(ok).held);

  Trace bad;
  bad.agentSend(0, "u1", "TASK_GONE", "SOURCE_MASTER", "");
  const auto r = check<harness::TaskLostWithReason>(bad);
  CHECK_FALSE(r.held);
  CHECK(r.evidence.find("TASK_GONE of task task-1") != std::string::npos);
}

TEST_CASE("every planted bug is caught by the rule it names, and only with the bug on") {
  REQUIRE(model::plantedBugs().size() >= 8);
  for (const model::PlantedBugSpec& bug : model::plantedBugs()) {
    CAPTURE(bug.name);
    CHECK(model::findPlantedBug(bug.name) == &bug);
    const std::string path = std::string(AGENTSIM_REGRESSIONS_DIR) + "/bug-" + std::string(bug.name) + ".json";
    auto loaded = harness::loadScenarioFile(path);
    REQUIRE(std::holds_alternative<harness::Scenario>(loaded));
    const auto& scenario = std::get<harness::Scenario>(loaded);
    REQUIRE(scenario.timeline.size() <= 4);  // a reproducer of a few actions

    const harness::RunReport clean = harness::runScenario(scenario);
    CHECK(clean.allHeld());

    harness::RunOptions options;
    options.bug = std::string(bug.name);
    const harness::RunReport buggy = harness::runScenario(scenario, options);
    CHECK_FALSE(buggy.allHeld());
    bool caught = false;
    for (const auto& i : buggy.invariants) caught = caught || (i.name == bug.invariant && !i.held);
    CHECK_MESSAGE(caught, "the bug should break ", bug.invariant);
    bool inHeader = false;
    for (const auto& f : buggy.header) inHeader = inHeader || (f.key == "bug" && std::get<std::string>(f.value) == bug.name);
    CHECK(inHeader);
  }
}

TEST_CASE("an unknown planted bug is refused") {
  CHECK(model::findPlantedBug("no-such-bug") == nullptr);
  harness::Scenario scenario;
  harness::RunOptions options;
  options.bug = "no-such-bug";
  CHECK_THROWS_AS(harness::runScenario(scenario, options), std::invalid_argument);
}

namespace {

harness::Scenario firing(const std::string& timeline, const std::string& tasks = "") {
  const std::string text = R"({ "name": "fire", "seed": 3, "until": "30secs",
    "cluster": { "masters": 1, "agents": [ { "id": "agent-1", "flags": { "registration_backoff_factor": "10ms" } } ] },
    "frameworks": [ { "id": "framework-1", "checkpoint": true, "tasks": [ )" + tasks + R"( ] } ],
    "timeline": [ )" + timeline + " ] }";
  auto loaded = harness::loadScenarioText(text, "fire.json");
  if (const auto* err = std::get_if<harness::LoadError>(&loaded)) FAIL(err->format());
  return std::get<harness::Scenario>(std::move(loaded));
}

std::size_t count(const harness::RunReport& r, RecordKind kind, std::string_view name, std::string_view needle = {}) {
  std::size_t n = 0;
  for (const Record& rec : r.records) {
    if (rec.kind != kind || rec.name != name) continue;
    bool found = needle.empty();
    for (const auto& f : rec.fields) {
      if (const auto* s = std::get_if<std::string>(&f.value)) found = found || s->find(needle) != std::string::npos;
    }
    n += found ? 1 : 0;
  }
  return n;
}

std::uint64_t reached(const harness::RunReport& r, std::string_view site) {
  for (const auto& [name, n] : r.fault_sites) {
    if (name == site) return n;
  }
  return 0;
}

}  // namespace

TEST_CASE("fire_site: a firing site takes Mesos's failure path there; off, it is only counted") {
  const std::string task = R"({ "id": "task-1", "agent": "agent-1", "at": "1secs" })";
  // Off: the launch is reached and counted, nothing fires.
  const harness::RunReport off = harness::runScenario(firing("", task));
  CHECK(reached(off, "Containerizer::launch") == 1);
  CHECK(reached(off, "state::recover") == 1);
  CHECK(count(off, RecordKind::Fault, "fire") == 0);
  CHECK(count(off, RecordKind::State, "Scheduler::statusUpdate", "REASON_CONTAINER_LAUNCH_FAILED") == 0);

  // Containerizer::launch at 1/1: the task fails with REASON_CONTAINER_LAUNCH_FAILED.
  const harness::RunReport launch =
      harness::runScenario(firing(R"({ "at": "0secs", "fire_site": "Containerizer::launch" })", task));
  CHECK(count(launch, RecordKind::Fault, "fire", "Containerizer::launch") == 1);
  CHECK(count(launch, RecordKind::State, "Scheduler::statusUpdate", "REASON_CONTAINER_LAUNCH_FAILED") >= 1);

  // state::recover on the agent's restart: it exits with Mesos's recovery failure.
  const harness::RunReport recover = harness::runScenario(
      firing(R"({ "at": "2secs", "fire_site": "state::recover" }, { "at": "3secs", "restart_agent": "agent-1" })"));
  CHECK(count(recover, RecordKind::Fault, "fire", "state::recover") == 1);
  CHECK(count(recover, RecordKind::Startup, "slave", "Failed to perform recovery") == 1);

  // "for" ends it: the restart after the window recovers.
  const harness::RunReport window = harness::runScenario(firing(
      R"({ "at": "2secs", "fire_site": "state::recover", "for": "1secs" }, { "at": "4secs", "restart_agent": "agent-1" })"));
  CHECK(count(window, RecordKind::Fault, "fire") == 0);
  CHECK(count(window, RecordKind::Startup, "slave", "Failed to perform recovery") == 0);
}

TEST_CASE("fire_site: the startup and recovery sites added for the fuzzer each take Mesos's failure path") {
  const std::string task = R"({ "id": "task-1", "agent": "agent-1", "at": "1secs" })";
  // Off, every one on the way is reached and counted.
  const harness::RunReport off = harness::runScenario(firing("", task));
  CHECK(reached(off, "state::checkpoint") == 1);
  CHECK(reached(off, "MasterDetector::detect") == 1);
  CHECK(reached(off, "StatusUpdateStream::checkpoint") >= 1);
  CHECK(count(off, RecordKind::Startup, "slave", "ailed") == 0);  // no exit message

  // state::checkpoint: CHECK_SOME(state::checkpoint(path, info)) aborts the agent at its registration.
  const harness::RunReport checkpoint = harness::runScenario(firing(R"({ "at": "0secs", "fire_site": "state::checkpoint" })"));
  CHECK(count(checkpoint, RecordKind::Startup, "slave", "Check failed: state::checkpoint") == 1);

  // MasterDetector::detect: Slave::detected exits on a failed detection.
  const harness::RunReport detect = harness::runScenario(firing(R"({ "at": "0secs", "fire_site": "MasterDetector::detect" })"));
  CHECK(count(detect, RecordKind::Startup, "slave", "Failed to detect a master") == 1);

  // StatusUpdateStream::checkpoint: the append to task.updates fails; ___statusUpdate aborts the agent.
  const harness::RunReport updates = harness::runScenario(
      firing(R"({ "at": "0secs", "fire_site": "StatusUpdateStream::checkpoint" })", task));
  CHECK(count(updates, RecordKind::Startup, "slave", "Failed to handle status update") == 1);

  // Fetcher::fetch: the download fails, so does the launch: TASK_FAILED, REASON_CONTAINER_LAUNCH_FAILED.
  const std::string fetched = R"({ "id": "task-1", "agent": "agent-1", "at": "1secs", "uris": [ { "value": "http://repo/app.tar.gz", "size": "1MB" } ] })";
  const harness::RunReport fetch = harness::runScenario(firing(R"({ "at": "0secs", "fire_site": "Fetcher::fetch" })", fetched));
  CHECK(count(fetch, RecordKind::Fault, "fire", "Fetcher::fetch") == 1);
  CHECK(count(fetch, RecordKind::State, "Scheduler::statusUpdate", "REASON_CONTAINER_LAUNCH_FAILED") >= 1);

  // GarbageCollector::remove: os::rmdir fails; the path stays, gc/path_removals_failed counts it.
  const harness::RunReport gc = harness::runScenario(firing(
      R"({ "at": "0secs", "fire_site": "GarbageCollector::remove" },
         { "at": "1secs", "call": { "host": "agent-1", "function": "GarbageCollector::schedule", "delay": "1secs", "path": "/tmp/x" } })"));
  CHECK(count(gc, RecordKind::Fault, "fire", "GarbageCollector::remove") == 1);
  CHECK(count(gc, RecordKind::Log, "metric", "gc/path_removals_failed") == 1);
  CHECK(count(gc, RecordKind::State, "GarbageCollector", "REMOVED") == 0);
}

TEST_CASE("fire_site: Containerizer::destroy, the executor's exec and the registration send take Mesos's failure paths") {
  const std::string task = R"({ "id": "task-1", "agent": "agent-1", "at": "1secs" })";
  // Off, the exec and the registration send are reached and counted.
  const harness::RunReport off = harness::runScenario(firing("", task));
  CHECK(reached(off, "MesosContainerizerLaunch::execute") == 1);
  CHECK(reached(off, "Slave::doReliableRegistration") >= 1);

  // The exec fails: the container exits with status 1 before the executor registers, and
  // Slave::executorTerminated fails the task (REASON_EXECUTOR_TERMINATED, from the agent).
  const harness::RunReport exec =
      harness::runScenario(firing(R"({ "at": "0secs", "fire_site": "MesosContainerizerLaunch::execute" })", task));
  CHECK(count(exec, RecordKind::Fault, "fire", "MesosContainerizerLaunch::execute") == 1);
  CHECK(count(exec, RecordKind::State, "Scheduler::statusUpdate", "REASON_EXECUTOR_TERMINATED") == 1);
  CHECK(count(exec, RecordKind::State, "Scheduler::statusUpdate", "TASK_RUNNING") == 0);

  // The registration's socket write fails: the message is lost, Slave::exited logs the
  // broken link, and the retry registers the agent.
  const harness::RunReport reg = harness::runScenario(
      firing(R"({ "at": "0secs", "fire_site": "Slave::doReliableRegistration", "for": "5ms" })"));
  CHECK(count(reg, RecordKind::Fault, "fire", "Slave::doReliableRegistration") >= 1);
  CHECK(count(reg, RecordKind::Log, "log", "Master disconnected!") >= 1);
  CHECK(count(reg, RecordKind::State, "Slave::State", "RUNNING") == 1);

  // Containerizer::destroy (the executor never registers, so its timeout destroys the
  // container): the isolator cleanup fails, the wait fails, and the agent fails the task
  // with the executor "terminated with unknown status".
  const std::string text = R"({ "name": "destroy", "seed": 3, "until": "2mins",
    "cluster": { "masters": 1, "agents": 1 },
    "frameworks": [ { "id": "framework-1", "tasks": [ { "id": "task-1", "agent": "agent-1", "at": "5secs" } ] } ],
    "timeline": [ { "at": "0secs", "drop": { "message": "RegisterExecutorMessage" } },
                  { "at": "0secs", "fire_site": "Containerizer::destroy" } ] })";
  auto loaded = harness::loadScenarioText(text, "destroy.json");
  REQUIRE(std::holds_alternative<harness::Scenario>(loaded));
  const harness::RunReport destroy = harness::runScenario(std::get<harness::Scenario>(loaded));
  CHECK(count(destroy, RecordKind::Fault, "fire", "Containerizer::destroy") == 1);
  CHECK(count(destroy, RecordKind::Log, "log", "Failed to clean up an isolator") == 1);
  CHECK(count(destroy, RecordKind::Log, "log", "terminated with unknown status") == 1);
  CHECK(count(destroy, RecordKind::State, "Scheduler::statusUpdate", "TASK_FAILED") == 1);
  CHECK(destroy.allHeld());
}

TEST_CASE("fire_site: each reach fires with the probability, from the seed's stream: same seed, same reaches") {
  std::string restarts;
  for (int i = 0; i < 20; ++i) restarts += fmt::format(R"(, {{ "at": "{}secs", "restart_agent": "agent-1" }})", 2 + i);
  const harness::Scenario s = firing(R"({ "at": "1secs", "fire_site": "StatusUpdateManager::recover", "probability": "1/2" })" + restarts);
  const harness::RunReport a = harness::runScenario(s);
  const harness::RunReport b = harness::runScenario(s);
  const std::size_t fired = count(a, RecordKind::Fault, "fire");
  CHECK(fired == count(b, RecordKind::Fault, "fire"));
  CHECK(fired > 0);
  CHECK(fired < reached(a, "StatusUpdateManager::recover"));
}
