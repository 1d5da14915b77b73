// The fake ZooKeeper ensemble, the C client handle, Mesos's group and leader detector,
// in virtual time.
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/zookeeper/group.hpp"
#include "model/zookeeper/detector.hpp"
#include "model/master/contender/zookeeper.hpp"
#include "model/master/detector/detector.hpp"
#include "model/zookeeper/zookeeper.hpp"
#include "tests/model/zk_cluster.hpp"

using namespace agentsim;
using agentsim::testing::ZkCluster;
using sim::RecordKind;

namespace {

template <typename State>
std::string st(State state) {
  return std::string(model::toString(state));
}

// A process that calls the group and the ZooKeeper handle the way Mesos's contender
// and detectors do, and records what comes back.
class Driver final : public sim::Process {
 public:
  Driver() : sim::Process(sim::ProcessName::generated("driver")) {}
  std::vector<model::Membership> joined;
  std::vector<std::set<model::Membership>> watched;
  std::vector<std::optional<model::Membership>> leaders;
  std::vector<bool> cancelled;
  std::vector<std::string> errors;
  std::vector<std::string> events;

  void join(model::GroupProcess& g, std::string data = "data") {
    g.join(std::move(data), std::string("json.info"),
           model::Reply<sim::Try<model::Membership>>{self(), "test::joined", [this](const sim::Try<model::Membership>& m) {
                                                       if (m.isError()) {
                                                         errors.push_back(m.error());
                                                       } else {
                                                         joined.push_back(m.get());
                                                       }
                                                     }});
  }
  void cancel(model::GroupProcess& g, model::Membership m) {
    g.cancel(m, model::Reply<sim::Try<bool>>{self(), "test::cancel", [this](const sim::Try<bool>& r) {
                                                if (r.isSome()) cancelled.push_back(r.get());
                                              }});
  }
  void watchCancelled(model::GroupProcess& g, model::Membership m) {
    g.cancelled(m, model::Reply<sim::Try<bool>>{self(), "test::cancelled", [this](const sim::Try<bool>& r) {
                                                   events.push_back(r.isSome() && r.get() ? "cancelled:true"
                                                                                          : "cancelled:false");
                                                 }});
  }
  void contend(model::ZooKeeperMasterContender& contender) {
    contender.contend(model::Reply<sim::Try<sim::Nothing>>{self(), "test::contended",
                                                           [this](const sim::Try<sim::Nothing>& r) {
                                                             events.push_back(r.isError() ? "contend:error"
                                                                                          : "contended");
                                                           }},
                      model::Reply<sim::Try<sim::Nothing>>{self(), "test::lost", [this](const sim::Try<sim::Nothing>& r) {
                                                             events.push_back(model::isDiscarded(r) ? "lost:discarded"
                                                                                                    : "lost");
                                                           }});
  }
  void withdraw(model::ZooKeeperMasterContender& contender) {
    contender.withdraw(model::Reply<sim::Try<bool>>{self(), "test::withdrawn", [this](const sim::Try<bool>& r) {
                                                      events.push_back(model::isDiscarded(r) ? "withdraw:discarded"
                                                                       : r.isError()  ? "withdraw:error"
                                                                       : r.get()   ? "withdraw:true"
                                                                                   : "withdraw:false");
                                                    }});
  }
  void detect(model::LeaderDetectorProcess& d, std::optional<model::Membership> previous) {
    d.detect(previous, model::Reply<sim::Try<std::optional<model::Membership>>>{
                           self(), "test::detected", [this](const sim::Try<std::optional<model::Membership>>& l) {
                             if (l.isSome()) leaders.push_back(l.get());
                           }});
  }
};

struct Client {
  sim::Host* host;
  model::GroupProcess* group;
  Driver* driver;
};

Client addClient(ZkCluster& c, const std::string& name, sim::Duration timeout = sim::Seconds(10)) {
  sim::Host& h = c.sim.addHost(name, 7000);
  auto& group = c.sim.spawn<model::GroupProcess>(h, c.ensemble->connectString(), timeout, "/mesos");
  auto& driver = c.sim.spawn<Driver>(h);
  return Client{&h, &group, &driver};
}

// master-1's MasterInfo on host contender-1, as the contender tests announce it.
model::MasterInfo contenderInfo() {
  model::MasterInfo info;
  info.id = "m1";
  info.pid = "master@contender-1:5050";
  info.hostname = "contender-1";
  return info;
}

// A ZooKeeper master contender on the client's host and group, initialized with `info`.
model::ZooKeeperMasterContender& spawnContender(ZkCluster& c, const Client& a, const model::MasterInfo& info) {
  auto& contender = c.sim.spawn<model::ZooKeeperMasterContender>(*a.host, *a.group);
  contender.initializeWith(info);
  return contender;
}

std::vector<sim::Time> sendTimes(const ZkCluster& c, std::string_view message, std::string_view host) {
  std::vector<sim::Time> out;
  for (const auto* r : c.find(RecordKind::Send, message, host)) out.push_back(r->at);
  return out;
}

std::string serverState(const ZkCluster& c, std::string_view host) {
  std::string state;
  for (const auto* r : c.find(RecordKind::State, "ZooKeeperServer::State", host)) state = r->text("state");
  return state;
}

}  // namespace

