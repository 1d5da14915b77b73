// The liveness rule (harness/liveness.hpp) and the status update invariants on hand-made
// trace records, at the edges this round fixed: an agent that exited with an error, or
// was told to shut down, owes neither RUNNING nor its tasks' progress nor retries; a
// re-forward dispatched at the instant of the acknowledgement is not a resend; an agent
// the leading master refused as not authenticated after it authenticated is an outcome
// (Mesos leaves it unregistered), and only that cause.
#include <doctest/doctest.h>

#include "harness/invariants.hpp"
#include "harness/liveness.hpp"
#include "model/authentication/records.hpp"
#include "model/master/master.hpp"
#include "trace_builder.hpp"

namespace {

namespace sim = agentsim::sim;
namespace harness = agentsim::harness;
namespace model = agentsim::model;

// agent-1 RUNNING with task-1's TASK_STARTING acknowledged by a connected framework,
// whose scheduler saw only TASK_STARTING.
harness::testing::TraceBuilder startingTask() {
  harness::testing::TraceBuilder t(sim::Seconds(1));
  t.add(sim::RecordKind::State, 0, "master", "master-1", model::machines::kMasterFramework.name,
        {{"state", "REGISTERED"}, {"framework_id", "fw-0000"}});
  t.agentState(0, "RUNNING", "DISCONNECTED");
  t.received(1, "u1", "TASK_STARTING");
  t.schedulerGets(2, "u1", "TASK_STARTING");
  t.acknowledged(3, "u1");
  return t;
}

std::string livenessOf(const std::vector<sim::Record>& records) {
  harness::Liveness l;
  const sim::Interest interest = harness::Liveness::interest();
  for (const sim::Record& r : records) {
    if (interest.wants(r.kind, r.name)) l.observe(r);
  }
  return l.violation();
}

void exitAgent(harness::testing::TraceBuilder& t, double at) {
  t.add(sim::RecordKind::Startup, at, "slave(1)", "agent-1", "slave",
        {{"failed", true}, {"message", "Failed to handle status update"}, {"exit_code", std::int64_t{1}}});
}

}  // namespace

TEST_CASE("liveness: a task left STARTING is owed progress unless its agent exited or was shut down") {
  auto t = startingTask();
  CHECK(livenessOf(t.records) == "framework-1/task-1 is still TASK_STARTING");
  auto exited = startingTask();
  exitAgent(exited, 4);
  CHECK(livenessOf(exited.records).empty());
  auto shutDown = startingTask();
  shutDown.received(4, "u2", "TASK_KILLED");
  shutDown.agentState(5, "TERMINATING", "RUNNING");
  CHECK(livenessOf(shutDown.records).empty());
  // A new start of the program after the exit owes again.
  exitAgent(exited, 4);
  exited.add(sim::RecordKind::Startup, 5, "", "agent-1", "flags", {{"position", std::int64_t{1}}});
  exited.agentState(6, "RUNNING", "DISCONNECTED");
  CHECK(livenessOf(exited.records) == "framework-1/task-1 is still TASK_STARTING");
}

TEST_CASE("retried_until_acknowledged: an update sent by an agent that then exited owes no retry") {
  harness::testing::TraceBuilder t(sim::Seconds(1));
  t.agentState(0, "RUNNING", "DISCONNECTED");
  t.agentSend(1, "u1", "TASK_STARTING");
  CHECK_FALSE(harness::retriedUntilAcknowledged(t.records, t.time(1000)).held);
  exitAgent(t, 2);
  CHECK(harness::retriedUntilAcknowledged(t.records, t.time(1000)).held);
}

TEST_CASE("no_resend_after_acknowledgement: a forward at the instant of the acknowledgement is not a resend") {
  harness::testing::TraceBuilder t(sim::Seconds(1));
  t.agentState(0, "RUNNING", "DISCONNECTED");
  t.received(1, "u1", "TASK_STARTING");
  t.agentSend(1, "u1", "TASK_STARTING");
  t.acknowledged(5, "u1");
  t.agentSend(5, "u1", "TASK_STARTING");
  CHECK(harness::noResendAfterAcknowledgement(t.records).held);
  t.agentSend(6, "u1", "TASK_STARTING");
  CHECK_FALSE(harness::noResendAfterAcknowledgement(t.records).held);
}

TEST_CASE("checkpointed_updates_survive_restarts: a restarted agent that exits before it (re)registers is not judged") {
  harness::testing::TraceBuilder t(sim::Seconds(1));
  t.agentState(0, "RUNNING", "DISCONNECTED");
  t.received(1, "u1", "TASK_RUNNING", true);
  t.fault(5, "kill");
  t.agentState(6, "RECOVERING");
  t.agentState(6, "DISCONNECTED", "RECOVERING");
  CHECK_FALSE(harness::checkpointedUpdatesSurviveRestarts(t.records).held);
  exitAgent(t, 7);
  CHECK(harness::checkpointedUpdatesSurviveRestarts(t.records).held);
}

