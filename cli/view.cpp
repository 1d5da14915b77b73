// `agentsim view TRACE` and `agentsim diff A B`: views of saved traces (docs/views.md).
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "viz/filter.hpp"
#include "viz/trace_diff.hpp"
#include "viz/trace_reader.hpp"
#include "viz/view.hpp"

namespace agentsim::cli {

namespace {

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
  // A trace cut short is still worth a look (a run that crashed): drawn with a warning.
  viz::TraceReaderLimits limits;
  limits.accept_truncated = true;
  auto trace = viz::readTrace(
      in, [&](const sim::Record& r) { return viz::viewKeeps(*format, r, *filter); }, limits,
      [test = filter->lineTest()](std::string_view line) { return !test(line); });
  if (trace.isError()) {
    std::cerr << fmt::format("agentsim: error: {}: {}\n", a.trace, trace.error());
    return kBadInput;
  }
  viz::ViewOptions options;
  options.filter = *filter;
  options.refs = !a.noRefs;
  options.truncated = !trace->end;
  if (options.truncated) {
    std::cerr << fmt::format("agentsim: warning: {}: the trace is truncated: it has no end record, which a finished "
                             "run writes last (the run did not finish, or the file was cut short; "
                             "docs/trace-format.md); drawing what it has\n",
                             a.trace);
  }
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

}  // namespace

Command addViewCommand(CLI::App& app) {
  auto args = std::make_shared<ViewArgs>();
  auto* cmd = app.add_subcommand(
      "view", "Draw a saved trace: text, SVG sequence diagram, HTML explorer, Perfetto JSON, Mermaid");
  cmd->add_option("trace", args->trace, "Trace file (run --trace FILE)")->required();
  cmd->add_option("--format", args->format, "text, svg, html, perfetto or mermaid (default: text)");
  cmd->add_option("-o,--output", args->output, "Write to FILE (default: standard output)");
  args->filter.addTo(*cmd);
  cmd->add_flag("--all", args->filter.all,
                "Also show periodic chatter: ZooKeeper heartbeats, the master's agent pings (and, in text, every "
                "delivery)");
  cmd->add_flag("--no-refs", args->noRefs, "Text: do not print the modelled Mesos source");
  addExamples(*cmd, "agentsim view run.jsonl --format svg -o run.svg",
              "agentsim view run.jsonl --hosts agent-1 --from 30secs --to 45secs", "docs/views.md");
  return Command{cmd, [args] { return viewCommand(*args); }};
}

Command addDiffCommand(CLI::App& app) {
  struct DiffArgs {
    std::vector<std::string> files;
    std::size_t context = 5;
  };
  auto args = std::make_shared<DiffArgs>();
  auto* cmd = app.add_subcommand(
      "diff", "Where two saved runs diverge: the first differing record, the context, what each did next");
  cmd->add_option("traces", args->files, "Two trace files, A and B")->required()->expected(2);
  cmd->add_option("--context", args->context, "Records shown before and after the divergence (default: 5)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1000}));
  addExamples(*cmd, "agentsim diff seed1.jsonl seed2.jsonl", "agentsim diff before.jsonl after.jsonl --context 10",
              "docs/views.md");
  return Command{cmd, [args] { return diffCommand(args->files[0], args->files[1], args->context); }};
}

}  // namespace agentsim::cli
