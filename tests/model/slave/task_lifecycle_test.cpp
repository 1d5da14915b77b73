// Tasks end to end in virtual time: a scripted framework launches a command task on an
// agent; the executor registers, runs it, and its updates reach the scheduler through
// the status update manager and the master; acknowledgements flow back.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>

#include "model/messages/task_messages.hpp"
#include "model/sched/sched.hpp"
#include "model/slave/slave.hpp"
#include "tests/model/cluster.hpp"
#include "tests/model/sender.hpp"
#include "tests/model/uuid_texts.hpp"

using namespace agentsim;
using namespace agentsim::model;

namespace {

TaskLaunch commandTask(std::string id, sim::Duration runTime, TaskState end = TaskState::TASK_FINISHED) {
  TaskLaunch t;
  t.at = sim::Seconds(5);
  t.agent = "agent-1";
  t.info.task_id = id;
  t.info.name = id;
  t.info.executor.executor_id = id;
  t.info.executor.command = true;
  t.info.steps = {{TaskState::TASK_STARTING, {}, {}}, {TaskState::TASK_RUNNING, {}, {}}, {end, runTime, {}}};
  return t;
}

struct TaskCluster : testing::Cluster {
  TaskCluster(std::uint64_t seed, FrameworkFlags fw, SlaveFlags slave = {}) : testing::Cluster(seed, 1, slave) {
    fw.master = "master-1:5050";
    sim::Host& f = sim.addHost("framework-1", 8080);
    f.startup = [fw](sim::Host& h) { (void)frameworkMain(h, fw); };
  }
  // Task states the scheduler received for a task, in order.
  std::vector<std::string> received(const std::string& task) const {
    std::vector<std::string> out;
    for (const auto* r : find(sim::RecordKind::State, "Scheduler::statusUpdate", "framework-1")) {
      if (r->text("task_id") == task) out.push_back(r->text("state"));
    }
    return out;
  }
  // A checkpointing framework's command task whose first `dropped` StatusUpdateMessages
  // to `to` are lost; the agent's host crashes at 6 s and restarts at once; then a minute.
  void runRestart(std::string to, int dropped) {
    sim::FaultRule drop;
    drop.action = sim::FaultAction::Drop;
    drop.match.name = "StatusUpdateMessage";
    drop.match.to = std::move(to);
    drop.count = dropped;
    sim.network().addRule(drop);
    boot();
    sim.runFor(sim::Seconds(6));
    sim::Host& agent = *sim.host("agent-1");
    sim.kill(agent, "");
    agent.startup(agent);
    sim.runFor(sim::Minutes(1));
  }
  static FrameworkFlags checkpointing() {
    FrameworkFlags fw;
    fw.checkpoint = true;
    fw.tasks.push_back(commandTask("task-1", sim::Minutes(10)));
    return fw;
  }
  std::vector<std::string> streamStates(const std::string& state) const {
    std::vector<std::string> out;
    for (const auto* r : find(sim::RecordKind::State, "StatusUpdateStream", "agent-1")) {
      if (r->text("state") == state) out.push_back(r->text("uuid"));
    }
    return out;
  }
};

}  // namespace

TEST_CASE("a command task runs: STARTING, RUNNING, FINISHED reach the scheduler once each, all acknowledged") {
  FrameworkFlags fw;
  fw.tasks.push_back(commandTask("task-1", sim::Seconds(30)));
  TaskCluster c(3, fw);
  c.boot();
  c.sim.runFor(sim::Minutes(2));
  CHECK(c.received("task-1") == std::vector<std::string>{"TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"});
  CHECK(c.streamStates("RECEIVED").size() == 3);
  CHECK(c.streamStates("ACKNOWLEDGED").size() == 3);
  CHECK(c.streamStates("CLOSED").size() == 1);
  // The command executor exits once its terminal update is acknowledged.
  CHECK(c.find(sim::RecordKind::State, "Executor", "agent-1").size() == 1);
  CHECK(c.sendTimes("ExitedExecutorMessage").empty());  // not for the command executor
}

