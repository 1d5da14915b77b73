// The status update invariants (harness/invariants.hpp) on hand-made trace records: for
// each, a trace that keeps the rule and one that breaks it.
#include "harness/invariants.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "trace_builder.hpp"

namespace {

namespace sim = agentsim::sim;
namespace harness = agentsim::harness;
using sim::Record;
using sim::RecordKind;

sim::Time secs(double s) { return sim::Time{} + sim::Nanoseconds(static_cast<std::int64_t>(s * 1e9)); }

// Records in the order given, at times in seconds (tests/harness/trace_builder.hpp).
struct Trace : harness::testing::TraceBuilder {
  Trace() : TraceBuilder(sim::Seconds(1)) {}
};

}  // namespace

TEST_CASE("the invariants are named and explained, and checkInvariants runs them all") {
  std::vector<std::string> names;
  for (const auto& i : harness::invariants()) {
    names.emplace_back(i.name);
    CHECK_FALSE(i.help.empty());
  }
  CHECK(names == std::vector<std::string>{"updates_in_order", "retried_until_acknowledged",
                                          "no_resend_after_acknowledgement", "nothing_after_terminal_acknowledgement",
                                          "checkpointed_updates_survive_restarts", "agent_state_transitions",
                                          "one_leader_per_view", "task_lost_with_reason", "retry_interval_capped"});
  const auto results = harness::checkInvariants({}, sim::Time{});
  REQUIRE(results.size() == names.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    CHECK(results[i].name == names[i]);
    CHECK(results[i].held);  // an empty trace breaks nothing
  }
}

TEST_CASE("updates_in_order: the scheduler first gets each UUID in the order the agent received them") {
  Trace t;
  t.agentState(0, "RUNNING")
      .received(1, "u1", "TASK_STARTING")
      .received(1, "u2", "TASK_RUNNING")
      .received(2, "u3", "TASK_FINISHED")
      .schedulerGets(1.1, "u1", "TASK_STARTING")
      .schedulerGets(1.2, "u1", "TASK_STARTING")  // a duplicate: only the first receipt counts
      .schedulerGets(1.3, "u2", "TASK_RUNNING")
      .schedulerGets(2.1, "u3", "TASK_FINISHED")
      .schedulerGets(2.2, "x9", "TASK_LOST");  // not from an agent (the master's): ignored
  const auto ok = harness::updatesInOrder(t.records);
  CHECK(ok.held);
  CHECK(ok.name == "updates_in_order");
  CHECK(ok.evidence == "3 update(s) of 1 task(s) reached their scheduler in the order the agent received them");

  Trace bad;
  bad.received(1, "u1", "TASK_RUNNING").received(1, "u2", "TASK_FINISHED");
  bad.schedulerGets(1.1, "u2", "TASK_FINISHED").schedulerGets(1.2, "u1", "TASK_RUNNING");
  const auto broken = harness::updatesInOrder(bad.records);
  CHECK_FALSE(broken.held);
  CHECK(broken.evidence == "1 violation: task task-1 of framework fw-0000: the scheduler first got u1 (TASK_RUNNING) "
                           "at 1.200000s, after u2 (TASK_FINISHED), but the agent's status update manager received u1 "
                           "first");

  // Streams of different tasks are independent.
  Trace two;
  two.received(1, "a1", "TASK_RUNNING", false, "task-a").received(1, "b1", "TASK_RUNNING", false, "task-b");
  two.schedulerGets(2, "b1", "TASK_RUNNING", "task-b").schedulerGets(3, "a1", "TASK_RUNNING", "task-a");
  CHECK(harness::updatesInOrder(two.records).held);
}

