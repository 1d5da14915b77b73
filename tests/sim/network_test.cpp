// Network faults: drop, delay, duplicate, hold/release, partitions and jitter.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/simulation.hpp"
#include "sim_test_util.hpp"

using namespace agentsim::sim;
using namespace agentsim::sim::test;

namespace {
Time T(Duration d) { return Time{} + d; }

std::vector<std::int64_t> range(int from, int to) {
  std::vector<std::int64_t> out;
  for (int i = from; i < to; ++i) out.push_back(i);
  return out;
}

FaultRule rule(MessageMatch match, FaultAction action, std::uint64_t count = 0) {
  FaultRule r;
  r.match = std::move(match);
  r.action = action;
  r.count = count;
  return r;
}

MessageMatch named(std::string name) {
  MessageMatch m;
  m.name = std::move(name);
  return m;
}

// Sends `n` Pings slave -> master at 1s, numbered 0..n-1.
void pings(TwoHosts& w, int n, Duration at = Seconds(1)) {
  w.at(at, [&w, n] {
    for (int i = 0; i < n; ++i) w.slave.sendPing(w.master.self(), i);
  });
}
}  // namespace

TEST_CASE("drop the first N matching messages") {
  TwoHosts w;
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  FaultRule r = rule(named("Ping"), FaultAction::Drop, 2);
  r.label = "timeline[0]";
  w.sim.network().addRule(r);
  pings(w, 5);
  w.at(Seconds(1), [&] { w.slave.sendPong(w.master.self(), 9); });
  (void)w.sim.runUntil(Time::max());
  CHECK(w.master.numbers("Ping") == std::vector<std::int64_t>{2, 3, 4});
  CHECK(w.master.numbers("Pong") == std::vector<std::int64_t>{9});

  const auto drops = ofKind(sink, RecordKind::Drop);
  REQUIRE(drops.size() == 2);
  CHECK(drops[0].name == "Ping");
  CHECK(drops[0].text("reason") == "fault: timeline[0]");
  CHECK(drops[0].text("to") == "master@master-1:5050");
  CHECK(drops[0].process == "slave(1)");
  CHECK(drops[0].text("from") == "slave(1)@agent-1:5051");
  CHECK(drops[0].at == T(Seconds(1)));  // dropped when sent
  // Trace v2: a drop carries the id of the send it loses.
  const auto sends = ofKind(sink, RecordKind::Send);
  CHECK(drops[0].msg == sends[0].msg);
  CHECK(drops[1].msg == sends[1].msg);
  CHECK(sends[0].msg != sends[1].msg);
}

TEST_CASE("a drop rule without a label names its match in the drop record") {
  TwoHosts w;
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  MessageMatch m = named("Ping");
  m.to = "master";
  w.sim.network().addRule(rule(m, FaultAction::Drop, 1));
  pings(w, 1);
  (void)w.sim.runUntil(Time::max());
  const auto drops = ofKind(sink, RecordKind::Drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].text("reason") == "fault: Ping to master");
}

TEST_CASE("MessageMatch describes itself") {
  MessageMatch m;
  CHECK(m.describe() == "any message");
  m.name = "StatusUpdateMessage";
  m.from = "slave(1)";
  m.to = "master-1";
  CHECK(m.describe() == "StatusUpdateMessage from slave(1) to master-1");
}

TEST_CASE("drop every matching message") {
  TwoHosts w;
  w.sim.network().addRule(rule(named("Ping"), FaultAction::Drop));
  pings(w, 20);
  w.at(Seconds(2), [&] { w.slave.sendPong(w.master.self(), 1); });
  (void)w.sim.runUntil(Time::max());
  CHECK(w.master.numbers("Ping").empty());
  CHECK(w.master.numbers("Pong") == std::vector<std::int64_t>{1});
}