TEST_CASE("without acknowledgements the head is re-sent at +10, +30, +70, +150 secs and nothing behind it goes out") {
  FrameworkFlags fw;
  fw.acknowledge.kind = AcknowledgePolicy::Kind::NEVER;
  fw.tasks.push_back(commandTask("task-1", sim::Seconds(1)));
  TaskCluster c(4, fw);
  c.boot();
  c.sim.runFor(sim::Minutes(4));
  std::vector<const sim::Record*> sends;
  for (const auto* r : c.find(sim::RecordKind::Send, "StatusUpdateMessage", "agent-1")) {
    if (r->text("from").rfind("slave(1)", 0) == 0) sends.push_back(r);
  }
  REQUIRE(sends.size() == 5);
  for (const auto* r : sends) CHECK(r->text("state") == "TASK_STARTING");
  const sim::Time first = sends[0]->at;
  CHECK(sends[1]->at - first == sim::Seconds(10));
  CHECK(sends[2]->at - first == sim::Seconds(30));
  CHECK(sends[3]->at - first == sim::Seconds(70));
  CHECK(sends[4]->at - first == sim::Seconds(150));
  // The retry carries the task's latest state (C07).
  CHECK(sends[4]->text("latest_state") == "TASK_FINISHED");
}

TEST_CASE("an executor that never registers: TASK_FAILED / REASON_EXECUTOR_REGISTRATION_TIMEOUT after 1mins") {
  FrameworkFlags fw;
  fw.tasks.push_back(commandTask("task-1", sim::Seconds(30)));
  TaskCluster c(5, fw);
  sim::FaultRule drop;
  drop.action = sim::FaultAction::Drop;
  drop.match.name = "RegisterExecutorMessage";
  c.sim.network().addRule(drop);
  c.boot();
  c.sim.runFor(sim::Minutes(3));
  REQUIRE(c.received("task-1") == std::vector<std::string>{"TASK_FAILED"});
  const auto* r = c.find(sim::RecordKind::State, "Scheduler::statusUpdate", "framework-1").front();
  CHECK(r->text("reason") == "REASON_EXECUTOR_REGISTRATION_TIMEOUT");
  CHECK(r->text("source") == "SOURCE_SLAVE");
  const auto launched = c.find(sim::RecordKind::State, "Slave::Executor", "agent-1").front()->at;
  CHECK(r->at - launched >= sim::Minutes(1));
  CHECK(r->at - launched < sim::Minutes(1) + sim::Seconds(1));
}

TEST_CASE("agent restart: an unacknowledged checkpointed update is recovered and re-sent; the executor reregisters") {
  TaskCluster c(6, TaskCluster::checkpointing());
  c.runRestart("master-1", 1);
  const auto got = c.received("task-1");
  REQUIRE(!got.empty());
  CHECK(got.front() == "TASK_STARTING");
  CHECK(std::find(got.begin(), got.end(), "TASK_RUNNING") != got.end());
  CHECK(!c.streamStates("RECOVERED").empty());
  bool reregistered = false;
  for (const auto* r : c.find(sim::RecordKind::State, "Slave::Executor", "agent-1")) {
    reregistered = reregistered || r->field("reregistered") != nullptr;
  }
  CHECK(reregistered);
  CHECK(c.slaveState("agent-1") == "RUNNING");
}

TEST_CASE("LocalAuthorizer with --acls: a task whose principal may not run as its user gets TASK_ERROR") {
  for (const std::string principal : {"analytics", "intruder"}) {
    CAPTURE(principal);
    testing::Cluster c(8, 0);
    SlaveFlags slave;
    slave.master = "master-1:5050";
    slave.work_dir = "/var/lib/mesos";
    AgentOptions options;
    options.acls.permissive = false;
    ACLs::RunTask allow;
    allow.principals = ACLEntity{ACLEntity::Type::SOME, {"analytics"}};
    allow.users = ACLEntity{ACLEntity::Type::SOME, {"root"}};
    options.acls.run_tasks.push_back(allow);
    sim::Host& a = c.sim.addHost("agent-1", 5051);
    a.startup = [slave, options](sim::Host& h) { (void)agentMain(h, slave, options); };
    FrameworkFlags fw;
    fw.master = "master-1:5050";
    fw.principal = principal;
    fw.tasks.push_back(commandTask("task-1", sim::Seconds(30)));
    sim::Host& f = c.sim.addHost("framework-1", 8080);
    f.startup = [fw](sim::Host& h) { (void)frameworkMain(h, fw); };
    c.boot();
    c.sim.runFor(sim::Seconds(20));
    std::vector<std::string> states;
    std::string reason;
    for (const auto* r : c.find(sim::RecordKind::State, "Scheduler::statusUpdate", "framework-1")) {
      states.push_back(r->text("state"));
      reason = r->text("reason");
    }
    if (principal == "analytics") {
      CHECK(states == std::vector<std::string>{"TASK_STARTING", "TASK_RUNNING"});
    } else {
      CHECK(states == std::vector<std::string>{"TASK_ERROR"});
      CHECK(reason == "REASON_TASK_UNAUTHORIZED");
    }
  }
}

