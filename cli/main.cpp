// agentsim: the command line. Thin: parses arguments, calls the harness, formats the
// results for people. Exit codes (DESIGN.md): 0 all expectations held; 1 an
// expectation or invariant failed; 2 bad usage or bad input; 3 internal error.
#include <cstdio>
#include <sys/ioctl.h>
#include <unistd.h>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "agentsim_version.hpp"
#include "harness/invariants.hpp"
#include "harness/runner.hpp"
#include "harness/scenario.hpp"
#include "model/common/flags.hpp"
#include "model/slave/startup_graph.hpp"
#include "viz/html_explorer.hpp"
#include "viz/startup_graph_render.hpp"
#include "viz/filter.hpp"
#include "viz/timeline.hpp"
#include "viz/timeline_story.hpp"
#include "viz/trace_diff.hpp"
#include "viz/trace_reader.hpp"
#include "viz/view.hpp"

namespace {

using namespace agentsim;

constexpr int kHeld = 0;
constexpr int kFailed = 1;
constexpr int kBadInput = 2;
constexpr int kInternal = 3;

// The filters every view shares (viz/filter.hpp), as written on the command line.
struct FilterArgs {
  std::string hosts;
  std::string processes;
  std::string messages;
  std::string kinds;
  std::string from;
  std::string to;
  bool all = false;

  void addTo(CLI::App& cmd) {
    cmd.add_option("--hosts", hosts, "Only these hosts, comma-separated; '*' matches any text (agent-*)");
    cmd.add_option("--processes", processes, "Only these processes, e.g. slave(1),master");
    cmd.add_option("--messages", messages, "Only these messages, e.g. StatusUpdateMessage");
    cmd.add_option("--kinds", kinds, "Only these record kinds: send,deliver,drop,timer,state,fault,check,log,startup");
    cmd.add_option("--from", from, "From this simulated time, e.g. 30secs");
    cmd.add_option("--to", to, "Up to this simulated time, e.g. 45secs");
  }

  // The filter, or a located message for exit 2.
  std::optional<viz::ViewFilter> filter(std::string& error) const {
    viz::ViewFilter f;
    f.hosts = viz::splitList(hosts);
    f.processes = viz::splitList(processes);
    f.messages = viz::splitList(messages);
    f.all = all;
    auto k = viz::parseKinds(kinds);
    if (k.isError()) {
      error = "--kinds: " + k.error();
      return std::nullopt;
    }
    f.kinds = *k;
    for (auto [name, text, out] : {std::make_tuple("--from", &from, &f.from), std::make_tuple("--to", &to, &f.to)}) {
      if (text->empty()) continue;
      auto t = viz::parseViewTime(*text);
      if (t.isError()) {
        error = fmt::format("{}: {}", name, t.error());
        return std::nullopt;
      }
      *out = *t;
    }
    if (f.from && f.to && *f.to < *f.from) {
      error = fmt::format("--to ({}) is before --from ({})", to, from);
      return std::nullopt;
    }
    return f;
  }
};

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
};

// A seed is a decimal number in [0, 2^64 - 1]: no sign, no base prefix, no wrap-around.
std::optional<std::uint64_t> parseSeed(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

// One word for a POSIX shell: as is when it holds only characters no shell treats
// specially, else in single quotes ('\'' for a quote inside).
std::string shellQuote(std::string_view word) {
  bool plain = !word.empty();
  for (unsigned char c : word) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      std::string_view("_./:=@%+,-").find(static_cast<char>(c)) != std::string_view::npos;
    plain = plain && safe;
  }
  if (plain) return std::string(word);
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

// Text from a scenario, safe to print on a terminal: control characters (C0, DEL and
// C1, which can start terminal escape sequences) are shown escaped, as \n or \u001b.
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04x}", c);
    } else if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(text[++i]));  // U+0080..U+009F
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// The HTML explorer of a run or a saved trace, written to `path` ("-": standard output).
// Returns false, having said why, when the file cannot be written.
bool writeHtmlExplorer(const std::string& path, const sim::Fields& header, const std::vector<sim::Record>& records) {
  if (path == "-") {
    viz::writeHtmlExplorer(std::cout, header, records);
    std::cout << std::flush;
    return static_cast<bool>(std::cout);
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) viz::writeHtmlExplorer(out, header, records);
  out.close();
  if (!out) std::cerr << fmt::format("agentsim: error: cannot write the explorer to '{}'\n", path);
  return static_cast<bool>(out);
}

