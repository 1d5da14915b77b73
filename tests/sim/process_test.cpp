// Processes: ids and addresses, initialize, send/install, dispatch, delay, terminate,
// and what a host crash and restart do to them.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/simulation.hpp"
#include "sim_test_util.hpp"

using namespace agentsim::sim;
using namespace agentsim::sim::test;

namespace {
Time T(Duration d) { return Time{} + d; }

std::vector<std::string> ids(const Host& h) {
  std::vector<std::string> out;
  for (const Process* p : h.processes()) out.emplace_back(p->id());
  return out;
}
}  // namespace

TEST_CASE("generated ids count per prefix and per host, as process::ID::generate") {
  Simulation sim(1);
  Host& a1 = sim.addHost("agent-1", 5051);
  Host& a2 = sim.addHost("agent-2", 5051);
  auto& s1 = sim.spawn<Recorder>(a1, ProcessName::generated("slave"));
  auto& s2 = sim.spawn<Recorder>(a1, ProcessName::generated("slave"));
  auto& sum = sim.spawn<Recorder>(a1, ProcessName::generated("status-update-manager"));
  auto& other = sim.spawn<Recorder>(a2, ProcessName::generated("slave"));
  auto& otherSum = sim.spawn<Recorder>(a2, ProcessName::generated("status-update-manager"));
  CHECK(s1.id() == "slave(1)");
  CHECK(s2.id() == "slave(2)");
  CHECK(sum.id() == "status-update-manager(1)");
  CHECK(other.id() == "slave(1)");
  CHECK(otherSum.id() == "status-update-manager(1)");
  CHECK(ids(a1) == std::vector<std::string>{"slave(1)", "slave(2)", "status-update-manager(1)"});
  CHECK(ids(a2) == std::vector<std::string>{"slave(1)", "status-update-manager(1)"});
}

TEST_CASE("a fixed id is used as is") {
  Simulation sim(1);
  Host& m = sim.addHost("master-1", 5050);
  auto& master = sim.spawn<Recorder>(m, ProcessName::fixed("master"));
  auto& gen = sim.spawn<Recorder>(m, ProcessName::generated("master"));
  CHECK(master.id() == "master");
  CHECK(gen.id() == "master(1)");
  CHECK(master.self().str() == "master@master-1:5050");
}

TEST_CASE("a Upid reads as libprocess's id@host:port and is interned") {
  Simulation sim(1);
  Host& h = sim.addHost("agent-1", 5051);
  auto& p = sim.spawn<Recorder>(h, ProcessName::generated("slave"));
  const Upid& u = p.self();
  CHECK(u.str() == "slave(1)@agent-1:5051");
  CHECK(u.id() == "slave(1)");
  CHECK(u.host() == "agent-1");
  CHECK(u.port() == 5051);
  CHECK_FALSE(u.isNone());
  CHECK(sim.upid("slave(1)", "agent-1", 5051) == u);
  CHECK_FALSE(sim.upid("slave(1)", "agent-1", 5052) == u);
  CHECK(sim.process(u) == &p);
  CHECK(sim.process(sim.upid("slave(9)", "agent-1", 5051)) == nullptr);
  CHECK(&p.host() == &h);
  CHECK(&p.sim() == &sim);

  const Upid none;
  CHECK(none.isNone());
  CHECK(none.str().empty());
  CHECK(none.id().empty());
  CHECK(none.port() == 0);
  CHECK(sim.process(none) == nullptr);

  // Ordering is by text, so sets of addresses iterate the same in every run.
  CHECK(sim.upid("a", "h", 1) < sim.upid("b", "a", 1));
}

TEST_CASE("hosts are found by name") {
  Simulation sim(1);
  Host& h = sim.addHost("agent-1", 5051);
  CHECK(sim.host("agent-1") == &h);
  CHECK(sim.host("agent-2") == nullptr);
  CHECK(h.name() == "agent-1");
  CHECK(h.port() == 5051);
  CHECK(h.up());
  CHECK(sim.hosts().size() == 1);
}

TEST_CASE("initialize runs as an event after spawn, in spawn order") {
  Simulation sim(1);
  Host& h = sim.addHost("agent-1", 5051);
  (void)sim.runUntil(T(Seconds(3)));
  std::vector<std::string> order;
  auto& a = sim.spawn<Recorder>(h, ProcessName::generated("slave"));
  auto& b = sim.spawn<Recorder>(h, ProcessName::generated("slave"));
  a.on_initialize = [&](Recorder& self) { order.emplace_back(self.id()); };
  b.on_initialize = [&](Recorder& self) { order.emplace_back(self.id()); };
  CHECK_FALSE(a.initialized);
  CHECK(sim.pendingEvents() == 2);
  (void)sim.settle();
  CHECK(a.initialized);
  CHECK(b.initialized);
  CHECK(a.initialized_at == T(Seconds(3)));
  CHECK(order == std::vector<std::string>{"slave(1)", "slave(2)"});
}

TEST_CASE("send delivers after the network latency, with the sender's address") {
  TwoHosts w;
  CHECK(w.sim.network().latency().base == Milliseconds(1));
  w.at(Seconds(1), [&] { w.slave.sendPing(w.master.self(), 7); });

  (void)w.sim.runUntil(T(Seconds(1) + Milliseconds(1) - Nanoseconds(1)));
  CHECK(w.master.received.empty());
  (void)w.sim.runUntil(T(Seconds(1) + Milliseconds(1)));
  REQUIRE(w.master.received.size() == 1);
  const Received& r = w.master.received[0];
  CHECK(r.at == T(Seconds(1) + Milliseconds(1)));
  CHECK(r.name == "Ping");
  CHECK(r.from == "slave(1)@agent-1:5051");
  CHECK(r.n == 7);
  CHECK(w.sim.network().messagesSent() == 1);
}

TEST_CASE("the handler installed for a message name is the one that runs") {
  TwoHosts w;
  w.master.on_ping = [](Recorder& self, const Upid& from, const Ping& m) { self.sendPong(from, m.n * 10); };
  w.at(Seconds(1), [&] {
    w.slave.sendPing(w.master.self(), 1);
    w.slave.sendPong(w.master.self(), 2);
  });
  (void)w.sim.runUntil(Time::max());
  CHECK(w.master.numbers("Ping") == std::vector<std::int64_t>{1});
  CHECK(w.master.numbers("Pong") == std::vector<std::int64_t>{2});
  REQUIRE(w.slave.received.size() == 1);
  CHECK(w.slave.received[0].name == "Pong");
  CHECK(w.slave.received[0].n == 10);
  CHECK(w.slave.received[0].from == "master@master-1:5050");
  CHECK(w.slave.received[0].at == T(Seconds(1) + Milliseconds(2)));
}

TEST_CASE("the latency model sets when messages arrive") {
  TwoHosts w;
  w.sim.network().setLatency(LatencyModel{Milliseconds(5), Duration{}});
  w.at(Seconds(1), [&] { w.slave.sendPing(w.master.self(), 1); });
  (void)w.sim.runUntil(Time::max());
  REQUIRE(w.master.received.size() == 1);
  CHECK(w.master.received[0].at == T(Seconds(1) + Milliseconds(5)));
}

