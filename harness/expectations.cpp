// Expectation kinds: each reads trace records only, so a saved trace can be checked
// the same way as a live run. Each is an observer (ExpectationCheck): it declares the
// records it reads (Expectation::interest), is handed them as they are emitted, keeps
// only what its verdict and evidence need, and gives the verdict at the end.
#include <algorithm>
#include <map>
#include <optional>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "harness/liveness.hpp"
#include "harness/tables.hpp"
#include "model/common/metrics.hpp"
#include "model/common/task_state.hpp"
#include "model/common/task_status_reason.hpp"
#include "model/common/task_status_source.hpp"
#include "model/master/master.hpp"
#include "model/master/registrar.hpp"
#include "model/master/registry.hpp"
#include "model/sched/sched.hpp"
#include "model/slave/fault_sites.hpp"
#include "model/slave/gc.hpp"
#include "model/slave/main.hpp"
#include "model/slave/slave.hpp"

namespace agentsim::harness {

namespace {

using sim::Record;
namespace machines = model::machines;
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

// Whether a record has every field with the value written (as the scenario wrote it:
// numbers and booleans in their text form).
bool fieldsMatch(const Record& r, const std::vector<std::pair<std::string, std::string>>& with) {
  for (const auto& [key, value] : with) {
    const sim::Value* v = r.field(key);
    if (v == nullptr) return false;
    std::string text;
    if (const auto* i = std::get_if<std::int64_t>(v)) text = std::to_string(*i);
    if (const auto* b = std::get_if<bool>(v)) text = *b ? "true" : "false";
    if (const auto* t = std::get_if<std::string>(v)) text = *t;
    if (const auto* j = std::get_if<sim::RawJson>(v)) text = j->text;  // a decimal: 7.5
    if (text != value) return false;
  }
  return true;
}

struct MessageFilter {
  std::string name;
  std::string from;
  std::string to;
  RecordKind event = RecordKind::Send;
  sim::Time after;
  sim::Time before = sim::Time::max();
  std::vector<std::pair<std::string, std::string>> with;  // message fields that must have these values

