// The startup graph (model/slave/startup_graph.hpp): its steps for given flags, its edges,
// order validation, and counting and sampling topological orders.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "model/slave/startup_graph.hpp"

using namespace agentsim;
using model::StartupGraph;

namespace {

model::SlaveFlags defaults() {
  model::SlaveFlags f;
  f.master = "master-1:5050";
  f.work_dir = "/var/lib/mesos";
  return f;
}

std::vector<std::string> names(const StartupGraph& g, const StartupGraph::Order& o) {
  std::vector<std::string> out;
  for (std::size_t v : o) out.emplace_back(g.name(v));
  return out;
}

std::string error(const StartupGraph& g, const std::vector<std::string>& order) {
  auto r = g.validate(order);
  if (auto* e = std::get_if<model::OrderError>(&r)) return e->message;
  return "";
}

}  // namespace

TEST_CASE("the default graph has main.cpp's steps in main.cpp's order") {
  const StartupGraph g = StartupGraph::forAgent(defaults());
  CHECK(names(g, g.defaultOrder()) ==
        std::vector<std::string>{"flags", "libprocess", "version", "modules", "hooks", "systemd", "fetcher",
                                 "mesos-containerizer", "containerizer", "detector", "authorizer", "files", "gc",
                                 "status-update-manager", "resource-estimator", "qos-controller", "slave"});
  CHECK(g.isTopological(g.defaultOrder()));
}

TEST_CASE("edges are the constructor arguments of main.cpp, and the flags feed every step") {
  const StartupGraph g = StartupGraph::forAgent(defaults());
  auto at = [&](const char* n) { return *g.find(n); };
  for (std::size_t v = 1; v < g.size(); ++v) CHECK(g.edge(at("flags"), v));
  CHECK(g.edge(at("fetcher"), at("containerizer")));
  CHECK(g.edge(at("fetcher"), at("mesos-containerizer")));
  CHECK(g.edge(at("mesos-containerizer"), at("containerizer")));
  CHECK(g.edge(at("authorizer"), at("files")));
  CHECK(g.edge(at("libprocess"), at("slave")));
  for (const char* arg : {"detector", "containerizer", "files", "gc", "status-update-manager", "resource-estimator",
                          "qos-controller", "authorizer", "hooks"}) {
    CAPTURE(arg);
    CHECK(g.edge(at(arg), at("slave")));
  }
  for (const char* built : {"hooks", "mesos-containerizer", "detector", "authorizer", "resource-estimator",
                            "qos-controller"}) {
    CAPTURE(built);
    CHECK(g.edge(at("modules"), at(built)));
  }
  // No edge from libprocess to the spawning steps: that dependency shows only at run time.
  CHECK_FALSE(g.edge(at("libprocess"), at("fetcher")));
  CHECK_FALSE(g.edge(at("version"), at("slave")));
  CHECK(g.needs(at("containerizer")) ==
        std::vector<std::size_t>{at("flags"), at("fetcher"), at("mesos-containerizer")});
}

TEST_CASE("the graph follows the flags: a step per containerizer type, none for a bad list") {
  model::SlaveFlags f = defaults();
  f.containerizers = "mesos,docker";
  StartupGraph g = StartupGraph::forAgent(f);
  CHECK(g.size() == 18);
  // Containerizer::create iterates a std::set: docker before mesos.
  CHECK(*g.find("docker-containerizer") + 1 == *g.find("mesos-containerizer"));
  CHECK(g.find("containerizer").has_value());

  f.containerizers = "mesos";
  CHECK_FALSE(StartupGraph::forAgent(f).find("docker-containerizer").has_value());

  f.containerizers = "mesos,rkt";
  g = StartupGraph::forAgent(f);
  CHECK(g.size() == 16);
  CHECK_FALSE(g.find("mesos-containerizer").has_value());
  CHECK(g.edge(*g.find("modules"), *g.find("containerizer")));

  CHECK(model::containerizerTypes("mesos,docker,mesos") == std::vector<std::string>{"docker", "mesos"});
}

TEST_CASE("an order that breaks an edge is rejected, naming the edge") {
  const StartupGraph g = StartupGraph::forAgent(defaults());
  std::vector<std::string> order = names(g, g.defaultOrder());
  CHECK(error(g, order).empty());

  // Move the containerizer steps before the fetcher.
  std::vector<std::string> bad{"flags", "libprocess", "version", "modules", "hooks", "systemd",
                               "mesos-containerizer", "containerizer", "fetcher", "detector", "authorizer", "files",
                               "gc", "status-update-manager", "resource-estimator", "qos-controller", "slave"};
  CHECK(error(g, bad) ==
        "step 'mesos-containerizer' needs 'fetcher', which comes later (MesosContainerizer::create(flags, local, "
        "&fetcher))");
  auto r = g.validate(bad);
  CHECK(std::get<model::OrderError>(r).index == 6);

  std::vector<std::string> slaveFirst = order;
  std::rotate(slaveFirst.begin() + 1, slaveFirst.end() - 1, slaveFirst.end());
  CHECK(error(g, slaveFirst).rfind("step 'slave' needs 'libprocess', which comes later", 0) == 0);

  std::vector<std::string> filesFirst{"flags", "files", "libprocess", "version", "modules", "hooks", "systemd",
                                      "fetcher", "mesos-containerizer", "containerizer", "detector", "authorizer",
                                      "gc", "status-update-manager", "resource-estimator", "qos-controller", "slave"};
  CHECK(error(g, filesFirst).rfind("step 'files' needs 'authorizer', which comes later (Files files(", 0) == 0);
}

