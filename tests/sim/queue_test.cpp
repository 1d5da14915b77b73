// The event queue: (time, sequence) order, running to a time, cancel, stop and limits.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/simulation.hpp"
#include "sim_test_util.hpp"

using namespace agentsim::sim;
using namespace agentsim::sim::test;

namespace {
Time T(Duration d) { return Time{} + d; }

struct Log {
  std::vector<std::string> names;
  std::vector<Time> times;
};

// Schedules a harness event that appends its name and the time it ran.
TimerId note(Simulation& sim, Log& log, Duration when, std::string name) {
  return sim.at(T(when), "note", [&sim, &log, name] {
    log.names.push_back(name);
    log.times.push_back(sim.now());
  });
}
}  // namespace

TEST_CASE("events at equal times run in scheduling order") {
  Simulation sim(1);
  Log log;
  note(sim, log, Seconds(1), "a");
  note(sim, log, Seconds(2), "x");
  note(sim, log, Seconds(1), "b");
  note(sim, log, Seconds(1), "c");
  note(sim, log, Seconds(1), "d");
  const RunResult r = sim.runUntil(Time::max());
  CHECK(r.reason == StopReason::Idle);
  CHECK(log.names == std::vector<std::string>{"a", "b", "c", "d", "x"});
}

TEST_CASE("earlier times run first regardless of scheduling order") {
  Simulation sim(1);
  Log log;
  note(sim, log, Seconds(30), "30");
  note(sim, log, Seconds(10), "10");
  note(sim, log, Milliseconds(20'000), "20");
  note(sim, log, Nanoseconds(1), "1ns");
  note(sim, log, Duration{}, "0");
  (void)sim.runUntil(Time::max());
  CHECK(log.names == std::vector<std::string>{"0", "1ns", "10", "20", "30"});
  CHECK(log.times == std::vector<Time>{T({}), T(Nanoseconds(1)), T(Seconds(10)), T(Seconds(20)), T(Seconds(30))});
  CHECK(sim.now() == T(Seconds(30)));
  CHECK(sim.eventsRun() == 5);
}

TEST_CASE("many interleaved events keep (time, sequence) order") {
  Simulation sim(1);
  Log log;
  // 500 events over 7 distinct times, scheduled in a scrambled order.
  for (int i = 0; i < 500; ++i) {
    const int slot = (i * 37) % 7;
    note(sim, log, Milliseconds(slot), std::to_string(slot) + ":" + std::to_string(i));
  }
  (void)sim.runUntil(Time::max());
  REQUIRE(log.names.size() == 500);
  for (std::size_t k = 1; k < log.names.size(); ++k) {
    const auto colon = [](const std::string& s) { return s.find(':'); };
    const int prevSlot = std::stoi(log.names[k - 1].substr(0, colon(log.names[k - 1])));
    const int slot = std::stoi(log.names[k].substr(0, colon(log.names[k])));
    const int prevI = std::stoi(log.names[k - 1].substr(colon(log.names[k - 1]) + 1));
    const int i = std::stoi(log.names[k].substr(colon(log.names[k]) + 1));
    REQUIRE((prevSlot < slot || (prevSlot == slot && prevI < i)));
    REQUIRE(log.times[k - 1] <= log.times[k]);
  }
}

TEST_CASE("events scheduled from running events with many delays run in (time, sequence) order") {
  // The queue keeps a few FIFO lanes (16) for recurring delays beside its heap: more
  // distinct recurring delays than lanes, delays that never recur (a backoff drawn at
  // random), lanes emptied and taken over, zero delays and cancelled events must still
  // come out in exactly (time, scheduling order).
  Simulation sim(1);
  struct Scheduled {
    std::int64_t at;
    int seq;
  };
  std::vector<Scheduled> expected;
  std::vector<int> ran;
  int next = 0;
  std::vector<TimerId> ids;
  std::function<void(int)> spawn = [&](int depth) {
    // Delays: 0 and 1ms (frequent), a spread of others (rarer, more than the lanes), and
    // every tenth event one of a few thousand microsecond delays (seldom twice).
    static constexpr std::int64_t kDelays[] = {0, 1, 1,  1,  0,  10, 1,  3,  0,  1,  7,  1,  13, 0,  1,  2,  1,  29,
                                               5, 1, 4, 6,  8,  9,  11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22};
    constexpr int kCount = sizeof(kDelays) / sizeof(kDelays[0]);
    for (int k = 0; k < 3; ++k) {
      const int seq = next++;
      const Duration d = seq % 10 == 9 ? Microseconds(1000 + (seq * 7919) % 4099)
                                      : Milliseconds(kDelays[(seq * 7 + depth) % kCount]);
      const Time when = sim.now() + d;
      expected.push_back({when.ns(), seq});
      ids.push_back(sim.at(when, "spawn", [&, seq, depth] {
        ran.push_back(seq);
        if (depth < 7 && next < 3000) spawn(depth + 1);
      }));
    }
  };
  (void)sim.at(T({}), "start", [&] { spawn(0); });
  // Cancel every 11th event once they exist: cancelled ones must not run.
  (void)sim.runUntil(T(Milliseconds(4)));
  std::vector<int> cancelled;
  for (std::size_t i = 0; i < ids.size(); i += 11) {
    if (sim.cancel(ids[i])) cancelled.push_back(static_cast<int>(i));
  }
  (void)sim.runUntil(Time::max());
  std::vector<Scheduled> want;
  for (const Scheduled& e : expected) {
    const bool wasCancelled = std::find(cancelled.begin(), cancelled.end(), e.seq) != cancelled.end();
    if (!wasCancelled) want.push_back(e);
  }
  std::stable_sort(want.begin(), want.end(), [](const Scheduled& a, const Scheduled& b) {
    return a.at != b.at ? a.at < b.at : a.seq < b.seq;
  });
  REQUIRE(!cancelled.empty());
  REQUIRE(ran.size() == want.size());
  for (std::size_t i = 0; i < ran.size(); ++i) REQUIRE(ran[i] == want[i].seq);
}

TEST_CASE("runUntil runs events at exactly the given time and leaves the clock there") {
  Simulation sim(1);
  Log log;
  note(sim, log, Seconds(5) - Nanoseconds(1), "before");
  note(sim, log, Seconds(5), "at");
  note(sim, log, Seconds(5) + Nanoseconds(1), "after");
  const RunResult r = sim.runUntil(T(Seconds(5)));
  CHECK(r.reason == StopReason::TimeReached);
  CHECK(r.message.empty());
  CHECK(log.names == std::vector<std::string>{"before", "at"});
  CHECK(sim.now() == T(Seconds(5)));
  CHECK(sim.pendingEvents() == 1);

  const RunResult rest = sim.runUntil(T(Seconds(10)));
  CHECK(rest.reason == StopReason::Idle);
  CHECK(log.names.back() == "after");
  CHECK(log.times.back() == T(Seconds(5) + Nanoseconds(1)));
  // With nothing left, the clock still moves to the requested time.
  CHECK(sim.now() == T(Seconds(10)));
}

TEST_CASE("runUntil moves the clock to the target even when no event is due") {
  Simulation sim(1);
  Log log;
  note(sim, log, Minutes(1), "later");
  const RunResult r = sim.runUntil(T(Seconds(3)));
  CHECK(r.reason == StopReason::TimeReached);
  CHECK(log.names.empty());
  CHECK(sim.now() == T(Seconds(3)));
}

TEST_CASE("runFor runs for a duration from now") {
  Simulation sim(1);
  Log log;
  for (int s = 1; s <= 10; ++s) note(sim, log, Seconds(s), std::to_string(s));
  (void)sim.runFor(Seconds(3));
  CHECK(log.names == std::vector<std::string>{"1", "2", "3"});
  CHECK(sim.now() == T(Seconds(3)));
  (void)sim.runFor(Milliseconds(2500));
  CHECK(log.names.size() == 5);
  CHECK(sim.now() == T(Milliseconds(5500)));
}

TEST_CASE("settle runs only what is due now, including what that schedules for now") {
  Simulation sim(1);
  Log log;
  (void)sim.runUntil(T(Seconds(1)));
  sim.at(sim.now(), "now", [&] {
    log.names.push_back("now");
    sim.at(sim.now(), "chained", [&] { log.names.push_back("chained"); });
  });
  note(sim, log, Seconds(1) + Nanoseconds(1), "next");
  const RunResult r = sim.settle();
  CHECK(r.reason == StopReason::TimeReached);
  CHECK(log.names == std::vector<std::string>{"now", "chained"});
  CHECK(sim.now() == T(Seconds(1)));
  CHECK(sim.pendingEvents() == 1);
}

TEST_CASE("a harness event scheduled in the past runs now") {
  Simulation sim(1);
  (void)sim.runUntil(T(Seconds(5)));
  Time ranAt;
  sim.at(T(Seconds(1)), "late", [&] { ranAt = sim.now(); });
  (void)sim.settle();
  CHECK(ranAt == T(Seconds(5)));
}

TEST_CASE("cancel prevents a pending event and reports whether it was pending") {
  Simulation sim(1);
  Log log;
  TimerId a = note(sim, log, Seconds(1), "a");
  note(sim, log, Seconds(1), "b");
  const TimerId copy = a;
  CHECK(sim.pendingEvents() == 2);
  CHECK(sim.cancel(a));
  CHECK_FALSE(a.valid());  // cancel resets the id
  CHECK(sim.pendingEvents() == 1);

  SUBCASE("twice: the second cancel returns false") {
    CHECK_FALSE(sim.cancel(a));
    TimerId again = copy;
    CHECK_FALSE(sim.cancel(again));
  }
  SUBCASE("a default TimerId cancels nothing") {
    TimerId none;
    CHECK_FALSE(sim.cancel(none));
  }
  (void)sim.runUntil(Time::max());
  CHECK(log.names == std::vector<std::string>{"b"});
}

TEST_CASE("cancel after the event ran returns false, even when its slot is reused") {
  Simulation sim(1);
  Log log;
  TimerId first = note(sim, log, Seconds(1), "first");
  (void)sim.runUntil(T(Seconds(1)));
  CHECK(log.names == std::vector<std::string>{"first"});
  // The next event may reuse the first one's storage; an old id must not cancel it.
  note(sim, log, Seconds(2), "second");
  TimerId stale = first;
  CHECK_FALSE(sim.cancel(stale));
  CHECK_FALSE(sim.cancel(first));
  (void)sim.runUntil(Time::max());
  CHECK(log.names == std::vector<std::string>{"first", "second"});
}

TEST_CASE("a cancelled event does not count as pending work") {
  Simulation sim(1);
  Log log;
  TimerId t = note(sim, log, Seconds(10), "cancelled");
  CHECK(sim.cancel(t));
  CHECK(sim.pendingEvents() == 0);
  // Nothing is left to run, so the run is idle, not merely at its time.
  const RunResult r = sim.runUntil(T(Seconds(5)));
  CHECK(r.reason == StopReason::Idle);
  CHECK(sim.now() == T(Seconds(5)));
  CHECK(log.names.empty());
}

TEST_CASE("an event scheduled at zero delay from inside an event runs in the same instant, after those already queued") {
  Simulation sim(1);
  Log log;
  sim.at(T(Seconds(1)), "a", [&] {
    log.names.push_back("a");
    log.times.push_back(sim.now());
    note(sim, log, Seconds(1), "from-a");
  });
  note(sim, log, Seconds(1), "b");
  note(sim, log, Seconds(1), "c");
  (void)sim.runUntil(Time::max());
  CHECK(log.names == std::vector<std::string>{"a", "b", "c", "from-a"});
  for (const Time t : log.times) CHECK(t == T(Seconds(1)));
}

TEST_CASE("a process's zero-delay timer also runs after what is already queued for that instant") {
  Simulation sim(1);
  Host& h = sim.addHost("agent-1", 5051);
  auto& p = sim.spawn<Recorder>(h, ProcessName::generated("slave"));
  (void)sim.settle();
  std::vector<std::string> order;
  sim.at(T(Seconds(1)), "first", [&] {
    order.push_back("first");
    p.delay(Duration{}, "zero", [&] { order.push_back("zero-delay"); });
    p.dispatch("dispatched", [&] { order.push_back("dispatched"); });
  });
  sim.at(T(Seconds(1)), "second", [&] { order.push_back("second"); });
  (void)sim.runUntil(Time::max());
  CHECK(order == std::vector<std::string>{"first", "second", "zero-delay", "dispatched"});
  CHECK(sim.now() == T(Seconds(1)));
}

TEST_CASE("stop() from inside an event ends the run after that event") {
  Simulation sim(1);
  Log log;
  note(sim, log, Seconds(1), "a");
  sim.at(T(Seconds(2)), "stopper", [&] {
    log.names.push_back("stopper");
    sim.stop("the test asked");
  });
  note(sim, log, Seconds(2), "same-instant");
  note(sim, log, Seconds(3), "later");
  const RunResult r = sim.runUntil(Time::max());
  CHECK(r.reason == StopReason::Stopped);
  CHECK(r.message == "the test asked");
  CHECK(log.names == std::vector<std::string>{"a", "stopper"});
  CHECK(sim.now() == T(Seconds(2)));
  CHECK(sim.pendingEvents() == 2);

  // The next run carries on where the stopped one left off.
  const RunResult rest = sim.runUntil(Time::max());
  CHECK(rest.reason == StopReason::Idle);
  CHECK(log.names == std::vector<std::string>{"a", "stopper", "same-instant", "later"});
}

namespace {
// A harness event that reschedules itself forever, `step` apart.
void forever(Simulation& sim, Duration step, int& count) {
  sim.at(sim.now() + step, "tick", [&sim, step, &count] {
    ++count;
    forever(sim, step, count);
  });
}
}  // namespace

TEST_CASE("max_events stops an endless run with a message") {
  Limits limits;
  limits.max_events = 5;
  Simulation sim(1, limits);
  int count = 0;
  forever(sim, Duration{}, count);  // never advances the clock
  const RunResult r = sim.runUntil(Time::max());
  CHECK(r.reason == StopReason::LimitExceeded);
  CHECK(r.message.find("more than 5 events") != std::string::npos);
  CHECK(count == 5);
  CHECK(sim.now() == Time{});
}

TEST_CASE("max_pending_events stops a run that floods the queue") {
  Limits limits;
  limits.max_pending_events = 3;
  Simulation sim(1, limits);
  int ran = 0;
  sim.at(T(Seconds(1)), "flood", [&] {
    for (int i = 0; i < 10; ++i) sim.at(sim.now() + Seconds(1), "wave", [&] { ++ran; });
  });
  const RunResult r = sim.runUntil(Time::max());
  CHECK(r.reason == StopReason::LimitExceeded);
  CHECK(r.message.find("more than 3 queued events") != std::string::npos);
  CHECK(ran == 0);
  CHECK(sim.pendingEvents() <= 3);
}

TEST_CASE("max_time stops a run whose clock passes it") {
  Limits limits;
  limits.max_time = Seconds(10);
  Simulation sim(1, limits);
  int count = 0;
  forever(sim, Seconds(1), count);
  const RunResult r = sim.runUntil(Time::max());
  CHECK(r.reason == StopReason::LimitExceeded);
  CHECK(r.message.find("simulated time passed 10secs") != std::string::npos);
  CHECK(count == 10);  // the ticks at 1s .. 10s ran; the one at 11s did not
}

TEST_CASE("a process that floods itself with timers hits the limit instead of hanging") {
  Limits limits;
  limits.max_events = 1000;
  Simulation sim(1, limits);
  Host& h = sim.addHost("agent-1", 5051);
  auto& p = sim.spawn<Recorder>(h, ProcessName::generated("slave"));
  std::function<void()> tick = [&] { p.dispatch("tick", tick); };
  p.on_initialize = [&](Recorder&) { tick(); };
  const RunResult r = sim.runUntil(Time::max());
  CHECK(r.reason == StopReason::LimitExceeded);
  CHECK(r.message.find("more than 1000 events") != std::string::npos);
}

TEST_CASE("eventsRun and pendingEvents count what ran and what waits") {
  Simulation sim(1);
  Log log;
  for (int i = 0; i < 4; ++i) note(sim, log, Seconds(i + 1), "e");
  CHECK(sim.pendingEvents() == 4);
  CHECK(sim.eventsRun() == 0);
  (void)sim.runUntil(T(Seconds(2)));
  CHECK(sim.eventsRun() == 2);
  CHECK(sim.pendingEvents() == 2);
}

TEST_CASE("a run whose trace grows past max_trace_bytes stops with a message; 2 GiB by default") {
  CHECK(Limits{}.max_trace_bytes == std::uint64_t{2} * 1024 * 1024 * 1024);
  Record one;
  one.host = "h";
  one.name = "log";
  one.fields = {{"message", std::string(100, 'x')}};
  const std::uint64_t each = approximateBytes(one);
  Limits limits;
  limits.max_trace_bytes = 3 * each;
  Simulation sim(1, limits);
  MemorySink sink;
  sim.trace().addSink(&sink);
  for (int i = 0; i < 10; ++i) {
    sim.at(Time{} + Seconds(i), "log", [&sim] {
      sim.emit(RecordKind::Log, nullptr, "h", "log", {{"message", std::string(100, 'x')}}, "");
    });
  }
  const RunResult r = sim.runUntil(Time{} + Seconds(100));
  CHECK(r.reason == StopReason::LimitExceeded);
  CHECK(r.message == fmt::format("run stopped: trace records of more than {} bytes in memory (an estimate) (a limit of "
                                 "agentsim; see docs/limits.md)",
                                 3 * each));
  CHECK(sink.records().size() == 4);
  CHECK(sim.trace().bytes() == 4 * each);
}

TEST_CASE("a run whose trace grows past max_trace_records stops with a message") {
  Limits limits;
  limits.max_trace_records = 3;
  Simulation sim(1, limits);
  MemorySink sink;
  sim.trace().addSink(&sink);
  for (int i = 0; i < 10; ++i) {
    sim.at(Time{} + Seconds(i), "log", [&sim] { sim.emit(RecordKind::Log, nullptr, "h", "log", {}, ""); });
  }
  const RunResult r = sim.runUntil(Time{} + Seconds(100));
  CHECK(r.reason == StopReason::LimitExceeded);
  CHECK(r.message.find("more than 3 trace records") != std::string::npos);
  CHECK(sink.records().size() == 4);
}

// The run loop's prefetch hints (EventQueue::peek): the next ticket of the source whose
// event runs next, never taken out of the queue by asking.
TEST_CASE("peek names the next event to run, and the lane's tickets after it, without taking them") {
  EventQueue q;
  const auto timerAt = [&q](std::int64_t at, std::int64_t now) {
    const std::uint32_t ref = q.newTimer();
    q.push(ref, at, now);
    return ref;
  };
  CHECK(q.peek(0) == EventQueue::kNone);
  // A delay seen once goes to the heap; seen again, to a lane of its own.
  const std::uint32_t h = timerAt(5, 0);
  CHECK(q.peek(0) == h);
  CHECK(q.peek(1) == EventQueue::kNone);  // the heap gives its top only
  std::vector<std::uint32_t> lane;
  for (int i = 0; i < 6; ++i) lane.push_back(timerAt(5, 0));
  CHECK(q.peek(0) == h);  // queued first at time 5: still first
  CHECK(q.popNext(100) == h);
  q.release(h);
  for (std::size_t k = 0; k < lane.size(); ++k) CHECK(q.peek(k) == lane[k]);
  CHECK(q.peek(lane.size()) == EventQueue::kNone);
  CHECK(q.size() == lane.size());  // asking took nothing
  // Popping follows what peek(0) named, across sources, with deliveries among them.
  const std::uint32_t d = q.newDelivery();
  q.push(d, 3, 0);
  const std::uint32_t early = timerAt(1, 0);
  std::vector<std::uint32_t> order;
  for (;;) {
    const std::uint32_t next = q.peek(0);
    const std::uint32_t ref = q.popNext(100);
    CHECK(next == ref);
    if (ref == EventQueue::kNone) break;
    order.push_back(ref);
    q.release(ref);
  }
  std::vector<std::uint32_t> expected{early, d};
  expected.insert(expected.end(), lane.begin(), lane.end());
  CHECK(order == expected);
}

TEST_CASE("peek past a lane's first block of tickets stops at the block's end; the order is kept") {
  EventQueue q;
  q.prefetchLanes(true);  // refreshFront's prefetch too, at the block's end and the lane's
  std::vector<std::uint32_t> refs;
  // 5,000 timers due 1 ms apart, each pushed a fixed 1 ms ahead from its predecessor's
  // time: one lane of more than one 4,096-ticket block.
  for (std::int64_t i = 0; i < 5000; ++i) {
    const std::uint32_t ref = q.newTimer();
    q.push(ref, i + 1, i);
    refs.push_back(ref);
  }
  CHECK(q.peek(0) == refs[0]);
  // The first delay went to the heap, the rest to a lane; the heap gives its top only.
  CHECK(q.peek(1) == EventQueue::kNone);
  std::size_t n = 0;
  std::size_t block_ends = 0;
  for (;;) {
    const std::uint32_t next = q.peek(0);
    const std::uint32_t after = q.peek(1);
    const std::uint32_t third = q.peek(2);
    const std::uint32_t ref = q.popNext(1'000'000);
    if (ref == EventQueue::kNone) break;
    REQUIRE(ref == refs[n]);
    CHECK(next == ref);
    if (n >= 1) {
      // The lane holds refs[1..]: refs[n] is its ticket n - 1, and peek(k) names the
      // ticket k after it while that is in the same 4,096-ticket block, else none.
      CAPTURE(n);
      const std::size_t j = n - 1;
      const std::size_t lane = refs.size() - 1;
      const std::size_t block_end = std::min<std::size_t>(4096, lane - j / 4096 * 4096);
      const auto expected = [&](std::size_t k) { return j % 4096 + k < block_end ? refs[n + k] : EventQueue::kNone; };
      CHECK(after == expected(1));
      CHECK(third == expected(2));
      if (after == EventQueue::kNone) ++block_ends;
    }
    q.release(ref);
    ++n;
  }
  CHECK(n == refs.size());
  CHECK(block_ends == 2);  // the first block's last ticket and the lane's last
}

// The run loop prefetches (Simulation::prefetchAhead: EventQueue::peek's hints, and the
// lanes' refreshFront) only from 32,768 process slots on (kPrefetchFromProcesses), which
// no scenario of the suite reaches. The hints are read from tickets that may be stale: a
// cancelled timer whose slot is free (owner none) or taken since by another timer, a
// timer of a process terminated or crashed (its slot empty or reused), a message to an
// address with no process. So a workload with all of these runs twice, beside 40,000 idle
// processes (prefetch on) and alone (off): the same records and the same timers fired,
// and under ASan no read of freed or foreign memory.
namespace {
struct BusyRun {
  std::vector<std::string> lines;  // the trace after the workload began, then the timers fired
  std::vector<RunResult> results;
};

BusyRun busyRun(std::size_t idle, bool permute) {
  Simulation sim(11);
  Host& a = sim.addHost("agent-1", 5051);
  Host& b = sim.addHost("agent-2", 5051);
  Host& spare = sim.addHost("spare", 5051);
  for (std::size_t i = 0; i < idle; ++i) sim.spawn<Recorder>(spare);
  BusyRun out;
  std::vector<std::string> fired;
  std::vector<Recorder*> rs;
  // A recorder's rounds: four timers of one delay (one lane), the second cancelled at
  // once and its slot taken by the third; the first starts the next round.
  std::function<void(Recorder&, int)> round = [&](Recorder& r, int n) {
    if (n >= 30) return;
    const std::string who = r.self().str();
    r.delay(Milliseconds(10), "round", [&, &self = r, who, n] {
      fired.push_back(who + " round " + std::to_string(n));
      round(self, n + 1);
    });
    TimerId dropped = r.delay(Milliseconds(10), "dropped", [&fired, who] { fired.push_back(who + " dropped"); });
    CHECK(r.cancel(dropped));
    r.delay(Milliseconds(10), "again", [&fired, who, n] { fired.push_back(who + " again " + std::to_string(n)); });
    r.delay(Milliseconds(10), "last", [&fired, who, n] { fired.push_back(who + " last " + std::to_string(n)); });
  };
  // Pings bounced between neighbours (deliveries of one latency: a lane).
  const auto start = [&](Recorder& r) {
    r.on_ping = [](Recorder& self, const Upid& from, const Ping& m) {
      if (m.n < 40) self.sendPing(from, m.n + 1);
    };
    round(r, 0);
  };
  const auto spawnOn = [&](Host& h) {
    Recorder& r = sim.spawn<Recorder>(h);
    rs.push_back(&r);
    return &r;
  };
  for (int i = 0; i < 8; ++i) {
    spawnOn(a);
    spawnOn(b);
  }
  (void)sim.settle();
  sim.permuteTies(permute);  // after the idle processes started: the same draws from here on
  MemorySink sink;
  sim.trace().addSink(&sink);
  sim.at(T(Milliseconds(1)), "start", [&] {
    for (Recorder* r : rs) start(*r);
    for (std::size_t i = 0; i < rs.size(); ++i) rs[i]->sendPing(rs[(i + 1) % rs.size()]->self(), 0);
    rs[0]->sendPing(sim.upid("recorder(99)", "agent-2", 5051), 0);  // no process there
  });
  // recorder(2)@agent-2 terminated with pings and timers on their way to it.
  sim.at(T(Milliseconds(55)), "terminate", [&] { sim.terminate(*rs[3]); });
  sim.at(T(Milliseconds(77)), "stop", [&] { sim.stop("mid-way"); });
  // agent-1 crashed, then restarted with recorders under the same addresses (the
  // crashed ones' process slots and addresses reused), which ping agent-2's (the
  // terminated one's address among them).
  sim.at(T(Milliseconds(105)), "crash", [&] { sim.crash(a); });
  sim.at(T(Milliseconds(150)), "restart", [&] {
    sim.restart(a);
    for (int i = 0; i < 8; ++i) {
      Recorder& r = *spawnOn(a);
      start(r);
      r.sendPing(sim.upid("recorder(" + std::to_string(i + 1) + ")", "agent-2", 5051), 0);
    }
  });
  for (const Duration until : {Milliseconds(40), Milliseconds(41), Milliseconds(100), Seconds(2)}) {
    out.results.push_back(sim.runUntil(T(until)));
    if (out.results.back().reason == StopReason::Stopped) out.results.push_back(sim.runUntil(T(until)));
  }
  for (const Record& r : sink.records()) out.lines.push_back(toJsonLine(r));
  out.lines.insert(out.lines.end(), fired.begin(), fired.end());
  return out;
}

std::size_t count(const std::vector<std::string>& lines, std::string_view part) {
  return static_cast<std::size_t>(
      std::count_if(lines.begin(), lines.end(), [part](const std::string& l) { return l.find(part) != std::string::npos; }));
}
}  // namespace

TEST_CASE("40,000 processes (the run loop prefetches): the same records and timers as without them") {
  for (const bool permute : {false, true}) {
    CAPTURE(permute);
    const BusyRun alone = busyRun(0, permute);
    const BusyRun crowded = busyRun(40'000, permute);
    // The workload did what it is for.
    CHECK(count(alone.lines, " again ") > 300);
    CHECK(count(alone.lines, " dropped") == 0);
    CHECK(count(alone.lines, "no process at the address") >= 2);
    CHECK(alone.results.size() == 5);
    CHECK(alone.results[2].reason == StopReason::Stopped);
    CHECK(alone.lines.size() == crowded.lines.size());
    CHECK(alone.lines == crowded.lines);
    REQUIRE(alone.results.size() == crowded.results.size());
    for (std::size_t i = 0; i < alone.results.size(); ++i) {
      CHECK(alone.results[i].reason == crowded.results[i].reason);
      CHECK(alone.results[i].message == crowded.results[i].message);
    }
  }
}