TEST_CASE("a match on sender and receiver accepts an id, a host or a full address") {
  auto delivered = [](MessageMatch m) {
    TwoHosts w;
    w.sim.network().addRule(rule(std::move(m), FaultAction::Drop));
    pings(w, 1);                                                     // slave -> master
    w.at(Seconds(1), [&] { w.master.sendPing(w.slave.self(), 1); });  // master -> slave
    (void)w.sim.runUntil(Time::max());
    return std::pair<std::size_t, std::size_t>{w.master.received.size(), w.slave.received.size()};
  };
  using Both = std::pair<std::size_t, std::size_t>;
  MessageMatch m;
  m.from = "slave(1)";
  CHECK(delivered(m) == Both{0, 1});
  m.from = "agent-1";
  CHECK(delivered(m) == Both{0, 1});
  m.from = "slave(1)@agent-1:5051";
  CHECK(delivered(m) == Both{0, 1});
  m.from = "slave(2)";
  CHECK(delivered(m) == Both{1, 1});
  m.from = "slave(1)@agent-1:5052";
  CHECK(delivered(m) == Both{1, 1});
  m.from = "slave";  // a prefix is not an id
  CHECK(delivered(m) == Both{1, 1});

  MessageMatch to;
  to.to = "master";
  CHECK(delivered(to) == Both{0, 1});
  to.to = "agent-1";
  CHECK(delivered(to) == Both{1, 0});
  to.to = "master@master-1:5050";
  CHECK(delivered(to) == Both{0, 1});

  MessageMatch both;
  both.from = "master-1";
  both.to = "slave(1)";
  CHECK(delivered(both) == Both{1, 0});
  both.name = "Pong";
  CHECK(delivered(both) == Both{1, 1});

  MessageMatch where;
  where.where = [](const Envelope& e) { return e.to.id() == "master"; };
  CHECK(delivered(where) == Both{0, 1});
}

TEST_CASE("drop with probability 1/2 is deterministic for a seed") {
  auto run = [](std::uint64_t seed) {
    TwoHosts w(seed);
    FaultRule r = rule(named("Ping"), FaultAction::Drop);
    r.probability = Ratio{1, 2};
    w.sim.network().addRule(r);
    pings(w, 1000);
    (void)w.sim.runUntil(Time::max());
    return w.master.numbers();
  };
  const auto first = run(42);
  const auto again = run(42);
  CHECK(first == again);
  // Expected 500 delivered, standard deviation about 16.
  CHECK(first.size() > 400);
  CHECK(first.size() < 600);
  CHECK(run(43) != first);
}

TEST_CASE("probability and count combine: only dropped messages count") {
  TwoHosts w;
  FaultRule r = rule(named("Ping"), FaultAction::Drop, 10);
  r.probability = Ratio{1, 2};
  w.sim.network().addRule(r);
  pings(w, 200);
  (void)w.sim.runUntil(Time::max());
  CHECK(w.master.received.size() == 190);
}

TEST_CASE("delay adds latency to matching messages") {
  TwoHosts w;
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  FaultRule r = rule(named("Ping"), FaultAction::Delay, 1);
  r.delay = Seconds(10);
  r.label = "slow";
  w.sim.network().addRule(r);
  pings(w, 2);
  (void)w.sim.runUntil(Time::max());
  REQUIRE(w.master.received.size() == 2);
  // The second Ping is not delayed and overtakes the first.
  CHECK(w.master.received[0].n == 1);
  CHECK(w.master.received[0].at == T(Seconds(1) + Milliseconds(1)));
  CHECK(w.master.received[1].n == 0);
  CHECK(w.master.received[1].at == T(Seconds(11) + Milliseconds(1)));
  const auto faults = ofKind(sink, RecordKind::Fault);
  REQUIRE(faults.size() == 1);
  CHECK(faults[0].name == "delay");
  CHECK(faults[0].text("message") == "Ping");
  CHECK(faults[0].text("label") == "slow");
}

TEST_CASE("a delay that keeps order holds later messages on its link behind the delayed one") {
  TwoHosts w;
  FaultRule r = rule(named("Ping"), FaultAction::Delay, 1);
  r.delay = Seconds(10);
  r.keep_order = true;
  w.sim.network().addRule(r);
  pings(w, 2);
  (void)w.sim.runUntil(Time::max());
  REQUIRE(w.master.received.size() == 2);
  // As a slow TCP link: the second Ping is not delayed by the rule but waits behind the first.
  CHECK(w.master.received[0].n == 0);
  CHECK(w.master.received[0].at == T(Seconds(11) + Milliseconds(1)));
  CHECK(w.master.received[1].n == 1);
  CHECK(w.master.received[1].at == T(Seconds(11) + Milliseconds(1)));
}

TEST_CASE("two delay rules add up") {
  TwoHosts w;
  FaultRule a = rule(named("Ping"), FaultAction::Delay);
  a.delay = Seconds(1);
  FaultRule b = rule(MessageMatch{}, FaultAction::Delay);
  b.delay = Seconds(2);
  w.sim.network().addRule(a);
  w.sim.network().addRule(b);
  pings(w, 1);
  (void)w.sim.runUntil(Time::max());
  REQUIRE(w.master.received.size() == 1);
  CHECK(w.master.received[0].at == T(Seconds(4) + Milliseconds(1)));
}