TEST_CASE("messages on one link arrive in the order they were sent") {
  TwoHosts w;
  w.at(Seconds(1), [&] {
    for (int i = 0; i < 50; ++i) w.slave.sendPing(w.master.self(), i);
  });
  (void)w.sim.runUntil(Time::max());
  std::vector<std::int64_t> expected;
  for (int i = 0; i < 50; ++i) expected.push_back(i);
  CHECK(w.master.numbers() == expected);
}

TEST_CASE("a process can send to itself") {
  TwoHosts w;
  w.at(Seconds(1), [&] { w.slave.sendPing(w.slave.self(), 3); });
  (void)w.sim.runUntil(Time::max());
  REQUIRE(w.slave.received.size() == 1);
  CHECK(w.slave.received[0].from == w.slave.self().str());
}

TEST_CASE("dispatch runs in the process at the same instant") {
  TwoHosts w;
  Time ranAt = Time::max();
  const Process* ranIn = nullptr;
  w.at(Seconds(2), [&] {
    w.slave.dispatch("Slave::work", [&] {
      ranAt = w.sim.now();
      ranIn = w.sim.context().process;
    });
  });
  (void)w.sim.runUntil(Time::max());
  CHECK(ranAt == T(Seconds(2)));
  CHECK(ranIn == &w.slave);
}

TEST_CASE("delay runs after the given duration and can be cancelled") {
  TwoHosts w;
  std::vector<Time> fired;
  TimerId kept;
  TimerId cancelled;
  w.at(Seconds(1), [&] {
    kept = w.slave.delay(Seconds(10), "Slave::kept", [&] { fired.push_back(w.sim.now()); });
    cancelled = w.slave.delay(Seconds(5), "Slave::cancelled", [&] { fired.push_back(T(Duration{})); });
  });
  w.at(Seconds(2), [&] {
    CHECK(w.slave.cancel(cancelled));
    CHECK_FALSE(w.slave.cancel(cancelled));
  });
  (void)w.sim.runUntil(Time::max());
  CHECK(fired == std::vector<Time>{T(Seconds(11))});
  CHECK_FALSE(w.slave.cancel(kept));  // it already fired
}

TEST_CASE("a message to a process without a handler is dropped with a drop record") {
  TwoHosts w;
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  w.at(Seconds(1), [&] { w.slave.sendStray(w.master.self()); });
  (void)w.sim.runUntil(Time::max());
  CHECK(w.master.received.empty());
  const auto drops = ofKind(sink, RecordKind::Drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].name == "Stray");
  CHECK(drops[0].process == "master");
  CHECK(drops[0].host == "master-1");
  CHECK(drops[0].text("reason") == "no handler installed");
  CHECK(drops[0].text("from") == "slave(1)@agent-1:5051");
  CHECK(drops[0].text("to") == "master@master-1:5050");
  CHECK(drops[0].at == T(Seconds(1) + Milliseconds(1)));
  CHECK(ofKind(sink, RecordKind::Deliver).empty());
}

TEST_CASE("a message to an address with no process is dropped") {
  TwoHosts w;
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  const Upid nobody = w.sim.upid("slave(7)", "master-1", 5050);
  w.at(Seconds(1), [&] { w.slave.sendPing(nobody, 1); });
  (void)w.sim.runUntil(Time::max());
  const auto drops = ofKind(sink, RecordKind::Drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].text("reason") == "no process at the address");
  CHECK(drops[0].text("to") == "slave(7)@master-1:5050");
  CHECK(drops[0].host == "master-1");
}

TEST_CASE("a message to the empty address is dropped, not followed") {
  TwoHosts w;
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  w.at(Seconds(1), [&] { w.slave.sendPing(Upid{}, 1); });
  (void)w.sim.runUntil(Time::max());
  const auto drops = ofKind(sink, RecordKind::Drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].text("reason") == "no process at the address");
  CHECK(drops[0].text("to").empty());
  CHECK(ofKind(sink, RecordKind::Deliver).empty());
}

TEST_CASE("terminate runs finalize and unbinds the address") {
  TwoHosts w;
  bool finalized = false;
  w.master.on_finalize = [&] { finalized = true; };
  const Upid addr = w.master.self();
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  w.at(Seconds(1), [&] {
    w.master.terminate();
    CHECK(finalized);
    CHECK(w.sim.process(addr) == nullptr);  // at once, not after the event
  });
  w.at(Seconds(2), [&] { w.slave.sendPing(addr, 1); });
  (void)w.sim.runUntil(Time::max());
  CHECK(ids(w.master_host).empty());
  const auto drops = ofKind(sink, RecordKind::Drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].text("reason") == "no process at the address");
}

TEST_CASE("a terminated process's pending timers never fire") {
  TwoHosts w;
  int later = 0;
  w.at(Seconds(1), [&] { w.slave.delay(Seconds(5), "Slave::later", [&] { ++later; }); });
  w.at(Seconds(2), [&] { w.slave.terminate(); });
  (void)w.sim.runUntil(Time::max());
  CHECK(later == 0);
}

// libprocess's terminate() injects the TerminateEvent ahead of everything queued for
// the process (inject = true), so work it queued earlier in the same instant never runs.
TEST_CASE("nothing queued for a process runs after it terminates") {
  TwoHosts w;
  int ranAfterTerminate = 0;
  w.at(Seconds(1), [&] {
    w.slave.dispatch("Slave::queued", [&] { ++ranAfterTerminate; });
    w.slave.delay(Duration{}, "Slave::zero", [&] { ++ranAfterTerminate; });
    w.slave.terminate();
  });
  (void)w.sim.runUntil(Time::max());
  CHECK(ranAfterTerminate == 0);
}

TEST_CASE("terminating twice runs finalize once") {
  TwoHosts w;
  int finalized = 0;
  w.master.on_finalize = [&] { ++finalized; };
  w.at(Seconds(1), [&] {
    w.master.terminate();
    w.master.terminate();
  });
  (void)w.sim.runUntil(Time::max());
  CHECK(finalized == 1);
}

TEST_CASE("a process spawned at a just-terminated process's address keeps it") {
  TwoHosts w;
  Recorder* replacement = nullptr;
  w.at(Seconds(1), [&] {
    w.master.terminate();
    replacement = &w.sim.spawn<Recorder>(w.master_host, ProcessName::fixed("master"));
  });
  w.at(Seconds(2), [&] { w.slave.sendPing(w.sim.upid("master", "master-1", 5050), 5); });
  (void)w.sim.runUntil(Time::max());
  REQUIRE(replacement != nullptr);
  CHECK(w.sim.process(replacement->self()) == replacement);
  CHECK(replacement->numbers() == std::vector<std::int64_t>{5});
}

TEST_CASE("a process's rng() is the stream \"<host>/<id>\"") {
  TwoHosts w;
  Rng expected(1, "agent-1/slave(1)");
  CHECK(w.slave.rng().next() == expected.next());
  CHECK(w.slave.rng().next() == expected.next());
}