TEST_CASE("retried_until_acknowledged: an unacknowledged update is resent within 10mins + 1secs") {
  // The manager's backoff: 10secs, 20secs, ..., capped at 10mins.
  Trace t;
  t.agentState(0, "RUNNING").received(1, "u1", "TASK_RUNNING").agentSend(1, "u1", "TASK_RUNNING");
  double at = 1;
  for (double interval : {10.0, 20.0, 40.0, 80.0, 160.0, 320.0, 600.0, 600.0}) {
    at += interval;
    t.agentSend(at, "u1", "TASK_RUNNING");
  }
  t.acknowledged(at + 0.01, "u1");
  CHECK(harness::retriedUntilAcknowledged(t.records, secs(at + 1000)).held);

  // No resend for 11 minutes while still RUNNING.
  Trace late;
  late.agentState(0, "RUNNING").agentSend(1, "u1", "TASK_RUNNING").agentSend(662, "u1", "TASK_RUNNING");
  const auto broken = harness::retriedUntilAcknowledged(late.records, secs(700));
  CHECK_FALSE(broken.held);
  CHECK(broken.evidence == "1 violation: agent-1 sent u1 (TASK_RUNNING of task task-1) at 1.000000s and not again "
                           "within 10mins + 1secs (resent only at 662.000000s)");

  // Never resent, and the run went on past the bound.
  Trace silent;
  silent.agentState(0, "RUNNING").agentSend(1, "u1", "TASK_RUNNING");
  CHECK_FALSE(harness::retriedUntilAcknowledged(silent.records, secs(700)).held);
  // ... but a run that ends before the bound owes nothing yet.
  CHECK(harness::retriedUntilAcknowledged(silent.records, secs(500)).held);
  // The last record's time counts as the end too.
  silent.agentState(900, "RUNNING");
  CHECK_FALSE(harness::retriedUntilAcknowledged(silent.records, secs(0)).held);

  // An acknowledgement after the bound does not excuse the missing resend.
  Trace ackLate;
  ackLate.agentState(0, "RUNNING").agentSend(1, "u1", "TASK_RUNNING").acknowledged(700, "u1");
  CHECK_FALSE(harness::retriedUntilAcknowledged(ackLate.records, secs(800)).held);
}

TEST_CASE("retried_until_acknowledged: acknowledgement, closing, leaving RUNNING or a kill ends the obligation") {
  Trace acked;
  acked.agentState(0, "RUNNING").agentSend(1, "u1", "TASK_RUNNING").acknowledged(1.1, "u1");
  CHECK(harness::retriedUntilAcknowledged(acked.records, secs(5000)).held);

  Trace closedStream;
  closedStream.agentState(0, "RUNNING").agentSend(1, "u2", "TASK_FINISHED").closed(1.1, "u1", "u2");
  CHECK(harness::retriedUntilAcknowledged(closedStream.records, secs(5000)).held);

  Trace cleaned;
  cleaned.agentState(0, "RUNNING").agentSend(1, "u1", "TASK_RUNNING").stream(2, "CLEANED_UP", {{"framework_id", "fw-0000"}});
  CHECK(harness::retriedUntilAcknowledged(cleaned.records, secs(5000)).held);

  Trace disconnected;
  disconnected.agentState(0, "RUNNING").agentSend(1, "u1", "TASK_RUNNING").agentState(5, "DISCONNECTED", "RUNNING");
  CHECK(harness::retriedUntilAcknowledged(disconnected.records, secs(5000)).held);

  Trace killed;
  killed.agentState(0, "RUNNING").agentSend(1, "u1", "TASK_RUNNING").fault(5, "kill");
  CHECK(harness::retriedUntilAcknowledged(killed.records, secs(5000)).held);

  Trace crashed;
  crashed.agentState(0, "RUNNING").agentSend(1, "u1", "TASK_RUNNING").fault(5, "crash");
  CHECK(harness::retriedUntilAcknowledged(crashed.records, secs(5000)).held);

  // Killing an executor's container leaves the agent retrying.
  Trace executorKilled;
  executorKilled.agentState(0, "RUNNING").agentSend(1, "u1", "TASK_RUNNING").fault(5, "kill", "container c1");
  CHECK_FALSE(harness::retriedUntilAcknowledged(executorKilled.records, secs(5000)).held);

  // A send while the agent is not RUNNING promises nothing.
  Trace notRunning;
  notRunning.agentState(0, "DISCONNECTED").agentSend(1, "u1", "TASK_RUNNING");
  CHECK(harness::retriedUntilAcknowledged(notRunning.records, secs(5000)).held);

  // Leaving RUNNING after the bound had passed is too late.
  Trace leftLate;
  leftLate.agentState(0, "RUNNING").agentSend(1, "u1", "TASK_RUNNING").agentState(700, "DISCONNECTED", "RUNNING");
  CHECK_FALSE(harness::retriedUntilAcknowledged(leftLate.records, secs(5000)).held);
}

