// Expectation kinds: each reads trace records only, so a saved trace can be checked
// the same way as a live run.
#include <algorithm>

#include <fmt/format.h>

#include "harness/tables.hpp"

namespace agentsim::harness {

namespace {

using sim::Record;
using sim::RecordKind;

// "slave(1)@agent-1:5051" matches "slave(1)", "agent-1" or the whole address.
bool endpointMatches(const std::string& pattern, const std::string& id, const std::string& host,
                     const std::string& full) {
  return pattern.empty() || pattern == id || pattern == host || pattern == full;
}

bool addressMatches(const std::string& pattern, const std::string& address) {
  if (pattern.empty()) return true;
  const auto at = address.find('@');
  const auto colon = address.rfind(':');
  if (at == std::string::npos) return pattern == address;
  return endpointMatches(pattern, address.substr(0, at), address.substr(at + 1, colon - at - 1), address);
}

struct MessageFilter {
  std::string name;
  std::string from;
  std::string to;
  RecordKind event = RecordKind::Send;
  sim::Time after;
  sim::Time before = sim::Time::max();

  bool matches(const Record& r) const {
    if (r.kind != event || r.at < after || r.at > before) return false;
    if (!name.empty() && r.name != name) return false;
    return addressMatches(from, r.text("from")) && addressMatches(to, r.text("to"));
  }

  std::string describe() const {
    return fmt::format("{}{}{}{}", name.empty() ? "any message" : name, from.empty() ? "" : " from " + from,
                       to.empty() ? "" : " to " + to,
                       before == sim::Time::max() && after == sim::Time{}
                           ? std::string()
                           : fmt::format(" between {} and {}", sim::format(after.sinceStart()),
                                         before == sim::Time::max() ? "the end" : sim::format(before.sinceStart())));
  }
};

RecordKind eventArg(const ParseContext& c, const std::string& p) {
  const std::string text = c.reader.string(p, 20);
  if (text == "send") return RecordKind::Send;
  if (text == "deliver") return RecordKind::Deliver;
  if (text == "drop") return RecordKind::Drop;
  c.reader.fail(p, fmt::format("expected \"send\", \"deliver\" or \"drop\", got \"{}\"", text));
}

void readWindow(const ParseContext& c, const std::string& p, MessageFilter& f) {
  if (!c.reader.has(p + "/between")) return;
  const std::string w = p + "/between";
  const auto& v = c.reader.at(w);
  if (!v.is_array() || v.size() != 2) {
    c.reader.fail(w, fmt::format("expected [from, to] durations, e.g. [\"0secs\", \"1mins\"], got {}",
                                 v.is_array() ? fmt::format("{} item(s)", v.size()) : typeName(v)));
  }
  const auto a = c.reader.duration(w + "/0", sim::Duration{}, ScenarioLimits::kMaxUntil);
  const auto b = c.reader.duration(w + "/1", sim::Duration{}, ScenarioLimits::kMaxUntil);
  if (b < a) c.reader.fail(w + "/1", "the window ends before it starts");
  f.after = sim::Time{} + a;
  f.before = sim::Time{} + b;
}

std::string times(const std::vector<const Record*>& hits) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < hits.size() && i < 8; ++i) out.push_back(sim::formatSeconds(hits[i]->at));
  std::string s = fmt::format("{}", fmt::join(out, ", "));
  if (hits.size() > 8) s += fmt::format(", ... ({} more)", hits.size() - 8);
  return s;
}

std::string_view eventWord(RecordKind k) {
  switch (k) {
    case RecordKind::Send: return "sent";
    case RecordKind::Deliver: return "delivered";
    case RecordKind::Drop: return "dropped";
    default: return "seen";
  }
}

