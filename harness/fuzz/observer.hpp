#pragma once
// What the fuzzer watches while a case runs, as a trace sink that keeps no records
// (docs/fuzzing.md): the liveness rule's state, the agents' startup outcomes, and the
// coverage of fault families by lifecycle phase.
//
// The liveness rule ("liveness", harness/liveness.hpp) is checked at the end of the
// liveness phase.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "harness/liveness.hpp"
#include "sim/trace.hpp"

namespace agentsim::harness::fuzz {

// The lifecycle phases of the coverage table, in its column order.
const std::vector<std::string>& lifecyclePhases();

struct CaseTarget {
  std::string family;  // "drop", ...; "base" for the scenario's own actions
  std::string agent;   // the agent it aims at, or the first agent
};

class CaseObserver final : public sim::TraceSink {
 public:
  // `targets`: per timeline index, the entry's family and agent; `agents`: every agent.
  CaseObserver(std::vector<CaseTarget> targets, bool checkAcks, std::set<std::string> unadmitted = {});

  void header(const sim::Fields&) override {}
  void record(const sim::Record& r) override;
  // Only the records it reads, so the kernel builds no other for it (sim::Interest).
  sim::Interest interest() const override;

  // The liveness rule's verdict at the end: empty when it holds, else the evidence.
  std::string livenessViolation() const { return liveness_.violation(); }
  // The agents the rule excuses as Mesos leaves them unregistered (Liveness::outcomes).
  std::vector<std::string> livenessOutcomes() const { return liveness_.outcomes(); }
  // "agent-1: libprocess: The call to ..." for each agent whose main() exited.
  const std::vector<std::string>& exits() const { return exits_; }
  // (family, phase) -> how many actions of the family ran in that phase.
  const std::map<std::pair<std::string, std::string>, std::uint64_t>& coverage() const { return coverage_; }

 private:
  void onState(const sim::Record& r);
  void onFault(const sim::Record& r);
  std::string phaseOf(const std::string& agent) const;

  std::vector<CaseTarget> targets_;
  Liveness liveness_;
  std::map<std::string, std::string> state_;  // agent -> Slave::State
  std::set<std::string> counted_;  // the fault families of the coverage table
  std::set<std::string> leaders_;
  bool hadLeader_ = false;
  std::vector<std::string> exits_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> coverage_;
};

}  // namespace agentsim::harness::fuzz
