#pragma once
// GarbageCollector (src/slave/gc.cpp), process agent-garbage-collector(1): removes
// paths from the host's disk after a delay. It promises:
//  - schedule(d, path) removes `path` (and everything under it) at now + d (a negative
//    d: at once); scheduling a path again first unschedules it. Its future (`done`)
//    is READY once the path is removed, DISCARDED when it is unscheduled or scheduled
//    again, FAILED when the removal fails (os::rmdir);
//  - unschedule(path) cancels a pending removal and answers whether there was one;
//  - prune(d) dispatches a removal of each removal time due within d from now
//    (Slave::checkDiskUsage calls it with gc_delay * max(0, 1 - gc_disk_headroom -
//    disk usage)); each removes the paths still scheduled at that time;
//  - one timer, as Mesos's GarbageCollectorProcess: armed for the earliest removal,
//    moved by a schedule only when sooner, left by an unschedule (it then fires on
//    nothing: "Ignoring gc event");
//  - its metrics (later Mesos's; 1.1 has none): gc/path_removals_pending (a gauge),
//    gc/path_removals_succeeded, gc/path_removals_failed (only when the fault site
//    GarbageCollector::remove fires: the model's disk cannot fail a removal);
//  - every decision is a `state` record "GarbageCollector": SCHEDULED (with the delay),
//    UNSCHEDULED, and REMOVED with the path, how many files went, and why (its delay
//    elapsed, or pruned for disk usage).
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>  // lookup only: due_, promises_
#include <utility>
#include <vector>

#include "model/common/metrics.hpp"
#include "sim/fault_site.hpp"
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

  // How the Future<Nothing> of GarbageCollector::schedule ends: READY (removed),
  // DISCARDED (unscheduled or scheduled again), FAILED (os::rmdir failed, with `error`).
  struct Outcome {
    enum class Kind { READY, DISCARDED, FAILED };
    Kind kind = Kind::READY;
    std::string error;
    bool removed() const { return kind == Kind::READY; }
  };
  using Removal = std::function<void(const Outcome&)>;
  void schedule(sim::Duration d, std::string path, Removal done = {});
  void unschedule(std::string path, std::function<void(bool)> done = {});
  // `why` names the disk check that asked (for the trace); it is called only when a
  // path is pruned.
  void prune(sim::Duration d, std::function<std::string()> why = {});

  // When a pending removal is due, and when it was scheduled (a counter).
  struct Due {
    sim::Time at;
    std::uint64_t seq = 0;
  };
  // Pending removals: path -> when (asked only its size or a path: never iterated).
  using Scheduled = std::unordered_map<std::string, Due>;  // lookup only
  const Scheduled& scheduled() const { return due_; }

 public:
  // The run's fault sites (model/slave/fault_sites.hpp); none: every site is off.
  void setFaults(std::shared_ptr<sim::FaultSites> faults) { faults_ = std::move(faults); }

 private:
  std::shared_ptr<sim::FaultSites> faults_;
  void reset();
  // GarbageCollectorProcess::remove(removalTime): the paths scheduled at exactly `at`;
  // `why` says who asked (the timer, or prune), for the trace.
  void remove(sim::Time at, const std::string& why);
  void removeNow(const std::string& path, const std::string& why);
  // Forgets a path's promise, completing it.
  void complete(const std::string& path, const Outcome& outcome);

  // path -> removal time; and the pending removals again in Mesos's order: by removal
  // time, then in the order they were scheduled (`paths`, a Multimap<Timeout, PathInfo>,
  // keeps equal timeouts in insertion order), so the next one is found without a scan and
  // paths due together are removed as Mesos removes them.
  void setDue(const std::string& path, std::optional<sim::Time> at);
  // The same, with the path's entry in due_ already found (end(): none; `fresh`: just
  // made, with no removal time yet).
  void setDue(Scheduled::iterator it, bool fresh, const std::string& path, std::optional<sim::Time> at);
  // The paths due at exactly `at`, in removal order.
  std::vector<std::string> dueAt(sim::Time at) const;
  // Hash tables, never iterated: the paths share a long work_dir prefix, which every
  // comparison of a sorted map's look-up read again.
  Scheduled due_;
  std::unordered_map<std::string, Removal> promises_;  // lookup only: the futures schedule() returned, by path
  // (removal time, schedule counter) -> the path (due_'s key): the counter is unique, so
  // the order never compares paths (they share a long work_dir prefix).
  std::map<std::pair<sim::Time, std::uint64_t>, const std::string*> order_;
  std::uint64_t scheduled_ = 0;
  sim::TimerId timer_;
  sim::Time timerAt_;
  Metrics metrics_{*this};
};

}  // namespace agentsim::model