// ---------------------------------------------------------------------------------
// Crash and restart.

namespace {
// A host whose startup spawns "slave(1)" and "status-update-manager(1)", as the
// agent's main() does; it counts the timers its processes see fire.
struct AgentWorld {
  explicit AgentWorld(std::uint64_t seed = 1) : sim(seed) {
    agent = &sim.addHost("agent-1", 5051);
    Host& mh = sim.addHost("master-1", 5050);
    master = &sim.spawn<Recorder>(mh, ProcessName::fixed("master"));
    agent->startup = [this](Host& h) {
      ++startups;
      slave = &sim.spawn<Recorder>(h, ProcessName::generated("slave"));
      sum = &sim.spawn<Recorder>(h, ProcessName::generated("status-update-manager"));
      auto fired = timers_fired;
      slave->on_initialize = [fired](Recorder& self) {
        self.delay(Seconds(10), "Slave::timer", [fired] { ++*fired; });
      };
    };
    agent->startup(*agent);
    (void)sim.settle();
  }
  Simulation sim;
  Host* agent = nullptr;
  Recorder* master = nullptr;
  Recorder* slave = nullptr;
  Recorder* sum = nullptr;
  int startups = 0;
  std::shared_ptr<int> timers_fired = std::make_shared<int>(0);
};
}  // namespace

TEST_CASE("crashing a host destroys its processes and their timers never fire") {
  AgentWorld w;
  const Upid slaveAddr = w.slave->self();
  bool finalized = false;
  w.slave->on_finalize = [&] { finalized = true; };
  (void)w.sim.runUntil(T(Seconds(5)));
  w.sim.crash(*w.agent);
  CHECK_FALSE(w.agent->up());
  CHECK(w.agent->processes().empty());
  CHECK(w.sim.process(slaveAddr) == nullptr);
  (void)w.sim.runUntil(T(Minutes(1)));
  CHECK(*w.timers_fired == 0);
  CHECK_FALSE(finalized);  // a crash is not a clean shutdown
  // Other hosts are untouched.
  CHECK(w.sim.process(w.master->self()) == w.master);
}

TEST_CASE("without a crash the same timer fires") {
  AgentWorld w;
  (void)w.sim.runUntil(T(Minutes(1)));
  CHECK(*w.timers_fired == 1);
}

TEST_CASE("messages in flight to a crashed host are dropped") {
  AgentWorld w;
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  const Upid slaveAddr = w.slave->self();
  w.sim.at(T(Seconds(1)), "send", [&] { w.master->sendPing(slaveAddr, 1); });
  w.sim.at(T(Seconds(1) + Microseconds(500)), "crash", [&] { w.sim.crash(*w.agent, "timeline[0]"); });
  (void)w.sim.runUntil(Time::max());

  const auto crashes = ofKind(sink, RecordKind::Fault);
  REQUIRE(crashes.size() == 1);
  CHECK(crashes[0].name == "crash");
  CHECK(crashes[0].host == "agent-1");
  CHECK(crashes[0].integer("processes") == 2);
  CHECK(crashes[0].text("label") == "timeline[0]");

  const auto drops = ofKind(sink, RecordKind::Drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].name == "Ping");
  CHECK(drops[0].text("reason") == "no process at the address");
  CHECK(drops[0].text("to") == "slave(1)@agent-1:5051");
  CHECK(drops[0].text("from") == "master@master-1:5050");
  CHECK(drops[0].at == T(Seconds(1) + Milliseconds(1)));
  CHECK(ofKind(sink, RecordKind::Deliver).empty());
}

TEST_CASE("a crash loses unsynced disk data and keeps synced data") {
  AgentWorld w;
  Disk& disk = w.agent->disk();
  REQUIRE(disk.write("meta/slaves/latest", "S1").isSome());
  REQUIRE(disk.write("meta/slaves/S1/slave.info", "info", /*sync=*/false).isSome());
  REQUIRE(disk.append("meta/slaves/S1/updates", "u1").isSome());
  REQUIRE(disk.append("meta/slaves/S1/updates", "u2", /*sync=*/false).isSome());
  CHECK(disk.read("meta/slaves/S1/slave.info") == "info");
  w.sim.crash(*w.agent);
  CHECK(disk.read("meta/slaves/latest") == "S1");
  CHECK_FALSE(disk.exists("meta/slaves/S1/slave.info"));
  CHECK(disk.read("meta/slaves/S1/updates") == "u1");
  // Restart does not touch the disk.
  w.sim.restart(*w.agent);
  CHECK(w.agent->disk().read("meta/slaves/latest") == "S1");
}

TEST_CASE("restart runs the host's startup again and ids count from 1 again") {
  AgentWorld w;
  const Upid oldSlave = w.slave->self();
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  (void)w.sim.runUntil(T(Seconds(5)));
  w.sim.crash(*w.agent);
  (void)w.sim.runUntil(T(Seconds(8)));
  w.sim.restart(*w.agent, "timeline[1]");
  CHECK(w.startups == 2);
  CHECK(w.agent->up());
  CHECK(ids(*w.agent) == std::vector<std::string>{"slave(1)", "status-update-manager(1)"});
  CHECK(w.slave->self() == oldSlave);
  CHECK(w.sim.process(oldSlave) == w.slave);
  CHECK_FALSE(w.slave->initialized);
  (void)w.sim.settle();
  CHECK(w.slave->initialized);
  CHECK(w.slave->initialized_at == T(Seconds(8)));

  const auto faults = ofKind(sink, RecordKind::Fault);
  REQUIRE(faults.size() == 2);
  CHECK(faults[0].name == "crash");
  CHECK(faults[1].name == "restart");
  CHECK(faults[1].text("label") == "timeline[1]");

  // Only the new incarnation's timer fires: 10s after its initialize, at 18s.
  (void)w.sim.runUntil(T(Minutes(1)));
  CHECK(*w.timers_fired == 1);
}

TEST_CASE("restarting a host that is up crashes it first") {
  AgentWorld w;
  (void)w.sim.runUntil(T(Seconds(5)));
  w.sim.restart(*w.agent);
  CHECK(w.startups == 2);
  CHECK(ids(*w.agent) == std::vector<std::string>{"slave(1)", "status-update-manager(1)"});
  (void)w.sim.runUntil(T(Minutes(1)));
  CHECK(*w.timers_fired == 1);  // the old slave's timer at 10s died with it
}

TEST_CASE("a message sent to the same Upid after restart reaches the new process") {
  AgentWorld w;
  const Upid slaveAddr = w.slave->self();
  w.sim.crash(*w.agent);
  w.sim.restart(*w.agent);
  (void)w.sim.settle();
  w.sim.at(T(Seconds(1)), "send", [&] { w.master->sendPing(slaveAddr, 42); });
  (void)w.sim.runUntil(Time::max());
  CHECK(w.slave->numbers() == std::vector<std::int64_t>{42});
  CHECK(w.slave->received[0].at == T(Seconds(1) + Milliseconds(1)));
}

