#include "model/slave/status_update_manager.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "model/slave/fault_sites.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

StatusUpdateManager::StatusUpdateManager(std::shared_ptr<const PlantedBugs> bugs)
    : sim::Process(sim::ProcessName::generated("status-update-manager")), bugs_(std::move(bugs)) {}

void StatusUpdateManager::wire(sim::Process& slave, Forward forward) {
  slave_ = &slave;
  forward_ = std::move(forward);
}

StatusUpdateManager::Entry* StatusUpdateManager::find(const Id& frameworkId, const std::string& taskId) {
  auto fw = streams_.find(frameworkId);
  if (fw == streams_.end()) return nullptr;
  auto it = fw->second.find(taskId);
  return it == fw->second.end() ? nullptr : &it->second;
}

const StatusUpdateStream* StatusUpdateManager::stream(const Id& frameworkId,
                                                      const std::string& taskId) const {
  auto fw = streams_.find(frameworkId);
  if (fw == streams_.end()) return nullptr;
  auto it = fw->second.find(taskId);
  return it == fw->second.end() ? nullptr : &it->second.stream;
}

std::size_t StatusUpdateManager::streamCount() const {
  std::size_t n = 0;
  for (const auto& [fw, tasks] : streams_) n += tasks.size();
  return n;
}

void StatusUpdateManager::update(StatusUpdate u, std::optional<std::string> checkpointPath, sim::Process& caller,
                                 Done<sim::Nothing> done) {
  dispatch("StatusUpdateManagerProcess::update", [this, u = std::move(u), path = std::move(checkpointPath), &caller,
                                                  done = std::move(done)]() mutable {
    // Each path replies once, so the continuation moves into the reply. A success's reply
    // holds only the continuation (a 32-byte closure, not 72 with the Try: every task's
    // STARTING and RUNNING wait in one at a launch); the same Try reaches it.
    auto reply = [&caller, &done](sim::Try<sim::Nothing> result) {
      if (!result.isError()) {
        caller.dispatch("StatusUpdateManagerProcess::update", [done = std::move(done)] { done(sim::Nothing{}); });
        return;
      }
      caller.dispatch("StatusUpdateManagerProcess::update",
                      [done = std::move(done), result = std::move(result)] { done(result); });
    };
    Entry* entry = find(u.framework_id, u.task_id);
    if (entry == nullptr) {
      auto& tasks = streams_[u.framework_id];
      entry = &tasks.try_emplace(u.task_id, Entry{StatusUpdateStream(u.task_id, u.framework_id, &host().disk(), path,
                                                                 bugOn(bugs_, PlantedBugId::UpdateForwardedBeforeCheckpoint)),
                                              std::nullopt})
                   .first->second;
    }
    if (entry->stream.checkpointed() != path.has_value()) {
      reply(sim::Error{fmt::format("Mismatched checkpoint value for status update {} (UUID: {}) for task {} of "
                                   "framework {} (expected checkpoint={} actual checkpoint={})",
                                   toString(u.state), u.uuid, u.task_id, u.framework_id.str(),
                                   entry->stream.checkpointed(), path.has_value())});
      return;
    }
    if (path && siteFires(faults_, *this, kStatusUpdateStreamCheckpointSite, *path)) {
      // StatusUpdateStream::handle: the append to task.updates fails, and the stream keeps
      // the error: every later update of the task fails too (StatusUpdateStream::update).
      reply(entry->stream.failWrite(u.uuid, "Input/output error"));
      return;
    }
    auto accepted = entry->stream.update(std::move(u));  // kept by the stream if accepted
    if (accepted.isError()) {
      reply(sim::Error{accepted.error()});
      return;
    }
    if (!*accepted) {
      if (tracing()) {
        log(entry->stream.rejection(), {{"task_id", u.task_id}, {"uuid", u.uuid}});
        traceState(machines::kStatusUpdateStream, "DUPLICATE",
                   {{"framework_id", u.framework_id}, {"task_id", u.task_id}, {"uuid", u.uuid}});
      }
    } else {
      if (tracing()) {
        const StatusUpdate& s = entry->stream.pending().back();
        log(fmt::format("Received status update {} ({}) for task {} of framework {}", toString(s.state), s.uuid,
                        s.task_id, s.framework_id),
            {{"task_id", s.task_id}, {"uuid", s.uuid}, {"state", std::string(toString(s.state))}});
        traceState(machines::kStatusUpdateStream, "RECEIVED",
                   {{"framework_id", s.framework_id}, {"task_id", s.task_id}, {"uuid", s.uuid},
                    {"task_state", std::string(toString(s.state))}, {"checkpoint", path.has_value()}});
      }
      // Only the head is ever in flight.
      if (!paused_ && entry->stream.pending().size() == 1) forward(*entry, kStatusUpdateRetryIntervalMin);
    }
    reply(sim::Nothing{});
  });
}

