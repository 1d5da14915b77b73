#include "viz/timeline_story.hpp"

#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "viz/timeline.hpp"
#include "viz/trace_reader.hpp"

namespace agentsim::viz {

namespace {

constexpr std::size_t kUuidLength = 36;
constexpr std::size_t kMinUuidDigits = 8;
// A run of folded records gets a line of its own when it holds this many records besides
// the periodic chatter (pings, heartbeats); shorter runs are only in --all.
constexpr std::size_t kFoldLine = 20;

bool isHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool isWordChar(char c) { return isHex(c) || (c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z') || c == '_'; }

// Whether a UUID starts at `at` in `text` (not inside a longer word).
bool uuidAt(std::string_view text, std::size_t at) {
  if (at + kUuidLength > text.size() || (at > 0 && isWordChar(text[at - 1]))) return false;
  for (std::size_t i = 0; i < kUuidLength; ++i) {
    const char c = text[at + i];
    if (i == 8 || i == 13 || i == 18 || i == 23 ? c != '-' : !isHex(c)) return false;
  }
  return at + kUuidLength == text.size() || !isWordChar(text[at + kUuidLength]);
}

void collectUuids(std::string_view text, std::set<std::string>& out) {
  for (std::size_t i = 0; i + kUuidLength <= text.size(); ++i) {
    if (uuidAt(text, i)) out.emplace(text.substr(i, kUuidLength));
  }
}

// Messages a master and an agent exchange on a timer: folded with the periodic chatter.
bool isPeriodic(const sim::Record& r) {
  return isHeartbeat(r) || r.name == "PingSlaveMessage" || r.name == "PongSlaveMessage";
}

bool isZooKeeper(const sim::Record& r) {
  return r.name.rfind("zookeeper.", 0) == 0 || r.process.rfind("zookeeper", 0) == 0 ||
         r.name.rfind("ZooKeeper", 0) == 0 || r.name.rfind("GroupProcess", 0) == 0;
}

// The state machines a student follows through a run (docs/trace-format.md).
bool isMilestoneMachine(const std::string& name) {
  static const std::set<std::string, std::less<>> kMachines{
      "Master::Leadership", "Slave::State",         "Master::Slave",    "Master::Framework", "Scheduler::statusUpdate",
      "Scheduler::slaveLost", "GarbageCollector", "LoadQoSController"};
  return kMachines.count(name) != 0;
}

// The plumbing under the milestones: an executor's messages, status updates and their
// acknowledgements (the scheduler's Scheduler::statusUpdate records tell what arrived),
// the agent's resource updates, the master's framework address updates after a
// reregistration (UpdateFrameworkMessage). Folded unless a check names them.
bool isPlumbing(const sim::Record& r) {
  return r.process.rfind("executor", 0) == 0 || r.text("to").rfind("executor", 0) == 0 ||
         r.text("from").rfind("executor", 0) == 0 || r.name.rfind("StatusUpdate", 0) == 0 ||
         r.name == "UpdateSlaveMessage" || r.name == "UpdateFrameworkMessage";
}

bool failedStartup(const sim::Record& r) {
  const auto* failed = std::get_if<bool>(r.field("failed"));
  return r.kind == sim::RecordKind::Startup && failed != nullptr && *failed;
}

// A record the story shows on a line of its own.
bool isMilestone(const sim::Record& r) {
  switch (r.kind) {
    case sim::RecordKind::Fault: return true;
    case sim::RecordKind::Drop: return !isPeriodic(r) && !isZooKeeper(r);
    case sim::RecordKind::Send: return !isPeriodic(r) && !isZooKeeper(r) && !isPlumbing(r);
    // A ZooKeeper server expiring a session: what starts a failover.
    case sim::RecordKind::Log: return r.text("message").rfind("Expiring session", 0) == 0;
    // A registration is told by the master's reply; a removal or a disconnection is not.
    case sim::RecordKind::State:
      return isMilestoneMachine(r.name) &&
             !((r.name == "Master::Slave" || r.name == "Master::Framework") &&
               (r.text("state") == "REGISTERED" || r.text("state") == "REREGISTERED"));
    // A failed step, or main() returning after the Slave terminated (an exit either way).
    case sim::RecordKind::Startup: return failedStartup(r) || r.field("exit_code") != nullptr;
    default: return false;
  }
}

// What sort of record a fold stands for, for its count.
std::string_view foldSort(const sim::Record& r) {
  if (isPeriodic(r)) return "periodic";
  if (isZooKeeper(r)) return "ZooKeeper";
  if (r.kind == sim::RecordKind::Send && isPlumbing(r)) return "message";
  switch (r.kind) {
    case sim::RecordKind::Deliver: return "delivery";
    case sim::RecordKind::Timer: return "timer";
    case sim::RecordKind::Log: return "log";
    case sim::RecordKind::State: return "state";
    default: return "other";
  }
}

// The seqs every check record names as its evidence.
std::set<std::uint64_t> evidenceSeqs(const std::vector<sim::Record>& records) {
  std::set<std::uint64_t> out;
  for (const auto& r : records) {
    if (r.kind != sim::RecordKind::Check) continue;
    for (std::uint64_t seq : evidenceSeqsOf(r)) out.insert(seq);
  }
  return out;
}

// One run of an agent's main(): its successful steps, told in one line at the first.
struct Startup {
  sim::Time at;
  std::int64_t position = 0;              // the last step's
  std::vector<std::string> states;        // Slave::State at that moment: RECOVERING, DISCONNECTED
  std::size_t steps = 0;
  std::size_t processes = 0;
  std::string ref;
};

// Every run of main() (an agent restart runs it again), by the seq of its first step.
struct Startups {
  std::map<std::uint64_t, Startup> byFirst;
  std::set<std::uint64_t> steps;   // seqs of every step but the first
  std::set<std::uint64_t> states;  // seqs of the Slave::State records told with a startup
};

// A step that built something (not one where main() exited or returned: --help, --version).
bool isStartupStep(const sim::Record& r) {
  return r.kind == sim::RecordKind::Startup && !failedStartup(r) && r.field("position") != nullptr &&
         r.field("exit_code") == nullptr;
}

Startups startups(const std::vector<sim::Record>& records) {
  Startups out;
  std::map<std::string, std::uint64_t> open;  // host -> its latest run's first seq
  for (const auto& r : records) {
    if (isStartupStep(r)) {
      auto it = open.find(r.host);
      // A step at or before the open run's last one begins a new run.
      if (it == open.end() || r.integer("position") <= out.byFirst[it->second].position) {
        it = open.insert_or_assign(r.host, r.seq).first;
        out.byFirst[r.seq].at = r.at;
      } else {
        out.steps.insert(r.seq);
      }
      Startup& s = out.byFirst[it->second];
      s.position = r.integer("position");
      ++s.steps;
      const std::string spawned = r.text("processes");
      if (!spawned.empty()) s.processes += 1 + static_cast<std::size_t>(std::count(spawned.begin(), spawned.end(), ','));
      s.ref = r.ref;  // the last step's: main()
    } else if (r.kind == sim::RecordKind::State && r.name == "Slave::State") {
      // The agent's first moves, at the moment main() ran, belong to its startup.
      const auto it = open.find(r.host);
      if (it == open.end() || out.byFirst[it->second].at != r.at) continue;
      out.byFirst[it->second].states.push_back(r.text("state"));
      out.states.insert(r.seq);
    }
  }
  return out;
}

struct Line {
  std::uint64_t seq = 0;  // of the record the line tells (a fold line: its first record)
  sim::Time at;
  std::string host;
  std::string process;
  std::string what;
  std::string ref;
};

StorySink::Folded foldedOf(const sim::Record& r) { return {r.seq, r.at, foldSort(r), isPeriodic(r)}; }

// The folded records since the last line, by sort.
struct Fold {
  std::map<std::string_view, std::size_t> sorts;
  std::size_t count = 0;
  std::size_t periodic = 0;
  std::uint64_t firstSeq = 0;
  sim::Time first;
  sim::Time last;

  void add(const StorySink::Folded& r) {
    if (count++ == 0) {
      first = r.at;
      firstSeq = r.seq;
    }
    last = r.at;
    ++sorts[r.sort];
    periodic += r.periodic ? 1 : 0;
  }
  Line line() const {
    std::vector<std::pair<std::size_t, std::string_view>> bySize;
    for (const auto& [sort, n] : sorts) bySize.emplace_back(n, sort);
    std::stable_sort(bySize.begin(), bySize.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> parts;
    for (const auto& [n, sort] : bySize) parts.push_back(fmt::format("{} {}", n, sort));
    return Line{firstSeq, first, "", "",
                fmt::format("\u2026 {} record{} folded{}: {}", count, count == 1 ? "" : "s",
                            last == first ? std::string() : " until " + sim::formatSeconds(last),
                            fmt::join(parts, ", ")),
                ""};
  }
};

// "src/slave/slave.cpp: Slave::registered" -> "Slave::registered": the function names
// the place; --all and the explorer give the file too.
std::string shortRef(const std::string& ref) {
  const auto colon = ref.find(": ");
  return colon == std::string::npos ? ref : ref.substr(colon + 2);
}

// " reason= message=": fields with nothing in them say nothing.
std::string withoutEmptyFields(const std::string& what) {
  std::string out;
  std::size_t start = 0;
  while (start < what.size()) {
    std::size_t end = what.find(' ', start + 1);
    if (end == std::string::npos) end = what.size();
    const std::string_view word(what.data() + start, end - start);
    const bool empty = word.size() > 2 && word.front() == ' ' && word.back() == '=' &&
                       word.find('=') == word.size() - 1;
    if (!empty) out.append(word);
    start = end;
  }
  return out;
}

// What a story line says: the timeline's words, one space after the kind, without empty
// fields; a log line is its message alone (its context fields repeat it).
std::string storyText(const sim::Record& r) {
  if (r.kind == sim::RecordKind::Log) return "log " + r.text("message");
  std::string what = withoutEmptyFields(describeRecord(r));
  const auto space = what.find(' ');
  const auto word = what.find_first_not_of(' ', space);
  if (space != std::string::npos && word != std::string::npos) what.replace(space, word - space, " ");
  return what;
}

// The story of `records` and the records `folded` (already known to fold), merged by seq.
std::vector<Line> storyLines(const std::vector<sim::Record>& records,
                             const std::vector<StorySink::Folded>& folded = {}) {
  const std::set<std::uint64_t> evidence = evidenceSeqs(records);
  const Startups boot = startups(records);
  std::vector<Line> lines;
  Fold fold;
  auto flush = [&] {
    if (fold.count - fold.periodic >= kFoldLine) lines.push_back(fold.line());
    fold = Fold{};
  };
  std::size_t nextFolded = 0;
  auto foldUpTo = [&](std::uint64_t seq) {
    for (; nextFolded < folded.size() && folded[nextFolded].seq < seq; ++nextFolded) fold.add(folded[nextFolded]);
  };
  for (const auto& r : records) {
    foldUpTo(r.seq);
    if (r.kind == sim::RecordKind::Check) continue;  // the verdicts are printed apart
    if (isStartupStep(r)) {
      if (boot.steps.count(r.seq) != 0) continue;
      const Startup& s = boot.byFirst.at(r.seq);
      flush();
      lines.push_back(Line{r.seq, r.at, r.host, "",
                           fmt::format("startup main() ran its {} steps, spawning {} processes{}", s.steps,
                                       s.processes,
                                       s.states.empty() ? std::string()
                                                        : fmt::format("; Slave::State {}", fmt::join(s.states, ", "))),
                           s.ref});
      continue;
    }
    const bool partOfStartup = boot.states.count(r.seq) != 0;
    if ((!isMilestone(r) || partOfStartup) && evidence.count(r.seq) == 0) {
      fold.add(foldedOf(r));
      continue;
    }
    flush();
    lines.push_back(Line{r.seq, r.at, r.host, r.process, storyText(r), r.ref});
  }
  foldUpTo(UINT64_MAX);
  flush();
  return lines;
}

void writeLines(std::ostream& out, const std::vector<Line>& lines, std::size_t digits, const StoryOptions& options);

}  // namespace

std::string shortenUuids(const std::string& text, std::size_t digits) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] != '-' && uuidAt(text, i)) {
      out.append(text, i, std::min(digits, kUuidLength));
      i += kUuidLength;
    } else {
      out += text[i++];
    }
  }
  return out;
}

