// Masters electing a leader through ZooKeeper, failing over, recovering the registry,
// and the agents that follow them; in virtual time.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/model/cluster.hpp"
#include "model/sched/sched.hpp"
#include "model/messages/messages.hpp"
#include "tests/model/sender.hpp"
#include "tests/model/zk_cluster.hpp"

using namespace agentsim;
using agentsim::testing::ZkCluster;
using sim::RecordKind;

namespace {

using agentsim::testing::Sender;

std::vector<const sim::Record*> registryOps(const ZkCluster& c, std::string_view operation, bool changed,
                                            std::string_view host = {}) {
  std::vector<const sim::Record*> out;
  for (const auto& r : c.trace.records()) {
    if (r.kind != RecordKind::Log || r.text("operation") != operation || (!host.empty() && r.host != host)) continue;
    const sim::Value* v = r.field("changed");
    if (v != nullptr && std::get<bool>(*v) == changed) out.push_back(&r);
  }
  return out;
}

sim::Time electedAt(const ZkCluster& c, std::string_view host) {
  for (const auto* r : c.find(RecordKind::State, "Master::Leadership", host)) {
    if (r->text("state") == "ELECTED") return r->at;
  }
  return sim::Time::max();
}

}  // namespace

TEST_CASE("masters elect the lowest sequence; a follower drops every message, counting them") {
  ZkCluster c(1, 3, 2, 0);
  c.boot();
  c.sim.runFor(sim::Seconds(5));
  CHECK(c.leaders() == std::vector<std::string>{"master-1"});
  REQUIRE(c.master(2) != nullptr);
  CHECK_FALSE(c.master(2)->elected());
  CHECK(c.ensemble->tree().count("/mesos/json.info_0000000000") == 1);
  CHECK(c.ensemble->tree().count("/mesos/json.info_0000000001") == 1);
  // The znode holds the MasterInfo as JSON.
  auto info = model::masterInfoFromJson(c.ensemble->tree().at("/mesos/json.info_0000000000").data);
  REQUIRE(info.isSome());
  CHECK(info->pid == "master@master-1:5050");

  sim::Host& h = c.sim.addHost("intruder", 9999);
  auto& sender = c.sim.spawn<Sender>(h);
  sender.dispatch("test", [&] {
    model::RegisterSlaveMessage m;
    m.slave.hostname = "intruder";
    sender.sendTo(c.master(2)->self(), m);
  });
  c.sim.runFor(sim::Seconds(1));
  const auto drops = c.find(RecordKind::Drop, "RegisterSlaveMessage", "master-2");
  REQUIRE(drops.size() == 1);
  CHECK(drops[0]->text("reason").rfind("not elected yet", 0) == 0);
  CHECK(drops[0]->ref == "src/master/master.cpp: Master::visit");
  CHECK(c.master(2)->droppedMessages() == 1);
}

TEST_CASE("failover: the follower is elected when the leader's session expires; agents reregister with it") {
  for (const std::string registry : {"replicated_log", "in_memory"}) {
    CAPTURE(registry);
    model::MasterFlags flags;
    flags.registry = registry;
    ZkCluster c(2, 3, 2, 2, flags);
    c.boot();
    c.sim.runFor(sim::Seconds(10));
    REQUIRE(c.slaveState("agent-1") == "RUNNING");
    REQUIRE(c.slaveState("agent-2") == "RUNNING");
    c.sim.crash(*c.sim.host("master-1"));
    c.sim.runFor(sim::Seconds(30));
    CHECK(c.leaders() == std::vector<std::string>{"master-2"});
    // Elected at the server's expiry of master-1's session (a 2secs tick, within
    // 10secs of its last packet, 12secs at most after the crash), plus detection.
    const sim::Time elected = electedAt(c, "master-2");
    CHECK(elected > sim::Time{} + sim::Seconds(16));
    CHECK(elected < sim::Time{} + sim::Seconds(22) + sim::Milliseconds(10));
    CHECK(c.logs("Expiring session").size() >= 1);
    CHECK(c.slaveState("agent-1") == "RUNNING");
    CHECK(c.slaveState("agent-2") == "RUNNING");
    // The replicated log remembers the agents master-1 admitted: master-2 recovered them
    // and re-admits them with no registry operation; the in-memory registry of master-2
    // starts empty, so readmitting them changes it (MarkSlaveReachable).
    const bool log = registry == "replicated_log";
    CHECK(registryOps(c, "MarkSlaveReachable", /*changed=*/true, "master-2").size() == (log ? 0U : 2U));
    CHECK(registryOps(c, "MarkSlaveReachable", /*changed=*/false, "master-2").empty());
    CHECK(c.logs(log ? "Recovered 2 agents" : "Recovered 0 agents", "master-2").size() == 1);
    // Each agent reregistered (it kept its SlaveID), within U[0, 1secs] of detection.
    for (const char* agent : {"agent-1", "agent-2"}) {
      const auto rereg = c.find(RecordKind::Send, "ReregisterSlaveMessage", agent);
      REQUIRE(rereg.size() == 1);
      CHECK(rereg[0]->at >= elected);
      CHECK(rereg[0]->at - elected <= sim::Seconds(1));
    }
  }
}

