#include "harness/fuzz/campaign.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "model/slave/startup_graph.hpp"
#include "sim/rng.hpp"

namespace agentsim::harness::fuzz {

namespace {

std::vector<std::string> defaultOrderOf(const AgentSpec& a) {
  const auto graph = model::StartupGraph::forAgent(a.flags, a.options.env);
  std::vector<std::string> names;
  for (std::size_t v : graph.defaultOrder()) names.emplace_back(graph.name(v));
  return names;
}

std::uint64_t orderHash(const std::vector<std::string>& order) {
  std::string joined;
  for (const auto& s : order) joined += s + ",";
  return sim::fnv1a64(joined);
}

// The fastest-failing case wins: fewer events, then the lower seed.
bool faster(const Group& a, const Group& b) { return std::tie(a.events, a.seed) < std::tie(b.events, b.seed); }

}  // namespace

void Summary::add(const std::string& scenario, const FuzzCase& c, const Verdict& v) {
  ++cases;
  for (const std::string& e : v.exits) {
    const std::size_t colon = e.find(": ");  // "agent-1: step: message" -> "step: message"
    ++outcomes[normalizedEvidence(colon == std::string::npos ? e : e.substr(colon + 2))];
  }
  for (const auto& [cell, n] : v.coverage) coverage[cell] += n;
  for (const auto& [site, n] : v.sites) sites[site] += n;
  if (!v.failed) return;
  ++failed;
  Group g{v.signature, scenario, v.rule, v.evidence, c.seed, v.events, 1};
  auto [it, fresh] = groups.emplace(g.signature, g);
  if (fresh) return;
  const std::uint64_t count = it->second.count + 1;
  if (faster(g, it->second)) it->second = g;
  it->second.count = count;
}

void Summary::merge(const Summary& o) {
  shardsSeen.insert(o.shardsSeen.begin(), o.shardsSeen.end());
  cases += o.cases;
  failed += o.failed;
  for (const auto& [sig, g] : o.groups) {
    auto [it, fresh] = groups.emplace(sig, g);
    if (fresh) continue;
    const std::uint64_t count = it->second.count + g.count;
    if (faster(g, it->second)) it->second = g;
    it->second.count = count;
  }
  for (const auto& [k, n] : o.outcomes) outcomes[k] += n;
  for (const auto& [k, n] : o.orderCounts) orderCounts[k] = n;
  for (const auto& [k, s] : o.ordersRun) ordersRun[k].insert(s.begin(), s.end());
  for (const auto& [k, n] : o.coverage) coverage[k] += n;
  for (const auto& [k, n] : o.sites) sites[k] += n;
}

Json Summary::toJson() const {
  Json j;
  j["format"] = "agentsim-fuzz-summary";
  j["format_version"] = 1;
  j["scenarios"] = scenarios;
  j["seeds"] = options.seeds;
  j["shards"] = options.shards;
  j["shards_seen"] = shardsSeen;
  j["faults"] = options.faults;
  j["expectations"] = options.judge.expectations;
  j["bug"] = options.judge.bug;
  j["cases"] = cases;
  j["failed"] = failed;
  j["groups"] = Json::array();
  for (const auto& [sig, g] : groups) {
    j["groups"].push_back(Json{{"signature", sig}, {"scenario", g.scenario}, {"rule", g.rule}, {"evidence", g.evidence},
                               {"seed", g.seed}, {"events", g.events}, {"count", g.count}});
  }
  j["outcomes"] = outcomes;
  Json orders = Json::object();
  for (const auto& [k, n] : orderCounts) {
    const auto it = ordersRun.find(k);
    orders[k] = Json{{"topological_orders", n},
                     {"distinct_run", it == ordersRun.end() ? 0 : it->second.size()},
                     {"run", it == ordersRun.end() ? std::set<std::uint64_t>{} : it->second}};
  }
  j["orders"] = orders;
  Json table = Json::object();
  for (const auto& [cell, n] : coverage) table[cell.first][cell.second] = n;
  j["coverage"] = table;
  j["sites"] = sites;
  return j;
}

std::variant<Summary, std::string> Summary::fromJson(const Json& j) {
  try {
    if (j.value("format", "") != "agentsim-fuzz-summary") return std::string("not an agentsim fuzz summary");
    Summary s;
    s.scenarios = j.at("scenarios").get<std::vector<std::string>>();
    s.options.seeds = j.at("seeds").get<std::uint64_t>();
    s.options.shards = j.at("shards").get<std::uint64_t>();
    s.shardsSeen = j.at("shards_seen").get<std::set<std::uint64_t>>();
    s.options.faults = j.at("faults").get<bool>();
    s.options.judge.expectations = j.at("expectations").get<bool>();
    s.options.judge.bug = j.at("bug").get<std::string>();
    s.cases = j.at("cases").get<std::uint64_t>();
    s.failed = j.at("failed").get<std::uint64_t>();
    for (const Json& g : j.at("groups")) {
      Group x{g.at("signature"), g.at("scenario"), g.at("rule"), g.at("evidence"), g.at("seed"), g.at("events"),
              g.at("count")};
      s.groups.emplace(x.signature, x);
    }
    s.outcomes = j.at("outcomes").get<std::map<std::string, std::uint64_t>>();
    for (const auto& [k, o] : j.at("orders").items()) {
      s.orderCounts[k] = o.at("topological_orders").get<std::string>();
      s.ordersRun[k] = o.at("run").get<std::set<std::uint64_t>>();
    }
    for (const auto& [family, row] : j.at("coverage").items()) {
      for (const auto& [phase, n] : row.items()) s.coverage[{family, phase}] = n.get<std::uint64_t>();
    }
    s.sites = j.at("sites").get<std::map<std::string, std::uint64_t>>();
    return s;
  } catch (const Json::exception& e) {
    return fmt::format("malformed fuzz summary: {}", e.what());
  }
}

std::vector<std::pair<std::size_t, std::uint64_t>> shardCases(std::size_t scenarios, const CampaignOptions& o) {
  std::vector<std::pair<std::size_t, std::uint64_t>> out;
  std::uint64_t index = 0;
  for (std::size_t s = 0; s < scenarios; ++s) {
    for (std::uint64_t seed = 1; seed <= o.seeds; ++seed, ++index) {
      if (index % o.shards == o.shard - 1) out.emplace_back(s, seed);
    }
  }
  return out;
}

void countOrders(const std::vector<Base>& bases, Summary& summary) {
  std::map<std::string, std::string> counted;  // graphKey -> its count: agents alike are counted once
  for (const Base& b : bases) {
    for (const AgentSpec& a : b.scenario.agents) {
      const auto graph = model::StartupGraph::forAgent(a.flags, a.options.env);
      auto [it, fresh] = counted.emplace(graphKey(graph), std::string());
      if (fresh) it->second = std::to_string(graph.countOrders());
      summary.orderCounts[b.file + " " + a.id] = it->second;
    }
  }
}

Summary runCases(const std::vector<Base>& bases, const CampaignOptions& options,
                 const std::vector<std::pair<std::size_t, std::uint64_t>>& cases,
                 const std::function<bool(const Summary&)>& progress) {
  Summary summary;
  for (const Base& b : bases) summary.scenarios.push_back(b.file);
  summary.options = options;
  summary.shardsSeen.insert(options.shard);
  countOrders(bases, summary);
  std::vector<std::vector<std::vector<std::string>>> defaults(bases.size());
  for (std::size_t i = 0; i < bases.size(); ++i) {
    for (const AgentSpec& a : bases[i].scenario.agents) defaults[i].push_back(defaultOrderOf(a));
  }
  CaseOptions co;
  co.faults = options.faults;
  co.expectations = options.judge.expectations;
  for (const auto& [s, seed] : cases) {
    const Base& base = bases[s];
    const FuzzCase c = drawCase(base, seed, co);
    summary.add(base.file, c, judgeCase(base, c, options.judge));
    for (std::size_t a = 0; a < base.scenario.agents.size(); ++a) {
      const std::string& id = base.scenario.agents[a].id;
      const auto it = c.orders.find(id);
      summary.ordersRun[base.file + " " + id].insert(orderHash(it == c.orders.end() ? defaults[s][a] : it->second));
    }
    if (!progress(summary)) break;
  }
  return summary;
}

}  // namespace agentsim::harness::fuzz
