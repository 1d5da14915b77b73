#pragma once
// The registry (src/master/registry.proto) and the store behind
// --registry=replicated_log.
//  - in_memory: the registrar keeps the registry in the master's memory
//    (InMemoryStorage); a restarted or newly elected master starts empty.
//  - replicated_log: Mesos keeps it in a replicated log (src/log/) whose replicas live
//    on the masters' disks and whose writes need a quorum of them. The model's
//    simplification: one ReplicatedLog per cluster, shared by the masters, that every
//    write reaches at once (as if a quorum of replicas always answered) and that
//    survives every crash. The log's own ZooKeeper group, --quorum and the Paxos
//    rounds are not modelled.
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "model/messages/messages.hpp"

namespace agentsim::model {

// The registrar's operations (src/master/registrar.hpp, master.hpp), sorted by name.
enum class RegistryOperation {
  AdmitSlave,            // Admit a registering agent.
  MarkSlaveReachable,    // An unreachable (or unknown) agent reregisters.
  MarkSlaveUnreachable,  // The master stopped hearing from the agent.
  PruneUnreachable,      // Registry GC: agents leave the unreachable list (Registry::prune).
  RemoveSlave,           // The agent is removed for good.
};

inline constexpr std::array<std::string_view, 5> kRegistryOperationNames{
    "AdmitSlave", "MarkSlaveReachable", "MarkSlaveUnreachable", "PruneUnreachable", "RemoveSlave"};

inline std::string_view toString(RegistryOperation operation) {
  return kRegistryOperationNames.at(static_cast<std::size_t>(operation));
}

struct Registry {
  std::map<std::string, SlaveInfo> slaves;          // Registry.slaves: admitted agents, by SlaveID
  std::map<std::string, std::int64_t> unreachable;  // Registry.unreachable: SlaveID -> when marked (ns)

  // Applies an operation. Returns whether the registry changed (Operation::perform's
  // result: an unchanged registry is not stored).
  bool apply(RegistryOperation operation, const SlaveInfo& info, std::int64_t now_ns) {
    switch (operation) {
      case RegistryOperation::AdmitSlave:
        return slaves.emplace(info.id, info).second;
      case RegistryOperation::MarkSlaveReachable: {
        const bool wasUnreachable = unreachable.erase(info.id) != 0;
        return slaves.emplace(info.id, info).second || wasUnreachable;
      }
      case RegistryOperation::MarkSlaveUnreachable:
        slaves.erase(info.id);
        unreachable[info.id] = now_ns;
        return true;
      case RegistryOperation::RemoveSlave:
        return slaves.erase(info.id) != 0;
      case RegistryOperation::PruneUnreachable:
        return prune({info.id.str()});  // one agent; the master prunes a set at once (prune)
    }
    return false;
  }

  // PruneUnreachable::perform (src/master/master.hpp): the listed agents leave the
  // unreachable list; one not in it (readmitted meanwhile) is skipped. Returns whether
  // any went.
  bool prune(const std::set<std::string>& ids) {
    bool mutate = false;
    for (const std::string& id : ids) mutate = unreachable.erase(id) != 0 || mutate;
    return mutate;
  }
};

class ReplicatedLog {
 public:
  // What the writes so far stored; an empty registry for a fresh log.
  const Registry& read() const { return registry_; }
  // A registry operation, stored as its effect (the log keeps the registry's state, not
  // each version: a write costs what the operation costs, not the registry's size).
  void apply(RegistryOperation operation, const SlaveInfo& info, std::int64_t now_ns) {
    if (registry_.apply(operation, info, now_ns)) ++writes_;
  }
  void prune(const std::set<std::string>& ids) {
    if (registry_.prune(ids)) ++writes_;
  }
  std::uint64_t writes() const { return writes_; }

 private:
  Registry registry_;
  std::uint64_t writes_ = 0;
};

}  // namespace agentsim::model