TEST_CASE("after failover, an agent that does not come back within agent_reregister_timeout is marked unreachable") {
  ZkCluster c(3, 1, 2, 1);
  c.boot();
  c.sim.runFor(sim::Seconds(5));
  REQUIRE(c.slaveState("agent-1") == "RUNNING");
  c.sim.crash(*c.sim.host("agent-1"));
  c.sim.crash(*c.sim.host("master-1"));
  c.sim.runFor(sim::Minutes(11));
  const sim::Time elected = electedAt(c, "master-2");
  REQUIRE(elected != sim::Time::max());
  const auto marks = c.find(RecordKind::State, "Master::Slave", "master-2");
  REQUIRE(marks.size() == 1);
  CHECK(marks[0]->text("state") == "UNREACHABLE");
  CHECK(marks[0]->text("hostname") == "agent-1");
  CHECK(marks[0]->at == elected + sim::Minutes(10));
  CHECK(registryOps(c, "MarkSlaveUnreachable", true, "master-2").size() == 1);
  // It can still come back: MarkSlaveReachable readmits it.
  c.sim.restart(*c.sim.host("agent-1"));
  c.sim.runFor(sim::Seconds(5));
  CHECK(c.slaveState("agent-1") == "RUNNING");
  CHECK(registryOps(c, "MarkSlaveReachable", true, "master-2").size() == 1);
}

TEST_CASE("an elected master that loses its session exits; a follower that loses its candidacy contends again") {
  ZkCluster c(4, 3, 2, 1);
  c.boot();
  c.sim.runFor(sim::Seconds(5));
  REQUIRE(c.leaders() == std::vector<std::string>{"master-1"});

  // The follower first: its candidacy is lost locally, it stays, and contends again
  // once ZooKeeper is reachable.
  c.isolateFromZooKeeper("master-2");
  c.sim.runFor(sim::Seconds(20));
  CHECK(c.logs("Lost candidacy as a follower... Contend again", "master-2").size() == 1);
  REQUIRE(c.master(2) != nullptr);
  c.reconnectToZooKeeper("master-2");
  c.sim.runFor(sim::Seconds(20));
  CHECK(c.logs("New candidate", "master-2").size() == 2);
  CHECK(c.leaders() == std::vector<std::string>{"master-1"});

  // Now the leader: it notices only after its local session timeout, then exits
  // with every process of the mesos-master process.
  c.isolateFromZooKeeper("master-1");
  c.sim.runFor(sim::Seconds(30));
  CHECK(c.logs("Lost leadership... committing suicide!", "master-1").size() == 1);
  CHECK(c.master(1) == nullptr);
  CHECK(c.sim.host("master-1")->processes().empty());
  CHECK(c.leaders() == std::vector<std::string>{"master-2"});
  CHECK(c.slaveState("agent-1") == "RUNNING");
}

TEST_CASE("a master that saw an agent's connection break pings connected=false; the agent forces re-registration") {
  testing::Cluster c(5, 1);
  c.boot();
  c.sim.runFor(sim::Seconds(10));
  REQUIRE(c.slaveState("agent-1") == "RUNNING");
  // Agent to master only: the master's link to the agent breaks, its pings still arrive.
  c.sim.network().partition("agent-1", "master-1", /*oneWay=*/true);
  c.sim.runFor(sim::Seconds(20));
  const auto disconnected = c.find(RecordKind::State, "Master::Slave", "master-1");
  REQUIRE(disconnected.size() == 2);
  CHECK(disconnected[1]->text("state") == "DISCONNECTED");
  CHECK(disconnected[1]->at == sim::Time{} + sim::Seconds(10) + sim::Milliseconds(1));
  std::vector<const sim::Record*> falsePings;
  for (const auto* r : c.find(RecordKind::Deliver, "PingSlaveMessage", "agent-1")) {
    if (!std::get<bool>(*r->field("connected"))) falsePings.push_back(r);
  }
  REQUIRE(!falsePings.empty());
  CHECK(c.slaveState("agent-1") == "DISCONNECTED");
  CHECK(!c.find(RecordKind::Drop, "ReregisterSlaveMessage").empty());
  // Healed: the next retry reregisters it with the same master, which reconnects it.
  c.sim.network().heal("agent-1", "master-1");
  c.sim.runFor(sim::Minutes(2));
  CHECK(c.slaveState("agent-1") == "RUNNING");
}

