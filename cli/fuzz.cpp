// `agentsim fuzz SCENARIO... --seeds N`: regression fuzzing of the agent's startup
// ordering with swarm faults (docs/fuzzing.md); `agentsim fuzz-merge SUMMARY...`: the
// shards' summaries merged into the groups and reproducers of one unsharded run.
// Exit 0 when no case failed, 1 when some did (reproducers written with --out), 2 for bad
// input. The wall clock here only paces --time-budget and the progress line.
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "harness/fuzz/campaign.hpp"
#include "harness/fuzz/observer.hpp"
#include "harness/fuzz/shrink.hpp"
#include "harness/scenario.hpp"
#include "model/common/planted_bug.hpp"

namespace agentsim::cli {

namespace {

namespace fz = harness::fuzz;
using Clock = std::chrono::steady_clock;

struct FuzzArgs {
  std::vector<std::string> scenarios;
  std::uint64_t seeds = 0;
  unsigned jobs = 1;
  std::string shard;
  std::string timeBudget;
  std::string out;
  std::string bug;
  bool expectations = false;
  bool noFaults = false;
  bool listBugs = false;
};

struct MergeArgs {
  std::vector<std::string> summaries;
  std::string out;
};

int listBugs() {
  for (const auto& b : model::plantedBugs()) std::cout << fmt::format("{}\t{}\n", b.name, b.help);
  return kHeld;
}

bool knownBug(const std::string& bug) {
  if (bug.empty() || model::findPlantedBug(bug) != nullptr) return true;
  std::string names;
  for (const auto& b : model::plantedBugs()) names += fmt::format("\n  {}", b.name);
  std::cerr << fmt::format("agentsim: error: --bug: unknown planted bug '{}'; the planted bugs are:{}\n", printable(bug),
                           names.empty() ? std::string("\n  (none in this build)") : names);
  return false;
}

std::optional<std::vector<fz::Base>> loadBases(const std::vector<std::string>& files) {
  std::vector<fz::Base> bases;
  for (const std::string& file : files) {
    auto loaded = harness::loadScenarioFile(file);
    if (auto* err = std::get_if<harness::LoadError>(&loaded)) {
      std::cerr << err->format() << '\n';
      return std::nullopt;
    }
    std::ifstream in(file, std::ios::binary);
    fz::Base b{file, std::move(std::get<harness::Scenario>(loaded)), fz::Json::parse(in, nullptr, false)};
    if (b.document.is_discarded()) {
      std::cerr << fmt::format("agentsim: error: {}: not plain JSON\n", printable(file));
      return std::nullopt;
    }
    fz::prepare(b);
    bases.push_back(std::move(b));
  }
  return bases;
}

// The progress line on a terminal: cases done, rate, ETA, groups found.
class Progress {
 public:
  Progress(std::uint64_t total, std::optional<Clock::time_point> deadline)
      : total_(total), deadline_(deadline), start_(Clock::now()), tty_(isatty(STDERR_FILENO) != 0) {}
  // False once the time budget is spent.
  bool update(std::uint64_t done, std::size_t groups) {
    const auto now = Clock::now();
    if (tty_ && (now - last_ > std::chrono::milliseconds(200) || done == total_)) {
      last_ = now;
      const double secs = std::chrono::duration<double>(now - start_).count();
      const double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
      const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
      std::cerr << fmt::format("\r{}/{} cases  {:.0f}/s  ETA {:.0f}s  {} groups   ", done, total_, rate, eta, groups);
      open_ = done != total_;
      if (!open_) std::cerr << '\n';
    }
    return !deadline_ || now < *deadline_;
  }
  bool inBudget() const { return !deadline_ || Clock::now() < *deadline_; }
  // Ends a line the time budget left open, before the report.
  void end() {
    if (open_) std::cerr << '\n';
    open_ = false;
  }

