// Oversubscription in virtual time: the fixed estimator's revocable resources reach the
// master, a framework that asks for them runs a revocable task, and the load QoS
// controller kills exactly the revocable executors once the host's load crosses its
// threshold. And garbage collection under disk pressure.
#include <doctest/doctest.h>

#include <algorithm>

#include "model/master/master.hpp"
#include "model/sched/sched.hpp"
#include "model/slave/gc.hpp"
#include "model/slave/slave.hpp"
#include "tests/model/cluster.hpp"
#include "tests/model/sender.hpp"

using namespace agentsim;
using namespace agentsim::model;

namespace {

TaskLaunch task(std::string id, bool revocable, std::string resources = "cpus:1;mem:128") {
  TaskLaunch t;
  t.at = sim::Seconds(5);
  t.agent = "agent-1";
  t.info.task_id = id;
  t.info.name = id;
  t.info.executor.executor_id = id;
  t.info.resources = std::move(resources);
  if (revocable) t.info.revocable_resources = t.info.resources;
  t.info.steps = {{TaskState::TASK_STARTING, {}, {}}, {TaskState::TASK_RUNNING, {}, {}}};
  return t;
}

struct OversubscribedCluster : testing::Cluster {
  explicit OversubscribedCluster(FrameworkFlags fw, std::string thresholds = "load_threshold_5min=2")
      : testing::Cluster(9, 0) {
    SlaveFlags slave;
    slave.master = "master-1:5050";
    slave.work_dir = "/var/lib/mesos";
    slave.modules = "org_apache_mesos_FixedResourceEstimator,org_apache_mesos_LoadQoSController";
    slave.resource_estimator = "org_apache_mesos_FixedResourceEstimator";
    slave.qos_controller = "org_apache_mesos_LoadQoSController";
    slave.qos_correction_interval_min = sim::Seconds(5);
    AgentOptions options;
    options.module_parameters["org_apache_mesos_FixedResourceEstimator"]["resources"] = "cpus:2;mem:512";
    const auto eq = thresholds.find('=');
    options.module_parameters["org_apache_mesos_LoadQoSController"][thresholds.substr(0, eq)] = thresholds.substr(eq + 1);
    sim::Host& a = sim.addHost("agent-1", 5051);
    a.startup = [slave, options](sim::Host& h) { (void)agentMain(h, slave, options); };
    fw.master = "master-1:5050";
    fw.revocable_resources = true;
    sim::Host& f = sim.addHost("framework-1", 8080);
    f.startup = [fw](sim::Host& h) { (void)frameworkMain(h, fw); };
  }
  std::vector<const sim::Record*> updates(const std::string& taskId) const {
    std::vector<const sim::Record*> out;
    for (const auto* r : find(sim::RecordKind::State, "Scheduler::statusUpdate", "framework-1")) {
      if (r->text("task_id") == taskId) out.push_back(r);
    }
    return out;
  }
};

}  // namespace

TEST_CASE("fixed estimator: the agent sends its revocable total once it is registered and whenever it changes") {
  FrameworkFlags fw;
  fw.tasks.push_back(task("rev", true, "cpus:1;mem:0"));
  OversubscribedCluster c(fw, "load_threshold_5min=100");
  c.boot();
  c.sim.runFor(sim::Minutes(1));
  const auto sent = c.find(sim::RecordKind::Send, "UpdateSlaveMessage", "agent-1");
  REQUIRE(!sent.empty());
  CHECK(sent.front()->text("oversubscribed_resources") == "cpus(*){REV}:2;mem(*){REV}:512");
  // A revocable task holds 1 of the 2 revocable cpus; the total stays 2, so nothing more
  // is sent after registration.
  CHECK(sent.size() == 1);
  REQUIRE(!c.updates("rev").empty());
  CHECK(c.updates("rev").back()->text("state") == "TASK_RUNNING");
}

