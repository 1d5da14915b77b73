#pragma once
// The agent's startup as a graph (src/slave/main.cpp, fn main): one vertex per step
// main() takes for the given flags, one edge per "is needed to build" (the arguments
// main() passes: Containerizer::create(flags, false, &fetcher), new Slave(id, flags,
// detector, containerizer, &files, &gc, &statusUpdateManager, estimator, qos,
// authorizer), ...; reference/mesos-agent.md §1). The flags are needed by every step,
// modules by every step that may build a module. main.cpp's order is one topological
// order; any other is a legal startup too, though some fail at run time for a reason
// the graph does not show (a process spawned before libprocess is initialised makes
// process::initialize() fail: see docs/startup.md).
//
// A Boost.Graph adjacency_list; the steps are stored in main.cpp's order, so the
// default order is 0, 1, ..., n-1.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "model/common/flags.hpp"
#include "model/slave/startup_graph_data.hpp"
#include "sim/rng.hpp"

namespace agentsim::model {

enum class StartupStep {
  Flags,                // slave::Flags, flags.load("MESOS_", argc, argv)
  Libprocess,           // process::ID::generate("slave"), process::initialize(id, realms)
  Version,              // spawn(new VersionProcess(), true)
  Modules,              // ModuleManager::load(--modules)
  Hooks,                // HookManager::initialize(--hooks)
  Systemd,              // systemd::initialize, if enabled and the host has systemd
  Fetcher,              // Fetcher fetcher;
  DockerContainerizer,  // DockerContainerizer::create, inside Containerizer::create
  MesosContainerizer,   // MesosContainerizer::create, inside Containerizer::create
  Containerizer,        // Containerizer::create(flags, false, &fetcher)
  Detector,             // MasterDetector::create(--master)
  Authorizer,           // Authorizer::create
  Files,                // Files files(READONLY_HTTP_AUTHENTICATION_REALM, authorizer)
  GarbageCollector,     // GarbageCollector gc;
  StatusUpdateManager,  // StatusUpdateManager statusUpdateManager(flags);
  ResourceEstimator,    // ResourceEstimator::create(--resource_estimator)
  QoSController,        // QoSController::create(--qos_controller)
  Slave,                // new Slave(...); process::spawn(slave)
};

// The step's name in scenarios and on the command line ("containerizer").
std::string_view stepName(StartupStep step);

// What the simulated host offers the agent (scenario agent keys "docker", "systemd").
struct AgentEnvironment {
  bool docker = false;   // a docker daemon answers `docker version`
  bool systemd = false;  // systemd::exists(): /run/systemd/system is there
};

struct OrderError {
  std::size_t index = 0;  // position in the proposed order the error is about
  std::string message;
};

namespace topo {
class Sampler;
}

class StartupGraph {
 public:
  struct Vertex {
    StartupStep step;
  };
  struct Edge {
    std::string why;
  };
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, Vertex, Edge>;
  using Order = std::vector<std::size_t>;  // vertex indices, first to last

  // The graph main() walks for these flags on this host.
  static StartupGraph forAgent(const SlaveFlags& flags, const AgentEnvironment& env = {});
  // Its steps in main.cpp's order (the default order), without building the graph: what
  // an agent's boot walks unless its scenario gives another order.
  static std::vector<StartupStep> mainOrder(const SlaveFlags& flags);

  std::size_t size() const { return boost::num_vertices(graph_); }
  StartupStep step(std::size_t v) const { return graph_[v].step; }
  std::string_view name(std::size_t v) const { return stepName(step(v)); }
  std::optional<std::size_t> find(std::string_view name) const;
  const Graph& graph() const { return graph_; }
  // Steps that `v` needs (its in-edges), in main.cpp's order.
  std::vector<std::size_t> needs(std::size_t v) const;
  // Whether `from` is needed to build `to`.
  bool edge(std::size_t from, std::size_t to) const;

  Order defaultOrder() const;
  // Checks a proposed order: every step once, and no step before one it needs. The
  // error names the first broken edge: "step 'containerizer' needs 'fetcher', which
  // comes later".
  std::variant<Order, OrderError> validate(const std::vector<std::string>& names) const;
  bool isTopological(const Order& order) const;

  // The number of topological orders (exact; the graph has at most 20 steps).
  std::uint64_t countOrders() const;
  // Every topological order, in lexicographic order of step indices, when there are at
  // most `max`; otherwise `max` distinct orders drawn uniformly from `rng`.
  std::vector<Order> orders(std::size_t max, sim::Rng& rng) const;
  // One topological order drawn uniformly at random.
  Order sample(sim::Rng& rng) const;
  // A sampler of this graph's orders that keeps its counts between draws (topo::Sampler).
  topo::Sampler sampler() const;

  // Plain data for viz/: steps, edges, refs, and the order given.
  StartupGraphData data(const Order& order, std::string agent = {}, bool customOrder = false) const;

 private:
  void addStep(StartupStep step);
  void addEdge(StartupStep from, StartupStep to, std::string why);
  std::vector<std::uint32_t> predecessorMasks() const;

  Graph graph_;
  SlaveFlags flags_;
  AgentEnvironment env_;
};

// Topological orders of any DAG of at most 20 vertices given by predecessor masks
// (bit u of preds[v]: u is needed before v): exact count, uniform sample, and all of
// them in lexicographic order when there are at most `max` (else `max` distinct
// samples). StartupGraph uses these; tests use them on small graphs.
namespace topo {
std::uint64_t count(const std::vector<std::uint32_t>& preds);
std::vector<std::size_t> sample(const std::vector<std::uint32_t>& preds, sim::Rng& rng);
std::vector<std::vector<std::size_t>> orders(const std::vector<std::uint32_t>& preds, std::size_t max, sim::Rng& rng);
// Uniform samples of one DAG's orders that keep the counts between draws (the fuzzer
// draws an order per case): the same draws as sample(), without recounting. Copies share
// the counts; not for use from two threads at once.
class Sampler {
 public:
  explicit Sampler(std::vector<std::uint32_t> preds);
  std::vector<std::size_t> sample(sim::Rng& rng) const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};
}  // namespace topo

// The containerizer types of --containerizers as Containerizer::create sees them: a
// std::set (sorted, duplicates folded).
std::vector<std::string> containerizerTypes(const std::string& containerizers);

}  // namespace agentsim::model
