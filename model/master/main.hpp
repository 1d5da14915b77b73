#pragma once
// The master's program (src/master/main.cpp), as the agent's is model/slave/main.hpp.
#include <memory>

#include "model/master/master.hpp"
#include "model/master/registry.hpp"
#include "sim/fault_site.hpp"
#include "sim/simulation.hpp"
#include "sim/try.hpp"

namespace agentsim::model {

// master/main.cpp: with --zk, spawns the contender (and its group), the detector (and
// its group and leader detector), then the master; without, the master alone.
// Returns the master, or Mesos's error for a bad --zk. `acls` (--acls): the master's
// LocalAuthorizer, none when they are empty (Authorizer::create only with --acls).
sim::Try<Master*> masterMainWith(sim::Host& host, const MasterFlags& flags, std::shared_ptr<ReplicatedLog> log,
                                 std::shared_ptr<sim::FaultSites> faults = nullptr,
                                 std::shared_ptr<const PlantedBugs> bugs = nullptr, bool gauges = false,
                                 bool taskRecords = false, const ACLs& acls = {});

// A master without ZooKeeper, a registry of its own and no fault sites.
void masterMain(sim::Host& host, const MasterFlags& flags);

}  // namespace agentsim::model
