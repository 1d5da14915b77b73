// The fake MesosContainerizer's destroy, branch by branch (MesosContainerizerProcess::
// destroy and _destroy .. ______destroy, limited, reaped, usage in Mesos 1.1's
// src/slave/containerizer/mesos/containerizer.cpp): the DESTROYING window, which the hold
// site Containerizer::destroy keeps open, and a destroy while fetching or preparing
// (MesosContainerizerDestroyTest.DestroyWhileFetching, DestroyWhilePreparing).
#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/exec/exec.hpp"
#include "model/slave/containerizer/fetcher.hpp"
#include "model/slave/containerizer/mesos/containerizer.hpp"
#include "model/slave/fault_sites.hpp"
#include "sim/fault_site.hpp"
#include "sim/simulation.hpp"

using namespace agentsim;
using model::ContainerConfig;
using model::ContainerTermination;

namespace {

class Caller final : public sim::Process {
 public:
  Caller() : sim::Process(sim::ProcessName::fixed("caller")) {}
};

struct World {
  World() : sim(1), faults(std::make_shared<sim::FaultSites>(sim)) {
    sim.trace().addSink(&trace);
    host = &sim.addHost("agent-1", 5051);
    caller = &sim.spawn<Caller>(*host);
    fetcher = &sim.spawn<model::Fetcher>(*host);
    mesos = &sim.spawn<model::MesosContainerizer>(*host, fetcher);
    mesos->setFaults(faults);
  }
  // The Container records' states, in order.
  std::vector<std::string> states() const {
    std::vector<std::string> out;
    for (const auto& r : trace.records()) {
      if (r.kind == sim::RecordKind::State && r.name == "Container") out.push_back(r.text("state"));
    }
    return out;
  }
  bool logged(std::string_view text) const {
    for (const auto& r : trace.records()) {
      if (r.kind == sim::RecordKind::Log && r.text("message").find(text) != std::string::npos) return true;
    }
    return false;
  }
  void waitFor(const std::string& id, std::optional<ContainerTermination>& out) {
    mesos->wait(id, caller->self(), [&out](const sim::Try<ContainerTermination>& t) { out = *t; });
  }
  sim::Simulation sim;
  std::shared_ptr<sim::FaultSites> faults;
  sim::MemorySink trace;
  sim::Host* host = nullptr;
  Caller* caller = nullptr;
  model::Fetcher* fetcher = nullptr;
  model::MesosContainerizer* mesos = nullptr;
};

ContainerConfig container(std::string id) {
  ContainerConfig c;
  c.container_id = std::move(id);
  c.sandbox = "/var/lib/mesos/slaves/S0/frameworks/F/executors/E/runs/" + c.container_id;
  return c;
}

sim::SiteHold destroyHold(std::string state = {}) {
  sim::SiteHold h;
  h.site = std::string(model::kContainerizerDestroySite);
  h.value = std::move(state);
  h.label = "test";
  return h;
}

}  // namespace

TEST_CASE("DESTROYING: held cleanup keeps the container known; a second destroy, a limitation change nothing") {
  World w;
  w.mesos->launch(container("c1"), w.caller->self(), [](const sim::Try<bool>&) {});
  std::optional<ContainerTermination> ended;
  w.waitFor("c1", ended);
  w.sim.runFor(sim::Seconds(1));
  const sim::SiteHoldId hold = w.faults->hold(destroyHold());
  w.mesos->destroy("c1");
  w.sim.runFor(sim::Seconds(1));
  CHECK(w.states() == std::vector<std::string>{"FETCHING", "PREPARING", "RUNNING", "DESTROYING"});
  CHECK(w.logged("Destroying container c1 in RUNNING state"));
  CHECK_FALSE(ended);                                                 // wait waits
  CHECK(w.mesos->containers() == std::vector<std::string>{"c1"});     // still known
  // A second destroy answers with the same termination: no second DESTROYING.
  w.mesos->destroy("c1");
  // limited() returns for a DESTROYING container (no limitation in the termination).
  w.mesos->dispatch("MesosContainerizerProcess::limited", [&w] { w.mesos->limited(""); });
  // usage() answers for a container it knows (1.1: its isolators' statistics).
  std::optional<std::string> usageError;
  bool usageAnswered = false;
  w.mesos->usage("c1", w.caller->self(), [&](const sim::Try<model::ResourceStatistics>& s) {
    usageAnswered = true;
    if (s.isError()) usageError = s.error();
  });
  w.sim.runFor(sim::Seconds(5));
  CHECK(usageAnswered);
  CHECK_FALSE(usageError);
  CHECK(w.states().size() == 4);
  CHECK_FALSE(ended);
  CHECK(w.faults->release(hold) == 1);
  w.sim.settle();
  REQUIRE(ended);
  CHECK(ended->status == 9);
  CHECK_FALSE(ended->limitation);
  CHECK(w.states().back() == "TERMINATED");
  CHECK(w.mesos->containers().empty());
  // 1.1 forgets a terminated container: destroy calls it unknown.
  w.mesos->destroy("c1");
  w.sim.settle();
  CHECK(w.logged("Attempted to destroy unknown container c1"));
}

