#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

#include "tests/model/cluster.hpp"

using namespace agentsim;
using agentsim::testing::Cluster;
using sim::RecordKind;

namespace {

sim::RuleId dropAll(Cluster& c, std::string name) {
  sim::FaultRule rule;
  rule.match.name = std::move(name);
  rule.action = sim::FaultAction::Drop;
  return c.sim.network().addRule(rule);
}

}  // namespace

TEST_CASE("an agent registers with its master and answers pings") {
  Cluster c(1);
  c.boot();
  c.sim.runFor(sim::Minutes(1));

  CHECK(c.slaveState("agent-1") == "RUNNING");
  const auto registers = c.sendTimes("RegisterSlaveMessage");
  REQUIRE(registers.size() == 1);
  // Detection happens at time 0; the first attempt waits U[0, registration_backoff_factor].
  CHECK(registers[0] <= sim::Time{} + sim::Seconds(1));
  CHECK(c.sendTimes("SlaveRegisteredMessage").size() == 1);

  // The SlaveObserver pings at admission and every agent_ping_timeout; each ping gets a pong.
  const auto pings = c.sendTimes("PingSlaveMessage");
  const auto pongs = c.sendTimes("PongSlaveMessage");
  REQUIRE(pings.size() == 4);
  CHECK(pongs.size() == pings.size());
  for (std::size_t i = 1; i < pings.size(); ++i) CHECK(pings[i] - pings[i - 1] == sim::Seconds(15));
  for (std::size_t i = 0; i < pongs.size(); ++i) CHECK(pongs[i] - pings[i] == sim::Milliseconds(1));
}

TEST_CASE("registration retries back off U[0, 2^k b], capped at 1mins") {
  // Never acknowledge, and watch the retry chain for many seeds.
  std::vector<sim::Duration> maxGap(10);
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    Cluster c(seed);
    dropAll(c, "SlaveRegisteredMessage");
    c.boot();
    c.sim.runFor(sim::Minutes(10));
    CHECK(c.slaveState("agent-1") == "DISCONNECTED");
    const auto sends = c.sendTimes("RegisterSlaveMessage");
    REQUIRE(sends.size() > 9);
    CHECK(sends[0] <= sim::Time{} + sim::Seconds(1));
    for (std::size_t k = 1; k < sends.size(); ++k) {
      const sim::Duration gap = sends[k] - sends[k - 1];
      // Attempt k+1 waits U[0, min(b * 2^k, 1mins)].
      const sim::Duration bound = std::min(sim::Seconds(1) * (std::int64_t{1} << std::min<std::size_t>(k, 20)),
                                           sim::Minutes(1));
      CHECK(gap <= bound);
      if (k < maxGap.size()) maxGap[k] = std::max(maxGap[k], gap);
    }
  }
  // The draws really spread over their ranges: the largest gap seen is near each bound.
  CHECK(maxGap[1] > sim::Milliseconds(1500));
  CHECK(maxGap[2] > sim::Seconds(3));
  CHECK(maxGap[3] > sim::Seconds(6));
  CHECK(maxGap[7] > sim::Seconds(45));  // capped: 2^7 secs > 1mins
}

TEST_CASE("a lost SlaveRegisteredMessage is recovered by the registration retry") {
  Cluster c(7);
  sim::FaultRule rule;
  rule.match.name = "SlaveRegisteredMessage";
  rule.count = 1;
  c.sim.network().addRule(rule);
  c.boot();
  c.sim.runFor(sim::Seconds(10));
  CHECK(c.sendTimes("RegisterSlaveMessage").size() == 2);
  CHECK(c.sendTimes("SlaveRegisteredMessage").size() == 2);
  CHECK(c.find(RecordKind::Drop, "SlaveRegisteredMessage").size() == 1);
  CHECK(c.slaveState("agent-1") == "RUNNING");
  // The master answers the retry with the same SlaveID.
  const auto acks = c.find(RecordKind::Send, "SlaveRegisteredMessage");
  CHECK(acks[0]->text("slave_id") == acks[1]->text("slave_id"));
}

