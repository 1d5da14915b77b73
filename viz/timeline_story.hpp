#pragma once
// The story timeline: the default text view of a run (`agentsim run` without --all). It
// tells what happened in as few lines as keep the story whole:
//  - each agent's startup (main()'s steps) is one line; a failed step is shown as is;
//  - the milestones are shown: faults, lost messages, the state machines a student
//    follows (leadership, the agent's and the master's view of each agent, frameworks,
//    tasks as the scheduler sees them, executors, garbage collection, QoS), the Mesos
//    messages between the components (not the periodic pings), and every record a
//    check names as evidence (`evidence_seqs`);
//  - the rest (ZooKeeper protocol traffic, deliveries, timers, logs, periodic pings and
//    heartbeats) is folded: where 20 or more records besides the periodic ones are folded,
//    a line says how many of which sort;
//  - a log line is its message; a line names the Mesos function (--all: file too);
//  - UUIDs are shortened everywhere to the shortest prefix (8 hex digits at least) that
//    stays unique in the run, as git shortens hashes; the heading line says so;
//  - the columns are as wide as the run needs and the description wraps at `width`.
// `--all` (viz::writeTimeline with deliveries and heartbeats) shows every record.
#include <cstddef>
#include <iosfwd>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace.hpp"

namespace agentsim::viz {

struct StoryOptions {
  bool refs = true;         // the modelled Mesos source at the end of each line
  std::size_t width = 160;  // terminal columns: longer lines wrap
};

// Writes the heading line ("timeline (...):"), then the story.
void writeStory(std::ostream& out, const std::vector<sim::Record>& records, const StoryOptions& options = {});

// Keeps what the story of a run needs as the run emits its records, so a run need not
// keep them all: in full, every record the story may tell on a line of its own (the
// milestones, the startup steps, the check records, and every record `evidence` names,
// the records the run's checks read, since a check's evidence can only name those), and
// of the others only what a fold line counts (seq, time, sort), plus the UUIDs the run
// showed. write() tells the same story writeStory() tells from every record.
class StorySink final : public sim::TraceSink {
 public:
  explicit StorySink(sim::Interest evidence) : evidence_(std::move(evidence)) {}
  void header(const sim::Fields&) override {}
  void record(const sim::Record& r) override;
  void take(sim::Record&& r) override;
  void write(std::ostream& out, const StoryOptions& options = {}) const;
  // uuidPrefixLength of every record seen.
  std::size_t uuidDigits() const;
  std::size_t kept() const { return kept_.size(); }  // records kept in full
  struct Folded {
    std::uint64_t seq = 0;
    sim::Time at;
    std::string_view sort;
    bool periodic = false;
  };

 private:
  bool keeps(const sim::Record& r) const;
  sim::Interest evidence_;
  std::vector<sim::Record> kept_;
  std::vector<Folded> folded_;
  std::set<std::string> uuids_;
};

// The seqs of the records the story tells on a line of their own (an agent's startup: its
// first step), in order: the HTML explorer's "milestones" view.
std::vector<std::uint64_t> storySeqs(const std::vector<sim::Record>& records);

// Shortens every UUID (8-4-4-4-12 hex digits) in `text` to its first `digits` characters,
// keeping what follows it (a SlaveID's "-S0").
std::string shortenUuids(const std::string& text, std::size_t digits);
// The shortest prefix length, at least 8, that keeps the UUIDs in `records` apart.
std::size_t uuidPrefixLength(const std::vector<sim::Record>& records);
// The same over texts (a run that kept no records: the verdicts it prints).
std::size_t uuidPrefixLength(const std::vector<std::string>& texts);

// `text` wrapped at spaces to lines of at most `width` columns, every line after the
// first indented by `indent` spaces (a word longer than the room is cut).
std::vector<std::string> wrap(const std::string& text, std::size_t width, std::size_t indent);

}  // namespace agentsim::viz