 private:
  std::uint64_t total_;
  std::optional<Clock::time_point> deadline_;
  Clock::time_point start_, last_{};
  bool tty_;
  bool open_ = false;  // a progress line is on the terminal without its newline
};

// --jobs J: J child processes, each running every J-th case and sending back its summary;
// the summaries merge to the same result in any order, so J does not change it.
fz::Summary runJobs(const std::vector<fz::Base>& bases, const fz::CampaignOptions& options, unsigned jobs,
                    Progress& progress) {
  const auto cases = fz::shardCases(bases.size(), options);
  if (jobs <= 1) {
    return fz::runCases(bases, options, cases, [&](const fz::Summary& s) { return progress.update(s.cases, s.groups.size()); });
  }
  struct Child {
    pid_t pid;
    int fd;
    std::string data;
  };
  std::vector<Child> children;
  for (unsigned j = 0; j < jobs; ++j) {
    std::vector<std::pair<std::size_t, std::uint64_t>> mine;
    for (std::size_t i = j; i < cases.size(); i += jobs) mine.push_back(cases[i]);
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    std::cout.flush();
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      close(fds[0]);
      const fz::Summary s = fz::runCases(bases, options, mine, [&](const fz::Summary&) {
        (void)!write(fds[1], ".", 1);  // one byte per case, for the parent's progress line
        return progress.inBudget();
      });
      const std::string text = "\n" + s.toJson().dump();
      std::size_t off = 0;
      while (off < text.size()) {
        const ssize_t n = write(fds[1], text.data() + off, text.size() - off);
        if (n <= 0) _exit(3);
        off += static_cast<std::size_t>(n);
      }
      _exit(0);
    }
    close(fds[1]);
    children.push_back({pid, fds[0], {}});
  }
  std::uint64_t done = 0;
  std::size_t open = children.size();
  while (open > 0) {
    std::vector<pollfd> fds;
    for (const Child& c : children)
      if (c.fd >= 0) fds.push_back({c.fd, POLLIN, 0});
    poll(fds.data(), fds.size(), -1);
    for (Child& c : children) {
      if (c.fd < 0) continue;
      char buf[65536];
      const ssize_t n = read(c.fd, buf, sizeof buf);
      if (n < 0) continue;
      if (n == 0) {
        close(c.fd);
        c.fd = -1;
        --open;
        continue;
      }
      const std::string chunk(buf, static_cast<std::size_t>(n));
      if (c.data.empty() || c.data.find('\n') == std::string::npos) {
        const std::size_t nl = chunk.find('\n');
        done += static_cast<std::uint64_t>(std::count(chunk.begin(), nl == std::string::npos ? chunk.end() : chunk.begin() + static_cast<std::ptrdiff_t>(nl), '.'));
      }
      c.data += chunk;
      progress.update(done, 0);
    }
  }
  fz::Summary total;
  bool first = true;
  for (Child& c : children) {
    int status = 0;
    waitpid(c.pid, &status, 0);
    const std::size_t nl = c.data.find('\n');
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || nl == std::string::npos)
      throw std::runtime_error(fmt::format("fuzz job {} failed", c.pid));
    auto s = fz::Summary::fromJson(fz::Json::parse(c.data.substr(nl + 1)));
    if (auto* err = std::get_if<std::string>(&s)) throw std::runtime_error(*err);
    if (first) {
      total = std::get<fz::Summary>(s);
      first = false;
    } else {
      total.merge(std::get<fz::Summary>(s));
    }
  }
  return total;
}