TEST_CASE("an order must name every step of this agent once") {
  const StartupGraph g = StartupGraph::forAgent(defaults());
  std::vector<std::string> order = names(g, g.defaultOrder());
  std::vector<std::string> missing(order.begin(), order.end() - 1);
  CHECK(error(g, missing).rfind("step 'slave' is missing; an order names each of the 17 steps once", 0) == 0);
  std::vector<std::string> twice = order;
  twice[3] = "version";
  CHECK(error(g, twice) == "step 'version' appears twice (first at position 2)");
  std::vector<std::string> docker = order;
  docker[7] = "docker-containerizer";
  CHECK(error(g, docker).rfind("\"docker-containerizer\" is not a startup step of this agent "
                               "(--containerizers=mesos builds no such step); its steps are: flags, ",
                               0) == 0);
}

TEST_CASE("topological orders: an exact count, and seeded uniform samples") {
  const StartupGraph g = StartupGraph::forAgent(defaults());
  const std::uint64_t n = g.countOrders();
  MESSAGE("topological orders of the default startup graph: " << n);
  CHECK(n > 1'000'000);

  sim::Rng a(7, "orders");
  sim::Rng b(7, "orders");
  const auto sa = g.orders(50, a);
  const auto sb = g.orders(50, b);
  CHECK(sa.size() == 50);
  CHECK(sa == sb);
  for (const auto& o : sa) CHECK(g.isTopological(o));
  CHECK(std::set<StartupGraph::Order>(sa.begin(), sa.end()).size() == 50);
  for (const auto& o : sa) CHECK(o.front() == *g.find("flags"));

}

TEST_CASE("small DAGs: counts, complete enumeration in lexicographic order, uniform sampling") {
  namespace topo = model::topo;
  sim::Rng rng(1, "topo");
  // 0 -> 2, 1 -> 2: 0 and 1 in either order, then 2.
  const std::vector<std::uint32_t> vee{0, 0, 0b011};
  CHECK(topo::count(vee) == 2);
  CHECK(topo::orders(vee, 10, rng) == std::vector<std::vector<std::size_t>>{{0, 1, 2}, {1, 0, 2}});
  // Four free vertices: 4! orders, all enumerated; asking for fewer samples distinct ones.
  const std::vector<std::uint32_t> free4(4, 0);
  CHECK(topo::count(free4) == 24);
  const auto all = topo::orders(free4, 24, rng);
  CHECK(all.size() == 24);
  CHECK(std::is_sorted(all.begin(), all.end()));
  const auto some = topo::orders(free4, 5, rng);
  CHECK(some.size() == 5);
  CHECK(std::set<std::vector<std::size_t>>(some.begin(), some.end()).size() == 5);
  // A chain has one order.
  CHECK(topo::count({0, 0b1, 0b10, 0b100}) == 1);
  // Sampling is uniform: each of the two orders of `vee` about half the time.
  int first = 0;
  for (int i = 0; i < 2000; ++i) first += topo::sample(vee, rng) == std::vector<std::size_t>{0, 1, 2} ? 1 : 0;
  CHECK(first > 900);
  CHECK(first < 1100);
}

TEST_CASE("counting agrees with enumeration on a reduced graph") {
  // With a bad --containerizers the graph has 16 steps; count, then enumerate a prefix.
  model::SlaveFlags f = defaults();
  f.containerizers = "bogus";
  const StartupGraph g = StartupGraph::forAgent(f);
  const std::uint64_t n = g.countOrders();
  CHECK(n > 0);
  // Sampling covers distinct orders; each is valid.
  sim::Rng r(3, "orders");
  for (int i = 0; i < 20; ++i) CHECK(g.isTopological(g.sample(r)));
}

TEST_CASE("plain data: steps with refs, edges with reasons, the order given") {
  const StartupGraph g = StartupGraph::forAgent(defaults());
  const model::StartupGraphData d = g.data(g.defaultOrder(), "agent-1");
  CHECK(d.agent == "agent-1");
  CHECK(d.steps.size() == 17);
  CHECK(d.order.front() == "flags");
  CHECK_FALSE(d.custom_order);
  for (const auto& s : d.steps) {
    CAPTURE(s.name);
    CHECK_FALSE(s.ref.empty());
    CHECK_FALSE(s.call.empty());
    CHECK_FALSE(s.builds.empty());
    CHECK_FALSE(s.about.empty());
  }
  CHECK(d.steps[9].name == "detector");
  CHECK(d.steps[9].ref == "src/master/detector/detector.cpp: MasterDetector::create");
  CHECK(d.steps[9].processes == std::vector<std::string>{"standalone-master-detector(1)"});
  bool found = false;
  for (const auto& e : d.edges) {
    if (e.from == "fetcher" && e.to == "containerizer") {
      found = true;
      CHECK(e.why == "Containerizer::create(flags, false, &fetcher)");
    }
  }
  CHECK(found);
  CHECK(d.edges.front().from == "flags");
}

TEST_CASE("how many orders start: those with libprocess before every process") {
  const StartupGraph g = StartupGraph::forAgent(defaults());
  std::vector<std::uint32_t> preds(g.size(), 0);
  for (std::size_t v = 0; v < g.size(); ++v) {
    for (std::size_t u : g.needs(v)) preds[v] |= 1u << u;
  }
  CHECK(model::topo::count(preds) == 16'605'388'800u);
  const std::size_t libprocess = *g.find("libprocess");
  for (const char* spawns : {"version", "fetcher", "mesos-containerizer", "detector", "files", "gc",
                             "status-update-manager", "slave"}) {
    preds[*g.find(spawns)] |= 1u << libprocess;
  }
  const std::uint64_t starting = model::topo::count(preds);
  MESSAGE("orders that reach RUNNING: " << starting << " of 16605388800");
  CHECK(starting == 2'295'659'520u);
}