TEST_CASE("different seeds draw different backoffs; the same seed gives the same trace bytes") {
  auto traceOf = [](std::uint64_t seed) {
    Cluster c(seed, 3);
    std::ostringstream out;
    sim::JsonLinesSink sink(out);
    c.sim.trace().addSink(&sink);
    c.boot();
    c.sim.runFor(sim::Minutes(2));
    return out.str();
  };
  const std::string a = traceOf(11);
  CHECK(a == traceOf(11));
  CHECK(a != traceOf(12));
  CHECK(a.size() > 1000);
}

TEST_CASE("without pongs the master marks the agent unreachable after max_agent_ping_timeouts") {
  Cluster c(3);
  dropAll(c, "PongSlaveMessage");
  c.boot();
  c.sim.runFor(sim::Minutes(3));
  const auto marks = c.find(RecordKind::State, "Master::Slave");
  REQUIRE(marks.size() == 3);
  CHECK(marks[0]->text("state") == "REGISTERED");
  CHECK(marks[1]->text("state") == "UNREACHABLE");
  // First ping at admission, then 5 timeouts of 15secs each.
  CHECK(marks[1]->at - marks[0]->at == sim::Seconds(75));
  // The observer is gone: no pings after that, until the agent comes back.
  const auto pings = c.sendTimes("PingSlaveMessage");
  const sim::Time lastPing = *std::find_if(pings.rbegin(), pings.rend(), [&](sim::Time t) { return t <= marks[1]->at; });
  // The agent's own ping timer (75secs after the last ping it got) makes it reregister,
  // and the master re-admits it (MarkSlaveReachable).
  const auto timeouts = c.find(RecordKind::Timer, "Slave::pingTimeout");
  REQUIRE(timeouts.size() == 1);
  CHECK(timeouts[0]->at - lastPing == sim::Seconds(75) + sim::Milliseconds(1));
  CHECK(marks[2]->text("state") == "REGISTERED");
  CHECK(marks[2]->at > timeouts[0]->at);
  CHECK(marks[2]->text("slave_id") == marks[0]->text("slave_id"));
}

TEST_CASE("with no pings for 75secs the agent re-detects and reregisters") {
  Cluster c(5);
  c.boot();
  c.sim.runFor(sim::Seconds(20));
  REQUIRE(c.slaveState("agent-1") == "RUNNING");
  const sim::Time lastPing = c.find(RecordKind::Deliver, "PingSlaveMessage").back()->at;
  const sim::RuleId rule = dropAll(c, "PingSlaveMessage");
  c.sim.runFor(sim::Minutes(2));

  const auto timeouts = c.find(RecordKind::Timer, "Slave::pingTimeout");
  REQUIRE(timeouts.size() >= 1);
  CHECK(timeouts[0]->at - lastPing == sim::Seconds(75));
  // Re-detection makes the agent DISCONNECTED, then it reregisters (it has a SlaveID).
  const auto rereg = c.sendTimes("ReregisterSlaveMessage");
  REQUIRE(!rereg.empty());
  CHECK(rereg[0] >= timeouts[0]->at);
  CHECK(rereg[0] - timeouts[0]->at <= sim::Seconds(1));
  CHECK(c.sendTimes("SlaveReregisteredMessage").size() >= 1);
  c.sim.network().removeRule(rule);
  c.sim.runFor(sim::Minutes(1));
  CHECK(c.slaveState("agent-1") == "RUNNING");
}

TEST_CASE("a restarted agent recovers its SlaveID from the checkpoint and reregisters") {
  Cluster c(9);
  c.boot();
  c.sim.runFor(sim::Seconds(5));
  REQUIRE(c.slaveState("agent-1") == "RUNNING");
  const std::string id = c.find(RecordKind::Send, "SlaveRegisteredMessage").front()->text("slave_id");
  sim::Host& agent = *c.sim.host("agent-1");
  CHECK(agent.disk().read("/var/lib/mesos/meta/slaves/latest") == id);

  c.sim.restart(agent);
  c.sim.runFor(sim::Seconds(10));
  CHECK(c.sendTimes("RegisterSlaveMessage").size() == 1);
  const auto rereg = c.find(RecordKind::Send, "ReregisterSlaveMessage");
  REQUIRE(rereg.size() == 1);
  CHECK(rereg[0]->text("slave_id") == id);
  CHECK(c.slaveState("agent-1") == "RUNNING");
}