void parseMessageCount(const ParseContext& c, const std::string& p, Expectation& out) {
  c.reader.object(p, {"message", "from", "to", "event", "between", "count", "at_least", "at_most"}, {"message"});
  MessageFilter f;
  f.name = messageArg(c, p + "/message");
  if (c.reader.has(p + "/from")) f.from = endpointArg(c, p + "/from");
  if (c.reader.has(p + "/to")) f.to = endpointArg(c, p + "/to");
  if (c.reader.has(p + "/event")) f.event = eventArg(c, p + "/event");
  readWindow(c, p, f);
  // Without bounds: at least once. With only at_most: from zero ("at_most": 0 = never).
  std::uint64_t lo = c.reader.has(p + "/at_most") ? 0 : 1;
  std::uint64_t hi = UINT64_MAX;
  const bool exact = c.reader.has(p + "/count");
  if (exact) {
    if (c.reader.has(p + "/at_least") || c.reader.has(p + "/at_most")) {
      c.reader.fail(p, "give either \"count\" or \"at_least\"/\"at_most\", not both");
    }
    lo = hi = c.reader.unsignedInteger(p + "/count", 0, 1'000'000'000);
  }
  if (c.reader.has(p + "/at_least")) lo = c.reader.unsignedInteger(p + "/at_least", 0, 1'000'000'000);
  if (c.reader.has(p + "/at_most")) hi = c.reader.unsignedInteger(p + "/at_most", 0, 1'000'000'000);
  if (hi < lo) c.reader.fail(p + "/at_most", "at_most is below at_least");
  const std::string bound = exact                ? fmt::format("exactly {}", lo)
                            : hi == UINT64_MAX   ? fmt::format("at least {}", lo)
                            : lo == 0            ? fmt::format("at most {}", hi)
                                                 : fmt::format("between {} and {}", lo, hi);
  out.summary = fmt::format("{} {} {} times", f.describe(), eventWord(f.event), bound);
  out.evaluate = [f, lo, hi](const std::vector<Record>& records) {
    std::vector<const Record*> hits;
    for (const Record& r : records) {
      if (f.matches(r)) hits.push_back(&r);
    }
    const bool held = hits.size() >= lo && hits.size() <= hi;
    return Outcome{held, hits.empty() ? std::string("none seen")
                                      : fmt::format("{} {} at {}", hits.size(), eventWord(f.event), times(hits))};
  };
}

void parseMessageOrder(const ParseContext& c, const std::string& p, Expectation& out) {
  c.reader.object(p, {"messages", "from", "to", "event", "between"}, {"messages"});
  const std::size_t n = c.reader.array(p + "/messages", 100);
  if (n < 2) c.reader.fail(p + "/messages", "expected at least two message names");
  std::vector<std::string> names;
  for (std::size_t i = 0; i < n; ++i) names.push_back(messageArg(c, Reader::child(p + "/messages", i)));
  MessageFilter base;
  if (c.reader.has(p + "/from")) base.from = endpointArg(c, p + "/from");
  if (c.reader.has(p + "/to")) base.to = endpointArg(c, p + "/to");
  if (c.reader.has(p + "/event")) base.event = eventArg(c, p + "/event");
  readWindow(c, p, base);
  out.summary = fmt::format("{} {} in this order", fmt::join(names, ", "), eventWord(base.event));
  out.evaluate = [names, base](const std::vector<Record>& records) {
    std::size_t next = 0;
    std::vector<std::string> seen;
    for (const Record& r : records) {
      if (next == names.size()) break;
      MessageFilter f = base;
      f.name = names[next];
      if (f.matches(r)) {
        seen.push_back(fmt::format("{} at {}", names[next], sim::formatSeconds(r.at)));
        ++next;
      }
    }
    if (next == names.size()) return Outcome{true, fmt::format("{}", fmt::join(seen, ", "))};
    return Outcome{false, fmt::format("{}{}never saw {} after that", fmt::join(seen, ", "), seen.empty() ? "" : "; ",
                                      names[next])};
  };
}

void parseAgentState(const ParseContext& c, const std::string& p, Expectation& out) {
  c.reader.object(p, {"agent", "state", "by", "after"}, {"agent", "state"});
  const std::string agent = c.reader.identifier(p + "/agent");
  if (!c.scenario.isAgent(agent)) {
    c.reader.fail(p + "/agent", c.scenario.hasHost(agent)
                                    ? fmt::format("\"{}\" is a master, not an agent", agent)
                                    : fmt::format("no agent named \"{}\" in the cluster", agent));
  }
  const std::string state = c.reader.string(p + "/state", 40);
  static const std::vector<std::string> kStates{"RECOVERING", "DISCONNECTED", "RUNNING", "TERMINATING"};
  if (std::find(kStates.begin(), kStates.end(), state) == kStates.end()) {
    c.reader.fail(p + "/state", fmt::format("expected a Slave::State (RECOVERING, DISCONNECTED, RUNNING, TERMINATING), "
                                            "got \"{}\"",
                                            state));
  }
  sim::Time after;
  sim::Time by = sim::Time{} + c.scenario.until;
  if (c.reader.has(p + "/after")) after = sim::Time{} + c.reader.duration(p + "/after", {}, ScenarioLimits::kMaxUntil);
  if (c.reader.has(p + "/by")) by = sim::Time{} + c.reader.duration(p + "/by", {}, ScenarioLimits::kMaxUntil);
  out.summary = fmt::format("agent {} reaches {} by {}{}", agent, state, sim::format(by.sinceStart()),
                            after == sim::Time{} ? "" : " (after " + sim::format(after.sinceStart()) + ")");
  out.evaluate = [agent, state, after, by](const std::vector<Record>& records) {
    const Record* last = nullptr;
    for (const Record& r : records) {
      if (r.kind != RecordKind::State || r.name != "Slave::State" || r.host != agent) continue;
      if (r.at > by) break;
      last = &r;
      if (r.at >= after && r.text("state") == state) {
        return Outcome{true, fmt::format("{} at {}", state, sim::formatSeconds(r.at))};
      }
    }
    return Outcome{false, last == nullptr ? std::string("no state change recorded")
                                          : fmt::format("last state {} at {}", last->text("state"),
                                                        sim::formatSeconds(last->at))};
  };
}

}  // namespace

const std::vector<ExpectationKind>& expectationKinds() {
  static const std::vector<ExpectationKind> kinds{
      {"agent_state",
       "The agent's Slave::State reaches a state at or before a time. Value: {agent, state, by, after}.",
       parseAgentState},
      {"message_count",
       "A message is seen a number of times. Value: {message, from, to, event (send|deliver|drop), between, count | "
       "at_least | at_most}.",
       parseMessageCount},
      {"message_order",
       "Messages are seen in an order. Value: {messages: [names], from, to, event, between}.",
       parseMessageOrder},
  };
  return kinds;
}

}  // namespace agentsim::harness
