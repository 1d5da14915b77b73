#pragma once
// Invariant task_lost_with_reason: every TASK_LOST, TASK_DROPPED, TASK_GONE,
// TASK_GONE_BY_OPERATOR or TASK_UNREACHABLE that the agent or the master generates
// (source SOURCE_SLAVE or SOURCE_MASTER) carries a Mesos reason (TaskStatus::Reason:
// REASON_RECONCILIATION, REASON_SLAVE_REMOVED, REASON_EXECUTOR_TERMINATED, ...), so a
// framework can tell why its task is gone. An executor's own updates are its business.
// It reads `send` records of StatusUpdateMessage (state, source, reason, uuid, task_id)
// and the scheduler's `state` records "Scheduler::statusUpdate".
#include <set>
#include <string>

#include "harness/rule.hpp"

namespace agentsim::harness {

class TaskLostWithReason {
 public:
  static constexpr std::string_view kName = "task_lost_with_reason";
  static const RuleSubscription& subscription();
  void observe(const sim::Record& r);
  InvariantResult finish(sim::Time end) const;

  // The task states that say a task is gone without having finished on its own.
  static bool lostState(std::string_view state);

 private:
  std::set<std::string> seen_;      // UUIDs of such updates
  std::set<std::string> reported_;  // UUIDs of those without a reason
  RuleViolations violations_;
};

}  // namespace agentsim::harness
