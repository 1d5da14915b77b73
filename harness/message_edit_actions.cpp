// Messages a scenario builds or changes field by field (model/messages/message_fields.hpp),
// as the Mesos tests build a protobuf or modify an intercepted copy before process::post:
//  - `spoof` of any modelled kind with `from` (parseGenericSpoof): the kernel carries a
//    message made with the given fields as if `from` had sent it (sim::Network::spoof);
//  - `rewrite`: while active (`count`, `for`), each matching message in flight gets the
//    given fields replaced before delivery, a kernel rule (sim::FaultAction::Rewrite) whose
//    transform this file supplies from the model's field setters; the trace's `rewrite`
//    fault record says what was set.
// A field's value is a string, a number or a boolean, read by the field's setter; a
// FrameworkID field may instead be {"framework": F} (F's FrameworkID when the action runs)
// and a SlaveID field {"agent": A} (A's SlaveID when the action runs).
#include <fmt/format.h>

#include <map>
#include <optional>

#include "harness/actions.hpp"
#include "harness/world.hpp"
#include "model/common/pid.hpp"
#include "model/master/master.hpp"
#include "model/messages/message_fields.hpp"
#include "model/sched/sched.hpp"
#include "sim/suggest.hpp"

namespace agentsim::harness {

namespace {

// A field's value as the scenario gave it: literal text, or a framework's or an agent's id
// looked up when the action runs.
struct FieldValue {
  std::string text;
  std::string framework;  // {"framework": F}
  std::string agent;      // {"agent": A}
  std::string workDir;    // the agent's --work_dir, to read its SlaveID while it is down
};

using FieldValues = std::map<std::string, FieldValue>;

const model::MessageKind& kindArg(const ParseContext& c, const std::string& p) {
  const std::string name = c.reader.string(p, 64);
  const model::MessageKind* kind = model::findMessageKind(name);
  if (kind == nullptr) {
    c.reader.fail(p, fmt::format("cannot build \"{}\"{}; the kinds with settable fields are: {}", name,
                                 sim::didYouMean(name, model::messageKindNames()),
                                 fmt::join(model::messageKindNames(), ", ")));
  }
  return *kind;
}

FieldValue valueArg(const ParseContext& c, const std::string& p, const model::MessageKind& kind,
                    const model::MessageField& field) {
  const auto& v = c.reader.at(p);
  FieldValue out;
  if (v.is_object()) {
    const bool framework = field.type == model::FieldType::FrameworkId;
    const bool agent = field.type == model::FieldType::SlaveId;
    if (!framework && !agent) {
      c.reader.fail(p, fmt::format("{}.{} takes a {} as a string, number or boolean", kind.name, field.name,
                                   model::toString(field.type)));
    }
    const char* key = framework ? "framework" : "agent";
    c.reader.object(p, {key}, {key});
    if (framework) {
      out.framework = c.reader.identifier(p + "/framework");
      if (!c.scenario.isFramework(out.framework)) {
        c.reader.fail(p + "/framework", fmt::format("\"{}\" is not a framework of the scenario", out.framework));
      }
    } else {
      out.agent = agentHostArg(c, p + "/agent");
      out.workDir = agentWorkDir(c.scenario, out.agent);
    }
    return out;
  }
  if (v.is_string()) {
    out.text = c.reader.string(p, 200);
  } else if (v.is_boolean()) {
    out.text = v.get<bool>() ? "true" : "false";
  } else if (v.is_number_integer()) {
    out.text = std::to_string(v.get<std::int64_t>());
  } else {
    c.reader.fail(p, fmt::format("expected a string, an integer or a boolean, got {}", typeName(v)));
  }
  // Checked now on a message of the kind, so a bad value is a located error, not a run-time note.
  auto probe = kind.make();
  if (auto error = field.set(*probe, out.text)) {
    c.reader.fail(p, fmt::format("{}.{} expects {}, got \"{}\"", kind.name, field.name, *error, out.text));
  }
  return out;
}

FieldValues fieldsArg(const ParseContext& c, const std::string& p, const model::MessageKind& kind) {
  const auto& v = c.reader.at(p);
  if (!v.is_object()) c.reader.fail(p, fmt::format("expected an object of {}'s fields, got {}", kind.name, typeName(v)));
  if (v.size() > 20) c.reader.fail(p, "at most 20 fields");
  FieldValues out;
  for (const auto& [name, value] : v.items()) {
    const std::string fp = Reader::child(p, name);
    const model::MessageField* field = kind.field(name);
    if (field == nullptr) {
      const auto names = kind.fieldNames();
      c.reader.failAtKey(fp, fmt::format("{} has no settable field \"{}\"{}; its fields are: {}", kind.name,
                                         name.substr(0, 60), sim::didYouMean(name, names),
                                         names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", "))));
    }
    out[name] = valueArg(c, fp, kind, *field);
  }
  return out;
}

// The value's text now: a framework's FrameworkID or an agent's SlaveID ("" if it has none).
std::string resolve(World& w, const FieldValue& v) {
  if (!v.framework.empty()) {
    const model::SchedulerProcess* fw = w.scheduler(v.framework);
    return fw == nullptr ? std::string() : std::string(fw->framework().id);
  }
  if (!v.agent.empty()) return slaveIdOf(w.sim(), v.agent, v.workDir);
  return v.text;
}