TEST_CASE("a framework registers, reregisters with the new leader after a failover, and is removed after its "
          "failover_timeout once disconnected") {
  ZkCluster c(6, 3, 2, 0);
  sim::Host& fh = c.sim.addHost("framework-1", 8080);
  model::FrameworkFlags flags;
  flags.master = "zk://" + c.ensemble->connectString() + "/mesos";
  flags.name = "test-framework";
  flags.failover_timeout = sim::Seconds(30);
  fh.startup = [flags](sim::Host& h) { REQUIRE(model::frameworkMain(h, flags).isSome()); };
  c.boot();
  c.sim.runFor(sim::Seconds(5));
  REQUIRE(c.master(1) != nullptr);
  CHECK(c.master(1)->registeredFrameworks() == 1);
  const auto registered = c.find(RecordKind::Deliver, "FrameworkRegisteredMessage", "framework-1");
  REQUIRE(registered.size() == 1);
  const std::string id = registered[0]->text("framework_id");
  CHECK(id.rfind(c.master(1)->info().id + "-", 0) == 0);  // <master id>-0000
  CHECK(id.size() == c.master(1)->info().id.size() + 5);

  c.sim.crash(*c.sim.host("master-1"));
  c.sim.runFor(sim::Seconds(30));
  REQUIRE(c.leaders() == std::vector<std::string>{"master-2"});
  const auto rereg = c.find(RecordKind::Send, "ReregisterFrameworkMessage", "framework-1");
  REQUIRE(!rereg.empty());
  CHECK(rereg.back()->text("framework_id") == id);
  CHECK(c.master(2)->registeredFrameworks() == 1);
  // Master::_subscribe: a framework the new master has not registered is answered
  // FrameworkRegisteredMessage ("per MESOS-786"), not FrameworkReregisteredMessage.
  CHECK(c.find(RecordKind::Deliver, "FrameworkRegisteredMessage", "framework-1").size() == 2);
  CHECK(c.find(RecordKind::Deliver, "FrameworkReregisteredMessage", "framework-1").empty());

  // The scheduler's process exits: the master's link breaks; after failover_timeout
  // (30secs) the framework is removed.
  const sim::Time exit = c.sim.now();
  for (sim::Process* p : fh.processes()) c.sim.terminate(*p);
  c.sim.runFor(sim::Seconds(40));
  const auto states = c.find(RecordKind::State, "Master::Framework", "master-2");
  REQUIRE(states.size() >= 3);
  CHECK(states[states.size() - 2]->text("state") == "DISCONNECTED");
  CHECK(states.back()->text("state") == "REMOVED");
  CHECK(states.back()->at - states[states.size() - 2]->at == sim::Seconds(30));
  CHECK(states[states.size() - 2]->at - exit == sim::Milliseconds(1));
  CHECK(c.master(2)->registeredFrameworks() == 0);
}

TEST_CASE("the scheduler driver's registration backoff is capped at failover_timeout / 10") {
  testing::Cluster c(7, 0);
  sim::Host& fh = c.sim.addHost("framework-1", 8080);
  model::FrameworkFlags flags;
  flags.master = "master-1:5050";
  flags.failover_timeout = sim::Seconds(10);  // cap: 1secs
  fh.startup = [flags](sim::Host& h) { REQUIRE(model::frameworkMain(h, flags).isSome()); };
  sim::FaultRule rule;
  rule.match.name = "FrameworkRegisteredMessage";
  c.sim.network().addRule(rule);
  c.boot();
  c.sim.runFor(sim::Minutes(1));
  const auto sends = c.sendTimes("RegisterFrameworkMessage", "framework-1");
  REQUIRE(sends.size() > 30);
  for (std::size_t i = 1; i < sends.size(); ++i) CHECK(sends[i] - sends[i - 1] <= sim::Seconds(1));
}

