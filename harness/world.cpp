#include "harness/world.hpp"

#include <fmt/format.h>

#include "agentsim_version.hpp"
#include "model/agent_main.hpp"
#include "sim/assert.hpp"

namespace agentsim::harness {

World::World(const Scenario& scenario, std::uint64_t seed, sim::Limits limits)
    : scenario_(scenario), sim_(seed, limits) {
  sim_.network().setLatency(scenario.latency);
  for (const MasterSpec& m : scenario.masters) {
    sim::Host& h = sim_.addHost(m.id, static_cast<std::uint16_t>(m.flags.port));
    const model::MasterFlags flags = m.flags;
    h.startup = [flags](sim::Host& host) { model::masterMain(host, flags); };
  }
  for (const AgentSpec& a : scenario.agents) {
    sim::Host& h = sim_.addHost(a.id, static_cast<std::uint16_t>(a.flags.port));
    const model::SlaveFlags flags = a.flags;
    h.startup = [flags](sim::Host& host) {
      auto started = model::agentMain(host, flags);
      if (started.isError()) {
        host.sim().emit(sim::RecordKind::Log, nullptr, host.name(), "log", {{"message", started.error()}},
                        "src/slave/main.cpp: main");
      }
    };
  }
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
    sim_.at(sim::Time{} + e.at, e.kind, [this, entry] {
      sim_.emit(sim::RecordKind::Fault, nullptr, "", entry->kind, {{"action", entry->summary}, {"label", entry->label}},
                "");
      entry->apply(*this);
    });
  }
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
  return sim::Fields{
      {"format", "agentsim-trace"},
      {"format_version", static_cast<std::int64_t>(sim::kTraceFormatVersion)},
      {"agentsim_version", std::string(AGENTSIM_VERSION)},
      {"scenario", scenario_.name},
      {"file", scenario_.file},
      {"seed", std::to_string(sim_.seed())},
      {"flags", sim::RawJson{flags}},
  };
}

}  // namespace agentsim::harness
