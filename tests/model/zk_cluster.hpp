#pragma once
// A cluster with a fake ZooKeeper ensemble for model tests: servers zk-1..zk-N, masters
// that elect a leader through it, agents that detect the leader through it, a shared
// replicated log, and the trace kept in memory.
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "model/master/main.hpp"
#include "model/slave/main.hpp"
#include "model/master/master.hpp"
#include "model/master/registry.hpp"
#include "model/zookeeper/server.hpp"
#include "sim/simulation.hpp"

namespace agentsim::testing {

struct ZkCluster {
  explicit ZkCluster(std::uint64_t seed, int servers = 3, int masters = 2, int agents = 1,
                     model::MasterFlags masterFlags = {}, model::SlaveFlags slaveFlags = {})
      : sim(seed),
        ensemble(std::make_shared<model::ZooKeeperEnsemble>(servers)),
        log(std::make_shared<model::ReplicatedLog>()) {
    sim.trace().addSink(&trace);
    const std::string url = fmt::format("zk://{}/mesos", ensemble->connectString());
    for (int i = 1; i <= servers; ++i) {
      sim::Host& h = sim.addHost(model::ZooKeeperEnsemble::hostName(i), model::zk::kClientPort);
      h.startup = [e = ensemble, i](sim::Host& host) { model::zookeeperMain(host, e, i); };
    }
    masterFlags.zk = url;
    for (int i = 1; i <= masters; ++i) {
      sim::Host& h = sim.addHost(fmt::format("master-{}", i), 5050);
      h.startup = [masterFlags, l = log](sim::Host& host) { (void)model::masterMainWith(host, masterFlags, l); };
    }
    slaveFlags.master = url;
    slaveFlags.work_dir = "/var/lib/mesos";
    for (int i = 1; i <= agents; ++i) {
      sim::Host& h = sim.addHost(fmt::format("agent-{}", i), 5051);
      h.startup = [slaveFlags](sim::Host& host) { (void)model::agentMain(host, slaveFlags); };
    }
  }

  void boot() {
    for (const auto& h : sim.hosts()) {
      sim::Host* host = sim.host(h.name());
      host->startup(*host);
    }
  }

  model::Master* master(int i) {
    sim::Process* p = sim.process(sim.upid("master", fmt::format("master-{}", i), 5050));
    return p == nullptr ? nullptr : static_cast<model::Master*>(p);
  }
  // As ZooKeeperTestServer::expireSession: server 1 expires every session of `host`'s
  // clients through its own expiry path; how many.
  std::size_t expireSessionsOf(const std::string& host) {
    const auto ids = ensemble->sessionsOf(host);
    for (std::int64_t id : ids) server(1)->expire(id, "expired by ZooKeeperTestServer::expireSession");
    return ids.size();
  }
  model::ZooKeeperServer* server(int i) {
    sim::Process* p = sim.process(sim.upid(model::zk::kServerId, model::ZooKeeperEnsemble::hostName(i), 2181));
    return p == nullptr ? nullptr : static_cast<model::ZooKeeperServer*>(p);
  }
  // The masters that consider themselves elected, by host.
  std::vector<std::string> leaders() {
    std::vector<std::string> out;
    for (int i = 1; i <= 16; ++i) {
      model::Master* m = master(i);
      if (m != nullptr && m->elected()) out.emplace_back(m->self().host());
    }
    return out;
  }

  std::vector<const sim::Record*> find(sim::RecordKind kind, std::string_view name, std::string_view host = {}) const {
    std::vector<const sim::Record*> out;
    for (const auto& r : trace.records()) {
      if (r.kind == kind && r.name == name && (host.empty() || r.host == host)) out.push_back(&r);
    }
    return out;
  }
  std::vector<const sim::Record*> logs(std::string_view contains, std::string_view host = {}) const {
    std::vector<const sim::Record*> out;
    for (const auto& r : trace.records()) {
      if (r.kind == sim::RecordKind::Log && (host.empty() || r.host == host) &&
          r.text("message").find(contains) != std::string::npos) {
        out.push_back(&r);
      }
    }
    return out;
  }
  std::string slaveState(std::string_view host) const {
    std::string state;
    for (const auto* r : find(sim::RecordKind::State, "Slave::State", host)) state = r->text("state");
    return state;
  }
  // Cuts a host off from every ZooKeeper server, both ways.
  void isolateFromZooKeeper(const std::string& host) {
    for (int i = 1; i <= ensemble->size(); ++i) {
      sim.network().partition(host, model::ZooKeeperEnsemble::hostName(i), /*oneWay=*/false);
    }
  }
  void reconnectToZooKeeper(const std::string& host) {
    for (int i = 1; i <= ensemble->size(); ++i) sim.network().heal(host, model::ZooKeeperEnsemble::hostName(i));
  }

  sim::Simulation sim;
  sim::MemorySink trace;
  std::shared_ptr<model::ZooKeeperEnsemble> ensemble;
  std::shared_ptr<model::ReplicatedLog> log;
};

}  // namespace agentsim::testing
