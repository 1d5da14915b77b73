#pragma once
// Invariants: rules of Mesos's status update protocol that every run must keep, whatever
// its scenario says. harness::runScenario runs each as an observer of the run's records
// (InvariantCheck; a saved trace is checked by the same observers, Invariant::over) and
// records each verdict, after the expectations', as a `check` record. docs/scenario-format.md lists them.
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
#include <memory>
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

// An invariant as an observer of one run: it is handed, as they are emitted, the records
// its Invariant::interest names, keeps only the state its rule needs (the unacknowledged
// updates per agent, the streams' orders), and gives its verdict at the end.
class InvariantCheck {
 public:
  virtual ~InvariantCheck() = default;
  virtual void observe(const sim::Record& record) = 0;
  // `end`: when the run stopped.
  virtual InvariantResult finish(sim::Time end) = 0;
};

struct Invariant {
  std::string_view name;
  std::string_view help;  // the rule, and the Mesos code that keeps it
  sim::Interest interest;  // the records its check reads
  std::function<std::unique_ptr<InvariantCheck>()> check;  // a fresh observer for one run
  // Over a saved trace: a fresh check fed the records it subscribed to. `end`: when the
  // run stopped (the last record's time counts too, if later).
  InvariantResult over(const std::vector<sim::Record>& records, sim::Time end) const;
};

// The Mesos status update manager resends an unacknowledged update at most this long
// after the previous send (STATUS_UPDATE_RETRY_INTERVAL_MAX, 10mins), plus a second of
// slack for the dispatch from the manager to the agent and the agent's send.
inline constexpr sim::Duration kRetryBound = sim::Minutes(10) + sim::Seconds(1);

const std::vector<Invariant>& invariants();
std::vector<InvariantResult> checkInvariants(const std::vector<sim::Record>& records, sim::Time end);

// Every invariant as an observer of a trace read record by record (`agentsim invariants`):
// holds only what the checks keep, never the records.
class InvariantObservers {
 public:
  InvariantObservers();
  void observe(const sim::Record& record);
  // The verdicts, in invariants() order. `end`: when the run stopped (the last record's
  // time counts too, if later).
  std::vector<InvariantResult> finish(sim::Time end);

 private:
  std::vector<std::unique_ptr<InvariantCheck>> checks_;
  sim::Time last_;
};

// One by one, for tests.
InvariantResult updatesInOrder(const std::vector<sim::Record>& records);
InvariantResult retriedUntilAcknowledged(const std::vector<sim::Record>& records, sim::Time end);
InvariantResult noResendAfterAcknowledgement(const std::vector<sim::Record>& records);
InvariantResult nothingAfterTerminalAcknowledgement(const std::vector<sim::Record>& records);
InvariantResult checkpointedUpdatesSurviveRestarts(const std::vector<sim::Record>& records);

}  // namespace agentsim::harness