TEST_CASE("a task's URIs are fetched into its sandbox before its executor starts; an unreachable one fails the launch") {
  for (const bool reachable : {true, false}) {
    CAPTURE(reachable);
    FrameworkFlags fw;
    TaskLaunch t = commandTask("task-1", sim::Seconds(30));
    t.info.uris.push_back(CommandURI{"http://repo/app.tar.gz", 100 * kMegabyte, false, reachable});
    fw.tasks.push_back(t);
    TaskCluster c(10, fw);
    c.boot();
    c.sim.runFor(sim::Seconds(20));
    const auto got = c.received("task-1");
    REQUIRE(!got.empty());
    if (reachable) {
      CHECK(got.front() == "TASK_STARTING");
      // 100MB at 100MB/s plus 10ms before the container starts.
      const auto* first = c.find(sim::RecordKind::State, "Scheduler::statusUpdate", "framework-1").front();
      CHECK(first->at > sim::Time{} + sim::Seconds(6));
    } else {
      CHECK(got == std::vector<std::string>{"TASK_FAILED"});
      CHECK(c.find(sim::RecordKind::State, "Scheduler::statusUpdate", "framework-1").front()->text("reason") ==
            "REASON_CONTAINER_LAUNCH_FAILED");
    }
  }
}

TEST_CASE("an executor reregisters with its unacknowledged updates oldest first, as the driver's LinkedHashMap") {
  // TASK_STARTING and TASK_RUNNING are sent at the same instant and never reach the
  // agent; after the agent's restart the executor hands both over on reregistration,
  // and the scheduler must see them in the order sent, whatever their UUIDs (a map by
  // UUID would give the opposite order for about half the seeds).
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    CAPTURE(seed);
    TaskCluster c(seed, TaskCluster::checkpointing());
    c.runRestart("agent-1", 2);  // TASK_STARTING and TASK_RUNNING from the executor
    // The order of first receipts: the head may be re-sent (on reregistration, and again
    // on the master's UpdateFrameworkMessage) before it is acknowledged.
    std::vector<std::string> got;
    for (const std::string& state : c.received("task-1")) {
      if (std::find(got.begin(), got.end(), state) == got.end()) got.push_back(state);
    }
    REQUIRE(got.size() >= 2);
    CHECK(got[0] == "TASK_STARTING");
    CHECK(got[1] == "TASK_RUNNING");
  }
}