void StatusUpdateManager::forward(Entry& entry, sim::Duration interval) {
  const StatusUpdate* head = entry.stream.next();
  if (head == nullptr || slave_ == nullptr) return;
  send(*head);
  setTimeout(entry, now() + interval);
  delay(interval, "StatusUpdateManagerProcess::timeout", [this, interval] { timeout(interval); });
}

void StatusUpdateManager::send(const StatusUpdate& update) {
  slave_->dispatch("Slave::forward", [f = forward_, copy = update]() mutable { f(std::move(copy)); });
}

void StatusUpdateManager::setTimeout(Entry& entry, std::optional<sim::Time> at) {
  if (entry.due) due_.erase(*entry.due);
  entry.due.reset();
  if (at) entry.due = due_.emplace(*at, &entry);
}

void StatusUpdateManager::timeout(sim::Duration interval) {
  if (paused_) return;
  // Mesos scans every stream: any whose retry is due is re-sent with the doubled
  // interval of the timer that fired.
  // (Planted bug status-update-retry-uncapped: no cap.)
  const sim::Duration next = bugOn(bugs_, PlantedBugId::StatusUpdateRetryUncapped)
                                 ? interval * 2
                                 : std::min(interval * 2, kStatusUpdateRetryIntervalMax);
  // Every due stream, in (framework, task) order as a scan of all streams would meet them.
  std::vector<std::pair<std::string, std::string>> dueNow;
  for (auto it = due_.begin(); it != due_.end() && it->first <= now(); ++it) {
    dueNow.emplace_back(it->second->stream.frameworkId(), it->second->stream.taskId());
  }
  std::sort(dueNow.begin(), dueNow.end());
  for (const auto& [fw, task] : dueNow) {
    {
      Entry* found = find(fw, task);
      if (found == nullptr) continue;
      Entry& entry = *found;
      if (entry.stream.next() == nullptr || !entry.due || (*entry.due)->first > now()) continue;
      if (tracing(sim::RecordKind::Log, "log", kStatusUpdateResendTopic)) {
        log(fmt::format("Resending status update {} ({}) for task {} of framework {}",
                        toString(entry.stream.next()->state), entry.stream.next()->uuid, task, fw),
            {{"task_id", task}, {"uuid", entry.stream.next()->uuid}, {"interval", sim::format(next)}},
            kStatusUpdateResendTopic);
      }
      forward(entry, next);
    }
  }
}

void StatusUpdateManager::acknowledgement(std::string taskId, Id frameworkId, Uuid uuid,
                                          sim::Process& caller, Done<bool> done) {
  dispatch("StatusUpdateManagerProcess::acknowledgement", [this, taskId = std::move(taskId),
                                                           frameworkId = std::move(frameworkId),
                                                           uuid = std::move(uuid), &caller,
                                                           done = std::move(done)]() mutable {
    // Each path replies once, so the continuation moves into the reply (a success's with
    // its bool only, as the update's reply above).
    auto reply = [&caller, &done](sim::Try<bool> result) {
      if (!result.isError()) {
        caller.dispatch("StatusUpdateManagerProcess::acknowledgement",
                        [done = std::move(done), value = *result] { done(value); });
        return;
      }
      caller.dispatch("StatusUpdateManagerProcess::acknowledgement",
                      [done = std::move(done), result = std::move(result)] { done(result); });
    };
    Entry* entry = find(frameworkId, taskId);
    if (entry == nullptr) {
      // Not recovered yet, or cleaned up (a terminal update acknowledged, the framework
      // removed).
      reply(sim::Error{fmt::format("Cannot find the status update stream for task {} of framework {}", taskId,
                                   frameworkId.str())});
      return;
    }
    // Planted bug terminal-ack-keeps-stream: the terminal head is taken as acknowledged
    // but stays the head of an open stream, its retry timer armed.
    if (bugOn(bugs_, PlantedBugId::TerminalAckKeepsStream) && entry->stream.next() != nullptr &&
        entry->stream.next()->uuid == uuid && isTerminalState(entry->stream.next()->state)) {
      traceState(machines::kStatusUpdateStream, "ACKNOWLEDGED",
                 {{"framework_id", frameworkId}, {"task_id", taskId}, {"uuid", uuid}});
      reply(true);
      return;
    }
    auto acked = entry->stream.acknowledgement(uuid);
    if (acked.isError()) {
      reply(sim::Error{acked.error()});
      return;
    }
    if (!*acked) {
      log(entry->stream.rejection(), {{"task_id", taskId}, {"uuid", uuid}});
      traceState(machines::kStatusUpdateStream, "REJECTED",
                 {{"framework_id", frameworkId}, {"task_id", taskId}, {"uuid", uuid}, {"why", entry->stream.rejection()}});
      reply(sim::Error{"Duplicate acknowledgement"});
      return;
    }
    if (tracing()) {
      log(fmt::format("Received status update acknowledgement (UUID: {}) for task {} of framework {}", uuid, taskId,
                      frameworkId),
          {{"task_id", taskId}, {"uuid", uuid}});
      traceState(machines::kStatusUpdateStream, "ACKNOWLEDGED",
                 {{"framework_id", frameworkId}, {"task_id", taskId}, {"uuid", uuid}});
    }
    setTimeout(*entry, std::nullopt);
    if (entry->stream.terminated()) {
      if (tracing() && !entry->stream.pending().empty()) {
        log(fmt::format("Cleaning up status update stream for task {} of framework {} with {} pending updates "
                        "behind the terminal one",
                        taskId, frameworkId, entry->stream.pending().size()));
      }
      if (tracing()) {
        std::string discarded;
        for (const StatusUpdate& u : entry->stream.pending()) discarded += (discarded.empty() ? "" : ",") + u.uuid.str();
        traceState(machines::kStatusUpdateStream, "CLOSED",
                   {{"framework_id", frameworkId}, {"task_id", taskId}, {"uuid", uuid}, {"discarded", discarded}});
      }
      if (auto fw = streams_.find(frameworkId); fw != streams_.end()) {
        fw->second.erase(taskId);
        if (fw->second.empty()) streams_.erase(fw);
      }
      reply(false);
      return;
    }
    if (!paused_ && entry->stream.next() != nullptr) forward(*entry, kStatusUpdateRetryIntervalMin);
    reply(true);
  });
}