TEST_CASE("no_resend_after_acknowledgement: an acknowledged UUID is never sent again by that agent") {
  Trace t;
  t.agentState(0, "RUNNING")
      .agentSend(1, "u1", "TASK_RUNNING")
      .agentSend(11, "u1", "TASK_RUNNING")
      .acknowledged(11.1, "u1")
      .agentSend(12, "u2", "TASK_FINISHED");
  const auto ok = harness::noResendAfterAcknowledgement(t.records);
  CHECK(ok.held);
  CHECK(ok.evidence == "1 acknowledged update(s), none sent again");

  t.agentSend(21, "u1", "TASK_RUNNING");
  const auto broken = harness::noResendAfterAcknowledgement(t.records);
  CHECK_FALSE(broken.held);
  CHECK(broken.evidence == "1 violation: agent-1 sent u1 (TASK_RUNNING of task task-1) again at 21.000000s, after its "
                           "status update manager acknowledged it at 11.100000s");

  // The master relaying the same UUID is not the agent resending.
  Trace relay;
  relay.acknowledged(1, "u1").add(RecordKind::Send, 2, "master", "master-1", "StatusUpdateMessage",
                                  {{"uuid", "u1"}, {"task_id", "task-1"}});
  CHECK(harness::noResendAfterAcknowledgement(relay.records).held);
}

TEST_CASE("nothing_after_terminal_acknowledgement: updates discarded with a closed stream never reach a scheduler") {
  Trace t;
  t.received(1, "u1", "TASK_FINISHED").received(1, "u2", "TASK_RUNNING");
  t.schedulerGets(1.1, "u1", "TASK_FINISHED").acknowledged(1.2, "u1").closed(1.2, "u1", "u2");
  t.schedulerGets(1.3, "u1", "TASK_FINISHED");  // a late duplicate of the terminal update itself is fine
  const auto ok = harness::nothingAfterTerminalAcknowledgement(t.records);
  CHECK(ok.held);
  CHECK(ok.evidence == "1 update(s) discarded behind an acknowledged terminal update, none delivered");

  t.schedulerGets(2, "u2", "TASK_RUNNING");
  const auto broken = harness::nothingAfterTerminalAcknowledgement(t.records);
  CHECK_FALSE(broken.held);
  CHECK(broken.evidence == "1 violation: u2 (TASK_RUNNING of task task-1) reached the scheduler on framework-1 at "
                           "2.000000s, after its stream was closed at 1.200000s by the acknowledgement of the "
                           "terminal update");

  // A delivery before the stream closed does not count.
  Trace before;
  before.schedulerGets(1, "u2", "TASK_RUNNING").closed(2, "u1", "u2");
  CHECK(harness::nothingAfterTerminalAcknowledgement(before.records).held);
  // Nor does an empty discarded list.
  Trace none;
  none.closed(2, "u1", "").schedulerGets(3, "u1", "TASK_FINISHED");
  CHECK(harness::nothingAfterTerminalAcknowledgement(none.records).held);
}