TEST_CASE("DESTROYING: the hold's state attribute is the state the destroy found; an exit takes the same path") {
  World w;
  ContainerConfig exits = container("exits");
  exits.run_time = sim::Seconds(5);
  exits.exit_status = 3;
  w.mesos->launch(exits, w.caller->self(), [](const sim::Try<bool>&) {});
  std::optional<ContainerTermination> ended;
  w.waitFor("exits", ended);
  const sim::SiteHoldId preparing = w.faults->hold(destroyHold("PREPARING"));
  w.sim.runFor(sim::Seconds(10));
  // The exit (MesosContainerizerProcess::reaped) destroys it from RUNNING: not held.
  REQUIRE(ended);
  CHECK(ended->status == 3);
  CHECK(w.states() == std::vector<std::string>{"FETCHING", "PREPARING", "RUNNING", "DESTROYING", "TERMINATED"});
  CHECK(w.faults->release(preparing) == 0);

  World h;
  h.faults->hold(destroyHold("RUNNING"));
  h.mesos->launch(exits, h.caller->self(), [](const sim::Try<bool>&) {});
  std::optional<ContainerTermination> held;
  h.waitFor("exits", held);
  h.sim.runFor(sim::Seconds(10));
  CHECK_FALSE(held);
  CHECK(h.states().back() == "DESTROYING");
}

TEST_CASE("DESTROYING: a limitation destroys a running container and its termination carries it") {
  World w;
  ContainerConfig c = container("c1");
  w.mesos->launch(c, w.caller->self(), [](const sim::Try<bool>&) {});
  std::optional<ContainerTermination> ended;
  w.waitFor("c1", ended);
  const sim::SiteHoldId hold = w.faults->hold(destroyHold("RUNNING"));
  w.sim.runFor(sim::Seconds(1));
  w.mesos->dispatch("MesosContainerizerProcess::limited", [&w] { w.mesos->limited(""); });
  w.sim.runFor(sim::Seconds(1));
  CHECK(w.states().back() == "DESTROYING");
  // An agent's destroy meanwhile (the limitation's executorTerminated has not run) changes nothing.
  w.mesos->destroy("c1");
  w.sim.runFor(sim::Seconds(1));
  w.faults->release(hold);
  w.sim.settle();
  REQUIRE(ended);
  CHECK(ended->limitation);
  CHECK(toString(ended->reason) == "REASON_CONTAINER_LIMITATION_MEMORY");
}

TEST_CASE("DestroyWhileFetching: the fetch is killed, the launch fails at once, the wait answers") {
  World w;
  ContainerConfig c = container("c1");
  c.uris = {{"http://repo/big.tar.gz", 1000 * model::kMegabyte, false, true}};  // 10secs
  std::optional<std::string> error;
  w.mesos->launch(c, w.caller->self(), [&](const sim::Try<bool>& r) {
    if (r.isError()) error = r.error();
  });
  std::optional<ContainerTermination> ended;
  w.waitFor("c1", ended);
  w.sim.runFor(sim::Seconds(1));
  w.mesos->destroy("c1");
  w.sim.runFor(sim::Seconds(1));
  CHECK(error == "Failed to fetch all URIs for container 'c1' with exit status: 9");
  REQUIRE(ended);
  CHECK(ended->status == 9);
  // The download's end changes nothing: no PREPARING.
  w.sim.runFor(sim::Seconds(20));
  CHECK(w.states() == std::vector<std::string>{"FETCHING", "DESTROYING", "TERMINATED"});
}

