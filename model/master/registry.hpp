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
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "model/messages/messages.hpp"

namespace agentsim::model {

struct Registry {
  std::map<std::string, SlaveInfo> slaves;          // Registry.slaves: admitted agents, by SlaveID
  std::map<std::string, std::int64_t> unreachable;  // Registry.unreachable: SlaveID -> when marked (ns)

  // The registrar's operations (src/master/registrar.hpp, master.hpp): AdmitSlave,
  // MarkSlaveReachable, MarkSlaveUnreachable, RemoveSlave. Returns whether the registry changed
  // (Operation::perform's result: an unchanged registry is not stored).
  bool apply(std::string_view operation, const SlaveInfo& info, std::int64_t now_ns) {
    if (operation == "AdmitSlave") return slaves.emplace(info.id, info).second;
    if (operation == "MarkSlaveReachable") {
      const bool wasUnreachable = unreachable.erase(info.id) != 0;
      return slaves.emplace(info.id, info).second || wasUnreachable;
    }
    if (operation == "MarkSlaveUnreachable") {
      slaves.erase(info.id);
      unreachable[info.id] = now_ns;
      return true;
    }
    if (operation == "RemoveSlave") return slaves.erase(info.id) != 0;
    return false;
  }
};

class ReplicatedLog {
 public:
  // What the writes so far stored; an empty registry for a fresh log.
  const Registry& read() const { return registry_; }
  // A registry operation, stored as its effect (the log keeps the registry's state, not
  // each version: a write costs what the operation costs, not the registry's size).
  void apply(std::string_view operation, const SlaveInfo& info, std::int64_t now_ns) {
    if (registry_.apply(operation, info, now_ns)) ++writes_;
  }
  std::uint64_t writes() const { return writes_; }

 private:
  Registry registry_;
  std::uint64_t writes_ = 0;
};

}  // namespace agentsim::model