TEST_CASE("an ensemble serves while a majority of its servers is up and can reach each other") {
  ZkCluster c(1, /*servers=*/3, /*masters=*/0, /*agents=*/0);
  c.boot();
  c.sim.runFor(sim::Seconds(5));
  for (int i = 1; i <= 3; ++i) CHECK(c.server(i)->serving());
  // The highest id in view leads.
  CHECK(st(c.server(3)->state()) == "LEADING");

  // One server down: two of three still make a quorum.
  c.sim.crash(*c.sim.host("zk-3"));
  c.sim.runFor(sim::Seconds(15));
  CHECK(c.server(1)->serving());
  CHECK(st(c.server(2)->state()) == "LEADING");

  // Two down: zk-1 stops serving once it has not heard from a majority for
  // syncLimit x tickTime (10secs).
  c.sim.crash(*c.sim.host("zk-2"));
  c.sim.runFor(sim::Seconds(9));
  CHECK(c.server(1)->serving());
  c.sim.runFor(sim::Seconds(2));
  CHECK_FALSE(c.server(1)->serving());
  CHECK(serverState(c, "zk-1") == "LOOKING");

  // A client is turned away while there is no quorum...
  Client client = addClient(c, "client-1");
  c.sim.runFor(sim::Seconds(25));  // long enough to have tried every server (6.67secs each)
  CHECK(st(client.group->state()) == "CONNECTING");
  for (const auto* r : c.find(RecordKind::Send, "zookeeper.ConnectResponse")) CHECK(r->text("to").find("client-1") == std::string::npos);

  // ...and served once a majority is back.
  c.sim.restart(*c.sim.host("zk-2"));
  c.sim.runFor(sim::Seconds(10));
  CHECK(c.server(1)->serving());
  CHECK(st(client.group->state()) == "READY");
}

TEST_CASE("a partitioned server loses its quorum and closes its clients' connections") {
  ZkCluster c(2, 3, 0, 0);
  c.boot();
  Client client = addClient(c, "client-1");
  c.sim.runFor(sim::Seconds(3));
  REQUIRE(st(client.group->state()) == "READY");
  for (const char* peer : {"zk-2", "zk-3"}) c.sim.network().partition("zk-1", peer, false);
  c.sim.runFor(sim::Seconds(11));
  CHECK_FALSE(c.server(1)->serving());
  CHECK(c.server(2)->serving());
  CHECK(c.server(3)->serving());
  const auto closed = c.find(RecordKind::Send, "zookeeper.ConnectionClosed", "zk-1");
  // Whoever was connected to zk-1 moved to another server and kept its session.
  c.sim.runFor(sim::Seconds(5));
  CHECK(st(client.group->state()) == "READY");
  CHECK(c.ensemble->sessions().size() == 1);
  (void)closed;
}

TEST_CASE("the server clamps the requested session timeout to [2, 20] x tickTime") {
  for (const auto& [requested, negotiated] : std::vector<std::pair<sim::Duration, std::int64_t>>{
           {sim::Seconds(1), 4000}, {sim::Seconds(10), 10000}, {sim::Seconds(100), 40000}}) {
    ZkCluster c(3, 1, 0, 0);
    c.boot();
    Client client = addClient(c, "client-1", requested);
    c.sim.runFor(sim::Seconds(1));
    const auto responses = c.find(RecordKind::Send, "zookeeper.ConnectResponse", "zk-1");
    REQUIRE(responses.size() == 1);
    CHECK(responses[0]->integer("timeout_ms") == negotiated);
    CHECK(st(client.group->state()) == "READY");
  }
}

TEST_CASE("a client pings every third of its timeout; a silent session is expired by the server on a tick") {
  ZkCluster c(4, 3, 0, 0);
  c.boot();
  Client client = addClient(c, "client-1");
  client.driver->dispatch("test", [&] { client.driver->join(*client.group); });
  c.sim.runFor(sim::Seconds(20));
  REQUIRE(client.driver->joined.size() == 1);
  CHECK(client.driver->joined[0].sequence == 0);
  REQUIRE(c.ensemble->tree().count("/mesos/json.info_0000000000") == 1);

  const auto pings = sendTimes(c, "zookeeper.Ping", "client-1");
  REQUIRE(pings.size() >= 4);
  for (std::size_t i = 2; i < pings.size(); ++i) CHECK(pings[i] - pings[i - 1] == sim::Seconds(10) / 3);

  // Cut the client off: the server hears nothing more and expires the session at the
  // first 2secs tick after last touch + 10secs; its ephemeral znode goes with it.
  const sim::Time lastPing = pings.back();
  c.isolateFromZooKeeper("client-1");
  c.sim.runFor(sim::Seconds(15));
  const auto expiries = c.logs("Expiring session");
  REQUIRE(expiries.size() == 1);
  const sim::Time touched = lastPing + sim::Milliseconds(1);
  const std::int64_t tick = sim::Seconds(2).ns();
  CHECK(expiries[0]->at.ns() == ((touched + sim::Seconds(10)).ns() / tick + 1) * tick);
  CHECK(c.ensemble->tree().count("/mesos/json.info_0000000000") == 0);
  CHECK(c.ensemble->sessions().empty());

  // The client, meanwhile, declared the connection lost 2/3 of the timeout after its
  // last answer, and its group expires the session locally 10secs after that.
  const auto lost = c.logs("Lost connection to ZooKeeper", "client-1");
  REQUIRE(lost.size() == 1);
  CHECK(lost[0]->at == touched + sim::Milliseconds(1) + sim::Seconds(10) * 2 / 3);
  c.sim.runFor(sim::Seconds(10));
  const auto local = c.logs("Timed out waiting to connect to ZooKeeper", "client-1");
  REQUIRE(local.size() >= 1);
  CHECK(local[0]->at == lost[0]->at + sim::Seconds(10));
  CHECK(client.driver->events.empty());  // nobody watched the membership
}

TEST_CASE("reconnecting within the session timeout keeps the session and its znodes") {
  ZkCluster c(5, 3, 0, 0);
  c.boot();
  Client client = addClient(c, "client-1");
  client.driver->dispatch("test", [&] { client.driver->join(*client.group); });
  c.sim.runFor(sim::Seconds(5));
  REQUIRE(client.driver->joined.size() == 1);
  client.driver->dispatch("test", [&] { client.driver->watchCancelled(*client.group, client.driver->joined[0]); });
  REQUIRE(c.ensemble->sessions().size() == 1);
  const std::int64_t session = c.ensemble->sessions().begin()->first;
  const int server = c.ensemble->sessions().begin()->second.server;
  // Only the client's current server becomes unreachable: it moves to another one.
  c.sim.network().partition("client-1", model::ZooKeeperEnsemble::hostName(server), false);
  c.sim.runFor(sim::Seconds(20));
  REQUIRE(c.ensemble->sessions().size() == 1);
  CHECK(c.ensemble->sessions().begin()->first == session);
  CHECK(c.ensemble->sessions().begin()->second.server != server);
  CHECK(c.ensemble->tree().count("/mesos/json.info_0000000000") == 1);
  CHECK(c.logs("reconnected to ZooKeeper", "client-1").size() == 1);
  CHECK(client.driver->events.empty());  // the membership was never lost
}