TEST_CASE("agent restart: a recovered task's revocable resources still count in the revocable total it sends") {
  // The fixed estimator answers its amount less what executors hold of revocable
  // resources, and the agent adds that holding back (_forwardOversubscribed): the total
  // is the fixed amount only if the agent counts the task it recovered from its checkpoint
  // (Slave::recoverTask puts it into `launched` without a launch). Counted only from a
  // launch, the total after the restart would be cpus:1.
  FrameworkFlags fw;
  fw.checkpoint = true;
  fw.tasks.push_back(task("rev", true, "cpus:1;mem:0"));
  OversubscribedCluster c(fw, "load_threshold_5min=100");
  c.boot();
  c.sim.runFor(sim::Seconds(30));
  REQUIRE(!c.updates("rev").empty());
  REQUIRE(c.updates("rev").back()->text("state") == "TASK_RUNNING");
  const sim::Time restarted = c.sim.now();
  sim::Host& agent = *c.sim.host("agent-1");
  c.sim.kill(agent, "");
  agent.startup(agent);
  c.sim.runFor(sim::Minutes(1));
  std::vector<std::string> after;
  for (const auto* r : c.find(sim::RecordKind::Send, "UpdateSlaveMessage", "agent-1")) {
    if (r->at > restarted) after.push_back(r->text("oversubscribed_resources"));
  }
  REQUIRE(!after.empty());
  for (const auto& total : after) CHECK(total == "cpus(*){REV}:2;mem(*){REV}:512");
  CHECK(c.updates("rev").back()->text("state") == "TASK_RUNNING");
}

TEST_CASE("revocable resources only for frameworks that ask, and no more than the estimate") {
  FrameworkFlags fw;
  fw.tasks.push_back(task("big", true, "cpus:3;mem:0"));
  OversubscribedCluster c(fw, "load_threshold_5min=100");
  c.boot();
  c.sim.runFor(sim::Seconds(30));
  REQUIRE(c.updates("big").size() == 1);
  CHECK(c.updates("big")[0]->text("state") == "TASK_LOST");
  CHECK(c.updates("big")[0]->text("reason") == "REASON_INVALID_OFFERS");
}

TEST_CASE("load QoS: once the 5min load passes its threshold, exactly the revocable executor is killed") {
  FrameworkFlags fw;
  fw.tasks.push_back(task("rev", true, "cpus:1;mem:64"));
  fw.tasks.push_back(task("regular", false));
  OversubscribedCluster c(fw);
  c.sim.host("agent-1")->load().set({sim::Time{}, 500, false});
  c.sim.host("agent-1")->load().set({sim::Time{} + sim::Minutes(2), 500, false});
  c.sim.host("agent-1")->load().set({sim::Time{} + sim::Minutes(3), 8000, true});  // ramp to 8 runnable
  c.boot();
  c.sim.runFor(sim::Minutes(8));
  const auto rev = c.updates("rev");
  REQUIRE(!rev.empty());
  CHECK(rev.back()->text("state") == "TASK_LOST");
  CHECK(rev.back()->text("reason") == "REASON_CONTAINER_PREEMPTED");
  CHECK(rev.back()->text("source") == "SOURCE_SLAVE");
  const auto regular = c.updates("regular");
  REQUIRE(!regular.empty());
  CHECK(regular.back()->text("state") == "TASK_RUNNING");
  // The kill came after the load average crossed 2.0, not before.
  CHECK(rev.back()->at > sim::Time{} + sim::Minutes(2));
}

TEST_CASE("GC under disk pressure: a sandbox scheduled for a week goes at the next disk check once usage rises") {
  testing::Cluster c(21, 1);
  c.boot();
  c.sim.runFor(sim::Seconds(5));
  sim::Host& h = *c.sim.host("agent-1");
  h.disk().setCapacity(100 * kGigabyte);
  h.disk().grow("/var/lib/mesos/slaves/s/frameworks/f/executors/e/runs/r/stdout", 10 * kGigabyte);
  GarbageCollector* gc = nullptr;
  for (sim::Process* p : h.processes()) {
    if (p->id() == "agent-garbage-collector(1)") gc = static_cast<GarbageCollector*>(p);
  }
  REQUIRE(gc != nullptr);
  gc->schedule(sim::Weeks(1), "/var/lib/mesos/slaves/s/frameworks/f/executors/e/runs/r");
  c.sim.runFor(sim::Minutes(5));
  CHECK(gc->scheduled().size() == 1);  // 10% used: max age 0.8 weeks, nothing is that old
  h.disk().grow("/ballast", 85 * kGigabyte);  // 95% used: max age 0
  c.sim.runFor(sim::Minutes(1));
  CHECK(gc->scheduled().empty());
  std::vector<const sim::Record*> removed;
  for (const auto* r : c.find(sim::RecordKind::State, "GarbageCollector", "agent-1")) {
    if (r->text("state") == "REMOVED") removed.push_back(r);
  }
  REQUIRE(removed.size() == 1);
  CHECK(removed[0]->text("reason").find("disk usage 95.00%") != std::string::npos);
  CHECK(h.disk().usedBytes() < 86 * kGigabyte);  // the sandbox's 10GB are gone
}

