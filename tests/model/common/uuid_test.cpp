#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "model/common/uuid.hpp"
#include "model/messages/status_update.hpp"
#include "model/slave/status_update_stream.hpp"
#include "sim/rng.hpp"
#include "tests/model/uuid_texts.hpp"

using agentsim::model::Uuid;
using agentsim::model::UuidBytes;

using agentsim::testing::offFormUuidTexts;

TEST_CASE("randomUuidBytes: randomUuid's UUID from the same draws, as 16 bytes") {
  agentsim::sim::Rng a(11, "uuid");
  agentsim::sim::Rng b(11, "uuid");
  for (int i = 0; i < 500; ++i) {
    const UuidBytes bytes = agentsim::model::randomUuidBytes(a);
    const std::string text = agentsim::model::randomUuid(b);
    CHECK(bytes.str() == text);
    REQUIRE(UuidBytes::parse(text).has_value());
    CHECK(*UuidBytes::parse(text) == bytes);
  }
  CHECK(a.next() == b.next());  // the same number of draws
}

TEST_CASE("Uuid: a UUID's text as 16 bytes, back to the same text") {
  static_assert(sizeof(Uuid) == 24);
  agentsim::sim::Rng rng(3, "uuid");
  for (int i = 0; i < 200; ++i) {
    const std::string text = agentsim::model::randomUuid(rng);
    const Uuid u(text);
    REQUIRE(u.bytes() != nullptr);
    CHECK(u.text() == nullptr);
    CHECK(u.str() == text);
    CHECK(fmt::format("{}", u) == text);
    CHECK(std::string(u) == text);
    CHECK_FALSE(u.empty());
    CHECK(u == text);
    CHECK(Uuid(*u.bytes()) == u);
    const Uuid copy = u;
    CHECK(copy == u);
  }
}

TEST_CASE("Uuid: any other text kept as it came; equal exactly when the texts are") {
  const Uuid none;
  CHECK(none.empty());
  CHECK(none.str().empty());
  CHECK(Uuid("").empty());
  CHECK(Uuid(std::string()).empty());
  CHECK(none == Uuid(""));
  for (const std::string& t : offFormUuidTexts()) {
    CAPTURE(t);
    const Uuid u(t);
    CHECK(u.bytes() == nullptr);
    REQUIRE(u.text() != nullptr);
    CHECK(u.str() == t);
    CHECK(u.str().size() == t.size());
    CHECK(fmt::format("{}", u) == t);
    CHECK_FALSE(u.empty());
    CHECK_FALSE(u == none);
  }
  // The nil UUID made from bytes prints and compares as its text.
  CHECK(Uuid(UuidBytes()) == Uuid("00000000-0000-0000-0000-000000000000"));
  CHECK_FALSE(Uuid(UuidBytes()).empty());
  std::vector<std::string> all = offFormUuidTexts();
  all.push_back("0123abcd-4567-89ef-a0b1-c2d3e4f5a6b7");
  all.push_back("0123abcd-4567-89ef-a0b1-c2d3e4f5a6b8");
  all.push_back("");
  for (const std::string& x : all) {
    for (const std::string& y : all) {
      CAPTURE(x);
      CAPTURE(y);
      CHECK((Uuid(x) == Uuid(y)) == (x == y));
      CHECK((Uuid(x) == y) == (x == y));
    }
  }
  Uuid cleared("0123abcd-4567-89ef-a0b1-c2d3e4f5a6b7");
  cleared.clear();
  CHECK(cleared.empty());
}

TEST_CASE("StatusUpdateRecord: a uuid's text survives task.updates, in either form") {
  using agentsim::model::StatusUpdateRecord;
  std::vector<std::string> texts = offFormUuidTexts();
  texts.erase(texts.end() - 1);  // a NUL is not a record's text
  texts.push_back("0123abcd-4567-89ef-a0b1-c2d3e4f5a6b7");
  std::string bytes;
  for (const std::string& t : texts) {
    StatusUpdateRecord update;
    update.update.task_id = "task-1";
    update.update.uuid = t;
    bytes += agentsim::model::encodeRecord(update);
    StatusUpdateRecord ack;
    ack.type = StatusUpdateRecord::Type::ACK;
    ack.uuid = t;
    bytes += agentsim::model::encodeRecord(ack);
  }
  const auto records = agentsim::model::decodeRecords(bytes);
  REQUIRE_FALSE(records.isError());
  REQUIRE(records->size() == 2 * texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    CAPTURE(texts[i]);
    CHECK((*records)[2 * i].update.uuid.str() == texts[i]);
    CHECK((*records)[2 * i + 1].uuid.str() == texts[i]);
  }
}