TEST_CASE("sequential znodes are numbered by the parent's cversion; expired sessions cancel owned memberships") {
  ZkCluster c(6, 1, 0, 0);
  c.boot();
  Client a = addClient(c, "client-a");
  Client b = addClient(c, "client-b");
  a.driver->dispatch("test", [&] { a.driver->join(*a.group); });
  c.sim.runFor(sim::Seconds(1));
  b.driver->dispatch("test", [&] { b.driver->join(*b.group); });
  c.sim.runFor(sim::Seconds(1));
  REQUIRE(a.driver->joined.size() == 1);
  REQUIRE(b.driver->joined.size() == 1);
  CHECK(a.driver->joined[0].sequence == 0);
  CHECK(b.driver->joined[0].sequence == 1);

  // Two creates and a delete: the parent's cversion is 3, so the next join gets 3.
  a.driver->dispatch("test", [&] {
    a.driver->watchCancelled(*a.group, a.driver->joined[0]);
    a.driver->cancel(*a.group, a.driver->joined[0]);
  });
  c.sim.runFor(sim::Seconds(1));
  CHECK(a.driver->cancelled == std::vector<bool>{true});
  CHECK(a.driver->events == std::vector<std::string>{"cancelled:true"});
  a.driver->dispatch("test", [&] { a.driver->join(*a.group); });
  c.sim.runFor(sim::Seconds(1));
  REQUIRE(a.driver->joined.size() == 2);
  CHECK(a.driver->joined[1].sequence == 3);
  CHECK(c.ensemble->tree().count("/mesos/json.info_0000000003") == 1);

  // Cancelling what is no longer owned answers false.
  a.driver->dispatch("test", [&] { a.driver->cancel(*a.group, a.driver->joined[0]); });
  c.sim.runFor(sim::Seconds(1));
  CHECK(a.driver->cancelled == std::vector<bool>{true, false});

  // The server expires b's session: its znode goes, and b's membership is cancelled
  // (false: not on request) once b learns of the expiry.
  b.driver->dispatch("test", [&] { b.driver->watchCancelled(*b.group, b.driver->joined[0]); });
  c.sim.runFor(sim::Seconds(1));
  c.server(1)->dispatch("test", [&] { CHECK(c.expireSessionsOf("client-b") == 1); });
  c.sim.runFor(sim::Seconds(1));
  CHECK(c.ensemble->tree().count("/mesos/json.info_0000000001") == 0);
  CHECK(b.driver->events == std::vector<std::string>{"cancelled:false"});
}

TEST_CASE("a children watch fires once") {
  ZkCluster c(7, 1, 0, 0);
  c.boot();
  sim::Host& h = c.sim.addHost("client-1", 7000);
  auto& driver = c.sim.spawn<Driver>(h);
  int fired = 0;
  model::ZooKeeperProcess::Watcher watcher;
  watcher.connected = [](std::int64_t, bool) {};
  watcher.reconnecting = [](std::int64_t) {};
  watcher.expired = [](std::int64_t) {};
  watcher.updated = [&fired](std::int64_t, const std::string&) { ++fired; };
  auto& zk = c.sim.spawn<model::ZooKeeperProcess>(h, c.ensemble->connectString(), sim::Seconds(10), driver.self(),
                                                  watcher);
  Client writer = addClient(c, "writer");
  c.sim.runFor(sim::Seconds(1));
  std::vector<std::string> seen;
  driver.dispatch("test", [&] {
    zk.getChildren("/mesos", /*watch=*/true, "test::children",
                   [&seen](int code, const std::vector<std::string>& children) {
                     CHECK(code == model::zk::ZOK);
                     seen = children;
                   });
  });
  c.sim.runFor(sim::Seconds(1));
  CHECK(seen.empty());
  writer.driver->dispatch("test", [&] { writer.driver->join(*writer.group); });
  c.sim.runFor(sim::Seconds(1));
  writer.driver->dispatch("test", [&] { writer.driver->join(*writer.group); });
  c.sim.runFor(sim::Seconds(1));
  CHECK(writer.driver->joined.size() == 2);
  CHECK(fired == 1);  // two changes, one watch, one event
}

TEST_CASE("group operations that fail with a retryable error are retried after 2secs, then back off") {
  ZkCluster c(8, 3, 0, 0);
  c.boot();
  Client client = addClient(c, "client-1");
  c.sim.runFor(sim::Seconds(2));
  REQUIRE(st(client.group->state()) == "READY");
  c.isolateFromZooKeeper("client-1");
  c.sim.runFor(sim::Seconds(8));  // the client knows its connection is lost by now
  REQUIRE(!c.logs("Lost connection to ZooKeeper", "client-1").empty());
  const sim::Time joinAt = c.sim.now();
  client.driver->dispatch("test", [&] { client.driver->join(*client.group); });
  c.sim.runFor(sim::Seconds(1));
  // The group is READY but the handle is not connected: ZCONNECTIONLOSS, retry later.
  const auto retries = c.find(RecordKind::Timer, "GroupProcess::retry", "client-1");
  CHECK(retries.empty());
  c.sim.runFor(sim::Seconds(7));
  const auto later = c.find(RecordKind::Timer, "GroupProcess::retry", "client-1");
  REQUIRE(later.size() >= 2);
  CHECK(later[0]->at == joinAt + sim::Seconds(2));
  CHECK(later[1]->at == later[0]->at + sim::Seconds(4));
  CHECK(client.driver->joined.empty());
  CHECK(client.driver->errors.empty());
  // The network returns: the join goes through.
  c.reconnectToZooKeeper("client-1");
  c.sim.runFor(sim::Seconds(30));
  CHECK(client.driver->joined.size() == 1);
}

