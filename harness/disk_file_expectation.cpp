// The `disk_file` expectation: which files a host's disk holds at a time, as a Mesos
// test reads the agent's work_dir with os::exists or state::recover
// (SlaveRecoveryTest.NonCheckpointingFramework, RecoverSlaveState).
// {host, path (a pattern: `*` stands for any characters but '/'; a directory matches
//  while a file is under it), at, contains,
//  count | at_least | at_most (default: at least one)}.
// The disk is not in the trace, so the expectation carries a probe (Expectation::probes)
// that the world runs at `at`, after the events already due then: it writes one `log`
// record named `disk` with the files matching the pattern, and the check reads it.
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "harness/tables.hpp"
#include "harness/world.hpp"
#include "sim/disk.hpp"

namespace agentsim::harness {

namespace {

constexpr std::string_view kDiskRecord = "disk";

// Whether one path segment matches one pattern segment, where `*` matches any run of
// characters (the two-pointer wildcard match: linear but for backtracking to the last `*`).
bool segmentMatches(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] != '*' && pattern[p] == text[t]) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++, mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1, t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  for (std::size_t start = 0;;) {
    const std::size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

// What of `path` the pattern names: the path itself, or the directory above it that the
// pattern matches (its first as many segments as the pattern has); none if it does not match.
std::optional<std::string> matchedEntry(std::string_view pattern, std::string_view path) {
  const auto want = segments(pattern);
  const auto have = segments(path);
  if (have.size() < want.size()) return std::nullopt;
  std::size_t length = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (!segmentMatches(want[i], have[i])) return std::nullopt;
    length += have[i].size() + (i == 0 ? 0 : 1);
  }
  return std::string(path.substr(0, length));
}

struct DiskFile {
  std::string host;
  std::string pattern;
  std::string contains;  // empty: any content
  std::string label;
  sim::Duration at;
};

// The probe: the files of the host's disk that match, now.
void probe(World& w, const DiskFile& d) {
  const sim::Disk& disk = w.host(d.host).disk();
  const std::string prefix = d.pattern.substr(0, d.pattern.find('*'));
  // A directory exists while a file is under it: a pattern matching a directory counts it
  // once. `contains` reads files only.
  std::set<std::string> found;
  for (const std::string& path : disk.list(prefix)) {
    const auto entry = matchedEntry(d.pattern, path);
    if (!entry) continue;
    if (!d.contains.empty()) {
      const auto bytes = disk.read(path);
      if (*entry != path || !bytes || bytes->find(d.contains) == std::string::npos) continue;
    }
    found.insert(*entry);
  }
  const std::vector<std::string> matches(found.begin(), found.end());
  std::string files;
  for (std::size_t i = 0; i < matches.size() && i < 8; ++i) files += (i == 0 ? "" : ", ") + matches[i];
  if (matches.size() > 8) files += fmt::format(", ... ({} more)", matches.size() - 8);
  w.sim().emit(sim::RecordKind::Log, nullptr, d.host, std::string(kDiskRecord),
               {{"message", fmt::format("{} path(s) match {}", matches.size(), d.pattern)},
                {"label", d.label},
                {"pattern", d.pattern},
                {"matches", static_cast<std::int64_t>(matches.size())},
                {"files", files}},
               "");
}

// count | at_least | at_most, as message_count's (default: at least one).
struct Bounds {
  std::uint64_t lo = 1;
  std::uint64_t hi = UINT64_MAX;
  bool holds(std::uint64_t n) const { return n >= lo && n <= hi; }
  std::string describe() const {
    return lo == hi ? fmt::format("exactly {}", lo)
           : hi == UINT64_MAX ? fmt::format("at least {}", lo)
                              : fmt::format("between {} and {}", lo, hi);
  }
};

Bounds boundsOf(const ParseContext& c, const std::string& p) {
  Bounds b;
  const bool count = c.reader.has(p + "/count");
  if (count && (c.reader.has(p + "/at_least") || c.reader.has(p + "/at_most"))) {
    c.reader.fail(p, "give either \"count\" or \"at_least\"/\"at_most\", not both");
  }
  if (count) b.lo = b.hi = c.reader.unsignedInteger(p + "/count", 0, 1'000'000'000);
  if (c.reader.has(p + "/at_most")) b.lo = 0, b.hi = c.reader.unsignedInteger(p + "/at_most", 0, 1'000'000'000);
  if (c.reader.has(p + "/at_least")) b.lo = c.reader.unsignedInteger(p + "/at_least", 0, 1'000'000'000);
  if (b.hi < b.lo) c.reader.fail(p + "/at_most", "at_most is below at_least");
  return b;
}

struct DiskFileCheck final : ExpectationCheck {
  std::string label;
  Bounds bounds;
  std::optional<std::int64_t> matches;
  std::string files;
  std::uint64_t seq = 0;
  DiskFileCheck(std::string l, Bounds b) : label(std::move(l)), bounds(b) {}
  void observe(const sim::Record& r) override {
    if (r.kind != sim::RecordKind::Log || r.name != kDiskRecord || r.text("label") != label) return;
    matches = r.integer("matches");
    files = r.text("files");
    seq = r.seq;
  }
  Outcome finish(sim::Time) override {
    if (!matches) return Outcome{false, "the disk was never looked at"};
    const bool held = bounds.holds(static_cast<std::size_t>(*matches));
    return Outcome{held, *matches == 0 ? std::string("no matching file") : fmt::format("{} path(s): {}", *matches, files),
                   {seq}};
  }
};

}  // namespace

void parseDiskFile(const ParseContext& c, const std::string& p, Expectation& out) {
  c.reader.object(p, {"host", "path", "contains", "at", "count", "at_least", "at_most"}, {"host", "path", "at"});
  DiskFile d;
  d.host = hostArg(c, p + "/host");
  d.pattern = c.reader.string(p + "/path", 1000);
  if (d.pattern.empty() || d.pattern.front() != '/') {
    c.reader.fail(p + "/path", fmt::format("expected an absolute path (\"/var/lib/mesos/meta/slaves/*/slave.info\"), "
                                           "got \"{}\"", d.pattern.substr(0, 100)));
  }
  if (c.reader.has(p + "/contains")) d.contains = c.reader.string(p + "/contains", 1000);
  d.at = c.reader.duration(p + "/at", sim::Duration{}, ScenarioLimits::kMaxUntil);
  d.label = c.label;
  const Bounds bounds = boundsOf(c, p);
  out.summary = fmt::format("{}'s disk holds {} path(s) matching {}{} at {}", d.host, bounds.describe(), d.pattern,
                            d.contains.empty() ? std::string() : " containing \"" + d.contains + "\"",
                            sim::format(d.at));
  out.probes.push_back(TimelineEntry{d.at, "disk_file", out.summary, d.label, [d](World& w) { probe(w, d); }});
  out.interest = sim::Interest().name(sim::RecordKind::Log, std::string(kDiskRecord));
  out.check = [label = d.label, bounds] { return std::make_unique<DiskFileCheck>(label, bounds); };
  out.evaluate = [label = d.label, bounds](const std::vector<sim::Record>& records) {
    DiskFileCheck check(label, bounds);
    for (const sim::Record& r : records) check.observe(r);
    return check.finish(records.empty() ? sim::Time{} : records.back().at);
  };
}

}  // namespace agentsim::harness