void StatusUpdateManager::pause() {
  dispatch("StatusUpdateManagerProcess::pause", [this] {
    log("Pausing sending status updates");
    paused_ = true;
  });
}

void StatusUpdateManager::resume() {
  dispatch("StatusUpdateManagerProcess::resume", [this] {
    log("Resuming sending status updates");
    paused_ = false;
    for (auto& [fw, tasks] : streams_) {
      for (auto& [task, entry] : tasks) {
        // Planted bug resume-without-retry-timer: sent once, no timer armed.
        if (bugOn(bugs_, PlantedBugId::ResumeWithoutRetryTimer)) {
          if (entry.stream.next() != nullptr && slave_ != nullptr) send(*entry.stream.next());
          continue;
        }
        // StatusUpdateManagerProcess::resume: every stream with a pending head re-sends it.
        const StatusUpdate* head = entry.stream.next();
        if (head != nullptr && tracing(sim::RecordKind::Log, "log", kStatusUpdateResendTopic)) {
          log(fmt::format("Resending status update {} ({}) for task {} of framework {}", toString(head->state),
                          head->uuid, task, fw),
              {{"task_id", task}, {"uuid", head->uuid}, {"interval", sim::format(kStatusUpdateRetryIntervalMin)}},
              kStatusUpdateResendTopic);
        }
        forward(entry, kStatusUpdateRetryIntervalMin);
      }
    }
  });
}

void StatusUpdateManager::cleanup(std::string frameworkId) {
  dispatch("StatusUpdateManagerProcess::cleanup", [this, frameworkId = std::move(frameworkId)] {
    log(fmt::format("Closing status update streams for framework {}", frameworkId));
    if (auto fw = streams_.find(frameworkId); fw != streams_.end()) {
      for (auto& [task, entry] : fw->second) setTimeout(entry, std::nullopt);
    }
    streams_.erase(frameworkId);
    traceState(machines::kStatusUpdateStream, "CLEANED_UP", {{"framework_id", frameworkId}});
  });
}

void StatusUpdateManager::recover(std::string frameworkId, std::string taskId, std::string checkpointPath,
                                  std::vector<StatusUpdateRecord> records) {
  dispatch("StatusUpdateManagerProcess::recover", [this, frameworkId = std::move(frameworkId),
                                                   taskId = std::move(taskId), path = std::move(checkpointPath),
                                                   records = std::move(records)] {
    StatusUpdateStream stream(taskId, frameworkId, &host().disk(), path,
                              bugOn(bugs_, PlantedBugId::UpdateForwardedBeforeCheckpoint));
    auto replayed = stream.replay(records, bugOn(bugs_, PlantedBugId::ReplayIgnoresAcknowledgements));
    if (replayed.isError()) {
      log(fmt::format("Failed to replay status updates for task {}: {}", taskId, replayed.error()));
      return;
    }
    if (stream.terminated()) return;  // a replayed stream that is closed is removed
    for (const StatusUpdate& u : stream.pending()) {
      traceState(machines::kStatusUpdateStream, "RECOVERED",
                 {{"framework_id", frameworkId}, {"task_id", taskId}, {"uuid", u.uuid},
                  {"task_state", std::string(toString(u.state))}});
    }
    if (Entry* old = find(frameworkId, taskId)) setTimeout(*old, std::nullopt);
    streams_[frameworkId].insert_or_assign(taskId, Entry{std::move(stream), std::nullopt});
  });
}

}  // namespace agentsim::model
