#include "harness/fuzz/case.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "model/master/registrar.hpp"
#include "model/messages/messages.hpp"
#include "model/messages/task_messages.hpp"
#include "model/slave/fault_sites.hpp"
#include "model/slave/startup_graph.hpp"
#include "sim/rng.hpp"

namespace agentsim::harness::fuzz {

namespace {

// The Mesos messages a rule singles out: the agent's registration, its status updates and
// their acknowledgements, the master's health checks, launches. Mesos tolerates their
// loss (its tests drop them: DROP_PROTOBUF). Never ZooKeeper's: a ZooKeeper session runs
// over one TCP connection, which loses nothing without breaking (a partition does that).
const std::vector<std::string> kMessages = [] {
  std::vector<std::string> names;
  for (std::string_view name : {model::RegisterSlaveMessage::kName,
                                 model::SlaveRegisteredMessage::kName,
                                 model::ReregisterSlaveMessage::kName,
                                 model::SlaveReregisteredMessage::kName,
                                 model::StatusUpdateMessage::kName,
                                 model::StatusUpdateAcknowledgementMessage::kName,
                                 model::PingSlaveMessage::kName,
                                 model::PongSlaveMessage::kName,
                                 model::RunTaskMessage::kName}) {
    names.emplace_back(name);
  }
  return names;
}();

constexpr sim::Duration kMaxDelay = sim::Seconds(20);
// When the liveness phase restarts what exited after the heal (beyond a ZooKeeper
// session's 10secs timeout, so a master that lost its session has exited by then).
constexpr sim::Duration kSupervisorAgain = sim::Seconds(20);

struct Hosts {
  std::vector<std::string> agents, masters, zookeepers;
};

Hosts hostsOf(const Json& base, const Scenario& s) {
  Hosts h;
  const Json& agents = base.at("cluster").at("agents");
  if (agents.is_array()) {
    for (const Json& a : agents) h.agents.push_back(a.at("id").get<std::string>());
  } else {
    for (const AgentSpec& a : s.agents) h.agents.push_back(a.id);
  }
  for (const MasterSpec& m : s.masters) h.masters.push_back(m.id);
  if (base.at("cluster").contains("zookeeper")) {
    const int n = base.at("cluster").at("zookeeper").at("servers").get<int>();
    for (int i = 1; i <= n; ++i) h.zookeepers.push_back(fmt::format("zk-{}", i));
  }
  return h;
}

const std::string& pick(sim::Rng& rng, const std::vector<std::string>& from) { return from[rng.below(from.size())]; }

sim::Duration atMs(sim::Rng& rng, sim::Duration from, sim::Duration to) {
  const std::uint64_t lo = static_cast<std::uint64_t>(from.ns() / 1'000'000);
  const std::uint64_t hi = static_cast<std::uint64_t>(to.ns() / 1'000'000);
  return sim::Milliseconds(static_cast<std::int64_t>(rng.between(lo, std::max(lo, hi))));
}

Json entry(sim::Duration at, const std::string& family) {
  Json e;
  e["at"] = durationText(at);
  e["note"] = "fuzz " + family;
  return e;
}

// A host taken down at `at` (e.g. "crash") and brought back at `until` (e.g. "restart").
void downUntil(std::vector<std::pair<sim::Duration, Json>>& out, Json down, const char* downKey, const char* upKey,
               const std::string& host, sim::Duration at, sim::Duration until, const std::string& family) {
  down[downKey] = host;
  Json back = entry(until, family);
  back[upKey] = host;
  out.emplace_back(at, std::move(down));
  out.emplace_back(until, std::move(back));
}

// A message rule of the safety phase: a message (or all), maybe one end, a probability,
// and a `for` that ends it by `heal`.
Json messageRule(sim::Rng& rng, const Hosts& h, sim::Duration at, sim::Duration heal) {
  Json rule = Json::object();
  rule["message"] = pick(rng, kMessages);
  if (!h.agents.empty() && rng.below(2) == 0) rule[rng.below(2) == 0 ? "from" : "to"] = pick(rng, h.agents);
  // Never the master's leg to a scheduler: the master does not retry its own updates
  // (TASK_LOST of a removed agent) and the scheduler model does not reconcile, which a
  // Mesos framework must do; the agent's updates are retried end to end over the other legs.
  const std::string message = rule["message"].get<std::string>();
  if (!rule.contains("from") && !rule.contains("to")) {
    if (message == model::StatusUpdateMessage::kName) rule["to"] = "master";
    if (message == model::StatusUpdateAcknowledgementMessage::kName) rule["from"] = "master";
  }
  rule["probability"] = fmt::format("{}/8", rng.between(1, 8));
  rule["for"] = durationText(std::max(sim::Milliseconds(1), atMs(rng, sim::Milliseconds(1), heal - at)));
  return rule;
}

// The shutdown-agent family: the agent restarts at `at` (so it reregisters), its next
// SlaveReregisteredMessage is held, and it is shut down (SIGUSR1) while that message is in
// flight, which is delivered 1ms after the shutdown, while the agent is TERMINATING
// (Slave::reregistered must ignore it). The hold's `for` releases it, so no entry names
// another by its index and shrinking may drop any of the three.
void shutdownDuringReregistration(std::vector<std::pair<sim::Duration, Json>>& out, Json restart, sim::Rng& rng,
                                  const std::string& agent, sim::Duration at, sim::Duration heal) {
  const sim::Duration latest = heal - sim::Milliseconds(2);
  if (latest <= at) return;
  const sim::Duration shutdown = atMs(rng, std::min(latest, at + sim::Seconds(2)), std::min(latest, at + sim::Seconds(15)));
  Json hold = restart;
  Json stop = entry(shutdown, "shutdown-agent");
  restart["restart_agent"] = agent;
  hold["hold"] = Json{{"message", std::string(model::SlaveReregisteredMessage::kName)},
                      {"to", agent},
                      {"count", 1},
                      {"for", durationText(shutdown + sim::Milliseconds(1) - at)}};
  stop["shutdown_agent"] = agent;
  out.emplace_back(at, std::move(restart));
  out.emplace_back(at, std::move(hold));
  out.emplace_back(shutdown, std::move(stop));
}

// Two different hosts for a partition: an agent or a master on one side, anyone on the other.
std::pair<std::string, std::string> hostPair(sim::Rng& rng, const Hosts& h) {
  std::vector<std::string> first = h.agents;
  first.insert(first.end(), h.masters.begin(), h.masters.end());
  std::vector<std::string> all = first;
  all.insert(all.end(), h.zookeepers.begin(), h.zookeepers.end());
  const std::string a = pick(rng, first);
  std::vector<std::string> others;
  for (const auto& x : all)
    if (x != a) others.push_back(x);
  return {a, others.empty() ? a : pick(rng, others)};
}

// The model's fault sites that can fire (sim::FaultSiteSpec::fires, when this build has
// it): a swarm family each.
template <typename Spec>
std::vector<std::string> firingSitesOf(const std::vector<Spec>& specs) {
  std::vector<std::string> out;
  for (const Spec& s : specs) {
    if constexpr (requires { s.fires; }) {
      if (!std::string_view(s.fires).empty()) out.emplace_back(s.name);
    }
  }
  return out;
}

// Appends `n` faults of `family` to `out`, each with its time.
void addFaults(const std::string& family, int n, sim::Rng& rng, const Hosts& h, sim::Duration heal,
               std::vector<std::pair<sim::Duration, Json>>& out) {
  for (int i = 0; i < n; ++i) {
    const sim::Duration at = atMs(rng, sim::Duration{}, heal - sim::Milliseconds(1));
    Json e = entry(at, family);
    const sim::Duration until = atMs(rng, at + sim::Milliseconds(1), heal);
    if (family == "drop" || family == "duplicate") {
      e[family] = messageRule(rng, h, at, heal);
      // Loss and duplication between hosts only: an executor and its agent talk over a
      // socket on one host, which loses nothing without breaking (both would see `exited`),
      // and the v0 executor driver does not resend an update (ExecutorProcess::sendStatusUpdate
      // keeps it only for a reregistration after an agent restart).
      e[family]["between_hosts"] = true;
    } else if (family == "delay") {
      Json rule = messageRule(rng, h, at, heal);
      rule["by"] = durationText(atMs(rng, sim::Milliseconds(1), kMaxDelay));
      rule["keep_order"] = true;  // a slow TCP link, which never reorders
      e["delay"] = rule;
    } else if (family == "partition" || family == "one-way-partition") {
      auto [a, b] = hostPair(rng, h);
      if (a == b) continue;
      e["partition"] = Json{{"between", Json::array({a, b})}};
      if (family == "one-way-partition") e["partition"]["one_way"] = true;
      e["partition"]["for"] = durationText(until - at);
    } else if (family == "crash-agent" || family == "crash-master") {
      downUntil(out, std::move(e), "crash", "restart", pick(rng, family == "crash-agent" ? h.agents : h.masters),
                at, until, family);
      continue;
    } else if (family == "restart-agent") {
      e["restart_agent"] = pick(rng, h.agents);
    } else if (family == "shutdown-agent") {
      shutdownDuringReregistration(out, std::move(e), rng, pick(rng, h.agents), at, heal);
      continue;
    } else if (family == "kill-executors") {
      e["kill_executors"] = pick(rng, h.agents);
    } else if (family == "crash-zookeeper") {
      downUntil(out, std::move(e), "stop_zookeeper", "start_zookeeper", pick(rng, h.zookeepers), at, until, family);
      continue;
    } else if (family == "expire-session") {
      std::vector<std::string> clients = h.agents;
      clients.push_back("leading-master");
      e["expire_session"] = Json{{"host", pick(rng, clients)}};
    } else {  // a firing fault site of the model
      e["fire_site"] = family.substr(5);
      e["probability"] = fmt::format("{}/8", rng.between(1, 8));
      // Off by the heal (a "for" on the entry, so shrinking cannot separate the two).
      e["for"] = durationText(std::max(sim::Milliseconds(1), heal - at));
    }
    out.emplace_back(at, std::move(e));
  }
}

// Families added after the first campaigns: drawn from a stream of their own
// ("fuzz-case-later"), so that adding them left every earlier family's draws, and so
// every earlier case, as it was.
const std::vector<std::string>& laterFamilies() {
  static const std::vector<std::string> later{
      "shutdown-agent", "site:" + std::string(model::kContainerizerDestroySite),
      "site:" + std::string(model::kExecutorLaunchSite), "site:" + std::string(model::kRegistrationSendSite)};
  return later;
}

bool isLater(const std::string& family) {
  const auto& later = laterFamilies();
  return std::find(later.begin(), later.end(), family) != later.end();
}

bool familyApplies(const std::string& family, const Hosts& h) {
  if (h.agents.empty()) return family == "crash-master" || family == "crash-zookeeper" || family == "expire-session";
  if (family == "crash-zookeeper" || family == "expire-session") return !h.zookeepers.empty();
  return true;
}

bool hasTasks(const Json& base) {
  if (!base.contains("frameworks") || !base.at("frameworks").is_array()) return base.contains("frameworks");
  for (const Json& f : base.at("frameworks"))
    if (f.contains("tasks") && !f.at("tasks").empty()) return true;
  return false;
}

}  // namespace

const std::vector<std::string>& faultFamilies() {
  static const std::vector<std::string> families = [] {
    std::vector<std::string> f{"drop",        "delay",         "duplicate",      "partition",
                               "one-way-partition", "crash-agent", "restart-agent", "crash-master",
                               "crash-zookeeper",   "expire-session", "kill-executors"};
    for (const std::string& site : firingSitesOf(model::firingSites())) f.push_back("site:" + site);
    for (const std::string& later : laterFamilies()) {
      if (std::find(f.begin(), f.end(), later) == f.end()) f.push_back(later);
    }
    return f;
  }();
  return families;
}

std::string durationText(sim::Duration d) {
  const std::int64_t ms = d.ns() / 1'000'000;
  if (ms % 1000 == 0) return fmt::format("{}secs", ms / 1000);
  return fmt::format("{}ms", ms);
}

std::string familyOf(const Json& fault) {
  const std::string note = fault.value("note", std::string());
  return note.rfind("fuzz ", 0) == 0 ? note.substr(5) : std::string("base");
}

FuzzCase drawCase(const Base& base, std::uint64_t seed, const CaseOptions& options) {
  sim::Rng rng(seed, "fuzz-case");
  FuzzCase c;
  c.seed = seed;
  c.base = base.document;
  c.heal = base.scenario.until;
  c.bound = hasTasks(base.document) ? sim::Minutes(11) : sim::Minutes(2);
  // The ordering family: on in half the cases, so faults also meet agents that start.
  if (rng.below(2) == 0) {
    const bool prepared = base.graphs.size() == base.scenario.agents.size();
    for (std::size_t i = 0; i < base.scenario.agents.size(); ++i) {
      const AgentSpec& a = base.scenario.agents[i];
      std::optional<model::StartupGraph> fresh;
      const model::StartupGraph& graph =
          prepared ? base.graphs[i].graph : fresh.emplace(model::StartupGraph::forAgent(a.flags, a.options.env));
      std::vector<std::string> names;
      for (std::size_t v : prepared ? base.graphs[i].sampler.sample(rng) : graph.sample(rng))
        names.emplace_back(graph.name(v));
      c.orders[a.id] = std::move(names);
    }
  }
  c.permute_ties = rng.below(2) == 0;
  if (!options.faults) {
    c.bound = sim::Duration{};  // nothing to heal: the rule is checked at the scenario's end
    return c;
  }
  const Hosts h = hostsOf(base.document, base.scenario);
  sim::Rng later(seed, "fuzz-case-later");
  for (const std::string& family : faultFamilies()) {
    sim::Rng& r = isLater(family) ? later : rng;
    if (r.below(2) != 0 || !familyApplies(family, h)) continue;
    c.swarm[family] = static_cast<int>(r.between(1, 3));
  }
  std::vector<std::pair<sim::Duration, Json>> timed;
  for (const auto& [family, n] : c.swarm)
    if (!isLater(family)) addFaults(family, n, rng, h, c.heal, timed);
  for (const auto& [family, n] : c.swarm)
    if (isLater(family)) addFaults(family, n, later, h, c.heal, timed);
  std::stable_sort(timed.begin(), timed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [at, e] : timed) c.faults.push_back(std::move(e));
  return c;
}

namespace {

// The cluster's agents as an array of objects, so each may state its startup order.
Json agentArray(const Json& agents) {
  if (agents.is_array()) return agents;
  Json out = Json::array();
  for (std::int64_t i = 1; i <= agents.get<std::int64_t>(); ++i) out.push_back(Json{{"id", fmt::format("agent-{}", i)}});
  return out;
}

std::string caseName(const Json& base, std::uint64_t seed) {
  std::string name = fmt::format("{}-fuzz-{}", base.at("name").get<std::string>(), seed);
  if (name.size() > 64) name = name.substr(name.size() - 64);
  return name;
}

}  // namespace

CaseHeader caseHeader(const FuzzCase& c) {
  CaseHeader h;
  h.name = caseName(c.base, c.seed);
  h.description = fmt::format(
      "agentsim fuzz case {} of {}: its startup orders and faults stated explicitly; a safety phase with faults "
      "until {}, then every fault healed and {} for the cluster to converge.",
      c.seed, c.base.at("name").get<std::string>(), durationText(c.heal), durationText(c.bound));
  h.notes.push_back(fmt::format("permute_ties: {} (the kernel's seeded permutation of equal-time events)",
                                c.permute_ties ? "on" : "off"));
  std::string swarm;
  for (const auto& [family, n] : c.swarm) swarm += fmt::format("{}{}x{}", swarm.empty() ? "" : ", ", family, n);
  h.notes.push_back("swarm: " + (swarm.empty() ? std::string("no faults") : swarm));
  return h;
}

Json caseTimeline(const FuzzCase& c) {
  Json timeline = c.base.contains("timeline") ? c.base.at("timeline") : Json::array();
  for (const Json& f : c.faults) timeline.push_back(f);
  if (c.bound > sim::Duration{}) {
    timeline.push_back(Json{{"at", durationText(c.heal)}, {"heal", "all"}, {"note", "fuzz heal: every partition ends"}});
    // The base scenario's message rules too (a drop with no `for` would outlive the
    // faults): the liveness phase asks convergence of a network that loses nothing.
    timeline.push_back(
        Json{{"at", durationText(c.heal)}, {"end_rules", "all"}, {"note", "fuzz heal: every message rule ends"}});
    timeline.push_back(Json{
        {"at", durationText(c.heal)}, {"restart_crashed", "all"}, {"note", "fuzz heal: every crashed host restarts"}});
    // A supervisor goes on restarting: a master may exit just after the heal, when it
    // learns that its ZooKeeper session expired while the faults lasted (it commits
    // suicide), and with no master the agents cannot register.
    timeline.push_back(Json{{"at", durationText(c.heal + kSupervisorAgain)},
                            {"restart_crashed", "all"},
                            {"note", "fuzz heal: a supervisor restarts what exited since"}});
  }
  return timeline;
}

Json caseDocument(const FuzzCase& c, const CaseOptions& options) {
  Json doc = c.base;
  doc.erase("$schema");
  const CaseHeader h = caseHeader(c);
  doc["name"] = h.name;
  doc["description"] = h.description;
  doc["notes"] = h.notes;
  doc["seed"] = c.seed;
  doc["until"] = durationText(c.heal + c.bound);
  Json& cluster = doc["cluster"];
  cluster["agents"] = agentArray(cluster.at("agents"));
  for (Json& agent : cluster["agents"]) {
    const auto it = c.orders.find(agent.at("id").get<std::string>());
    if (it != c.orders.end()) agent["startup"] = Json{{"order", it->second}};
  }
  doc["timeline"] = caseTimeline(c);
  if (!options.expectations) doc.erase("expect");
  return doc;
}

std::string graphKey(const model::StartupGraph& graph) {
  std::string key;
  for (std::size_t v = 0; v < graph.size(); ++v) {
    key += fmt::format("{}<", graph.name(v));
    for (std::size_t u : graph.needs(v)) key += fmt::format("{},", u);
    key += ';';
  }
  return key;
}

void prepare(Base& base) {
  base.graphs.clear();
  std::map<std::string, std::size_t> seen;  // agents with the same graph share one sampler's counts
  for (const AgentSpec& a : base.scenario.agents) {
    auto graph = model::StartupGraph::forAgent(a.flags, a.options.env);
    const auto [it, fresh] = seen.emplace(graphKey(graph), base.graphs.size());
    auto sampler = fresh ? graph.sampler() : base.graphs[it->second].sampler;
    base.graphs.push_back(AgentGraph{std::move(graph), std::move(sampler)});
  }
  Json bare = base.document;
  bare.erase("$schema");
  bare.erase("timeline");
  bare.erase("expect");
  bare["cluster"]["agents"] = agentArray(bare["cluster"].at("agents"));
  auto loaded = loadScenarioText(bare.dump(), "fuzz-case.json");
  base.bare.reset();
  if (std::holds_alternative<Scenario>(loaded)) base.bare = std::move(std::get<Scenario>(loaded));
}

}  // namespace agentsim::harness::fuzz