TEST_CASE("liveness: an agent no master admits (no credential, --authenticate_agents) owes no RUNNING") {
  harness::testing::TraceBuilder t(sim::Seconds(1));
  t.agentState(0, "DISCONNECTED", "RECOVERING");
  const sim::Interest interest = harness::Liveness::interest();
  harness::Liveness owed, unadmitted(true, {"agent-1"});
  for (const sim::Record& r : t.records) {
    if (!interest.wants(r.kind, r.name)) continue;
    owed.observe(r);
    unadmitted.observe(r);
  }
  CHECK(owed.violation() == "agent-1 is DISCONNECTED, not RUNNING, after the heal");
  CHECK(unadmitted.violation().empty());
}

namespace {

// agent-1 DISCONNECTED behind master-1 (the leader), with its authentication records:
// "detected", "authenticated" on agent-1, "refused" by a master.
harness::testing::TraceBuilder& authentication(harness::testing::TraceBuilder& t, double at, std::string event,
                                               std::string master = "") {
  sim::Fields f{{"message", event}, {std::string(model::kAuthenticationEvent), event}};
  if (master.empty()) return t.add(sim::RecordKind::Log, at, "slave(1)", "agent-1", "log", std::move(f));
  f.push_back({"agent", "agent-1"});
  return t.add(sim::RecordKind::Log, at, "master", std::move(master), "log", std::move(f));
}

harness::testing::TraceBuilder refusedAfterAuthentication() {
  harness::testing::TraceBuilder t(sim::Seconds(1));
  t.master(0, "master-1", "ELECTED");
  t.agentState(0, "DISCONNECTED", "RECOVERING");
  authentication(t, 1, "detected");
  authentication(t, 2, "authenticated");
  t.master(3, "master-1", "ELECTED");  // a new process at the same address
  authentication(t, 4, "refused", "master-1");
  return t;
}

std::pair<std::string, std::vector<std::string>> judged(const std::vector<sim::Record>& records) {
  harness::Liveness l;
  const sim::Interest interest = harness::Liveness::interest();
  for (const sim::Record& r : records) {
    if (interest.wants(r.kind, r.name)) l.observe(r);
  }
  return {l.violation(), l.outcomes()};
}

}  // namespace

TEST_CASE("liveness: an agent the leader refused as not authenticated after it authenticated is an outcome") {
  const std::string stuck = "agent-1 is DISCONNECTED, not RUNNING, after the heal";
  auto t = refusedAfterAuthentication();
  const auto [why, outcomes] = judged(t.records);
  CHECK(why.empty());
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].rfind("agent-1: Master::(re)registerSlave: refused as not authenticated", 0) == 0);

  SUBCASE("a refusal before any authentication is not this cause") {
    harness::testing::TraceBuilder u(sim::Seconds(1));
    u.master(0, "master-1", "ELECTED");
    u.agentState(0, "DISCONNECTED", "RECOVERING");
    authentication(u, 1, "detected");
    authentication(u, 2, "refused", "master-1");
    CHECK(judged(u.records).first == stuck);
    CHECK(judged(u.records).second.empty());
  }
  SUBCASE("a master detected again since the refusal authenticates afresh") {
    authentication(t, 5, "detected");
    CHECK(judged(t.records).first == stuck);
  }
  SUBCASE("an authentication since the refusal") {
    authentication(t, 5, "authenticated");
    CHECK(judged(t.records).first == stuck);
  }
  SUBCASE("refused by a master that does not lead") {
    t.master(5, "master-1", "FOLLOWER");
    CHECK(judged(t.records).first == stuck);
  }
  SUBCASE("refused by a master that crashed since") {
    t.add(sim::RecordKind::Fault, 5, "", "master-1", "crash", {});
    CHECK(judged(t.records).first == stuck);
  }
  SUBCASE("the agent started again since") {
    t.add(sim::RecordKind::Startup, 5, "", "agent-1", "flags", {{"position", std::int64_t{1}}});
    CHECK(judged(t.records).first == stuck);
  }
  SUBCASE("authenticated and never refused: stuck for another cause") {
    harness::testing::TraceBuilder u(sim::Seconds(1));
    u.master(0, "master-1", "ELECTED");
    u.agentState(0, "DISCONNECTED", "RECOVERING");
    authentication(u, 1, "detected");
    authentication(u, 2, "authenticated");
    CHECK(judged(u.records).first == stuck);
  }
  SUBCASE("a log record without the field changes nothing") {
    t.add(sim::RecordKind::Log, 5, "slave(1)", "agent-1", "log", {{"message", "Re-detecting master"}});
    CHECK(judged(t.records).first.empty());
  }
}
