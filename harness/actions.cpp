// Timeline actions: faults act through the network and the hosts, never on model code (but
// expire_session, a test hook of the ZooKeeper server, as ZooKeeperTestServer::expireSession
// is in the Mesos tests).
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "harness/agent_actions.hpp"
#include "harness/tables.hpp"
#include "harness/world.hpp"
#include "model/master/master.hpp"
#include "model/master/registrar.hpp"
#include "model/slave/fault_sites.hpp"
#include "model/slave/slave.hpp"
#include "model/common/flags.hpp"
#include "sim/uint128.hpp"
#include "model/sched/sched.hpp"

namespace agentsim::harness {

namespace {

sim::Ratio probability(const ParseContext& c, const std::string& pointer) {
  if (!c.reader.at(pointer).is_string()) {
    c.reader.fail(pointer, fmt::format("expected a probability as a string \"N/D\" (e.g. \"1/3\") or \"P%\" (e.g. "
                                       "\"25%\"), got {}",
                                       typeName(c.reader.at(pointer))));
  }
  const std::string text = c.reader.string(pointer, 40);
  auto bad = [&] {
    c.reader.fail(pointer, fmt::format("expected a probability as \"N/D\" (e.g. \"1/3\") or a percentage (e.g. "
                                       "\"25%\"), got \"{}\"",
                                       text));
  };
  auto number = [&](std::string_view s) -> std::uint64_t {
    if (s.empty() || s.size() > 12) bad();
    std::uint64_t n = 0;
    for (char ch : s) {
      if (ch < '0' || ch > '9') bad();
      n = n * 10 + static_cast<std::uint64_t>(ch - '0');
    }
    return n;
  };
  sim::Ratio r;
  if (!text.empty() && text.back() == '%') {
    r = {number(std::string_view(text).substr(0, text.size() - 1)), 100};
  } else if (auto slash = text.find('/'); slash != std::string::npos) {
    r = {number(std::string_view(text).substr(0, slash)), number(std::string_view(text).substr(slash + 1))};
  } else {
    bad();
  }
  if (r.den == 0) c.reader.fail(pointer, fmt::format("the probability \"{}\" divides by zero", text));
  if (r.num > r.den) {
    c.reader.fail(pointer, fmt::format("a probability is at most 1 (\"1/1\" or \"100%\"), got \"{}\"", text));
  }
  return r;
}

// The shared shape of drop/delay/duplicate/hold: which messages, how many, how likely,
// for how long.
struct RuleArgs {
  sim::FaultRule rule;
  std::optional<sim::Duration> window;
};

RuleArgs ruleArgs(const ParseContext& c, const std::string& p, sim::FaultAction action,
                  std::initializer_list<std::string_view> extra) {
  std::vector<std::string> allowed{"message", "from", "to", "count", "probability", "for"};
  for (auto k : extra) allowed.emplace_back(k);
  c.reader.object(p, allowed);
  RuleArgs a;
  a.rule.action = action;
  a.rule.label = c.label;
  if (c.reader.has(p + "/message")) a.rule.match.name = messageArg(c, p + "/message");
  if (c.reader.has(p + "/from")) a.rule.match.from = endpointArg(c, p + "/from");
  if (c.reader.has(p + "/to")) a.rule.match.to = endpointArg(c, p + "/to");
  if (c.reader.has(p + "/count")) a.rule.count = c.reader.unsignedInteger(p + "/count", 1, 1'000'000'000);
  if (c.reader.has(p + "/probability")) a.rule.probability = probability(c, p + "/probability");
  if (c.reader.has(p + "/for")) a.window = c.reader.duration(p + "/for", sim::Nanoseconds(1), ScenarioLimits::kMaxUntil);
  return a;
}

std::string describeRule(const RuleArgs& a) {
  std::string s = a.rule.match.describe();
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
    if (a.rule.action == sim::FaultAction::Hold) w.holds()[a.rule.label] = id;
    if (a.window) {
      w.sim().at(w.sim().now() + *a.window, "end of fault", [&w, id] { w.sim().network().removeRule(id); });
    }
  };
}

// fire_site: {"at", "fire_site": SITE, "probability": "N/D", "for": D} (the last two on
// the entry, beside the action).
void installFireSite(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  std::vector<std::string_view> names;
  for (const sim::FaultSiteSpec& site : model::firingSites()) names.push_back(site.name);
  if (!c.reader.at(p).is_string()) {
    c.reader.fail(p, fmt::format("expected a firing fault site's name as a string, one of: {}; got {}",
                                 fmt::join(names, ", "), typeName(c.reader.at(p))));
  }
  const std::string name = c.reader.string(p, 100);
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    c.reader.fail(p, fmt::format("unknown firing fault site \"{}\"; expected one of: {}", name.substr(0, 60),
                                 fmt::join(names, ", ")));
  }
  const std::string entry = p.substr(0, p.rfind('/'));
  sim::SiteFire rule;
  rule.site = name;
  rule.label = c.label;
  if (c.reader.has(entry + "/probability")) rule.probability = probability(c, entry + "/probability");
  std::optional<sim::Duration> window;
  if (c.reader.has(entry + "/for")) {
    window = c.reader.duration(entry + "/for", sim::Nanoseconds(1), ScenarioLimits::kMaxUntil);
  }
  out.summary = fmt::format("fire {} with probability {}/{}{}", name, rule.probability.num, rule.probability.den,
                            window ? ", for " + sim::format(*window) : "");
  out.apply = [rule = std::move(rule), window](World& w) {
    const sim::SiteHoldId id = w.faultSites().fire(rule);
    if (window) w.sim().at(w.sim().now() + *window, "end of fault", [&w, id] { w.faultSites().stopFiring(id); });
  };
}

// A hold on a fault site of the model (model/master/registrar.hpp; sim/fault_site.hpp):
// {site, <the site's attribute key>, count, for}.
void installSiteHold(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  if (!c.reader.at(p + "/site").is_string()) {
    c.reader.fail(p + "/site", fmt::format("expected a fault site's name as a string, e.g. \"{}\", got {}",
                                           model::kRegistrarApplySite, typeName(c.reader.at(p + "/site"))));
  }
  const std::string name = c.reader.string(p + "/site", 100);
  const sim::FaultSiteSpec* spec = nullptr;
  std::vector<std::string_view> names;
  for (const sim::FaultSiteSpec& site : model::faultSites()) {
    names.push_back(site.name);
    if (site.name == name) spec = &site;
  }
  if (spec == nullptr) {
    c.reader.fail(p + "/site", fmt::format("unknown fault site \"{}\"; expected one of: {}", name.substr(0, 60),
                                           fmt::join(names, ", ")));
  }
  // Message-rule keys mean nothing to a site: say so rather than "unknown key".
  for (std::string_view k : {"message", "from", "to", "probability"}) {
    if (c.reader.has(p + "/" + std::string(k))) {
      c.reader.failAtKey(p + "/" + std::string(k),
                         fmt::format("\"{}\" is a message rule's key; a hold with \"site\" holds what reaches the "
                                     "fault site {} and takes: site, {}, count, for",
                                     k, name, spec->key));
    }
  }
  c.reader.object(p, {"site", spec->key, "count", "for"});
  sim::SiteHold hold;
  hold.site = name;
  hold.label = c.label;
  const std::string key = Reader::child(p, spec->key);
  if (c.reader.has(key)) {
    if (!c.reader.at(key).is_string()) {
      c.reader.fail(key, fmt::format("expected a string naming the {}, one of: {}, got {}", spec->key,
                                     fmt::join(spec->values, ", "), typeName(c.reader.at(key))));
    }
    hold.value = c.reader.string(key, 100);
    if (std::find(spec->values.begin(), spec->values.end(), hold.value) == spec->values.end()) {
      c.reader.fail(key, fmt::format("unknown {} \"{}\" for fault site {}; expected one of: {}", spec->key,
                                     hold.value.substr(0, 60), name, fmt::join(spec->values, ", ")));
    }
  }
  if (c.reader.has(p + "/count")) hold.count = c.reader.unsignedInteger(p + "/count", 1, 1'000'000'000);
  std::optional<sim::Duration> window;
  if (c.reader.has(p + "/for")) window = c.reader.duration(p + "/for", sim::Nanoseconds(1), ScenarioLimits::kMaxUntil);
  out.summary = fmt::format("hold {}{}{}{}", name, hold.value.empty() ? "" : fmt::format(" {} {}", spec->key, hold.value),
                            hold.count != 0 ? fmt::format(", first {}", hold.count) : "",
                            window ? ", for " + sim::format(*window) : "");
  out.apply = [hold = std::move(hold), window](World& w) {
    const sim::SiteHoldId id = w.faultSites().hold(hold);
    w.siteHolds()[hold.label] = id;
    if (window) {
      w.sim().at(w.sim().now() + *window, "end of fault", [&w, id] { w.faultSites().remove(id); });
    }
  };
}

std::pair<std::string, std::string> between(const ParseContext& c, const std::string& p) {
  const auto& v = c.reader.at(p);
  if (!v.is_array() || v.size() != 2) {
    c.reader.fail(p, fmt::format("expected two host names, e.g. [\"agent-1\", \"master-1\"], got {}",
                                 v.is_array() ? fmt::format("{} item(s)", v.size()) : typeName(v)));
  }
  auto a = hostArg(c, p + "/0");
  auto b = hostArg(c, p + "/1");
  if (a == b) c.reader.fail(p + "/1", "a partition needs two different hosts");
  return {a, b};
}

constexpr std::string_view kLeadingMaster = "leading-master";

// A host, or "leading-master": the master elected when the action runs.
std::string hostOrLeaderArg(const ParseContext& c, const std::string& p) {
  if (c.reader.at(p).is_string() && c.reader.at(p).get<std::string>() == kLeadingMaster) {
    return std::string(kLeadingMaster);
  }
  return hostArg(c, p);
}

// Resolves "leading-master" when the action runs; none if no master leads then.
std::optional<std::string> resolveHost(World& w, const std::string& id) {
  if (id != kLeadingMaster) return id;
  const model::Master* leader = w.leadingMaster();
  if (leader == nullptr) {
    w.sim().emit(sim::RecordKind::Log, nullptr, "", "log", {{"message", "no master leads now: nothing to do"}}, "");
    return std::nullopt;
  }
  return leader->self().host();
}

// ZooKeeper servers: "zk-2", ["zk-1", "zk-2"] or "all".
std::vector<std::string> zookeeperHostsArg(const ParseContext& c, const std::string& p) {
  if (c.scenario.zookeeper.servers == 0) {
    c.reader.fail(p, "the cluster has no ZooKeeper ensemble (add \"zookeeper\": {\"servers\": 3} to \"cluster\")");
  }
  const auto& v = c.reader.at(p);
  if (v.is_string() && v.get<std::string>() == "all") return c.scenario.zookeeper.hosts();
  std::vector<std::string> out;
  auto one = [&](const std::string& q) {
    const std::string id = c.reader.identifier(q);
    if (!c.scenario.isZooKeeper(id)) {
      c.reader.fail(q, fmt::format("\"{}\" is not a ZooKeeper server; expected one of: {}, or \"all\"", id,
                                   fmt::join(c.scenario.zookeeper.hosts(), ", ")));
    }
    out.push_back(id);
  };
  if (v.is_array()) {
    const std::size_t n = c.reader.array(p, 5);
    if (n == 0) c.reader.fail(p, "expected at least one ZooKeeper server");
    for (std::size_t i = 0; i < n; ++i) one(Reader::child(p, i));
  } else {
    one(p);
  }
  return out;
}

// Harness-level notes in the trace: an action that found nothing to act on.
void note(World& w, const std::string& host, std::string message) {
  w.sim().emit(sim::RecordKind::Log, nullptr, host, "log", {{"message", std::move(message)}}, "");
}

// The SlaveID of the agent that runs on `host` now ("" if none runs or it has none yet).
std::string agentSlaveId(World& w, const std::string& host) {
  for (sim::Process* proc : w.host(host).processesOf("")) {
    if (proc->id() == "slave(1)") return static_cast<const model::Slave*>(proc)->info().id;
  }
  return {};
}

// The framework's SchedulerProcess (scheduler(1)@<id>:8080), if it runs now.
model::SchedulerProcess* scheduler(World& w, const std::string& framework) { return w.scheduler(framework); }

// The agent's Slave process on `host`, if the host is up and runs one: found by its type
// (the agent's main() spawns it late in its startup graph, so the world keeps no handle).
model::Slave* agentProcess(World& w, const std::string& host) {
  sim::Host& h = w.host(host);
  if (!h.up()) return nullptr;
  for (sim::Process* proc : h.processesOf("")) {
    if (auto* slave = dynamic_cast<model::Slave*>(proc)) return slave;
  }
  return nullptr;
}

std::vector<ActionKind> makeActions() {
  std::vector<ActionKind> kinds;
  kinds.push_back({"crash",
                   "Crash a host: its processes and timers are lost, its synced disk survives. Value: a host, or "
                   "\"leading-master\" (the master elected when the action runs).",
                   [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
                     const std::string id = hostOrLeaderArg(c, p);
                     out.summary = "crash " + id;
                     out.apply = [id, label = c.label](World& w) {
                       const auto host = resolveHost(w, id);
                       if (!host) return;
                       sim::Host& h = w.host(*host);
                       if (h.up()) w.sim().crash(h, label);
                     };
                   }});
  kinds.push_back({"call",
                   "A test's call into a component of a host, as a Mesos test calls gc.schedule(): an event of the "
                   "component's process (Call records: CALLED, then READY/DISCARDED with the answer). Value: {host, "
                   "function, ...arguments}.",
                   parseCall});
  kinds.push_back({"delay",
                   "Add latency to matching messages; with keep_order, later messages on a delayed link wait behind "
                   "them, as on a slow TCP connection (default: they may overtake). Value: {message, from, to, by, "
                   "keep_order, count, probability, for}.",
                   [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
                     RuleArgs a = ruleArgs(c, p, sim::FaultAction::Delay, {"by", "keep_order"});
                     if (!c.reader.has(p + "/by")) c.reader.fail(p, "missing required key \"by\" (extra latency)");
                     a.rule.delay = c.reader.duration(p + "/by", sim::Nanoseconds(1), ScenarioLimits::kMaxUntil);
                     if (c.reader.has(p + "/keep_order")) a.rule.keep_order = c.reader.boolean(p + "/keep_order");
                     std::string verb = "delay by " + sim::format(a.rule.delay) + (a.rule.keep_order ? " keeping order" : "");
                     installRule(out, std::move(a), std::move(verb));
                   }});
  kinds.push_back({"drop", "Lose matching messages. Value: {message, from, to, count, probability, for}.",
                   [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
                     installRule(out, ruleArgs(c, p, sim::FaultAction::Drop, {}), "drop");
                   }});
  kinds.push_back({"duplicate", "Deliver matching messages twice. Value: {message, from, to, count, probability, for}.",
                   [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
                     installRule(out, ruleArgs(c, p, sim::FaultAction::Duplicate, {}), "duplicate");
                   }});
  kinds.push_back(
      {"expire_session",
       "Expire ZooKeeper sessions on the server side, as the Mesos tests' ZooKeeperTestServer::expireSession: every "
       "session of a host's clients, or of one client. Value: {host (a host or \"leading-master\"), client (the "
       "ZooKeeper handle's process id, e.g. \"zookeeper(1)\": on a master, the contender's)}.",
       [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
         c.reader.object(p, {"host", "client"}, {"host"});
         if (c.scenario.zookeeper.servers == 0) {
           c.reader.fail(p, "the cluster has no ZooKeeper ensemble (add \"zookeeper\": {\"servers\": 3} to \"cluster\")");
         }
         const std::string id = hostOrLeaderArg(c, p + "/host");
         std::string client;
         if (c.reader.has(p + "/client")) client = c.reader.string(p + "/client", 100);
         out.summary = fmt::format("expire the ZooKeeper session(s) of {}{}", id, client.empty() ? "" : " " + client);
         out.apply = [id, client](World& w) {
           const auto host = resolveHost(w, id);
           if (!host) return;
           model::ZooKeeperServer* server = w.zookeeperServer();
           if (server == nullptr || w.zookeeper() == nullptr) {
             w.sim().emit(sim::RecordKind::Log, nullptr, "", "log",
                          {{"message", "no ZooKeeper server is serving: no session can be expired"}}, "");
             return;
           }
           // As ZooKeeperTestServer::expireSession: the server's own expiry path.
           server->dispatch("src/tests/zookeeper_test_server.cpp: ZooKeeperTestServer::expireSession",
                            [server, ensemble = w.zookeeper(), h = *host, client] {
                              for (std::int64_t id : ensemble->sessionsOf(h, client)) {
                                server->expire(id, "expired by ZooKeeperTestServer::expireSession");
                              }
                            });
         };
       }});
  kinds.push_back({"fire_site",
                   "Turn on a firing fault site of the model (model/slave/fault_sites.hpp): while on, each reach fires "
                   "with the entry's \"probability\" (\"N/D\", default 1/1), for the entry's \"for\" (default: "
                   "to the end). Value: the site's name.",
                   installFireSite});
  kinds.push_back({"heal", "End partitions. Value: [hostA, hostB], or \"all\".",
                   [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
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
                     auto [a, b] = between(c, p);
                     out.summary = fmt::format("heal {} <-> {}", a, b);
                     out.apply = [a, b](World& w) { w.sim().network().heal(a, b); };
                   }});
  kinds.push_back({"hold",
                   "Hold matching messages until a release. Value: {message, from, to, count, probability, for}; or, "
                   "to hold what reaches a fault site of the model (a registrar operation), {site "
                   "(\"Registrar::apply\"), operation, count, for}.",
                   [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
                     if (c.reader.at(p).is_object() && c.reader.has(p + "/site")) {
                       installSiteHold(c, p, out);
                       return;
                     }
                     installRule(out, ruleArgs(c, p, sim::FaultAction::Hold, {}), "hold");
                   }});
  kinds.push_back(
      {"kill_task",
       "Kill a task through the framework's driver, as SchedulerDriver::killTask (src/sched/sched.cpp): the "
       "scheduler sends KillTaskMessage to its master, which relays it to the agent. Value: {framework (optional "
       "with one framework), task}.",
       [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
         c.reader.object(p, {"framework", "task"}, {"task"});
         const FrameworkSpec& f = frameworkArg(c, p);
         const std::string task = taskArg(c, f, p + "/task").info.task_id;
         out.summary = fmt::format("{} kills task {}", f.id, task);
         out.apply = [framework = f.id, task](World& w) {
           model::SchedulerProcess* s = scheduler(w, framework);
           if (s == nullptr) {
             note(w, framework, fmt::format("no scheduler runs on {}: task {} is not killed", framework, task));
             return;
           }
           s->dispatch("SchedulerDriver::killTask", [s, task] { s->killTask(task); });
         };
       }});
  kinds.push_back(
      {"stop_framework",
       "Tear a framework down: its driver stops without failover, as SchedulerDriver::stop() (src/sched/sched.cpp): "
       "the scheduler sends UnregisterFrameworkMessage to its master, which removes the framework "
       "(Master::removeFramework: ShutdownFrameworkMessage to every agent, its tasks TASK_KILLED / "
       "REASON_FRAMEWORK_REMOVED in the master's counters), and the driver runs no more. Value: {framework "
       "(optional with one framework)}.",
       [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
         c.reader.object(p, {"framework"});
         const FrameworkSpec& f = frameworkArg(c, p);
         out.summary = fmt::format("{} stops its driver (teardown)", f.id);
         out.apply = [framework = f.id](World& w) {
           model::SchedulerProcess* s = scheduler(w, framework);
           if (s == nullptr) {
             note(w, framework, fmt::format("no scheduler runs on {}: nothing to stop", framework));
             return;
           }
           s->dispatch("SchedulerDriver::stop", [s] { s->stop(); });
         };
       }});
  kinds.push_back({"partition",
                   "Lose every message between two hosts. Value: {between: [a, b], one_way (only a to b), for}.",
                   [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
                     c.reader.object(p, {"between", "one_way", "for"}, {"between"});
                     auto [a, b] = between(c, p + "/between");
                     const bool oneWay = c.reader.has(p + "/one_way") && c.reader.boolean(p + "/one_way");
                     std::optional<sim::Duration> window;
                     if (c.reader.has(p + "/for")) {
                       window = c.reader.duration(p + "/for", sim::Nanoseconds(1), ScenarioLimits::kMaxUntil);
                     }
                     out.summary = fmt::format("partition {} {} {}{}", a, oneWay ? "->" : "<->", b,
                                               window ? " for " + sim::format(*window) : "");
                     out.apply = [a, b, oneWay, window, label = c.label](World& w) {
                       w.sim().network().partition(a, b, oneWay, label);
                       if (window) {
                         w.sim().at(w.sim().now() + *window, "heal", [&w, a, b] { w.sim().network().heal(a, b); });
                       }
                     };
                   }});
  kinds.push_back(
      {"reconcile",
       "Ask the master for the latest state of tasks, as SchedulerDriver::reconcileTasks (src/sched/sched.cpp): "
       "ReconcileTasksMessage naming the tasks (explicit reconciliation), or none (implicit: every task the master "
       "knows). Value: {framework (optional with one framework), tasks (task ids; absent: implicit), agent (with "
       "tasks: the agent they are said to run on, TaskStatus.slave_id: its SlaveID when the action runs)}.",
       [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
         c.reader.object(p, {"framework", "tasks", "agent"});
         const FrameworkSpec& f = frameworkArg(c, p);
         std::vector<std::string> tasks;
         if (c.reader.has(p + "/tasks")) {
           const std::size_t n = c.reader.array(p + "/tasks", ScenarioLimits::kMaxTasksPerFramework);
           if (n == 0) {
             c.reader.fail(p + "/tasks", "an empty list of tasks; leave \"tasks\" out for implicit reconciliation");
           }
           // Any task id: asking about a task the master does not know is a reconciliation too.
           for (std::size_t i = 0; i < n; ++i) tasks.push_back(c.reader.identifier(Reader::child(p + "/tasks", i)));
         }
         std::string agent;
         if (c.reader.has(p + "/agent")) {
           if (tasks.empty()) c.reader.fail(p + "/agent", "an agent needs \"tasks\": implicit reconciliation names none");
           agent = agentHostArg(c, p + "/agent");
         }
         out.summary = tasks.empty() ? fmt::format("{} reconciles every task (implicit)", f.id)
                                     : fmt::format("{} reconciles tasks {}{}", f.id, fmt::join(tasks, ", "),
                                                   agent.empty() ? "" : " on " + agent);
         out.apply = [framework = f.id, tasks, agent](World& w) {
           model::SchedulerProcess* s = scheduler(w, framework);
           if (s == nullptr) {
             note(w, framework, fmt::format("no scheduler runs on {}: nothing is reconciled", framework));
             return;
           }
           const std::string slaveId = agent.empty() ? std::string() : agentSlaveId(w, agent);
           s->dispatch("SchedulerDriver::reconcileTasks", [s, tasks, slaveId] { s->reconcileTasks(tasks, slaveId); });
         };
       }});
  kinds.push_back({"release", "Deliver what a hold action held. Value: the hold's label, \"timeline[N]\".",
                   [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
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
                   }});
  kinds.push_back({"restart",
                   "Restart a host (crashing it first if it is up); it runs its main() again. Value: a host, or "
                   "\"leading-master\".",
                   [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
                     const std::string id = hostOrLeaderArg(c, p);
                     out.summary = "restart " + id;
                     out.apply = [id, label = c.label](World& w) {
                       const auto host = resolveHost(w, id);
                       if (host) w.sim().restart(w.host(*host), label);
                     };
                   }});
  kinds.push_back({"restart_crashed",
                   "Restart every host that is down, and every master host whose mesos-master exited (as a "
                   "supervisor restarts it), in the cluster's order; other hosts are left alone (the fuzzer's heal, "
                   "docs/fuzzing.md). Value: \"all\".",
                   [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
                     if (!c.reader.at(p).is_string() || c.reader.at(p).get<std::string>() != "all") {
                       c.reader.fail(p, fmt::format("expected \"all\", got {}", typeName(c.reader.at(p))));
                     }
                     out.summary = "restart every crashed host";
                     out.apply = [label = c.label](World& w) {
                       for (const auto& h : w.sim().hosts()) {
                         sim::Host& host = w.host(h.name());
                         const bool exited = w.scenario().isMaster(h.name()) && host.processesOf("").empty();
                         if (!host.up() || exited) w.sim().restart(host, label);
                       }
                     };
                   }});
  kinds.push_back(
      {"restart_agent",
       "Kill the mesos-agent process (SIGKILL, as the Mesos tests' agent restart) and start it again at once: "
       "executors in their containers survive, the disk is intact, the new agent recovers from its checkpoint "
       "(src/slave/slave.cpp: Slave::recover). Value: an agent, or {agent, flags} to start it with changed flags "
       "(e.g. {\"recover\": \"cleanup\"}), which later restarts keep.",
       [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
         std::string id;
         std::optional<model::SlaveFlags> flags;
         std::string changed;
         if (c.reader.at(p).is_object()) {
           c.reader.object(p, {"agent", "flags"}, {"agent"});
           id = agentHostArg(c, p + "/agent");
           if (c.reader.has(p + "/flags")) flags = changedAgentFlags(c, p + "/flags", id, changed);
         } else {
           id = agentHostArg(c, p);
         }
         out.summary = "restart the agent process on " + id + (changed.empty() ? "" : " with" + changed);
         model::AgentOptions options;
         for (const AgentSpec& a : c.scenario.agents) {
           if (a.id == id) options = a.options;
         }
         out.apply = [id, flags, options, label = c.label](World& w) {
           sim::Host& h = w.host(id);
           if (!h.up()) {
             note(w, id, fmt::format("{} is down: no agent process to restart", id));
             return;
           }
           w.sim().kill(h, "", label);
           if (flags) {
             h.startup = [flags = *flags, options](sim::Host& host) { (void)model::agentMain(host, flags, options); };
           }
           if (h.startup) h.startup(h);
         };
       }});
  kinds.push_back(rebootAgentAction());
  kinds.push_back(
      {"load",
       "Set an agent host's load: how many tasks are runnable, from which Linux computes the 1, 5 and 15 minute "
       "load averages the load QoS controller reads (src/slave/qos_controllers/load.cpp). Value: {agent, runnable "
       "(e.g. \"6\" or \"0.5\"), over (ramp to it over this long), for (a spike: back to the level before after "
       "this long)}.",
       [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
         c.reader.object(p, {"agent", "runnable", "over", "for"}, {"agent", "runnable"});
         const std::string id = agentHostArg(c, p + "/agent");
         auto level = model::parseDecimal(c.reader.flagValue(p + "/runnable"));
         if (level.isError() || level->millionths < 0 || level->millionths > 100'000'000'000) {
           c.reader.fail(p + "/runnable", "expected a number of runnable tasks from 0 to 100000, e.g. \"4\" or \"0.5\"");
         }
         const std::int64_t milli = level->millionths / 1000;
         std::optional<sim::Duration> over;
         std::optional<sim::Duration> spike;
         if (c.reader.has(p + "/over")) over = c.reader.duration(p + "/over", sim::Milliseconds(1), ScenarioLimits::kMaxUntil);
         if (c.reader.has(p + "/for")) spike = c.reader.duration(p + "/for", sim::Milliseconds(1), ScenarioLimits::kMaxUntil);
         if (over && spike) c.reader.fail(p, "give \"over\" (a ramp) or \"for\" (a spike), not both");
         out.summary = fmt::format("load of {}: {} runnable{}", id, model::format(*level),
                                   over ? " over " + sim::format(*over) : spike ? " for " + sim::format(*spike) : "");
         out.apply = [id, milli, over, spike](World& w) {
           sim::LoadSignal& load = w.host(id).load();
           const sim::Time now = w.sim().now();
           if (over) {
             load.set({now, load.runnableAt(now), false});
             load.set({now + *over, milli, true});
           } else {
             const std::int64_t before = load.runnableAt(now);
             load.set({now, milli, false});
             if (spike) load.set({now + *spike, before, false});
           }
         };
       }});
  kinds.push_back(
      {"delete_files",
       "Delete files on an agent host's disk whose path contains a text, as a test deletes a checkpoint (e.g. an "
       "executor's runs/latest link, SlaveRecoveryTest.GCExecutor). Value: {agent, matching}.",
       [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
         c.reader.object(p, {"agent", "matching"}, {"agent", "matching"});
         const std::string id = agentHostArg(c, p + "/agent");
         const std::string matching = c.reader.string(p + "/matching", 1000);
         if (matching.empty()) c.reader.fail(p + "/matching", "expected a non-empty part of a path");
         out.summary = fmt::format("delete the files of {} whose path contains \"{}\"", id, matching);
         out.apply = [id, matching](World& w) {
           sim::Disk& disk = w.host(id).disk();
           std::size_t n = 0;
           for (const std::string& path : disk.list()) {
             if (path.find(matching) != std::string::npos && disk.remove(path)) ++n;
           }
           note(w, id, fmt::format("deleted {} file(s) matching \"{}\"", n, matching));
         };
       }});
  kinds.push_back(
      {"kill_executors",
       "SIGKILL every executor's container program on an agent host (the agent itself is left alone), as a test "
       "destroys the containers while the agent is down. Value: an agent.",
       [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
         const std::string id = agentHostArg(c, p);
         out.summary = "kill every executor on " + id;
         out.apply = [id, label = c.label](World& w) {
           sim::Host& h = w.host(id);
           std::set<std::string> programs;
           for (sim::Process* proc : h.processes()) {
             if (!proc->program().empty()) programs.insert(proc->program());
           }
           for (const std::string& program : programs) w.sim().kill(h, program, label);
         };
       }});
  kinds.push_back(
      {"fill_disk",
       "Use up an agent host's disk (a ballast file outside the work_dir), as the disk pressure Slave::checkDiskUsage "
       "measures with fs::usage. Value: {agent, usage (\"95%\", of the capacity) or bytes (\"50GB\", added)}.",
       [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
         c.reader.object(p, {"agent", "usage", "bytes"}, {"agent"});
         const std::string id = agentHostArg(c, p + "/agent");
         if (c.reader.has(p + "/usage") == c.reader.has(p + "/bytes")) {
           c.reader.fail(p, "give either \"usage\" (e.g. \"95%\") or \"bytes\" (e.g. \"50GB\")");
         }
         std::optional<std::int64_t> usage;
         std::uint64_t bytes = 0;
         if (c.reader.has(p + "/usage")) {
           const std::string text = c.reader.string(p + "/usage", 20);
           auto pct = text.empty() || text.back() != '%' ? sim::Try<model::Decimal>(sim::Error{"no %"})
                                                          : model::parseDecimal(text.substr(0, text.size() - 1));
           if (pct.isError() || pct->millionths < 0 || pct->millionths > 100'000'000) {
             c.reader.fail(p + "/usage", fmt::format("expected a percentage from 0% to 100%, e.g. \"95%\", got \"{}\"", text));
           }
           usage = pct->millionths / 100;  // millionths of the capacity
         } else {
           auto b = model::parseBytes(c.reader.string(p + "/bytes", 40));
           if (b.isError()) c.reader.fail(p + "/bytes", b.error());
           bytes = b->bytes;
         }
         out.summary = usage ? fmt::format("fill the disk of {} to {}", id, c.reader.string(p + "/usage", 20))
                             : fmt::format("write {} of ballast on {}", c.reader.string(p + "/bytes", 40), id);
         out.apply = [id, usage, bytes](World& w) {
           sim::Disk& disk = w.host(id).disk();
           std::uint64_t add = bytes;
           if (usage) {
             const sim::u128 target = static_cast<sim::u128>(disk.capacity()) * static_cast<sim::u128>(*usage) / 1'000'000u;
             add = target > disk.usedBytes() ? static_cast<std::uint64_t>(target - disk.usedBytes()) : 0;
           }
           disk.grow("/var/ballast", add);
         };
       }});
  kinds.push_back(
      {"start_agent",
       "Start the mesos-agent process again on a host that is up (after stop_agent): its main() runs and the agent "
       "recovers from its checkpoint (src/slave/main.cpp). An agent that already runs is left alone. Value: an "
       "agent.",
       [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
         const std::string id = agentHostArg(c, p);
         out.summary = "start the agent process on " + id;
         out.apply = [id](World& w) {
           sim::Host& h = w.host(id);
           if (!h.up()) {
             note(w, id, fmt::format("{} is down: restart the host instead", id));
             return;
           }
           if (!h.processesOf("").empty()) {
             note(w, id, fmt::format("the agent process on {} is already running", id));
             return;
           }
           if (h.startup) h.startup(h);
         };
       }});
  kinds.push_back({"start_zookeeper",
                   "Start ZooKeeper servers that are down (a server that is up is left alone). Value: \"zk-N\", a "
                   "list of them, or \"all\".",
                   [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
                     const std::vector<std::string> hosts = zookeeperHostsArg(c, p);
                     out.summary = fmt::format("start ZooKeeper {}", fmt::join(hosts, ", "));
                     out.apply = [hosts, label = c.label](World& w) {
                       for (const std::string& h : hosts) {
                         if (!w.host(h).up()) w.sim().restart(w.host(h), label);
                       }
                     };
                   }});
  kinds.push_back(
      {"stop_agent",
       "Kill the mesos-agent process (SIGKILL) and leave it down: executors in their containers keep running, "
       "the disk is intact, the master's pings go unanswered until a start_agent. Value: an agent.",
       [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
         const std::string id = agentHostArg(c, p);
         out.summary = "stop the agent process on " + id;
         out.apply = [id, label = c.label](World& w) {
           sim::Host& h = w.host(id);
           if (!h.up()) {
             note(w, id, fmt::format("{} is down: no agent process to stop", id));
             return;
           }
           w.sim().kill(h, "", label);
         };
       }});
  kinds.push_back(
      {"spoof_acknowledgement",
       "Send an agent a StatusUpdateAcknowledgementMessage from the leading master for a task, with a UUID of the "
       "scenario's choosing (default: one no update has), as the Mesos tests spoof a master's message "
       "(TaskStatusUpdateManagerTest.IgnoreUnexpectedStatusUpdateAck). Value: {agent, framework (optional with one "
       "framework), task, uuid}.",
       [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
         c.reader.object(p, {"agent", "framework", "task", "uuid"}, {"agent", "task"});
         const std::string agent = agentHostArg(c, p + "/agent");
         const FrameworkSpec& f = frameworkArg(c, p);
         const std::string task = c.reader.identifier(p + "/task");
         std::string uuid = "00000000-0000-4000-8000-000000000000";
         if (c.reader.has(p + "/uuid")) uuid = c.reader.string(p + "/uuid", 64);
         out.summary = fmt::format("spoof an acknowledgement (UUID {}) for task {} of {} to {}", uuid, task, f.id, agent);
         out.apply = [agent, framework = f.id, task, uuid](World& w) {
           model::Master* master = w.leadingMaster();
           model::Slave* slave = agentProcess(w, agent);
           auto* fw = scheduler(w, framework);
           if (master == nullptr || slave == nullptr || fw == nullptr || fw->framework().id.empty()) {
             note(w, agent, "no leading master, agent or registered framework: nothing to spoof");
             return;
           }
           // The kernel carries it as if the master had sent it; the master does not know.
           auto ack = std::make_unique<model::StatusUpdateAcknowledgementMessage>();
           ack->slave_id = slave->info().id;
           ack->framework_id = fw->framework().id;
           ack->task_id = task;
           ack->uuid = uuid;
           w.sim().network().spoof(sim::Envelope{master->self(), slave->self(), std::move(ack)});
         };
       }});
  kinds.push_back(
      {"shutdown_agent",
       "Shut the agent down gracefully, as SIGUSR1 does (Slave::signaled -> Slave::shutdown): it unregisters from the "
       "master (UnregisterSlaveMessage), shuts down every framework's executors, deletes meta/slaves/latest and exits "
       "once no framework is left. Value: an agent.",
       [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
         const std::string id = agentHostArg(c, p);
         out.summary = "SIGUSR1 to the agent on " + id;
         out.apply = [id](World& w) {
           model::Slave* slave = agentProcess(w, id);
           if (slave == nullptr) {
             note(w, id, fmt::format("no agent runs on {}: nothing to shut down", id));
             return;
           }
           slave->dispatch("Slave::signaled", [slave] { slave->shutdown("Received SIGUSR1 signal"); });
         };
       }});
  kinds.push_back({"stop_zookeeper",
                   "Stop ZooKeeper servers (their hosts go down; the ensemble's data survives). Value: \"zk-N\", a "
                   "list of them, or \"all\".",
                   [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
                     const std::vector<std::string> hosts = zookeeperHostsArg(c, p);
                     out.summary = fmt::format("stop ZooKeeper {}", fmt::join(hosts, ", "));
                     out.apply = [hosts, label = c.label](World& w) {
                       for (const std::string& h : hosts) {
                         if (w.host(h).up()) w.sim().crash(w.host(h), label);
                       }
                     };
                   }});
  addStepActions(kinds);
  // Listed by name, whatever order the rows were written in.
  std::sort(kinds.begin(), kinds.end(), [](const ActionKind& a, const ActionKind& b) { return a.name < b.name; });
  return kinds;
}

}  // namespace

const std::vector<ActionKind>& actionKinds() {
  static const std::vector<ActionKind> kinds = makeActions();
  return kinds;
}

}  // namespace agentsim::harness