namespace {
std::size_t prefixLength(const std::set<std::string>& uuids) {
  std::size_t digits = kMinUuidDigits;
  const std::string* previous = nullptr;
  for (const std::string& u : uuids) {  // sorted: the closest pairs are neighbours
    if (previous != nullptr) {
      std::size_t common = 0;
      while (common < kUuidLength && (*previous)[common] == u[common]) ++common;
      digits = std::max(digits, std::min(common + 1, kUuidLength));
    }
    previous = &u;
  }
  return digits;
}
}  // namespace

std::size_t uuidPrefixLength(const std::vector<sim::Record>& records) {
  std::set<std::string> uuids;
  for (const auto& r : records) collectUuids(describeRecord(r), uuids);
  return prefixLength(uuids);
}

std::size_t uuidPrefixLength(const std::vector<std::string>& texts) {
  std::set<std::string> uuids;
  for (const auto& t : texts) collectUuids(t, uuids);
  return prefixLength(uuids);
}

namespace {
// The byte offset of column `column` in `text` (a UTF-8 character is one column).
std::size_t byteAt(std::string_view text, std::size_t column) {
  std::size_t i = 0;
  for (std::size_t c = 0; i < text.size() && c < column; ++c) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  }
  return i;
}
}  // namespace

std::vector<std::string> wrap(const std::string& text, std::size_t width, std::size_t indent) {
  std::vector<std::string> out;
  const std::size_t room = std::max(width, indent + 20);
  std::string line = text;
  for (;;) {
    const std::size_t lead = out.empty() ? 0 : indent;
    const std::size_t limit = byteAt(line, room);
    if (limit >= line.size()) break;
    // Break at the last space within the room (not inside the indentation), else cut.
    std::size_t cut = line.rfind(' ', limit);
    if (cut == std::string::npos || cut <= lead) cut = limit;
    std::size_t rest = cut;
    while (rest < line.size() && line[rest] == ' ') ++rest;
    std::size_t end = cut;
    while (end > lead && line[end - 1] == ' ') --end;
    out.push_back(line.substr(0, end));
    line = std::string(indent, ' ') + line.substr(rest);
  }
  out.push_back(line);
  return out;
}

