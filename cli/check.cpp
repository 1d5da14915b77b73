// `agentsim check SCENARIO...` (validate without running) and `agentsim invariants
// TRACE...` (the run's invariants over saved traces).
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "harness/invariants.hpp"
#include "harness/scenario.hpp"
#include "viz/trace_reader.hpp"

namespace agentsim::cli {

namespace {

// Whether `path` is a JSON Schema document ("$schema" names json-schema.org), as
// scenarios/schema.json is: `agentsim check scenarios/*.json` meets it beside the scenarios.
bool isJsonSchema(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  const auto key = head.find("\"$schema\"");
  if (key == std::string::npos) return false;
  const auto line = head.substr(key, head.find('\n', key) - key);
  return line.find("://json-schema.org/") != std::string::npos;
}

int check(const std::vector<std::string>& files) {
  int status = kHeld;
  for (const auto& f : files) {
    if (isJsonSchema(f)) {
      std::cout << fmt::format("{}: skipped: a JSON Schema (the scenario format's), not a scenario\n", f);
      continue;
    }
    auto loaded = harness::loadScenarioFile(f);
    if (auto* err = std::get_if<harness::LoadError>(&loaded)) {
      std::cerr << err->format() << '\n';
      status = kBadInput;
      continue;
    }
    const auto& s = std::get<harness::Scenario>(loaded);
    std::size_t tasks = 0;
    for (const auto& fw : s.frameworks) tasks += fw.flags.tasks.size();
    std::cout << fmt::format("{}: ok: scenario {}, {} master(s), {} agent(s), {} framework(s), {} task(s), {} "
                             "timeline action(s), {} expectation(s), until {}\n",
                             f, s.name, s.masters.size(), s.agents.size(), s.frameworks.size(), tasks,
                             s.timeline.size(), s.expectations.size(), sim::format(s.until));
  }
  return status;
}

// Feeds every record of a trace to the checks; false at its end record.
sim::Try<bool> readInto(viz::TraceStream& stream, harness::InvariantObservers& checks, std::uint64_t& records) {
  auto header = stream.header();
  if (header.isError()) return sim::Error{header.error()};
  sim::Record r;
  for (;;) {
    auto more = stream.next(r);
    if (more.isError() || !*more) return more;
    checks.observe(r);
    ++records;
  }
}

// Checks the invariants over saved traces (`run --trace`): the same verdicts as the run's.
int invariantsCommand(const std::vector<std::string>& files) {
  int status = kHeld;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      std::cerr << fmt::format("agentsim: error: {}: cannot open the trace\n", f);
      status = kBadInput;
      continue;
    }
    // Read record by record: the checks keep their state, never the records.
    viz::TraceStream stream(in);
    harness::InvariantObservers checks;
    std::uint64_t records = 0;
    auto read = readInto(stream, checks, records);
    if (read.isError()) {
      std::cerr << fmt::format("agentsim: error: {}: {}\n", f, read.error());
      status = kBadInput;
      continue;
    }
    const sim::Time end = stream.end()->at;
    std::cout << fmt::format("{}: {} records, the run ended at {}\n", f, records, sim::formatSeconds(end));
    for (const auto& i : checks.finish(end)) {
      std::cout << fmt::format("  {:<8} {}: {}\n", i.held ? "held" : "VIOLATED", i.name, i.evidence);
      if (!i.held && status == kHeld) status = kFailed;
    }
  }
  return status;
}

}  // namespace

Command addCheckCommand(CLI::App& app) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("check", "Validate scenario files without running them");
  cmd->add_option("scenarios", *files, "Scenario files")->required();
  addExamples(*cmd, "agentsim check scenarios/failover.json", "agentsim check scenarios/*.json",
              "docs/scenario-format.md");
  return Command{cmd, [files] { return check(*files); }};
}

Command addInvariantsCommand(CLI::App& app) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto* cmd =
      app.add_subcommand("invariants", "Check the status update invariants over saved traces (run --trace FILE)");
  cmd->add_option("traces", *files, "Trace files (JSON Lines)")->required();
  addExamples(*cmd, "agentsim invariants run.jsonl", "agentsim invariants seed1.jsonl seed2.jsonl",
              "docs/scenario-format.md (its Invariants section)");
  return Command{cmd, [files] { return invariantsCommand(*files); }};
}

}  // namespace agentsim::cli
