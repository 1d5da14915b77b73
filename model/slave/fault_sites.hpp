#pragma once
// The firing fault sites on the agent's startup and recovery paths (sim/fault_site.hpp,
// as FoundationDB's BUGGIFY). Off unless a scenario's fire_site action (or the fuzzer)
// turns one on; a reach that fires takes the failure path Mesos has there, named in
// `fires`. Each reach is counted for the run report whether it fires or not.
#include <memory>
#include <vector>

#include "sim/fault_site.hpp"

namespace agentsim::model {

inline constexpr std::string_view kStateRecoverSite = "state::recover";
inline constexpr std::string_view kStatusUpdateManagerRecoverSite = "StatusUpdateManager::recover";
inline constexpr std::string_view kContainerizerRecoverSite = "Containerizer::recover";
inline constexpr std::string_view kContainerizerLaunchSite = "Containerizer::launch";
inline constexpr std::string_view kContainerizerUpdateSite = "Containerizer::update";
inline constexpr std::string_view kStateCheckpointSite = "state::checkpoint";
inline constexpr std::string_view kStatusUpdateStreamCheckpointSite = "StatusUpdateStream::checkpoint";
inline constexpr std::string_view kFetcherFetchSite = "Fetcher::fetch";
inline constexpr std::string_view kMasterDetectorDetectSite = "MasterDetector::detect";
inline constexpr std::string_view kGarbageCollectorRemoveSite = "GarbageCollector::remove";
inline constexpr std::string_view kDiskUsageSite = "fs::usage";
inline constexpr std::string_view kContainerizerDestroySite = "Containerizer::destroy";
inline constexpr std::string_view kExecutorLaunchSite = "MesosContainerizerLaunch::execute";
inline constexpr std::string_view kRegistrationSendSite = "Slave::doReliableRegistration";

// Containerizer::launch is a holding site too (agentHoldSites below):
// the Mesos tests hand the agent a containerizer whose launch returns a future they
// satisfy later (SlaveTest, SlaveRecoveryTest: a kill, a restart, a framework shutdown
// while launching). Held, Slave::launchExecutor's launch reaches the containerizer only
// when the hold is released (the container does not exist meanwhile), or never if the
// agent is gone by then. The reach's attribute ("executor"): the command executor or a
// custom one.
inline const std::vector<std::string_view>& containerizerLaunchExecutors() {
  static const std::vector<std::string_view> kinds{"command", "custom"};
  return kinds;
}

// The agent's hold sites (a hold parks what reaches it until a release; sim/fault_site.hpp):
// GarbageCollector::unschedule, the collected future of the directories Slave::run
// unschedules from GC before its _run (src/slave/slave.cpp). A held _run is how
// SlaveTest.KillTaskBetweenRunTaskParts keeps a task pending.
inline constexpr std::string_view kGarbageCollectorUnscheduleSite = "GarbageCollector::unschedule";

inline const std::vector<std::string_view>& unscheduleCallers() {
  static const std::vector<std::string_view> callers{"Slave::run"};
  return callers;
}

// Containerizer::update (a firing site too) before Slave::__run sends an executor its
// queued tasks: from Slave::registerExecutor (the tasks queued while it registered) or
// Slave::_run (a task for a running executor). Held, the tasks stay queued (killable:
// "Task killed while it was queued") until the release runs __run.
inline const std::vector<std::string_view>& containerizerUpdateCallers() {
  static const std::vector<std::string_view> callers{"Slave::registerExecutor", "Slave::_run"};
  return callers;
}

// Containerizer::destroy (a firing site too): the isolators' cleanup of a DESTROYING
// container (MesosContainerizerProcess::____destroy), after the launcher's kill. Held,
// the container stays DESTROYING (a second destroy, a limitation and the executor's exit
// change nothing; wait waits) until the release sets its termination. The reach's
// attribute ("state"): the state the destroy found.
inline const std::vector<std::string_view>& containerizerDestroyStates() {
  static const std::vector<std::string_view> states{"FETCHING", "PREPARING", "RUNNING"};
  return states;
}

inline const std::vector<sim::FaultSiteSpec>& agentHoldSites() {
  static const std::vector<sim::FaultSiteSpec> sites{
      {kGarbageCollectorUnscheduleSite, "caller", unscheduleCallers(),
       "the directories the agent unschedules from GC before it launches a task (src/slave/slave.cpp: Slave::run, "
       "collect(unschedules)): held, the task stays pending until the release runs Slave::_run"},
      {kContainerizerLaunchSite, "executor", containerizerLaunchExecutors(),
       "the agent's launch of an executor's container (Containerizer::launch, from Slave::launchExecutor; "
       "model/slave/fault_sites.hpp): held, the launch reaches the containerizer when the hold is released"},
      {kContainerizerUpdateSite, "caller", containerizerUpdateCallers(),
       "the agent's update of an executor's container before Slave::__run sends it its queued tasks "
       "(src/slave/slave.cpp: registerExecutor, _run): held, the tasks stay queued until the release runs __run"},
      {kContainerizerDestroySite, "state", containerizerDestroyStates(),
       "the isolators' cleanup of a container being destroyed (src/slave/containerizer/mesos/containerizer.cpp: "
       "MesosContainerizerProcess::____destroy), after its processes are killed: held, the container stays "
       "DESTROYING and its termination (the agent's executorTerminated) waits for the release"},
  };
  return sites;
}

// Whether a reach of a firing site by `owner` fires (none: every site is off).
inline bool siteFires(const std::shared_ptr<sim::FaultSites>& faults, const sim::Process& owner, std::string_view site,
                      std::string_view what = {}) {
  return faults != nullptr && faults->fires(owner, site, what);
}

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
      {kStateCheckpointSite, {}, {},
       "the agent checkpoints its SlaveInfo on its first registration (src/slave/slave.cpp: Slave::registered, "
       "state::checkpoint)",
       "the write fails: CHECK_SOME(state::checkpoint(path, info)) aborts the agent"},
      {kStatusUpdateStreamCheckpointSite, {}, {},
       "the status update manager appends a checkpointed update to task.updates (src/slave/"
       "status_update_manager.cpp: StatusUpdateStream::handle)",
       "the write fails: StatusUpdateManager::update's future fails and Slave::__statusUpdate's CHECK_READY aborts "
       "the agent"},
      {kFetcherFetchSite, {}, {},
       "the fetcher downloads one of a container's URIs (src/slave/containerizer/fetcher.cpp: FetcherProcess::fetch)",
       "the download fails: the fetch fails, the launch with it, and the tasks end TASK_FAILED with "
       "REASON_CONTAINER_LAUNCH_FAILED"},
      {kMasterDetectorDetectSite, {}, {},
       "the agent's master detector answers (src/slave/slave.cpp: Slave::detected)",
       "the detection future fails: Slave::detected exits the agent ('Failed to detect a master: ...')"},
      {kGarbageCollectorRemoveSite, {}, {},
       "the garbage collector removes a due path (src/slave/gc.cpp: GarbageCollectorProcess::remove)",
       "os::rmdir fails: 'Failed to delete', gc/path_removals_failed counts it, the removal future fails and "
       "the path is not scheduled again"},
      {kDiskUsageSite, {}, {},
       "the agent measures its work_dir's disk usage (src/slave/slave.cpp: Slave::checkDiskUsage)",
       "fs::usage fails: Slave::_checkDiskUsage logs 'Failed to get disk usage' and prunes nothing until the next "
       "check"},
      {kContainerizerUpdateSite, {}, {},
       "the agent updates an executor's container resources for a task's terminal update (Containerizer::update, "
       "from Slave::_statusUpdate), before it sends queued tasks to the executor (from Slave::registerExecutor "
       "and _run), or when an executor reregisters (Slave::reregisterExecutor)",
       "the update future fails: Slave::__statusUpdate or __run destroys the container, and the executor's other "
       "live or queued tasks end TASK_LOST (TASK_GONE if partition-aware) with REASON_CONTAINER_UPDATE_FAILED"},
      {kContainerizerDestroySite, {}, {},
       "the containerizer cleans up the isolators of a container it destroys (src/slave/containerizer/mesos/"
       "containerizer.cpp: MesosContainerizerProcess::____destroy); its processes are killed first",
       "an isolator's cleanup fails: ____destroy fails the termination ('Failed to clean up an isolator when "
       "destroying container') and forgets the container; Slave::executorTerminated sees a failed wait "
       "(terminated with unknown status) and fails the executor's live tasks"},
      {kExecutorLaunchSite, {}, {},
       "the container's launch helper execs the executor's command (src/slave/containerizer/mesos/launch.cpp: "
       "MesosContainerizerLaunch::execute)",
       "exec fails: the helper exits with status 1 before the executor registers; the container's wait reports "
       "it and Slave::executorTerminated fails the executor's tasks"},
      {kRegistrationSendSite, {}, {},
       "the agent sends RegisterSlaveMessage or ReregisterSlaveMessage to the master (src/slave/slave.cpp: "
       "Slave::doReliableRegistration)",
       "the socket write fails: libprocess loses the message and breaks the link (Slave::exited: 'Master "
       "disconnected!'); the registration retry timer sends it again"},
  };
  return sites;
}

}  // namespace agentsim::model
