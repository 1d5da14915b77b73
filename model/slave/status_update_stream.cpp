#include "model/slave/status_update_stream.hpp"

#include <fmt/format.h>

namespace agentsim::model {

namespace {

// Record body: tab-separated fields; the message (free text) comes last.
constexpr char kSep = '\t';

std::string encodeBody(const StatusUpdateRecord& r) {
  if (r.type == StatusUpdateRecord::Type::ACK) return fmt::format("ACK{}{}", kSep, r.uuid);
  const StatusUpdate& u = r.update;
  std::string message = u.message;
  for (char& c : message) {
    if (c == kSep || c == '\n') c = ' ';
  }
  return fmt::format("UPDATE{0}{1}{0}{2}{0}{3}{0}{4}{0}{5}{0}{6}{0}{7}{0}{8}{0}{9}{0}{10}", kSep, u.uuid,
                     u.framework_id, u.slave_id, u.executor_id, u.task_id, toString(u.state), toString(u.source),
                     toString(u.reason), u.timestamp.ns(), message);
}

std::vector<std::string> split(const std::string& body, std::size_t maxParts) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (parts.size() + 1 < maxParts) {
    const auto tab = body.find(kSep, start);
    if (tab == std::string::npos) break;
    parts.push_back(body.substr(start, tab - start));
    start = tab + 1;
  }
  parts.push_back(body.substr(start));
  return parts;
}

sim::Try<StatusUpdateRecord> decodeBody(const std::string& body) {
  const auto parts = split(body, 11);
  StatusUpdateRecord r;
  if (parts.size() == 2 && parts[0] == "ACK") {
    r.type = StatusUpdateRecord::Type::ACK;
    r.uuid = parts[1];
    return r;
  }
  if (parts.size() != 11 || parts[0] != "UPDATE") return sim::Error{"malformed status update record"};
  const auto state = parseTaskState(parts[6]);
  if (!state) return sim::Error{fmt::format("unknown task state '{}' in status update record", parts[6])};
  const auto source = parseTaskStatusSource(parts[7]);
  if (!source) return sim::Error{fmt::format("unknown source '{}' in status update record", parts[7])};
  std::optional<TaskStatusReason> reason;
  if (!parts[8].empty()) {
    reason = parseTaskStatusReason(parts[8]);
    if (!reason) return sim::Error{fmt::format("unknown reason '{}' in status update record", parts[8])};
  }
  std::int64_t ts = 0;
  for (char c : parts[9]) {
    if (c < '0' || c > '9') return sim::Error{"malformed timestamp in status update record"};
    ts = ts * 10 + (c - '0');
  }
  r.update = StatusUpdate{parts[2], parts[3], parts[4], parts[5], *state, *source, reason, parts[10], parts[1],
                          sim::Time::fromNanoseconds(ts), std::nullopt, std::nullopt};
  return r;
}

}  // namespace

std::string encodeRecord(const StatusUpdateRecord& record) {
  const std::string body = encodeBody(record);
  std::string out(4, '\0');
  const auto n = static_cast<std::uint32_t>(body.size());
  for (int i = 0; i < 4; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xffU);
  return out + body;
}

sim::Try<std::vector<StatusUpdateRecord>> decodeRecords(const std::string& bytes) {
  std::vector<StatusUpdateRecord> records;
  std::size_t at = 0;
  while (bytes.size() - at >= 4) {
    std::uint32_t n = 0;
    for (int i = 0; i < 4; ++i) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)])) << (8 * i);
    if (bytes.size() - at - 4 < n) break;  // torn tail
    auto r = decodeBody(bytes.substr(at + 4, n));
    if (r.isError()) return sim::Error{r.error()};
    records.push_back(std::move(r).get());
    at += 4 + n;
  }
  return records;
}

StatusUpdateStream::StatusUpdateStream(std::string taskId, Id frameworkId, sim::Disk* disk,
                                       std::optional<std::string> path, bool deferCheckpoint)
    : task_id_(std::move(taskId)),
      framework_id_(std::move(frameworkId)),
      disk_(disk),
      path_(std::move(path)),
      defer_checkpoint_(deferCheckpoint) {}

const std::string StatusUpdateStream::kNoRejection;

void StatusUpdateStream::reject(std::string why) {
  if (!trouble_) trouble_ = Trouble{};
  trouble_->rejection = std::move(why);
}

sim::Error StatusUpdateStream::fail(std::string error) {
  if (!trouble_) trouble_ = Trouble{};
  trouble_->error = std::move(error);
  return sim::Error{*trouble_->error};
}