// A connection does not survive a crash: what was in flight to the old incarnation is
// lost, even if the host is back before it would have arrived.
TEST_CASE("a message in flight across a crash and restart does not reach the new incarnation") {
  AgentWorld w;
  const Upid slaveAddr = w.slave->self();
  w.sim.at(T(Seconds(1)), "send", [&] { w.master->sendPing(slaveAddr, 1); });
  w.sim.at(T(Seconds(1) + Microseconds(200)), "crash", [&] { w.sim.crash(*w.agent); });
  w.sim.at(T(Seconds(1) + Microseconds(400)), "restart", [&] { w.sim.restart(*w.agent); });
  (void)w.sim.runUntil(Time::max());
  CHECK(w.slave->received.empty());
}

// Nor a kill of the destination's program (restart_agent's SIGKILL of the mesos-agent, the
// host up): the new slave(1) at the same address never gets what was sent to the old one,
// while another program's process (the master) and a message sent after the kill do.
TEST_CASE("a message in flight across a program kill and restart does not reach the new process") {
  AgentWorld w;
  const Upid slaveAddr = w.slave->self();
  const Upid masterAddr = w.master->self();
  w.sim.at(T(Seconds(1)), "send", [&] {
    w.master->sendPing(slaveAddr, 1);
    w.slave->sendPing(masterAddr, 2);
  });
  w.sim.at(T(Seconds(1) + Microseconds(200)), "kill", [&] { w.sim.kill(*w.agent, ""); });
  w.sim.at(T(Seconds(1) + Microseconds(400)), "start", [&] { w.agent->startup(*w.agent); });
  w.sim.at(T(Seconds(2)), "send again", [&] { w.master->sendPing(slaveAddr, 3); });
  (void)w.sim.runUntil(Time::max());
  CHECK(w.slave->self() == slaveAddr);
  CHECK(w.slave->numbers() == std::vector<std::int64_t>{3});
  CHECK(w.master->numbers() == std::vector<std::int64_t>{2});
}

// The kill is the destination program's only: a kill of the agent leaves what is in flight
// to an executor's program on the same host, and a kill of that executor's program what is
// in flight to the agent (each program has sockets of its own).
TEST_CASE("a program kill loses only what is in flight to that program") {
  AgentWorld w;
  Recorder* executor = &w.sim.spawnIn<Recorder>(*w.agent, "container c1", ProcessName::generated("executor"));
  (void)w.sim.settle();
  const Upid executorAddr = executor->self();
  const Upid slaveAddr = w.slave->self();
  w.sim.at(T(Seconds(1)), "send", [&] { w.master->sendPing(executorAddr, 1); });
  w.sim.at(T(Seconds(1) + Microseconds(200)), "kill agent", [&] { w.sim.kill(*w.agent, ""); });
  w.sim.at(T(Seconds(1) + Microseconds(400)), "start", [&] { w.agent->startup(*w.agent); });
  std::vector<std::int64_t> executorGot;
  w.sim.at(T(Seconds(2)), "send", [&] {
    executorGot = executor->numbers();
    w.master->sendPing(slaveAddr, 2);
  });
  w.sim.at(T(Seconds(2) + Microseconds(200)), "kill executor", [&] { w.sim.kill(*w.agent, "container c1"); });
  (void)w.sim.runUntil(Time::max());
  CHECK(executorGot == std::vector<std::int64_t>{1});
  CHECK(w.slave->numbers() == std::vector<std::int64_t>{2});
}

// Killed twice: each kill loses what was sent before it, the second what was sent to the
// first restart's processes, and what is sent after a restart arrives; after the host's
// own crash and reboot, a kill of a program on another host loses nothing sent to it.
TEST_CASE("a program killed twice, then its host rebooted, loses each time only what was sent before") {
  AgentWorld w;
  const Upid slaveAddr = w.slave->self();
  std::vector<std::vector<std::int64_t>> seen;  // what each incarnation got, at its end
  auto look = [&w, &seen] { seen.push_back(w.slave->numbers()); };
  auto restartAgent = [&w, look] {
    look();
    w.sim.kill(*w.agent, "");
    w.agent->startup(*w.agent);
  };
  w.sim.at(T(Seconds(1)), "send", [&] { w.master->sendPing(slaveAddr, 1); });
  w.sim.at(T(Seconds(1) + Microseconds(200)), "restart", restartAgent);
  w.sim.at(T(Seconds(2)), "send", [&] { w.master->sendPing(slaveAddr, 2); });
  w.sim.at(T(Seconds(2) + Microseconds(200)), "restart", restartAgent);
  w.sim.at(T(Seconds(3)), "send", [&] { w.master->sendPing(slaveAddr, 3); });
  w.sim.at(T(Seconds(4)), "reboot", [&] {
    look();
    w.sim.crash(*w.agent);
    w.sim.restart(*w.agent);
  });
  Host& other = w.sim.addHost("other-1", 5052);
  (void)w.sim.spawn<Recorder>(other, ProcessName::generated("slave"));
  w.sim.at(T(Seconds(5)), "send", [&] { w.master->sendPing(slaveAddr, 4); });
  w.sim.at(T(Seconds(5) + Microseconds(200)), "kill other", [&] { w.sim.kill(other, ""); });
  (void)w.sim.runUntil(Time::max());
  look();
  CHECK(w.slave->self() == slaveAddr);
  CHECK(w.startups == 4);
  using Got = std::vector<std::int64_t>;
  CHECK(seen == std::vector<Got>{Got{}, Got{}, Got{3}, Got{4}});
}

// A held message is one that was sent: released after its destination program was killed
// and started again, it is lost; one held after the restart reaches the new process.
TEST_CASE("a message held across a program kill and restart is dropped on release") {
  AgentWorld w;
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  const Upid slaveAddr = w.slave->self();
  FaultRule hold;
  hold.match.name = "Ping";
  hold.action = FaultAction::Hold;
  const RuleId id = w.sim.network().addRule(hold);
  w.sim.at(T(Seconds(1)), "send", [&] { w.master->sendPing(slaveAddr, 1); });
  w.sim.at(T(Seconds(2)), "kill", [&] { w.sim.kill(*w.agent, ""); });
  w.sim.at(T(Seconds(3)), "start", [&] { w.agent->startup(*w.agent); });
  w.sim.at(T(Seconds(4)), "release", [&] { CHECK(w.sim.network().release(id) == 1); });
  w.sim.at(T(Seconds(5)), "send", [&] { w.master->sendPing(slaveAddr, 2); });
  w.sim.at(T(Seconds(6)), "release", [&] { CHECK(w.sim.network().release(id) == 1); });
  (void)w.sim.runUntil(Time::max());
  CHECK(w.slave->self() == slaveAddr);
  CHECK(w.slave->numbers() == std::vector<std::int64_t>{2});
  const auto drops = ofKind(sink, RecordKind::Drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].at > T(Seconds(4)));
  CHECK(drops[0].at < T(Seconds(5)));
  CHECK(drops[0].text("reason") == "no process at the address");
}

