#include <doctest/doctest.h>

#include "model/slave/status_update_stream.hpp"

using namespace agentsim;
using model::StatusUpdate;
using model::StatusUpdateRecord;
using model::StatusUpdateStream;
using model::TaskState;

namespace {

StatusUpdate update(std::string uuid, TaskState state, std::string message = "") {
  StatusUpdate u;
  u.framework_id = "fw-1";
  u.slave_id = "S0";
  u.executor_id = "exec-1";
  u.task_id = "task-1";
  u.state = state;
  u.source = model::TaskStatusSource::SOURCE_EXECUTOR;
  u.uuid = std::move(uuid);
  u.message = std::move(message);
  u.timestamp = sim::Time{} + sim::Seconds(3);
  return u;
}

const std::string kPath = "/var/lib/mesos/meta/slaves/S0/frameworks/fw-1/executors/exec-1/runs/c1/tasks/task-1/task.updates";

}  // namespace

TEST_CASE("task states: names round-trip; terminal as protobuf::isTerminalState") {
  for (auto s : {TaskState::TASK_STAGING, TaskState::TASK_RUNNING, TaskState::TASK_GONE_BY_OPERATOR}) {
    CHECK((model::parseTaskState(model::toString(s)) == s));
  }
  CHECK(!model::parseTaskState("RUNNING"));
  CHECK(model::isTerminalState(TaskState::TASK_FINISHED));
  CHECK(model::isTerminalState(TaskState::TASK_LOST));
  CHECK(model::isTerminalState(TaskState::TASK_UNREACHABLE));  // Mesos 1.1 counts it terminal
  CHECK(!model::isTerminalState(TaskState::TASK_RUNNING));
  CHECK(!model::isTerminalState(TaskState::TASK_KILLING));
}

TEST_CASE("TaskStatus sources: mesos.proto's names and order; a record naming another source does not decode") {
  using model::TaskStatusSource;
  CHECK(std::string(model::toString(TaskStatusSource::SOURCE_MASTER)) == "SOURCE_MASTER");
  CHECK(std::string(model::toString(TaskStatusSource::SOURCE_EXECUTOR)) == "SOURCE_EXECUTOR");
  CHECK((model::parseTaskStatusSource("SOURCE_SLAVE") == TaskStatusSource::SOURCE_SLAVE));
  CHECK(!model::parseTaskStatusSource("SOURCE_AGENT"));
  std::string record = model::encodeRecord(StatusUpdateRecord{StatusUpdateRecord::Type::UPDATE,
                                                              update("u1", TaskState::TASK_RUNNING), ""});
  CHECK(!model::decodeRecords(record).isError());
  record.replace(record.find("SOURCE_EXECUTOR"), 15, "SOURCE_AGENTXYZ");  // same length: the prefix holds
  const auto bad = model::decodeRecords(record);
  REQUIRE(bad.isError());
  CHECK(bad.error().find("unknown source 'SOURCE_AGENTXYZ'") != std::string::npos);
}

TEST_CASE("only the head is pending first; an ack must name the head's UUID") {
  StatusUpdateStream s("task-1", "fw-1", nullptr, std::nullopt);
  CHECK(*s.update(update("u1", TaskState::TASK_RUNNING)));
  CHECK(*s.update(update("u2", TaskState::TASK_FINISHED)));
  REQUIRE(s.next() != nullptr);
  CHECK(s.next()->uuid == "u1");
  CHECK(s.pending().size() == 2);

  // An ack for the queued update, not the head, is rejected and changes nothing.
  auto wrong = s.acknowledgement("u2");
  CHECK(!wrong.isError());
  CHECK(!*wrong);
  CHECK(s.rejection() == "Unexpected status update acknowledgement (received u2, expecting u1)");
  CHECK(s.next()->uuid == "u1");

  CHECK(*s.acknowledgement("u1"));
  CHECK(s.next()->uuid == "u2");
  // A second ack of u1 is a duplicate.
  auto dup = s.acknowledgement("u1");
  CHECK(!*dup);
  CHECK(s.rejection() == "Duplicate status update acknowledgment (received u1)");
  CHECK(!s.terminated());
}

TEST_CASE("duplicate and already-acknowledged updates are ignored") {
  StatusUpdateStream s("task-1", "fw-1", nullptr, std::nullopt);
  CHECK(*s.update(update("u1", TaskState::TASK_RUNNING)));
  CHECK(!*s.update(update("u1", TaskState::TASK_RUNNING)));
  CHECK(s.rejection() == "Ignoring duplicate status update");
  CHECK(*s.acknowledgement("u1"));
  CHECK(!*s.update(update("u1", TaskState::TASK_RUNNING)));
  CHECK(s.rejection() == "Ignoring status update that has already been acknowledged by the framework!");
  CHECK(s.pending().empty());
  CHECK(s.update(update("", TaskState::TASK_RUNNING)).isError());
}

