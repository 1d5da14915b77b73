#include "sim/network.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/simulation.hpp"

namespace agentsim::sim {

namespace {
bool matchesEnd(const std::string& pattern, const Upid& u) {
  return pattern.empty() || pattern == u.id() || pattern == u.host() || pattern == u.str();
}
}  // namespace

// Inline in Network::send, its one caller (every send asks every rule).
__attribute__((always_inline)) inline bool MessageMatch::matches(const Envelope& e) const {
  if (!name.empty()) {
    const std::string_view n = e.body->name();
    if (n.data() != name_seen || n.size() != name.size()) {
      if (name != n) return false;
      name_seen = n.data();
    }
  }
  if ((!from.empty() && !matchesEnd(from, e.from)) || (!to.empty() && !matchesEnd(to, e.to))) return false;
  return !where || where(e);
}

std::string MessageMatch::describe() const {
  return fmt::format("{}{}{}", name.empty() ? "any message" : name, from.empty() ? "" : " from " + from,
                     to.empty() ? "" : " to " + to);
}

std::string_view toString(FaultAction a) {
  switch (a) {
    case FaultAction::Drop: return "drop";
    case FaultAction::Delay: return "delay";
    case FaultAction::Duplicate: return "duplicate";
    case FaultAction::Hold: return "hold";
    case FaultAction::Rewrite: return "rewrite";
  }
  return "?";
}

Network::Network(Simulation& sim) : sim_(sim), rng_(sim.seed(), "network") {}

RuleId Network::addRule(FaultRule rule) {
  const RuleId id = next_rule_++;
  rules_.emplace_back(id, ActiveRule{std::move(rule), 0, {}});
  return id;
}

Network::ActiveRule* Network::findRule(RuleId id) {
  auto it = std::lower_bound(rules_.begin(), rules_.end(), id,
                             [](const std::pair<RuleId, ActiveRule>& r, RuleId key) { return r.first < key; });
  return it != rules_.end() && it->first == id ? &it->second : nullptr;
}

void Network::removeRule(RuleId id) {
  release(id);
  auto it = std::find_if(rules_.begin(), rules_.end(), [id](const auto& r) { return r.first == id; });
  if (it != rules_.end()) rules_.erase(it);
}

// Inline in its callers below (every send takes it).
inline void Network::schedule(Envelope&& envelope, Duration extra, std::uint64_t epoch, bool keepOrder) {
  Duration latency = extra == Duration{} ? latency_.base : latency_.base + extra;
  if (latency_.jitter > Duration{}) latency += rng_.uniform(latency_.jitter);
  Time when = sim_.now() + latency;
  if (latency_.jitter > Duration{} || keepOrder) {
    // TCP keeps order per link: never arrive before an earlier message on it.
    Time& last = last_arrival_[{envelope.from.str(), envelope.to.str()}];
    if (when < last) when = last;
    last = when;
  } else if (!last_arrival_.empty()) {
    // A link an order-keeping delay slowed: wait behind its delayed messages.
    const auto it = last_arrival_.find({envelope.from.str(), envelope.to.str()});
    if (it != last_arrival_.end()) {
      if (when < it->second) when = it->second;
      it->second = when;
    }
  }
  sim_.scheduleDelivery(when, std::move(envelope), epoch);
}


std::size_t Network::release(RuleId id) {
  ActiveRule* rule = findRule(id);
  if (rule == nullptr) return 0;
  std::vector<Held> held = std::move(rule->held);
  rule->held.clear();
  const std::string label = rule->rule.label;
  for (Held& h : held) {
    traceFault(h.envelope, "release", label);
    schedule(std::move(h.envelope), Duration{}, h.epoch);
  }
  return held.size();
}

void Network::partition(const std::string& a, const std::string& b, bool oneWay, std::string label) {
  cuts_[{a, b}] = label;
  if (!oneWay) cuts_[{b, a}] = label;
  sim_.emit(RecordKind::Fault, nullptr, a, "partition",
            {{"from", a}, {"to", b}, {"one_way", oneWay}, {"label", std::move(label)}}, "");
  // A TCP connection needs both directions: either cut breaks the connections between
  // the two hosts (see Process::link).
  sim_.breakLinks(a, b);
}

void Network::heal(const std::string& a, const std::string& b) {
  cuts_.erase({a, b});
  cuts_.erase({b, a});
  sim_.emit(RecordKind::Fault, nullptr, a, "heal", {{"from", a}, {"to", b}}, "");
}

void Network::healAll() {
  cuts_.clear();
  sim_.emit(RecordKind::Fault, nullptr, "", "heal", {{"all", true}}, "");
}

void Network::traceDrop(const Envelope& e, std::string reason) {
  if (!sim_.tracing(RecordKind::Drop, e.body->name())) return;
  sim_.emitMessage(RecordKind::Drop, sim_.process(e.from), e.from.host(), e,
                   {{"from", e.from.str()}, {"to", e.to.str()}, {"reason", std::move(reason)}}, "");
}

void Network::traceFault(const Envelope& e, std::string_view what, const std::string& label) {
  if (!sim_.tracing(RecordKind::Fault, what)) return;
  sim_.emitMessage(RecordKind::Fault, nullptr, e.from.host(), e,
                   {{"message", std::string(e.body->name())}, {"from", e.from.str()}, {"to", e.to.str()},
                    {"label", label}},
                   "", std::string(what));
}

void Network::traceRewrite(const Envelope& e, Fields set, const std::string& label) {
  if (!sim_.tracing(RecordKind::Fault, "rewrite")) return;
  std::string text;
  for (const Field& f : set) {
    text += (text.empty() ? "" : ",") + f.key + '=';
    if (const auto* s = std::get_if<std::string>(&f.value)) text += *s;
  }
  sim_.emitMessage(RecordKind::Fault, nullptr, e.from.host(), e,
                   {{"message", std::string(e.body->name())}, {"from", e.from.str()}, {"to", e.to.str()},
                    {"label", label}, {"set", std::move(text)}},
                   "", "rewrite");
}

void Network::send(Envelope envelope) {
  envelope.msg = ++sent_;
  if (sim_.trace().enabled() && sim_.tracing(RecordKind::Send, envelope.body->name())) {
    const auto& ctx = sim_.context();
    Fields f{{"from", envelope.from.str()}, {"to", envelope.to.str()}};
    envelope.body->describe(f);
    sim_.emitMessage(RecordKind::Send, ctx.process, envelope.from.host(), envelope, std::move(f),
                     sim_.refOf(ctx.process, ctx.function));
  }
  // The connection is to the destination host's current boot and program, whatever a fault
  // does later: the delivery drops the message if that host crashed, or that program was
  // killed, after this (Simulation::crashEpoch).
  const std::uint64_t epoch = sim_.crashEpoch();
  Duration extra;
  int copies = 1;
  bool keepOrder = false;
  for (auto& [id, active] : rules_) {
    FaultRule& rule = active.rule;
    if (rule.count != 0 && active.matched >= rule.count) continue;
    if (!rule.match.matches(envelope)) continue;
    if (rule.probability.num < rule.probability.den && !rng_.chance(rule.probability)) continue;
    ++active.matched;
    switch (rule.action) {
      case FaultAction::Drop:
        if (sim_.trace().enabled()) {
          traceDrop(envelope, fmt::format("fault: {}", rule.label.empty() ? rule.match.describe() : rule.label));
        }
        return;
      case FaultAction::Hold:
        traceFault(envelope, "hold", rule.label);
        active.held.push_back(Held{std::move(envelope), epoch});
        return;
      case FaultAction::Delay:
        traceFault(envelope, "delay", rule.label);
        extra += rule.delay;
        keepOrder = keepOrder || rule.keep_order;
        break;
      case FaultAction::Duplicate:
        traceFault(envelope, "duplicate", rule.label);
        ++copies;
        break;
      case FaultAction::Rewrite:
        traceRewrite(envelope, rule.rewrite ? rule.rewrite(*envelope.body) : Fields{}, rule.label);
        break;
    }
  }
  // The first copy scheduled (and so delivered first) is the message; the later ones are
  // its duplicates.
  if (copies > 1) envelope.duplicate = true;
  for (int i = 1; i < copies; ++i) {
    schedule(Envelope{envelope.from, envelope.to, envelope.body->clone(), envelope.msg, i > 1}, extra, epoch,
             keepOrder);
  }
  schedule(std::move(envelope), extra, epoch, keepOrder);
}

}  // namespace agentsim::sim