TEST_CASE("leader election order: the oldest member leads (C95)") {
  ZkCluster c(9, 1, 0, 0);
  c.boot();
  Client m1 = addClient(c, "member-1");
  Client m2 = addClient(c, "member-2");
  Client observer = addClient(c, "observer");
  auto& detector = c.sim.spawn<model::LeaderDetectorProcess>(*observer.host, *observer.group);
  m1.driver->dispatch("test", [&] { m1.driver->join(*m1.group); });
  c.sim.runFor(sim::Seconds(1));
  m2.driver->dispatch("test", [&] { m2.driver->join(*m2.group); });
  c.sim.runFor(sim::Seconds(1));
  observer.driver->dispatch("test", [&] { observer.driver->detect(detector, std::nullopt); });
  c.sim.runFor(sim::Seconds(1));
  REQUIRE(observer.driver->leaders.size() == 1);
  REQUIRE(observer.driver->leaders[0].has_value());
  CHECK(observer.driver->leaders[0]->sequence == 0);

  // Cancelling and re-joining the follower does not change the leader.
  observer.driver->dispatch("test", [&] { observer.driver->detect(detector, observer.driver->leaders[0]); });
  m2.driver->dispatch("test", [&] { m2.driver->cancel(*m2.group, m2.driver->joined[0]); });
  c.sim.runFor(sim::Seconds(1));
  m2.driver->dispatch("test", [&] { m2.driver->join(*m2.group); });
  c.sim.runFor(sim::Seconds(1));
  CHECK(observer.driver->leaders.size() == 1);
  // Cancelling the leader makes the re-joined member-2 leader.
  m1.driver->dispatch("test", [&] { m1.driver->cancel(*m1.group, m1.driver->joined[0]); });
  c.sim.runFor(sim::Seconds(1));
  REQUIRE(observer.driver->leaders.size() == 2);
  REQUIRE(observer.driver->leaders[1].has_value());
  CHECK(observer.driver->leaders[1]->sequence == m2.driver->joined[1].sequence);
  // Cancelling the only member: no leader.
  observer.driver->dispatch("test", [&] { observer.driver->detect(detector, observer.driver->leaders[1]); });
  m2.driver->dispatch("test", [&] { m2.driver->cancel(*m2.group, m2.driver->joined[1]); });
  c.sim.runFor(sim::Seconds(1));
  REQUIRE(observer.driver->leaders.size() == 3);
  CHECK_FALSE(observer.driver->leaders[2].has_value());
}

TEST_CASE("--master=zk://... is parsed as MasterDetector::create does") {
  auto url = model::parseZooKeeperUrl("zk://zk-1:2181,zk-2:2181,zk-3:2181/mesos");
  REQUIRE(url.isSome());
  CHECK(url->servers == "zk-1:2181,zk-2:2181,zk-3:2181");
  CHECK(url->path == "/mesos");
  CHECK(model::parseZooKeeperUrl("zk://user:pass@zk-1:2181/a/b")->path == "/a/b");
  CHECK(model::parseZooKeeperUrl("zk://user:pass@zk-1:2181/a/b")->servers == "zk-1:2181");
  CHECK(model::parseZooKeeperUrl("zk://zk-1:2181")->path == "/");
  // zookeeper::URL takes any credentials (Mesos 1.1 checks none).
  REQUIRE(model::parseZooKeeperUrl("zk://nopassword@zk-1:2181/mesos").isSome());
  CHECK(*model::parseZooKeeperUrl("zk://nopassword@zk-1:2181/mesos")->credentials == "nopassword");
  CHECK(model::parseZooKeeperUrl("zk://a@b@zk-1:2181/mesos")->servers == "zk-1:2181");
  CHECK(model::parseZooKeeperUrl("http://zk-1:2181/mesos").isError());
  // strings::trim's " \t\n\r" (a file:// written on Windows ends in "\r\n").
  CHECK(model::parseZooKeeperUrl("zk://zk-1:2181/mesos\r")->path == "/mesos");
  // No server: Mesos 1.1 would abort in zookeeper_init; agentsim refuses the URL.
  CHECK(model::parseZooKeeperUrl("zk:///mesos").error() == "Expecting at least one ZooKeeper server in the URL");

  sim::Simulation sim(1);
  sim::Host& h = sim.addHost("agent-1", 5051);
  auto root = model::createMasterDetector(h, "zk://zk-1:2181/");
  REQUIRE(root.isError());
  CHECK(root.error() ==
        "Failed to create a master detector: Expecting a (chroot) path for ZooKeeper ('/' is not supported)");
  auto ok = model::createMasterDetector(h, "zk://zk-1:2181/mesos");
  REQUIRE(ok.isSome());
  (void)sim.settle();
  std::vector<std::string> ids;
  for (const sim::Process* p : h.processes()) ids.emplace_back(p->id());
  CHECK(ids == std::vector<std::string>{"zookeeper-group(1)", "zookeeper-leader-detector(1)",
                                        "zookeeper-master-detector(1)", "zookeeper(1)"});
}

TEST_CASE("MasterInfo round-trips through the json.info znode's JSON") {
  model::MasterInfo info;
  info.id = "1f0e-uuid";
  info.pid = "master@master-2:5050";
  info.hostname = "master-2";
  info.port = 5050;
  const std::string json = model::masterInfoToJson(info);
  auto back = model::masterInfoFromJson(json);
  REQUIRE(back.isSome());
  CHECK(back.get() == info);
  CHECK(model::masterInfoFromJson("{\"id\":\"x\"}").isError());
  CHECK(model::masterInfoFromJson("not json").isError());
}