TEST_CASE("acknowledging a terminal update terminates the stream; an ack with nothing pending fails") {
  StatusUpdateStream s("task-1", "fw-1", nullptr, std::nullopt);
  CHECK(s.acknowledgement("u0").error() == "Unexpected status update acknowledgment (UUID: u0) for task task-1 of framework fw-1");
  CHECK(*s.update(update("u1", TaskState::TASK_FINISHED)));
  CHECK(*s.update(update("u2", TaskState::TASK_KILLED)));
  CHECK(!s.terminated());
  CHECK(*s.acknowledgement("u1"));
  CHECK(s.terminated());
  CHECK(s.pending().size() == 1);  // the manager discards what is queued behind it
}

TEST_CASE("with checkpointing every UPDATE and ACK is appended to task.updates, and replay rebuilds the stream") {
  sim::Disk disk;
  StatusUpdateStream s("task-1", "fw-1", &disk, kPath);
  CHECK(*s.update(update("u1", TaskState::TASK_RUNNING, "started\tfine")));
  CHECK(*s.update(update("u2", TaskState::TASK_FINISHED)));
  CHECK(*s.acknowledgement("u1"));

  const auto bytes = disk.read(kPath);
  REQUIRE(bytes);
  auto records = model::decodeRecords(*bytes);
  REQUIRE(!records.isError());
  REQUIRE(records->size() == 3);
  CHECK((*records)[0].type == StatusUpdateRecord::Type::UPDATE);
  CHECK((*records)[0].update.uuid == "u1");
  CHECK((*records)[0].update.message == "started fine");
  CHECK((*records)[0].update.timestamp == sim::Time{} + sim::Seconds(3));
  CHECK(((*records)[0].update.source == model::TaskStatusSource::SOURCE_EXECUTOR));
  CHECK((*records)[2].type == StatusUpdateRecord::Type::ACK);
  CHECK((*records)[2].uuid == "u1");
  // Length prefix: 4 bytes, little-endian.
  const auto n = static_cast<unsigned char>((*bytes)[0]) | (static_cast<unsigned char>((*bytes)[1]) << 8);
  CHECK((*bytes)[4 + n] != 'U');  // the next record starts with its own length

  StatusUpdateStream replayed("task-1", "fw-1", &disk, kPath);
  CHECK(!replayed.replay(*records).isError());
  REQUIRE(replayed.next() != nullptr);
  CHECK(replayed.next()->uuid == "u2");
  CHECK(!*replayed.update(update("u1", TaskState::TASK_RUNNING)));  // acknowledged before the restart
  CHECK(disk.read(kPath) == bytes);                                   // replay writes nothing
}

TEST_CASE("replay acknowledges each update whose UUID has an ACK record anywhere, as 1.1's replay(updates, acks)") {
  sim::Disk disk;
  using Type = StatusUpdateRecord::Type;
  auto upd = [](std::string uuid, TaskState state) { return StatusUpdateRecord{Type::UPDATE, update(uuid, state), ""}; };
  auto ack = [](std::string uuid) { return StatusUpdateRecord{Type::ACK, {}, std::move(uuid)}; };
  // An ACK for an update the file does not hold changes nothing (no error).
  StatusUpdateStream a("task-1", "fw-1", &disk, kPath);
  CHECK(!a.replay({upd("u1", TaskState::TASK_RUNNING), ack("u9")}).isError());
  REQUIRE(a.next() != nullptr);
  CHECK(a.next()->uuid == "u1");
  // An ACK before its UPDATE still acknowledges it; a terminal one closes the stream.
  StatusUpdateStream b("task-1", "fw-1", &disk, kPath);
  CHECK(!b.replay({ack("u1"), upd("u1", TaskState::TASK_FINISHED)}).isError());
  CHECK(b.next() == nullptr);
  CHECK(b.terminated());
}

TEST_CASE("unsynced records are lost in a crash; a torn record at the end is ignored") {
  sim::Disk disk;
  StatusUpdateStream s("task-1", "fw-1", &disk, kPath);
  CHECK(*s.update(update("u1", TaskState::TASK_RUNNING)));
  disk.sync();
  CHECK(*s.update(update("u2", TaskState::TASK_FINISHED)));
  disk.crash();
  auto records = model::decodeRecords(*disk.read(kPath));
  CHECK(records->size() == 1);

  std::string torn = *disk.read(kPath) + model::encodeRecord(StatusUpdateRecord{StatusUpdateRecord::Type::ACK, {}, "u1"});
  torn.pop_back();
  CHECK(model::decodeRecords(torn)->size() == 1);
  CHECK(model::decodeRecords(std::string("\x05\x00\x00\x00hello", 9)).isError());
}

TEST_CASE("a failed checkpoint write puts the stream in a permanent error state") {
  sim::Disk disk;
  StatusUpdateStream s("task-1", "fw-1", &disk, kPath);
  disk.failWrites("/var/lib/mesos/meta", 1);
  auto r = s.update(update("u1", TaskState::TASK_RUNNING));
  REQUIRE(r.isError());
  CHECK(r.error().find("Failed to write status update u1") != std::string::npos);
  CHECK(s.pending().empty());
  CHECK(s.update(update("u2", TaskState::TASK_RUNNING)).isError());  // the disk works again; the stream does not
}
