#pragma once
// The firing fault sites on the agent's startup and recovery paths (sim/fault_site.hpp,
// as FoundationDB's BUGGIFY). Off unless a scenario's fire_site action (or the fuzzer)
// turns one on; a reach that fires takes the failure path Mesos has there, named in
// `fires`. Each reach is counted for the run report whether it fires or not.
#include <vector>

#include "sim/fault_site.hpp"

namespace agentsim::model {

inline constexpr std::string_view kStateRecoverSite = "state::recover";
inline constexpr std::string_view kStatusUpdateManagerRecoverSite = "StatusUpdateManager::recover";
inline constexpr std::string_view kContainerizerRecoverSite = "Containerizer::recover";
inline constexpr std::string_view kContainerizerLaunchSite = "Containerizer::launch";
inline constexpr std::string_view kContainerizerUpdateSite = "Containerizer::update";

inline const std::vector<sim::FaultSiteSpec>& firingSites() {
  static const std::vector<sim::FaultSiteSpec> sites{
      {kStateRecoverSite, {}, {}, "the agent reads its checkpointed state (src/slave/state.cpp: state::recover)",
       "the read fails: Slave::__recover exits the agent ('Failed to perform recovery: ...', exit status 1)"},
      {kStatusUpdateManagerRecoverSite, {}, {},
       "the agent replays its tasks' task.updates (src/slave/status_update_manager.cpp: "
       "StatusUpdateManager::recover)",
       "the replay's future fails: Slave::__recover exits the agent ('Failed to perform recovery: Failed to "
       "recover status updates: ...')"},
      {kContainerizerRecoverSite, {}, {},
       "the agent recovers its containers (src/slave/containerizer/containerizer.cpp: Containerizer::recover)",
       "the future fails: Slave::__recover exits the agent ('Failed to perform recovery: Failed to recover the "
       "containerizer: ...')"},
      {kContainerizerLaunchSite, {}, {},
       "the agent launches an executor's container (Containerizer::launch, from Slave::_run)",
       "the launch future fails: Slave::executorLaunched destroys the container and its tasks end TASK_FAILED "
       "with REASON_CONTAINER_LAUNCH_FAILED"},
      {kContainerizerUpdateSite, {}, {},
       "the agent updates an executor's container resources for a task's terminal update (Containerizer::update, "
       "from Slave::_statusUpdate)",
       "the update future fails: Slave::__statusUpdate destroys the container, and the executor's other live "
       "tasks end TASK_LOST (TASK_GONE if partition-aware) with REASON_CONTAINER_UPDATE_FAILED"},
  };
  return sites;
}

}  // namespace agentsim::model
