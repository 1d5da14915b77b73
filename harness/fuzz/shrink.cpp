#include "harness/fuzz/shrink.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "harness/runner.hpp"
#include "model/slave/startup_graph.hpp"

namespace agentsim::harness::fuzz {

namespace {

class Shrinker {
 public:
  Shrinker(const std::string& signature, const JudgeOptions& options) : signature_(signature), options_(options) {}

  // Whether the candidate fails the same way; keeps its verdict when it does.
  // A candidate already judged (ddmin and the last pass meet the same subsets again) is
  // not run again: a case is deterministic, so its verdict is remembered.
  bool fails(const FuzzCase& c) {
    CaseOptions co;
    co.expectations = options_.expectations;
    const Json doc = caseDocument(c, co);
    std::string key = doc.dump();
    key += c.permute_ties ? "|permuted" : "|ordered";
    if (const auto it = judged_.find(key); it != judged_.end()) {
      if (!it->second) return false;
      verdict = *it->second;
      return true;
    }
    ++runs;
    auto v = judgeDocument(doc, c.permute_ties, options_);
    const bool same = v && v->failed && v->signature == signature_;
    judged_.emplace(std::move(key), same ? v : std::nullopt);
    if (!same) return false;
    verdict = std::move(*v);
    return true;
  }

  // ddmin over c.faults: the smallest subset (1-minimal) that still fails.
  void faults(FuzzCase& c) {
    std::size_t n = 2;
    while (c.faults.size() >= 2) {
      const std::size_t size = c.faults.size();
      const std::size_t chunk = (size + n - 1) / n;
      bool reduced = false;
      for (std::size_t start = 0; start < size && !reduced; start += chunk) {
        const std::size_t end = std::min(size, start + chunk);
        FuzzCase subset = c, complement = c;
        subset.faults.assign(c.faults.begin() + start, c.faults.begin() + end);
        complement.faults.erase(complement.faults.begin() + start, complement.faults.begin() + end);
        if (fails(subset)) {
          c = std::move(subset);
          n = 2;
          reduced = true;
        } else if (n > 2 && fails(complement)) {
          c = std::move(complement);
          n = std::max<std::size_t>(n - 1, 2);
          reduced = true;
        }
      }
      if (reduced) continue;
      if (n >= size) break;
      n = std::min(size, n * 2);
    }
    if (c.faults.size() == 1) {
      FuzzCase none = c;
      none.faults.clear();
      if (fails(none)) c = std::move(none);
    }
  }

  void orders(FuzzCase& c) {
    for (auto it = c.orders.begin(); it != c.orders.end();) {
      FuzzCase candidate = c;
      candidate.orders.erase(it->first);
      const std::string agent = it->first;
      if (fails(candidate)) {
        c = std::move(candidate);
      } else {
        towardMain(c, agent);
      }
      it = c.orders.upper_bound(agent);
    }
    if (c.permute_ties) {
      FuzzCase candidate = c;
      candidate.permute_ties = false;
      if (fails(candidate)) c = std::move(candidate);
    }
  }

  void cluster(FuzzCase& c) {
    agents(c);
    tasks(c);
    zookeeper(c);
  }

  std::uint64_t runs = 0;
  Verdict verdict;

 private:
  // The agent's order moved toward main.cpp's one adjacent swap at a time.
  void towardMain(FuzzCase& c, const std::string& agent) {
    auto loaded = loadScenarioText(c.base.dump(), "fuzz-case.json");
    if (std::holds_alternative<LoadError>(loaded)) return;
    const Scenario& scenario = std::get<Scenario>(loaded);
    const auto spec = std::find_if(scenario.agents.begin(), scenario.agents.end(),
                                   [&](const AgentSpec& a) { return a.id == agent; });
    if (spec == scenario.agents.end()) return;
    const auto graph = model::StartupGraph::forAgent(spec->flags, spec->options.env);
    Order mainOrder;
    for (std::size_t v : graph.defaultOrder()) mainOrder.emplace_back(graph.name(v));
    auto legal = [&](const Order& o) { return std::holds_alternative<model::StartupGraph::Order>(graph.validate(o)); };
    auto failsWith = [&](const Order& o) {
      FuzzCase candidate = c;
      candidate.orders[agent] = o;
      return fails(candidate);
    };
    c.orders[agent] = stepTowards(c.orders[agent], mainOrder, legal, failsWith, kOrderBudget);
  }

  static constexpr std::size_t kOrderBudget = 200;  // candidate orders per agent

  static bool names(const Json& j, const std::string& id) {
    return j.dump().find('"' + id + '"') != std::string::npos;
  }

  // Agents the base's own timeline and expectations do not name go, with their tasks.
  void agents(FuzzCase& c) {
    Json& list = c.base["cluster"]["agents"];
    if (!list.is_array()) {
      Json array = Json::array();
      for (std::int64_t i = 1; i <= list.get<std::int64_t>(); ++i) array.push_back(Json{{"id", fmt::format("agent-{}", i)}});
      list = array;
    }
    for (std::size_t i = c.base["cluster"]["agents"].size(); i-- > 0;) {
      const std::string id = c.base["cluster"]["agents"][i].at("id").get<std::string>();
      if ((c.base.contains("timeline") && names(c.base["timeline"], id)) ||
          (options_.expectations && c.base.contains("expect") && names(c.base["expect"], id)))
        continue;
      FuzzCase candidate = c;
      candidate.base["cluster"]["agents"].erase(i);
      candidate.orders.erase(id);
      std::erase_if(candidate.faults, [&](const Json& f) { return names(f, id); });
      if (candidate.base.contains("frameworks") && candidate.base["frameworks"].is_array()) {
        for (Json& f : candidate.base["frameworks"]) {
          if (!f.contains("tasks")) continue;
          Json kept = Json::array();
          for (const Json& t : f["tasks"])
            if (t.value("agent", "") != id) kept.push_back(t);
          f["tasks"] = kept;
        }
      }
      if (fails(candidate)) c = std::move(candidate);
    }
  }