TEST_CASE("duplicate delivers a matching message twice") {
  TwoHosts w;
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  w.sim.network().addRule(rule(named("Ping"), FaultAction::Duplicate, 1));
  pings(w, 2);
  (void)w.sim.runUntil(Time::max());
  CHECK(w.master.numbers() == std::vector<std::int64_t>{0, 0, 1});
  for (const Received& r : w.master.received) CHECK(r.at == T(Seconds(1) + Milliseconds(1)));
  CHECK(ofKind(sink, RecordKind::Deliver).size() == 3);
  CHECK(ofKind(sink, RecordKind::Send).size() == 2);
  REQUIRE(ofKind(sink, RecordKind::Fault).size() == 1);
  CHECK(ofKind(sink, RecordKind::Fault)[0].name == "duplicate");
  // Trace v2: both copies carry the id of their send; the later copy is the duplicate.
  const auto sends = ofKind(sink, RecordKind::Send);
  const auto delivers = ofKind(sink, RecordKind::Deliver);
  CHECK(sends[0].msg == 1);
  CHECK(sends[1].msg == 2);
  CHECK(ofKind(sink, RecordKind::Fault)[0].msg == 1);
  CHECK((delivers[0].msg == 1 && !delivers[0].duplicate));
  CHECK((delivers[1].msg == 1 && delivers[1].duplicate));
  CHECK((delivers[2].msg == 2 && !delivers[2].duplicate));
}

TEST_CASE("hold keeps messages until release, which delivers them after the usual latency") {
  TwoHosts w;
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  const RuleId id = w.sim.network().addRule(rule(named("Ping"), FaultAction::Hold));
  pings(w, 3);
  (void)w.sim.runUntil(T(Seconds(30)));
  CHECK(w.master.received.empty());
  std::size_t released = 0;
  w.at(Seconds(30), [&] { released = w.sim.network().release(id); });
  (void)w.sim.runUntil(Time::max());
  CHECK(released == 3);
  CHECK(w.master.numbers() == std::vector<std::int64_t>{0, 1, 2});
  for (const Received& r : w.master.received) CHECK(r.at == T(Seconds(30) + Milliseconds(1)));

  std::vector<std::string> faultNames;
  for (const Record& r : ofKind(sink, RecordKind::Fault)) faultNames.push_back(r.name);
  CHECK(faultNames == std::vector<std::string>{"hold", "hold", "hold", "release", "release", "release"});

  // The rule stays: a later Ping is held again; releasing an unknown rule does nothing.
  pings(w, 1, Seconds(40));
  (void)w.sim.runUntil(Time::max());
  CHECK(w.master.received.size() == 3);
  CHECK(w.sim.network().release(id + 100) == 0);
}

TEST_CASE("removeRule releases what the rule holds and ends the rule") {
  TwoHosts w;
  const RuleId id = w.sim.network().addRule(rule(named("Ping"), FaultAction::Hold));
  pings(w, 2);
  w.at(Seconds(5), [&] { w.sim.network().removeRule(id); });
  pings(w, 1, Seconds(6));
  (void)w.sim.runUntil(Time::max());
  REQUIRE(w.master.received.size() == 3);
  CHECK(w.master.received[0].at == T(Seconds(5) + Milliseconds(1)));
  CHECK(w.master.received[1].at == T(Seconds(5) + Milliseconds(1)));
  CHECK(w.master.received[2].at == T(Seconds(6) + Milliseconds(1)));
}

TEST_CASE("removeRule on a drop rule stops the drops") {
  TwoHosts w;
  const RuleId id = w.sim.network().addRule(rule(named("Ping"), FaultAction::Drop));
  pings(w, 2, Seconds(1));
  w.at(Seconds(2), [&] { w.sim.network().removeRule(id); });
  pings(w, 2, Seconds(3));
  (void)w.sim.runUntil(Time::max());
  CHECK(w.master.received.size() == 2);
  CHECK(w.master.received[0].at == T(Seconds(3) + Milliseconds(1)));
}

