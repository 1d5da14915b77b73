// agentsim: the command line. Thin: parses arguments, calls the harness, formats the
// results for people. Each subcommand is a file of its own (cli/command.hpp); exit codes
// (DESIGN.md): 0 all expectations held; 1 an expectation or invariant failed; 2 bad usage
// or bad input; 3 internal error.
#include <algorithm>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "agentsim_version.hpp"
#include "cli/command.hpp"
#include "sim/suggest.hpp"

namespace {

using namespace agentsim::cli;

int main2(int argc, char** argv) {
  CLI::App app{"agentsim: a deterministic discrete-event simulator of the Apache Mesos agent"};
  app.set_version_flag("--version", fmt::format("agentsim {} (models Mesos 1.1)", AGENTSIM_VERSION));
  app.require_subcommand(1);
  const std::vector<Command> commands{addRunCommand(app),     addViewCommand(app),       addDiffCommand(app),
                                      addCheckCommand(app),   addInvariantsCommand(app), addFlagsCommand(app),
                                      addGraphCommand(app),   addExplainCommand(app),
                                      addStepCommand(app),     addFuzzCommand(app),       addFuzzMergeCommand(app)};
  // A first word that is no option and no subcommand: name it and list the subcommands
  // (CLI11 would say only that a subcommand is required).
  std::vector<std::string> names;
  for (const Command& c : commands) names.push_back(c.app->get_name());
  if (argc > 1 && argv[1][0] != '-' && std::find(names.begin(), names.end(), argv[1]) == names.end()) {
    std::cerr << fmt::format("agentsim: error: unknown subcommand '{}'{}; the subcommands are: {}\nRun 'agentsim "
                             "--help' for usage.\n",
                             argv[1], agentsim::sim::didYouMean(argv[1], names), fmt::join(names, ", "));
    return kBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return kHeld;
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << '\n';
    return kHeld;
  } catch (const CLI::ParseError& e) {
    // Subcommand help: CLI11 raises CallForHelp from the subcommand too.
    if (e.get_name() == "CallForHelp") {
      for (auto* sub : app.get_subcommands()) std::cout << sub->help();
      return kHeld;
    }
    std::cerr << fmt::format("agentsim: error: {}\nRun 'agentsim --help' for usage.\n", e.what());
    return kBadInput;
  }
  for (const Command& c : commands) {
    if (c.app->parsed()) return c.run();
  }
  return kBadInput;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return main2(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << fmt::format("agentsim: internal error: {}\n", e.what());
    return kInternal;
  }
}
