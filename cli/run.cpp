// `agentsim run SCENARIO`: runs a scenario, prints its story and every verdict, and
// writes the trace, the views and the results a user asked for.
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "harness/determinism.hpp"
#include "harness/runner.hpp"
#include "harness/scenario.hpp"
#include "model/common/planted_bug.hpp"
#include "viz/timeline.hpp"
#include "viz/timeline_story.hpp"
#include "viz/view.hpp"

namespace agentsim::cli {

namespace {

struct RunArgs {
  std::string scenario;
  std::optional<std::string> seedText;  // --seed as written; parseSeed checks it
  std::optional<std::uint64_t> seed;
  std::string until;
  std::string trace;
  std::string html;
  bool quiet = false;
  bool all = false;
  bool noRefs = false;
  std::optional<std::uint64_t> maxEvents;
  std::string results;   // --results FILE.json (docs/results-format.md)
  std::string svg;       // views of the run, drawn from its records (docs/views.md)
  std::string perfetto;
  bool checkDeterminism = false;  // --check-determinism: run twice, compare the bytes
  std::string bug;  // --bug NAME: a planted bug (model/common/planted_bug.hpp)
};

// --check-determinism: the same bytes twice in one process, or the first record that differs.
int determinism(const harness::Scenario& scenario, const harness::RunOptions& options) {
  const harness::DeterminismReport r = harness::checkDeterminism(scenario, options);
  if (!r.first_difference) {
    std::cout << fmt::format("determinism: the same {} records, byte for byte, from two runs in one process (the "
                             "second with the allocator's addresses disturbed)\n",
                             r.records);
    return kHeld;
  }
  const std::uint64_t at = *r.first_difference;
  std::cout << fmt::format("determinism: the runs differ at {}:\n  first:  {}\n  second: {}\n",
                           at == 0 ? std::string("the header") : fmt::format("record seq {}", at - 1),
                           r.first.empty() ? "(the trace had ended)" : r.first,
                           r.second.empty() ? "(the trace had ended)" : r.second);
  return kFailed;
}

std::string replayCommand(const RunArgs& a, std::uint64_t seed) {
  // A relative path that starts with '-' would read as an option.
  const std::string path = a.scenario.rfind('-', 0) == 0 ? "./" + a.scenario : a.scenario;
  std::string cmd = fmt::format("./agentsim run {} --seed {}", shellQuote(path), seed);
  if (!a.until.empty()) cmd += " --until " + shellQuote(a.until);
  if (a.maxEvents) cmd += fmt::format(" --max-events {}", *a.maxEvents);
  if (!a.bug.empty()) cmd += " --bug " + shellQuote(a.bug);
  return cmd;
}

// `run --results FILE.json` (docs/results-format.md): every verdict, for graders and
// notebooks, so they need not parse the text. Returns false, having said why, when the
// file cannot be written.
bool writeResults(const std::string& path, const harness::Scenario& scenario, const harness::RunReport& report,
                  int code) {
  nlohmann::ordered_json out;
  out["format"] = "agentsim-results";
  out["format_version"] = 1;
  out["scenario"] = scenario.name;
  out["file"] = scenario.file;
  out["seed"] = std::to_string(report.seed);
  out["end"] = sim::format(report.end.sinceStart());
  out["exit_code"] = code;
  out["limit"] = report.limitExceeded() ? nlohmann::ordered_json(report.stop.message) : nlohmann::ordered_json();
  out["expectations"] = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < report.results.size(); ++i) {
    const auto& r = report.results[i];
    nlohmann::ordered_json e;
    e["index"] = i;
    e["kind"] = r.kind;
    e["summary"] = r.summary;
    e["verdict"] = r.outcome.held ? "held" : r.outcome.undecided ? "undecided" : "failed";
    e["evidence"] = r.outcome.evidence;
    e["evidence_seqs"] = std::set<std::uint64_t>(r.outcome.seqs.begin(), r.outcome.seqs.end());
    e["note"] = i < scenario.expectations.size() ? scenario.expectations[i].note : std::string();
    out["expectations"].push_back(std::move(e));
  }
  out["invariants"] = nlohmann::ordered_json::array();
  for (const auto& inv : report.invariants) {
    out["invariants"].push_back({{"name", inv.name}, {"verdict", inv.held ? "held" : "violated"},
                                 {"evidence", inv.evidence},
                                 {"evidence_seqs", std::set<std::uint64_t>(inv.seqs.begin(), inv.seqs.end())}});
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (file) file << out.dump(2) << '\n';
  file.close();
  if (!file) std::cerr << fmt::format("agentsim: error: --results: cannot write '{}'\n", path);
  return static_cast<bool>(file);
}

// How many characters of a UUID the default view prints: enough to tell apart those
// of the records kept, or, when the run kept none (--quiet), those the verdicts print.
std::size_t uuidDigits(const harness::RunReport& report, const harness::RunOptions& options) {
  if (!options.keep.empty()) return viz::uuidPrefixLength(report.records);
  std::vector<std::string> texts;
  for (const auto& r : report.results) texts.push_back(r.summary + " " + r.outcome.evidence);
  for (const auto& i : report.invariants) texts.push_back(i.evidence);
  return viz::uuidPrefixLength(texts);
}

// The records the run's checks read: the only ones a check's evidence can name.
sim::Interest checksInterest(const harness::Scenario& scenario) {
  sim::Interest out;
  for (const auto& e : scenario.expectations) out.merge(e.interest);
  for (const auto& i : harness::invariants()) out.merge(i.interest);
  return out;
}

int run(RunArgs a) {
  if (a.seedText) {
    a.seed = parseSeed(*a.seedText);
    if (!a.seed) {
      std::cerr << fmt::format("agentsim: error: --seed: expected a whole number from 0 to {}, got '{}'\n", UINT64_MAX,
                               printable(*a.seedText));
      return kBadInput;
    }
  }
  if (!a.bug.empty() && model::findPlantedBug(a.bug) == nullptr) {
    std::cerr << fmt::format("agentsim: error: --bug: unknown planted bug '{}'; the planted bugs are:\n",
                             printable(a.bug));
    for (const model::PlantedBugSpec& b : model::plantedBugs()) std::cerr << fmt::format("  {}\n", b.name);
    return kBadInput;
  }
  auto loaded = harness::loadScenarioFile(a.scenario);
  if (auto* err = std::get_if<harness::LoadError>(&loaded)) {
    std::cerr << err->format() << '\n';
    return kBadInput;
  }
  const harness::Scenario& scenario = std::get<harness::Scenario>(loaded);
  harness::RunOptions options;
  options.seed = a.seed;
  options.bug = a.bug;
  if (a.maxEvents) options.limits.max_events = *a.maxEvents;
  if (!a.until.empty()) {
    auto d = sim::parseDuration(a.until);
    if (d.isError() || *d <= sim::Duration{} || *d > harness::ScenarioLimits::kMaxUntil) {
      std::cerr << fmt::format("agentsim: error: --until: {}\n",
                               d.isError() ? d.error()
                                           : fmt::format("expected a duration within (0ns, {}]",
                                                         sim::format(harness::ScenarioLimits::kMaxUntil)));
      return kBadInput;
    }
    options.until = *d;
  }
  const std::uint64_t seed = a.seed.value_or(scenario.seed);
  std::cout << fmt::format("agentsim: seed {}\n", seed);
  if (!a.bug.empty()) std::cout << fmt::format("agentsim: planted bug {} is on\n", a.bug);
  std::cout << std::flush;
  if (a.checkDeterminism) return determinism(scenario, options);

  std::ofstream traceFile;
  std::optional<sim::JsonLinesSink> traceSink;
  if (!a.trace.empty()) {
    traceFile.open(a.trace, std::ios::binary | std::ios::trunc);
    if (!traceFile) {
      std::cerr << fmt::format("agentsim: error: --trace: cannot write '{}'\n", a.trace);
      return kBadInput;
    }
    traceSink.emplace(traceFile);
    options.sinks.push_back(&*traceSink);
  }
  // The records the run keeps: the story and the views read them; --quiet without a
  // view needs none (the checks observe the run as it goes), so memory does not grow
  // with the run's length.
  const bool views = !a.html.empty() || !a.svg.empty() || !a.perfetto.empty();
  if (a.quiet && !views) options.keep = sim::Interest();
  // The default story keeps only the records it may tell on a line of their own.
  std::optional<viz::StorySink> story;
  if (!a.quiet && !a.all && !views) {
    story.emplace(checksInterest(scenario));
    options.sinks.push_back(&*story);
    options.keep = sim::Interest();
  }

  options.free_world = false;  // the process ends after the report
  const harness::RunReport report = harness::runScenario(scenario, options);
  // A write that failed (a full disk, /dev/full) leaves the stream failed; closing
  // flushes what is buffered, which may fail too.
  bool traceFailed = false;
  if (traceSink) {
    traceFile.close();
    traceFailed = traceFile.fail();
  }

  std::cout << fmt::format("scenario {} ({})\n", printable(scenario.name), scenario.file);
  // --all prints as it always has; the default view wraps to the terminal.
  Layout layout;
  if (!a.all) layout = Layout{outputWidth(), story ? story->uuidDigits() : uuidDigits(report, options)};
  if (!scenario.description.empty()) printWrapped("  " + printable(scenario.description), layout, 2);
  if (!a.quiet && !a.all) {
    std::cout << '\n';
    viz::StoryOptions storyOptions;
    storyOptions.refs = !a.noRefs;
    storyOptions.width = layout.width;
    if (story) {
      story->write(std::cout, storyOptions);
    } else {
      viz::writeStory(std::cout, report.records, storyOptions);
    }
  } else if (!a.quiet) {
    viz::TimelineOptions t;
    t.deliveries = a.all;
    t.heartbeats = a.all;
    t.refs = !a.noRefs;
    t.checks = false;  // the verdicts follow, each with its evidence
    std::cout << "\ntimeline (simulated time, host, process, event, [modelled Mesos source]):\n";
    viz::writeTimeline(std::cout, report.records, t);
  }
  std::cout << (a.all || a.quiet ? "\nexpectations:\n"
                                 : "\nexpectations (a held one's evidence is in the timeline; --all prints it here):\n");
  std::size_t held = 0;
  for (const auto& r : report.results) {
    held += r.outcome.held ? 1 : 0;
    printWrapped(fmt::format("  {:<7} {}: {}", r.outcome.held ? "held" : r.outcome.undecided ? "UNDECIDED" : "FAILED",
                             r.kind, r.summary),
                 layout, 10);
    // The default view shows a held expectation's evidence in the timeline, not here.
    if (a.all || !r.outcome.held) printWrapped(fmt::format("          evidence: {}", r.outcome.evidence), layout, 20);
  }
  if (report.results.empty()) std::cout << "  (none)\n";
  std::cout << "\ninvariants (checked on every run):\n";
  std::size_t kept = 0;
  for (const auto& i : report.invariants) {
    kept += i.held ? 1 : 0;
    printWrapped(fmt::format("  {:<8} {}: {}", i.held ? "held" : "VIOLATED", i.name, i.evidence), layout, 11);
  }
  // How often the model reached each fault site (sim/fault_site.hpp), held or not.
  // One wrapped list (site, then how many reaches), so ten sites cost a line or two.
  std::cout << "\nfault sites reached, with how often (places in model code where a scenario's hold or fire_site may act):\n";
  std::string sites;
  for (const auto& [site, n] : report.fault_sites) sites += fmt::format("{}{} {}", sites.empty() ? "" : ", ", site, n);
  if (report.fault_sites.empty()) sites = "(none reached)";
  printWrapped("  " + sites, layout, 2);
  std::cout << fmt::format("\n{} of {} expectations held; {} of {} invariants held; {} events; simulated {}\n", held,
                           report.results.size(), kept, report.invariants.size(), report.events,
                           sim::format(report.end.sinceStart()));
  if (report.limitExceeded()) std::cout << "agentsim: " << report.stop.message << '\n';
  if (!a.trace.empty() && !traceFailed) std::cout << fmt::format("trace written to {}\n", a.trace);
  bool viewFailed = false;
  if (!a.html.empty()) {
    if (writeHtmlExplorer(a.html, report.header, report.records)) {
      std::cout << fmt::format("explorer written to {} (open it in a browser)\n", a.html);
    } else {
      viewFailed = true;
    }
  }
  for (auto [option, path, format] : {std::make_tuple("--svg", &a.svg, viz::ViewFormat::Svg),
                                      std::make_tuple("--perfetto", &a.perfetto, viz::ViewFormat::Perfetto)}) {
    if (path->empty()) continue;
    viz::ViewOptions v;
    v.filter.all = a.all;
    if (writeViewFile(option, *path, format, report.header, report.records, v)) {
      std::cout << fmt::format("{} written to {}\n", option + 2, *path);
    } else {
      viewFailed = true;
    }
  }
  if (!report.allHeld()) std::cout << fmt::format("replay: {}\n", replayCommand(a, seed));
  if (traceFailed) {
    std::cout << std::flush;
    std::cerr << fmt::format("agentsim: error: --trace: writing '{}' failed (is the disk full?); the trace is "
                             "incomplete\n",
                             a.trace);
    return kBadInput;
  }
  if (viewFailed) return kBadInput;
  const int code = report.allHeld() ? kHeld : kFailed;
  if (!a.results.empty() && !writeResults(a.results, scenario, report, code)) return kBadInput;
  return code;
}


}  // namespace

Command addRunCommand(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Run a scenario and check its expectations");
  cmd->add_option("scenario", args->scenario, "Scenario file (JSON)")->required();
  cmd->add_option("--seed", args->seedText, "Seed, 0 to 18446744073709551615 (default: the scenario's)");
  cmd->add_option("--until", args->until, "Stop at this simulated time, e.g. 2mins (default: the scenario's)");
  cmd->add_option("--trace", args->trace, "Write the trace as JSON Lines to FILE (docs/trace-format.md)");
  cmd->add_option("--max-events", args->maxEvents, "Stop the run after this many events (docs/limits.md)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000'000'000}));
  cmd->add_option("--html", args->html, "Write the HTML explorer of the run to FILE (docs/views.md)");
  cmd->add_flag("--quiet", args->quiet, "Do not print the timeline");
  cmd->add_flag("--all", args->all, "Also print every delivery and the ZooKeeper heartbeats");
  cmd->add_flag("--no-refs", args->noRefs, "Do not print the modelled Mesos source on timeline lines");
  cmd->add_option("--results", args->results,
                  "Write every verdict as JSON to FILE, for graders and notebooks (docs/results-format.md)");
  cmd->add_option("--bug", args->bug,
                  "Turn on a planted bug, by name (docs/planted-bugs.md lists them)");
  cmd->add_option("--svg", args->svg, "Draw the run's sequence diagram as SVG to FILE (docs/views.md)");
  cmd->add_option("--perfetto", args->perfetto, "Write the run as Perfetto / Chrome trace JSON to FILE");
  cmd->add_flag("--check-determinism", args->checkDeterminism,
                "Run twice in one process, the second time with the allocator disturbed, and compare the traces "
                "byte for byte (exit 1 at the first difference)");
  addExamples(*cmd, "agentsim run scenarios/failover.json",
              "agentsim run scenarios/failover.json --seed 7 --until 1mins --trace run.jsonl --svg run.svg",
              "docs/scenario-format.md (what a scenario says), docs/trace-format.md (the trace)");
  return Command{cmd, [args] { return run(*args); }};
}

}  // namespace agentsim::cli