std::string slug(const std::string& text) {
  std::string out;
  for (char ch : text) {
    const bool ok = std::isalnum(static_cast<unsigned char>(ch)) != 0;
    if (ok) out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.substr(0, 40);
}

struct Written {
  std::string path;
  std::string replay;
  std::size_t faults = 0;
  std::uint64_t runs = 0;
  bool replays = false;
};

// Shrinks each group's fastest-failing case and writes its reproducer under `out`.
std::map<std::string, Written> writeReproducers(const fz::Summary& summary, const std::vector<fz::Base>& bases,
                                                const std::string& out) {
  std::map<std::string, Written> written;
  fz::CaseOptions co;
  co.faults = summary.options.faults;
  co.expectations = summary.options.judge.expectations;
  for (const auto& [sig, g] : summary.groups) {
    const auto base = std::find_if(bases.begin(), bases.end(), [&scenario = g.scenario](const fz::Base& b) { return b.file == scenario; });
    if (base == bases.end()) continue;
    const fz::Shrunk shrunk = fz::shrinkCase(fz::drawCase(*base, g.seed, co), sig, summary.options.judge);
    Written w;
    w.path = (std::filesystem::path(out) /
              fmt::format("{}-{}-{}.json", base->scenario.name, slug(g.rule), g.seed)).string();
    w.replay = "./agentsim run " + shellQuote(w.path);
    if (!summary.options.judge.bug.empty()) w.replay += " --bug " + shellQuote(summary.options.judge.bug);
    const fz::Json doc = fz::reproducer(shrunk, summary.options.judge, w.replay);
    std::ofstream file(w.path, std::ios::binary);
    file << doc.dump(2) << '\n';
    if (!file) throw std::runtime_error(fmt::format("cannot write '{}'", w.path));
    w.faults = shrunk.shrunk.faults.size();
    w.runs = shrunk.runs;
    w.replays = fz::failsUnderRun(doc, summary.options.judge.bug);
    written[sig] = w;
  }
  return written;
}

// The cases the summary's shards hold when every seed runs (a --time-budget may stop sooner).
std::uint64_t plannedCases(const fz::Summary& s) {
  const std::uint64_t total = s.options.seeds * s.scenarios.size();
  std::uint64_t n = 0;
  for (std::uint64_t k : s.shardsSeen) {
    if (k >= 1 && k <= total) n += (total - k) / s.options.shards + 1;
  }
  return n;
}

// The fault family x lifecycle phase table, its first column as wide as the longest family.
void printCoverage(const fz::Summary& s) {
  if (!s.options.faults) {
    std::cout << "\nfault family x lifecycle phase: no faults (--no-faults)\n";
    return;
  }
  std::size_t width = 0;
  for (const auto& family : fz::faultFamilies()) width = std::max(width, family.size());
  std::cout << "\nfault family x lifecycle phase (actions run):\n";
  std::cout << fmt::format("  {:<{}}", "", width);
  for (const auto& p : fz::lifecyclePhases()) std::cout << fmt::format("{:>13}", p);
  std::cout << '\n';
  for (const auto& family : fz::faultFamilies()) {
    std::cout << fmt::format("  {:<{}}", family, width);
    for (const auto& p : fz::lifecyclePhases()) {
      const auto it = s.coverage.find({family, p});
      std::cout << fmt::format("{:>13}", it == s.coverage.end() ? 0 : it->second);
    }
    std::cout << '\n';
  }
}

void printHuman(const fz::Summary& s, const std::map<std::string, Written>& written) {
  std::cout << fmt::format("{} cases, {} failed, {} groups", s.cases, s.failed, s.groups.size());
  const std::uint64_t planned = plannedCases(s);
  if (s.cases < planned) std::cout << fmt::format(" (of {} planned: the time budget ran out)", planned);
  std::cout << '\n';
  for (const auto& [sig, g] : s.groups) {
    std::cout << fmt::format("\nFAILED {} ({} cases; fastest: {} seed {}, {} events)\n  {}\n", g.rule, g.count,
                             g.scenario, g.seed, g.events, printable(g.evidence));
    const auto w = written.find(sig);
    if (w != written.end()) {
      std::cout << fmt::format("  reproducer: {} ({} faults after {} shrinking runs; {} under run)\n  replay: {}\n",
                               w->second.path, w->second.faults, w->second.runs,
                               w->second.replays ? "fails" : "does NOT fail", w->second.replay);
    }
  }
  std::cout << "\nstartup orders (distinct run / topological orders of the agent's startup graph):\n";
  for (const auto& [k, n] : s.orderCounts) {
    const auto it = s.ordersRun.find(k);
    std::cout << fmt::format("  {}: {} / {}\n", k, it == s.ordersRun.end() ? 0 : it->second.size(), n);
  }
  if (!s.outcomes.empty()) std::cout << "\noutcomes, not failures (agents' startup errors; agents Mesos leaves unregistered):\n";
  for (const auto& [k, n] : s.outcomes) std::cout << fmt::format("  {:>8}  {}\n", n, printable(k));
  printCoverage(s);
  if (!s.sites.empty()) std::cout << "\nfault sites reached (how often, over every case):\n";
  for (const auto& [site, n] : s.sites) std::cout << fmt::format("  {:>8}  {}\n", n, site);
}

// JSON Lines for machines: one line per group, then the summary (without order hashes).
void printJsonLines(const fz::Summary& s, const std::map<std::string, Written>& written) {
  for (const auto& [sig, g] : s.groups) {
    fz::Json line{{"group", sig}, {"scenario", g.scenario}, {"rule", g.rule}, {"evidence", g.evidence},
                  {"seed", g.seed}, {"events", g.events}, {"count", g.count}};
    const auto w = written.find(sig);
    if (w != written.end()) {
      line["reproducer"] = w->second.path;
      line["replay"] = w->second.replay;
      line["faults"] = w->second.faults;
      line["fails_under_run"] = w->second.replays;
    }
    std::cout << line.dump() << '\n';
  }
  fz::Json summary = s.toJson();
  summary.erase("groups");
  for (auto& [k, o] : summary["orders"].items()) o.erase("run");
  summary["planned"] = plannedCases(s);  // more than "cases" when the time budget ran out
  std::cout << fz::Json{{"summary", summary}}.dump() << '\n';
}

// What fuzz and fuzz-merge end with: the summary and reproducers under --out, the report.
int finish(const fz::Summary& summary, const std::vector<fz::Base>& bases, const std::string& out) {
  std::map<std::string, Written> written;
  if (!out.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(out, ec);
    std::ofstream file(std::filesystem::path(out) / "summary.json", std::ios::binary);
    file << summary.toJson().dump() << '\n';
    if (ec || !file) {
      std::cerr << fmt::format("agentsim: error: --out: cannot write '{}'\n", printable(out));
      return kBadInput;
    }
    written = writeReproducers(summary, bases, out);
  }
  if (isatty(STDOUT_FILENO)) {
    printHuman(summary, written);
  } else {
    printJsonLines(summary, written);
  }
  return summary.failed == 0 ? kHeld : kFailed;
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> parseShard(const std::string& text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  const auto k = parseSeed(text.substr(0, slash));
  const auto n = parseSeed(text.substr(slash + 1));
  if (!k || !n || *n == 0 || *k == 0 || *k > *n || *n > 1'000'000) return std::nullopt;
  return std::make_pair(*k, *n);
}

int runFuzz(const FuzzArgs& a) {
  if (a.listBugs) return listBugs();
  if (!knownBug(a.bug)) return kBadInput;
  if (a.scenarios.empty() || a.seeds == 0) {
    std::cerr << "agentsim: error: fuzz needs at least one SCENARIO and --seeds N (N at least 1)\n";
    return kBadInput;
  }
  fz::CampaignOptions options;
  options.seeds = a.seeds;
  options.faults = !a.noFaults;
  options.judge.bug = a.bug;
  options.judge.expectations = a.expectations;
  if (!a.shard.empty()) {
    const auto shard = parseShard(a.shard);
    if (!shard) {
      std::cerr << fmt::format("agentsim: error: --shard: expected K/N with 1 <= K <= N, got '{}'\n", printable(a.shard));
      return kBadInput;
    }
    std::tie(options.shard, options.shards) = *shard;
  }
  std::optional<Clock::time_point> deadline;
  if (!a.timeBudget.empty()) {
    const auto d = sim::parseDuration(a.timeBudget);
    if (d.isError() || *d <= sim::Duration{}) {
      std::cerr << fmt::format("agentsim: error: --time-budget: expected a duration such as 10mins, got '{}'\n",
                               printable(a.timeBudget));
      return kBadInput;
    }
    deadline = Clock::now() + std::chrono::nanoseconds((*d).ns());
  }
  const auto bases = loadBases(a.scenarios);
  if (!bases) return kBadInput;
  Progress progress(fz::shardCases(bases->size(), options).size(), deadline);
  const fz::Summary summary = runJobs(*bases, options, a.jobs, progress);
  progress.end();
  return finish(summary, *bases, a.out);
}

int runMerge(const MergeArgs& a) {
  std::optional<fz::Summary> merged;
  for (const std::string& path : a.summaries) {
    std::ifstream in(path, std::ios::binary);
    const fz::Json j = fz::Json::parse(in, nullptr, false);
    auto s = j.is_discarded() ? std::variant<fz::Summary, std::string>(std::string("not JSON"))
                              : fz::Summary::fromJson(j);
    if (auto* err = std::get_if<std::string>(&s)) {
      std::cerr << fmt::format("agentsim: error: {}: {}\n", printable(path), *err);
      return kBadInput;
    }
    fz::Summary& x = std::get<fz::Summary>(s);
    if (merged && (x.scenarios != merged->scenarios || x.options.seeds != merged->options.seeds ||
                   x.options.shards != merged->options.shards || x.options.faults != merged->options.faults ||
                   x.options.judge.bug != merged->options.judge.bug ||
                   x.options.judge.expectations != merged->options.judge.expectations)) {
      std::cerr << fmt::format("agentsim: error: {}: another campaign (scenarios, seeds, shards, bug or options differ)\n",
                               printable(path));
      return kBadInput;
    }
    if (merged) merged->merge(x);
    else merged = std::move(x);
  }
  if (merged->shardsSeen.size() != merged->options.shards)
    std::cerr << fmt::format("agentsim: warning: {} of {} shards merged\n", merged->shardsSeen.size(),
                             merged->options.shards);
  const auto bases = loadBases(merged->scenarios);
  if (!bases) return kBadInput;
  return finish(*merged, *bases, a.out);
}

}  // namespace

Command addFuzzCommand(CLI::App& app) {
  auto args = std::make_shared<FuzzArgs>();
  auto* cmd = app.add_subcommand("fuzz", "Fuzz the agent's startup ordering with swarm faults (docs/fuzzing.md)");
  cmd->add_option("scenario", args->scenarios, "Base scenario files (JSON)");
  cmd->add_option("--seeds", args->seeds, "Cases 1..N of each scenario")->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000'000}));
  cmd->add_option("--jobs", args->jobs, "Processes to run cases in (the results do not depend on it)")
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--shard", args->shard, "Run only shard K of N (K/N); merge the shards with fuzz-merge");
  cmd->add_option("--time-budget", args->timeBudget, "Stop starting cases after this much wall time, e.g. 10mins");
  cmd->add_option("--out", args->out, "Write summary.json and a shrunk reproducer per failure group to DIR");
  cmd->add_option("--bug", args->bug, "Turn on a planted bug (see --list-bugs)");
  cmd->add_flag("--expectations", args->expectations, "Also judge by the scenarios' own expectations");
  cmd->add_flag("--no-faults", args->noFaults, "Startup orders only: no swarm faults");
  cmd->add_flag("--list-bugs", args->listBugs, "Print the planted bugs, one a line, and exit");
  addExamples(*cmd, "agentsim fuzz scenarios/startup.json --seeds 10000 --no-faults",
              "agentsim fuzz scenarios/agent_restart.json --seeds 200 --jobs 2 --bug update-forwarded-before-checkpoint "
              "--out findings",
              "docs/fuzzing.md, docs/planted-bugs.md");
  return {cmd, [args] { return runFuzz(*args); }};
}

Command addFuzzMergeCommand(CLI::App& app) {
  auto args = std::make_shared<MergeArgs>();
  auto* cmd = app.add_subcommand("fuzz-merge", "Merge fuzz shards' summary.json into one campaign's groups and reproducers");
  cmd->add_option("summary", args->summaries, "The shards' summary.json files")->required();
  cmd->add_option("--out", args->out, "Write the merged summary.json and the reproducers to DIR");
  addExamples(*cmd, "agentsim fuzz-merge shard-*/summary.json --out merged",
              "agentsim fuzz-merge a/summary.json b/summary.json", "docs/fuzzing.md");
  return {cmd, [args] { return runMerge(*args); }};
}

}  // namespace agentsim::cli
