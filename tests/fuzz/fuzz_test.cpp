// The fuzzer's engine (harness/fuzz/): cases are pure functions of their seed, their
// faults end by the heal, their orders are legal startups; a deliberately broken rule
// (startup.json's seed-tuned expectations, judged with --expectations) is found, grouped
// and shrunk into a scenario that fails under `agentsim run`; jobs and shards merge into
// the summary of one run.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include "harness/fuzz/campaign.hpp"
#include "harness/fuzz/shrink.hpp"
#include "model/slave/startup_graph.hpp"
#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace fz = agentsim::harness::fuzz;
using agentsim::harness::Scenario;

namespace {

fz::Base base(const std::string& name) {
  const std::string file = std::string(AGENTSIM_SOURCE_ROOT) + "/scenarios/" + name;
  auto loaded = agentsim::harness::loadScenarioFile(file);
  REQUIRE(std::holds_alternative<Scenario>(loaded));
  std::ifstream in(file);
  return fz::Base{file, std::get<Scenario>(loaded), fz::Json::parse(in)};
}

agentsim::sim::Duration duration(const fz::Json& text) {
  auto d = agentsim::sim::parseDuration(text.get<std::string>());
  REQUIRE(!d.isError());
  return *d;
}

}  // namespace

TEST_CASE("a fuzz case is a pure function of its seed") {
  const fz::Base b = base("failover.json");
  const fz::CaseOptions o;
  CHECK(fz::caseDocument(fz::drawCase(b, 7, o), o).dump() == fz::caseDocument(fz::drawCase(b, 7, o), o).dump());
  CHECK(fz::caseDocument(fz::drawCase(b, 7, o), o).dump() != fz::caseDocument(fz::drawCase(b, 8, o), o).dump());
}

TEST_CASE("a case's faults end by the heal and its startup orders are legal") {
  const fz::Base b = base("failover.json");
  std::size_t faults = 0, reordered = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const fz::FuzzCase c = fz::drawCase(b, seed, {});
    for (const fz::Json& f : c.faults) {
      ++faults;
      const auto at = duration(f.at("at"));
      CHECK(at <= c.heal);
      for (const char* rule : {"drop", "delay", "duplicate", "partition"}) {
        if (f.contains(rule)) CHECK(at + duration(f.at(rule).at("for")) <= c.heal);
      }
      if (f.contains("drop")) CHECK(f.at("drop").contains("message"));  // never a ZooKeeper message
      // Loss and duplication between hosts only: never the executor <-> agent hop.
      for (const char* rule : {"drop", "duplicate"}) {
        if (f.contains(rule)) CHECK(f.at(rule).value("between_hosts", false));
      }
    }
    for (const auto& [agent, order] : c.orders) {
      ++reordered;
      const auto& spec = *std::find_if(b.scenario.agents.begin(), b.scenario.agents.end(),
                                       [&](const auto& a) { return a.id == agent; });
      const auto graph = agentsim::model::StartupGraph::forAgent(spec.flags, spec.options.env);
      CHECK(std::holds_alternative<agentsim::model::StartupGraph::Order>(graph.validate(order)));
    }
    // The document loads: every action it writes is one the scenario format has.
    CHECK(fz::judgeDocument(fz::caseDocument(c, {}), false, {}).has_value());
  }
  CHECK(faults > 40);
  CHECK(reordered > 0);
}

TEST_CASE("the heal ends the base scenario's message rules too: removal_rate_limit's seed 15622 converges") {
  // The scenario drops agent-1's and agent-2's pongs for good; before the heal ended them
  // (end_rules), agent-2 was marked unreachable after the heal and noticed only at its
  // ping timeout, past the bound (tests/regressions/removal-rate-limit-agent-disconnected-15622.json).
  fz::Base b = base("removal_rate_limit.json");
  fz::prepare(b);
  const fz::FuzzCase c = fz::drawCase(b, 15622, {});
  const fz::Json timeline = fz::caseTimeline(c);
  const auto ends = std::count_if(timeline.begin(), timeline.end(), [&](const fz::Json& e) {
    return e.value("end_rules", "") == "all" && duration(e.at("at")) == c.heal;
  });
  CHECK(ends == 1);
  const fz::Verdict v = fz::judgeCase(b, c, {});
  CHECK_MESSAGE(!v.failed, v.signature);
}

TEST_CASE("a campaign's case, built on the bare scenario loaded once, gets the verdict of its document") {
  // judgeCase(base, c) reads only the case's timeline on top of the scenario prepare()
  // loaded; its verdict must be the document's, to the event count: scenarios whose own
  // timeline restarts and stops agents (whose actions keep the agent's startup order).
  for (const char* name : {"failover.json", "agent_restart.json", "agent_new_identity.json", "partition.json"}) {
    fz::Base b = base(name);
    fz::prepare(b);
    REQUIRE(b.bare.has_value());
    for (bool faults : {true, false}) {
      fz::CaseOptions o;
      o.faults = faults;
      for (std::uint64_t seed = 1; seed <= 8; ++seed) {
        CAPTURE(name);
        CAPTURE(seed);
        const fz::FuzzCase c = fz::drawCase(b, seed, o);
        const fz::Verdict fast = fz::judgeCase(b, c, {});
        const fz::Verdict slow = fz::judgeCase(c, {});
        CHECK(fast.events == slow.events);
        CHECK(fast.failed == slow.failed);
        CHECK(fast.signature == slow.signature);
        CHECK(fast.exits == slow.exits);
        CHECK(fast.coverage == slow.coverage);
        CHECK(fast.sites == slow.sites);
      }
    }
  }
}