// The reaper (MesosContainerizerProcess::reaped, FakeContainerizer::exited) finds the
// container whose executor exited through an index by pid. A recovered checkpoint may name
// one live pid for two containers: then, as before the index, the first of them in the
// containers' order (by id) is destroyed and the other keeps running; the index, which
// keeps one container a pid, would name the one recovered last.
TEST_CASE("reaped: a pid recovered for two containers destroys the first by id, as the walk did") {
  World w;
  Caller& forked = w.sim.spawnIn<Caller>(*w.host, "forked");
  const std::string pid = forked.self().str();
  std::vector<model::RecoveredContainer> recovered{{"a", pid, "e-a"}, {"b", pid, "e-b"}, {"c", "", "e-c"}};
  bool done = false;
  w.mesos->recover(recovered, w.caller->self(), [&done] { done = true; });
  w.sim.settle();
  REQUIRE(done);
  CHECK(w.mesos->containers() == std::vector<std::string>{"a", "b"});
  w.sim.kill(*w.host, "forked");
  w.sim.runFor(sim::Seconds(1));
  CHECK(w.logged("Destroying container a in RUNNING state"));
  CHECK_FALSE(w.logged("Destroying container b"));
  CHECK(w.mesos->containers() == std::vector<std::string>{"b"});
}

// The index by pid follows each container's executor: a container whose destroy failed
// is forgotten (failDestroy), launched again under its id (its executor has the same
// address), and reaped when that executor exits.
TEST_CASE("reaped: a container forgotten by a failed destroy and launched again is found by its executor") {
  World w;
  ContainerConfig c = container("c1");
  auto withExecutor = [&w, &c] {
    c.executor = std::make_shared<model::ExecutorEnvironment>();
    c.executor->info.executor_id = "e1";
    c.executor->slave = w.caller->self();  // its registration goes nowhere
  };
  withExecutor();
  std::optional<std::string> firstError;
  w.mesos->launch(c, w.caller->self(), [](const sim::Try<bool>&) {});
  w.mesos->wait("c1", w.caller->self(), [&firstError](const sim::Try<ContainerTermination>& t) {
    firstError = t.isError() ? t.error() : std::string();
  });
  w.sim.runFor(sim::Seconds(1));
  CHECK(w.mesos->containers() == std::vector<std::string>{"c1"});
  const sim::SiteHoldId failing =
      w.faults->fire(sim::SiteFire{std::string(model::kContainerizerDestroySite), {1, 1}, "test"});
  w.mesos->destroy("c1");
  w.sim.runFor(sim::Seconds(1));
  w.faults->stopFiring(failing);
  CHECK(w.logged("Failed to destroy container c1"));
  CHECK(firstError ==
        std::optional<std::string>("Failed to clean up an isolator when destroying container: Input/output error"));
  CHECK(w.mesos->containers().empty());
  // Launched again (it was forgotten): its executor has the same address.
  withExecutor();
  std::optional<ContainerTermination> second;
  w.mesos->launch(c, w.caller->self(), [](const sim::Try<bool>&) {});
  w.waitFor("c1", second);
  w.sim.runFor(sim::Seconds(1));
  CHECK(w.mesos->containers() == std::vector<std::string>{"c1"});
  CHECK_FALSE(second);
  w.sim.kill(*w.host, "container c1");
  w.sim.runFor(sim::Seconds(1));
  REQUIRE(second);
  CHECK(second->message == "Executor exited");
  CHECK(w.mesos->containers().empty());
  // Both executors had the one address.
  std::vector<std::string> forked;
  for (const auto& r : w.trace.records()) {
    if (r.kind == sim::RecordKind::Log && r.text("message").rfind("Forked executor e1 as ", 0) == 0) {
      forked.push_back(r.text("message"));
    }
  }
  REQUIRE(forked.size() == 2);
  CHECK(forked[0] == forked[1]);
}