std::vector<std::uint64_t> storySeqs(const std::vector<sim::Record>& records) {
  std::vector<std::uint64_t> out;
  for (const Line& l : storyLines(records)) {
    if (!l.what.empty() && l.what.rfind("\u2026", 0) != 0) out.push_back(l.seq);
  }
  return out;
}

void writeStory(std::ostream& out, const std::vector<sim::Record>& records, const StoryOptions& options) {
  writeLines(out, storyLines(records), uuidPrefixLength(records), options);
}

bool StorySink::keeps(const sim::Record& r) const {
  return r.kind == sim::RecordKind::Check || r.kind == sim::RecordKind::Startup || isMilestone(r) ||
         evidence_.wants(r.kind, r.name);
}

void StorySink::record(const sim::Record& r) {
  collectUuids(describeRecord(r), uuids_);
  if (keeps(r)) {
    kept_.push_back(r);
  } else {
    folded_.push_back(foldedOf(r));
  }
}

void StorySink::take(sim::Record&& r) {
  collectUuids(describeRecord(r), uuids_);
  if (keeps(r)) {
    kept_.push_back(std::move(r));
  } else {
    folded_.push_back(foldedOf(r));
  }
}

std::size_t StorySink::uuidDigits() const { return prefixLength(uuids_); }

