#pragma once
// StatusUpdateStream (src/slave/status_update_manager.cpp): the updates of one task, in
// order. It promises:
//  - an update whose UUID was already received or acknowledged is ignored (false);
//  - only the head of `pending` is ever forwarded; an acknowledgement must name the
//    head's UUID, otherwise it is rejected (false) and nothing changes;
//  - acknowledging a terminal update closes the stream (terminated());
//  - with a checkpoint path, every UPDATE and ACK is appended to task.updates as a
//    length-prefixed record before it takes effect, and replay() rebuilds the stream
//    from those records; a failed write puts the stream in a permanent error state.
#include <cstdint>
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "model/common/boxed.hpp"
#include "model/messages/status_update.hpp"
#include "sim/disk.hpp"
#include "sim/try.hpp"

namespace agentsim::model {

// StatusUpdateRecord: type UPDATE with the whole update, or ACK with the UUID only.
struct StatusUpdateRecord {
  enum class Type { UPDATE, ACK };
  Type type = Type::UPDATE;
  StatusUpdate update;  // for UPDATE
  Uuid uuid;            // for ACK
};

// task.updates encoding: each record is a 4-byte little-endian length, then the record.
std::string encodeRecord(const StatusUpdateRecord& record);
// Decodes every whole record; a torn record at the end (a crash mid-append) is ignored.
sim::Try<std::vector<StatusUpdateRecord>> decodeRecords(const std::string& bytes);

class StatusUpdateStream {
 public:
  // `deferCheckpoint` is the planted bug update-forwarded-before-checkpoint
  // (model/common/planted_bug.hpp): an update's UPDATE record is written only with its ACK.
  StatusUpdateStream(std::string taskId, Id frameworkId, sim::Disk* disk,
                     std::optional<std::string> path, bool deferCheckpoint = false);

  // Kept by the stream if accepted (moved from then only).
  sim::Try<bool> update(StatusUpdate&& update);
  sim::Try<bool> acknowledgement(const Uuid& uuid);
  // Re-applies checkpointed records without writing anything. `ignoreAcks` is the planted
  // bug replay-ignores-acknowledgements: every UPDATE is replayed as unacknowledged.
  sim::Try<sim::Nothing> replay(const std::vector<StatusUpdateRecord>& records, bool ignoreAcks = false);

  const StatusUpdate* next() const { return pending_.empty() ? nullptr : &pending_.front(); }
  const std::vector<StatusUpdate>& pending() const { return pending_; }
  bool terminated() const { return terminated_; }
  bool checkpointed() const { return path_.has_value(); }
  std::optional<std::string> error() const { return trouble_ ? trouble_->error : std::nullopt; }
  // A write of `uuid` to task.updates failed (a fault site firing): as write() does, the
  // stream keeps the error and refuses every later update and acknowledgement.
  sim::Error failWrite(const Uuid& uuid, const std::string& why);
  // Why the last update() or acknowledgement() returned false, for the trace.
  const std::string& rejection() const { return trouble_ ? trouble_->rejection : kNoRejection; }

  const std::string& taskId() const { return task_id_; }
  const std::string& frameworkId() const { return framework_id_.str(); }

 private:
  // The record in task.updates, when checkpointed; a failed write is a permanent error.
  sim::Try<sim::Nothing> write(const StatusUpdate& update, StatusUpdateRecord::Type type);
  void receive(StatusUpdate update);  // an UPDATE: queued behind the others
  void acknowledgeHead();             // an ACK of the head: it goes; a terminal one closes

  std::string task_id_;
  Id framework_id_;  // interned: the stream of every task of a framework shares its text
  sim::Disk* disk_;
  std::optional<std::string> path_;
  // A stream holds a few updates: vectors (a deque allocates 512 bytes even when
  // empty, a set a node per UUID).
  std::vector<StatusUpdate> pending_;
  // Mesos's `received` and `acknowledged` sets: an update is acknowledged only after it was
  // received, and leaves `pending_` only when acknowledged, so the UUIDs received are those
  // pending and those acknowledged; only the acknowledged ones are kept apart (a stream
  // holds none while its first updates are in flight, when every task's stream is open).
  // As 16 bytes (model::Uuid): compared in two words, not as 36 characters.
  std::vector<Uuid> acknowledged_;
  bool received(const Uuid& uuid) const {
    return acknowledged(uuid) ||
           std::any_of(pending_.begin(), pending_.end(), [&uuid](const StatusUpdate& u) { return u.uuid == uuid; });
  }
  bool acknowledged(const Uuid& uuid) const { return contains(acknowledged_, uuid); }
  void markAcknowledged(const Uuid& uuid);
  static bool contains(const std::vector<Uuid>& v, const Uuid& uuid) {
    return std::find(v.begin(), v.end(), uuid) != v.end();
  }
  bool terminated_ = false;
  bool defer_checkpoint_ = false;  // planted bug; false in every run without it
  // The permanent error and the last rejection, both rare, held apart: the stream is 152
  // bytes (the manager's entry a 256-byte map node) where the two inline made it 216 (320).
  struct Trouble {
    std::optional<std::string> error;
    std::string rejection;
  };
  Boxed<Trouble> trouble_;
  static const std::string kNoRejection;
  bool failed() const { return trouble_ && trouble_->error; }
  void clearRejection() {
    if (trouble_) trouble_->rejection.clear();
  }
  void reject(std::string why);
  sim::Error fail(std::string error);  // the stream's permanent error
};

}  // namespace agentsim::model
