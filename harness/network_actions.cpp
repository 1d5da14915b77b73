// Timeline actions on the network (sim/network.hpp), the one place faults act on
// messages: rules that delay, drop, duplicate or hold matching messages, the release of a
// hold, the end of every rule, partitions and their healing, and a message spoofed as if
// another process had sent it (as the Mesos tests' process::post / spoofing a master).
#include <fmt/format.h>

#include <cstdint>
#include <optional>

#include "harness/actions.hpp"
#include "harness/world.hpp"
#include "model/master/master.hpp"
#include "model/sched/sched.hpp"
#include "model/slave/slave.hpp"

namespace agentsim::harness {

namespace {

// The shared shape of drop/delay/duplicate/hold: which messages, how many, how likely,
// for how long.
struct RuleArgs {
  sim::FaultRule rule;
  std::optional<sim::Duration> window;
};

RuleArgs ruleArgs(const ParseContext& c, const std::string& p, sim::FaultAction action,
                  std::initializer_list<std::string_view> extra) {
  std::vector<std::string> allowed{"message", "from", "to", "between_hosts", "count", "probability", "for"};
  for (auto k : extra) allowed.emplace_back(k);
  c.reader.object(p, allowed);
  RuleArgs a;
  a.rule.action = action;
  a.rule.label = c.label;
  if (c.reader.has(p + "/message")) a.rule.match.name = messageArg(c, p + "/message");
  if (c.reader.has(p + "/from")) a.rule.match.from = endpointArg(c, p + "/from");
  if (c.reader.has(p + "/to")) a.rule.match.to = endpointArg(c, p + "/to");
  // Only hops between two hosts: one within a host (an executor and its agent) is spared.
  if (c.reader.has(p + "/between_hosts") && c.reader.boolean(p + "/between_hosts")) {
    a.rule.match.where = [](const sim::Envelope& e) { return e.from.host() != e.to.host(); };
  }
  if (c.reader.has(p + "/count")) a.rule.count = c.reader.unsignedInteger(p + "/count", 1, 1'000'000'000);
  if (c.reader.has(p + "/probability")) a.rule.probability = probabilityArg(c, p + "/probability");
  a.window = forArg(c, p + "/for");
  return a;
}

std::string describeRule(const RuleArgs& a) {
  std::string s = a.rule.match.describe();
  if (a.rule.match.where) s += " between hosts";
  if (a.rule.count != 0) s += fmt::format(", first {}", a.rule.count);
  if (a.rule.probability.num < a.rule.probability.den) {
    s += fmt::format(", probability {}/{}", a.rule.probability.num, a.rule.probability.den);
  }
  if (a.window) s += fmt::format(", for {}", sim::format(*a.window));
  return s;
}

void installRule(TimelineEntry& out, RuleArgs a, std::string verb) {
  out.summary = fmt::format("{} {}", verb, describeRule(a));
  out.apply = [a = std::move(a)](World& w) {
    const sim::RuleId id = w.sim().network().addRule(a.rule);
    w.rules().push_back(id);
    if (a.rule.action == sim::FaultAction::Hold) w.holds()[a.rule.label] = id;
    endAfter(w, a.window, "end of fault", [&w, id] { w.sim().network().removeRule(id); });
  };
}

}  // namespace

void parseDelay(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  RuleArgs a = ruleArgs(c, p, sim::FaultAction::Delay, {"by", "keep_order"});
  if (!c.reader.has(p + "/by")) c.reader.fail(p, "missing required key \"by\" (extra latency)");
  a.rule.delay = c.reader.duration(p + "/by", sim::Nanoseconds(1), ScenarioLimits::kMaxUntil);
  if (c.reader.has(p + "/keep_order")) a.rule.keep_order = c.reader.boolean(p + "/keep_order");
  std::string verb = "delay by " + sim::format(a.rule.delay) + (a.rule.keep_order ? " keeping order" : "");
  installRule(out, std::move(a), std::move(verb));
}

void parseDrop(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  installRule(out, ruleArgs(c, p, sim::FaultAction::Drop, {}), "drop");
}

void parseDuplicate(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  installRule(out, ruleArgs(c, p, sim::FaultAction::Duplicate, {}), "duplicate");
}

// A message rule, or with "site" a hold on a fault site of the model (parseSiteHold).
void parseHold(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  if (c.reader.at(p).is_object() && c.reader.has(p + "/site")) {
    parseSiteHold(c, p, out);
    return;
  }
  installRule(out, ruleArgs(c, p, sim::FaultAction::Hold, {}), "hold");
}

// The label of an earlier hold action: delivers what its message rule held, or lets go
// of what its site hold held.
void parseRelease(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  const std::string label = c.reader.string(p, 40);
  const TimelineEntry* hold = nullptr;
  for (const auto& e : c.scenario.timeline) {
    if (e.label == label) hold = &e;
  }
  if (hold == nullptr) {
    c.reader.fail(p, fmt::format("no earlier hold action labelled \"{}\" (labels are "
                                 "\"timeline[N]\", N the entry's index)",
                                 label));
  }
  if (hold->kind != "hold") {
    c.reader.fail(p, fmt::format("{} is a {} action, not a hold; release names an earlier "
                                 "hold action",
                                 label, hold->kind));
  }
  if (out.at < hold->at) {
    c.reader.fail(p, fmt::format("this release at {} comes before the hold it releases ({} at {})",
                                 sim::format(out.at), label, sim::format(hold->at)));
  }
  out.summary = "release what " + label + " held";
  out.apply = [label](World& w) {
    auto it = w.holds().find(label);
    if (it != w.holds().end()) w.sim().network().release(it->second);
    auto site = w.siteHolds().find(label);
    if (site != w.siteHolds().end()) w.faultSites().release(site->second);
  };
}

// {between: [a, b], one_way, for}: every message between the hosts is lost.
void parsePartition(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  c.reader.object(p, {"between", "one_way", "for"}, {"between"});
  // Named, not structured bindings: clang 14 cannot capture those in a lambda.
  const auto [hostA, hostB] = betweenArg(c, p + "/between");
  const std::string a = hostA, b = hostB;
  const bool oneWay = c.reader.has(p + "/one_way") && c.reader.boolean(p + "/one_way");
  const std::optional<sim::Duration> window = forArg(c, p + "/for");
  out.summary = fmt::format("partition {} {} {}{}", a, oneWay ? "->" : "<->", b,
                            window ? " for " + sim::format(*window) : "");
  out.apply = [a, b, oneWay, window, label = c.label](World& w) {
    w.sim().network().partition(a, b, oneWay, label);
    endAfter(w, window, "heal", [&w, a, b] { w.sim().network().heal(a, b); });
  };
}

// [a, b] or "all".
void parseHeal(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  if (c.reader.at(p).is_string()) {
    if (c.reader.at(p).get<std::string>() != "all") {
      c.reader.fail(p, fmt::format("expected two host names, e.g. [\"agent-1\", \"master-1\"], "
                                   "or \"all\", got {}",
                                   typeName(c.reader.at(p))));
    }
    out.summary = "heal all partitions";
    out.apply = [](World& w) { w.sim().network().healAll(); };
    return;
  }
  const auto [hostA, hostB] = betweenArg(c, p);
  const std::string a = hostA, b = hostB;
  out.summary = fmt::format("heal {} <-> {}", a, b);
  out.apply = [a, b](World& w) { w.sim().network().heal(a, b); };
}

// "all": every message rule in force ends, whoever added it (the fuzzer's heal,
// docs/fuzzing.md): drops, delays, duplicates, holds (their messages are delivered) and
// rewrites; a rule's own `for` then ends nothing. Partitions are `heal`'s.
void parseEndRules(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  if (!c.reader.at(p).is_string() || c.reader.at(p).get<std::string>() != "all") {
    c.reader.fail(p, fmt::format("expected \"all\", got {}", typeName(c.reader.at(p))));
  }
  out.summary = "end every message rule";
  out.apply = [](World& w) {
    for (const sim::RuleId id : w.rules()) w.sim().network().removeRule(id);  // holds deliver what they held
    w.rules().clear();
  };
}

// The sender a spoofed message claims, as a libprocess address "id@host:port"; it need
// name no process or host of the cluster (SlaveTest.IgnoreNonLeaderStatusUpdateAcknowledgement
// posts from "master@localhost:1"). None when the key is absent.
struct SpoofedSender {
  std::string id;
  std::string host;
  std::uint16_t port = 0;
};

std::optional<SpoofedSender> spoofedSenderArg(const ParseContext& c, const std::string& p) {
  if (!c.reader.has(p)) return std::nullopt;
  const std::string text = c.reader.string(p, 200);
  const auto at = text.find('@');
  const auto colon = text.rfind(':');
  SpoofedSender out;
  unsigned port = 0;
  bool ok = at != std::string::npos && colon != std::string::npos && at > 0 && colon > at + 1 && colon + 1 < text.size() &&
            colon + 6 > text.size();
  for (std::size_t i = colon + 1; ok && i < text.size(); ++i) {
    ok = text[i] >= '0' && text[i] <= '9';
    port = port * 10 + static_cast<unsigned>(text[i] - '0');
  }
  if (!ok || port == 0 || port > 65535) {
    c.reader.fail(p, fmt::format("expected a libprocess address such as \"master@localhost:1\", got \"{}\"", text));
  }
  out.id = text.substr(0, at);
  out.host = text.substr(at + 1, colon - at - 1);
  out.port = static_cast<std::uint16_t>(port);
  return out;
}

// {agent, framework, task, uuid, from}: a StatusUpdateAcknowledgementMessage the kernel
// carries as if the leading master (or the address `from`) had sent it; the master does
// not know.
void parseSpoofAcknowledgement(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  c.reader.object(p, {"agent", "framework", "task", "uuid", "from"}, {"agent", "task"});
  const std::optional<SpoofedSender> sender = spoofedSenderArg(c, p + "/from");
  const std::string agent = agentHostArg(c, p + "/agent");
  const FrameworkSpec& f = frameworkArg(c, p);
  const std::string task = c.reader.identifier(p + "/task");
  std::string uuid = "00000000-0000-4000-8000-000000000000";
  if (c.reader.has(p + "/uuid")) uuid = c.reader.string(p + "/uuid", 64);
  out.summary = fmt::format("spoof an acknowledgement (UUID {}) for task {} of {} to {}", uuid, task, f.id, agent);
  out.apply = [agent, framework = f.id, task, uuid, sender](World& w) {
    model::Master* master = w.leadingMaster();
    model::Slave* slave = agentProcess(w, agent);
    model::SchedulerProcess* fw = w.scheduler(framework);
    if (master == nullptr || slave == nullptr || fw == nullptr || fw->framework().id.empty()) {
      note(w, agent, "no leading master, agent or registered framework: nothing to spoof");
      return;
    }
    auto ack = std::make_unique<model::StatusUpdateAcknowledgementMessage>();
    ack->slave_id = slave->info().id;
    ack->framework_id = fw->framework().id;
    ack->task_id = task;
    ack->uuid = uuid;
    const sim::Upid from = sender ? w.sim().upid(sender->id, sender->host, sender->port) : master->self();
    w.sim().network().spoof(sim::Envelope{from, slave->self(), std::move(ack)});
  };
}

}  // namespace agentsim::harness