TEST_CASE("a deliberately broken rule is found, grouped and shrunk into a reproducer that fails under run") {
  // startup.json's expectations are tuned to main.cpp's order and no faults: as rules
  // (--expectations) they break, which stands in for a bug until the planted bugs land.
  const std::vector<fz::Base> bases{base("startup.json")};
  fz::CampaignOptions o;
  o.seeds = 30;
  o.judge.expectations = true;
  const fz::Summary s = fz::runCases(bases, o, fz::shardCases(1, o), [](const fz::Summary&) { return true; });
  CHECK(s.cases == 30);
  REQUIRE(s.failed > 0);
  REQUIRE(!s.groups.empty());
  CHECK(s.groups.size() < s.failed);  // grouped: fewer groups than failing cases
  for (const auto& [sig, g] : s.groups) {
    CHECK(g.rule.rfind("expect[", 0) == 0);
    fz::CaseOptions co;
    co.expectations = true;
    const fz::FuzzCase failing = fz::drawCase(bases[0], g.seed, co);
    const fz::Shrunk shrunk = fz::shrinkCase(failing, sig, o.judge);
    CHECK(shrunk.verdict.signature == sig);
    CHECK(shrunk.shrunk.faults.size() <= 2);
    CHECK(shrunk.shrunk.faults.size() <= failing.faults.size());
    const fz::Json doc = fz::reproducer(shrunk, o.judge, "./agentsim run x.json");
    CHECK(fz::failsUnderRun(doc, ""));
  }
}

TEST_CASE("shards and their merge give the summary of one run") {
  const std::vector<fz::Base> bases{base("startup.json")};
  fz::CampaignOptions all;
  all.seeds = 12;
  all.judge.expectations = true;
  const auto keep = [](const fz::Summary&) { return true; };
  const fz::Summary one = fz::runCases(bases, all, fz::shardCases(1, all), keep);
  fz::CampaignOptions shard = all;
  shard.shards = 3;
  std::size_t cases = 0;
  fz::Summary merged;
  for (shard.shard = 1; shard.shard <= 3; ++shard.shard) {
    const auto mine = fz::shardCases(1, shard);
    cases += mine.size();
    const fz::Summary part = fz::runCases(bases, shard, mine, keep);
    if (shard.shard == 1) merged = part;
    else merged.merge(part);
  }
  CHECK(cases == 12);
  auto core = [](const fz::Summary& s) {
    fz::Json j = s.toJson();
    j.erase("shards");
    j.erase("shards_seen");
    return j.dump();
  };
  CHECK(core(merged) == core(one));
  // Through JSON and back, as fuzz-merge reads a shard's summary.json.
  const auto back = fz::Summary::fromJson(merged.toJson());
  REQUIRE(std::holds_alternative<fz::Summary>(back));
  CHECK(core(std::get<fz::Summary>(back)) == core(one));
}

TEST_CASE("topo::Sampler draws what topo::sample draws, keeping its counts") {
  const fz::Base b = base("startup.json");
  const auto graph = agentsim::model::StartupGraph::forAgent(b.scenario.agents[0].flags, b.scenario.agents[0].options.env);
  const auto sampler = graph.sampler();
  agentsim::sim::Rng r1(5, "t"), r2(5, "t");
  for (int i = 0; i < 20; ++i) CHECK(sampler.sample(r1) == graph.sample(r2));
}

TEST_CASE("a startup order shrinks toward main.cpp's one adjacent swap at a time, keeping the failure") {
  // The failure needs c before a; legality forbids d before b. From the reversed order
  // every swap that undoes an inversion is tried; the failure's own inversion stays.
  const fz::Order target{"a", "b", "c", "d"};
  auto pos = [](const fz::Order& o, const std::string& name) { return std::find(o.begin(), o.end(), name) - o.begin(); };
  auto legal = [&](const fz::Order& o) { return pos(o, "b") < pos(o, "d"); };
  std::size_t runs = 0;
  auto fails = [&](const fz::Order& o) {
    ++runs;
    return pos(o, "c") < pos(o, "a");
  };
  const fz::Order start{"c", "b", "a", "d"};
  REQUIRE(legal(start));
  REQUIRE(fails(start));
  const fz::Order shrunk = fz::stepTowards(start, target, legal, fails, 100);
  CHECK(shrunk == fz::Order{"b", "c", "a", "d"});
  CHECK(runs <= 10);
  // A budget of zero candidates leaves the order as it was.
  CHECK(fz::stepTowards(start, target, legal, fails, 0) == start);
  // An order that fails anywhere goes all the way to the target.
  CHECK(fz::stepTowards(start, target, legal, [](const fz::Order&) { return true; }, 100) == target);
}
