// The scheduler driver's SchedulerProcess (src/sched/sched.cpp) beyond registration:
// what the framework's code is told when the master loses an agent (Scheduler::slaveLost);
// in virtual time.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "model/sched/sched.hpp"
#include "tests/model/cluster.hpp"
#include "tests/model/sender.hpp"

using namespace agentsim;
using namespace agentsim::model;
using sim::RecordKind;

namespace {

// One master, one agent, one framework (registers only, no tasks).
struct FrameworkCluster : testing::Cluster {
  explicit FrameworkCluster(std::uint64_t seed) : testing::Cluster(seed, 1) {
    FrameworkFlags fw;
    fw.master = "master-1:5050";
    sim::Host& f = sim.addHost("framework-1", 8080);
    f.startup = [fw](sim::Host& h) { REQUIRE(frameworkMain(h, fw).isSome()); };
  }
  SchedulerProcess& scheduler() {
    for (sim::Process* p : sim.host("framework-1")->processes()) {
      if (auto* s = dynamic_cast<SchedulerProcess*>(p)) return *s;
    }
    FAIL("no scheduler on framework-1");
    throw;  // unreachable
  }
  std::vector<std::string> logs(std::string_view host) const {
    std::vector<std::string> out;
    for (const auto* r : find(RecordKind::Log, "log", host)) out.push_back(r->text("message"));
    return out;
  }
  std::vector<const sim::Record*> slaveLost() const { return find(RecordKind::State, "Scheduler::slaveLost"); }
};

using agentsim::testing::Sender;

bool contains(const std::vector<std::string>& lines, const std::string& line) {
  for (const auto& l : lines) {
    if (l == line) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("an agent marked unreachable reaches the framework's code as Scheduler::slaveLost, once") {
  FrameworkCluster c(11);
  sim::FaultRule pongs;
  pongs.match.name = "PongSlaveMessage";  // every pong lost: unreachable after 5 pings
  c.sim.network().addRule(pongs);
  c.boot();
  c.sim.runFor(sim::Seconds(60));
  REQUIRE(c.scheduler().connected());
  CHECK(c.slaveLost().empty());

  c.sim.runFor(sim::Seconds(60));
  const auto unreachable = c.find(RecordKind::State, "Master::Slave", "master-1");
  REQUIRE(!unreachable.empty());
  REQUIRE(unreachable.back()->text("state") == "UNREACHABLE");
  const std::string slaveId = unreachable.back()->text("slave_id");
  REQUIRE(!slaveId.empty());

  const auto lost = c.slaveLost();
  REQUIRE(lost.size() == 1);
  CHECK(lost[0]->host == "framework-1");
  CHECK(lost[0]->process == "scheduler(1)");
  CHECK(lost[0]->text("state") == "LOST");
  CHECK(lost[0]->text("slave_id") == slaveId);
  CHECK(lost[0]->text("framework_id") == c.scheduler().framework().id);
  // The message has a handler now: it is delivered, not dropped.
  CHECK(c.find(RecordKind::Deliver, "LostSlaveMessage", "framework-1").size() == 1);
  CHECK(c.find(RecordKind::Drop, "LostSlaveMessage").empty());
  // In the same event as the delivery, 1ms (the network's latency) after the master sent it.
  const auto sent = c.sendTimes("LostSlaveMessage", "master-1");
  REQUIRE(sent.size() == 1);
  CHECK(lost[0]->at - sent[0] == sim::Milliseconds(1));
}

TEST_CASE("a LostSlaveMessage not from the leading master, or while disconnected, is ignored") {
  FrameworkCluster c(12);
  // A host of its own, added after boot() (which starts every host's program).
  auto spoof = [&c](const sim::Upid& scheduler) {
    sim::Host& intruder = c.sim.addHost("intruder", 9999);
    auto& sender = c.sim.spawn<Sender>(intruder);
    sender.dispatch("test", [&sender, scheduler] {
      LostSlaveMessage m;
      m.slave_id = "S-spoofed";
      sender.sendTo(scheduler, m);
    });
  };

  SUBCASE("connected, from another process: ignored, naming both") {
    c.boot();
    c.sim.runFor(sim::Seconds(5));
    REQUIRE(c.scheduler().connected());
    spoof(c.scheduler().self());
    c.sim.runFor(sim::Seconds(1));
    CHECK(c.slaveLost().empty());
    CHECK(contains(c.logs("framework-1"),
                   "Ignoring lost slave message because it was sent from 'sender(1)@intruder:9999' instead of the "
                   "leading master 'master@master-1:5050'"));
  }

  SUBCASE("disconnected: the connection is checked first, whoever sent it") {
    sim::FaultRule registered;
    registered.match.name = "FrameworkRegisteredMessage";  // never connects
    c.sim.network().addRule(registered);
    c.boot();
    c.sim.runFor(sim::Seconds(5));
    REQUIRE(!c.scheduler().connected());
    spoof(c.scheduler().self());
    c.sim.runFor(sim::Seconds(1));
    CHECK(c.slaveLost().empty());
    const auto logs = c.logs("framework-1");
    CHECK(contains(logs, "Ignoring lost slave message because the driver is disconnected!"));
    CHECK(!contains(logs, "Ignoring lost slave message because it was sent from 'sender(1)@intruder:9999' instead "
                          "of the leading master 'master@master-1:5050'"));
  }
}

// FaultToleranceTest.SchedulerFailover (fault_tolerance_tests.cpp): a second scheduler
// process takes the framework over (ReregisterFrameworkMessage with failover=true, from
// another pid) while the first is still connected. Master::failoverFramework tells the
// first "Framework failed over" (its driver aborts: Scheduler::error) and answers the
// second with FrameworkRegisteredMessage.
TEST_CASE("a scheduler failing over from another pid aborts the connected one: 'Framework failed over'") {
  FrameworkCluster c(12);
  c.boot();
  c.sim.runFor(sim::Seconds(5));
  REQUIRE(c.scheduler().connected());
  const auto registered = c.find(RecordKind::Deliver, "FrameworkRegisteredMessage", "framework-1");
  REQUIRE(registered.size() == 1);
  const std::string id = registered[0]->text("framework_id");

  // The second scheduler finds the FrameworkID where the scripted scheduler keeps it.
  sim::Host& second = c.sim.addHost("framework-2", 8080);
  REQUIRE(second.disk().write("/var/lib/scheduler/framework_id", id).isSome());
  FrameworkFlags fw;
  fw.master = "master-1:5050";
  REQUIRE(frameworkMain(second, fw).isSome());
  c.sim.runFor(sim::Seconds(5));

  const auto rereg = c.find(RecordKind::Send, "ReregisterFrameworkMessage", "framework-2");
  REQUIRE(!rereg.empty());
  CHECK(rereg[0]->text("framework_id") == id);
  const auto errors = c.find(RecordKind::Deliver, "FrameworkErrorMessage", "framework-1");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0]->text("message") == "Framework failed over");
  const auto aborted = c.find(RecordKind::State, "Scheduler::error", "framework-1");
  REQUIRE(aborted.size() == 1);
  CHECK(aborted[0]->text("message") == "Framework failed over");
  CHECK(c.find(RecordKind::Deliver, "FrameworkRegisteredMessage", "framework-2").size() == 1);
  CHECK(c.find(RecordKind::Deliver, "FrameworkReregisteredMessage", "framework-2").empty());
  CHECK(c.find(RecordKind::Deliver, "FrameworkErrorMessage", "framework-2").empty());
}
