#pragma once
// Builds the simulated cluster of a scenario: one host per master and agent, each
// running what Mesos's main() builds, and the timeline's actions as kernel events.
#include <cstdint>
#include <memory>
#include <string>

#include "harness/scenario.hpp"
#include "sim/simulation.hpp"

namespace agentsim::harness {

class World {
 public:
  World(const Scenario& scenario, std::uint64_t seed, sim::Limits limits = {});

  sim::Simulation& sim() { return sim_; }
  const Scenario& scenario() const { return scenario_; }
  sim::Host& host(const std::string& id);
  // Rules a Hold action made, by label, for release.
  std::map<std::string, sim::RuleId>& holds() { return holds_; }
  // Header of the trace: format version, agentsim version, scenario, seed, flags in force.
  sim::Fields header() const;
  // Schedules the timeline; call once, after sinks are attached.
  void scheduleTimeline();

 private:
  const Scenario& scenario_;
  sim::Simulation sim_;
  std::map<std::string, sim::RuleId> holds_;
};

}  // namespace agentsim::harness