// Only the destination's crash loses a message in flight: the delivery asks whether its
// host crashed after the send (Simulation::crashEpoch), so a crash of another host while
// it is in flight, or the destination's own crash before it was sent, loses nothing.
TEST_CASE("a crash of another host while a message is in flight does not drop it") {
  AgentWorld w;
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  Host& other = w.sim.addHost("other-1", 5052);
  w.sim.crash(*w.agent);
  w.sim.restart(*w.agent);
  (void)w.sim.settle();
  const Upid slaveAddr = w.slave->self();
  w.sim.at(T(Seconds(1)), "send", [&] { w.master->sendPing(slaveAddr, 7); });
  w.sim.at(T(Seconds(1) + Microseconds(500)), "crash", [&] { w.sim.crash(other); });
  std::vector<std::int64_t> seen;
  w.sim.at(T(Seconds(2)), "look", [&] { seen = w.slave->numbers(); });
  // And one sent just before the destination crashes again is lost.
  w.sim.at(T(Seconds(3)), "send", [&] { w.master->sendPing(slaveAddr, 8); });
  w.sim.at(T(Seconds(3) + Microseconds(500)), "crash", [&] { w.sim.crash(*w.agent); });
  (void)w.sim.runUntil(Time::max());
  CHECK(seen == std::vector<std::int64_t>{7});
  const auto drops = ofKind(sink, RecordKind::Drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].name == "Ping");
  CHECK(drops[0].at == T(Seconds(3) + Milliseconds(1)));
  CHECK(drops[0].text("reason") == "no process at the address");
}

// A held message is one that was sent: the connection it was sent on died with the host,
// so releasing it after a crash and restart must not reach the new incarnation.
TEST_CASE("a message held across a crash and restart of its destination is dropped on release") {
  AgentWorld w;
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  const Upid slaveAddr = w.slave->self();
  FaultRule hold;
  hold.match.name = "Ping";
  hold.action = FaultAction::Hold;
  const RuleId id = w.sim.network().addRule(hold);
  w.sim.at(T(Seconds(1)), "send", [&] { w.master->sendPing(slaveAddr, 1); });
  w.sim.at(T(Seconds(2)), "crash", [&] { w.sim.crash(*w.agent); });
  w.sim.at(T(Seconds(3)), "restart", [&] { w.sim.restart(*w.agent); });
  w.sim.at(T(Seconds(4)), "release", [&] { CHECK(w.sim.network().release(id) == 1); });
  // A Ping sent to the new incarnation and held is delivered when released.
  w.sim.at(T(Seconds(5)), "send", [&] { w.master->sendPing(slaveAddr, 2); });
  w.sim.at(T(Seconds(6)), "release", [&] { CHECK(w.sim.network().release(id) == 1); });
  (void)w.sim.runUntil(Time::max());
  CHECK(w.slave->numbers() == std::vector<std::int64_t>{2});
  const auto drops = ofKind(sink, RecordKind::Drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].at == T(Seconds(4) + Milliseconds(1)));
  CHECK(drops[0].text("to") == "slave(1)@agent-1:5051");
  CHECK(drops[0].text("reason") == "no process at the address");
}

TEST_CASE("a linked process learns, one latency later, that the process it links to terminated") {
  TwoHosts w;
  w.at(Seconds(1), [&] {
    w.master.link(w.slave.self());
    w.master.link(w.slave.self());  // linking twice is one link
  });
  w.at(Seconds(2), [&] { w.slave.terminate(); });
  (void)w.sim.runUntil(Time::max());
  REQUIRE(w.master.exits.size() == 1);
  CHECK(w.master.exits[0].first == T(Seconds(2) + Milliseconds(1)));
  CHECK(w.master.exits[0].second == "slave(1)@agent-1:5051");
}

TEST_CASE("a host crash breaks no link; a partition breaks the links between the two hosts, both ways") {
  TwoHosts w;
  Host& third = w.sim.addHost("agent-2", 5051);
  auto& other = w.sim.spawn<Recorder>(third, ProcessName::generated("slave"));
  (void)w.sim.settle();
  w.at(Seconds(1), [&] {
    w.master.link(w.slave.self());
    w.slave.link(w.master.self());
    w.master.link(other.self());
  });
  w.at(Seconds(2), [&] { w.sim.crash(third); });
  w.at(Seconds(3), [&] { w.sim.network().partition("agent-1", "master-1", /*oneWay=*/true); });
  (void)w.sim.runUntil(Time::max());
  REQUIRE(w.master.exits.size() == 1);
  CHECK(w.master.exits[0].first == T(Seconds(3) + Milliseconds(1)));
  CHECK(w.master.exits[0].second == "slave(1)@agent-1:5051");
  REQUIRE(w.slave.exits.size() == 1);
  CHECK(w.slave.exits[0].second == "master@master-1:5050");
}

TEST_CASE("many linkers to one address (an indexed link set): each learns once, in slot order; a reused slot replaces its stale link") {
  // Past a few linkers, a link set is indexed by linker slot (the master of 100,000
  // agents): linking again finds the linker's entry, and exits are still queued in
  // linker slot order whatever order the links came in.
  namespace sim = agentsim::sim;
  sim::Simulation s(1);
  sim::Host& target_host = s.addHost("master-1", 5050);
  sim::Host& a = s.addHost("agent-1", 5051);
  sim::Host& b = s.addHost("agent-2", 5051);
  std::vector<std::string> log;
  struct Linker : sim::Process {
    explicit Linker(std::vector<std::string>* l) : sim::Process(sim::ProcessName::generated("l")), log(l) {}
    std::vector<std::string>* log;
    void watch(const sim::Upid& to) { link(to); }
    void exited(const sim::Upid& pid) override { log->push_back(self().str() + " " + pid.str()); }
  };
  Linker& target = s.spawn<Linker>(target_host, &log);
  std::vector<Linker*> linkers;
  for (int i = 0; i < 30; ++i) linkers.push_back(&s.spawn<Linker>(i % 3 == 0 ? b : a, &log));
  s.settle();
  // Linked in reverse spawn order, each twice, so the set's order of first links is not
  // its slot order.
  for (int round = 0; round < 2; ++round) {
    for (auto it = linkers.rbegin(); it != linkers.rend(); ++it) (*it)->watch(target.self());
  }
  // linkers[4] goes; its slot is reused by a new linker, which links too; linkers[7]
  // goes and nothing takes its slot before the exits (its stale entry learns nothing).
  s.terminate(*linkers[4]);
  s.settle();
  Linker& again = s.spawn<Linker>(a, &log);
  s.settle();
  again.watch(target.self());
  s.terminate(*linkers[7]);
  // A partition of agent-2 from the master breaks agent-2's ten links only.
  s.network().partition("agent-2", "master-1", /*oneWay=*/true);
  s.runFor(sim::Seconds(1));
  std::vector<std::string> expected;
  for (int i = 0; i < 30; ++i) {
    if (i % 3 == 0) expected.push_back(linkers[i]->self().str() + " " + target.self().str());
  }
  CHECK(log == expected);
  log.clear();
  s.network().heal("agent-2", "master-1");
  const std::string targetName = target.self().str();  // the target is gone after the run
  s.terminate(target);
  s.runFor(sim::Seconds(1));
  // The rest, once each, in slot order: the reused slot where linkers[4]'s was.
  expected.clear();
  for (int i = 0; i < 30; ++i) {
    if (i % 3 == 0 || i == 7) continue;
    const sim::Process& p = i == 4 ? static_cast<const sim::Process&>(again) : *linkers[i];
    expected.push_back(p.self().str() + " " + targetName);
  }
  CHECK(log == expected);
}