namespace {
agentsim::model::StatusUpdate streamUpdate(const std::string& uuid, agentsim::model::TaskState state) {
  agentsim::model::StatusUpdate u;
  u.framework_id = "fw-1";
  u.task_id = "task-1";
  u.state = state;
  u.uuid = uuid;
  return u;
}
}  // namespace

TEST_CASE("StatusUpdateStream: an ack matches its update's text exactly, in either form, live and replayed") {
  using agentsim::model::StatusUpdateRecord;
  using agentsim::model::StatusUpdateStream;
  using agentsim::model::TaskState;
  const std::string lower = "0123abcd-4567-89ef-a0b1-c2d3e4f5a6b7";  // held as bytes
  const std::string upper = "0123ABCD-4567-89EF-A0B1-C2D3E4F5A6B7";  // the same UUID to Mesos, another text
  const std::string nil = "00000000-0000-0000-0000-000000000000";    // kept as text
  // Live: an ack of another text of the same UUID is not the head's (text compared, as
  // when the uuid was a std::string); the exact text is.
  StatusUpdateStream s("task-1", "fw-1", nullptr, std::nullopt);
  REQUIRE(*s.update(streamUpdate(lower, TaskState::TASK_RUNNING)));
  REQUIRE(*s.update(streamUpdate(upper, TaskState::TASK_RUNNING)));  // another text: not a duplicate
  REQUIRE(*s.update(streamUpdate(nil, TaskState::TASK_FINISHED)));
  CHECK_FALSE(*s.update(streamUpdate(lower, TaskState::TASK_RUNNING)));  // a duplicate of the first
  REQUIRE(s.pending().size() == 3);
  CHECK_FALSE(*s.acknowledgement(upper));
  CHECK(s.rejection().find("expecting " + lower) != std::string::npos);
  CHECK(*s.acknowledgement(lower));
  CHECK_FALSE(*s.acknowledgement(lower));  // a duplicate acknowledgement
  CHECK_FALSE(*s.acknowledgement(lower.substr(0, 35) + "8"));
  CHECK(*s.acknowledgement(upper));
  CHECK_FALSE(*s.acknowledgement(""));  // empty: the nil UUID's text is not "no uuid"
  CHECK_FALSE(s.terminated());
  CHECK(*s.acknowledgement(nil));
  CHECK(s.terminated());
  // Replayed from task.updates (agent recovery): the ACK records are matched by text too.
  std::vector<StatusUpdateRecord> records;
  for (const std::string& u : {lower, upper, nil}) {
    StatusUpdateRecord r;
    r.update = streamUpdate(u, u == nil ? TaskState::TASK_FINISHED : TaskState::TASK_RUNNING);
    records.push_back(r);
  }
  for (const std::string& a : {upper, std::string("0123abcd-4567-89ef-a0b1-c2d3e4f5a6b7")}) {
    StatusUpdateRecord r;
    r.type = StatusUpdateRecord::Type::ACK;
    r.uuid = a;
    records.push_back(r);
  }
  std::string bytes;
  for (const auto& r : records) bytes += agentsim::model::encodeRecord(r);
  const auto decoded = agentsim::model::decodeRecords(bytes);
  REQUIRE_FALSE(decoded.isError());
  StatusUpdateStream replayed("task-1", "fw-1", nullptr, std::nullopt);
  REQUIRE_FALSE(replayed.replay(*decoded).isError());
  REQUIRE(replayed.pending().size() == 1);  // the nil UUID's update, never acknowledged
  CHECK(replayed.pending().front().uuid.str() == nil);
  CHECK_FALSE(replayed.terminated());
  CHECK_FALSE(*replayed.update(streamUpdate(upper, TaskState::TASK_RUNNING)));  // acknowledged already
  CHECK(replayed.rejection().find("already been acknowledged") != std::string::npos);
}