  bool matches(const Record& r) const {
    if (r.kind != event || r.at < after || r.at > before) return false;
    if (!name.empty() && r.name != name) return false;
    if (!fieldsMatch(r, with)) return false;
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

// count | at_least | at_most, as message_count: without bounds, at least once.
struct Bounds {
  std::uint64_t lo = 1;
  std::uint64_t hi = UINT64_MAX;
  bool exact = false;
  bool holds(std::uint64_t n) const { return n >= lo && n <= hi; }
  std::string describe() const {
    return exact || lo == hi     ? fmt::format("exactly {}", lo)
           : hi == UINT64_MAX    ? fmt::format("at least {}", lo)
           : lo == 0             ? fmt::format("at most {}", hi)
                                 : fmt::format("between {} and {}", lo, hi);
  }
};

Bounds boundsArg(const ParseContext& c, const std::string& p) {
  Bounds b;
  b.lo = c.reader.has(p + "/at_most") ? 0 : 1;
  if (c.reader.has(p + "/count")) {
    if (c.reader.has(p + "/at_least") || c.reader.has(p + "/at_most")) {
      c.reader.fail(p, "give either \"count\" or \"at_least\"/\"at_most\", not both");
    }
    b.exact = true;
    b.lo = b.hi = c.reader.unsignedInteger(p + "/count", 0, 1'000'000'000);
  }
  if (c.reader.has(p + "/at_least")) b.lo = c.reader.unsignedInteger(p + "/at_least", 0, 1'000'000'000);
  if (c.reader.has(p + "/at_most")) b.hi = c.reader.unsignedInteger(p + "/at_most", 0, 1'000'000'000);
  if (b.hi < b.lo) c.reader.fail(p + "/at_most", "at_most is below at_least");
  return b;
}

// [from, to]: two durations within [0ns, 52weeks], to not before from. `example` shows
// one in the error, e.g. ["0secs", "1mins"].
std::pair<sim::Time, sim::Time> timePairArg(const ParseContext& c, const std::string& w, std::string_view example) {
  const auto& v = c.reader.at(w);
  if (!v.is_array() || v.size() != 2) {
    c.reader.fail(w, fmt::format("expected [from, to] durations, e.g. {}, got {}", example,
                                 v.is_array() ? fmt::format("{} item(s)", v.size()) : typeName(v)));
  }
  const auto a = c.reader.duration(w + "/0", sim::Duration{}, ScenarioLimits::kMaxUntil);
  const auto b = c.reader.duration(w + "/1", sim::Duration{}, ScenarioLimits::kMaxUntil);
  if (b < a) c.reader.fail(w + "/1", "the window ends before it starts");
  return {sim::Time{} + a, sim::Time{} + b};
}

// {"key": value, ...}: at most 20 fields a record must carry with these values (as text).
std::vector<std::pair<std::string, std::string>> fieldsArg(const ParseContext& c, const std::string& w,
                                                           std::string_view what, std::string_view example) {
  if (!c.reader.at(w).is_object()) {
    c.reader.fail(w, fmt::format("expected an object of {} fields, e.g. {}, got {}", what, example,
                                 typeName(c.reader.at(w))));
  }
  std::vector<std::pair<std::string, std::string>> with;
  for (const auto& [key, value] : c.reader.at(w).items()) {
    if (with.size() >= 20) c.reader.fail(w, "at most 20 fields");
    with.emplace_back(key, c.reader.flagValue(Reader::child(w, key)));
  }
  return with;
}

void readWindow(const ParseContext& c, const std::string& p, MessageFilter& f) {
  if (!c.reader.has(p + "/between")) return;
  std::tie(f.after, f.before) = timePairArg(c, p + "/between", R"(["0secs", "1mins"])");
}

// A record a check counts: when it was, and its seq (for evidence_seqs).
struct Hit {
  sim::Time at;
  std::uint64_t seq = 0;
};

Hit hitOf(const Record& r) { return Hit{r.at, r.seq}; }

template <typename H>
std::string times(const std::vector<H>& hits) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < hits.size() && i < 8; ++i) out.push_back(sim::formatSeconds(hits[i].at));
  std::string s = fmt::format("{}", fmt::join(out, ", "));
  if (hits.size() > 8) s += fmt::format(", ... ({} more)", hits.size() - 8);
  return s;
}

// The seqs of the records an outcome's evidence names (Outcome::seqs).
template <typename H>
std::vector<std::uint64_t> seqsOf(const std::vector<H>& hits) {
  std::vector<std::uint64_t> out;
  out.reserve(hits.size());
  for (const H& h : hits) out.push_back(h.seq);
  return out;
}

// Makes a check of type C (copyable, with observe(record) and finish(end)) the
// expectation's observer, and its evaluate the same check over a whole trace.
template <typename C>
class CheckOf final : public ExpectationCheck {
 public:
  explicit CheckOf(C c) : c_(std::move(c)) {}
  void observe(const Record& r) override { c_.observe(r); }
  Outcome finish(sim::Time end) override { return c_.finish(end); }

 private:
  C c_;
};

template <typename C>
void observeWith(Expectation& out, sim::Interest interest, C prototype) {
  out.interest = interest;
  out.check = [prototype] { return std::make_unique<CheckOf<C>>(prototype); };
  out.evaluate = [interest, prototype](const std::vector<Record>& records) {
    C c = prototype;
    for (const Record& r : records) {
      if (interest.wants(r.kind, r.name)) c.observe(r);
    }
    return c.finish(records.empty() ? sim::Time{} : records.back().at);
  };
}

// The records a MessageFilter reads.
sim::Interest messageInterest(RecordKind event, const std::string& name) {
  sim::Interest i;
  return name.empty() ? i.kind(event) : i.name(event, name);
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
  c.reader.object(p, {"message", "from", "to", "event", "between", "with", "count", "at_least", "at_most"},
                  {"message"});
  MessageFilter f;
  f.name = messageArg(c, p + "/message");
  // {"connected": false}: fields of the message as the trace shows them.
  if (c.reader.has(p + "/with")) f.with = fieldsArg(c, p + "/with", "message", R"({"connected": false})");
  if (c.reader.has(p + "/from")) f.from = endpointArg(c, p + "/from");
  if (c.reader.has(p + "/to")) f.to = endpointArg(c, p + "/to");
  if (c.reader.has(p + "/event")) f.event = eventArg(c, p + "/event");
  readWindow(c, p, f);
  // Without bounds: at least once. With only at_most: from zero ("at_most": 0 = never).
  const Bounds bounds = boundsArg(c, p);
  std::string fields;
  for (const auto& [key, value] : f.with) fields += fmt::format("{}{}={}", fields.empty() ? " with " : ", ", key, value);
  out.summary = fmt::format("{}{} {} {} times", f.describe(), fields, eventWord(f.event), bounds.describe());
  struct Count {
    MessageFilter f;
    Bounds bounds;
    std::vector<Hit> hits;
    void observe(const Record& r) {
      if (f.matches(r)) hits.push_back(hitOf(r));
    }
    Outcome finish(sim::Time) const {
      const bool held = bounds.holds(hits.size());
      return Outcome{held,
                     hits.empty() ? std::string("none seen")
                                  : fmt::format("{} {} at {}", hits.size(), eventWord(f.event), times(hits)),
                     seqsOf(hits)};
    }
  };
  observeWith(out, messageInterest(f.event, f.name), Count{f, bounds, {}});
}

// A step of message_order: a message name, or {site, host}: a fault site's reach (its
// `fault` record `reach`, kept only in runs that read it), such as Containerizer::update.
struct OrderStep {
  std::string name;
  bool site = false;
  std::string host;  // site steps: only reaches on this host (default: any)
};

OrderStep orderStepArg(const ParseContext& c, const std::string& p) {
  if (!c.reader.at(p).is_object()) return OrderStep{messageArg(c, p), false, ""};
  c.reader.object(p, {"site", "host"}, {"site"});
  std::vector<std::string_view> names;
  for (const auto* sites : {&model::faultSites(), &model::agentHoldSites(), &model::firingSites()}) {
    for (const sim::FaultSiteSpec& site : *sites) {
      if (std::find(names.begin(), names.end(), site.name) == names.end()) names.push_back(site.name);
    }
  }
  OrderStep step{nameArg(c, p + "/site", "fault site", names), true, ""};
  if (c.reader.has(p + "/host")) step.host = hostArg(c, p + "/host");
  return step;
}

void parseMessageOrder(const ParseContext& c, const std::string& p, Expectation& out) {
  c.reader.object(p, {"messages", "from", "to", "event", "between"}, {"messages"});
  const std::size_t n = c.reader.array(p + "/messages", 100);
  if (n < 2) c.reader.fail(p + "/messages", "expected at least two message names");
  std::vector<OrderStep> steps;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < n; ++i) {
    steps.push_back(orderStepArg(c, Reader::child(p + "/messages", i)));
    names.push_back(steps.back().site ? "reach of " + steps.back().name : steps.back().name);
  }
  MessageFilter base;
  if (c.reader.has(p + "/from")) base.from = endpointArg(c, p + "/from");
  if (c.reader.has(p + "/to")) base.to = endpointArg(c, p + "/to");
  if (c.reader.has(p + "/event")) base.event = eventArg(c, p + "/event");
  readWindow(c, p, base);
  out.summary = fmt::format("{} {} in this order", fmt::join(names, ", "), eventWord(base.event));
  struct Order {
    std::vector<OrderStep> steps;
    std::vector<std::string> names;
    MessageFilter f;  // base, naming the next message
    std::size_t next = 0;
    std::vector<std::string> seen;
    std::vector<Hit> hits;
    bool matches(const Record& r) {
      const OrderStep& step = steps[next];
      if (!step.site) {
        f.name = step.name;
        return f.matches(r);
      }
      return r.kind == RecordKind::Fault && r.name == kSiteReachRecord && r.text("site") == step.name &&
             (step.host.empty() || r.host == step.host) && r.at >= f.after && r.at <= f.before;
    }
    void observe(const Record& r) {
      if (next == steps.size()) return;
      if (matches(r)) {
        seen.push_back(fmt::format("{} at {}", names[next], sim::formatSeconds(r.at)));
        hits.push_back(hitOf(r));
        ++next;
      }
    }
    Outcome finish(sim::Time) const {
      if (next == steps.size()) return Outcome{true, fmt::format("{}", fmt::join(seen, ", ")), seqsOf(hits)};
      return Outcome{false,
                     fmt::format("{}{}never saw {} after that", fmt::join(seen, ", "), seen.empty() ? "" : "; ",
                                 names[next]),
                     seqsOf(hits)};
    }
  };
  sim::Interest interest;
  for (const OrderStep& step : steps) {
    if (step.site) {
      interest.name(RecordKind::Fault, kSiteReachRecord);
    } else {
      interest.merge(messageInterest(base.event, step.name));
    }
  }
  observeWith(out, interest, Order{steps, names, base, 0, {}, {}});
}

void parseAgentState(const ParseContext& c, const std::string& p, Expectation& out) {
  c.reader.object(p, {"agent", "state", "by", "after", "count", "at_least", "at_most"}, {"agent", "state"});
  const std::string agent = c.reader.identifier(p + "/agent");
  if (!c.scenario.isAgent(agent)) {
    c.reader.fail(p + "/agent", c.scenario.hasHost(agent)
                                    ? fmt::format("\"{}\" is a master, not an agent", agent)
                                    : fmt::format("no agent named \"{}\" in the cluster", agent));
  }
  const std::string state = stateArg(c, p + "/state", machines::kSlave);
  sim::Time after;
  sim::Time by = sim::Time{} + c.scenario.until;
  if (c.reader.has(p + "/after")) after = sim::Time{} + c.reader.duration(p + "/after", {}, ScenarioLimits::kMaxUntil);
  if (c.reader.has(p + "/by")) by = sim::Time{} + c.reader.duration(p + "/by", {}, ScenarioLimits::kMaxUntil);
  out.summary = fmt::format("agent {} reaches {} by {}{}", agent, state, sim::format(by.sinceStart()),
                            after == sim::Time{} ? "" : " (after " + sim::format(after.sinceStart()) + ")");
  if (c.reader.has(p + "/count") || c.reader.has(p + "/at_least") || c.reader.has(p + "/at_most")) {
    // Counted: how many times the agent moves to the state within [after, by] ("count":
    // 0 says never in that window).
    const Bounds bounds = boundsArg(c, p);
    out.summary += fmt::format(" {} times", bounds.describe());
    struct AgentStateCount {
      std::string agent;
      std::string state;
      sim::Time after;
      sim::Time by;
      Bounds bounds;
      std::vector<Hit> hits;
      void observe(const Record& r) {
        if (r.kind != RecordKind::State || r.name != machines::kSlave.name || r.host != agent) return;
        if (r.at >= after && r.at <= by && r.text("state") == state) hits.push_back(hitOf(r));
      }
      Outcome finish(sim::Time) const {
        return Outcome{bounds.holds(hits.size()),
                       hits.empty() ? std::string("never") : fmt::format("{} at {}", state, times(hits)), seqsOf(hits)};
      }
    };
    observeWith(out, sim::Interest().name(RecordKind::State, machines::kSlave.name),
                AgentStateCount{agent, state, after, by, bounds, {}});
    return;
  }
  struct AgentState {
    std::string agent;
    std::string state;
    sim::Time after;
    sim::Time by;
    bool closed = false;  // past `by`, or reached
    std::optional<Outcome> reached;
    std::optional<Hit> last;
    std::string lastState;
    void observe(const Record& r) {
      if (closed || r.kind != RecordKind::State || r.name != machines::kSlave.name || r.host != agent) return;
      if (r.at > by) {
        closed = true;
        return;
      }
      last = hitOf(r);
      lastState = r.text("state");
      if (r.at >= after && lastState == state) {
        reached = Outcome{true, fmt::format("{} at {}", state, sim::formatSeconds(r.at)), {r.seq}};
        closed = true;
      }
    }
    Outcome finish(sim::Time) const {
      if (reached) return *reached;
      if (!last) return Outcome{false, "no state change recorded"};
      return Outcome{false, fmt::format("last state {} at {}", lastState, sim::formatSeconds(last->at)), {last->seq}};
    }
  };
  observeWith(out, sim::Interest().name(RecordKind::State, machines::kSlave.name), AgentState{agent, state, after, by, false, {}, {}, {}});
}

// The masters that lead at each point of the trace: a master leads from its
// Master::Leadership ELECTED record until it records FOLLOWER or EXITED or its host
// crashes.
struct Leadership {
  struct Change {
    sim::Time at;
    std::uint64_t seq = 0;
    std::string master;
    bool leads = false;
  };
  std::vector<Change> changes;
  std::map<std::string, bool> leading;  // by master, as of the last record observed

  // The records it reads.
  static sim::Interest interest() {
    return sim::Interest()
        .name(RecordKind::State, machines::kMasterLeadership.name)
        .name(RecordKind::Fault, "crash")
        .name(RecordKind::Fault, "restart");
  }

  void observe(const Record& r) {
    bool leads = false;
    if (r.kind == RecordKind::State && r.name == machines::kMasterLeadership.name) {
      const std::string state = r.text("state");
      leads = state == machines::kMasterLeadership["ELECTED"] || state == machines::kMasterLeadership["RECOVERED"];
    } else if (r.kind == RecordKind::Fault && (r.name == "crash" || r.name == "restart")) {
      leads = false;
    } else {
      return;
    }
    auto it = leading.find(r.host);
    if (it == leading.end() && !leads && r.kind == RecordKind::Fault) return;  // not a master
    if (it != leading.end() && it->second == leads) return;
    leading[r.host] = leads;
    changes.push_back(Change{r.at, r.seq, r.host, leads});
  }

  // Who leads at `t` (after every record at `t`).
  std::vector<std::string> at(sim::Time t) const {
    std::map<std::string, bool> leading;
    for (const Change& c : changes) {
      if (c.at > t) break;
      leading[c.master] = c.leads;
    }
    std::vector<std::string> out;
    for (const auto& [m, leads] : leading) {
      if (leads) out.push_back(m);
    }
    return out;
  }

  // The last change at or before `t`: the one that made the leaders at `t` what they are.
  const Change* lastBefore(sim::Time t) const {
    const Change* last = nullptr;
    for (const Change& c : changes) {
      if (c.at > t) break;
      last = &c;
    }
    return last;
  }

  // The first master elected at or after `t`.
  const Change* electedAfter(sim::Time t) const {
    for (const Change& c : changes) {
      if (c.at >= t && c.leads) return &c;
    }
    return nullptr;
  }
};

std::string masterArg(const ParseContext& c, const std::string& p, std::initializer_list<std::string_view> extra) {
  const std::string text = c.reader.string(p, 64);
  for (auto e : extra) {
    if (text == e) return text;
  }
  if (!c.scenario.isMaster(text)) {
    c.reader.fail(p, fmt::format("no master named \"{}\" in the cluster{}", text,
                                 extra.size() == 0 ? std::string()
                                                   : fmt::format(" (or one of: {})", fmt::join(extra, ", "))));
  }
  return text;
}

// A reference point: a duration ("30secs") or a timeline entry ("timeline[0]"), whose
// time is read from the trace (the action's fault record).
struct Reference {
  sim::Duration at;
  std::string label;  // empty for a plain time

  // Whether `r` is the record of the timeline entry this reference names.
  bool names(const Record& r) const {
    return !label.empty() && r.kind == RecordKind::Fault && r.process.empty() && r.text("label") == label &&
           r.field("action") != nullptr;
  }
  // The records it reads: a timeline entry's `fault` record.
  void subscribe(sim::Interest& interest) const {
    if (!label.empty()) interest.kind(RecordKind::Fault);
  }
  std::string describe() const { return label.empty() ? sim::format(at) : label; }
};

// A reference's time as a run shows it: a plain time at once, a timeline entry's at its
// record. Until then a check holds back the hits it would count from there: only those
// at the latest instant, since the trace is in time order and the entry's record comes
// no earlier than any record before it (OpenedHits).
struct ReferenceClock {
  Reference ref;
  std::optional<sim::Time> from;
  explicit ReferenceClock(Reference r) : ref(std::move(r)) {
    if (ref.label.empty()) from = sim::Time{} + ref.at;
  }
  // True when this record opened the reference.
  bool observe(const Record& r) {
    if (from || !ref.names(r)) return false;
    from = r.at;
    return true;
  }
};

// Hits counted from a reference on (ReferenceClock), in trace order.
template <typename H>
struct OpenedHits {
  std::vector<H> hits;
  std::vector<H> early;  // before the reference is known: those at the latest instant
  void add(const ReferenceClock& clock, H h) {
    if (clock.from) {
      if (h.at >= *clock.from) hits.push_back(std::move(h));
      return;
    }
    if (!early.empty() && early.back().at != h.at) early.clear();
    early.push_back(std::move(h));
  }
  void opened(sim::Time from) {
    for (H& h : early) {
      if (h.at >= from) hits.push_back(std::move(h));
    }
    early.clear();
  }
};

Reference referenceArg(const ParseContext& c, const std::string& p) {
  const std::string text = c.reader.string(p, 64);
  if (text.rfind("timeline[", 0) == 0) {
    for (const auto& e : c.scenario.timeline) {
      if (e.label == text) return Reference{e.at, text};
    }
    c.reader.fail(p, fmt::format("no timeline entry labelled \"{}\" (labels are \"timeline[N]\", N the entry's "
                                 "index)",
                                 text));
  }
  return Reference{c.reader.duration(p, sim::Duration{}, ScenarioLimits::kMaxUntil), {}};
}

// Task ids a framework may hear about: its tasks, the ids its tasks' updates name, and
// the ids its reconcile actions ask about (the timeline is loaded before "expect").
std::vector<std::string> knownTaskIds(const ParseContext& c, const FrameworkSpec& f) {
  std::vector<std::string> ids;
  for (const auto& t : f.flags.tasks) {
    ids.push_back(t.info.task_id);
    for (const auto& step : t.info.steps) {
      if (!step.task_id.empty()) ids.push_back(step.task_id);
    }
  }
  if (c.reader.has("/timeline")) {
    for (const auto& entry : c.reader.at("/timeline")) {
      if (!entry.contains("reconcile")) continue;
      const auto& r = entry.at("reconcile");
      const std::string fw = r.contains("framework") ? r.at("framework").get<std::string>() : f.id;
      if (fw != f.id || !r.contains("tasks")) continue;
      for (const auto& t : r.at("tasks")) ids.push_back(t.get<std::string>());
    }
  }
  return ids;
}

// task_state: the scheduler's Scheduler::statusUpdate records (a `state` record on the
// framework's host) for one task.
// A time window of an expectation: "after" (a time or a timeline entry) and "by".
struct Window {
  sim::Time by = sim::Time::max();
  Reference after;
  bool hasAfter = false;
  // " after timeline[0] by 2mins", or "".
  std::string describe() const {
    return fmt::format("{}{}", hasAfter ? " after " + after.describe() : std::string(),
                       by == sim::Time::max() ? std::string() : " by " + sim::format(by.sinceStart()));
  }
  // When the window opens in a run: at once, or at its reference.
  ReferenceClock clock() const { return ReferenceClock(hasAfter ? after : Reference{}); }
  void subscribe(sim::Interest& interest) const {
    if (hasAfter) after.subscribe(interest);
  }
};

Window windowArg(const ParseContext& c, const std::string& p) {
  Window w;
  if (c.reader.has(p + "/by")) w.by = sim::Time{} + c.reader.duration(p + "/by", {}, ScenarioLimits::kMaxUntil);
  w.hasAfter = c.reader.has(p + "/after");
  if (w.hasAfter) w.after = referenceArg(c, p + "/after");
  if (w.hasAfter && w.by != sim::Time::max() && sim::Time{} + w.after.at > w.by) {
    c.reader.fail(p + "/by", fmt::format("by ({}) is before after ({})", sim::format(w.by.sinceStart()),
                                         w.after.label.empty() ? sim::format(w.after.at)
                                                               : fmt::format("{}, at {}", w.after.label,
                                                                             sim::format(w.after.at))));
  }
  return w;
}

void parseTaskState(const ParseContext& c, const std::string& p, Expectation& out) {
  c.reader.object(p, {"task", "framework", "state", "reason", "source", "by", "after", "count", "at_least", "at_most"},
                  {"task", "state"});
  const FrameworkSpec& f = frameworkArg(c, p);
  const std::string task = c.reader.identifier(p + "/task");
  const std::vector<std::string> known = knownTaskIds(c, f);
  if (std::find(known.begin(), known.end(), task) == known.end()) {
    c.reader.fail(p + "/task", fmt::format("framework {} has no task \"{}\" (its tasks, the task ids their updates "
                                           "name, and the task ids its reconcile actions name)",
                                           f.id, task));
  }
  const std::string state = c.reader.string(p + "/state", 40);
  if (!model::parseTaskState(state)) {
    c.reader.fail(p + "/state",
                  fmt::format("expected a task state ({}), got \"{}\"", taskStateNames(), state));
  }
  std::string reason;
  if (c.reader.has(p + "/reason")) {
    reason = nameArg(c, p + "/reason", "TaskStatus reason", model::kTaskStatusReasonNames);
  }
  std::string source;
  if (c.reader.has(p + "/source")) {
    source = nameArg(c, p + "/source", "TaskStatus source", model::kTaskStatusSourceNames);
  }
  const Window window = windowArg(c, p);
  const sim::Time by = window.by;
  const Bounds bounds = boundsArg(c, p);
  std::string qualifiers;
  if (!reason.empty()) qualifiers += " " + reason;
  if (!source.empty()) qualifiers += " from " + source;
  out.summary = fmt::format("{} sees task {} {}{}{} {} times", f.id, task, state, qualifiers,
                            window.describe(),
                            bounds.describe());
  struct TaskStateCheck {
    std::string host;
    std::string task;
    std::string state;
    std::string reason;
    std::string source;
    sim::Time by;
    Window window;
    Bounds bounds;
    ReferenceClock clock;
    OpenedHits<Hit> opened;
    std::vector<std::string> seen;  // every update of the task the scheduler saw
    std::size_t all = 0;
    void observe(const Record& r) {
      if (clock.observe(r)) opened.opened(*clock.from);
      if (r.kind != RecordKind::State || r.name != machines::kSchedulerStatusUpdate.name || r.host != host) return;
      if (r.text("task_id") != task) return;
      ++all;
      if (seen.size() < 12) {
        seen.push_back(fmt::format("{}{}{} at {}", r.text("state"),
                                   r.text("reason").empty() ? std::string() : " " + r.text("reason"),
                                   r.text("source").empty() ? std::string() : " from " + r.text("source"),
                                   sim::formatSeconds(r.at)));
      }
      if (r.at > by || r.text("state") != state) return;
      if (!reason.empty() && r.text("reason") != reason) return;
      if (!source.empty() && r.text("source") != source) return;
      opened.add(clock, hitOf(r));
    }
    Outcome finish(sim::Time) const {
      if (!clock.from) return Outcome{false, fmt::format("{} never happened", window.after.describe())};
      const auto& hits = opened.hits;
      const bool held = bounds.holds(hits.size());
      std::string evidence = hits.empty() ? fmt::format("no {} for {}", state, task)
                                          : fmt::format("{} at {}", state, times(hits));
      if (!held) {
        evidence += all == 0 ? fmt::format("; the scheduler saw no update for {}", task)
                             : fmt::format("; the scheduler saw for {}: {}{}", task, fmt::join(seen, ", "),
                                           all > seen.size() ? fmt::format(", ... ({} more)", all - seen.size())
                                                             : std::string());
      }
      return Outcome{held, evidence, seqsOf(hits)};
    }
  };
  sim::Interest interest = sim::Interest().name(RecordKind::State, machines::kSchedulerStatusUpdate.name);
  window.subscribe(interest);
  observeWith(out, interest,
              TaskStateCheck{f.id, task, state, reason, source, by, window, bounds, window.clock(), {}, {}, 0});
}

// The agent's garbage collector removed a path (a "GarbageCollector" REMOVED record):
// which path (a part of it), why (a part of the reason), when, how many times.
void parseGcRemoved(const ParseContext& c, const std::string& p, Expectation& out) {
  c.reader.object(p, {"agent", "path", "exact", "reason", "after", "by", "count", "at_least", "at_most"}, {"agent"});
  const std::string agent = agentHostArg(c, p + "/agent");
  std::string path;
  std::string reason;
  if (c.reader.has(p + "/path")) path = c.reader.string(p + "/path", 1000);
  const bool exact = c.reader.has(p + "/exact") && c.reader.boolean(p + "/exact");
  if (exact && path.empty()) c.reader.fail(p + "/exact", "\"exact\" needs a \"path\" to match exactly");
  if (c.reader.has(p + "/reason")) reason = c.reader.string(p + "/reason", 200);
  const Window window = windowArg(c, p);
  const sim::Time by = window.by;
  const Bounds bounds = boundsArg(c, p);
  out.summary = fmt::format("the garbage collector of {} removes {}{}{} {} times", agent,
                            path.empty() ? std::string("a path")
                                         : fmt::format("{} \"{}\"", exact ? "the path" : "a path containing", path),
                            reason.empty() ? std::string() : " (reason containing \"" + reason + "\")",
                            window.describe(),
                            bounds.describe());
  // A removal, with what the evidence tells of the first.
  struct Removal {
    sim::Time at;
    std::uint64_t seq = 0;
    std::string path;
    std::string reason;
  };
  struct GcRemoved {
    std::string agent;
    std::string path;
    bool exact = false;
    std::string reason;
    sim::Time by;
    Window window;
    Bounds bounds;
    ReferenceClock clock;
    OpenedHits<Removal> opened;
    std::vector<std::string> seen;
    void observe(const Record& r) {
      if (clock.observe(r)) opened.opened(*clock.from);
      if (r.kind != RecordKind::State || r.name != machines::kGarbageCollector.name || r.host != agent) return;
      if (r.text("state") != machines::kGarbageCollector["REMOVED"]) return;
      if (seen.size() < 6) seen.push_back(fmt::format("{} at {} ({})", r.text("path"), sim::formatSeconds(r.at), r.text("reason")));
      if (r.at > by) return;
      if (!path.empty() && (exact ? r.text("path") != path : r.text("path").find(path) == std::string::npos)) return;
      if (!reason.empty() && r.text("reason").find(reason) == std::string::npos) return;
      // Only the first removal's path and reason are told.
      const bool first = opened.hits.empty() && opened.early.empty();
      opened.add(clock, Removal{r.at, r.seq, first || !clock.from ? r.text("path") : std::string(),
                                first || !clock.from ? r.text("reason") : std::string()});
    }
    Outcome finish(sim::Time) const {
      if (!clock.from) return Outcome{false, fmt::format("{} never happened", window.after.describe())};
      const auto& hits = opened.hits;
      const bool held = bounds.holds(hits.size());
      std::string evidence = hits.empty() ? std::string("no matching removal")
                                          : fmt::format("{} removal(s) at {}: {} ({})", hits.size(), times(hits),
                                                        hits.front().path, hits.front().reason);
      if (!held && !seen.empty()) evidence += fmt::format("; removals seen: {}", fmt::join(seen, "; "));
      return Outcome{held, evidence, seqsOf(hits)};
    }
  };
  sim::Interest interest = sim::Interest().name(RecordKind::State, machines::kGarbageCollector.name);
  window.subscribe(interest);
  observeWith(out, interest, GcRemoved{agent, path, exact, reason, by, window, bounds, window.clock(), {}, {}});
}

// Any state machine's move, as its `state` record names it (docs/trace-format.md):
// {"machine": "Container", "state": "TERMINATED", "host": "agent-1", "with": {...}}.
void parseStateRecord(const ParseContext& c, const std::string& p, Expectation& out) {
  c.reader.object(p, {"machine", "state", "host", "with", "after", "by", "count", "at_least", "at_most"},
                  {"machine", "state"});
  const sim::StateMachine& m = machineArg(c, p + "/machine");
  const std::string machine(m.name);
  const std::string state = stateArg(c, p + "/state", m);
  std::string host;
  if (c.reader.has(p + "/host")) host = hostArg(c, p + "/host");
  std::vector<std::pair<std::string, std::string>> with;
  if (c.reader.has(p + "/with")) with = fieldsArg(c, p + "/with", "record", R"({"executor_id": "e1"})");
  const Window window = windowArg(c, p);
  const sim::Time by = window.by;
  const Bounds bounds = boundsArg(c, p);
  std::string fields;
  for (const auto& [key, value] : with) fields += fmt::format("{}{}={}", fields.empty() ? " with " : ", ", key, value);
  out.summary = fmt::format("{} reaches {}{}{}{} {} times", machine, state, host.empty() ? "" : " on " + host, fields,
                            window.describe(),
                            bounds.describe());
  struct StateCheck {
    std::string machine;
    std::string state;
    std::string host;
    std::vector<std::pair<std::string, std::string>> with;
    sim::Time by;
    Window window;
    Bounds bounds;
    ReferenceClock clock;
    OpenedHits<Hit> opened;
    std::size_t moves = 0;
    void observe(const Record& r) {
      if (clock.observe(r)) opened.opened(*clock.from);
      if (r.kind != RecordKind::State || r.name != machine || (!host.empty() && r.host != host)) return;
      ++moves;
      if (r.at > by || r.text("state") != state) return;
      if (fieldsMatch(r, with)) opened.add(clock, hitOf(r));
    }
    Outcome finish(sim::Time) const {
      if (!clock.from) return Outcome{false, fmt::format("{} never happened", window.after.describe())};
      const auto& hits = opened.hits;
      const bool held = bounds.holds(hits.size());
      return Outcome{held,
                     hits.empty() ? fmt::format("none seen ({} move(s) of {} in all)", moves, machine)
                                  : fmt::format("{} at {}", state, times(hits)),
                     seqsOf(hits)};
    }
  };
  sim::Interest interest = sim::Interest().name(RecordKind::State, machine);
  window.subscribe(interest);
  observeWith(out, interest, StateCheck{machine, state, host, with, by, window, bounds, window.clock(), {}, 0});
}

// Whether `master` leads at `at` and/or was elected within `window`.
Outcome leaderVerdict(const std::string& master, const std::optional<sim::Time>& at,
                      const std::optional<std::pair<sim::Time, sim::Time>>& window, const Leadership& leadership) {
    std::vector<std::string> evidence;
    std::vector<std::uint64_t> seqs;
    bool held = true;
    if (at) {
      const std::vector<std::string> leaders = leadership.at(*at);
      if (const auto* last = leadership.lastBefore(*at)) seqs.push_back(last->seq);
      const bool ok = master == "none" ? leaders.empty() : leaders == std::vector<std::string>{master};
      held = held && ok;
      evidence.push_back(fmt::format("at {}: {}", sim::formatSeconds(*at),
                                     leaders.empty() ? std::string("no master leads")
                                                     : fmt::format("{} lead{}", fmt::join(leaders, ", "),
                                                                   leaders.size() == 1 ? "s" : "")));
    }
    if (window) {
      const Leadership::Change* elected = nullptr;
      for (const auto& ch : leadership.changes) {
        if (ch.leads && ch.master == master) {
          elected = &ch;
          if (ch.at >= window->first) break;
        }
      }
      const bool ok = elected != nullptr && elected->at >= window->first && elected->at <= window->second;
      if (elected != nullptr) seqs.push_back(elected->seq);
      held = held && ok;
      evidence.push_back(elected == nullptr ? fmt::format("{} was never elected", master)
                                            : fmt::format("{} elected at {}", master, sim::formatSeconds(elected->at)));
    }
    return Outcome{held, fmt::format("{}", fmt::join(evidence, "; ")), seqs};
}

void parseLeader(const ParseContext& c, const std::string& p, Expectation& out) {
  c.reader.object(p, {"master", "at", "elected_between"}, {"master"});
  const std::string master = masterArg(c, p + "/master", {"none"});
  if (!c.reader.has(p + "/at") && !c.reader.has(p + "/elected_between")) {
    c.reader.fail(p, "expected \"at\" (who leads at that time) or \"elected_between\" (when it was elected), or both");
  }
  std::optional<sim::Time> at;
  if (c.reader.has(p + "/at")) at = sim::Time{} + c.reader.duration(p + "/at", {}, ScenarioLimits::kMaxUntil);
  std::optional<std::pair<sim::Time, sim::Time>> window;
  if (c.reader.has(p + "/elected_between")) {
    if (master == "none") c.reader.fail(p + "/elected_between", "\"none\" is never elected");
    window = timePairArg(c, p + "/elected_between", R"(["40secs", "45secs"])");
  }
  out.summary = fmt::format("{}{}{}", master == "none" ? std::string("no master leads") : master + " leads",
                            at ? " at " + sim::format(at->sinceStart()) : std::string(),
                            window ? fmt::format("{}elected between {} and {}", at ? ", " : ", ",
                                                 sim::format(window->first.sinceStart()),
                                                 sim::format(window->second.sinceStart()))
                                   : std::string());
  struct LeaderCheck {
    std::string master;
    std::optional<sim::Time> at;
    std::optional<std::pair<sim::Time, sim::Time>> window;
    Leadership leadership;
    void observe(const Record& r) { leadership.observe(r); }
    Outcome finish(sim::Time) const { return leaderVerdict(master, at, window, leadership); }
  };
  observeWith(out, Leadership::interest(), LeaderCheck{master, at, window, {}});
}

// The first `message` (a *ReregisteredMessage) that reaches `host` from `master` ("" any,
// "new-leader" the first master elected after the reference) at or after the reference,
// within `within` of it.
struct Reregistered {
  std::string host;
  std::string_view message;
  std::string_view alternate;  // another message that counts too ("": none)
  std::string master;
  Reference after;
  sim::Duration within;
  // A delivery of `message` to `host` at or after the reference.
  struct Delivery {
    sim::Time at;
    std::uint64_t seq = 0;
    std::string from;
    std::string name;
  };
  ReferenceClock clock;
  OpenedHits<Delivery> deliveries;
  Leadership leadership;

  sim::Interest interest() const {
    sim::Interest i = Leadership::interest();
    i.name(RecordKind::Deliver, message);
    if (!alternate.empty()) i.name(RecordKind::Deliver, alternate);
    after.subscribe(i);
    return i;
  }
  void observe(const Record& r) {
    if (clock.observe(r)) deliveries.opened(*clock.from);
    leadership.observe(r);
    if (r.kind != RecordKind::Deliver || (r.name != message && r.name != alternate) || r.host != host) return;
    deliveries.add(clock, Delivery{r.at, r.seq, r.text("from"), std::string(r.name)});
  }
  Outcome finish(sim::Time) const;
};

Outcome Reregistered::finish(sim::Time) const {
  const auto t0 = clock.from;
  if (!t0) return Outcome{false, fmt::format("{} never happened", after.describe())};
  std::string expected = master;
  if (master == "new-leader") {
    const auto* elected = leadership.electedAfter(*t0);
    if (elected == nullptr) return Outcome{false, fmt::format("no master was elected after {}", after.describe())};
    expected = elected->master;
  }
  for (const Delivery& r : deliveries.hits) {
    const std::string& from = r.from;
    const auto at = from.find('@');
    const auto colon = from.rfind(':');
    const std::string fromHost = at == std::string::npos ? from : from.substr(at + 1, colon - at - 1);
    if (!expected.empty() && fromHost != expected) continue;
    return Outcome{r.at - *t0 <= within,
                   fmt::format("{} from {} reached {} at {}, {} after {}{}", r.name, from, host,
                               sim::formatSeconds(r.at), sim::format(r.at - *t0), after.describe(),
                               master == "new-leader" ? fmt::format(" (the new leader is {})", expected)
                                                      : std::string()),
                   {r.seq}};
  }
  return Outcome{false, fmt::format("{} never got {} from {} after {}", host, message,
                                    expected.empty() ? std::string("a master") : expected, after.describe())};
}

// agent_reregistered and framework_reregistered: {<subject>, master, after, within}.
void parseReregistered(const ParseContext& c, const std::string& p, Expectation& out, std::string_view subjectKey,
                       std::string_view message, std::string_view alternate = {}) {
  const std::string key(subjectKey);
  c.reader.object(p, {key, "master", "after", "within"}, {key, "within"});
  std::string subject;
  if (subjectKey == "agent") {
    subject = agentHostArg(c, p + "/agent");
  } else {
    subject = c.reader.identifier(p + "/" + key);
    if (!c.scenario.isFramework(subject)) {
      c.reader.fail(p + "/" + key, fmt::format("no framework named \"{}\" in the scenario", subject));
    }
  }
  std::string master;
  if (c.reader.has(p + "/master")) master = masterArg(c, p + "/master", {"new-leader"});
  Reference after;
  if (c.reader.has(p + "/after")) after = referenceArg(c, p + "/after");
  const sim::Duration within = c.reader.duration(p + "/within", sim::Nanoseconds(1), ScenarioLimits::kMaxUntil);
  out.summary = fmt::format("{} {} reregisters with {} within {} after {}", key, subject,
                            master.empty() ? std::string("a master") : master == "new-leader" ? "the new leader" : master,
                            sim::format(within), after.describe());
  const Reregistered check{subject, message, alternate, master, after, within, ReferenceClock(after), {}, {}};
  observeWith(out, check.interest(), check);
}

void parseAgentReregistered(const ParseContext& c, const std::string& p, Expectation& out) {
  parseReregistered(c, p, out, "agent", model::SlaveReregisteredMessage::kName);
}

void parseFrameworkReregistered(const ParseContext& c, const std::string& p, Expectation& out) {
  // A master that has not registered the framework answers FrameworkRegisteredMessage
  // (Master::_subscribe, MESOS-786): either message is the framework's reregistration.
  parseReregistered(c, p, out, "framework", model::FrameworkReregisteredMessage::kName,
                    model::FrameworkRegisteredMessage::kName);
}

void parseAgentUnreachable(const ParseContext& c, const std::string& p, Expectation& out) {
  c.reader.object(p, {"agent", "master", "between"}, {"agent"});
  const std::string agent = agentHostArg(c, p + "/agent");
  std::string master;
  if (c.reader.has(p + "/master")) master = masterArg(c, p + "/master", {});
  MessageFilter window;
  readWindow(c, p, window);
  out.summary = fmt::format("{} marks agent {} unreachable{}", master.empty() ? std::string("a master") : master,
                            agent,
                            c.reader.has(p + "/between")
                                ? fmt::format(" between {} and {}", sim::format(window.after.sinceStart()),
                                              sim::format(window.before.sinceStart()))
                                : std::string());
  struct Unreachable {
    std::string agent;
    std::string master;
    MessageFilter window;
    std::vector<Hit> hits;
    std::optional<Outcome> within;  // the first in the window
    void observe(const Record& r) {
      if (r.kind != RecordKind::State || r.name != machines::kMasterSlave.name ||
          r.text("state") != machines::kMasterSlave["UNREACHABLE"]) return;
      if (r.text("hostname") != agent || (!master.empty() && r.host != master)) return;
      hits.push_back(hitOf(r));
      if (!within && r.at >= window.after && r.at <= window.before) {
        within = Outcome{true,
                         fmt::format("{} marked it unreachable at {} ({})", r.host, sim::formatSeconds(r.at),
                                     r.text("reason")),
                         {r.seq}};
      }
    }
    Outcome finish(sim::Time) const {
      if (within) return *within;
      return Outcome{false,
                     hits.empty() ? std::string("never marked unreachable")
                                  : fmt::format("marked unreachable at {}", times(hits)),
                     seqsOf(hits)};
    }
  };
  observeWith(out, sim::Interest().name(RecordKind::State, machines::kMasterSlave.name),
              Unreachable{agent, master, window, {}, {}});
}

// Registrar operations, from the master's log records that carry "operation".
void parseRegistryOperations(const ParseContext& c, const std::string& p, Expectation& out) {
  c.reader.object(p, {"master", "operation", "changed", "between", "count", "at_least", "at_most"});
  std::string master;
  if (c.reader.has(p + "/master")) master = masterArg(c, p + "/master", {});
  std::string operation;
  if (c.reader.has(p + "/operation")) {
    operation = nameArg(c, p + "/operation", "registry operation", model::kRegistryOperationNames);
  }
  std::optional<bool> changed;
  if (c.reader.has(p + "/changed")) changed = c.reader.boolean(p + "/changed");
  MessageFilter window;
  readWindow(c, p, window);
  const Bounds bounds = boundsArg(c, p);
  out.summary = fmt::format(
      "{} registry operations {}{}{}: {}", master.empty() ? std::string("the masters'") : master + "'s",
      operation.empty() ? std::string("of any kind") : operation,
      changed ? (*changed ? " that changed the registry" : " that changed nothing") : "",
      c.reader.has(p + "/between") ? fmt::format(" between {} and {}", sim::format(window.after.sinceStart()),
                                                 sim::format(window.before.sinceStart()))
                                   : std::string(),
      bounds.describe());
  struct Operations {
    std::string master;
    std::string operation;
    std::optional<bool> changed;
    MessageFilter window;
    Bounds bounds;
    std::vector<std::string> what;
    std::vector<std::uint64_t> seqs;
    std::size_t hits = 0;
    void observe(const Record& r) {
      if (r.kind != RecordKind::Log || r.field("operation") == nullptr) return;
      if (r.at < window.after || r.at > window.before) return;
      if (!master.empty() && r.host != master) return;
      if (!operation.empty() && r.text("operation") != operation) return;
      const sim::Value* ch = r.field("changed");
      const bool didChange = ch != nullptr && std::get_if<bool>(ch) != nullptr && std::get<bool>(*ch);
      if (changed && *changed != didChange) return;
      ++hits;
      seqs.push_back(r.seq);
      if (what.size() < 8) {
        what.push_back(fmt::format("{} {} at {}{}", r.host, r.text("operation"), sim::formatSeconds(r.at),
                                   didChange ? "" : " (no change)"));
      }
    }
    Outcome finish(sim::Time) const {
      const bool held = bounds.holds(hits);
      return Outcome{held, hits == 0 ? std::string("none") : fmt::format("{}: {}", hits, fmt::join(what, "; ")),
                     seqs};
    }
  };
  // The master's registrar logs each operation it applies (Master::_apply).
  observeWith(out, sim::Interest().topic(RecordKind::Log, model::kRegistryOperationTopic),
              Operations{master, operation, changed, window, bounds, {}, {}, 0});
}

}  // namespace

// The agent's main() exits: a `startup` record with exit_code (model::exitAgent).
void parseAgentExit(const ParseContext& c, const std::string& p, Expectation& out) {
  c.reader.object(p, {"agent", "code", "message", "message_prefix", "step", "by"}, {"agent"});
  const std::string agent = agentHostArg(c, p + "/agent");
  if (c.reader.has(p + "/message") && c.reader.has(p + "/message_prefix")) {
    c.reader.fail(p, "give either \"message\" or \"message_prefix\", not both");
  }
  // message_prefix: the message begins with this text (a message that names a
  // seed-dependent id, as "Incompatible agent info" does, still has a fixed beginning).
  const bool prefix = c.reader.has(p + "/message_prefix");
  const std::int64_t code =
      c.reader.has(p + "/code") ? static_cast<std::int64_t>(c.reader.unsignedInteger(p + "/code", 0, 255)) : 1;
  const std::string message = prefix                        ? c.reader.string(p + "/message_prefix")
                              : c.reader.has(p + "/message") ? c.reader.string(p + "/message")
                                                             : std::string();
  const std::string step = c.reader.has(p + "/step") ? c.reader.string(p + "/step", 64) : std::string();
  sim::Time by = sim::Time{} + c.scenario.until;
  if (c.reader.has(p + "/by")) by = sim::Time{} + c.reader.duration(p + "/by", {}, ScenarioLimits::kMaxUntil);
  out.summary = fmt::format("agent {} exits with status {}{} by {}{}", agent, code,
                            step.empty() ? "" : " in step " + step, sim::format(by.sinceStart()),
                            message.empty() ? "" : (prefix ? ": a message beginning " : ": ") + message);
  struct Exit {
    std::string agent;
    std::int64_t code = 1;
    std::string message;
    bool prefix = false;
    std::string step;
    sim::Time by;
    std::optional<Outcome> exited;  // the first exit decides
    void observe(const Record& r) {
      if (exited || r.kind != RecordKind::Startup || r.host != agent || r.field("exit_code") == nullptr) return;
      const std::string seen = fmt::format("exited {} at {} in step {}: {}", r.integer("exit_code"),
                                           sim::formatSeconds(r.at), r.name, r.text("message"));
      const std::string text = r.text("message");
      const bool said = message.empty() || (prefix ? text.rfind(message, 0) == 0 : text == message);
      const bool held = r.integer("exit_code") == code && r.at <= by && said && (step.empty() || r.name == step);
      exited = Outcome{held, seen, {r.seq}};
    }
    Outcome finish(sim::Time) const { return exited ? *exited : Outcome{false, "the agent did not exit"}; }
  };
  observeWith(out, sim::Interest().topic(RecordKind::Startup, model::kAgentExitTopic),
              Exit{agent, code, message, prefix, step, by, {}});
}

// A counter or gauge of a host's /metrics/snapshot at a time (model/common/metrics.hpp):
// the value of the last `metric` record of that host and key at or before `at` (0 before
// any), as a test reads the snapshot after settling.
void parseMetric(const ParseContext& c, const std::string& p, Expectation& out) {
  c.reader.object(p, {"host", "metric", "value", "at_least", "at_most", "at"}, {"host", "metric"});
  const std::string host = hostArg(c, p + "/host");
  const std::string metric = c.reader.string(p + "/metric", 200);
  const auto known = model::metricNames();
  const bool taskStateKey = metric.rfind("master/task_", 0) == 0 && metric.find("/source_") != std::string::npos;
  if (!taskStateKey && std::find(known.begin(), known.end(), metric) == known.end()) {
    c.reader.fail(p + "/metric", fmt::format("unknown metric \"{}\"; expected one of: {}, or "
                                             "master/<task_state>/<source>/<reason> (\"master/task_lost/source_slave/"
                                             "reason_reconciliation\")",
                                             metric, fmt::join(known, ", ")));
  }
  if (!c.reader.has(p + "/value") && !c.reader.has(p + "/at_least") && !c.reader.has(p + "/at_most")) {
    c.reader.fail(p, "expected \"value\", or \"at_least\" and/or \"at_most\"");
  }
  if (c.reader.has(p + "/value") && (c.reader.has(p + "/at_least") || c.reader.has(p + "/at_most"))) {
    c.reader.fail(p, "give either \"value\" or \"at_least\"/\"at_most\", not both");
  }
  Bounds bounds;
  bounds.lo = 0;
  if (c.reader.has(p + "/value")) {
    bounds.exact = true;
    bounds.lo = bounds.hi = c.reader.unsignedInteger(p + "/value", 0, 1'000'000'000);
  }
  if (c.reader.has(p + "/at_least")) bounds.lo = c.reader.unsignedInteger(p + "/at_least", 0, 1'000'000'000);
  if (c.reader.has(p + "/at_most")) bounds.hi = c.reader.unsignedInteger(p + "/at_most", 0, 1'000'000'000);
  if (bounds.hi < bounds.lo) c.reader.fail(p + "/at_most", "at_most is below at_least");
  std::optional<sim::Time> at;
  if (c.reader.has(p + "/at")) at = sim::Time{} + c.reader.duration(p + "/at", {}, ScenarioLimits::kMaxUntil);
  out.summary = fmt::format("{} on {} is {} {}", metric, host, bounds.describe(),
                            at ? "at " + sim::format(at->sinceStart()) : std::string("at the end"));
  struct MetricCheck {
    std::string host;
    std::string metric;
    Bounds bounds;
    std::optional<sim::Time> at;
    std::optional<Hit> last;
    std::int64_t value = 0;
    // uptime_secs grows with the clock from its process's start record (Metrics::started).
    bool clock = metric.ends_with("/uptime_secs");
    void observe(const Record& r) {
      if (at && r.at > *at) return;
      if (!clock && r.kind == RecordKind::State && r.host == host &&
          r.name == model::machines::kMasterLeadership.name && r.text("state") == "ELECTED") {
        // A master elected anew is a new mesos-master process (an elected master that
        // loses leadership exits): its counters start at 0.
        last.reset();
        value = 0;
        return;
      }
      if (r.kind == RecordKind::State && r.host == host && r.name == model::machines::kSlave.name &&
          r.text("state") == "RECOVERING") {
        // So is a restarted agent (Slave::initialize: every mesos-agent starts RECOVERING):
        // its counters and gauges start again at 0, those it recovers aside.
        last.reset();
        value = 0;
        return;
      }
      if (r.kind != RecordKind::Log || r.name != "metric" || r.host != host || r.text("metric") != metric) return;
      last = hitOf(r);
      value = r.integer("value");
    }
    Outcome finish(sim::Time end) const {
      const std::int64_t now =
          clock && last ? value + ((at ? std::min(*at, end) : end) - last->at).ns() / 1'000'000'000 : value;
      const bool held = now >= 0 && bounds.holds(static_cast<std::uint64_t>(now));
      return Outcome{held,
                     !last ? std::string("0 (never counted)")
                           : fmt::format("{} (since {})", now, sim::formatSeconds(last->at)),
                     !last ? std::vector<std::uint64_t>{} : std::vector<std::uint64_t>{last->seq}};
    }
  };
  observeWith(out,
              sim::Interest()
                  .name(RecordKind::Log, "metric")
                  .name(RecordKind::State, model::machines::kMasterLeadership.name)
                  .name(RecordKind::State, model::machines::kSlave.name),
              MetricCheck{host, metric, bounds, at, {}, 0});
}

// The fuzzer's liveness rule (harness/liveness.hpp), so a liveness failure's reproducer
// fails the same way under `agentsim run`: at the end of the run, after the heal at
// `after`, the cluster converged. Acknowledgements are checked unless a framework of
// the scenario never acknowledges, as the fuzzer does.
void parseLiveness(const ParseContext& c, const std::string& p, Expectation& out) {
  c.reader.object(p, {"after"}, {"after"});
  const sim::Duration after = c.reader.duration(p + "/after", {}, ScenarioLimits::kMaxUntil);
  const bool acks = std::none_of(c.scenario.frameworks.begin(), c.scenario.frameworks.end(), [](const FrameworkSpec& f) {
    return f.flags.acknowledge.kind == model::AcknowledgePolicy::Kind::NEVER;
  });
  out.summary = fmt::format("the cluster converged by the end, after the heal at {}: every running agent RUNNING, {}"
                            "no task STAGING or STARTING",
                            sim::format(after), acks ? "every status update acknowledged, " : "");
  struct LivenessCheck {
    Liveness liveness;
    void observe(const Record& r) { liveness.observe(r); }
    Outcome finish(sim::Time) const {
      std::string why = liveness.violation();
      if (!why.empty()) return Outcome{false, why, {}};
      std::string text = "converged";
      for (const std::string& o : liveness.outcomes()) text += "; excused: " + o;
      return Outcome{true, text, {}};
    }
  };
  observeWith(out, Liveness::interest(), LivenessCheck{Liveness(acks, unadmittedAgents(c.scenario))});
}

// harness/state_snapshot.cpp.
void parseStateSnapshot(const ParseContext& c, const std::string& p, Expectation& out);

const std::vector<ExpectationKind>& expectationKinds() {
  static const std::vector<ExpectationKind> kinds{
      {"agent_exit",
       "The agent's main() exits (a failed startup step, or Slave::initialize) with a status (default 1), a "
       "message (or a message_prefix) and in a step, by a time. Value: {agent, code, message, message_prefix, step, by}.",
       parseAgentExit},
      {"agent_reregistered",
       "An agent gets SlaveReregisteredMessage from a master (a host, or \"new-leader\": the first master elected "
       "after the reference point) within a bound after a time or a timeline entry. Value: {agent, master, after "
       "(\"30secs\" or \"timeline[N]\"), within}.",
       parseAgentReregistered},
      {"agent_state",
       "The agent's Slave::State reaches a state at or before a time. Value: {agent, state, by, after}.",
       parseAgentState},
      {"agent_unreachable",
       "A master (any, or the one named) marks the agent unreachable, within a window if given. Value: {agent, "
       "master, between}.",
       parseAgentUnreachable},
      {"disk_file",
       "A host's disk holds files matching a path (`*`: any characters but '/') at a time, containing a text if given, a number of times (default: at least one; \"count\": 0 says none). Value: {host, path, contains, at, count | at_least | at_most}.",
       parseDiskFile},
      {"endpoint",
       "What a master's or agent's HTTP endpoint (/state, /health) answers to a GET at a time: status code and reason "
       "(503 \"Agent has not finished recovery\" while the agent recovers; 0 when nothing listens). Value: {host, "
       "endpoint, at, status, reason}.",
       parseEndpoint},
      {"framework_reregistered",
       "A framework gets FrameworkReregisteredMessage from a master (a host, or \"new-leader\") within a bound "
       "after a time or a timeline entry. Value: {framework, master, after, within}.",
       parseFrameworkReregistered},
      {"gc_removed",
       "The agent's garbage collector (src/slave/gc.cpp) removes a path: its delay elapsed, or a disk check "
       "pruned it under disk pressure (Slave::checkDiskUsage). Value: {agent, path (a part of it), reason (a part "
       "of it), after, by, count | at_least | at_most}.",
       parseGcRemoved},
      {"leader",
       "Which master leads at a time (\"none\": no master), and/or when it was elected. Value: {master, at, "
       "elected_between: [from, to]}.",
       parseLeader},
      {"liveness",
       "The fuzzer's liveness rule (docs/fuzzing.md), checked at the end of the run: every agent whose program runs "
       "is RUNNING, every status update its status update manager received since it started is acknowledged (unless "
       "a framework never acknowledges), no task is STAGING or STARTING. Value: {after (the heal)}.",
       parseLiveness},
      {"message_count",
       "A message is seen a number of times. Value: {message, from, to, event (send|deliver|drop), between, count | "
       "at_least | at_most}.",
       parseMessageCount},
      {"message_order",
       "Messages are seen in an order. Value: {messages: [names], from, to, event, between}.",
       parseMessageOrder},
      {"metric",
       "A counter or gauge of a master's or agent's /metrics/snapshot (master/tasks_lost, "
       "master/slave_unreachable_scheduled, slave/executors_preempted, gc/path_removals_pending, ...) has a value at "
       "a time (default: the end of the run). Value: {host, metric, value | at_least | at_most, at}.",
       parseMetric},
      {"registry_operations",
       "Registrar operations a master applied (AdmitSlave, MarkSlaveReachable, MarkSlaveUnreachable, "
       "PruneUnreachable, RemoveSlave), counted. "
       "Value: {master, operation, changed (whether it changed the registry), between, count | at_least | "
       "at_most}.",
       parseRegistryOperations},
      {"state",
       "A state machine moves to a state (any `state` record of docs/trace-format.md: Slave::Executor, Container, "
       "StatusUpdateStream, GarbageCollector, ...), on a host and with record fields if given, within [after, by], "
       "a number of times. Value: {machine, state, host, with, after, by, count | at_least | at_most}.",
       parseStateRecord},
      {"state_snapshot",
       "What a master's or agent's /state lists at a time (default: the end), from the state records: a master's "
       "frameworks, completed_frameworks, slaves and unreachable_slaves (each {agent, unreachable_time}), an "
       "agent's frameworks, completed_frameworks, executors, completed_executors. Value: {host, at, ...}.",
       parseStateSnapshot},
      {"task_state",
       "The framework's scheduler is told (Scheduler::statusUpdate, src/sched/sched.cpp) that a task is in a "
       "state, with a reason and source if given, within [after, by], a number of times (default: at least once; "
       "\"count\": 0 says never). Value: {task, framework (optional with one framework), state, reason, source, "
       "after (\"30secs\" or \"timeline[N]\"), by, count | at_least | at_most}.",
       parseTaskState},
  };
  return kinds;
}

}  // namespace agentsim::harness