TEST_CASE("a link set a partition shrank is linked to again: each linker once, in slot order, both above and below the indexed size") {
  // A partition keeps part of a link set (notifyExited); the kept linkers' index is
  // rebuilt, so their later links find their own entries, and the broken ones come back
  // as new entries. First 22 of 30 are kept (still indexed), then 6 (scanned), and the
  // set grows past the indexed size again.
  namespace sim = agentsim::sim;
  sim::Simulation s(1);
  sim::Host& target_host = s.addHost("master-1", 5050);
  sim::Host& a = s.addHost("agent-a", 5051);
  sim::Host& b = s.addHost("agent-b", 5051);
  sim::Host& c = s.addHost("agent-c", 5051);
  std::vector<std::string> log;
  struct Linker : sim::Process {
    explicit Linker(std::vector<std::string>* l) : sim::Process(sim::ProcessName::generated("l")), log(l) {}
    std::vector<std::string>* log;
    void watch(const sim::Upid& to) { link(to); }
    void exited(const sim::Upid&) override { log->push_back(self().str()); }
  };
  Linker& target = s.spawn<Linker>(target_host, &log);
  // Hosts interleaved by slot: a holds 6 linkers, b 16, c 8.
  std::vector<Linker*> linkers;
  std::vector<char> where;
  for (int i = 0; i < 30; ++i) {
    const char h = i % 5 == 0 ? 'a' : (i % 3 == 0 ? 'c' : 'b');
    where.push_back(h);
    linkers.push_back(&s.spawn<Linker>(h == 'a' ? a : h == 'b' ? b : c, &log));
  }
  s.settle();
  REQUIRE(std::count(where.begin(), where.end(), 'a') == 6);
  REQUIRE(std::count(where.begin(), where.end(), 'c') == 8);
  auto linkAll = [&] {
    for (int round = 0; round < 2; ++round) {
      for (auto it = linkers.rbegin(); it != linkers.rend(); ++it) (*it)->watch(target.self());
    }
  };
  auto on = [&](std::string_view hosts) {
    std::vector<std::string> names;
    for (int i = 0; i < 30; ++i) {
      if (hosts.find(where[i]) != std::string_view::npos) names.push_back(linkers[i]->self().str());
    }
    return names;
  };
  linkAll();
  s.network().partition("agent-c", "master-1", /*oneWay=*/true);
  s.runFor(sim::Seconds(1));
  CHECK(log == on("c"));
  log.clear();
  s.network().heal("agent-c", "master-1");
  linkAll();
  s.network().partition("agent-b", "master-1", /*oneWay=*/true);
  s.network().partition("agent-c", "master-1", /*oneWay=*/true);
  s.runFor(sim::Seconds(1));
  // Each partition breaks its own host's links: b's first, then c's.
  std::vector<std::string> expected = on("b");
  for (const std::string& n : on("c")) expected.push_back(n);
  CHECK(log == expected);
  log.clear();
  s.network().healAll();
  linkAll();
  s.terminate(target);
  s.runFor(sim::Seconds(1));
  CHECK(log == on("abc"));
}

TEST_CASE("accept() can drop a message before its handler; the trace records why") {
  TwoHosts w;
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  w.master.on_accept = [](const Envelope& e, std::string& reason) {
    if (e.body->name() != "Ping") return true;
    reason = "not elected yet";
    return false;
  };
  w.at(Seconds(1), [&] {
    w.slave.sendPing(w.master.self(), 1);
    w.slave.sendPong(w.master.self(), 2);
  });
  (void)w.sim.runUntil(Time::max());
  CHECK(w.master.numbers("Ping").empty());
  CHECK(w.master.numbers("Pong") == std::vector<std::int64_t>{2});
  const auto drops = ofKind(sink, RecordKind::Drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].name == "Ping");
  CHECK(drops[0].text("reason") == "not elected yet");
  CHECK(drops[0].process == "master");
}

TEST_CASE("a function name that names its source is used as the ref as is") {
  TwoHosts w;
  CHECK(w.sim.refOf(&w.slave, "ZooKeeper C client src/zookeeper.c: send_ping") ==
        "ZooKeeper C client src/zookeeper.c: send_ping");
  CHECK(w.sim.refOf(&w.slave, "ping") == "ping");  // the Recorder names no source or class
}

TEST_CASE("programs: a killed program's processes vanish and its links break; other programs on the host live on") {
  namespace sim = agentsim::sim;
  sim::Simulation s(1);
  sim::Host& h = s.addHost("agent-1", 5051);
  struct Plain : sim::Process {
    Plain() : sim::Process(sim::ProcessName::generated("p")) {}
    std::vector<std::string> exits;
    void watch(const sim::Upid& to) { link(to); }
    void exited(const sim::Upid& pid) override { exits.push_back(pid.str()); }
    std::uint64_t draw() { return rng().next(); }
  };
  Plain& a = s.spawn<Plain>(h);
  Plain& child = s.spawnIn<Plain>(h, "container c1");
  CHECK(a.self().str() == "p(1)@agent-1:5051");
  CHECK(child.self().str() == "p(1)@agent-1:5052");  // its own libprocess port and counters
  CHECK(child.program() == "container c1");
  s.settle();
  child.watch(a.self());
  const std::uint64_t firstDraw = a.draw();
  s.kill(h, "");
  CHECK(h.processesOf("").empty());
  CHECK(h.processesOf("container c1").size() == 1);
  s.runFor(sim::Seconds(1));
  CHECK(child.exits == std::vector<std::string>{"p(1)@agent-1:5051"});
  // A new process at the same address counts from 1 again but draws from a stream of its own.
  Plain& again = s.spawn<Plain>(h);
  CHECK(again.self().str() == "p(1)@agent-1:5051");
  s.settle();
  CHECK(again.draw() != firstDraw);
  // The same id in another program (a second container's executor) has a stream of its own.
  Plain& sibling = s.spawnIn<Plain>(h, "container c2");
  CHECK(sibling.self().str() == "p(1)@agent-1:5053");
  s.settle();
  CHECK(sibling.draw() != child.draw());
  // A crash takes every program down.
  s.crash(h);
  CHECK(h.processes().empty());
}

TEST_CASE("a timer record says when its delay was armed (trace v2)") {
  TwoHosts w;
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  w.at(Seconds(1), [&] { w.slave.delay(Seconds(5), "Slave::later", [] {}); });
  (void)w.sim.runUntil(Time::max());
  const auto timers = ofKind(sink, RecordKind::Timer);
  REQUIRE(timers.size() == 1);
  CHECK(timers[0].at == T(Seconds(6)));
  CHECK(timers[0].armed == T(Seconds(1)));
}