void StorySink::write(std::ostream& out, const StoryOptions& options) const {
  writeLines(out, storyLines(kept_, folded_), uuidDigits(), options);
}

namespace {
void writeLines(std::ostream& out, const std::vector<Line>& lines, std::size_t digits, const StoryOptions& options) {
  std::size_t timeWidth = 0;
  std::size_t hostWidth = 0;
  std::size_t processWidth = 0;
  for (const Line& l : lines) {
    timeWidth = std::max(timeWidth, sim::formatSeconds(l.at).size());
    hostWidth = std::max(hostWidth, l.host.size());
    processWidth = std::max(processWidth, l.process.size());
  }
  for (const std::string& l :
       wrap(fmt::format("timeline (time, host, process, event, [Mesos function]; \u2026 folds {}+ records "
                        "besides pings; UUIDs cut to {} characters as git does; --all shows everything):",
                        kFoldLine, digits),
            options.width, 1)) {
    out << l << '\n';
  }
  const std::size_t indent = timeWidth + 2 + hostWidth + 1 + processWidth + 1;
  for (const Line& l : lines) {
    std::string text = shortenUuids(l.what, digits);
    if (options.refs && !l.ref.empty()) text += fmt::format("  [{}]", shortRef(l.ref));
    const std::string head = fmt::format("{:>{}}  {:<{}} {:<{}} ", sim::formatSeconds(l.at), timeWidth, l.host,
                                         hostWidth, l.process, processWidth);
    const std::vector<std::string> wrapped = wrap(head + text, options.width, indent);
    for (const std::string& w : wrapped) out << w << '\n';
  }
}

}  // namespace

}  // namespace agentsim::viz
