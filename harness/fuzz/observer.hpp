#pragma once
// What the fuzzer watches while a case runs, as a trace sink that keeps no records
// (docs/fuzzing.md): the liveness rule's state, the agents' startup outcomes, and the
// coverage of fault families by lifecycle phase.
//
// The liveness rule ("liveness"), checked at the end of the liveness phase:
//  - every agent that did not exit (a Mesos startup error, or its program stopped by
//    the scenario) and whose host is up is RUNNING (Slave::State), so registered;
//  - every status update an agent's status update manager received since its program
//    last started is acknowledged (or its stream closed or cleaned up), unless a
//    framework of the scenario never acknowledges;
//  - no task's latest state at its scheduler is TASK_STAGING or TASK_STARTING.
// Simplification: "registered with the leader" is read as RUNNING; the agent's detector
// follows the leader, and the ping invariant of the master keeps a RUNNING agent's
// master honest.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

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
  CaseObserver(std::vector<CaseTarget> targets, std::vector<std::string> agents, bool checkAcks);

  void header(const sim::Fields&) override {}
  void record(const sim::Record& r) override;

  // The liveness rule's verdict at the end: empty when it holds, else the evidence.
  std::string livenessViolation() const;
  // "agent-1: libprocess: The call to ..." for each agent whose main() exited.
  const std::vector<std::string>& exits() const { return exits_; }
  // (family, phase) -> how many actions of the family ran in that phase.
  const std::map<std::pair<std::string, std::string>, std::uint64_t>& coverage() const { return coverage_; }

 private:
  void onState(const sim::Record& r);
  void onFault(const sim::Record& r);
  std::string phaseOf(const std::string& agent) const;

  std::vector<CaseTarget> targets_;
  std::vector<std::string> agents_;
  bool checkAcks_;
  std::map<std::string, std::string> state_;  // agent -> Slave::State
  std::set<std::string> counted_;  // the fault families of the coverage table
  std::set<std::string> exited_, down_, leaders_;
  bool hadLeader_ = false;
  std::map<std::string, std::map<std::string, std::string>> pending_;  // agent -> uuid -> framework
  std::map<std::string, std::string> taskState_;  // framework host/task -> latest state
  std::vector<std::string> exits_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> coverage_;
};

}  // namespace agentsim::harness::fuzz
