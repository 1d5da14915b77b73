#include "harness/step_session.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <ostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/zookeeper/messages.hpp"
#include "viz/timeline.hpp"
#include "viz/timeline_story.hpp"

namespace agentsim::harness {

namespace {

using Pending = sim::Simulation::PendingEvent;
using EventKind = sim::Simulation::EventKind;

constexpr std::size_t kMaxShown = 200;  // records one command prints, beyond which it counts them
constexpr std::size_t kUuidDigits = 8;  // UUIDs cut as the text timeline cuts them

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::optional<std::uint64_t> number(std::string_view s) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string_view kindName(EventKind k) {
  switch (k) {
    case EventKind::Delivery: return "delivery";
    case EventKind::Timer: return "timer";
    case EventKind::Dispatch: return "dispatch";
    case EventKind::Harness: return "harness";
  }
  return "";
}

bool heartbeat(const Pending& p) {
  return p.kind == EventKind::Delivery &&
         (p.message == model::zk::Ping::kName || p.message == model::zk::PingResponse::kName ||
          p.message == model::zk::QuorumPing::kName);
}

// "in 1.2secs (at 31.2s)"
std::string due(sim::Time now, sim::Time at) {
  return fmt::format("in {} (at {})", sim::format(at - now), sim::formatSeconds(at));
}

std::string pendingLine(const Pending& p, sim::Time now) {
  std::string what;
  if (p.kind == EventKind::Delivery) {
    what = fmt::format("m{:<5} deliver  {} {} -> {}{}", p.msg, p.message, p.from, p.to, p.duplicate ? " (duplicate)" : "");
  } else {
    what = fmt::format("{:<6} {:<8} {}", "", kindName(p.kind), p.function);
  }
  std::string line = fmt::format("{:>14}  {:<10} {:<24} {}", sim::formatSeconds(p.at), p.host, p.process, what);
  if (p.kind == EventKind::Delivery && !p.function.empty()) line += fmt::format("  [{}]", p.function);
  if (p.at > now) line += fmt::format("  ({})", "in " + sim::format(p.at - now));
  return line;
}

// A modelled function without its file: "Slave::doReliableRegistration".
std::string_view functionName(std::string_view ref) {
  const std::size_t colon = ref.rfind(": ");
  return colon == std::string_view::npos ? ref : ref.substr(colon + 2);
}

// Whether a record is about `who`: a process id ("slave(1)"), a host ("agent-1") or a
// full address ("slave(1)@agent-1:5051").
bool about(const sim::Record& r, const std::string& who) {
  if (r.host == who || r.process == who) return true;
  return !r.process.empty() && who.rfind(r.process + "@" + r.host + ":", 0) == 0;
}

bool aboutProcess(const std::string& process, const std::string& host, const std::string& who) {
  if (who.empty() || host == who || process == who) return true;
  return who.rfind(process + "@" + host + ":", 0) == 0;
}

}  // namespace

StepSession::StepSession(Scenario scenario, std::string text, std::uint64_t seed, std::ostream& out)
    : scenario_(std::move(scenario)), text_(std::move(text)), seed_(seed), out_(out) {
  rebuild();
  out_ << fmt::format("agentsim step: {} (seed {}), stopped at {} before the first event. Type help.\n",
                      scenario_.name, seed_, sim::formatSeconds(sim().now()));
}

StepSession::~StepSession() = default;

std::string StepSession::help() {
  return "commands:\n"
         "  next [N]             run the next N events (1) and show their records\n"
         "  run-to TIME          run every event before TIME (\"30secs\") and stop the clock at TIME\n"
         "  run-until WHAT       run to the next record named WHAT (a message, timer or state machine) or\n"
         "                       entering state WHAT (\"DISCONNECTED\")\n"
         "  back [N]             go back N events (1): re-run from the start, with the choices made before\n"
         "  pending [all]        the queued events in the order they will run (all: with ZooKeeper pings)\n"
         "  why [PROCESS]        each component's state and what it waits for, and until when\n"
         "  inject ACTION        apply a timeline action now, as JSON without \"at\": {\"crash\": \"agent-1\"}\n"
         "  deliver ID           deliver queued message ID (m42 or 42) now, ahead of its turn\n"
         "  drop ID              lose queued message ID\n"
         "  predict PROCESS WHAT say what PROCESS does next (\"predict slave(1) ReregisterSlaveMessage\"); the\n"
         "                       session runs to its next record, says whether it came true, and keeps score\n"
         "  save FILE            write the scenario with every choice as timeline actions: `agentsim run FILE`\n"
         "                       replays the run to this point\n"
         "  help, quit           this text; end the session (so does end of input)\n";
}

// ---- The world and the journal ----

void StepSession::rebuild() {
  world_.reset();
  memory_ = std::make_unique<sim::MemorySink>();
  world_ = std::make_unique<World>(scenario_, seed_);
  world_->sim().trace().addSink(memory_.get());
  world_->sim().trace().header(world_->header());
  world_->scheduleTimeline();
  steps_ = 0;
  ran_at_now_ = false;
  printed_ = 0;
}

bool StepSession::stepOne() {
  if (!sim().step()) return false;
  ++steps_;
  ran_at_now_ = true;
  if (!journal_.empty() && journal_.back().kind == Op::Step) {
    ++journal_.back().count;
  } else {
    journal_.push_back(Op{Op::Step, 1, {}, 0});
  }
  return true;
}

void StepSession::runBefore(sim::Time to) {
  const std::uint64_t before = sim().eventsRun();
  const sim::Time was = sim().now();
  if (to <= was) return;
  const sim::RunResult r = sim().runUntil(to - sim::Nanoseconds(1));
  if (r.reason == sim::StopReason::LimitExceeded) throw sim::LimitExceededError{r.message};
  const std::uint64_t ran = sim().eventsRun() - before;
  steps_ += ran;
  // The clock is at `to` - 1ns; whether an event ran just then is not known: assume so.
  if (sim().now() != was) ran_at_now_ = ran > 0;
  journal_.push_back(Op{Op::RunBefore, ran, to, 0});
}

void StepSession::advance(sim::Time to) {
  if (to == sim().now() || !sim().advanceTo(to)) return;
  ran_at_now_ = false;
  journal_.push_back(Op{Op::Advance, 0, to, 0});
}

// Re-runs the journal from the start up to `steps` events; what came after is forgotten.
bool StepSession::replay(std::uint64_t steps) {
  std::vector<Op> journal = std::move(journal_);
  journal_.clear();
  rebuild();
  std::size_t keptChoices = 0;
  for (const Op& op : journal) {
    if (op.kind == Op::RunBefore && steps_ + op.count <= steps) {
      runBefore(op.to);
      if (steps_ >= steps) break;
    } else if (op.kind == Op::Step || op.kind == Op::RunBefore) {
      for (std::uint64_t i = 0; i < op.count && steps_ < steps; ++i) stepOne();
      if (steps_ >= steps) break;
    } else if (op.kind == Op::Advance) {
      advance(op.to);
    } else {
      world_->apply(choices_[op.choice].entry);
      journal_.push_back(op);
      keptChoices = op.choice + 1;
    }
  }
  choices_.resize(keptChoices);
  printed_ = records().size();
  return true;
}

void StepSession::prepareChoice() {
  for (;;) {
    const sim::Time now = sim().now();
    std::vector<Pending> queued = sim().pending();
    const bool timelineDue = std::any_of(queued.begin(), queued.end(), [&](const Pending& p) {
      return p.at == now && p.kind == EventKind::Harness;
    });
    if (!ran_at_now_ && !timelineDue) return;
    while (!queued.empty() && queued.front().at == now) {
      stepOne();
      queued = sim().pending();
    }
    advance(now + sim::Nanoseconds(1));
    out_ << fmt::format("(the instant is finished first: the choice applies at {})\n", sim::format(sim().now().sinceStart()));
  }
}

bool StepSession::applyChoice(const std::string& command, const std::string& action) {
  // Checked before the clock moves: a bad action changes nothing.
  Scenario view = scenario_;
  for (const Choice& c : choices_) view.timeline.push_back(c.entry);
  const std::string label = fmt::format("timeline[{}]", scenario_.timeline.size() + choices_.size());
  auto parsed = parseTimelineAction(action, view, sim().now().sinceStart(), label);
  if (auto* err = std::get_if<LoadError>(&parsed)) {
    return fail(fmt::format("{}{}", err->pointer.empty() ? "" : err->pointer + ": ", err->message));
  }
  prepareChoice();
  auto reparsed = parseTimelineAction(action, view, sim().now().sinceStart(), label);
  Choice c{command, action, sim().now().sinceStart(), std::move(std::get<TimelineEntry>(reparsed))};
  choices_.push_back(std::move(c));
  journal_.push_back(Op{Op::Choice, 0, {}, choices_.size() - 1});
  world_->apply(choices_.back().entry);
  printNew(false);
  return true;
}

bool StepSession::fail(const std::string& message) {
  out_ << "error: " << message << '\n';
  return false;
}

void StepSession::printNew(bool quiet) {
  // The latest records, up to kMaxShown (what a long run-to ends with is what matters).
  const auto& rs = records();
  std::vector<std::size_t> shown;
  for (; printed_ < rs.size(); ++printed_) {
    if (!quiet || !viz::isHeartbeat(rs[printed_])) shown.push_back(printed_);
  }
  const std::size_t total = shown.size();
  if (total > kMaxShown) {
    out_ << fmt::format("({} earlier records not shown; ZooKeeper heartbeats are never shown here)\n",
                        total - kMaxShown);
    shown.erase(shown.begin(), shown.end() - static_cast<std::ptrdiff_t>(kMaxShown));
  }
  viz::TimelineOptions options;
  options.deliveries = true;
  for (std::size_t i : shown) out_ << viz::shortenUuids(viz::renderLine(rs[i], options), kUuidDigits) << '\n';
}

// ---- Commands ----

bool StepSession::command(std::string_view line) {
  line = trim(line);
  if (line.empty() || line.front() == '#') return true;
  const std::size_t space = line.find_first_of(" \t");
  const std::string_view verb = line.substr(0, space);
  const std::string_view arg = space == std::string_view::npos ? std::string_view() : trim(line.substr(space));
  try {
    if (verb == "help") {
      out_ << help();
      return true;
    }
    if (verb == "quit" || verb == "exit") {
      ended_ = true;
      return true;
    }
    if (verb == "next" || verb == "n") return next(arg);
    if (verb == "run-to") return runTo(arg);
    if (verb == "run-until") return runUntil(arg);
    if (verb == "back") return back(arg);
    if (verb == "pending") return pending(arg);
    if (verb == "why") return why(arg);
    if (verb == "inject") return inject(arg);
    if (verb == "deliver" || verb == "drop") return deliverOrDrop(verb, arg);
    if (verb == "save") return save(arg);
    if (verb == "predict") return predict(arg);
  } catch (const sim::LimitExceededError& e) {
    return fail(e.message);
  }
  return fail(fmt::format("unknown command \"{}\" (type help for the commands)", verb));
}

bool StepSession::next(std::string_view arg) {
  std::uint64_t n = 1;
  if (!arg.empty()) {
    const auto v = number(arg);
    if (!v || *v == 0 || *v > 1'000'000) return fail(fmt::format("next takes a count from 1 to 1000000, not \"{}\"", arg));
    n = *v;
  }
  std::uint64_t ran = 0;
  std::optional<Pending> last;
  const std::size_t before = records().size();
  for (; ran < n; ++ran) {
    const auto queued = sim().pending();
    if (queued.empty() || !stepOne()) break;
    last = queued.front();
  }
  printNew(n > 1);
  // An event that leaves no record (a dispatch, a dead process's timer) is still shown.
  if (ran > 0 && records().size() == before) {
    out_ << (ran == 1 ? viz::shortenUuids(pendingLine(*last, sim().now()), kUuidDigits) + "  (ran; no record)\n"
                      : fmt::format("({} events ran and left no record; now {})\n", ran, sim::formatSeconds(sim().now())));
  }
  if (ran < n) out_ << fmt::format("nothing more is queued: the run is over at {}\n", sim::formatSeconds(sim().now()));
  return true;
}

bool StepSession::runTo(std::string_view arg) {
  const auto d = sim::parseDuration(arg);
  if (d.isError()) return fail(fmt::format("run-to takes a time such as 30secs: {}", d.error()));
  const sim::Time to = sim::Time{} + *d;
  if (to < sim().now()) {
    return fail(fmt::format("{} is in the past (now {}); back goes back", sim::format(*d), sim::formatSeconds(sim().now())));
  }
  runBefore(to);
  advance(to);
  printNew(true);
  out_ << fmt::format("now {}\n", sim::formatSeconds(sim().now()));
  return true;
}

std::optional<std::size_t> StepSession::stepUntil(const std::function<bool(const sim::Record&)>& match) {
  const sim::Time end = sim::Time{} + scenario_.until;
  for (;;) {
    const auto queued = sim().pending();
    if (queued.empty() || queued.front().at > end) return std::nullopt;
    const std::size_t from = records().size();
    stepOne();
    for (std::size_t i = from; i < records().size(); ++i) {
      if (match(records()[i])) return i;
    }
  }
}

bool StepSession::runUntil(std::string_view arg) {
  if (arg.empty()) return fail("run-until takes a message, timer or state machine name, or a state");
  const std::string what(arg);
  const auto found = stepUntil([&](const sim::Record& r) {
    return r.name == what || (r.kind == sim::RecordKind::State && r.text("state") == what);
  });
  printNew(true);
  if (!found) {
    out_ << fmt::format("no record of {} before the scenario's end ({}); now {}\n", what, sim::format(scenario_.until),
                        sim::formatSeconds(sim().now()));
  }
  return true;
}

bool StepSession::back(std::string_view arg) {
  std::uint64_t n = 1;
  if (!arg.empty()) {
    const auto v = number(arg);
    if (!v) return fail(fmt::format("back takes a count of events, not \"{}\"", arg));
    n = *v;
  }
  const std::uint64_t target = n >= steps_ ? 0 : steps_ - n;
  replay(target);
  out_ << fmt::format("back at event {} ({}), {} choice(s) kept\n", steps_, sim::formatSeconds(sim().now()),
                      choices_.size());
  const auto& rs = records();
  const std::size_t from = rs.size() > 3 ? rs.size() - 3 : 0;
  viz::TimelineOptions options;
  options.deliveries = true;
  for (std::size_t i = from; i < rs.size(); ++i) {
    out_ << viz::shortenUuids(viz::renderLine(rs[i], options), kUuidDigits) << '\n';
  }
  return true;
}

bool StepSession::pending(std::string_view arg) {
  if (!arg.empty() && arg != "all") return fail(fmt::format("pending takes nothing or \"all\", not \"{}\"", arg));
  const bool all = arg == "all";
  std::size_t hidden = 0;
  const auto queued = sim().pending();
  for (const Pending& p : queued) {
    if (!all && heartbeat(p)) {
      ++hidden;
      continue;
    }
    out_ << viz::shortenUuids(pendingLine(p, sim().now()), kUuidDigits) << '\n';
  }
  out_ << fmt::format("{} queued event(s){}\n", queued.size(),
                      hidden > 0 ? fmt::format(", {} ZooKeeper ping(s) not shown (pending all)", hidden) : "");
  return true;
}

bool StepSession::why(std::string_view arg) {
  const std::string who(arg);
  // Each process's latest state per machine (and subject), since its host last went down.
  struct Latest {
    std::string state;
    sim::Time since;
  };
  std::map<std::pair<std::string, std::string>, std::map<std::string, Latest>> states;  // (host, process) -> machine
  for (const sim::Record& r : records()) {
    if (r.kind == sim::RecordKind::Fault && (r.name == "crash" || r.name == "restart" || r.name == "kill")) {
      for (auto it = states.begin(); it != states.end();) it = it->first.first == r.host ? states.erase(it) : std::next(it);
    }
    if (r.kind != sim::RecordKind::State || r.process.empty()) continue;
    // One line per machine and subject: a task, executor, agent, container or framework.
    std::string machine = r.name;
    for (const char* subject : {"task_id", "executor_id", "slave_id", "container", "framework_id"}) {
      const std::string value = r.text(subject);
      if (value.empty()) continue;
      machine += fmt::format(" {}", viz::shortenUuids(value, kUuidDigits));
      break;
    }
    states[{r.host, r.process}][machine] = Latest{r.text("state"), r.at};
  }
  const auto queued = sim().pending();
  const sim::Time now = sim().now();
  std::size_t told = 0;
  for (const auto& h : sim().hosts()) {
    if (!h.up() && aboutProcess("", h.name(), who) && !who.empty()) {
      out_ << fmt::format("{}: host down\n", h.name());
      ++told;
    }
    for (const sim::Process* p : h.processes()) {
      const std::string id(p->id());
      if (!aboutProcess(id, h.name(), who)) continue;
      std::vector<std::string> lines;
      auto st = states.find({h.name(), id});
      if (st != states.end()) {
        for (const auto& [machine, latest] : st->second) {
          lines.push_back(fmt::format("{} {} since {}", machine, latest.state, sim::formatSeconds(latest.since)));
        }
      }
      for (const Pending& e : queued) {
        if (e.process != p->id() || e.host != h.name()) continue;
        if (e.kind == EventKind::Delivery) {
          if (heartbeat(e)) continue;
          lines.push_back(fmt::format("receives {} (m{}) from {} {}", e.message, e.msg, e.from, due(now, e.at)));
        } else {
          lines.push_back(fmt::format("{} {} {}", kindName(e.kind), functionName(e.function), due(now, e.at)));
        }
      }
      if (lines.empty()) continue;
      out_ << fmt::format("{}@{}:\n", p->id(), h.name());
      for (const auto& l : lines) out_ << "  " << viz::shortenUuids(l, kUuidDigits) << '\n';
      ++told;
    }
  }
  if (told == 0) {
    return who.empty() ? (out_ << "nothing waits: no state recorded and nothing queued\n", true)
                       : fail(fmt::format("no live process or host \"{}\" with a state or a queued event", who));
  }
  return true;
}

bool StepSession::inject(std::string_view arg) {
  if (arg.empty()) return fail("inject takes a timeline action as JSON without \"at\", e.g. {\"crash\": \"agent-1\"}");
  return applyChoice(fmt::format("inject {}", arg), std::string(arg));
}

bool StepSession::deliverOrDrop(std::string_view verb, std::string_view arg) {
  std::string_view id = arg;
  if (!id.empty() && (id.front() == 'm' || id.front() == 'M')) id.remove_prefix(1);
  const auto msg = number(id);
  if (!msg) return fail(fmt::format("{} takes a queued message's id (m42, see pending), not \"{}\"", verb, arg));
  std::string name;
  for (const Pending& p : sim().pending()) {
    if (p.kind == EventKind::Delivery && p.msg == *msg) {
      name = p.message;
      break;
    }
  }
  if (name.empty()) return fail(fmt::format("message m{} is not queued for delivery (see pending)", *msg));
  nlohmann::ordered_json action;
  action[verb == "deliver" ? "deliver_message" : "drop_message"] = {{"msg", *msg}, {"message", name}};
  return applyChoice(fmt::format("{} {}", verb, arg), action.dump());
}

bool StepSession::save(std::string_view arg) {
  if (arg.empty()) return fail("save takes a file name");
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(text_, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return fail("the scenario's text cannot be read back");
  doc["seed"] = seed_;
  const sim::Duration now = sim().now().sinceStart();
  if (now > scenario_.until) doc["until"] = sim::format(now);
  if (!doc.contains("notes")) doc["notes"] = nlohmann::ordered_json::array();
  doc["notes"].push_back(fmt::format("Saved by agentsim step at {} after {} events, with seed {}: the timeline's last {} "
                                     "entr{} are the session's choices.",
                                     sim::formatSeconds(sim().now()), steps_, seed_, choices_.size(),
                                     choices_.size() == 1 ? "y" : "ies"));
  if (!doc.contains("timeline")) doc["timeline"] = nlohmann::ordered_json::array();
  for (const Choice& c : choices_) {
    nlohmann::ordered_json entry;
    entry["at"] = sim::format(c.at);
    const nlohmann::ordered_json action = nlohmann::ordered_json::parse(c.action);  // checked when made
    for (const auto& [key, value] : action.items()) entry[key] = value;
    if (!entry.contains("note")) entry["note"] = "agentsim step: " + c.command;
    doc["timeline"].push_back(std::move(entry));
  }
  const std::string path(arg);
  std::ofstream file(path, std::ios::binary);
  file << doc.dump(2) << '\n';
  if (!file.flush()) return fail(fmt::format("{}: cannot write the file", path));
  out_ << fmt::format("saved {}: `agentsim run {}` replays this run to {} and on\n", path, path,
                      sim::formatSeconds(sim().now()));
  return true;
}

bool StepSession::predict(std::string_view arg) {
  const std::size_t space = arg.find(' ');
  if (space == std::string_view::npos) {
    return fail("predict takes a process and what it does next: predict slave(1) ReregisterSlaveMessage");
  }
  const std::string who(arg.substr(0, space));
  const std::string what(trim(arg.substr(space)));
  const auto found = stepUntil([&](const sim::Record& r) { return about(r, who) && !viz::isHeartbeat(r); });
  printNew(true);
  ++predictions_;
  if (!found) {
    out_ << fmt::format("{} does nothing more before the scenario's end: wrong. score {}/{}\n", who, right_, predictions_);
    return true;
  }
  const sim::Record& r = records()[*found];
  const bool right = r.name == what || lower(viz::describeRecord(r)).find(lower(what)) != std::string::npos;
  if (right) ++right_;
  out_ << fmt::format("{}: {} {}. score {}/{}\n", right ? "right" : "wrong", r.process.empty() ? r.host : r.process,
                      viz::shortenUuids(viz::describeRecord(r), kUuidDigits), right_, predictions_);
  return true;
}

}  // namespace agentsim::harness