// ZooKeeperMasterDetectorProcess::fetched's json.info branch: JSON::parse<JSON::Object>,
// then ::protobuf::parse<MasterInfo> (1.1's mesos.proto: id, ip, port required).
TEST_CASE("a json.info MasterInfo is read as stout's JSON::parse and protobuf::parse read it") {
  const auto error = [](std::string_view json) {
    auto r = model::masterInfoFromJson(json);
    return r.isError() ? r.error() : std::string("(parsed)");
  };
  const std::string pb = "Failed to parse JSON into a valid MasterInfo protocol buffer: ";
  const std::string js = "Failed to parse data into valid JSON: ";
  // The required fields, in field order, a nested message's with its prefix.
  CHECK(error(R"({"pid":"master@m:5050","hostname":"m"})") == pb + "Missing required fields: id, ip, port");
  CHECK(error(R"({"id":"x","port":5050})") == pb + "Missing required fields: ip");
  CHECK(error(R"({"id":"x","ip":1,"port":5050,"address":{"ip":"1.2.3.4"}})") ==
        pb + "Missing required fields: address.port");
  // null leaves a field unset; an unknown key is ignored.
  CHECK(error(R"({"id":"x","ip":null,"port":5050,"extra":[1,{}]})") == pb + "Missing required fields: ip");
  // pid and hostname are optional: a MasterInfo without them is a leader at the empty UPID.
  auto bare = model::masterInfoFromJson(R"({"id":"x","ip":1,"port":5050})");
  REQUIRE(bare.isSome());
  CHECK(bare->pid == "@0.0.0.0:0");
  CHECK(bare->port == 5050);
  // A pid with no id keeps its address, as UPID(info.pid()) prints it.
  CHECK(model::masterInfoFromJson(R"({"id":"x","ip":1,"port":1,"pid":"@10.10.1.22:8080"})")->pid ==
        "@10.10.1.22:8080");
  // Each value must have its field's type; keys are read in name order.
  CHECK(error(R"({"id":"x","ip":1,"port":"5050"})") == pb + "Not expecting a JSON string for field 'port'");
  CHECK(error(R"({"port":"5050","id":7})") == pb + "Not expecting a JSON number for field 'id'");
  CHECK(error(R"({"id":"x","ip":true,"port":1})") == pb + "Not expecting a JSON boolean for field 'ip'");
  CHECK(error(R"({"id":"x","ip":[1],"port":1})") == pb + "Not expecting a JSON array for field 'ip'");
  CHECK(error(R"({"id":{},"ip":1,"port":1})") == pb + "Not expecting a JSON object for field 'id'");
  CHECK(error(R"({"id":"x","ip":1,"port":1,"address":{"port":"1"}})") ==
        pb + "Not expecting a JSON string for field 'port'");
  // JSON::Number::as<uint32_t>: a double is cast.
  CHECK(model::masterInfoFromJson(R"({"id":"x","ip":1,"port":5050.9})")->port == 5050);
  // JSON::parse: picojson's syntax error, trailing text, another type than an object.
  CHECK(error("not json") == js + "syntax error at line 1 near: ot json");
  CHECK(error("{\n\"id\" 1}") == js + "syntax error at line 2 near: 1}");
  CHECK(error("") == js + "syntax error at line 1 near: ");
  CHECK(error(R"({"id":"x","ip":1,"port":1} x )") == js + "Parsed JSON included non-whitespace trailing characters:  x");
  CHECK(error("[1]") == js + "Unexpected JSON type parsed");
  // A repeated key: the last one.
  CHECK(model::masterInfoFromJson(R"({"id":"a","id":"b","ip":1,"port":1})")->id == "b");
  // What the master writes reads back (its ip and address included).
  model::MasterInfo info{"id-1", "master@master-1:5050", "master-1", 5050};
  CHECK(model::masterInfoToJson(info).find("\"ip\":16777343") != std::string::npos);
  CHECK(model::masterInfoFromJson(model::masterInfoToJson(info)).get() == info);
}

// fetched's info branch: MasterInfo::ParseFromString of a binary MasterInfo.
TEST_CASE("an info MasterInfo is read as MasterInfo::ParseFromString reads it") {
  using namespace std::string_literals;
  // id "x" (1), ip 1 (2), port 5050 (3), pid "m@h:1" (4), then an unknown varint field 9.
  const std::string good = "\x0a\x01x\x10\x01\x18\xba\x27\x22\x05m@h:1\x48\x07"s;
  auto info = model::masterInfoFromBinary(good);
  REQUIRE(info.has_value());
  CHECK(info->id == "x");
  CHECK(info->port == 5050);
  CHECK(info->pid == "m@h:1");
  // A required field missing (port), a truncated string, a stray end-group tag: false.
  CHECK_FALSE(model::masterInfoFromBinary("\x0a\x01x\x10\x01"s).has_value());
  CHECK_FALSE(model::masterInfoFromBinary("\x0a\x05x\x10\x01\x18\x01"s).has_value());
  CHECK_FALSE(model::masterInfoFromBinary("\x0a\x01x\x10\x01\x18\x01\x0c"s).has_value());
  // A known field with another wire type is an unknown field: port as fixed32 leaves it unset.
  CHECK_FALSE(model::masterInfoFromBinary("\x0a\x01x\x10\x01\x1d\x01\x00\x00\x00"s).has_value());
  // An address without its required port.
  CHECK_FALSE(model::masterInfoFromBinary("\x0a\x01x\x10\x01\x18\x01\x3a\x02\x12\x00"s).has_value());
  CHECK_FALSE(model::masterInfoFromBinary("{}").has_value());
}