TEST_CASE("a host holds slots for its live processes only: a terminated one is dropped at once") {
  // 10,000 restarts at one instant (restart_agent): each terminates the process and spawns
  // another before any is freed. processesOf scanned every slot the host ever had, dead
  // ones included, so this took quadratic time.
  Simulation sim(1);
  Host& h = sim.addHost("agent-1", 5051);
  Process* p = &sim.spawn<Recorder>(h, ProcessName::generated("slave"));
  for (int i = 0; i < 10'000; ++i) {
    sim.terminate(*p);
    p = &sim.spawn<Recorder>(h, ProcessName::generated("slave"));
  }
  CHECK(h.slotsHeld() == 1);
  CHECK(ids(h) == std::vector<std::string>{"slave(10001)"});
  sim.runUntil(T(Seconds(1)));
  CHECK(h.slotsHeld() == 1);
  CHECK(h.processesOf("").size() == 1);
}

// Where a drop by the destination host's incarnation at the send and a drop by the crash
// epoch (Simulation::crashEpoch against Host::last_crash_) could have disagreed: a host
// added after the send, a host down at the send, a down host crashed again, one instant,
// the destination host's own processes, two hosts' crashes, held/delayed/duplicated
// messages, and the stepper's deliverNow. Each decides as the incarnation rule did.
namespace {
struct LateWorld {
  AgentWorld w;
  Recorder* late = nullptr;
  Host* lateHost = nullptr;
  void addLate() {
    lateHost = &w.sim.addHost("late-1", 6000);
    lateHost->startup = [this](Host& h) { late = &w.sim.spawn<Recorder>(h, ProcessName::fixed("p")); };
    lateHost->startup(*lateHost);
  }
};
}  // namespace

TEST_CASE("in flight across crashes: host added after the send, no crash: delivered") {
  LateWorld l;
  const Upid to = l.w.sim.upid("p", "late-1", 6000);
  l.w.sim.at(T(Seconds(1)), "send", [&] { l.w.master->sendPing(to, 1); });
  l.w.sim.at(T(Seconds(1) + Microseconds(300)), "add", [&] { l.addLate(); });
  (void)l.w.sim.runUntil(Time::max());
  REQUIRE(l.late != nullptr);
  CHECK(l.late->numbers() == std::vector<std::int64_t>{1});
}

TEST_CASE("in flight across crashes: host added after the send, another host crashed before the add: delivered") {
  LateWorld l;
  const Upid to = l.w.sim.upid("p", "late-1", 6000);
  l.w.sim.at(T(Seconds(1)), "send", [&] { l.w.master->sendPing(to, 1); });
  l.w.sim.at(T(Seconds(1) + Microseconds(100)), "crash", [&] { l.w.sim.crash(*l.w.agent); });
  l.w.sim.at(T(Seconds(1) + Microseconds(300)), "add", [&] { l.addLate(); });
  l.w.sim.at(T(Seconds(1) + Microseconds(400)), "crash", [&] { l.w.sim.restart(*l.w.agent); });
  (void)l.w.sim.runUntil(Time::max());
  REQUIRE(l.late != nullptr);
  CHECK(l.late->numbers() == std::vector<std::int64_t>{1});
}

TEST_CASE("in flight across crashes: host added after the send, crashed and restarted before arrival: dropped") {
  LateWorld l;
  const Upid to = l.w.sim.upid("p", "late-1", 6000);
  l.w.sim.at(T(Seconds(1)), "send", [&] { l.w.master->sendPing(to, 1); });
  l.w.sim.at(T(Seconds(1) + Microseconds(300)), "add", [&] { l.addLate(); });
  l.w.sim.at(T(Seconds(1) + Microseconds(400)), "restart", [&] { l.w.sim.restart(*l.lateHost); });
  (void)l.w.sim.runUntil(Time::max());
  REQUIRE(l.late != nullptr);
  CHECK(l.late->numbers().empty());
}

TEST_CASE("in flight across crashes: a host that never exists: dropped, no process") {
  AgentWorld w;
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  const Upid to = w.sim.upid("p", "ghost-1", 6000);
  w.sim.at(T(Seconds(1)), "send", [&] { w.master->sendPing(to, 1); });
  w.sim.at(T(Seconds(1) + Microseconds(100)), "restart", [&] { w.sim.restart(*w.agent); });
  (void)w.sim.runUntil(Time::max());
  CHECK(w.sim.host("ghost-1") == nullptr);
  const auto drops = ofKind(sink, RecordKind::Drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].text("reason") == "no process at the address");
}

TEST_CASE("in flight across crashes: sent while the destination is down, restarted before arrival: delivered") {
  AgentWorld w;
  const Upid slaveAddr = w.slave->self();
  w.sim.at(T(Seconds(1)), "crash", [&] { w.sim.crash(*w.agent); });
  w.sim.at(T(Seconds(2)), "send", [&] { w.master->sendPing(slaveAddr, 1); });
  w.sim.at(T(Seconds(2) + Microseconds(100)), "restart", [&] { w.sim.restart(*w.agent); });
  (void)w.sim.runUntil(Time::max());
  CHECK(w.slave->numbers() == std::vector<std::int64_t>{1});
}

TEST_CASE("in flight across crashes: sent while down, the down host crashed again, restarted before arrival: dropped") {
  AgentWorld w;
  const Upid slaveAddr = w.slave->self();
  w.sim.at(T(Seconds(1)), "crash", [&] { w.sim.crash(*w.agent); });
  w.sim.at(T(Seconds(2)), "send", [&] { w.master->sendPing(slaveAddr, 1); });
  w.sim.at(T(Seconds(2) + Microseconds(50)), "crash", [&] { w.sim.crash(*w.agent); });
  w.sim.at(T(Seconds(2) + Microseconds(100)), "restart", [&] { w.sim.restart(*w.agent); });
  (void)w.sim.runUntil(Time::max());
  CHECK(w.slave->numbers().empty());
}

TEST_CASE("in flight across crashes: at one instant, a send before the crash is dropped, one after it delivered") {
  AgentWorld w;
  const Upid slaveAddr = w.slave->self();
  w.sim.at(T(Seconds(1)), "a", [&] {
    w.master->sendPing(slaveAddr, 1);
    w.sim.restart(*w.agent);
    w.master->sendPing(slaveAddr, 2);
  });
  // Separate events at one instant, in order: send, crash, restart, send.
  w.sim.at(T(Seconds(2)), "send", [&] { w.master->sendPing(slaveAddr, 3); });
  w.sim.at(T(Seconds(2)), "crash", [&] { w.sim.crash(*w.agent); });
  w.sim.at(T(Seconds(2)), "restart", [&] { w.sim.restart(*w.agent); });
  w.sim.at(T(Seconds(2)), "send", [&] { w.master->sendPing(slaveAddr, 4); });
  (void)w.sim.runUntil(Time::max());
  CHECK(w.slave->numbers() == std::vector<std::int64_t>{4});
}