// Sets `values` on `m` (each checked at parse time); returns what was set, for the trace.
sim::Fields setFields(World& w, const model::MessageKind& kind, const FieldValues& values, sim::Message& m) {
  sim::Fields set;
  for (const auto& [name, value] : values) {
    const std::string text = resolve(w, value);
    const model::MessageField& field = *kind.field(name);
    if (auto error = field.set(m, text)) {
      note(w, "", fmt::format("{}.{}: expected {}, got \"{}\"; left unchanged", kind.name, name, *error, text));
      continue;
    }
    if (field.type == model::FieldType::Pid) {
      // The address is interned by the simulation (the setter only checked the text).
      field.setPid(m, text.empty() ? sim::Upid{} : model::parseUpid(w.sim(), text).value_or(sim::Upid{}));
    }
    set.push_back({name, text});
  }
  return set;
}

// A spoofed message's end: "leading-master", an agent (its slave(1) address), a framework
// (its scheduler's address when the action runs) or a full libprocess address.
struct AddressArg {
  std::string leader;     // "leading-master"
  std::string framework;  // a framework id
  std::string address;    // "id@host:port"
};

AddressArg addressArg(const ParseContext& c, const std::string& p) {
  const std::string text = c.reader.string(p, 200);
  AddressArg out;
  if (text == "leading-master") {
    out.leader = text;
  } else if (c.scenario.isFramework(text)) {
    out.framework = text;
  } else if (c.scenario.isAgent(text)) {
    for (const AgentSpec& a : c.scenario.agents) {
      if (a.id == text) out.address = fmt::format("slave(1)@{}:{}", text, a.flags.port);
    }
  } else {
    const auto at = text.find('@');
    const auto colon = text.rfind(':');
    bool ok = at != std::string::npos && at > 0 && colon != std::string::npos && colon > at + 1 &&
              colon + 1 < text.size() && colon + 6 >= text.size();
    for (std::size_t i = colon + 1; ok && i < text.size(); ++i) ok = text[i] >= '0' && text[i] <= '9';
    if (!ok) {
      c.reader.fail(p, fmt::format("expected \"leading-master\", an agent, a framework or a libprocess address "
                                   "such as \"master2@127.0.0.1:50\", got \"{}\"",
                                   text));
    }
    out.address = text;
  }
  return out;
}

std::optional<sim::Upid> resolveAddress(World& w, const AddressArg& a) {
  if (!a.leader.empty()) {
    const model::Master* master = w.leadingMaster();
    if (master == nullptr) return std::nullopt;
    return master->self();
  }
  if (!a.framework.empty()) {
    const model::SchedulerProcess* fw = w.scheduler(a.framework);
    if (fw == nullptr) return std::nullopt;
    return fw->self();
  }
  return model::parseUpid(w.sim(), a.address);
}

std::string describe(const AddressArg& a) {
  return !a.leader.empty() ? a.leader : !a.framework.empty() ? a.framework : a.address;
}

std::string describe(const FieldValues& values) {
  std::vector<std::string> out;
  for (const auto& [name, v] : values) {
    out.push_back(name + "=" + (!v.framework.empty() ? "FrameworkID of " + v.framework
                                : !v.agent.empty()   ? "SlaveID of " + v.agent
                                                     : v.text));
  }
  return fmt::format("{}", fmt::join(out, ", "));
}

}  // namespace

void parseGenericSpoof(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  c.reader.object(p, {"message", "from", "to", "fields"}, {"message", "from", "to"});
  const model::MessageKind& kind = kindArg(c, p + "/message");
  const AddressArg from = addressArg(c, p + "/from");
  const AddressArg to = addressArg(c, p + "/to");
  FieldValues values;
  if (c.reader.has(p + "/fields")) values = fieldsArg(c, p + "/fields", kind);
  out.summary = fmt::format("spoof {} from {} to {}{}", kind.name, describe(from), describe(to),
                            values.empty() ? "" : " with " + describe(values));
  out.apply = [&kind, from, to, values](World& w) {
    const auto f = resolveAddress(w, from);
    const auto t = resolveAddress(w, to);
    if (!f || !t) return note(w, "", fmt::format("spoof: no leading master or no such framework: nothing to spoof"));
    auto m = kind.make();
    (void)setFields(w, kind, values, *m);
    w.sim().network().spoof(sim::Envelope{*f, *t, std::move(m)});
  };
}

// {message, from, to, count, for, fields}: a rule of the kernel that rewrites the named
// fields of each matching message in flight.
void parseRewrite(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  c.reader.object(p, {"message", "from", "to", "count", "for", "fields"}, {"message", "fields"});
  const model::MessageKind& kind = kindArg(c, p + "/message");
  sim::FaultRule rule;
  rule.action = sim::FaultAction::Rewrite;
  rule.label = c.label;
  rule.match.name = std::string(kind.name);
  if (c.reader.has(p + "/from")) rule.match.from = endpointArg(c, p + "/from");
  if (c.reader.has(p + "/to")) rule.match.to = endpointArg(c, p + "/to");
  if (c.reader.has(p + "/count")) rule.count = c.reader.unsignedInteger(p + "/count", 1, 1'000'000'000);
  const std::optional<sim::Duration> window = forArg(c, p + "/for");
  const FieldValues values = fieldsArg(c, p + "/fields", kind);
  if (values.empty()) c.reader.fail(p + "/fields", "expected at least one field to rewrite");
  out.summary = fmt::format("rewrite {}{}{}: {}", rule.match.describe(),
                            rule.count != 0 ? fmt::format(", first {}", rule.count) : std::string(),
                            window ? ", for " + sim::format(*window) : std::string(), describe(values));
  out.apply = [&kind, rule, window, values](World& w) {
    sim::FaultRule r = rule;
    // The ids the values name are looked up as each message passes.
    r.rewrite = [&w, &kind, values](sim::Message& m) { return setFields(w, kind, values, m); };
    const sim::RuleId id = w.sim().network().addRule(std::move(r));
    w.rules().push_back(id);
    endAfter(w, window, "end of rewrite", [&w, id] { w.sim().network().removeRule(id); });
  };
}

}  // namespace agentsim::harness