TEST_CASE("checkpointed_updates_survive_restarts: the restarted agent recovers what was pending") {
  Trace t;
  t.agentState(0, "RUNNING")
      .received(1, "u1", "TASK_STARTING", true)
      .received(1, "u2", "TASK_RUNNING", true)
      .acknowledged(1.1, "u1")
      .fault(3, "kill")
      .agentState(3, "RECOVERING")
      .recovered(3.01, "u2")
      .agentState(3.02, "DISCONNECTED", "RECOVERING");
  const auto ok = harness::checkpointedUpdatesSurviveRestarts(t.records);
  CHECK(ok.held);
  CHECK(ok.evidence == "1 agent restart(s); 1 checkpointed, unacknowledged update(s) at them, each recovered");

  Trace lost;
  lost.agentState(0, "RUNNING")
      .received(1, "u1", "TASK_RUNNING", true)
      .fault(3, "kill")
      .agentState(3, "RECOVERING")
      .agentState(3.02, "DISCONNECTED", "RECOVERING");
  const auto broken = harness::checkpointedUpdatesSurviveRestarts(lost.records);
  CHECK_FALSE(broken.held);
  CHECK(broken.evidence == "1 violation: u1 (TASK_RUNNING of task task-1 of framework fw-0000) was checkpointed on "
                           "agent-1 and unacknowledged when the agent was killed at 3.000000s, but the restarted agent "
                           "did not recover it");

  // Without checkpointing nothing is owed; nor when recovery never finished.
  Trace notCheckpointed;
  notCheckpointed.received(1, "u1", "TASK_RUNNING", false).fault(3, "kill").agentState(3.02, "DISCONNECTED", "RECOVERING");
  CHECK(harness::checkpointedUpdatesSurviveRestarts(notCheckpointed.records).held);
  Trace unfinished;
  unfinished.received(1, "u1", "TASK_RUNNING", true).fault(3, "kill").agentState(3, "RECOVERING");
  CHECK(harness::checkpointedUpdatesSurviveRestarts(unfinished.records).held);

  // Closed or cleaned up before the kill: nothing owed.
  Trace closedFirst;
  closedFirst.received(1, "u1", "TASK_FINISHED", true).closed(2, "u1", "").fault(3, "kill").agentState(
      3.02, "DISCONNECTED", "RECOVERING");
  CHECK(harness::checkpointedUpdatesSurviveRestarts(closedFirst.records).held);
  Trace cleaned;
  cleaned.received(1, "u1", "TASK_RUNNING", true)
      .stream(2, "CLEANED_UP", {{"framework_id", "fw-0000"}})
      .fault(3, "kill")
      .agentState(3.02, "DISCONNECTED", "RECOVERING");
  CHECK(harness::checkpointedUpdatesSurviveRestarts(cleaned.records).held);

  // Killing an executor's container is no agent restart.
  Trace executorKill;
  executorKill.received(1, "u1", "TASK_RUNNING", true).fault(3, "kill", "container c1").agentState(
      4, "DISCONNECTED", "RECOVERING");
  CHECK(harness::checkpointedUpdatesSurviveRestarts(executorKill.records).held);

  // Still pending at a second restart: owed again.
  Trace twice;
  twice.received(1, "u1", "TASK_RUNNING", true)
      .fault(3, "kill")
      .recovered(3.01, "u1")
      .agentState(3.02, "DISCONNECTED", "RECOVERING")
      .fault(10, "kill")
      .agentState(10.02, "DISCONNECTED", "RECOVERING");
  CHECK_FALSE(harness::checkpointedUpdatesSurviveRestarts(twice.records).held);

  // After a host reboot (unsynced data may be gone), only what was recovered is owed.
  Trace rebooted;
  rebooted.received(1, "u1", "TASK_RUNNING", true)
      .fault(2, "crash")
      .fault(2, "restart")
      .agentState(2.02, "DISCONNECTED", "RECOVERING")
      .fault(10, "kill")
      .agentState(10.02, "DISCONNECTED", "RECOVERING");
  CHECK(harness::checkpointedUpdatesSurviveRestarts(rebooted.records).held);
}

TEST_CASE("an update is its framework, task and UUID: the same UUID in another task is another update") {
  Trace t;
  t.agentState(0, "RUNNING").agentSend(1, "u1", "TASK_RUNNING").acknowledged(1.1, "u1", "task-1");
  t.add(RecordKind::Send, 2, "slave(1)", "agent-1", "StatusUpdateMessage",
        {{"framework_id", "fw-0000"}, {"task_id", "task-2"}, {"state", "TASK_RUNNING"}, {"uuid", "u1"}});
  CHECK(harness::noResendAfterAcknowledgement(t.records).held);
  // task-2's u1 is still owed a resend.
  CHECK_FALSE(harness::retriedUntilAcknowledged(t.records, secs(1000)).held);
  t.acknowledged(3, "u1", "task-2");
  CHECK(harness::retriedUntilAcknowledged(t.records, secs(1000)).held);
}