// picojson 1.3.0 (1.1's JSON::parse) step for step: its input's getc/ungetc decide the
// error's line and "near:" text and where the parse ends.
TEST_CASE("a json.info text is refused where picojson 1.3.0 refuses it, with its error text") {
  using namespace std::string_literals;
  const auto error = [](std::string_view json) {
    auto r = model::masterInfoFromJson(json);
    return r.isError() ? r.error() : std::string("(parsed)");
  };
  const std::string js = "Failed to parse data into valid JSON: ";
  // A control character inside a string (a raw newline, a NUL, a tab) is a syntax error.
  // (The character put back starts the "near:" text: a newline ends it at once; a NUL or a
  // tab, below ' ', is left out of it.)
  CHECK(error("{\"id\":\"a\nb\",\"ip\":1,\"port\":1}") == js + "syntax error at line 1 near: ");
  CHECK(error("{\"id\":\"a\0b\",\"ip\":1,\"port\":1}"s) == js + "syntax error at line 1 near: b\",\"ip\":1,\"port\":1}");
  CHECK(error("{\"id\":\"a\tb\",\"ip\":1,\"port\":1}") == js + "syntax error at line 1 near: b\",\"ip\":1,\"port\":1}");
  // Bytes at or above ' ' are kept as they are, invalid UTF-8 included.
  CHECK(model::masterInfoFromJson("{\"id\":\"\xff\xfe\",\"ip\":1,\"port\":1}")->id == "\xff\xfe");
  // _parse_quadhex puts back the character that is not a hex digit.
  CHECK(error(R"({"id":"\u00zz"})") == js + R"(syntax error at line 1 near: zz"})");
  // The line is counted when the character after a '\n' is read: not at the end.
  CHECK(error("{\"id\":\"x\",\n") == js + "syntax error at line 1 near: ");
  CHECK(error("{\"id\":\"x\",\n}") == js + "syntax error at line 2 near: }");
  // The parse's end is input::cur(): a top-level number swallows the character after it.
  CHECK(error("1]") == js + "Unexpected JSON type parsed");
  CHECK(error("1 x") == js + "Parsed JSON included non-whitespace trailing characters: x");
  CHECK(error("1  ") == js + "Parsed JSON included non-whitespace trailing characters:  ");
  // picojson's value(double) throws for an infinite number (Mesos 1.1's agent aborts).
  CHECK(error(R"({"id":"x","ip":1,"port":1e999})") == js + "std::overflow_error: a number beyond a double");
  // A double beyond int64 is cast to 0; a negative integer wraps.
  CHECK(model::masterInfoFromJson(R"({"id":"x","ip":1,"port":1e300})")->port == 0);
  CHECK(model::masterInfoFromJson(R"({"id":"x","ip":1,"port":-1})")->port == 4294967295U);
  CHECK(model::masterInfoFromJson(R"({"id":"x","ip":1,"port":99999999999999999999})")->port == 0);
  // Deep nesting and long data: an error or a result, never a crash.
  CHECK(error(std::string(100000, '[')).rfind(js + "syntax error at line 1 near: [", 0) == 0);
  const std::string longId(1 << 20, 'a');
  CHECK(model::masterInfoFromJson("{\"id\":\"" + longId + "\",\"ip\":1,\"port\":1}")->id == longId);
  // What the master writes escapes as picojson's serialize_str does, and reads back.
  model::MasterInfo odd{"a/b\"c\\d\n\x01\x7f", "m@h:1", "h/1", 1};
  const std::string json = model::masterInfoToJson(odd);
  CHECK(json.find(R"("id":"a\/b\"c\\d\n\u0001\u007f")") != std::string::npos);
  CHECK(json.find(R"("hostname":"h\/1")") != std::string::npos);
  CHECK(model::masterInfoFromJson(json).get() == odd);
}

// protobuf 2.6.1's CodedInputStream under MasterInfo::ParseFromString.
TEST_CASE("an info MasterInfo's edge cases read as protobuf 2.6.1 reads them") {
  using namespace std::string_literals;
  const std::string base = "\x0a\x01x\x10\x01\x18\x01"s;  // id "x", ip 1, port 1
  // A nested address whose length runs past the end is limited to the end: it parses.
  CHECK(model::masterInfoFromBinary(base + "\x3a\x10\x18\x05"s).has_value());
  // ... but a string past the end does not.
  CHECK_FALSE(model::masterInfoFromBinary(base + "\x22\x10m@h:1"s).has_value());
  // A field number 0 with a wire type is an unknown field; a zero tag is not an end.
  CHECK(model::masterInfoFromBinary(base + "\x02\x01z"s).has_value());
  CHECK_FALSE(model::masterInfoFromBinary(base + "\x00"s).has_value());
  // A tag of more than 5 bytes keeps its low 32 bits: 2^32 + port's tag.
  auto wide = model::masterInfoFromBinary("\x0a\x01x\x10\x01\x98\x80\x80\x80\x10\x07"s);
  REQUIRE(wide.has_value());
  CHECK(wide->port == 7);
  // A truncated varint, a varint of 11 bytes: false.
  CHECK_FALSE(model::masterInfoFromBinary("\x0a\x01x\x10\x01\x18\x80"s).has_value());
  CHECK_FALSE(model::masterInfoFromBinary(base + "\x48"s + std::string(10, '\x80') + "\x01"s).has_value());
  // Groups nest up to the recursion limit, 100, and no deeper.
  const auto groups = [&](int n) {
    std::string g;
    for (int i = 0; i < n; ++i) g += "\x4b"s;  // field 9, START_GROUP
    for (int i = 0; i < n; ++i) g += "\x4c"s;  // field 9, END_GROUP
    return base + g;
  };
  CHECK(model::masterInfoFromBinary(groups(100)).has_value());
  CHECK_FALSE(model::masterInfoFromBinary(groups(101)).has_value());
  CHECK_FALSE(model::masterInfoFromBinary(base + "\x4b\x54"s).has_value());  // ended by another field's tag
  // The pid as written, for fetched's warning.
  std::string raw;
  CHECK(model::masterInfoFromBinary(base + "\x22\x04junk"s, &raw)->pid == "@0.0.0.0:0");
  CHECK(raw == "junk");
}