// The terminal's width when standard output is one, else 160 columns.
std::size_t outputWidth() {
  winsize w{};
  if (isatty(STDOUT_FILENO) != 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col >= 40) return w.ws_col;
  return 160;
}

// How the default view prints: wrapped to `width` columns, UUIDs cut to `uuidDigits`
// characters as in its timeline. Both 0 for --all: as is.
struct Layout {
  std::size_t width = 0;
  std::size_t uuidDigits = 0;
};

// Prints `text` as `layout` says, continuation lines indented by `indent`.
void printWrapped(const std::string& text, const Layout& layout, std::size_t indent) {
  if (layout.width == 0) {
    std::cout << text << '\n';
    return;
  }
  const std::string shown = layout.uuidDigits == 0 ? text : viz::shortenUuids(text, layout.uuidDigits);
  for (const std::string& line : viz::wrap(shown, layout.width, indent)) std::cout << line << '\n';
}

std::string replayCommand(const RunArgs& a, std::uint64_t seed) {
  // A relative path that starts with '-' would read as an option.
  const std::string path = a.scenario.rfind('-', 0) == 0 ? "./" + a.scenario : a.scenario;
  std::string cmd = fmt::format("./agentsim run {} --seed {}", shellQuote(path), seed);
  if (!a.until.empty()) cmd += " --until " + shellQuote(a.until);
  if (a.maxEvents) cmd += fmt::format(" --max-events {}", *a.maxEvents);
  return cmd;
}

