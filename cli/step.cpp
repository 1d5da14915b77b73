// `agentsim step SCENARIO [--seed N] [--script FILE]`: a stepping session on a live run
// (harness/step_session.hpp, docs/stepper.md). Interactive, it reads commands from the
// terminal after a prompt; with --script it reads them from a file, echoes each, and
// writes everything to standard output (exit 2, each bad line located, if any failed).
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "harness/scenario.hpp"
#include "harness/step_session.hpp"

namespace agentsim::cli {

namespace {

struct StepArgs {
  std::string scenario;
  std::optional<std::string> seedText;
  std::string script;
};

// The commands of a --script file, one a line; returns the count of bad ones.
int runScript(harness::StepSession& session, const std::string& path, std::istream& in) {
  int bad = 0;
  std::string line;
  for (int number = 1; !session.ended() && std::getline(in, line); ++number) {
    std::cout << "> " << line << '\n';
    if (!session.command(line)) {
      std::cerr << fmt::format("agentsim: error: {}:{}: {}\n", path, number, printable(line));
      ++bad;
    }
  }
  return bad;
}

void runInteractive(harness::StepSession& session) {
  std::string line;
  while (!session.ended()) {
    std::cout << fmt::format("[{}] step> ", sim::formatSeconds(session.sim().now())) << std::flush;
    if (!std::getline(std::cin, line)) {
      std::cout << '\n';
      break;
    }
    session.command(line);
    std::cout << std::flush;
  }
}

int runStep(const StepArgs& a) {
  std::optional<std::uint64_t> seed;
  if (a.seedText) {
    seed = parseSeed(*a.seedText);
    if (!seed) {
      std::cerr << fmt::format("agentsim: error: --seed: expected a whole number from 0 to {}, got '{}'\n", UINT64_MAX,
                               printable(*a.seedText));
      return kBadInput;
    }
  }
  auto loaded = harness::loadScenarioFile(a.scenario);
  if (auto* err = std::get_if<harness::LoadError>(&loaded)) {
    std::cerr << err->format() << '\n';
    return kBadInput;
  }
  harness::Scenario scenario = std::move(std::get<harness::Scenario>(loaded));
  std::ifstream scenarioFile(a.scenario, std::ios::binary);
  std::stringstream text;
  text << scenarioFile.rdbuf();  // loaded above: a regular file within the size limit
  std::ifstream script;
  if (!a.script.empty()) {
    script.open(a.script, std::ios::binary);
    if (!script) {
      std::cerr << fmt::format("agentsim: error: --script: cannot open '{}'\n", printable(a.script));
      return kBadInput;
    }
  }
  const std::uint64_t s = seed.value_or(scenario.seed);
  harness::StepSession session(std::move(scenario), text.str(), s, std::cout);
  if (a.script.empty()) {
    runInteractive(session);
    return kHeld;
  }
  return runScript(session, a.script, script) == 0 ? kHeld : kBadInput;
}

}  // namespace

Command addStepCommand(CLI::App& app) {
  auto args = std::make_shared<StepArgs>();
  CLI::App* cmd = app.add_subcommand(
      "step", "Step through a run: next, back, pending, why, inject a fault, choose deliveries, save (docs/stepper.md)");
  cmd->add_option("scenario", args->scenario, "Scenario JSON file")->required();
  cmd->add_option("--seed", args->seedText, "Seed, 0 to 18446744073709551615 (default: the scenario's)");
  cmd->add_option("--script", args->script, "Read the commands from FILE instead of the terminal; print to stdout");
  addExamples(*cmd, "agentsim step scenarios/failover.json",
              "agentsim step scenarios/failover.json --seed 3 --script commands.txt", "docs/stepper.md");
  return Command{cmd, [args] { return runStep(*args); }};
}

}  // namespace agentsim::cli