namespace {
// A resource estimator whose answer the test holds and releases (the Mesos test's mock).
class HeldEstimator final : public ResourceEstimator {
 public:
  std::string_view name() const override { return "HeldEstimator"; }
  sim::Try<sim::Nothing> initialize(sim::Host&) override { return sim::Nothing{}; }
  sim::Process* process() const override { return nullptr; }
  void oversubscribable(const UsageCallback&, sim::Process& caller, Answer answer) override {
    ++queries;
    caller_ = &caller;
    held_ = std::move(answer);
  }
  void release(Resources r) {
    auto answer = held_;
    held_ = nullptr;
    caller_->dispatch("test::release", [answer, r] { answer(r); });
  }
  int queries = 0;

 private:
  sim::Process* caller_ = nullptr;
  Answer held_;
};
// An agent (a Slave alone, as main() would build it) whose estimator is a HeldEstimator.
HeldEstimator* spawnAgentWith(testing::Cluster& c) {
  sim::Host& a = c.sim.addHost("agent-1", 5051);
  SlaveFlags flags;
  flags.master = "master-1:5050";
  flags.work_dir = "/var/lib/mesos";
  flags.registration_backoff_factor = sim::Milliseconds(10);
  auto estimator = std::make_unique<HeldEstimator>();
  HeldEstimator* held = estimator.get();
  auto detector = createMasterDetector(a, flags.master);
  REQUIRE(detector.isSome());
  SlaveComponents components;
  components.resourceEstimator = std::move(estimator);
  c.sim.spawn<Slave>(a, flags, **detector, std::move(components));
  return held;
}
}  // namespace

TEST_CASE("conformance C68: the estimate goes out as soon as the estimator answers; no query while one is pending") {
  testing::Cluster c(68, 0);
  c.boot();
  HeldEstimator* held = spawnAgentWith(c);
  c.sim.runFor(sim::Seconds(1));
  REQUIRE(c.slaveState("agent-1") == "RUNNING");
  CHECK(held->queries == 1);
  // No estimate yet: only the update after registration, which carries none (Mesos 1.5+).
  REQUIRE(c.sendTimes("UpdateSlaveMessage", "agent-1").size() == 1);
  CHECK(c.find(sim::RecordKind::Send, "UpdateSlaveMessage", "agent-1")[0]->text("oversubscribed_resources").empty());
  c.sim.runFor(sim::Seconds(15));
  CHECK(held->queries == 1);  // still pending: no second query
  CHECK(c.sendTimes("UpdateSlaveMessage", "agent-1").size() == 1);
  held->release(Resources{1000, 0});
  c.sim.settle();
  const auto sent = c.find(sim::RecordKind::Send, "UpdateSlaveMessage", "agent-1");
  REQUIRE(sent.size() == 2);
  CHECK(sent[1]->at == c.sim.now());
  CHECK(sent[1]->text("oversubscribed_resources") == "cpus(*){REV}:1;mem(*){REV}:0");
  // The next query comes oversubscribed_resources_interval after the answer arrived.
  c.sim.runFor(sim::Seconds(14));
  CHECK(held->queries == 1);
  c.sim.runFor(sim::Seconds(2));
  CHECK(held->queries == 2);
}