TEST_CASE("a two-way partition loses messages both ways; heal restores them") {
  TwoHosts w;
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  w.sim.network().partition("agent-1", "master-1", /*oneWay=*/false, "split");
  CHECK(w.sim.network().partitioned("agent-1", "master-1"));
  CHECK(w.sim.network().partitioned("master-1", "agent-1"));
  w.at(Seconds(1), [&] {
    w.slave.sendPing(w.master.self(), 1);
    w.master.sendPing(w.slave.self(), 2);
  });
  w.at(Seconds(2), [&] { w.sim.network().heal("master-1", "agent-1"); });
  w.at(Seconds(3), [&] {
    w.slave.sendPing(w.master.self(), 3);
    w.master.sendPing(w.slave.self(), 4);
  });
  (void)w.sim.runUntil(Time::max());
  CHECK(w.master.numbers() == std::vector<std::int64_t>{3});
  CHECK(w.slave.numbers() == std::vector<std::int64_t>{4});
  CHECK_FALSE(w.sim.network().partitioned("agent-1", "master-1"));

  const auto drops = ofKind(sink, RecordKind::Drop);
  REQUIRE(drops.size() == 2);
  for (const Record& d : drops) CHECK(d.text("reason") == "partition");
  const auto faults = ofKind(sink, RecordKind::Fault);
  REQUIRE(faults.size() == 2);
  CHECK(faults[0].name == "partition");
  CHECK(faults[0].text("label") == "split");
  CHECK(faults[1].name == "heal");
}

TEST_CASE("a one-way partition loses only one direction") {
  TwoHosts w;
  w.sim.network().partition("agent-1", "master-1", /*oneWay=*/true);
  CHECK(w.sim.network().partitioned("agent-1", "master-1"));
  CHECK_FALSE(w.sim.network().partitioned("master-1", "agent-1"));
  w.at(Seconds(1), [&] {
    w.slave.sendPing(w.master.self(), 1);
    w.master.sendPing(w.slave.self(), 2);
  });
  (void)w.sim.runUntil(Time::max());
  CHECK(w.master.received.empty());
  CHECK(w.slave.numbers() == std::vector<std::int64_t>{2});
}

TEST_CASE("healAll removes every partition") {
  Simulation sim(1);
  Host& a = sim.addHost("a", 1);
  Host& b = sim.addHost("b", 1);
  Host& c = sim.addHost("c", 1);
  auto& pa = sim.spawn<Recorder>(a, ProcessName::fixed("p"));
  auto& pb = sim.spawn<Recorder>(b, ProcessName::fixed("p"));
  auto& pc = sim.spawn<Recorder>(c, ProcessName::fixed("p"));
  sim.network().partition("a", "b", false);
  sim.network().partition("a", "c", true);
  sim.network().partition("c", "b", true);
  sim.network().healAll();
  CHECK_FALSE(sim.network().partitioned("a", "b"));
  CHECK_FALSE(sim.network().partitioned("b", "a"));
  CHECK_FALSE(sim.network().partitioned("a", "c"));
  CHECK_FALSE(sim.network().partitioned("c", "b"));
  sim.at(Time{} + Seconds(1), "send", [&] {
    pa.sendPing(pb.self(), 1);
    pa.sendPing(pc.self(), 2);
    pc.sendPing(pb.self(), 3);
    pb.sendPing(pa.self(), 4);
  });
  (void)sim.runUntil(Time::max());
  CHECK(pb.numbers() == std::vector<std::int64_t>{1, 3});
  CHECK(pc.numbers() == std::vector<std::int64_t>{2});
  CHECK(pa.numbers() == std::vector<std::int64_t>{4});
}

TEST_CASE("a partition does not cut a host off from itself or from third hosts") {
  Simulation sim(1);
  Host& a = sim.addHost("a", 1);
  Host& b = sim.addHost("b", 1);
  Host& c = sim.addHost("c", 1);
  auto& pa = sim.spawn<Recorder>(a, ProcessName::generated("p"));
  auto& pa2 = sim.spawn<Recorder>(a, ProcessName::generated("p"));
  auto& pb = sim.spawn<Recorder>(b, ProcessName::generated("p"));
  auto& pc = sim.spawn<Recorder>(c, ProcessName::generated("p"));
  sim.network().partition("a", "b", false);
  sim.at(Time{} + Seconds(1), "send", [&] {
    pa.sendPing(pa2.self(), 1);
    pa.sendPing(pc.self(), 2);
    pb.sendPing(pc.self(), 3);
    pa.sendPing(pb.self(), 4);
  });
  (void)sim.runUntil(Time::max());
  CHECK(pa2.numbers() == std::vector<std::int64_t>{1});
  CHECK(pc.numbers() == std::vector<std::int64_t>{2, 3});
  CHECK(pb.received.empty());
}

