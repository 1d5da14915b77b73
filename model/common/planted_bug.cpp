#include "model/common/planted_bug.hpp"

namespace agentsim::model {

const std::vector<PlantedBugSpec>& plantedBugs() {
  static const std::vector<PlantedBugSpec> bugs{
      {"status-update-retry-uncapped",
       "StatusUpdateManagerProcess::timeout doubles the retry interval without capping it at "
       "STATUS_UPDATE_RETRY_INTERVAL_MAX (10mins), so an unacknowledged update waits 640secs and longer between "
       "re-sends.",
       PlantedBugId::StatusUpdateRetryUncapped, "retried_until_acknowledged"},
      {"terminal-ack-keeps-stream",
       "StatusUpdateManagerProcess::acknowledgement takes the acknowledgement of a terminal update without closing "
       "its stream or popping the update, so the retry timer sends the acknowledged update again.",
       PlantedBugId::TerminalAckKeepsStream, "no_resend_after_acknowledgement"},
      {"replay-ignores-acknowledgements",
       "StatusUpdateStream::replay replays the checkpointed updates of a recovering agent without their ACK "
       "records, so the restarted agent sends acknowledged updates again.",
       PlantedBugId::ReplayIgnoresAcknowledgements, "no_resend_after_acknowledgement"},
      {"resume-without-retry-timer",
       "StatusUpdateManagerProcess::resume re-forwards the head of every stream without arming its retry timer, so a "
       "re-forward lost after a (re)registration is never sent again.",
       PlantedBugId::ResumeWithoutRetryTimer, "retried_until_acknowledged"},
      {"update-forwarded-before-checkpoint",
       "StatusUpdateStream::update forwards a checkpointed update before writing it to task.updates (the write "
       "waits for its acknowledgement), so an agent killed in between does not recover it.",
       PlantedBugId::UpdateForwardedBeforeCheckpoint, "checkpointed_updates_survive_restarts"},
      {"contender-ignores-session-expiry",
       "Master::lostCandidacy ignores the loss of the leading master's candidacy when its ZooKeeper session "
       "expires, so it keeps leading next to the master ZooKeeper elected in its place.",
       PlantedBugId::ContenderIgnoresSessionExpiry, "one_leader_per_view"},
      {"reregistered-while-terminating",
       "Slave::reregistered handles a SlaveReregisteredMessage that arrives after the agent began shutting down as "
       "if it were DISCONNECTED, moving it from TERMINATING back to RUNNING.",
       PlantedBugId::ReregisteredWhileTerminating, "agent_state_transitions"},
      {"reconciliation-lost-without-reason",
       "Slave::reregistered reports a task the master reconciles and the agent does not know as TASK_LOST without "
       "REASON_RECONCILIATION.",
       PlantedBugId::ReconciliationLostWithoutReason, "task_lost_with_reason"},
  };
  return bugs;
}

const PlantedBugSpec* findPlantedBug(std::string_view name) {
  for (const PlantedBugSpec& b : plantedBugs()) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

}  // namespace agentsim::model
