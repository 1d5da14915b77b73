#include "harness/world.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "agentsim_version.hpp"
#include "harness/tables.hpp"
#include "model/master/main.hpp"
#include "model/slave/main.hpp"
#include "model/slave/slave.hpp"
#include "sim/assert.hpp"

namespace agentsim::harness {

World::World(const Scenario& scenario, std::uint64_t seed, sim::Limits limits, const model::PlantedBugSpec* bug)
    : scenario_(scenario), sim_(seed, limits) {
  sim_.network().setLatency(scenario.latency);
  log_ = std::make_shared<model::ReplicatedLog>();
  faults_ = std::make_shared<sim::FaultSites>(sim_);
  // A site's reaches are records only when an expectation orders them (a message_order
  // site step; an expectation that reads every fault record does not ask for them).
  faults_->recordReaches(std::any_of(scenario.expectations.begin(), scenario.expectations.end(), [](const Expectation& e) {
    return e.kind == "message_order" && e.interest.wants(sim::RecordKind::Fault, kSiteReachRecord);
  }));
  bugs_ = std::make_shared<const model::PlantedBugs>(bug);
  // The ZooKeeper servers boot first, then the masters, then the agents.
  if (scenario.zookeeper.servers > 0) {
    zookeeper_ = std::make_shared<model::ZooKeeperEnsemble>(scenario.zookeeper.servers);
    for (const auto& z : scenario.zookeeper.znodes) zookeeper_->seed(z.path, z.data, z.acl, z.creator);
    for (int myid = 1; myid <= scenario.zookeeper.servers; ++myid) {
      sim::Host& h = sim_.addHost(model::ZooKeeperEnsemble::hostName(myid), model::zk::kClientPort);
      h.startup = [this, ensemble = zookeeper_, myid](sim::Host& host) {
        servers_[host.name()] = {model::zookeeperMain(host, ensemble, myid)->self()};
      };
    }
  }
  // The masters and agents keep their gauges when the scenario reads metrics
  // (MasterEnvironment, AgentOptions::gauges).
  const bool gauges = std::any_of(scenario.expectations.begin(), scenario.expectations.end(),
                                  [](const Expectation& e) { return e.kind == "metric"; });
  // They record their tasks when an expectation reads those records (state_snapshot's tasks).
  const auto reads = [&scenario](const sim::StateMachine& m) {
    return std::any_of(scenario.expectations.begin(), scenario.expectations.end(),
                       [&m](const Expectation& e) { return e.interest.wants(sim::RecordKind::State, m.name); });
  };
  const bool masterTasks = reads(model::machines::kMasterTask);
  for (const MasterSpec& m : scenario.masters) {
    sim::Host& h = sim_.addHost(m.id, static_cast<std::uint16_t>(m.flags.port));
    const model::MasterFlags flags = m.flags;
    h.startup = [this, flags, acls = m.acls, log = log_, faults = faults_, bugs = bugs_, gauges,
                 masterTasks](sim::Host& host) {
      auto started = model::masterMainWith(host, flags, log, faults, bugs, gauges, masterTasks, acls);
      if (started.isSome()) masters_[host.name()] = {(*started)->self()};
      if (started.isError()) {
        host.sim().emit(sim::RecordKind::Log, nullptr, host.name(), "log", {{"message", started.error()}},
                        "src/master/main.cpp: main");
      }
    };
  }
  for (const AgentSpec& a : scenario.agents) {
    sim::Host& h = sim_.addHost(a.id, static_cast<std::uint16_t>(a.flags.port));
    if (a.disk_capacity) h.disk().setCapacity(*a.disk_capacity);
    for (const auto& [path, content] : a.disk_files) (void)h.disk().write(path, content);
    // The scenario outlives the world (scenario_), so each agent's startup reads its flags
    // there instead of keeping a copy (about 1 KB an agent).
    const model::SlaveFlags* flags = &a.flags;
    model::AgentOptions options = a.options;
    options.faults = faults_;
    options.bugs = bugs_;
    options.gauges = gauges;
    options.task_records = reads(model::machines::kSlaveTask);
    // A failed startup is in the trace already (a `startup` record with the message).
    h.startup = [flags, options](sim::Host& host) { (void)model::agentMain(host, *flags, options); };
  }
  for (const FrameworkSpec& f : scenario.frameworks) {
    sim::Host& h = sim_.addHost(f.id, 8080);
    const model::FrameworkFlags flags = f.flags;
    h.startup = [this, flags](sim::Host& host) { (void)startScheduler(host.name(), flags); };
  }
}

model::SchedulerProcess* World::startScheduler(const std::string& framework, model::FrameworkFlags flags) {
  sim::Host& h = host(framework);
  if (!h.up()) return nullptr;
  auto started = model::frameworkMain(h, std::move(flags));
  if (started.isError()) {
    h.sim().emit(sim::RecordKind::Log, nullptr, h.name(), "log", {{"message", started.error()}},
                 "src/sched/sched.cpp: MesosSchedulerDriver::start");
    return nullptr;
  }
  schedulers_[framework] = {(*started)->self()};
  drivers_[framework].push_back({(*started)->self()});
  return *started;
}

std::vector<model::Master*> World::masters() {
  std::vector<model::Master*> out;
  for (const MasterSpec& m : scenario_.masters) {
    if (model::Master* p = liveOn(sim_, masters_, m.id)) out.push_back(p);
  }
  return out;
}

model::Master* World::leadingMaster() {
  for (model::Master* m : masters()) {
    if (m->elected()) return m;
  }
  return nullptr;
}

model::ZooKeeperServer* World::zookeeperServer() {
  for (const std::string& h : scenario_.zookeeper.hosts()) {
    model::ZooKeeperServer* p = liveOn(sim_, servers_, h);
    if (p != nullptr && p->serving()) return p;
  }
  return nullptr;
}

model::SchedulerProcess* World::scheduler(const std::string& framework, std::size_t driver) {
  if (driver == 0) return liveOn(sim_, schedulers_, framework);
  auto it = drivers_.find(framework);
  if (it == drivers_.end() || driver > it->second.size()) return nullptr;
  return it->second[driver - 1].live(sim_);
}

sim::Host& World::host(const std::string& id) {
  sim::Host* h = sim_.host(id);
  AGENTSIM_ASSERT(h != nullptr);  // the loader checked every reference
  return *h;
}

void World::scheduleTimeline() {
  // Hosts boot at time 0, masters first, in the scenario's order.
  for (const auto& h : sim_.hosts()) {
    sim::Host* host = sim_.host(h.name());
    sim_.at(sim::Time{}, "boot", [host] { host->startup(*host); });
  }
  for (const TimelineEntry& e : scenario_.timeline) {
    const TimelineEntry* entry = &e;
    sim_.at(sim::Time{} + e.at, e.kind, [this, entry] { apply(*entry); });
  }
  // Expectations' probes, after the timeline's entries of the same time.
  for (const Expectation& x : scenario_.expectations) {
    for (const TimelineEntry& p : x.probes) {
      const TimelineEntry* probe = &p;
      sim_.at(sim::Time{} + p.at, p.kind, [this, probe] { probe->apply(*this); });
    }
  }
}

void World::apply(const TimelineEntry& entry) {
  sim_.emit(sim::RecordKind::Fault, nullptr, "", entry.kind, {{"action", entry.summary}, {"label", entry.label}}, "");
  entry.apply(*this);
}

sim::Fields World::header() const {
  std::string flags = "{";
  bool first = true;
  auto addHost = [&](const std::string& id, const auto& table, const auto& values) {
    if (!first) flags += ',';
    first = false;
    sim::appendJsonString(flags, id);
    flags += ":{";
    bool firstFlag = true;
    for (const auto& [name, value] : table.values(values)) {
      if (!firstFlag) flags += ',';
      firstFlag = false;
      sim::appendJsonString(flags, name);
      flags += ':';
      sim::appendJsonString(flags, value);
    }
    flags += '}';
  };
  for (const auto& m : scenario_.masters) addHost(m.id, model::masterFlagTable(), m.flags);
  for (const auto& a : scenario_.agents) addHost(a.id, model::slaveFlagTable(), a.flags);
  flags += '}';
  sim::Fields header{
      {"format", "agentsim-trace"},
      {"format_version", static_cast<std::int64_t>(sim::kTraceFormatVersion)},
      {"agentsim_version", std::string(AGENTSIM_VERSION)},
      {"scenario", scenario_.name},
      {"file", scenario_.file},
      {"seed", std::to_string(sim_.seed())},
      {"flags", sim::RawJson{flags}},
  };
  // Only a run with a planted bug says so: a run without one keeps its header.
  if (const model::PlantedBugSpec* bug = bugs_->active()) header.push_back({"bug", std::string(bug->name)});
  return header;
}

}  // namespace agentsim::harness
