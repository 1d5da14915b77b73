// Simulation::permuteTies: off, events of equal time run in (time, sequence) order; on,
// their order is drawn from the seed, keeping the order libprocess keeps (messages
// between one pair of processes, the events of one process, the harness's events).
#include <doctest/doctest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/simulation.hpp"
#include "sim_test_util.hpp"

using namespace agentsim::sim;
using namespace agentsim::sim::test;

namespace {

// Four processes on four hosts; at 1 s a harness event sends, arms timers and schedules
// harness events so that 22 events fall due at 1.001 s (the network's latency is 1 ms).
// Returns the order in which they ran, each named by its group and its place in it.
std::vector<std::string> runTies(std::uint64_t seed, bool permute) {
  Simulation sim(seed);
  Recorder& a = sim.spawn<Recorder>(sim.addHost("a", 1), ProcessName::fixed("a"));
  Recorder& b = sim.spawn<Recorder>(sim.addHost("b", 1), ProcessName::fixed("b"));
  Recorder& c = sim.spawn<Recorder>(sim.addHost("c", 1), ProcessName::fixed("c"));
  Recorder& d = sim.spawn<Recorder>(sim.addHost("d", 1), ProcessName::fixed("d"));
  (void)sim.settle();
  sim.permuteTies(permute);

  std::vector<std::string> ran;
  for (Recorder* r : {&b, &d}) {
    r->on_ping = [&ran, r](Recorder&, const Upid& from, const Ping& m) {
      ran.push_back(fmt::format("{}->{} {}", from.id(), r->self().id(), m.n));
    };
  }
  const Time due = Time{} + Seconds(1) + Milliseconds(1);
  sim.at(Time{} + Seconds(1), "kick", [&] {
    for (int n = 1; n <= 5; ++n) a.sendPing(b.self(), n);
    for (int n = 1; n <= 3; ++n) a.sendPing(d.self(), n);
    for (int n = 1; n <= 5; ++n) c.sendPing(b.self(), n);
    for (int n = 1; n <= 4; ++n) {
      b.delay(Milliseconds(1), "timer", [&ran, &b, n] {
        ran.push_back(fmt::format("b timer {}", n));
        // Scheduled during the batch, for the same time: it joins b's group, last.
        if (n == 1) b.dispatch("follow", [&ran] { ran.push_back("b timer 5"); });
      });
    }
    for (int n = 1; n <= 3; ++n) {
      sim.at(due, "harness", [&ran, n] { ran.push_back(fmt::format("harness {}", n)); });
    }
  });
  const RunResult r = sim.runUntil(Time::max());
  CHECK(r.reason == StopReason::Idle);
  CHECK(sim.now() == due);
  return ran;
}

// The events of each group, in the order they ran: "a->b" -> {1, 2, ...}.
std::vector<std::vector<int>> groups(const std::vector<std::string>& ran) {
  const std::vector<std::string> names{"a->b", "a->d", "c->b", "b timer", "harness"};
  std::vector<std::vector<int>> out(names.size());
  for (const std::string& e : ran) {
    const auto space = e.rfind(' ');
    for (std::size_t g = 0; g < names.size(); ++g) {
      if (e.substr(0, space) == names[g]) out[g].push_back(std::stoi(e.substr(space + 1)));
    }
  }
  return out;
}

const std::vector<std::string> kSchedulingOrder = {
    "a->b 1",    "a->b 2",    "a->b 3",    "a->b 4",    "a->b 5",    "a->d 1",    "a->d 2",    "a->d 3",
    "c->b 1",    "c->b 2",    "c->b 3",    "c->b 4",    "c->b 5",    "b timer 1", "b timer 2", "b timer 3",
    "b timer 4", "harness 1", "harness 2", "harness 3", "b timer 5"};

}  // namespace

TEST_CASE("permuteTies off: events of equal time run in scheduling order, whatever the seed") {
  for (std::uint64_t seed : {1, 2, 3}) {
    CHECK(runTies(seed, false) == kSchedulingOrder);
  }
}

TEST_CASE("permuteTies on: the order of equal-time events is drawn from the seed") {
  std::set<std::vector<std::string>> orders;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const std::vector<std::string> ran = runTies(seed, true);
    // Every event runs, once.
    std::multiset<std::string> all(ran.begin(), ran.end());
    CHECK(all == std::multiset<std::string>(kSchedulingOrder.begin(), kSchedulingOrder.end()));
    orders.insert(ran);
  }
  // 21 events in five groups: the seeds almost never draw the same interleaving.
  CHECK(orders.size() >= 18);
  CHECK(orders.count(kSchedulingOrder) == 0);
}

TEST_CASE("permuteTies on keeps libprocess's order: per pair of processes, per process, and the harness's") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const std::vector<std::vector<int>> g = groups(runTies(seed, true));
    CHECK(g[0] == std::vector<int>{1, 2, 3, 4, 5});  // a -> b
    CHECK(g[1] == std::vector<int>{1, 2, 3});        // a -> d
    CHECK(g[2] == std::vector<int>{1, 2, 3, 4, 5});  // c -> b
    CHECK(g[3] == std::vector<int>{1, 2, 3, 4, 5});  // b's timers, then what the first dispatched
    CHECK(g[4] == std::vector<int>{1, 2, 3});        // harness events
  }
}

TEST_CASE("permuteTies on: the same seed draws the same order") {
  for (std::uint64_t seed : {7, 8}) {
    CHECK(runTies(seed, true) == runTies(seed, true));
  }
}

TEST_CASE("permuteTies turned off mid-run: the rest of the batch runs in scheduling order") {
  Simulation sim(3);
  std::vector<int> ran;
  sim.permuteTies(true);
  for (int n = 1; n <= 6; ++n) {
    sim.at(Time{} + Seconds(1), "harness", [&sim, &ran, n] {
      ran.push_back(n);
      if (n == 1) sim.permuteTies(false);
    });
  }
  (void)sim.runUntil(Time::max());
  CHECK(ran == std::vector<int>{1, 2, 3, 4, 5, 6});
}

TEST_CASE("permuteTies on: a cancelled event of the batch never runs") {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    Simulation sim(seed);
    std::vector<std::string> ran;
    sim.permuteTies(true);
    Recorder& p = sim.spawn<Recorder>(sim.addHost("p", 1), ProcessName::fixed("p"));
    Recorder& q = sim.spawn<Recorder>(sim.addHost("q", 1), ProcessName::fixed("q"));
    (void)sim.settle();
    TimerId victim;
    sim.at(Time{} + Seconds(1), "arm", [&] {
      p.delay(Seconds(1), "p", [&] {
        ran.push_back("p");
        q.cancel(victim);
      });
      victim = q.delay(Seconds(1), "q", [&] { ran.push_back("q"); });
    });
    (void)sim.runUntil(Time::max());
    // Whichever the draw ran first: q's timer runs only if it came before p's.
    CHECK((ran == std::vector<std::string>{"p"} || ran == std::vector<std::string>{"q", "p"}));
    CHECK(sim.pendingEvents() == 0);
  }
}
