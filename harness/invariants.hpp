#pragma once
// Invariants: rules of Mesos's status update protocol that every run must keep, whatever
// its scenario says. harness::runScenario checks each after the expectations, over the
// trace records only (so a saved trace can be checked the same way), and records each
// verdict as a `check` record. docs/scenario-format.md lists them.
//
// The records they read (docs/trace-format.md):
//  - `state` records "StatusUpdateStream" on an agent's host, `state` one of RECEIVED
//    (framework_id, task_id, uuid, task_state, checkpoint), DUPLICATE (uuid),
//    ACKNOWLEDGED (framework_id, task_id, uuid), CLOSED (framework_id, task_id, uuid,
//    discarded: comma-separated UUIDs), CLEANED_UP (framework_id), RECOVERED
//    (framework_id, task_id, uuid);
//  - `send` and `deliver` records of StatusUpdateMessage (framework_id, task_id, state,
//    uuid, source, latest_state, from, to);
//  - `state` records "Scheduler::statusUpdate" on a framework's host (task_id, uuid, ...);
//  - `state` records "Slave::State" (state, previous);
//  - `fault` records "kill" (program: "(boot program)" for the agent itself), "crash"
//    and "restart", with the host.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/time.hpp"
#include "sim/trace.hpp"

namespace agentsim::harness {

struct InvariantResult {
  std::string name;
  bool held = true;
  std::string evidence;
  std::vector<std::uint64_t> seqs = {};  // the records a violation names (`evidence_seqs`)
};

struct Invariant {
  std::string_view name;
  std::string_view help;  // the rule, and the Mesos code that keeps it
  // `end`: when the run stopped (the last record's time counts too, if later).
  std::function<InvariantResult(const std::vector<sim::Record>&, sim::Time end)> check;
};

// The Mesos status update manager resends an unacknowledged update at most this long
// after the previous send (STATUS_UPDATE_RETRY_INTERVAL_MAX, 10mins), plus a second of
// slack for the dispatch from the manager to the agent and the agent's send.
inline constexpr sim::Duration kRetryBound = sim::Minutes(10) + sim::Seconds(1);

const std::vector<Invariant>& invariants();
std::vector<InvariantResult> checkInvariants(const std::vector<sim::Record>& records, sim::Time end);

// One by one, for tests.
InvariantResult updatesInOrder(const std::vector<sim::Record>& records);
InvariantResult retriedUntilAcknowledged(const std::vector<sim::Record>& records, sim::Time end);
InvariantResult noResendAfterAcknowledgement(const std::vector<sim::Record>& records);
InvariantResult nothingAfterTerminalAcknowledgement(const std::vector<sim::Record>& records);
InvariantResult checkpointedUpdatesSurviveRestarts(const std::vector<sim::Record>& records);

}  // namespace agentsim::harness
