// The kernel's stepping API (agentsim step): one event at a time in the run's own order,
// the queue listed in that order, a queued delivery run early or lost.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/simulation.hpp"
#include "sim_test_util.hpp"

using namespace agentsim::sim;
using namespace agentsim::sim::test;

namespace {
// Three pings each way and a timer on the slave, from 1s.
void workload(TwoHosts& w) {
  w.at(Seconds(1), [&w] {
    for (int i = 0; i < 3; ++i) w.slave.sendPing(w.master.self(), i);
    w.slave.delay(Milliseconds(500), "Slave::tick", [&w] { w.slave.sendPong(w.master.self(), 7); });
  });
  w.at(Seconds(1), [&w] { w.master.sendPing(w.slave.self(), 10); });
}

std::vector<std::string> lines(const MemorySink& sink) {
  std::vector<std::string> out;
  for (const Record& r : sink.records()) out.push_back(toJsonLine(r));
  return out;
}
}  // namespace

TEST_CASE("stepping runs the events runUntil runs, in the same order") {
  TwoHosts a;
  MemorySink ran;
  a.sim.trace().addSink(&ran);
  workload(a);
  (void)a.sim.runUntil(Time::max());

  TwoHosts b;
  MemorySink stepped;
  b.sim.trace().addSink(&stepped);
  workload(b);
  std::uint64_t steps = 0;
  while (b.sim.step()) ++steps;
  CHECK(steps == b.sim.eventsRun() - 2);  // TwoHosts settled the two initialize() events
  CHECK(lines(stepped) == lines(ran));
  CHECK(b.sim.now() == a.sim.now());
  CHECK_FALSE(b.sim.step());
}

TEST_CASE("pending lists the queue in run order, with each event's kind and owner") {
  TwoHosts w;
  workload(w);
  auto q = w.sim.pending();
  REQUIRE(q.size() == 2);
  CHECK(q[0].kind == Simulation::EventKind::Harness);
  CHECK(q[0].at == Time{} + Seconds(1));
  CHECK(q[0].seq < q[1].seq);
  REQUIRE(w.sim.step());  // the slave sends three pings and arms its timer
  w.slave.dispatch("Slave::now", [] {});  // queued last, but due at 1s: before the pings
  q = w.sim.pending();
  REQUIRE(q.size() == 6);
  CHECK(q[0].kind == Simulation::EventKind::Harness);  // the second harness event, same time
  CHECK(q[1].kind == Simulation::EventKind::Dispatch);
  CHECK(q[1].function == "Slave::now");
  CHECK(q[1].at == Time{} + Seconds(1));
  for (int i = 2; i <= 4; ++i) {
    CHECK(q[i].kind == Simulation::EventKind::Delivery);
    CHECK(q[i].message == "Ping");
    CHECK(q[i].process == "master");
    CHECK(q[i].from == "slave(1)@agent-1:5051");
    CHECK(q[i].function == "ping");
    CHECK(q[i].at == Time{} + Seconds(1) + Milliseconds(1));
  }
  CHECK(q[5].kind == Simulation::EventKind::Timer);
  CHECK(q[5].process == "slave(1)");
  CHECK(q[5].function == "Slave::tick");
  CHECK(q[2].msg < q[3].msg);
}

TEST_CASE("a queued delivery runs now, ahead of its turn, or is lost with a drop record") {
  TwoHosts w;
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  workload(w);
  REQUIRE(w.sim.step());
  const auto q = w.sim.pending();
  const std::uint64_t first = q[1].msg;
  const std::uint64_t third = q[3].msg;
  CHECK(w.sim.deliverNow(third));
  CHECK(w.sim.now() == Time{} + Seconds(1));  // delivered at once, not at its arrival time
  CHECK(w.master.numbers() == std::vector<std::int64_t>{2});
  CHECK_FALSE(w.sim.deliverNow(third));  // no longer queued
  CHECK(w.sim.dropPending(first, "step"));
  CHECK_FALSE(w.sim.dropPending(first, "step"));
  const auto drops = ofKind(sink, RecordKind::Drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].msg == first);
  CHECK(drops[0].text("reason") == "fault: step");
  (void)w.sim.runUntil(Time::max());
  CHECK(w.master.numbers() == std::vector<std::int64_t>{2, 1});
  CHECK(w.sim.pendingEvents() == 0);
}

TEST_CASE("advanceTo moves the clock only up to the next queued event") {
  TwoHosts w;
  workload(w);
  CHECK(w.sim.advanceTo(Time{} + Milliseconds(900)));
  CHECK(w.sim.now() == Time{} + Milliseconds(900));
  CHECK_FALSE(w.sim.advanceTo(Time{} + Seconds(2)));  // an event is due at 1s
  CHECK_FALSE(w.sim.advanceTo(Time{} + Milliseconds(100)));  // the past
  CHECK(w.sim.advanceTo(Time{} + Seconds(1)));
  CHECK(w.sim.now() == Time{} + Seconds(1));
}