namespace {

// An agent's side of the authentication, by hand: it answers the CRAM-MD5 session with an
// unknown principal (the master refuses it, an answer: what waits is handled).
struct RefusedAgent final : sim::Process {
  RefusedAgent() : sim::Process(sim::ProcessName::generated("slave")) {}
  void initialize() override {
    install(&RefusedAgent::mechanisms, "RefusedAgent::mechanisms");
    install(&RefusedAgent::challenged, "RefusedAgent::challenged");
    install(&RefusedAgent::reregistered, "RefusedAgent::reregistered");
    install(&RefusedAgent::registered, "RefusedAgent::registered");
  }
  void mechanisms(const sim::Upid& from, const model::AuthenticationMechanismsMessage&) {
    model::AuthenticationStartMessage m;
    m.mechanism = "CRAM-MD5";
    send(from, m);
  }
  void challenged(const sim::Upid& from, const model::AuthenticationStepMessage&) {
    model::AuthenticationStepMessage m;
    m.data = "nobody 0";
    send(from, m);
  }
  void reregistered(const sim::Upid&, const model::SlaveReregisteredMessage& m) { replies.push_back(m.slave_id); }
  void registered(const sim::Upid&, const model::SlaveRegisteredMessage& m) { replies.push_back("new " + m.slave_id); }
  // Authenticates, and (re-)registers at once: the message waits for the session's end.
  template <typename M>
  void go(const sim::Upid& master, M m) {
    model::AuthenticateMessage a;
    a.pid = self().str();
    send(master, a);
    send(master, std::move(m));
  }
  std::vector<std::string> replies;
};

}  // namespace

TEST_CASE("a re-registration that arrives while its sender is being authenticated waits, and is handled whole when "
          "the session answers") {
  // Master::reregisterSlave behind authenticationAllows: the queued continuation holds
  // its own copy of the message, and the re-registration it runs later moves that copy
  // into _reregisterSlave's continuation and on to the registrar's.
  agentsim::testing::Cluster c(1, /*agents=*/0);
  c.boot();
  c.sim.runFor(sim::Seconds(1));
  sim::Host& h = c.sim.addHost("agent-9", 5051);
  auto& agent = c.sim.spawn<RefusedAgent>(h);
  c.sim.settle();
  model::ReregisterSlaveMessage m;
  m.slave.id = "S-queued";
  m.slave.hostname = "agent-9";
  m.slave.resources = "cpus:2;mem:1024";
  m.version = "1.1.0";
  agent.go(c.sim.upid("master", "master-1", 5050), m);
  c.sim.runFor(sim::Seconds(1));
  int queued = 0;
  int reregistered = 0;
  int registry = 0;
  for (const auto& r : c.trace.records()) {
    if (r.kind != RecordKind::Log || r.host != "master-1") continue;
    if (r.text("message").find("Queuing up re-registration request from slave(1)@agent-9:5051") == 0) ++queued;
    if (r.text("message") == "Re-registered agent S-queued at slave(1)@agent-9:5051 (agent-9)") ++reregistered;
    if (r.text("operation") == "MarkSlaveReachable" && r.text("slave_id") == "S-queued") ++registry;
  }
  CHECK(queued == 1);
  CHECK(reregistered == 1);
  CHECK(registry == 1);  // the registrar was given the message's SlaveInfo
  CHECK(agent.replies == std::vector<std::string>{"S-queued"});

  // The same for a first registration (Master::registerSlave): admitted with a new id.
  sim::Host& h2 = c.sim.addHost("agent-8", 5051);
  auto& fresh = c.sim.spawn<RefusedAgent>(h2);
  c.sim.settle();
  model::RegisterSlaveMessage r;
  r.slave.hostname = "agent-8";
  r.slave.resources = "cpus:1;mem:512";
  r.version = "1.1.0";
  fresh.go(c.sim.upid("master", "master-1", 5050), r);
  c.sim.runFor(sim::Seconds(1));
  REQUIRE(fresh.replies.size() == 1);
  REQUIRE(fresh.replies[0].rfind("new ", 0) == 0);
  const std::string id = fresh.replies[0].substr(4);
  CHECK(!id.empty());
  int queuedRegistration = 0;
  int admitted = 0;
  for (const auto& rec : c.trace.records()) {
    if (rec.kind != RecordKind::Log || rec.host != "master-1") continue;
    if (rec.text("message").find("Queuing up registration request from slave(1)@agent-8:5051") == 0) ++queuedRegistration;
    if (rec.text("operation") == "AdmitSlave" && rec.text("slave_id") == id) ++admitted;
  }
  CHECK(queuedRegistration == 1);
  CHECK(admitted == 1);
}