// Writes one view of `records` to `path` ("-" is stdout); false when it cannot.
bool writeViewFile(const std::string& option, const std::string& path, viz::ViewFormat format,
                   const sim::Fields& header, const std::vector<sim::Record>& records, const viz::ViewOptions& options) {
  if (path == "-") {
    viz::writeView(std::cout, format, header, records, options);
    return static_cast<bool>(std::cout);
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    std::cerr << fmt::format("agentsim: error: {}: cannot write '{}'\n", option, path);
    return false;
  }
  viz::writeView(out, format, header, records, options);
  out.close();
  if (out.fail()) {
    std::cerr << fmt::format("agentsim: error: {}: writing '{}' failed (is the disk full?)\n", option, path);
    return false;
  }
  return true;
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

int run(RunArgs a) {
  if (a.seedText) {
    a.seed = parseSeed(*a.seedText);
    if (!a.seed) {
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
  const harness::Scenario& scenario = std::get<harness::Scenario>(loaded);
  harness::RunOptions options;
  options.seed = a.seed;
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
  std::cout << fmt::format("agentsim: seed {}\n", seed) << std::flush;

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
  if (!a.all) layout = Layout{outputWidth(), viz::uuidPrefixLength(report.records)};
  if (!scenario.description.empty()) printWrapped("  " + printable(scenario.description), layout, 2);
  if (!a.quiet && !a.all) {
    std::cout << '\n';
    viz::StoryOptions story;
    story.refs = !a.noRefs;
    story.width = layout.width;
    viz::writeStory(std::cout, report.records, story);
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
  std::cout << "\nfault sites (places in model code where a scenario's hold may act):\n";
  for (const auto& [site, n] : report.fault_sites) {
    std::cout << fmt::format("  fault site {} reached {} {}\n", site, n, n == 1 ? "time" : "times");
  }
  if (report.fault_sites.empty()) std::cout << "  (none reached)\n";
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

struct ViewArgs {
  std::string trace;
  std::string format = "text";
  std::string output = "-";
  FilterArgs filter;
  bool noRefs = false;
};

// Draws a saved trace (docs/views.md). The trace is streamed: only the records the view
// needs are kept.
int viewCommand(const ViewArgs& a) {
  const auto format = viz::parseViewFormat(a.format);
  if (!format) {
    std::cerr << fmt::format("agentsim: error: --format: expected text, svg, html, perfetto or mermaid, got '{}'\n",
                             printable(a.format));
    return kBadInput;
  }
  std::string error;
  const auto filter = a.filter.filter(error);
  if (!filter) {
    std::cerr << fmt::format("agentsim: error: {}\n", error);
    return kBadInput;
  }
  std::ifstream in(a.trace, std::ios::binary);
  if (!in) {
    std::cerr << fmt::format("agentsim: error: {}: cannot open the trace\n", a.trace);
    return kBadInput;
  }
  auto trace = viz::readTrace(
      in, [&](const sim::Record& r) { return viz::viewKeeps(*format, r, *filter); }, {},
      [test = filter->lineTest()](std::string_view line) { return !test(line); });
  if (trace.isError()) {
    std::cerr << fmt::format("agentsim: error: {}: {}\n", a.trace, trace.error());
    return kBadInput;
  }
  viz::ViewOptions options;
  options.filter = *filter;
  options.refs = !a.noRefs;
  return writeViewFile("-o", a.output, *format, trace->header, trace->records, options) ? kHeld : kBadInput;
}

// Where two saved runs diverge; exits 0 when they are the same, 1 when they diverge.
int diffCommand(const std::string& pathA, const std::string& pathB, std::size_t context) {
  std::ifstream a(pathA, std::ios::binary);
  std::ifstream b(pathB, std::ios::binary);
  for (auto [path, stream] : {std::make_pair(&pathA, &a), std::make_pair(&pathB, &b)}) {
    if (!*stream) {
      std::cerr << fmt::format("agentsim: error: {}: cannot open the trace\n", *path);
      return kBadInput;
    }
  }
  viz::DiffOptions options;
  options.context = context;
  std::cout << fmt::format("A: {}\nB: {}\n", pathA, pathB);
  auto result = viz::diffTraces(a, b, pathA, pathB, std::cout, options);
  if (result.isError()) {
    std::cout << std::flush;
    std::cerr << fmt::format("agentsim: error: {}\n", result.error());
    return kBadInput;
  }
  return result->same ? kHeld : kFailed;
}

int check(const std::vector<std::string>& files) {
  int status = kHeld;
  for (const auto& f : files) {
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
    auto trace = viz::readTrace(in);
    if (trace.isError()) {
      std::cerr << fmt::format("agentsim: error: {}: {}\n", f, trace.error());
      status = kBadInput;
      continue;
    }
    std::cout << fmt::format("{}: {} records\n", f, trace->records.size());
    for (const auto& i : harness::checkInvariants(trace->records, sim::Time{})) {
      std::cout << fmt::format("  {:<8} {}: {}\n", i.held ? "held" : "VIOLATED", i.name, i.evidence);
      if (!i.held && status == kHeld) status = kFailed;
    }
  }
  return status;
}

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

int main2(int argc, char** argv) {
  CLI::App app{"agentsim: a deterministic discrete-event simulator of the Apache Mesos agent"};
  app.set_version_flag("--version", fmt::format("agentsim {} (models Mesos 1.1)", AGENTSIM_VERSION));
  app.require_subcommand(1);

  RunArgs runArgs;
  auto* runCmd = app.add_subcommand("run", "Run a scenario and check its expectations");
  runCmd->add_option("scenario", runArgs.scenario, "Scenario file (JSON)")->required();
  runCmd->add_option("--seed", runArgs.seedText, "Seed, 0 to 18446744073709551615 (default: the scenario's)");
  runCmd->add_option("--until", runArgs.until, "Stop at this simulated time, e.g. 2mins (default: the scenario's)");
  runCmd->add_option("--trace", runArgs.trace, "Write the trace as JSON Lines to FILE (docs/trace-format.md)");
  runCmd->add_option("--max-events", runArgs.maxEvents, "Stop the run after this many events (docs/limits.md)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000'000'000}));
  runCmd->add_option("--html", runArgs.html, "Write the HTML explorer of the run to FILE (docs/views.md)");
  runCmd->add_flag("--quiet", runArgs.quiet, "Do not print the timeline");
  runCmd->add_flag("--all", runArgs.all, "Also print every delivery and the ZooKeeper heartbeats");
  runCmd->add_flag("--no-refs", runArgs.noRefs, "Do not print the modelled Mesos source on timeline lines");
  runCmd->add_option("--results", runArgs.results,
                     "Write every verdict as JSON to FILE, for graders and notebooks (docs/results-format.md)");
  runCmd->add_option("--svg", runArgs.svg, "Draw the run's sequence diagram as SVG to FILE (docs/views.md)");
  runCmd->add_option("--perfetto", runArgs.perfetto, "Write the run as Perfetto / Chrome trace JSON to FILE");

  ViewArgs viewArgs;
  auto* viewCmd = app.add_subcommand("view", "Draw a saved trace: text, SVG sequence diagram, HTML explorer, Perfetto JSON, Mermaid");
  viewCmd->add_option("trace", viewArgs.trace, "Trace file (run --trace FILE)")->required();
  viewCmd->add_option("--format", viewArgs.format, "text, svg, html, perfetto or mermaid (default: text)");
  viewCmd->add_option("-o,--output", viewArgs.output, "Write to FILE (default: standard output)");
  viewArgs.filter.addTo(*viewCmd);
  viewCmd->add_flag("--all", viewArgs.filter.all,
                    "Also show periodic chatter: ZooKeeper heartbeats, the master's agent pings (and, in text, every "
                    "delivery)");
  viewCmd->add_flag("--no-refs", viewArgs.noRefs, "Text: do not print the modelled Mesos source");

  std::vector<std::string> diffFiles;
  std::size_t diffContext = 5;
  auto* diffCmd = app.add_subcommand(
      "diff", "Where two saved runs diverge: the first differing record, the context, what each did next");
  diffCmd->add_option("traces", diffFiles, "Two trace files, A and B")->required()->expected(2);
  diffCmd->add_option("--context", diffContext, "Records shown before and after the divergence (default: 5)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1000}));

  std::vector<std::string> checkFiles;
  auto* checkCmd = app.add_subcommand("check", "Validate scenario files without running them");
  checkCmd->add_option("scenarios", checkFiles, "Scenario files")->required();

  std::vector<std::string> traceFiles;
  auto* invariantsCmd =
      app.add_subcommand("invariants", "Check the status update invariants over saved traces (run --trace FILE)");
  invariantsCmd->add_option("traces", traceFiles, "Trace files (JSON Lines)")->required();

  auto* flagsCmd = app.add_subcommand("flags", "List the modelled agent and master flags with their defaults");

  GraphArgs graphArgs;
  auto* graphCmd = app.add_subcommand(
      "graph", "Print the agent's startup graph (the steps of main.cpp and what each needs); `| dot -Tsvg` draws it");
  graphCmd->add_option("scenario", graphArgs.scenario, "Scenario file (default: an agent with the default flags)");
  graphCmd->add_option("--agent", graphArgs.agent, "Which agent of the scenario (default: the first)");
  graphCmd->add_option("--format", graphArgs.format, "dot, text or json (default: text)")
      ->check(CLI::IsMember({"dot", "text", "json"}));

  GraphArgs explainArgs;
  auto* explainCmd = app.add_subcommand(
      "explain", "A guided tour of the agent's main(): each startup step, its inputs, Mesos source and failures");
  explainCmd->add_option("scenario", explainArgs.scenario, "Scenario file (default: an agent with the default flags)");
  explainCmd->add_option("--agent", explainArgs.agent, "Which agent of the scenario (default: the first)");


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
  if (runCmd->parsed()) return run(runArgs);
  if (checkCmd->parsed()) return check(checkFiles);
  if (viewCmd->parsed()) return viewCommand(viewArgs);
  if (diffCmd->parsed()) return diffCommand(diffFiles[0], diffFiles[1], diffContext);
  if (invariantsCmd->parsed()) return invariantsCommand(traceFiles);
  if (graphCmd->parsed()) return graphCommand(graphArgs);
  if (explainCmd->parsed()) return explainCommand(explainArgs);
  if (flagsCmd->parsed()) {
    printFlags("Agent (mesos-agent)", model::slaveFlagTable());
    std::cout << '\n';
    printFlags("Master (mesos-master)", model::masterFlagTable());
    return kHeld;
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
