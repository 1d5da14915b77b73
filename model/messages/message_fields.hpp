#pragma once
// The modelled messages a scenario can build or change field by field, as the Mesos tests
// build a protobuf (`StatusUpdateMessage lostUpdate; lostUpdate.mutable_update()...`) or
// modify a copy of one they intercepted (`message.set_version("0.28.1-rc1")`) before
// process::post. Each kind has a maker (the message with its protobuf defaults, every
// repeated field empty) and setters for its scalar fields, by their messages.proto
// names, and for three repeated ones, each as text that replaces the whole list
// (ReconcileTasksMessage.statuses, ReregisterExecutorMessage.updates,
// ReregisterSlaveMessage.tasks); a setter reads the field's value from text and says
// what it expected when the text is not one. The harness's `spoof` and `rewrite` actions read this table; the
// kernel's in-flight rewrite (sim::FaultRule::rewrite) calls the setters.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/message.hpp"

namespace agentsim::model {

// What a field holds, and so which values a scenario may give it.
enum class FieldType {
  Text,         // any text (a TaskID, an ExecutorID, a version, a message)
  FrameworkId,  // a FrameworkID value (a scenario may name the framework instead)
  SlaveId,      // a SlaveID value (a scenario may name the agent instead)
  TaskState,    // a TaskState name, e.g. "TASK_LOST"
  Source,       // a TaskStatus::Source name, e.g. "SOURCE_SLAVE"
  Reason,       // a TaskStatus::Reason name, e.g. "REASON_SLAVE_REMOVED"
  Boolean,      // "true" or "false"
  Integer,      // a decimal integer
  Pid,          // a libprocess address "id@host:port", or "" for none (StatusUpdateMessage.pid)
};
std::string_view toString(FieldType type);

struct MessageField {
  std::string_view name;
  FieldType type = FieldType::Text;
  // Sets the field of a message of this kind from `value`; an error text (what it expected)
  // if `value` is not one.
  std::function<std::optional<std::string>(sim::Message&, const std::string& value)> set;
  // A Pid field's setter proper: `set` only checks the text (an address is interned by
  // the simulation, which the caller has: model::parseUpid); this stores the address.
  std::function<void(sim::Message&, sim::Upid)> setPid;
};

struct MessageKind {
  std::string_view name;
  std::function<std::unique_ptr<sim::Message>()> make;
  std::vector<MessageField> fields;

  const MessageField* field(std::string_view fieldName) const;
  std::vector<std::string> fieldNames() const;
};

// Every kind a scenario can build, by name.
const std::vector<MessageKind>& messageKinds();
const MessageKind* findMessageKind(std::string_view name);
std::vector<std::string> messageKindNames();

}  // namespace agentsim::model
