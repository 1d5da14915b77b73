#pragma once
// Fault sites (DESIGN.md): named places in model code where a fault may act, off unless
// a scenario turns them on. Model code reaches a site with a continuation, what it does
// next; the kernel's promise:
//  - with no hold on the site, the continuation runs at once, inline, in the event that
//    reached the site: a run without holds is the run it was before the site existed,
//    record for record;
//  - a hold on the site (and, if it says one, on the reach's attribute value) parks the
//    continuation (a `fault` record "hold") until the hold is released or removed; it
//    then runs as an event of the process that reached the site, at the release's time
//    (a `fault` record "release" first);
//  - a continuation whose process has ended meanwhile (its host crashed, its program
//    exited) is discarded at the release (a `fault` record "discard"): it never runs.
// Parked continuations run in the order they were parked. A hold catches the first
// `count` matching reaches (every one with 0) and stays after a release, as a network
// Hold rule does. How often each site was reached is counted, for the run report.
//
// Firing (as FoundationDB's BUGGIFY): a site whose spec says what firing does (`fires`)
// is reached through fires(), which answers whether the model takes the failure path
// Mesos has there. Off unless a firing rule is on for the site; while one is, each reach
// fires with the rule's probability, an integer ratio drawn from the kernel's seeded
// stream "fault-sites" (a `fault` record "fire"), so the same seed fires the same reaches.
// A run without firing rules draws nothing: it is the run it was before.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/message.hpp"
#include "sim/rng.hpp"
#include "sim/trace.hpp"

namespace agentsim::sim {

class Process;
class Simulation;

// A site as a scenario may name it: its name (as the model function it stands for,
// e.g. "Registrar::apply"), the key of the one attribute its reaches carry and a hold may
// filter on (e.g. "operation"), the values that attribute takes, and what the site is.
struct FaultSiteSpec {
  std::string_view name;
  std::string_view key;
  std::vector<std::string_view> values;
  std::string_view help;
  std::string_view fires = {};  // non-empty: what firing does (the failure path it takes)
};

struct SiteFire {
  std::string site;
  Ratio probability{1, 1};
  std::string label;  // shown in the trace, e.g. "timeline[0]"
};

struct SiteHold {
  std::string site;
  std::string value;        // only reaches whose attribute has this value; empty: every reach
  std::uint64_t count = 0;  // park the first `count` matching reaches; 0: every one
  std::string label;        // shown in the trace, e.g. "timeline[0]"
};

using SiteHoldId = std::uint64_t;

class FaultSites {
 public:
  explicit FaultSites(Simulation& sim);
  FaultSites(const FaultSites&) = delete;
  FaultSites& operator=(const FaultSites&) = delete;

  // The scenario side.
  SiteHoldId hold(SiteHold hold);
  // Runs (or discards) what the hold has parked so far; the hold stays. Returns how many
  // continuations it let go.
  std::size_t release(SiteHoldId id);
  // Releases, then ends the hold (the end of its `for`).
  void remove(SiteHoldId id);

  // Turns firing on for a site until stopFiring (the end of its `for`).
  SiteHoldId fire(SiteFire rule);
  void stopFiring(SiteHoldId id);
  // The model side of a firing site: counts the reach and answers whether it fires.
  // `owner` is the process reaching it, now running; `what` says what the reach was
  // about (a path, a task), for the trace.
  bool fires(const Process& owner, std::string_view site, std::string_view what = {});

  // The model side. `owner` is the process reaching the site, now running; a parked
  // continuation runs only if that very process (not a later one at its address) is
  // still alive at the release. `attribute` is the reach's (key, value), e.g. ("operation",
  // "MarkSlaveUnreachable"). `function` names the continuation's event, e.g.
  // "Master::_markUnreachable"; it must outlive the run (a string literal), as every
  // dispatch's name.
  void reach(Process& owner, std::string_view site,
             std::pair<std::string_view, std::string_view> attribute, std::string_view function,
             std::function<void()> continuation, bool counted = true);

  // Leave a `fault` record `reach` (site, what) at each reach of a site, so an expectation
  // can order it against messages; off by default, so the traces of runs that do not read
  // them keep their records.
  void recordReaches(bool on) { record_reaches_ = on; }

  // How many times each site was reached, by name, and how many continuations are parked.
  const std::map<std::string, std::uint64_t, std::less<>>& reached() const { return reached_; }
  std::size_t parked() const;

 private:
  struct Parked {
    Upid owner;                 // the process that reached the site,
    std::uint32_t binding = 0;  // and which of the processes at that address it was
    std::string site;
    std::string key;
    std::string value;
    std::string_view function;
    std::function<void()> continuation;
  };
  struct ActiveHold {
    SiteHold hold;
    std::uint64_t matched = 0;
    std::vector<Parked> parked;
  };
  void trace(const Process* owner, const std::string& host, std::string_view what, const Parked& p,
             const std::string& label, Fields extra = {});

  void count(std::string_view site);
  // count(), and the `reach` record when recordReaches is on.
  void reached(const Process& owner, std::string_view site, std::string_view what);

  Simulation& sim_;
  std::map<SiteHoldId, ActiveHold> holds_;
  std::map<SiteHoldId, SiteFire> firing_;
  std::optional<Rng> rng_;  // drawn only once a firing rule exists
  SiteHoldId next_ = 1;
  std::map<std::string, std::uint64_t, std::less<>> reached_;
  bool record_reaches_ = false;
};

}  // namespace agentsim::sim