TEST_CASE("jitter spreads arrival times but keeps per-link FIFO order") {
  TwoHosts w(5);
  w.sim.network().setLatency(LatencyModel{Milliseconds(1), Milliseconds(50)});
  // Sent 100us apart: far less than the jitter, so without FIFO they would reorder.
  for (int i = 0; i < 200; ++i) {
    w.at(Seconds(1) + Microseconds(100) * i, [&w, i] { w.slave.sendPing(w.master.self(), i); });
  }
  (void)w.sim.runUntil(Time::max());
  CHECK(w.master.numbers() == range(0, 200));
  int slow = 0;
  for (std::size_t k = 0; k < w.master.received.size(); ++k) {
    const Received& r = w.master.received[k];
    const Time sent = T(Seconds(1) + Microseconds(100) * static_cast<std::int64_t>(r.n));
    const Duration delay = r.at - sent;
    CHECK(delay >= Milliseconds(1));
    CHECK(delay <= Milliseconds(51));
    if (k > 0) CHECK(w.master.received[k - 1].at <= r.at);
    if (delay > Milliseconds(2)) ++slow;
  }
  CHECK(slow > 100);  // the jitter was really applied; without it every delay is 1ms
}

TEST_CASE("jitter reorders messages across different links, never within one") {
  Simulation sim(3);
  sim.network().setLatency(LatencyModel{Milliseconds(1), Milliseconds(50)});
  Host& a = sim.addHost("a", 1);
  Host& b = sim.addHost("b", 1);
  auto& sender1 = sim.spawn<Recorder>(a, ProcessName::generated("s"));
  auto& sender2 = sim.spawn<Recorder>(a, ProcessName::generated("s"));
  auto& receiver = sim.spawn<Recorder>(b, ProcessName::fixed("r"));
  sim.at(Time{} + Seconds(1), "send", [&] {
    for (int i = 0; i < 100; ++i) {
      sender1.sendPing(receiver.self(), i);
      sender2.sendPing(receiver.self(), 1000 + i);
    }
  });
  (void)sim.runUntil(Time::max());
  std::vector<std::int64_t> from1;
  std::vector<std::int64_t> from2;
  bool interleaved = false;
  for (std::size_t k = 0; k < receiver.received.size(); ++k) {
    const Received& r = receiver.received[k];
    (r.from == sender1.self().str() ? from1 : from2).push_back(r.n);
    if (k > 0 && receiver.received[k - 1].n >= 1000 && r.n < 1000) interleaved = true;
  }
  CHECK(from1 == range(0, 100));
  CHECK(from2 == range(1000, 1100));
  CHECK(interleaved);
}

TEST_CASE("FaultAction names") {
  CHECK(toString(FaultAction::Drop) == "drop");
  CHECK(toString(FaultAction::Delay) == "delay");
  CHECK(toString(FaultAction::Duplicate) == "duplicate");
  CHECK(toString(FaultAction::Hold) == "hold");
}

TEST_CASE("rewrite changes matching messages in flight before delivery, and says what it set") {
  TwoHosts w;
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  FaultRule r = rule(named("Ping"), FaultAction::Rewrite, 2);
  r.label = "timeline[0]";
  r.rewrite = [](Message& m) {
    auto& ping = static_cast<Ping&>(m);
    ping.n += 100;
    return Fields{{"n", std::to_string(ping.n)}};
  };
  w.sim.network().addRule(r);
  pings(w, 3);
  (void)w.sim.runUntil(Time::max());
  // The first two are rewritten (count 2), the third is not; none is lost or delayed.
  CHECK(w.master.numbers() == std::vector<std::int64_t>{100, 101, 2});
  for (const Received& got : w.master.received) CHECK(got.at == T(Seconds(1) + Milliseconds(1)));
  const auto faults = ofKind(sink, RecordKind::Fault);
  REQUIRE(faults.size() == 2);
  CHECK(faults[0].name == "rewrite");
  CHECK(faults[0].text("set") == "n=100");
  CHECK(faults[0].text("label") == "timeline[0]");
  // The send record shows the message as sent; the deliver record as rewritten.
  const auto sends = ofKind(sink, RecordKind::Send);
  const auto delivers = ofKind(sink, RecordKind::Deliver);
  REQUIRE(!sends.empty());
  REQUIRE(!delivers.empty());
  CHECK(std::get<std::int64_t>(sends[0].fields.at(2).value) == 0);
  CHECK(std::get<std::int64_t>(delivers[0].fields.at(2).value) == 100);
}
