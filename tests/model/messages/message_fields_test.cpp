// The table of messages a scenario can build or rewrite field by field.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/messages/message_fields.hpp"
#include "model/messages/messages.hpp"
#include "model/messages/task_messages.hpp"

using namespace agentsim::model;

TEST_CASE("every kind of the table is a modelled Mesos message, made under its own name") {
  const auto& names = mesosMessageNames();
  REQUIRE(!messageKinds().empty());
  for (const MessageKind& kind : messageKinds()) {
    CAPTURE(kind.name);
    CHECK(std::find(names.begin(), names.end(), kind.name) != names.end());
    CHECK(kind.make()->name() == kind.name);
    CHECK(findMessageKind(kind.name) == &kind);
  }
  CHECK(findMessageKind("NoSuchMessage") == nullptr);
}

TEST_CASE("a field's setter reads its value by the field's type and says what it expected") {
  const MessageKind* kind = findMessageKind(StatusUpdateMessage::kName);
  REQUIRE(kind != nullptr);
  auto m = kind->make();
  CHECK_FALSE(kind->field("state")->set(*m, "TASK_LOST").has_value());
  CHECK_FALSE(kind->field("source")->set(*m, "SOURCE_SLAVE").has_value());
  CHECK_FALSE(kind->field("framework_id")->set(*m, "fw-0000").has_value());
  const auto& update = static_cast<StatusUpdateMessage&>(*m).update;
  CHECK((update.state == TaskState::TASK_LOST));
  CHECK((update.source == TaskStatusSource::SOURCE_SLAVE));
  CHECK(update.framework_id == Id("fw-0000"));
  CHECK(kind->field("state")->set(*m, "LOST") == std::optional<std::string>("a TaskState, e.g. \"TASK_LOST\""));
  CHECK((update.state == TaskState::TASK_LOST));  // a bad value changes nothing

  const MessageKind* ping = findMessageKind(PingSlaveMessage::kName);
  auto p = ping->make();
  CHECK(ping->field("connected")->set(*p, "yes").has_value());
  CHECK_FALSE(ping->field("connected")->set(*p, "false").has_value());
  CHECK_FALSE(static_cast<PingSlaveMessage&>(*p).connected);

  const MessageKind* reg = findMessageKind(RegisterSlaveMessage::kName);
  auto r = reg->make();
  CHECK_FALSE(reg->field("version")->set(*r, "0.28.1-rc1").has_value());
  CHECK(static_cast<RegisterSlaveMessage&>(*r).version == "0.28.1-rc1");
  CHECK(reg->field("port")->set(*r, "70000").has_value());
  CHECK(reg->fieldNames() == std::vector<std::string>{"hostname", "port", "resources", "slave_id", "version"});
}

TEST_CASE("StatusUpdateMessage.pid: the text is checked by set, the address stored by setPid") {
  const MessageKind* kind = findMessageKind(StatusUpdateMessage::kName);
  REQUIRE(kind != nullptr);
  const MessageField* pid = kind->field("pid");
  REQUIRE(pid != nullptr);
  CHECK((pid->type == FieldType::Pid));
  REQUIRE(pid->setPid);
  auto m = kind->make();
  CHECK_FALSE(pid->set(*m, "slave(1)@agent-1:5051").has_value());
  CHECK_FALSE(pid->set(*m, "").has_value());  // none: a bare post
  CHECK(pid->set(*m, "agent-1") ==
        std::optional<std::string>("a libprocess address such as \"slave(1)@agent-1:5051\", or \"\" for none"));
  CHECK(static_cast<StatusUpdateMessage&>(*m).pid.isNone());  // set stores nothing
}

TEST_CASE("a uuid field takes any text, kept character for character (model::Uuid: bytes or the text)") {
  // A scenario's uuid: the setters accept every text, as when the field was a std::string,
  // and the message carries it back unchanged (a canonical one as 16 bytes, any other as it came).
  const std::vector<std::string> texts = {
      "0123abcd-4567-89ef-a0b1-c2d3e4f5a6b7", "0123ABCD-4567-89EF-A0B1-C2D3E4F5A6B7",
      "{0123abcd-4567-89ef-a0b1-c2d3e4f5a6b7}", "00000000-0000-0000-0000-000000000000",
      "0123abcd-4567-89ef-a0b1-c2d3e4f5a6g7", "not-a-uuid", "",
      std::string("0123abcd-4567-89ef-a0b1-c2d3e4f5a6b\0", 36)};
  const MessageKind* update = findMessageKind(StatusUpdateMessage::kName);
  const MessageKind* ack = findMessageKind(StatusUpdateAcknowledgementMessage::kName);
  REQUIRE(update != nullptr);
  REQUIRE(ack != nullptr);
  for (const std::string& t : texts) {
    CAPTURE(t);
    auto u = update->make();
    CHECK_FALSE(update->field("uuid")->set(*u, t).has_value());
    CHECK(static_cast<StatusUpdateMessage&>(*u).update.uuid.str() == t);
    CHECK(static_cast<StatusUpdateMessage&>(*u).update.uuid.empty() == t.empty());
    auto a = ack->make();
    CHECK_FALSE(ack->field("uuid")->set(*a, t).has_value());
    CHECK(static_cast<StatusUpdateAcknowledgementMessage&>(*a).uuid.str() == t);
    CHECK(static_cast<StatusUpdateAcknowledgementMessage&>(*a).uuid == t);
  }
  // ReregisterExecutorMessage.updates: TASK_ID=STATE/UUID keeps the text; none given, the
  // n-th gets 00000000-0000-4000-8000-00000000000n.
  const MessageKind* reregister = findMessageKind(ReregisterExecutorMessage::kName);
  REQUIRE(reregister != nullptr);
  auto r = reregister->make();
  const std::string list = "t1=TASK_RUNNING/0123ABCD-4567-89EF-A0B1-C2D3E4F5A6B7,t2=TASK_RUNNING";
  CHECK_FALSE(reregister->field("updates")->set(*r, list).has_value());
  const auto& updates = static_cast<ReregisterExecutorMessage&>(*r).updates;
  REQUIRE(updates.size() == 2);
  CHECK(updates[0].uuid.str() == "0123ABCD-4567-89EF-A0B1-C2D3E4F5A6B7");
  CHECK(updates[0].uuid.bytes() == nullptr);
  CHECK(updates[1].uuid.str() == "00000000-0000-4000-8000-000000000002");
  CHECK(updates[1].uuid.bytes() != nullptr);
}