  void tasks(FuzzCase& c) {
    if (!c.base.contains("frameworks") || !c.base["frameworks"].is_array()) return;
    for (std::size_t f = 0; f < c.base["frameworks"].size(); ++f) {
      if (!c.base["frameworks"][f].contains("tasks")) continue;
      for (std::size_t t = c.base["frameworks"][f]["tasks"].size(); t-- > 0;) {
        const std::string id = c.base["frameworks"][f]["tasks"][t].value("id", "");
        if ((c.base.contains("timeline") && names(c.base["timeline"], id)) ||
            (options_.expectations && c.base.contains("expect") && names(c.base["expect"], id)))
          continue;
        FuzzCase candidate = c;
        candidate.base["frameworks"][f]["tasks"].erase(t);
        if (fails(candidate)) c = std::move(candidate);
      }
    }
  }

  void zookeeper(FuzzCase& c) {
    if (!c.base["cluster"].contains("zookeeper")) return;
    for (int servers : {1, 3}) {
      if (servers >= c.base["cluster"]["zookeeper"].value("servers", 0)) continue;
      FuzzCase candidate = c;
      candidate.base["cluster"]["zookeeper"]["servers"] = servers;
      std::erase_if(candidate.faults, [&](const Json& f) {
        for (int z = servers + 1; z <= 5; ++z)
          if (names(f, fmt::format("zk-{}", z))) return true;
        return false;
      });
      if (fails(candidate)) {
        c = std::move(candidate);
        return;
      }
    }
  }

  std::string signature_;
  JudgeOptions options_;
  std::map<std::string, std::optional<Verdict>> judged_;  // candidate document -> its verdict when it fails alike
};

}  // namespace

Order stepTowards(Order order, const Order& target, const std::function<bool(const Order&)>& legal,
                  const std::function<bool(const Order&)>& fails, std::size_t budget) {
  std::map<std::string, std::size_t> rank;
  for (std::size_t i = 0; i < target.size(); ++i) rank[target[i]] = i;
  auto rankOf = [&](const std::string& name) {
    const auto it = rank.find(name);
    return it == rank.end() ? target.size() : it->second;
  };
  std::size_t tried = 0;
  for (bool kept = true; kept && tried < budget;) {
    kept = false;
    for (std::size_t i = 0; i + 1 < order.size() && tried < budget; ++i) {
      if (rankOf(order[i]) <= rankOf(order[i + 1])) continue;
      Order candidate = order;
      std::swap(candidate[i], candidate[i + 1]);
      if (!legal(candidate)) continue;
      ++tried;
      if (!fails(candidate)) continue;
      order = std::move(candidate);
      kept = true;
    }
  }
  return order;
}

Shrunk shrinkCase(const FuzzCase& failing, const std::string& signature, const JudgeOptions& options) {
  Shrinker s(signature, options);
  FuzzCase c = failing;
  if (!s.fails(c)) return Shrunk{c, s.verdict, s.runs};  // cannot happen: the case is deterministic
  s.faults(c);
  s.orders(c);
  s.cluster(c);
  s.faults(c);
  s.fails(c);  // the final verdict is the shrunk case's
  return Shrunk{c, s.verdict, s.runs};
}

bool failsUnderRun(const Json& doc, const std::string& bug) {
  auto loaded = loadScenarioText(doc.dump(), "reproducer.json");
  if (std::holds_alternative<LoadError>(loaded)) return false;
  RunOptions run;
  run.bug = bug;
  return !runScenario(std::get<Scenario>(loaded), run).allHeld();
}

Json reproducer(const Shrunk& s, const JudgeOptions& options, const std::string& replay) {
  CaseOptions co;
  co.expectations = options.expectations;
  Json doc = caseDocument(s.shrunk, co);
  doc["description"] = fmt::format("Found by agentsim fuzz (case {} of {}), shrunk: it breaks the rule '{}'. {}",
                                   s.shrunk.seed, s.shrunk.base.at("name").get<std::string>(), s.verdict.rule,
                                   doc["description"].get<std::string>());
  doc["notes"].push_back("evidence: " + s.verdict.evidence);
  doc["notes"].push_back("replay: " + replay);
  if (s.verdict.rule == "liveness") {
    // The liveness rule as the expectation `agentsim run` checks (harness/liveness.hpp):
    // the reproducer fails under run with the fuzzer's evidence.
    Json& expect = doc["expect"];
    if (!expect.is_array()) expect = Json::array();
    expect.push_back(Json{{"liveness", Json{{"after", durationText(s.shrunk.heal)}}},
                          {"note", "fuzz liveness: the cluster converged after every fault healed"}});
  }
  return doc;
}

}  // namespace agentsim::harness::fuzz
