#pragma once
// A fuzz case (docs/fuzzing.md): a base scenario plus everything one seed draws for it,
// written out as an ordinary scenario document that `agentsim run` replays without the
// fuzzer. A case is a pure function of (base scenario, seed):
//  - per agent, a startup order: main.cpp's, or (when the case's "ordering" family is
//    on) one drawn uniformly from the agent's startup graph's topological orders;
//  - whether events of equal time are permuted (the kernel's seeded permutation);
//  - a swarm configuration: which fault families are on and how many actions each gets;
//  - the fault schedule, as timeline actions in the safety phase [0, heal): every
//    message rule and partition carries a `for` that ends it by `heal`, every crash is
//    paired with a restart before `heal`, every stopped ZooKeeper server is started again;
//  - the liveness phase [heal, heal + bound]: at `heal` every partition and every message
//    rule ends (`heal` and `end_rules`, the base scenario's rules too) and every crashed
//    host restarts, then nothing.
// The case's draws come from its own stream ("fuzz-case"), so they never shift the run's.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/scenario.hpp"
#include "model/slave/startup_graph.hpp"
#include "sim/time.hpp"

namespace agentsim::harness::fuzz {

using Json = nlohmann::ordered_json;

// The fault families the swarm turns on and off, in a fixed order.
const std::vector<std::string>& faultFamilies();

// An agent's startup graph and a sampler of its orders that keeps its counts.
struct AgentGraph {
  model::StartupGraph graph;
  model::topo::Sampler sampler;
};

// A base scenario, loaded (to know its hosts and graphs) and as its document.
struct Base {
  std::string file;
  Scenario scenario;
  Json document;
  std::vector<AgentGraph> graphs = {};  // per agent, once prepare() ran; else drawn afresh
  // The scenario without its timeline and expectations, loaded once by prepare(): a case's
  // scenario starts from it and reads only its own timeline (harness/fuzz/judge.cpp).
  std::optional<Scenario> bare = std::nullopt;
};

// The graph's steps and edges as text: agents with equal keys have the same orders.
std::string graphKey(const model::StartupGraph& graph);

// Builds each agent's graph and sampler, and the bare scenario, once, for many cases.
void prepare(Base& base);

struct CaseOptions {
  bool faults = true;        // false: startup orders only (--no-faults)
  bool expectations = false;  // keep the scenario's own `expect` (--expectations)
};

struct FuzzCase {
  std::uint64_t seed = 0;
  Json base;  // the base document (the shrinker may shrink its cluster)
  std::map<std::string, std::vector<std::string>> orders;  // agent -> step names; absent: main.cpp's
  bool permute_ties = false;
  std::map<std::string, int> swarm;  // family -> how many actions (on families only)
  std::vector<Json> faults;          // timeline entries, in time order
  sim::Duration heal;                // the liveness phase starts here
  sim::Duration bound;               // and must converge within this
};

// The safety phase lasts as long as the base scenario (its `until`); the liveness bound
// is 2mins (registration backoff is capped at 1mins) and, when the scenario has tasks,
// 11mins (a status update's retry interval is capped at 10mins); without faults there is
// nothing to heal, and the liveness rule is checked at the scenario's own end.
FuzzCase drawCase(const Base& base, std::uint64_t seed, const CaseOptions& options);

// The case as a scenario document that states its startup orders and faults explicitly.
Json caseDocument(const FuzzCase& c, const CaseOptions& options);

// Parts of caseDocument: its name, description and notes, and its timeline (the base's
// entries, the faults, then the heal).
struct CaseHeader {
  std::string name;
  std::string description;
  std::vector<std::string> notes;
};
CaseHeader caseHeader(const FuzzCase& c);
Json caseTimeline(const FuzzCase& c);

// The family of a fault entry ("drop", "crash-agent", ...).
std::string familyOf(const Json& fault);

// Mesos duration text at millisecond grain ("1500ms", "30secs").
std::string durationText(sim::Duration d);

}  // namespace agentsim::harness::fuzz