TEST_CASE("in flight across crashes: a message between processes on the destination host itself") {
  AgentWorld w;
  const Upid sumAddr = w.sum->self();
  w.sim.at(T(Seconds(1)), "send", [&] {
    w.slave->sendPing(sumAddr, 1);
    w.slave->sendPing(w.slave->self(), 2);
  });
  w.sim.at(T(Seconds(1) + Microseconds(10)), "restart", [&] { w.sim.restart(*w.agent); });
  w.sim.at(T(Seconds(2)), "send", [&] { w.slave->sendPing(sumAddr, 3); });
  (void)w.sim.runUntil(Time::max());
  CHECK(w.sum->numbers() == std::vector<std::int64_t>{3});
  CHECK(w.slave->numbers().empty());
}

TEST_CASE("in flight across crashes: two crashes of different hosts") {
  AgentWorld w;
  Host& other = w.sim.addHost("other-1", 5052);
  other.startup = [](Host&) {};
  const Upid slaveAddr = w.slave->self();
  // epoch 0 send; other crashes (1), then agent crashes (2): dropped.
  w.sim.at(T(Seconds(1)), "send", [&] { w.master->sendPing(slaveAddr, 1); });
  w.sim.at(T(Seconds(1) + Microseconds(100)), "crash", [&] { w.sim.restart(other); });
  w.sim.at(T(Seconds(1) + Microseconds(200)), "crash", [&] { w.sim.restart(*w.agent); });
  // agent crashes (3); send at 3; other crashes (4): delivered.
  w.sim.at(T(Seconds(2)), "crash", [&] { w.sim.restart(*w.agent); });
  w.sim.at(T(Seconds(2) + Microseconds(100)), "send", [&] { w.master->sendPing(slaveAddr, 2); });
  w.sim.at(T(Seconds(2) + Microseconds(200)), "crash", [&] { w.sim.restart(other); });
  // other crashes (5); send at 5; agent crashes (6): dropped.
  w.sim.at(T(Seconds(3)), "crash", [&] { w.sim.restart(other); });
  w.sim.at(T(Seconds(3) + Microseconds(100)), "send", [&] { w.master->sendPing(slaveAddr, 3); });
  w.sim.at(T(Seconds(3) + Microseconds(200)), "crash", [&] { w.sim.restart(*w.agent); });
  std::vector<std::int64_t> seen;
  w.sim.at(T(Seconds(4)), "look", [&] { seen = w.slave->numbers(); });
  (void)w.sim.runUntil(Time::max());
  CHECK(seen.empty());  // slave is the latest incarnation's: it saw none
}

TEST_CASE("in flight across crashes: held, delayed, duplicated across crashes") {
  AgentWorld w;
  Host& other = w.sim.addHost("other-1", 5052);
  const Upid slaveAddr = w.slave->self();
  FaultRule hold;
  hold.match.name = "Ping";
  hold.action = FaultAction::Hold;
  hold.count = 2;
  const RuleId hid = w.sim.network().addRule(hold);
  FaultRule dup;
  dup.match.name = "Pong";
  dup.action = FaultAction::Duplicate;
  w.sim.network().addRule(dup);
  FaultRule delay;
  delay.match.name = "Pong";
  delay.action = FaultAction::Delay;
  delay.delay = Seconds(1);
  w.sim.network().addRule(delay);
  // Held at epoch 0; another host crashes; released: delivered.
  w.sim.at(T(Seconds(1)), "send", [&] { w.master->sendPing(slaveAddr, 1); });
  w.sim.at(T(Seconds(2)), "crash", [&] { w.sim.crash(other); });
  w.sim.at(T(Seconds(3)), "release", [&] { CHECK(w.sim.network().release(hid) == 1); });
  // Held at epoch 1; released after the destination crashed and restarted and another crashed.
  w.sim.at(T(Seconds(4)), "send", [&] { w.master->sendPing(slaveAddr, 2); });
  w.sim.at(T(Seconds(5)), "crash", [&] { w.sim.restart(*w.agent); });
  w.sim.at(T(Seconds(5) + Milliseconds(1)), "crash", [&] { w.sim.restart(other); });
  w.sim.at(T(Seconds(6)), "release", [&] { CHECK(w.sim.network().release(hid) == 1); });
  // Duplicated and delayed Pong; destination crashes during the delay: both copies dropped.
  w.sim.at(T(Seconds(7)), "send", [&] { w.master->sendPong(w.slave->self(), 3); });
  w.sim.at(T(Seconds(7) + Milliseconds(500)), "crash", [&] { w.sim.restart(*w.agent); });
  // Duplicated and delayed Pong; another host crashes during the delay: both delivered.
  w.sim.at(T(Seconds(9)), "send", [&] { w.master->sendPong(w.slave->self(), 4); });
  w.sim.at(T(Seconds(9) + Milliseconds(500)), "crash", [&] { w.sim.restart(other); });
  std::vector<std::int64_t> first;
  w.sim.at(T(Seconds(4)), "look", [&] { first = w.slave->numbers(); });
  (void)w.sim.runUntil(Time::max());
  CHECK(first == std::vector<std::int64_t>{1});
  CHECK(w.slave->numbers().empty());
  CHECK(w.slave->numbers("Pong") == std::vector<std::int64_t>{4, 4});
}

TEST_CASE("in flight across crashes: deliverNow after the destination's crash drops; after another's delivers") {
  AgentWorld w;
  Host& other = w.sim.addHost("other-1", 5052);
  const Upid slaveAddr = w.slave->self();
  w.master->sendPing(slaveAddr, 1);
  w.master->sendPing(slaveAddr, 2);
  const auto q = w.sim.pending();
  std::vector<std::uint64_t> msgs;
  for (const auto& e : q) if (e.msg != 0) msgs.push_back(e.msg);
  REQUIRE(msgs.size() == 2);
  w.sim.crash(other);
  CHECK(w.sim.deliverNow(msgs[0]));
  CHECK(w.slave->numbers() == std::vector<std::int64_t>{1});
  w.sim.restart(*w.agent);
  CHECK(w.sim.deliverNow(msgs[1]));
  CHECK(w.slave->numbers().empty());
  (void)w.sim.runUntil(Time::max());
}

// The index places a slot by its tag (homeOf): growing it moves the slots as they are,
// and every address is found again, with its own entry, after many doublings.
TEST_CASE("the address index finds every address again across many doublings") {
  Simulation sim(1);
  auto address = [&sim](int i) {
    return sim.upid("p(" + std::to_string(i) + ")", "h-" + std::to_string(i % 97), 5051);
  };
  constexpr int kAddresses = 100000;
  std::vector<Upid> made;
  for (int i = 0; i < kAddresses; ++i) made.push_back(address(i));
  int found = 0;
  for (int i = 0; i < kAddresses; ++i) found += address(i).entry() == made[static_cast<std::size_t>(i)].entry() ? 1 : 0;
  CHECK(found == kAddresses);
  std::vector<const void*> entries;
  for (const Upid& u : made) entries.push_back(u.entry());
  std::sort(entries.begin(), entries.end());
  CHECK(std::adjacent_find(entries.begin(), entries.end()) == entries.end());
}
