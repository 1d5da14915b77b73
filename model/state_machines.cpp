#include "model/state_machines.hpp"

#include <algorithm>

#include "model/exec/exec.hpp"
#include "model/master/contender/zookeeper.hpp"
#include "model/master/master.hpp"
#include "model/sched/sched.hpp"
#include "model/slave/containerizer/containerizer.hpp"
#include "model/slave/gc.hpp"
#include "model/slave/qos_controller.hpp"
#include "model/slave/slave.hpp"
#include "model/slave/status_update_manager.hpp"
#include "model/zookeeper/group.hpp"
#include "model/zookeeper/server.hpp"
#include "model/zookeeper/zookeeper.hpp"

namespace agentsim::model {

const std::vector<const sim::StateMachine*>& stateMachines() {
  static const std::vector<const sim::StateMachine*> all = [] {
    std::vector<const sim::StateMachine*> v{
        &machines::kContainer,           &machines::kExecutor,          &machines::kExecutorFrameworkMessage, &machines::kGarbageCollector,
        &machines::kGroupProcess,        &machines::kLoadQoSController, &machines::kLeaderContender, &machines::kMasterFramework,
        &machines::kMasterTask,          &machines::kSlaveTask,
        &machines::kMasterLeadership,    &machines::kMasterSlave,       &machines::kSchedulerError, &machines::kSchedulerExecutorLost, &machines::kSchedulerFrameworkMessage,
        &machines::kSchedulerSlaveLost,  &machines::kSchedulerStatusUpdate, &machines::kSchedulerConnected,
        &machines::kSlaveExecutor,       &machines::kSlaveFramework,    &machines::kSlave,
        &machines::kStatusUpdateStream,  &machines::kZooKeeperProcess,  &machines::kZooKeeperServer,
    };
    std::sort(v.begin(), v.end(), [](const sim::StateMachine* a, const sim::StateMachine* b) { return a->name < b->name; });
    return v;
  }();
  return all;
}

const sim::StateMachine* findStateMachine(std::string_view name) {
  for (const sim::StateMachine* m : stateMachines()) {
    if (m->name == name) return m;
  }
  return nullptr;
}

}  // namespace agentsim::model
