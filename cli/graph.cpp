// `agentsim flags`, `agentsim graph` and `agentsim explain`: the modelled flags and the
// agent's startup graph (model/slave/startup_graph.hpp).
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "harness/scenario.hpp"
#include "model/common/flags.hpp"
#include "model/slave/startup_graph.hpp"
#include "viz/startup_graph_render.hpp"

namespace agentsim::cli {

namespace {

template <typename Table>
void printFlags(std::string_view who, const Table& table) {
  std::cout << fmt::format("{} flags (Mesos 1.1 names and defaults):\n", who);
  for (const auto& f : table.describe()) {
    std::cout << fmt::format("  --{}={}\n      read by {}. {}\n", f.name, f.default_value.empty() ? "(none)" : f.default_value,
                             f.reader, f.help);
  }
}

struct GraphArgs {
  std::string scenario;  // empty: an agent with the default flags
  std::string agent;     // empty: the scenario's first agent
  std::string format = "text";
};

// The startup graph of one agent (a scenario's, or the default flags') as plain data.
int startupGraph(const GraphArgs& a, model::StartupGraphData& out) {
  model::SlaveFlags flags;
  flags.master = "master-1:5050";
  flags.work_dir = "/var/lib/mesos";
  model::AgentOptions options;
  std::string agent;
  if (!a.scenario.empty()) {
    auto loaded = harness::loadScenarioFile(a.scenario);
    if (auto* err = std::get_if<harness::LoadError>(&loaded)) {
      std::cerr << err->format() << '\n';
      return kBadInput;
    }
    const auto& s = std::get<harness::Scenario>(loaded);
    const harness::AgentSpec* spec = nullptr;
    for (const auto& candidate : s.agents) {
      if (a.agent.empty() || candidate.id == a.agent) {
        spec = &candidate;
        break;
      }
    }
    if (spec == nullptr) {
      std::cerr << (s.agents.empty() ? fmt::format("agentsim: error: {}: the scenario has no agents\n", a.scenario)
                                     : fmt::format("agentsim: error: --agent: no agent named \"{}\" in {}\n", a.agent,
                                                   a.scenario));
      return kBadInput;
    }
    flags = spec->flags;
    options = spec->options;
    agent = spec->id;
  } else if (!a.agent.empty()) {
    std::cerr << "agentsim: error: --agent needs a SCENARIO\n";
    return kBadInput;
  }
  const model::StartupGraph graph = model::StartupGraph::forAgent(flags, options.env);
  model::StartupGraph::Order order = graph.defaultOrder();
  if (!options.order.empty()) order = std::get<model::StartupGraph::Order>(graph.validate(options.order));
  out = graph.data(order, agent, !options.order.empty());
  return kHeld;
}

int graphCommand(const GraphArgs& a) {
  model::StartupGraphData data;
  if (int status = startupGraph(a, data); status != kHeld) return status;
  if (a.format == "dot") {
    std::cout << viz::renderStartupDot(data);
  } else if (a.format == "json") {
    std::cout << viz::renderStartupJson(data);
  } else {
    std::cout << viz::renderStartupText(data);
  }
  return kHeld;
}

int explainCommand(const GraphArgs& a) {
  model::StartupGraphData data;
  if (int status = startupGraph(a, data); status != kHeld) return status;
  std::cout << viz::renderStartupExplain(data);
  return kHeld;
}

}  // namespace

Command addFlagsCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("flags", "List the modelled agent and master flags with their defaults");
  addExamples(*cmd, "agentsim flags", "agentsim flags | grep -A1 registration_backoff_factor", "docs/model.md");
  return Command{cmd, [] {
                   printFlags("Agent (mesos-agent)", model::slaveFlagTable());
                   std::cout << '\n';
                   printFlags("Master (mesos-master)", model::masterFlagTable());
                   return kHeld;
                 }};
}

Command addGraphCommand(CLI::App& app) {
  auto args = std::make_shared<GraphArgs>();
  auto* cmd = app.add_subcommand(
      "graph", "Print the agent's startup graph (the steps of main.cpp and what each needs); `| dot -Tsvg` draws it");
  cmd->add_option("scenario", args->scenario, "Scenario file (default: an agent with the default flags)");
  cmd->add_option("--agent", args->agent, "Which agent of the scenario (default: the first)");
  cmd->add_option("--format", args->format, "dot, text or json (default: text)")
      ->check(CLI::IsMember({"dot", "text", "json"}));
  addExamples(*cmd, "agentsim graph", "agentsim graph scenarios/startup.json --format dot | dot -Tsvg > startup.svg",
              "docs/startup.md");
  return Command{cmd, [args] { return graphCommand(*args); }};
}

Command addExplainCommand(CLI::App& app) {
  auto args = std::make_shared<GraphArgs>();
  auto* cmd = app.add_subcommand(
      "explain", "A guided tour of the agent's main(): each startup step, its inputs, Mesos source and failures");
  cmd->add_option("scenario", args->scenario, "Scenario file (default: an agent with the default flags)");
  cmd->add_option("--agent", args->agent, "Which agent of the scenario (default: the first)");
  addExamples(*cmd, "agentsim explain", "agentsim explain scenarios/startup.json --agent agent-1", "docs/startup.md");
  return Command{cmd, [args] { return explainCommand(*args); }};
}

}  // namespace agentsim::cli