TEST_CASE("conformance C70: a smaller estimate leaves only the smaller amount of revocable resources to use") {
  testing::Cluster c(70, 0);
  c.boot();
  HeldEstimator* held = spawnAgentWith(c);
  c.sim.runFor(sim::Seconds(1));
  held->release(Resources{3000, 0});  // first estimate: 3 revocable cpus
  c.sim.runFor(sim::Seconds(15));     // the next query, 15secs after the answer
  REQUIRE(held->queries == 2);
  held->release(Resources{1000, 0});  // the second: 1
  c.sim.runFor(sim::Seconds(1));
  const auto sent = c.find(sim::RecordKind::Send, "UpdateSlaveMessage", "agent-1");
  REQUIRE(sent.size() == 3);  // the first without an estimate, right after registration
  CHECK(sent[2]->text("oversubscribed_resources") == "cpus(*){REV}:1;mem(*){REV}:0");
  // A framework that asks for revocable resources can now use 1 cpu of them, not 2.
  FrameworkFlags fw;
  fw.master = "master-1:5050";
  fw.revocable_resources = true;
  TaskLaunch two = task("two", true, "cpus:2;mem:0");
  TaskLaunch one = task("one", true, "cpus:1;mem:0");
  two.at = one.at = sim::Seconds(20);
  fw.tasks = {two, one};
  sim::Host& f = c.sim.addHost("framework-1", 8080);
  f.startup = [fw](sim::Host& h) { (void)frameworkMain(h, fw); };
  f.startup(f);
  c.sim.runFor(sim::Seconds(10));
  std::map<std::string, std::string> last;
  for (const auto* r : c.find(sim::RecordKind::State, "Scheduler::statusUpdate", "framework-1")) {
    last[r->text("task_id")] = r->text("state") + " " + r->text("reason");
  }
  CHECK(last["two"] == "TASK_LOST REASON_INVALID_OFFERS");
  // The 1-cpu task is launched on the agent (this agent has no containerizer to run it).
  std::vector<std::string> launched;
  for (const auto* r : c.find(sim::RecordKind::Send, "RunTaskMessage", "master-1")) launched.push_back(r->text("task_id"));
  CHECK(launched == std::vector<std::string>{"one"});
}

TEST_CASE("Master::updateSlave finds the agent by the update's SlaveID, whoever sends it; an unknown one's is dropped") {
  // Mesos 1.1 installs the handler with the SlaveID and the resources only: the sender is
  // not checked. A removed or unknown SlaveID is dropped with its own log line.
  FrameworkFlags fw;
  OversubscribedCluster c(fw, "load_threshold_5min=100");
  c.boot();
  c.sim.runFor(sim::Seconds(30));
  const auto registered = c.find(sim::RecordKind::Send, "SlaveRegisteredMessage", "master-1");
  REQUIRE(registered.size() == 1);
  const std::string slaveId = registered[0]->text("slave_id");
  REQUIRE(!slaveId.empty());
  Master* master = nullptr;
  for (sim::Process* p : c.sim.host("master-1")->processes()) {
    if (auto* m = dynamic_cast<Master*>(p)) master = m;
  }
  REQUIRE(master != nullptr);
  sim::Host& h = c.sim.addHost("intruder", 9999);
  auto& sender = c.sim.spawn<testing::Sender>(h);
  UpdateSlaveMessage update;
  update.slave_id = slaveId;
  update.oversubscribed_resources = Resources{3000, 256};
  sender.sendTo(master->self(), update);
  update.slave_id = "no-such-agent";
  sender.sendTo(master->self(), update);
  c.sim.runFor(sim::Seconds(1));
  std::vector<std::string> lines;
  for (const auto* r : c.find(sim::RecordKind::Log, "log", "master-1")) lines.push_back(r->text("message"));
  auto has = [&](const std::string& line) { return std::find(lines.begin(), lines.end(), line) != lines.end(); };
  CHECK(has("Received update of agent " + slaveId + " with total oversubscribed resources cpus(*){REV}:3;mem(*){REV}:256"));
  CHECK(has("Ignoring update of agent with total oversubscribed resources cpus(*){REV}:3;mem(*){REV}:256 on unknown "
            "agent no-such-agent"));
}
