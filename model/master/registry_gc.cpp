// Registry GC (src/master/master.cpp: Master::scheduleRegistryGc, doRegistryGc,
// _doRegistryGc; the registrar's PruneUnreachable, src/master/master.hpp). It promises:
//  - the leading master runs it every --registry_gc_interval from the registry's
//    recovery (Master::_recover), the next run armed before this one looks;
//  - it walks the unreachable list in the order agents were marked: while more than
//    --registry_max_agent_count are left, the earliest goes; any other goes if it was
//    marked more than --registry_max_agent_age ago (strictly more);
//  - nothing to prune: nothing applied ("Skipping periodic registry garbage collection",
//    VLOG(1) in Mesos: no record here);
//  - else PruneUnreachable goes through the registrar (a scenario may hold it:
//    model/master/registrar.hpp) and, once applied, each pruned agent still in the
//    unreachable list leaves it; one readmitted meanwhile is skipped with Mesos's
//    warning. A pruned agent is then unknown: reconciliation of its tasks answers
//    TASK_LOST (TASK_UNKNOWN when partition-aware) with no unreachable_time, and its
//    reregistration is admitted all the same (MarkSlaveReachable changes the registry:
//    the agent joins the admitted list), as "Unknown agent reregistered";
//  - later Mesos (1.2+) also forgets the pruned agents' unreachable tasks
//    (Framework::unreachableTasks, which master/tasks_unreachable counts); 1.1 kept none.
// No metric counts it ("TODO(neilc): Add a metric", 1.1 and later).
#include <fmt/format.h>

#include "model/master/master.hpp"

namespace agentsim::model {

void Master::addUnreachable(const std::string& slaveId, sim::Time at) {
  if (unreachable_.emplace(slaveId, at).second) {
    unreachable_order_.push_back(slaveId);
  } else {
    unreachable_[slaveId] = at;  // LinkedHashMap::operator[]: the key keeps its place
  }
}

void Master::eraseUnreachable(const std::string& slaveId) {
  if (unreachable_.erase(slaveId) != 0) std::erase(unreachable_order_, slaveId);
}

void Master::scheduleRegistryGc() {
  delay(flags_.registry_gc_interval, "Master::doRegistryGc", [this] { doRegistryGc(); });
}

void Master::doRegistryGc() {
  scheduleRegistryGc();
  const std::size_t unreachableCount = unreachable_order_.size();
  const sim::Time currentTime = now();
  std::set<std::string> toRemove;
  for (const std::string& slaveId : unreachable_order_) {
    const std::size_t liveCount = unreachableCount - toRemove.size();
    if (liveCount > flags_.registry_max_agent_count) {
      toRemove.insert(slaveId);
      continue;
    }
    if (currentTime - unreachable_.at(slaveId) > flags_.registry_max_agent_age) toRemove.insert(slaveId);
  }
  if (toRemove.empty()) return;
  registrarReach(RegistryOperation::PruneUnreachable, "Master::_doRegistryGc", [this, toRemove] {
    const bool changed = registry_.prune(toRemove);
    if (changed && flags_.registry == "replicated_log" && env_.log) env_.log->prune(toRemove);
    log(changed ? fmt::format("Applied registry operation PruneUnreachable for {} agents", toRemove.size())
                : fmt::format("Registry operation PruneUnreachable for {} agents changed nothing", toRemove.size()),
        {{"operation", std::string(toString(RegistryOperation::PruneUnreachable))},
         {"slave_ids", fmt::format("{}", fmt::join(toRemove, ","))},
         {"changed", changed}},
        kRegistryOperationTopic);
    prunedUnreachable(toRemove);
  });
}

void Master::prunedUnreachable(const std::set<std::string>& toRemove) {
  std::size_t removed = 0;
  for (const std::string& slaveId : toRemove) {
    if (unreachable_.count(slaveId) == 0) {
      log(fmt::format("Failed to garbage collect {} from the unreachable list", slaveId));
      continue;
    }
    eraseUnreachable(slaveId);
    forgetUnreachableTasks(slaveId);
    ++removed;
  }
  log(fmt::format("Garbage collected {} unreachable agents from the registry", removed));
}

}  // namespace agentsim::model