TEST_CASE("contender withdraw (C97): false before contend, true right after it, false once the candidacy is lost") {
  ZkCluster c(97, 1, 0, 0);
  c.boot();
  Client a = addClient(c, "contender-1");
  const model::MasterInfo info = contenderInfo();
  auto& contender = spawnContender(c, a, info);
  c.sim.runFor(sim::Seconds(1));
  // 1. withdraw() before contend(): nothing to withdraw.
  a.driver->withdraw(contender);
  c.sim.runFor(sim::Seconds(1));
  CHECK(a.driver->events == std::vector<std::string>{"withdraw:false"});
  // 2. contend(), then withdraw() at once: the candidacy being entered is withdrawn, and
  // contend() is never answered (LeaderContenderProcess::joined leaves its future unset);
  // a second withdraw() gets the first one's answer.
  a.driver->events.clear();
  a.driver->contend(contender);
  a.driver->withdraw(contender);
  c.sim.runFor(sim::Seconds(1));
  CHECK(a.driver->events == std::vector<std::string>{"withdraw:true"});
  a.driver->withdraw(contender);
  c.sim.runFor(sim::Seconds(1));
  CHECK(a.driver->events == std::vector<std::string>{"withdraw:true", "withdraw:true"});
  // ... and the contender never contends again: contend() returns that pending future.
  a.driver->contend(contender);
  c.sim.runFor(sim::Seconds(1));
  CHECK(a.driver->events == std::vector<std::string>{"withdraw:true", "withdraw:true"});
  // 3. A new contender contends and wins; expire the session: the lost-candidacy signal
  // fires; a later withdraw() is false.
  auto& fresh = spawnContender(c, a, info);
  a.driver->events.clear();
  a.driver->contend(fresh);
  c.sim.runFor(sim::Seconds(1));
  REQUIRE(a.driver->events == std::vector<std::string>{"contended"});
  c.server(1)->dispatch("expire", [&c] { (void)c.expireSessionsOf("contender-1"); });
  c.sim.runFor(sim::Seconds(15));
  CHECK(std::find(a.driver->events.begin(), a.driver->events.end(), "lost") != a.driver->events.end());
  a.driver->events.clear();
  a.driver->withdraw(fresh);
  c.sim.runFor(sim::Seconds(1));
  CHECK(a.driver->events == std::vector<std::string>{"withdraw:false"});
}

TEST_CASE("withdraw() of a won candidacy cancels it and ends it: the lost-candidacy signal fires too") {
  // LeaderContenderProcess::cancelled sets `withdrawing` and `watching` alike.
  ZkCluster c(98, 1, 0, 0);
  c.boot();
  Client a = addClient(c, "contender-1");
  const model::MasterInfo info = contenderInfo();
  auto& contender = spawnContender(c, a, info);
  c.sim.runFor(sim::Seconds(1));
  a.driver->contend(contender);
  c.sim.runFor(sim::Seconds(1));
  REQUIRE(a.driver->events == std::vector<std::string>{"contended"});
  a.driver->events.clear();
  a.driver->withdraw(contender);
  c.sim.runFor(sim::Seconds(1));
  CHECK(a.driver->events == std::vector<std::string>{"withdraw:true", "lost"});
}

TEST_CASE("contend() on a contender holding a candidacy replaces it: its lost-candidacy future and a pending withdraw() are discarded") {
  // ZooKeeperMasterContenderProcess::contend deletes the old LeaderContender: finalize()
  // cancels the membership (its `cancelled` continuation never runs) and
  // ~LeaderContenderProcess discards `watching` and `withdrawing`, whose callbacks run
  // with a discarded future (the master's Master::lostCandidacy then aborts).
  ZkCluster c(97, 1, 0, 0);
  c.boot();
  Client a = addClient(c, "contender-1");
  const model::MasterInfo info = contenderInfo();
  auto& contender = spawnContender(c, a, info);
  c.sim.runFor(sim::Seconds(1));
  a.driver->contend(contender);
  c.sim.runFor(sim::Seconds(1));
  REQUIRE(a.driver->events == std::vector<std::string>{"contended"});
  a.driver->events.clear();
  a.driver->withdraw(contender);
  a.driver->contend(contender);
  c.sim.runFor(sim::Seconds(1));
  CHECK(a.driver->events == std::vector<std::string>{"lost:discarded", "withdraw:discarded", "contended"});
  a.driver->events.clear();
  a.driver->contend(contender);
  c.sim.runFor(sim::Seconds(1));
  CHECK(a.driver->events == std::vector<std::string>{"lost:discarded", "contended"});
}

TEST_CASE("a second contend() while the election is pending answers both callers with the same candidacy") {
  // ZooKeeperMasterContenderProcess::contend: "Should not recontend if the last election
  // is still ongoing", return the pending candidacy again.
  ZkCluster c(96, 1, 0, 0);
  c.boot();
  Client a = addClient(c, "contender-1");
  const model::MasterInfo info = contenderInfo();
  auto& contender = spawnContender(c, a, info);
  c.sim.runFor(sim::Seconds(1));
  a.driver->contend(contender);
  a.driver->contend(contender);
  c.sim.runFor(sim::Seconds(1));
  CHECK(a.driver->events == std::vector<std::string>{"contended", "contended"});
  // The group creates its path, then one join: the second contend() joins nothing.
  CHECK(c.find(RecordKind::Send, "zookeeper.CreateRequest", "contender-1").size() == 2);
}

