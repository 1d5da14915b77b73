#pragma once
// Renderers of the agent's startup graph. They read the graph's plain data
// (model/slave/startup_graph_data.hpp, header-only), never model objects, so a graph saved
// as JSON renders the same as one built from a scenario.
#include <string>
#include <string_view>

#include "model/slave/startup_graph_data.hpp"
#include "sim/try.hpp"

namespace agentsim::viz {

// Graphviz DOT: one box per step (position in the order, name, Mesos call, source),
// one arrow per "is needed to build"; the flags' arrows (to every step) are drawn
// light and dashed. `dot -Tsvg` draws it.
std::string renderStartupDot(const model::StartupGraphData& graph);
// A table: position, step, what it needs, what it builds; then every edge with its
// reason, and the notes.
std::string renderStartupText(const model::StartupGraphData& graph);
// JSON ("format": "agentsim-startup-graph", "format_version": 1), and back.
std::string renderStartupJson(const model::StartupGraphData& graph);
sim::Try<model::StartupGraphData> readStartupJson(std::string_view text);
// `agentsim explain`: a guided tour of main(), step by step in the order given: what
// it builds, from what, the Mesos source, what can fail and the exact message.
std::string renderStartupExplain(const model::StartupGraphData& graph);

}  // namespace agentsim::viz
