#pragma once
// The startup graph as plain data: what viz/ renders (DOT, text, JSON, the guided tour
// of `agentsim explain`) without touching model objects. Header-only, std only, so
// viz/ can include it without linking the model; model::StartupGraph::data() fills it.
#include <string>
#include <vector>

namespace agentsim::model {

// One way a step can fail: when, and the exact message the agent prints before it
// exits with status 1.
struct StartupFailureData {
  std::string when;     // "--containerizers names a type other than mesos or docker"
  std::string message;  // "Failed to create a containerizer: Unknown or unsupported containerizer: rkt"
};

struct StartupStepData {
  std::string name;     // "containerizer": the id used in startup.order
  std::string call;     // "Containerizer::create(flags, false, &fetcher)"
  std::string ref;      // "src/slave/containerizer/containerizer.cpp: Containerizer::create"
  std::string builds;   // for this agent's flags: "MesosContainerizer, process mesos-containerizer(1)"
  std::string about;    // what main.cpp does here, and why it is where it is
  std::vector<std::string> flags;     // the flags it reads
  std::vector<std::string> processes; // process ids it spawns (spawning needs libprocess first)
  std::vector<StartupFailureData> failures;
};

// `from` is needed to build `to`.
struct StartupEdgeData {
  std::string from;
  std::string to;
  std::string why;  // the argument or call that carries the dependency
};

struct StartupGraphData {
  std::string agent;                   // host id, or "" for the default flags
  std::vector<StartupStepData> steps;  // in main.cpp's order
  std::vector<StartupEdgeData> edges;  // sorted by (from, to) position in main.cpp's order
  std::vector<std::string> order;      // the order this agent starts in (default: main.cpp's)
  bool custom_order = false;           // whether `order` came from the scenario
  std::vector<std::string> notes;      // what main.cpp does that the graph leaves out, and cautions
};

}  // namespace agentsim::model