TEST_CASE("Slave::___statusUpdate acknowledges an update with its UUID's text as it came, character for character") {
  // The update carries a UUID in lower-case canonical form as 16 bytes (model::Uuid) from
  // hop to hop; any other text (a spoofed or
  // injected update's) must come back in the acknowledgement unchanged.
  FrameworkFlags fw;
  fw.tasks.push_back(commandTask("task-1", sim::Minutes(10)));
  TaskCluster c(5, fw);
  c.boot();
  c.sim.runFor(sim::Seconds(10));
  const auto registered = c.find(sim::RecordKind::Send, "SlaveRegisteredMessage", "master-1");
  REQUIRE(registered.size() == 1);
  const std::string slaveId = registered[0]->text("slave_id");
  const auto run = c.find(sim::RecordKind::Send, "RunTaskMessage", "master-1");
  REQUIRE(run.size() == 1);
  const std::string frameworkId = run[0]->text("framework_id");
  Slave* slave = nullptr;
  for (sim::Process* p : c.sim.host("agent-1")->processes()) {
    if (auto* s = dynamic_cast<Slave*>(p)) slave = s;
  }
  REQUIRE(slave != nullptr);
  sim::Host& h = c.sim.addHost("intruder", 9999);
  auto& sender = c.sim.spawn<testing::Sender>(h);
  std::vector<std::string> uuids = {"0123abcd-4567-89ef-a0b1-c2d3e4f5a6b7"};  // canonical: held as bytes
  uuids.insert(uuids.end(), testing::offFormUuidTexts().begin(), testing::offFormUuidTexts().end());
  for (std::size_t i = 0; i < uuids.size(); ++i) {
    StatusUpdateMessage m;
    m.update.framework_id = frameworkId;
    m.update.slave_id = slaveId;
    m.update.executor_id = "no-such-executor";
    m.update.task_id = "spoofed-" + std::to_string(i);
    m.update.state = TaskState::TASK_RUNNING;
    m.update.source = TaskStatusSource::SOURCE_EXECUTOR;
    m.update.uuid = uuids[i];
    m.update.timestamp = c.sim.now();
    m.pid = sender.self();
    sender.sendTo(slave->self(), m);
  }
  c.sim.runFor(sim::Seconds(1));
  std::vector<std::string> acked(uuids.size());
  for (const auto* r : c.find(sim::RecordKind::Send, "StatusUpdateAcknowledgementMessage", "agent-1")) {
    if (r->text("to") != sender.self().str()) continue;
    const std::string task = r->text("task_id");
    REQUIRE(task.rfind("spoofed-", 0) == 0);
    const std::size_t i = std::stoul(task.substr(8));
    REQUIRE(i < uuids.size());
    CHECK(acked[i].empty());  // one acknowledgement each
    acked[i] = r->text("uuid");
  }
  for (std::size_t i = 0; i < uuids.size(); ++i) {
    CAPTURE(i);
    CHECK(acked[i] == uuids[i]);
  }
  // Every later hop carries the same text (model::Uuid: 16 bytes for the canonical one, the
  // text as it came for the others): the manager's forward to the master, the master's to
  // the scheduler, what the scheduler sees, its acknowledgement and the master's to the agent.
  c.sim.runFor(sim::Seconds(5));
  auto index = [&uuids](const sim::Record* r) {
    const std::string task = r->text("task_id");
    REQUIRE(task.rfind("spoofed-", 0) == 0);
    const std::size_t i = std::stoul(task.substr(8));
    REQUIRE(i < uuids.size());
    return i;
  };
  auto spoofed = [](const sim::Record* r) { return r->text("task_id").rfind("spoofed-", 0) == 0; };
  std::vector<int> forwarded(uuids.size()), toScheduler(uuids.size()), seen(uuids.size());
  for (const auto* r : c.find(sim::RecordKind::Send, "StatusUpdateMessage", "agent-1")) {
    if (!spoofed(r)) continue;
    const std::size_t i = index(r);
    CHECK(r->text("uuid") == uuids[i]);
    ++forwarded[i];
  }
  for (const auto* r : c.find(sim::RecordKind::Send, "StatusUpdateMessage", "master-1")) {
    if (!spoofed(r)) continue;
    const std::size_t i = index(r);
    CHECK(r->text("uuid") == uuids[i]);
    ++toScheduler[i];
  }
  for (const auto* r : c.find(sim::RecordKind::State, "Scheduler::statusUpdate", "framework-1")) {
    if (!spoofed(r)) continue;
    const std::size_t i = index(r);
    CHECK(r->text("uuid") == uuids[i]);
    ++seen[i];
  }
  int acksBack = 0;
  for (const std::string host : {"framework-1", "master-1"}) {
    for (const auto* r : c.find(sim::RecordKind::Send, "StatusUpdateAcknowledgementMessage", host)) {
      if (!spoofed(r)) continue;
      CHECK(r->text("uuid") == uuids[index(r)]);
      ++acksBack;
    }
  }
  for (std::size_t i = 0; i < uuids.size(); ++i) {
    CAPTURE(i);
    CHECK(forwarded[i] >= 1);
    CHECK(toScheduler[i] >= 1);
    CHECK(seen[i] >= 1);
  }
  CHECK(acksBack >= 2);  // at least the canonical UUID's, from the scheduler and the master
  // The master passes an ACKNOWLEDGE on to the agent exactly when its uuid reads as a UUID
  // (Master::receive's UUID::fromBytes; isUuid in model/master/master.cpp): any case of hex,
  // the nil UUID's text too, held as 16 bytes or as text alike.
  auto readsAsUuid = [](const std::string& t) {
    if (t.size() != 36) return false;
    for (std::size_t k = 0; k < t.size(); ++k) {
      const bool dash = k == 8 || k == 13 || k == 18 || k == 23;
      if (dash ? t[k] != '-' : std::isxdigit(static_cast<unsigned char>(t[k])) == 0) return false;
    }
    return true;
  };
  std::vector<int> fromScheduler(uuids.size()), toAgent(uuids.size());
  for (const auto* r : c.find(sim::RecordKind::Send, "StatusUpdateAcknowledgementMessage", "framework-1")) {
    if (spoofed(r)) ++fromScheduler[index(r)];
  }
  for (const auto* r : c.find(sim::RecordKind::Send, "StatusUpdateAcknowledgementMessage", "master-1")) {
    if (spoofed(r)) ++toAgent[index(r)];
  }
  int passed = 0;
  for (std::size_t i = 0; i < uuids.size(); ++i) {
    CAPTURE(i);
    REQUIRE(fromScheduler[i] >= 1);  // the scheduler acknowledges every update with a uuid
    CHECK((toAgent[i] >= 1) == readsAsUuid(uuids[i]));
    if (toAgent[i] >= 1) ++passed;
  }
  CHECK(passed == 4);  // canonical, upper case, mixed case, nil
}

