#pragma once
// A small cluster for model tests: one master, N agents, trace kept in memory.
#include <string>
#include <vector>

#include <fmt/format.h>

#include "model/master/main.hpp"
#include "model/slave/main.hpp"
#include "sim/simulation.hpp"

namespace agentsim::testing {

struct Cluster {
  explicit Cluster(std::uint64_t seed, int agents = 1, model::SlaveFlags slaveFlags = {},
                   model::MasterFlags masterFlags = {})
      : sim(seed) {
    sim.trace().addSink(&trace);
    sim::Host& m = sim.addHost("master-1", 5050);
    m.startup = [masterFlags](sim::Host& h) { model::masterMain(h, masterFlags); };
    slaveFlags.master = "master-1:5050";
    if (slaveFlags.work_dir.empty()) slaveFlags.work_dir = "/var/lib/mesos";
    for (int i = 1; i <= agents; ++i) {
      sim::Host& a = sim.addHost(fmt::format("agent-{}", i), 5051);
      a.startup = [slaveFlags](sim::Host& h) { (void)model::agentMain(h, slaveFlags); };
    }
  }

  void boot() {
    for (const auto& h : sim.hosts()) {
      sim::Host* host = sim.host(h.name());
      host->startup(*host);
    }
  }

  // Records of a kind and name, optionally on one host.
  std::vector<const sim::Record*> find(sim::RecordKind kind, std::string_view name, std::string_view host = {}) const {
    std::vector<const sim::Record*> out;
    for (const auto& r : trace.records()) {
      if (r.kind == kind && r.name == name && (host.empty() || r.host == host)) out.push_back(&r);
    }
    return out;
  }

  std::vector<sim::Time> sendTimes(std::string_view message, std::string_view host = {}) const {
    std::vector<sim::Time> out;
    for (const auto* r : find(sim::RecordKind::Send, message, host)) out.push_back(r->at);
    return out;
  }

  // The last Slave::State recorded on an agent, or "" if none.
  std::string slaveState(std::string_view host) const {
    std::string state;
    for (const auto* r : find(sim::RecordKind::State, "Slave::State", host)) state = r->text("state");
    return state;
  }

  sim::Simulation sim;
  sim::MemorySink trace;
};

}  // namespace agentsim::testing