sim::Try<bool> StatusUpdateStream::update(StatusUpdate&& update) {
  clearRejection();
  if (failed()) return sim::Error{*trouble_->error};
  if (update.uuid.empty()) return sim::Error{"Status update is missing 'uuid'"};
  if (acknowledged(update.uuid)) {
    reject("Ignoring status update that has already been acknowledged by the framework!");
    return false;
  }
  if (received(update.uuid)) {
    reject("Ignoring duplicate status update");
    return false;
  }
  // Planted bug update-forwarded-before-checkpoint: the record waits for the ACK.
  if (!defer_checkpoint_) {
    auto written = write(update, StatusUpdateRecord::Type::UPDATE);
    if (written.isError()) return sim::Error{written.error()};
  }
  receive(std::move(update));
  return true;
}

sim::Try<bool> StatusUpdateStream::acknowledgement(const Uuid& uuid) {
  clearRejection();
  if (failed()) return sim::Error{*trouble_->error};
  if (pending_.empty()) {
    // StatusUpdateManagerProcess::acknowledgement: `next()` is none (an ack for both the
    // original and a retried update, or after a non-terminal stream drained).
    return sim::Error{fmt::format("Unexpected status update acknowledgment (UUID: {}) for task {} of framework {}", uuid,
                                  task_id_, framework_id_.str())};
  }
  if (acknowledged(uuid)) {
    reject(fmt::format("Duplicate status update acknowledgment (received {})", uuid));
    return false;
  }
  if (uuid != pending_.front().uuid) {
    reject(fmt::format("Unexpected status update acknowledgement (received {}, expecting {})", uuid,
                       pending_.front().uuid));
    return false;
  }
  if (defer_checkpoint_) {
    auto deferred = write(pending_.front(), StatusUpdateRecord::Type::UPDATE);
    if (deferred.isError()) return sim::Error{deferred.error()};
  }
  auto written = write(pending_.front(), StatusUpdateRecord::Type::ACK);
  if (written.isError()) return sim::Error{written.error()};
  acknowledgeHead();
  return true;
}

sim::Try<sim::Nothing> StatusUpdateStream::write(const StatusUpdate& update, StatusUpdateRecord::Type type) {
  if (!path_) return sim::Nothing{};
  StatusUpdateRecord record;
  record.type = type;
  if (type == StatusUpdateRecord::Type::UPDATE) {
    record.update = update;
  } else {
    record.uuid = update.uuid;
  }
  // Appended without O_SYNC, as Mesos opens task.updates.
  auto written = disk_->append(*path_, encodeRecord(record), /*sync=*/false);
  if (written.isError()) {
    return fail(fmt::format("Failed to write status update {} to '{}': {}", update.uuid, *path_, written.error()));
  }
  return sim::Nothing{};
}

sim::Error StatusUpdateStream::failWrite(const Uuid& uuid, const std::string& why) {
  return fail(fmt::format("Failed to write status update {} to '{}': {}", uuid, path_.value_or(""), why));
}

void StatusUpdateStream::receive(StatusUpdate update) { pending_.push_back(std::move(update)); }

void StatusUpdateStream::markAcknowledged(const Uuid& uuid) {
  if (!acknowledged(uuid)) acknowledged_.push_back(uuid);
}

void StatusUpdateStream::acknowledgeHead() {
  const StatusUpdate& head = pending_.front();
  markAcknowledged(head.uuid);
  if (isTerminalState(head.state)) terminated_ = true;
  pending_.erase(pending_.begin());
  // A drained stream waits, often for good, for its next update: it keeps no capacity.
  if (pending_.empty()) std::vector<StatusUpdate>().swap(pending_);
}

sim::Try<sim::Nothing> StatusUpdateStream::replay(const std::vector<StatusUpdateRecord>& records, bool ignoreAcks) {
  // As 1.1: TaskState::recover collects the UPDATE records in order and the ACK records'
  // UUIDs in a set; StatusUpdateStream::replay then handles each update and, if its UUID
  // was acknowledged, an ACK right after it (which pops the head and closes the stream
  // on a terminal update). An ACK whose update is not in the file changes nothing.
  std::vector<Uuid> acks;
  for (const auto& r : records) {
    if (r.type == StatusUpdateRecord::Type::ACK && !ignoreAcks && !contains(acks, r.uuid)) acks.push_back(r.uuid);
  }
  for (const auto& r : records) {
    if (r.type != StatusUpdateRecord::Type::UPDATE) continue;
    receive(r.update);
    if (!contains(acks, r.update.uuid)) continue;
    // _handle(update, ACK): pops the head; the replayed update says whether it closes.
    markAcknowledged(r.update.uuid);
    pending_.erase(pending_.begin());
    if (isTerminalState(r.update.state)) terminated_ = true;
  }
  return sim::Nothing{};
}

}  // namespace agentsim::model
