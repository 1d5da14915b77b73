#include "model/slave/gc.hpp"

#include <fmt/format.h>

#include "model/slave/fault_sites.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

void GarbageCollector::schedule(sim::Duration d, std::string path, Removal done) {
  dispatch("GarbageCollectorProcess::schedule", [this, d, path = std::move(path), done = std::move(done)]() mutable {
    // An existing schedule of the path is unscheduled first: its future is discarded.
    complete(path, false);
    if (tracing()) {
      log(fmt::format("Scheduling '{}' for gc {} in the future", path, sim::format(d)), {{"path", path}});
      traceState(machines::kGarbageCollector, "SCHEDULED", {{"path", path}, {"in", sim::format(d)}});
    }
    setDue(path, now() + d);
    if (done) promises_[path] = std::move(done);
    reset();
  });
}

void GarbageCollector::unschedule(std::string path, std::function<void(bool)> done) {
  dispatch("GarbageCollectorProcess::unschedule", [this, path = std::move(path), done = std::move(done)] {
    const bool scheduled = due_.count(path) != 0;
    if (scheduled) {
      setDue(path, std::nullopt);
      log(fmt::format("Unscheduling '{}' from gc", path), {{"path", path}});
      traceState(machines::kGarbageCollector, "UNSCHEDULED", {{"path", path}});
      complete(path, false);
      reset();
    }
    if (done) done(scheduled);
  });
}

void GarbageCollector::complete(const std::string& path, bool removed) {
  auto it = promises_.find(path);
  if (it == promises_.end()) return;
  Removal done = std::move(it->second);
  promises_.erase(it);
  done(removed);
}

void GarbageCollector::prune(sim::Duration d, std::function<std::string()> why) {
  dispatch("GarbageCollectorProcess::prune", [this, d, why = std::move(why)] {
    const std::vector<std::string> due = dueBy(now() + d);
    std::string reason;
    if (!due.empty() && why) reason = why();
    if (reason.empty()) reason = "prune";
    for (const auto& path : due) {
      log(fmt::format("Pruning '{}' ahead of schedule", path), {{"path", path}});
      removeNow(path, fmt::format("pruned {} ahead of its time: {}", sim::format(due_.at(path).at - now()), reason));
    }
    if (!due.empty()) reset();
  });
}

void GarbageCollector::reset() {
  const sim::Time earliest = order_.empty() ? sim::Time::max() : order_.begin()->first.first;
  if (timer_.valid() && timerAt_ == earliest) return;
  cancel(timer_);
  if (earliest == sim::Time::max()) return;
  timerAt_ = earliest;
  // A negative delay (a path older than gc_delay) means right away.
  timer_ = delay(earliest > now() ? earliest - now() : sim::Duration{}, "GarbageCollectorProcess::remove",
                 [this] { remove(); });
}

void GarbageCollector::remove() {
  timer_ = sim::TimerId{};
  const std::vector<std::string> due = dueBy(now());
  for (const auto& path : due) removeNow(path, "its gc delay elapsed");
  reset();
}

void GarbageCollector::removeNow(const std::string& path, const std::string& why) {
  if (siteFires(faults_, *this, kGarbageCollectorRemoveSite, path)) {
    // os::rmdir fails: the removal future fails; the path is not scheduled again.
    log(fmt::format("Failed to delete '{}': Input/output error", path), {{"path", path}});
    setDue(path, std::nullopt);
    metrics_.increment("gc/path_removals_failed");
    complete(path, false);
    return;
  }
  sim::Disk& disk = host().disk();
  const std::uint64_t before = disk.usedBytes();
  const std::size_t removed = disk.removeTree(path + "/") + (disk.remove(path) ? 1 : 0);
  log(fmt::format("Deleted '{}'", path), {{"path", path}, {"files", static_cast<std::int64_t>(removed)}});
  traceState(machines::kGarbageCollector, "REMOVED",
             {{"path", path}, {"files", static_cast<std::int64_t>(removed)},
              {"bytes", static_cast<std::int64_t>(before - disk.usedBytes())}, {"reason", why}});
  setDue(path, std::nullopt);
  metrics_.increment("gc/path_removals_succeeded");
  complete(path, true);
}

std::vector<std::string> GarbageCollector::dueBy(sim::Time limit) const {
  std::vector<std::string> due;
  for (auto it = order_.begin(); it != order_.end() && it->first.first <= limit; ++it) due.push_back(*it->second);
  return due;
}

void GarbageCollector::setDue(const std::string& path, std::optional<sim::Time> at) {
  auto it = due_.find(path);
  if (it != due_.end()) {
    order_.erase({it->second.at, it->second.seq});
    if (!at) due_.erase(it);
  }
  if (at) {
    if (it == due_.end()) it = due_.emplace(path, Due{}).first;
    it->second = Due{*at, scheduled_++};
    order_.emplace(std::pair{*at, it->second.seq}, &it->first);
  }
  metrics_.set("gc/path_removals_pending", static_cast<std::int64_t>(due_.size()));
}

}  // namespace agentsim::model
