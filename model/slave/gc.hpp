#pragma once
// GarbageCollector (src/slave/gc.cpp), process agent-garbage-collector(1): removes
// paths from the host's disk after a delay. It promises:
//  - schedule(d, path) removes `path` (and everything under it) at now + d; scheduling
//    a path again replaces its time;
//  - unschedule(path) cancels a pending removal and reports whether there was one;
//  - prune(d) removes at once every path due within d from now (Slave::checkDiskUsage
//    calls it with gc_delay * max(0, 1 - gc_disk_headroom - disk usage));
//  - one timer, armed for the earliest removal, as Mesos's GarbageCollectorProcess;
//  - every decision is a `state` record "GarbageCollector": SCHEDULED (with the delay),
//    UNSCHEDULED, and REMOVED with the path, how many files went, and why (its delay
//    elapsed, or pruned for disk usage).
#include <map>
#include <optional>
#include <set>
#include <string>

#include "sim/process.hpp"
#include "sim/state_machine.hpp"

namespace agentsim::model {

// A path's moves in the garbage collector (schedule, unschedule, remove).
namespace machines {
inline constexpr std::string_view kGarbageCollectorStates[]{"SCHEDULED", "UNSCHEDULED", "REMOVED"};
inline constexpr sim::StateMachine kGarbageCollector{"GarbageCollector", kGarbageCollectorStates};
}  // namespace machines

class GarbageCollector final : public sim::Process {
 public:
  GarbageCollector() : sim::Process(sim::ProcessName::generated("agent-garbage-collector")) {}
  std::string_view source() const override { return "src/slave/gc.cpp"; }
  std::string_view className() const override { return "GarbageCollectorProcess"; }

  void schedule(sim::Duration d, std::string path);
  void unschedule(std::string path);
  // `why` names the disk check that asked (for the trace).
  void prune(sim::Duration d, std::string why = {});

  // Pending removals: path -> when.
  const std::map<std::string, sim::Time>& scheduled() const { return due_; }

 private:
  void reset();
  void remove();
  void removeNow(const std::string& path, const std::string& why);

  // path -> removal time; the removal times again, so the next one is found without a scan.
  void setDue(const std::string& path, std::optional<sim::Time> at);
  std::map<std::string, sim::Time> due_;
  std::multiset<sim::Time> times_;
  sim::TimerId timer_;
  sim::Time timerAt_;
};

}  // namespace agentsim::model
