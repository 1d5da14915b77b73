#pragma once
// StatusUpdateManager (src/slave/status_update_manager.cpp), process
// status-update-manager(1). It promises, per task stream (StatusUpdateStream):
//  - only the head update is in flight; the first forward arms a 10secs timer
//    (STATUS_UPDATE_RETRY_INTERVAL_MIN), each expiry re-forwards the head and doubles
//    the interval up to 10mins (STATUS_UPDATE_RETRY_INTERVAL_MAX): re-sends at +10,
//    +30, +70, +150, +310, +630secs, then every 600secs, with no retry limit;
//  - an accepted acknowledgement forwards the next queued update at once with a fresh
//    10secs interval; acknowledging a terminal update closes the stream and discards
//    what is queued behind it;
//  - while paused nothing is forwarded and timers do nothing; resume() re-forwards the
//    head of every stream with a fresh 10secs interval;
//  - cleanup(framework) forgets the framework's streams.
// Calls are dispatched onto the manager; results come back as events on the caller.
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <string>

#include "model/common/indexed_map.hpp"
#include "model/common/planted_bug.hpp"
#include "model/slave/status_update_stream.hpp"
#include "sim/fault_site.hpp"
#include "sim/process.hpp"
#include "sim/state_machine.hpp"

namespace agentsim::model {

// A stream's moves (StatusUpdateStream::update, ::acknowledgement, recovery, cleanup).
namespace machines {
inline constexpr std::string_view kStatusUpdateStreamStates[]{"RECEIVED",  "DUPLICATE",  "REJECTED", "ACKNOWLEDGED",
                                                               "CLOSED",    "CLEANED_UP", "RECOVERED"};
inline constexpr sim::StateMachine kStatusUpdateStream{"StatusUpdateStream", kStatusUpdateStreamStates};
}  // namespace machines

inline constexpr sim::Duration kStatusUpdateRetryIntervalMin = sim::Seconds(10);
inline constexpr sim::Duration kStatusUpdateRetryIntervalMax = sim::Minutes(10);
// The topic of the "Resending status update" logs (Process::log; the retry_interval_capped
// invariant reads them), so a run builds those without every other log.
inline constexpr std::string_view kStatusUpdateResendTopic = "status-update-resend";

class StatusUpdateManager final : public sim::Process {
 public:
  using Forward = std::function<void(StatusUpdate)>;
  template <typename T>
  using Done = std::function<void(const sim::Try<T>&)>;

  explicit StatusUpdateManager(std::shared_ptr<const PlantedBugs> bugs = nullptr);
  std::string_view source() const override { return "src/slave/status_update_manager.cpp"; }
  std::string_view className() const override { return "StatusUpdateManagerProcess"; }

  // The run's fault sites (model/slave/fault_sites.hpp); none: every site is off.
  void setFaults(std::shared_ptr<sim::FaultSites> faults) { faults_ = std::move(faults); }

  // StatusUpdateManager::initialize(forward): forwards run as events on `slave`.
  void wire(sim::Process& slave, Forward forward);

  // Checkpoints (when `checkpointPath` is set) and queues the update; `done` runs on
  // `caller` once the update is on disk.
  void update(StatusUpdate update, std::optional<std::string> checkpointPath, sim::Process& caller,
              Done<sim::Nothing> done);
  // `done` gets true while the stream goes on, false once it closed, or an error
  // ("Duplicate acknowledgement", "Cannot find the status update stream for task ...", ...).
  void acknowledgement(std::string taskId, Id frameworkId, Uuid uuid, sim::Process& caller,
                       Done<bool> done);
  void pause();
  void resume();
  void cleanup(std::string frameworkId);
  // Replays checkpointed records of one task (agent recovery); nothing is forwarded
  // until resume().
  void recover(std::string frameworkId, std::string taskId, std::string checkpointPath,
               std::vector<StatusUpdateRecord> records);

  // For tests and the trace: the streams now open.
  std::size_t streamCount() const;
  const StatusUpdateStream* stream(const Id& frameworkId, const std::string& taskId) const;

 private:
  struct Entry;
  // Retry times of forwarded heads, so a timeout finds the due streams without scanning
  // them all (a multimap keeps equal times in insertion order).
  using Due = std::multimap<sim::Time, Entry*>;
  struct Entry {
    StatusUpdateStream stream;
    // Its place in due_ (when the forwarded head is due for a retry), if it is.
    std::optional<Due::iterator> due;
  };
  Entry* find(const Id& frameworkId, const std::string& taskId);
  void forward(Entry& entry, sim::Duration interval);
  // Hands one update to the agent (Slave::forward), as an event on it.
  void send(const StatusUpdate& update);
  void timeout(sim::Duration interval);
  // Keeps `due_` in step with an entry's retry time.
  void setTimeout(Entry& entry, std::optional<sim::Time> at);

  std::shared_ptr<const PlantedBugs> bugs_;
  std::shared_ptr<sim::FaultSites> faults_;
  sim::Process* slave_ = nullptr;
  Forward forward_;
  bool paused_ = false;
  // framework -> task (in TaskID order; found by hash: every update and acknowledgement
  // looks its stream up)
  std::map<Id, IndexedMap<Entry>> streams_;
  Due due_;  // every entry with a retry due, by that time
};

}  // namespace agentsim::model
