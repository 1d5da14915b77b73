#pragma once
// Builds the simulated cluster of a scenario: one host per master and agent, each
// running what Mesos's main() builds, and the timeline's actions as kernel events.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "harness/scenario.hpp"
#include "model/common/planted_bug.hpp"
#include "model/master/master.hpp"
#include "model/master/registry.hpp"
#include "model/sched/sched.hpp"
#include "model/zookeeper/server.hpp"
#include "sim/fault_site.hpp"
#include "sim/simulation.hpp"

namespace agentsim::harness {

class World {
 public:
  // `bug`: the planted bug this run turns on (model/common/planted_bug.hpp), or null.
  World(const Scenario& scenario, std::uint64_t seed, sim::Limits limits = {},
        const model::PlantedBugSpec* bug = nullptr);

  sim::Simulation& sim() { return sim_; }
  const Scenario& scenario() const { return scenario_; }
  sim::Host& host(const std::string& id);
  // Rules a Hold action made, by label, for release.
  std::map<std::string, sim::RuleId>& holds() { return holds_; }
  // Every message rule a timeline action added, in order, for end_rules (a rule already
  // removed is removed again as a no-op: sim::Network::removeRule).
  std::vector<sim::RuleId>& rules() { return rules_; }
  // The model's fault sites (model/master/registrar.hpp), which the masters reach, and the holds
  // a Hold action with a "site" made, by label.
  sim::FaultSites& faultSites() { return *faults_; }
  std::map<std::string, sim::SiteHoldId>& siteHolds() { return site_holds_; }
  // Header of the trace: format version, agentsim version, scenario, seed, flags in force.
  sim::Fields header() const;
  // Schedules the timeline; call once, after sinks are attached.
  void scheduleTimeline();
  // Applies a timeline entry now, as its scheduled event does: a `fault` record with its
  // summary and label, then the action.
  void apply(const TimelineEntry& entry);
  // The ZooKeeper ensemble's replicated state (none without an ensemble), and the
  // masters' replicated log.
  model::ZooKeeperEnsemble* zookeeper() { return zookeeper_.get(); }
  model::ReplicatedLog& replicatedLog() { return *log_; }
  // The master processes alive now, in the scenario's order; the one elected, if any.
  std::vector<model::Master*> masters();
  model::Master* leadingMaster();
  // A serving ZooKeeper server, if any.
  model::ZooKeeperServer* zookeeperServer();
  // The framework's scheduler driver process, if its host runs one now: `driver` 0 the
  // one started last, N the Nth started on its host (1: the first main()'s).
  model::SchedulerProcess* scheduler(const std::string& framework, std::size_t driver = 0);
  // Starts another scheduler driver of the framework on its host (start_scheduler), with
  // these flags; null if the host is down or the driver could not start.
  model::SchedulerProcess* startScheduler(const std::string& framework, model::FrameworkFlags flags);

 private:
  const Scenario& scenario_;
  sim::Simulation sim_;
  std::map<std::string, sim::RuleId> holds_;
  std::vector<sim::RuleId> rules_;
  std::shared_ptr<sim::FaultSites> faults_;
  std::shared_ptr<const model::PlantedBugs> bugs_;
  std::map<std::string, sim::SiteHoldId> site_holds_;
  std::shared_ptr<model::ZooKeeperEnsemble> zookeeper_;
  std::shared_ptr<model::ReplicatedLog> log_;

  // A typed handle on the main process a host's startup spawned: its address, kept when
  // the world (re)starts the host; live() is the process there now, or null once the
  // host crashed (a later boot records its new process).
  template <typename P>
  struct Handle {
    sim::Upid pid;
    P* live(sim::Simulation& sim) const { return static_cast<P*>(sim.process(pid)); }
  };
  template <typename P>
  static P* liveOn(sim::Simulation& sim, const std::map<std::string, Handle<P>>& handles, const std::string& host) {
    auto it = handles.find(host);
    return it == handles.end() ? nullptr : it->second.live(sim);
  }
  std::map<std::string, Handle<model::Master>> masters_;           // by host
  std::map<std::string, Handle<model::ZooKeeperServer>> servers_;  // by host
  std::map<std::string, Handle<model::SchedulerProcess>> schedulers_;  // by framework (its host)
  std::map<std::string, std::vector<Handle<model::SchedulerProcess>>> drivers_;  // every one, in start order
};

}  // namespace agentsim::harness