TEST_CASE("Slave::forward stamps the record of the executor that holds the task, named in the update or not") {
  // Framework::getExecutor(taskId), as Slave::forward asks it: the update's named executor
  // when it has the task launched (searched once there), else any executor of the
  // framework that holds it (also when the named executor exists but holds other tasks
  // only); the forwarded update then carries the agent's latest state of the task. A
  // task no executor holds is forwarded without one.
  FrameworkFlags fw;
  fw.tasks.push_back(commandTask("task-1", sim::Minutes(10)));
  fw.tasks.push_back(commandTask("task-2", sim::Minutes(10)));
  TaskCluster c(7, fw);
  c.boot();
  c.sim.runFor(sim::Seconds(10));
  REQUIRE(c.received("task-1") == std::vector<std::string>{"TASK_STARTING", "TASK_RUNNING"});
  REQUIRE(c.received("task-2") == std::vector<std::string>{"TASK_STARTING", "TASK_RUNNING"});
  const auto registered = c.find(sim::RecordKind::Send, "SlaveRegisteredMessage", "master-1");
  REQUIRE(registered.size() == 1);
  const auto run = c.find(sim::RecordKind::Send, "RunTaskMessage", "master-1");
  REQUIRE(run.size() == 2);
  Slave* slave = nullptr;
  for (sim::Process* p : c.sim.host("agent-1")->processes()) {
    if (auto* s = dynamic_cast<Slave*>(p)) slave = s;
  }
  REQUIRE(slave != nullptr);
  sim::Host& h = c.sim.addHost("intruder", 9999);
  auto& sender = c.sim.spawn<testing::Sender>(h);
  struct Case {
    std::string executor, task, uuid, latest;
  };
  const std::vector<Case> cases = {
      {"task-1", "task-1", "00000000-0000-4000-8000-00000000000a", "TASK_RUNNING"},            // named: it has it
      {"no-such-executor", "task-1", "00000000-0000-4000-8000-00000000000b", "TASK_RUNNING"},  // found by the walk
      {"task-1", "ghost", "00000000-0000-4000-8000-00000000000c", ""},                         // nobody holds it
      // The named executor exists but holds another task: the walk finds task-2's own.
      {"task-1", "task-2", "00000000-0000-4000-8000-00000000000d", "TASK_RUNNING"},
  };
  for (const Case& k : cases) {
    StatusUpdateMessage m;
    m.update.framework_id = run[0]->text("framework_id");
    m.update.slave_id = registered[0]->text("slave_id");
    m.update.executor_id = k.executor;
    m.update.task_id = k.task;
    m.update.state = TaskState::TASK_RUNNING;
    m.update.source = TaskStatusSource::SOURCE_EXECUTOR;
    m.update.uuid = k.uuid;
    m.update.timestamp = c.sim.now();
    m.pid = sender.self();
    sender.sendTo(slave->self(), m);
  }
  c.sim.runFor(sim::Seconds(5));
  for (const Case& k : cases) {
    CAPTURE(k.executor);
    CAPTURE(k.task);
    int forwarded = 0;
    for (const auto* r : c.find(sim::RecordKind::Send, "StatusUpdateMessage", "agent-1")) {
      if (r->text("uuid") != k.uuid) continue;
      ++forwarded;
      CHECK(r->text("task_id") == k.task);
      CHECK(r->text("latest_state") == k.latest);
    }
    CHECK(forwarded >= 1);
  }
}
