#include "model/slave/gc.hpp"

#include <fmt/format.h>

#include <tuple>

#include "model/slave/fault_sites.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

void GarbageCollector::schedule(sim::Duration d, std::string path, Removal done) {
  dispatch("GarbageCollectorProcess::schedule", [this, d, path = std::move(path), done = std::move(done)]() mutable {
    // GarbageCollectorProcess::schedule: an existing schedule of the path is unscheduled
    // first (`CHECK(unschedule(path))`): its future is discarded.
    if (tracing()) {
      log(fmt::format("Scheduling '{}' for gc {} in the future", path, sim::format(d)), {{"path", path}});
    }
    // The path is hashed once where no promise is pending (none to discard, so no callback
    // runs before setDue): its entry is found, or made, here.
    Scheduled::iterator entry;
    bool fresh = false;
    if (promises_.empty()) {
      std::tie(entry, fresh) = due_.try_emplace(path);
    } else {
      entry = due_.find(path);
    }
    if (!fresh && entry != due_.end() && tracing()) {
      log(fmt::format("Unscheduling '{}' from gc", path), {{"path", path}});
    }
    if (!promises_.empty()) {
      complete(path, {Outcome::Kind::DISCARDED, {}});
      entry = due_.find(path);  // the discarded promise's callback may have changed due_
    }
    if (tracing()) traceState(machines::kGarbageCollector, "SCHEDULED", {{"path", path}, {"in", sim::format(d)}});
    const sim::Time at = now() + d;
    setDue(entry, fresh, path, at);
    if (done) promises_[path] = std::move(done);
    // The timer moves only when it is not armed (or due now) or this removal is sooner.
    if (!timer_.valid() || timerAt_ <= now() || at < timerAt_) reset();
  });
}

void GarbageCollector::unschedule(std::string path, std::function<void(bool)> done) {
  dispatch("GarbageCollectorProcess::unschedule", [this, path = std::move(path), done = std::move(done)] {
    // GarbageCollectorProcess::unschedule logs every call; it leaves the timer alone (a
    // timer for this path's time then finds nothing: "Ignoring gc event").
    if (tracing()) log(fmt::format("Unscheduling '{}' from gc", path), {{"path", path}});
    const bool scheduled = due_.count(path) != 0;
    if (scheduled) {
      setDue(path, std::nullopt);
      traceState(machines::kGarbageCollector, "UNSCHEDULED", {{"path", path}});
      complete(path, {Outcome::Kind::DISCARDED, {}});
    }
    if (done) done(scheduled);
  });
}

void GarbageCollector::complete(const std::string& path, const Outcome& outcome) {
  auto it = promises_.find(path);
  if (it == promises_.end()) return;
  Removal done = std::move(it->second);
  promises_.erase(it);
  done(outcome);
}

void GarbageCollector::prune(sim::Duration d, std::function<std::string()> why) {
  dispatch("GarbageCollectorProcess::prune", [this, d, why = std::move(why)] {
    // GarbageCollectorProcess::prune: each removal time due within d (its remaining time,
    // never below 0) gets a dispatched remove(removalTime), which removes what is still
    // scheduled at that time when it runs.
    std::string reason;
    for (auto it = order_.begin(); it != order_.end();) {
      const sim::Time at = it->first.first;
      const sim::Duration remaining = at > now() ? at - now() : sim::Duration{};
      if (remaining > d) break;
      if (reason.empty()) reason = why ? why() : std::string();
      if (reason.empty()) reason = "prune";
      log(fmt::format("Pruning directories with remaining removal time {}", sim::format(remaining)));
      dispatch("GarbageCollectorProcess::remove",
               [this, at, why = fmt::format("pruned {} ahead of its time: {}", sim::format(remaining), reason)] {
                 remove(at, why);
               });
      while (it != order_.end() && it->first.first == at) ++it;
    }
  });
}

void GarbageCollector::reset() {
  // GarbageCollectorProcess::reset: the timer for the earliest removal time (re-armed
  // only if that time changed: the same event either way).
  const sim::Time earliest = order_.empty() ? sim::Time::max() : order_.begin()->first.first;
  if (timer_.valid() && timerAt_ == earliest) return;
  cancel(timer_);
  timer_ = sim::TimerId{};
  if (earliest == sim::Time::max()) return;
  timerAt_ = earliest;
  // A negative delay (a path older than gc_delay) means right away.
  timer_ = delay(earliest > now() ? earliest - now() : sim::Duration{}, "GarbageCollectorProcess::remove",
                 [this, earliest] {
                   timer_ = sim::TimerId{};
                   remove(earliest, "its gc delay elapsed");
                 });
}

void GarbageCollector::remove(sim::Time at, const std::string& why) {
  const std::vector<std::string> due = dueAt(at);
  if (due.empty()) {
    // Pruned already, or every path of that time was unscheduled.
    log(fmt::format("Ignoring gc event at {} as the paths were already removed, or were unscheduled",
                    sim::format(at > now() ? at - now() : sim::Duration{})));
  }
  for (const auto& path : due) removeNow(path, why);
  reset();
}

void GarbageCollector::removeNow(const std::string& path, const std::string& why) {
  if (tracing()) log(fmt::format("Deleting {}", path), {{"path", path}});
  if (siteFires(faults_, *this, kGarbageCollectorRemoveSite, path)) {
    // os::rmdir fails: the removal future fails; the path is not scheduled again.
    log(fmt::format("Failed to delete '{}': Input/output error", path), {{"path", path}});
    setDue(path, std::nullopt);
    metrics_.increment("gc/path_removals_failed");
    complete(path, {Outcome::Kind::FAILED, "Input/output error"});
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
  complete(path, {Outcome::Kind::READY, {}});
}

std::vector<std::string> GarbageCollector::dueAt(sim::Time at) const {
  std::vector<std::string> due;
  for (auto it = order_.lower_bound({at, 0}); it != order_.end() && it->first.first == at; ++it) {
    due.push_back(*it->second);
  }
  return due;
}

void GarbageCollector::setDue(const std::string& path, std::optional<sim::Time> at) {
  setDue(due_.find(path), false, path, at);
}

void GarbageCollector::setDue(Scheduled::iterator it, bool fresh, const std::string& path,
                              std::optional<sim::Time> at) {
  if (it != due_.end() && !fresh) {
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
