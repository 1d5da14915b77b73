// The liveness rule (harness/liveness.hpp) and the status update invariants on hand-made
// trace records, at the edges this round fixed: an agent that exited with an error, or
// was told to shut down, owes neither RUNNING nor its tasks' progress nor retries; a
// re-forward dispatched at the instant of the acknowledgement is not a resend.
#include <doctest/doctest.h>

#include "harness/invariants.hpp"
#include "harness/liveness.hpp"
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