TEST_CASE("ZooKeeperMasterDetector: a leader whose data cannot be parsed fails the waiting detect(), as failPromises") {
  ZkCluster c(11, 1, 0, 0);
  c.boot();
  Client good = addClient(c, "member-1");
  Client bad = addClient(c, "member-2");
  sim::Host& agent = c.sim.addHost("agent-1", 5051);
  auto url = model::parseZooKeeperUrl(fmt::format("zk://{}/mesos", c.ensemble->connectString()));
  REQUIRE(url.isSome());
  auto& detector = model::spawnZooKeeperMasterDetector(agent, url.get());
  auto& requester = c.sim.spawn<Driver>(agent);
  std::vector<model::Detection> seen;
  auto detect = [&](std::optional<model::MasterInfo> previous) {
    requester.dispatch("test", [&, previous] {
      detector.detect(previous, requester, [&](const model::Detection& d) { seen.push_back(d); });
    });
  };
  model::MasterInfo info;
  info.id = "master-id-1";
  info.pid = "master@master-1:5050";
  info.hostname = "master-1";
  good.driver->dispatch("test", [&] { good.driver->join(*good.group, model::masterInfoToJson(info)); });
  c.sim.runFor(sim::Seconds(3));
  bad.driver->dispatch("test", [&] { bad.driver->join(*bad.group, "not json"); });
  c.sim.runFor(sim::Seconds(3));
  detect(std::nullopt);
  c.sim.runFor(sim::Seconds(1));
  REQUIRE(seen.size() == 1);
  REQUIRE(seen[0].kind == model::Detection::Kind::Leader);
  CHECK(seen[0].leader == info);

  detect(info);  // waits while `info` leads
  c.sim.runFor(sim::Seconds(1));
  CHECK(seen.size() == 1);
  // The leader goes; the next one's data is not MasterInfo JSON: the waiting request
  // fails with the parse error (it was answered "no leader" before).
  good.driver->dispatch("test", [&] { good.driver->cancel(*good.group, good.driver->joined.at(0)); });
  c.sim.runFor(sim::Seconds(3));
  REQUIRE(seen.size() == 2);
  CHECK(seen[1].kind == model::Detection::Kind::Failed);
  CHECK_FALSE(seen[1].failure.empty());
  CHECK(detector.leader() == std::nullopt);
  // The detector keeps detecting (the failure is not permanent): a new request sees
  // no leader at once.
  detect(info);
  c.sim.runFor(sim::Seconds(1));
  REQUIRE(seen.size() == 3);
  CHECK(seen[2].kind == model::Detection::Kind::None);
}

TEST_CASE("digest ACLs: a group creates EVERYONE_READ_CREATOR_ALL; another id may read but not join; ZNOAUTH is final") {
  ZkCluster c(9, 1, 0, 0);
  c.boot();
  // /test: only its creator may do anything (NonRetryableFrrors' onlyCreatorCanAccess).
  CHECK(c.ensemble->seed("/test", "42", model::zk::Acl::CREATOR_ALL, "creator:creator") == model::zk::ZOK);
  CHECK(c.ensemble->seed("/x", "", model::zk::Acl::CREATOR_ALL, "") == model::zk::ZINVALIDACL);
  auto addGroup = [&](const std::string& name, const std::string& path, std::optional<std::string> credentials) {
    sim::Host& h = c.sim.addHost(name, 7000);
    auto& group = c.sim.spawn<model::GroupProcess>(h, c.ensemble->connectString(), sim::Seconds(10), path,
                                                   std::move(credentials));
    return Client{&h, &group, &c.sim.spawn<Driver>(h)};
  };
  Client owner = addGroup("client-owner", "/mesos", std::string("member:member"));
  owner.driver->dispatch("test", [&] { owner.driver->join(*owner.group); });
  c.sim.runFor(sim::Seconds(1));
  REQUIRE(owner.driver->joined.size() == 1);
  const auto& mesos = c.ensemble->tree().at("/mesos");
  REQUIRE(mesos.acl.size() == 2);
  CHECK(mesos.acl[0].id == "world:anyone");
  CHECK(mesos.acl[0].perms == model::zk::READ);
  CHECK(mesos.acl[1].id == model::ZooKeeperEnsemble::digestId("member:member"));
  CHECK(st(owner.group->state()) == "READY");

  // A wrong password is another id: the join is refused, and not retried.
  Client wrong = addGroup("client-wrong", "/mesos", std::string("member:wrongpass"));
  wrong.driver->dispatch("test", [&] { wrong.driver->join(*wrong.group); });
  c.sim.runFor(sim::Seconds(10));
  CHECK(wrong.driver->joined.empty());
  REQUIRE(wrong.driver->errors.size() == 1);
  CHECK(wrong.driver->errors[0].find("ZNOAUTH") != std::string::npos);
  // Anyone may read /mesos: a group without credentials sees the owner's membership.
  Client reader = addGroup("client-reader", "/mesos", std::nullopt);
  reader.driver->dispatch("test", [&] {
    reader.group->watch({}, model::Reply<sim::Try<std::set<model::Membership>>>{
                                reader.driver->self(), "test::watched",
                                [&](const sim::Try<std::set<model::Membership>>& m) {
                                  if (m.isSome()) reader.driver->watched.push_back(m.get());
                                }});
  });
  c.sim.runFor(sim::Seconds(1));
  REQUIRE(reader.driver->watched.size() == 1);
  CHECK(reader.driver->watched[0].size() == 1);

  // No one else may read /test: the group aborts and its watch fails.
  Client blind = addGroup("client-blind", "/test", std::nullopt);
  std::vector<std::string> failures;
  blind.driver->dispatch("test", [&] {
    blind.group->watch({}, model::Reply<sim::Try<std::set<model::Membership>>>{
                               blind.driver->self(), "test::watched",
                               [&](const sim::Try<std::set<model::Membership>>& m) {
                                 if (m.isError()) failures.push_back(m.error());
                               }});
  });
  c.sim.runFor(sim::Seconds(10));
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].find("ZNOAUTH") != std::string::npos);

  // GroupProcess::join of an aborted group (`error.isSome()`): the same error, at once.
  blind.driver->dispatch("test", [&] {
    blind.group->join("x", std::nullopt, model::Reply<sim::Try<model::Membership>>{
                                             blind.driver->self(), "test::joined",
                                             [&](const sim::Try<model::Membership>& m) {
                                               if (m.isError()) failures.push_back(m.error());
                                             }});
  });
  c.sim.runFor(sim::Seconds(1));
  REQUIRE(failures.size() == 2);
  CHECK(failures[1] == failures[0]);
}

// GroupProcess::zkBasename: strings::format("%.*d", 10, sequence), after the label.
TEST_CASE("zkBasename writes the sequence as %.*d with 10 digits, a negative one after its sign") {
  CHECK(model::zkBasename(model::Membership{12, std::string("json.info")}) == "json.info_0000000012");
  CHECK(model::zkBasename(model::Membership{-1, std::nullopt}) == "-0000000001");
}
