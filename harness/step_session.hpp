#pragma once
// A stepping session on a live world (agentsim step, docs/stepper.md): runs a scenario
// one event at a time, lists what is queued, says why each component waits, applies
// timeline actions and message choices now, goes back by re-running from the start (the
// run is deterministic), and saves the run so far as a scenario that `agentsim run`
// replays to the same point.
//
// Every choice (inject, deliver, drop) is applied at an instant the saved scenario can
// reproduce: a timeline entry runs before every event of its instant except the
// timeline's own, so when events of the current instant have run already, or a timeline
// event is still due in it, the session first finishes the instant and moves the clock
// on by 1ns (it says so).
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario.hpp"
#include "harness/world.hpp"
#include "sim/trace.hpp"

namespace agentsim::harness {

class StepSession {
 public:
  // `text` is the scenario file's text (save writes it back with the choices added).
  StepSession(Scenario scenario, std::string text, std::uint64_t seed, std::ostream& out);
  ~StepSession();

  // Runs one command line and prints its answer. Returns false for a bad command (the
  // session goes on); `ended()` after quit.
  bool command(std::string_view line);
  bool ended() const { return ended_; }
  static std::string help();

  sim::Simulation& sim() { return world_->sim(); }
  const std::vector<sim::Record>& records() const { return memory_->records(); }
  // Predictions made and how many came true.
  std::pair<int, int> score() const { return {right_, predictions_}; }

 private:
  // What moved the run, so `back` can re-run it: steps, clock moves and choices.
  struct Op {
    enum Kind { Step, RunBefore, Advance, Choice } kind = Step;
    std::uint64_t count = 0;  // Step, RunBefore: events run
    sim::Time to;             // RunBefore: every event before it ran; Advance: the clock's new time
    std::size_t choice = 0;   // Choice: index in choices_
  };
  struct Choice {
    std::string command;    // as typed, for the saved file's note
    std::string action;     // the action's JSON, without "at"
    sim::Duration at;
    TimelineEntry entry;
  };

  void rebuild();
  bool replay(std::uint64_t steps);
  // Kernel moves, journalled.
  bool stepOne();
  // Runs every event before `to` at the kernel's full speed (runUntil), journalled.
  void runBefore(sim::Time to);
  void advance(sim::Time to);
  // Moves to an instant where a choice applies as the saved timeline will apply it.
  void prepareChoice();
  bool applyChoice(const std::string& command, const std::string& action);
  bool fail(const std::string& message);
  void printNew(bool quiet);

  bool next(std::string_view arg);
  bool runTo(std::string_view arg);
  bool runUntil(std::string_view arg);
  bool back(std::string_view arg);
  bool pending(std::string_view arg);
  bool why(std::string_view arg);
  bool inject(std::string_view arg);
  bool deliverOrDrop(std::string_view verb, std::string_view arg);
  bool save(std::string_view arg);
  bool predict(std::string_view arg);
  // Steps until a new record satisfies `match` (or the scenario's end); its index.
  std::optional<std::size_t> stepUntil(const std::function<bool(const sim::Record&)>& match);

  Scenario scenario_;
  std::string text_;
  std::uint64_t seed_;
  std::ostream& out_;
  std::unique_ptr<sim::MemorySink> memory_;
  std::unique_ptr<World> world_;
  std::vector<Op> journal_;
  std::vector<Choice> choices_;
  std::uint64_t steps_ = 0;
  bool ran_at_now_ = false;  // an event of the current instant has run
  std::size_t printed_ = 0;  // records shown so far
  bool ended_ = false;
  int predictions_ = 0;
  int right_ = 0;
};

}  // namespace agentsim::harness
