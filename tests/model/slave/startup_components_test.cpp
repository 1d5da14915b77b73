// The components main() builds, each alone in virtual time: Fetcher (cache), fake
// containers (MesosContainerizer, DockerContainerizer), ComposingContainerizer's
// choice, GarbageCollector, Files, ModuleManager and HookManager, the noop estimator
// and QoS controller, and the flag types they read.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "model/slave/containerizer/composing.hpp"
#include "model/slave/containerizer/docker.hpp"
#include "model/slave/containerizer/fetcher.hpp"
#include "model/files/files.hpp"
#include "model/common/flags.hpp"
#include "model/slave/gc.hpp"
#include "model/hook/manager.hpp"
#include "model/slave/containerizer/mesos/containerizer.hpp"
#include "model/module/manager.hpp"
#include "model/slave/qos_controller.hpp"
#include "model/slave/resource_estimator.hpp"
#include "sim/simulation.hpp"

using namespace agentsim;
using model::ContainerConfig;
using model::ContainerType;

namespace {

// A process that answers come back to.
class Caller final : public sim::Process {
 public:
  Caller() : sim::Process(sim::ProcessName::fixed("caller")) {}
};

struct World {
  World() : sim(1) {
    sim.trace().addSink(&trace);
    host = &sim.addHost("agent-1", 5051);
    caller = &sim.spawn<Caller>(*host);
  }
  sim::Simulation sim;
  sim::MemorySink trace;
  sim::Host* host = nullptr;
  Caller* caller = nullptr;
};

ContainerConfig container(std::string id, ContainerType type = ContainerType::NONE) {
  ContainerConfig c;
  c.container_id = std::move(id);
  c.type = type;
  c.sandbox = "/var/lib/mesos/slaves/S0/frameworks/F/executors/E/runs/" + c.container_id;
  return c;
}

}  // namespace

TEST_CASE("flag types: Mesos's double and Bytes, held exactly") {
  CHECK(model::parseDecimal("0.1")->millionths == 100'000);
  CHECK(model::format(*model::parseDecimal("1.50")) == "1.5");
  CHECK(model::format(*model::parseDecimal("-0.25")) == "-0.25");
  CHECK(model::format(*model::parseDecimal("1")) == "1");
  CHECK(model::parseDecimal("0.1234567").isError());
  CHECK(model::parseDecimal("soon").isError());
  CHECK(model::parseDecimal("").isError());
  CHECK(model::parseBytes("2GB")->bytes == 2 * model::kGigabyte);
  CHECK(model::format(*model::parseBytes("1536MB")) == "1536MB");
  CHECK(model::format(model::Bytes{2048}) == "2KB");
  CHECK(model::parseBytes("1.5GB").error() == "Fractional bytes '1.5GB'");
  CHECK(model::parseBytes("10XB").isError());
  // The whole 64-bit range, exactly: docs/limits.md allows 2^64 - 1 bytes.
  CHECK(model::parseBytes("18446744073709551615B")->bytes == UINT64_MAX);
  CHECK(model::parseBytes("18446744073709551616B").isError());
  CHECK(model::parseBytes("18446744073709551610B")->bytes == UINT64_MAX - 5);
  auto& table = model::slaveFlagTable();
  model::SlaveFlags f;
  CHECK(!table.set(f, "gc_disk_headroom", "1.5").isError());  // range checked by Slave::initialize
  CHECK(table.set(f, "gc_disk_headroom", "x").isError());
  CHECK(!table.set(f, "registration_backoff_factor", "2mins").isError());
  CHECK(table.set(f, "registration_backoff_factor", "-1secs").isError());
  CHECK(!table.set(f, "systemd_enable_support", "false").isError());
  CHECK_FALSE(f.systemd_enable_support);
}

TEST_CASE("fetcher: download time grows with size; the cache hits, misses and evicts least recently used") {
  World w;
  model::Fetcher& fetcher = w.sim.spawn<model::Fetcher>(*w.host, model::Bytes{250 * model::kMegabyte}, "/tmp/cache");
  std::vector<sim::Time> done;
  auto fetch = [&](std::vector<model::CommandURI> uris) {
    fetcher.fetch("c", std::move(uris), "/sandbox", w.caller->self(),
                  [&](const sim::Try<sim::Nothing>& r) {
                    CHECK(!r.isError());
                    done.push_back(w.sim.now());
                  });
    w.sim.runFor(sim::Minutes(1));
  };
  CHECK(model::Fetcher::downloadTime(100 * model::kMegabyte) == sim::Milliseconds(10) + sim::Seconds(1));

  fetch({{"http://repo/a.tar.gz", 100 * model::kMegabyte, true, true}});
  CHECK(fetcher.cacheMisses() == 1);
  CHECK(done.back() == sim::Time{} + sim::Milliseconds(1010));
  CHECK(w.host->disk().exists("/sandbox/a.tar.gz"));

  const sim::Time before = w.sim.now();
  fetch({{"http://repo/a.tar.gz", 100 * model::kMegabyte, true, true}});
  CHECK(fetcher.cacheHits() == 1);
  CHECK(done.back() - before == model::kCacheCopyLatency);

  // b fits beside a (200MB of 250MB); c (100MB) evicts the least recently used: a.
  fetch({{"http://repo/b.tar.gz", 100 * model::kMegabyte, true, true}});
  fetch({{"http://repo/a.tar.gz", 100 * model::kMegabyte, true, true}});  // a used again: b is now the LRU
  fetch({{"http://repo/c.tar.gz", 100 * model::kMegabyte, true, true}});
  CHECK(fetcher.cached() == std::vector<std::string>{"http://repo/a.tar.gz", "http://repo/c.tar.gz"});
  CHECK(fetcher.cacheBytes() == 200 * model::kMegabyte);

  // Larger than the whole cache: fetched straight into the sandbox.
  fetch({{"http://repo/huge.img", 300 * model::kMegabyte, true, true}});
  CHECK(fetcher.cached().size() == 2);
  // Not cached at all: every fetch downloads.
  const auto misses = fetcher.cacheMisses();
  fetch({{"http://repo/plain", 0, false, true}});
  CHECK(fetcher.cacheMisses() == misses);
}

TEST_CASE("fetcher: URIs one after another; an unreachable one fails the fetch with Mesos's message") {
  World w;
  model::Fetcher& fetcher = w.sim.spawn<model::Fetcher>(*w.host);
  std::optional<std::string> error;
  sim::Time at;
  fetcher.fetch("c1", {{"http://a/x", 0, false, true}, {"http://down/y", 0, false, false}, {"http://a/z", 0, false, true}},
                "/sb", w.caller->self(), [&](const sim::Try<sim::Nothing>& r) {
                  at = w.sim.now();
                  if (r.isError()) error = r.error();
                });
  w.sim.runFor(sim::Seconds(10));
  REQUIRE(error);
  CHECK(*error == "Failed to fetch all URIs for container 'c1' with exit status: 256");
  CHECK(at == sim::Time{} + model::kFetchLatency);  // after x, before z
  CHECK(w.host->disk().exists("/sb/x"));
  CHECK_FALSE(w.host->disk().exists("/sb/z"));
}

TEST_CASE("a container: fetch, launch latency, run time, exit status; wait answers once it ends") {
  World w;
  model::Fetcher& fetcher = w.sim.spawn<model::Fetcher>(*w.host);
  model::MesosContainerizer& mesos = w.sim.spawn<model::MesosContainerizer>(*w.host, &fetcher);
  ContainerConfig c = container("c1");
  c.uris = {{"http://repo/app", 0, false, true}};
  c.run_time = sim::Seconds(30);
  c.exit_status = 3;
  std::optional<bool> launched;
  sim::Time launchedAt;
  std::optional<model::ContainerTermination> ended;
  sim::Time endedAt;
  mesos.launch(c, w.caller->self(), [&](const sim::Try<bool>& r) {
    launched = *r;
    launchedAt = w.sim.now();
  });
  mesos.wait("c1", w.caller->self(), [&](const sim::Try<model::ContainerTermination>& t) {
    ended = *t;
    endedAt = w.sim.now();
  });
  w.sim.runFor(sim::Seconds(5));
  REQUIRE(launched);
  CHECK(*launched);
  CHECK(launchedAt == sim::Time{} + model::kFetchLatency + model::kMesosContainerizerLaunchLatency);
  CHECK(mesos.containers() == std::vector<std::string>{"c1"});

  std::optional<model::ResourceStatistics> usage;
  mesos.usage("c1", w.caller->self(), [&](const sim::Try<model::ResourceStatistics>& s) { usage = *s; });
  w.sim.runFor(sim::Seconds(1));
  REQUIRE(usage);
  CHECK(usage->mem_rss_bytes == 128 * model::kMegabyte);
  CHECK(usage->cpus_user_time == usage->timestamp - launchedAt);  // 1 cpu, busy all the time

  w.sim.runFor(sim::Minutes(1));
  REQUIRE(ended);
  CHECK(ended->status == 3);
  CHECK(endedAt == launchedAt + sim::Seconds(30));
  CHECK(mesos.containers().empty());
  // wait after the end answers at once with the same termination.
  std::optional<int> status;
  mesos.wait("c1", w.caller->self(), [&](const sim::Try<model::ContainerTermination>& t) { status = t->status; });
  w.sim.settle();
  CHECK(status == 3);
}

TEST_CASE("a container: destroy kills it, OOM ends it with its reason, an unknown one is an error") {
  World w;
  model::MesosContainerizer& mesos = w.sim.spawn<model::MesosContainerizer>(*w.host, nullptr);
  ContainerConfig oom = container("oom");
  oom.run_time = sim::Seconds(2);
  oom.oom = true;
  std::vector<model::ContainerTermination> ends;
  auto collect = [&](const sim::Try<model::ContainerTermination>& t) { ends.push_back(*t); };
  mesos.launch(container("long"), w.caller->self(), [](const sim::Try<bool>&) {});
  mesos.launch(oom, w.caller->self(), [](const sim::Try<bool>&) {});
  mesos.wait("long", w.caller->self(), collect);
  mesos.wait("oom", w.caller->self(), collect);
  w.sim.runFor(sim::Seconds(5));
  REQUIRE(ends.size() == 1);
  CHECK(toString(ends[0].reason) == "REASON_CONTAINER_LIMITATION_MEMORY");
  mesos.destroy("long");
  w.sim.runFor(sim::Seconds(1));
  REQUIRE(ends.size() == 2);
  CHECK(ends[1].status == 9);
  CHECK(ends[1].message == "Container destroyed");

  std::optional<std::string> error;
  mesos.wait("nope", w.caller->self(), [&](const sim::Try<model::ContainerTermination>& t) { error = t.error(); });
  mesos.launch(container("long"), w.caller->self(), [&](const sim::Try<bool>& r) {
    if (r.isError()) error = r.error();
  });
  w.sim.runFor(sim::Seconds(1));
  CHECK(error == "Container 'long' already started");
}

TEST_CASE("a container destroyed while it is being prepared waits for the preparation, then fails its launch") {
  // MesosContainerizerDestroyTest.DestroyWhilePreparing: the wait is pending until the
  // isolators' prepare completes; the termination has no status (nothing was forked).
  World w;
  model::MesosContainerizer& mesos = w.sim.spawn<model::MesosContainerizer>(*w.host, nullptr);
  ContainerConfig slow = container("slow");
  slow.launch_latency = sim::Seconds(10);
  std::optional<std::string> error;
  sim::Time failedAt;
  mesos.launch(slow, w.caller->self(), [&](const sim::Try<bool>& r) {
    if (r.isError()) error = r.error();
    failedAt = w.sim.now();
  });
  std::optional<model::ContainerTermination> ended;
  mesos.wait("slow", w.caller->self(), [&](const sim::Try<model::ContainerTermination>& t) { ended = *t; });
  w.sim.runFor(sim::Seconds(1));
  mesos.destroy("slow");
  w.sim.runFor(sim::Seconds(1));
  CHECK_FALSE(error);
  CHECK_FALSE(ended);
  CHECK(mesos.containers() == std::vector<std::string>{"slow"});  // DESTROYING: still known
  w.sim.runFor(sim::Seconds(10));
  CHECK(error == "Container is being destroyed during preparing");
  CHECK(failedAt == sim::Time{} + sim::Seconds(10));
  REQUIRE(ended);
  CHECK_FALSE(ended->status);
  CHECK(mesos.containers().empty());
}

TEST_CASE("composing containerizer: docker first (std::set order); each takes the containers it supports") {
  World w;
  model::Fetcher& fetcher = w.sim.spawn<model::Fetcher>(*w.host);
  model::DockerContainerizer& docker = w.sim.spawn<model::DockerContainerizer>(*w.host, &fetcher);
  model::MesosContainerizer& mesos = w.sim.spawn<model::MesosContainerizer>(*w.host, &fetcher);
  model::ComposingContainerizer& composing =
      w.sim.spawn<model::ComposingContainerizer>(*w.host, std::vector<model::Containerizer*>{&docker, &mesos});
  CHECK(composing.id() == "composing-containerizer(1)");
  std::vector<std::string> launched;
  for (auto [id, type] : {std::pair{"d", ContainerType::DOCKER}, std::pair{"m", ContainerType::MESOS},
                          std::pair{"n", ContainerType::NONE}}) {
    composing.launch(container(id, type), w.caller->self(), [&launched, id = std::string(id)](const sim::Try<bool>& r) {
      if (!r.isError() && *r) launched.push_back(id);
    });
  }
  w.sim.runFor(sim::Seconds(5));
  CHECK(launched == std::vector<std::string>{"m", "n", "d"});  // docker's launch latency is longer
  CHECK(composing.owner("d") == "docker-containerizer(1)");
  CHECK(composing.owner("m") == "mesos-containerizer(1)");
  CHECK(composing.owner("n") == "mesos-containerizer(1)");
  CHECK(composing.containers() == std::vector<std::string>{"d", "m", "n"});
  // Docker declined MESOS and NONE: the trace says so.
  int declined = 0;
  for (const auto& r : w.trace.records()) {
    if (r.kind == sim::RecordKind::Log && r.process == "docker-containerizer(1)" &&
        r.text("message").find("does not run containers of type") != std::string::npos) {
      ++declined;
    }
  }
  CHECK(declined == 2);

  std::optional<int> status;
  composing.wait("d", w.caller->self(), [&](const sim::Try<model::ContainerTermination>& t) { status = t->status; });
  composing.destroy("d");
  w.sim.runFor(sim::Seconds(1));
  CHECK(status == 9);
  CHECK(docker.containers().empty());

  // Only the mesos containerizer, asked for a DOCKER container: nobody takes it.
  model::ComposingContainerizer& mesosOnly =
      w.sim.spawn<model::ComposingContainerizer>(*w.host, std::vector<model::Containerizer*>{&mesos});
  std::optional<bool> took;
  mesosOnly.launch(container("x", ContainerType::DOCKER), w.caller->self(), [&](const sim::Try<bool>& r) { took = *r; });
  w.sim.runFor(sim::Seconds(1));
  CHECK(took == false);
}

TEST_CASE("garbage collector: schedule removes at its time, unschedule cancels, prune removes early") {
  World w;
  model::GarbageCollector& gc = w.sim.spawn<model::GarbageCollector>(*w.host);
  CHECK(gc.id() == "agent-garbage-collector(1)");
  sim::Disk& disk = w.host->disk();
  for (const char* p : {"/w/a/stdout", "/w/b/stdout", "/w/c/stdout"}) (void)disk.write(p, "x");
  gc.schedule(sim::Hours(1), "/w/a");
  gc.schedule(sim::Hours(2), "/w/b");
  gc.schedule(sim::Days(3), "/w/c");
  gc.unschedule("/w/b");
  w.sim.runFor(sim::Minutes(59));
  CHECK(disk.exists("/w/a/stdout"));
  w.sim.runFor(sim::Minutes(2));
  CHECK_FALSE(disk.exists("/w/a/stdout"));
  w.sim.runFor(sim::Hours(3));
  CHECK(disk.exists("/w/b/stdout"));  // unscheduled
  CHECK(gc.scheduled().size() == 1);
  gc.prune(sim::Days(3));
  w.sim.settle();
  CHECK_FALSE(disk.exists("/w/c/stdout"));
  CHECK(gc.scheduled().empty());
}

// GarbageCollectorProcess::schedule of a path already scheduled unschedules it first (a
// log line, and only the later time counts); a path new to the collector is not
// unscheduled, and its entry, made before its time is known, disturbs no other path's
// removal (one scheduled at time 0 is the first, as a new entry's zero values would be).
// No future is asked for here, so the collector finds or makes the entry in one look-up.
TEST_CASE("garbage collector: a path scheduled again is unscheduled first; a new path leaves the others due") {
  World w;
  model::GarbageCollector& gc = w.sim.spawn<model::GarbageCollector>(*w.host);
  sim::Disk& disk = w.host->disk();
  for (const char* p : {"/r/1/stdout", "/r/2/stdout", "/r/3/stdout"}) (void)disk.write(p, "x");
  auto logged = [&w](std::string_view text) {
    int n = 0;
    for (const auto& r : w.trace.records()) {
      if (r.kind == sim::RecordKind::Log && r.text("message") == text) ++n;
    }
    return n;
  };
  gc.schedule(sim::Seconds(0), "/r/1");
  gc.schedule(sim::Seconds(5), "/r/2");
  gc.schedule(sim::Seconds(10), "/r/2");
  gc.schedule(sim::Seconds(3), "/r/3");
  w.sim.settle();
  CHECK_FALSE(disk.exists("/r/1/stdout"));
  CHECK(logged("Unscheduling '/r/2' from gc") == 1);
  CHECK(logged("Unscheduling '/r/1' from gc") == 0);
  CHECK(logged("Unscheduling '/r/3' from gc") == 0);
  CHECK(gc.scheduled().size() == 2);
  w.sim.runFor(sim::Seconds(4));
  CHECK_FALSE(disk.exists("/r/3/stdout"));
  w.sim.runFor(sim::Seconds(2));
  CHECK(disk.exists("/r/2/stdout"));  // its first time was unscheduled
  w.sim.runFor(sim::Seconds(5));
  CHECK_FALSE(disk.exists("/r/2/stdout"));
  CHECK(gc.scheduled().empty());
}

TEST_CASE("garbage collector (conformance C76 and C78): each path at its own time and a negative delay at once; prune(d) takes what is due within d") {
  World w;
  model::GarbageCollector& gc = w.sim.spawn<model::GarbageCollector>(*w.host);
  sim::Disk& disk = w.host->disk();
  for (const char* p : {"/f/1", "/f/2", "/f/3", "/f/4"}) (void)disk.write(p, "x");
  // C76 (GarbageCollectorTest.Schedule).
  gc.schedule(sim::Seconds(10), "/f/1");
  gc.schedule(sim::Seconds(10), "/f/2");
  gc.schedule(sim::Seconds(15), "/f/3");
  gc.schedule(sim::Seconds(-15), "/f/4");
  w.sim.settle();
  CHECK_FALSE(disk.exists("/f/4"));
  CHECK(gc.scheduled().size() == 3);
  w.sim.runFor(sim::Seconds(10));
  CHECK_FALSE(disk.exists("/f/1"));
  CHECK_FALSE(disk.exists("/f/2"));
  CHECK(disk.exists("/f/3"));
  w.sim.runFor(sim::Seconds(5));
  CHECK_FALSE(disk.exists("/f/3"));
  // C78 (GarbageCollectorTest.Prune): prune without the clock moving.
  for (const char* p : {"/g/1", "/g/2", "/g/3", "/g/4"}) (void)disk.write(p, "x");
  gc.schedule(sim::Seconds(10), "/g/1");
  gc.schedule(sim::Seconds(10), "/g/2");
  gc.schedule(sim::Seconds(15), "/g/3");
  gc.schedule(sim::Seconds(15), "/g/4");
  gc.unschedule("/g/3");
  gc.prune(sim::Seconds(10));
  w.sim.settle();
  CHECK_FALSE(disk.exists("/g/1"));
  CHECK_FALSE(disk.exists("/g/2"));
  CHECK(disk.exists("/g/4"));
  gc.prune(sim::Seconds(15));
  w.sim.settle();
  CHECK_FALSE(disk.exists("/g/4"));
  w.sim.runFor(sim::Minutes(1));
  CHECK(disk.exists("/g/3"));  // unscheduled: never removed
}

TEST_CASE("garbage collector: paths due together go in the order they were scheduled, as Mesos's Multimap<Timeout, PathInfo>") {
  World w;
  model::GarbageCollector& gc = w.sim.spawn<model::GarbageCollector>(*w.host);
  std::vector<std::string> removed;
  auto note = [&removed](std::string path) { return [&removed, path](const model::GarbageCollector::Outcome& o) { if (o.removed()) removed.push_back(path); }; };
  // As Slave::removeExecutor and removeFramework schedule them: run, executor, framework.
  gc.schedule(sim::Seconds(10), "/w/f/e/runs/r", note("/w/f/e/runs/r"));
  gc.schedule(sim::Seconds(10), "/w/f/e", note("/w/f/e"));
  gc.schedule(sim::Seconds(10), "/w/f", note("/w/f"));
  gc.schedule(sim::Seconds(5), "/w/z", note("/w/z"));  // scheduled last, due first
  w.sim.runFor(sim::Seconds(11));
  CHECK(removed == std::vector<std::string>{"/w/z", "/w/f/e/runs/r", "/w/f/e", "/w/f"});
  // Scheduling a path again puts it last among the paths due with it; prune keeps the order.
  removed.clear();
  gc.schedule(sim::Seconds(10), "/p/1", note("/p/1"));
  gc.schedule(sim::Seconds(10), "/p/2", note("/p/2"));
  gc.schedule(sim::Seconds(10), "/p/1", note("/p/1"));
  gc.prune(sim::Seconds(10));
  w.sim.settle();
  CHECK(removed == std::vector<std::string>{"/p/2", "/p/1"});
}

TEST_CASE("garbage collector timer (GarbageCollectorProcess::schedule/unschedule/reset): moved only for a sooner removal, left by an unschedule") {
  World w;
  model::GarbageCollector& gc = w.sim.spawn<model::GarbageCollector>(*w.host);
  // The collector's queued timer events, by time.
  auto timers = [&w] {
    std::vector<std::int64_t> at;
    for (const auto& e : w.sim.pending()) {
      if (e.process == "agent-garbage-collector(1)") at.push_back((e.at - sim::Time{}).ns() / 1'000'000'000);
    }
    return at;
  };
  gc.schedule(sim::Seconds(10), "/t/a");
  w.sim.settle();
  CHECK(timers() == std::vector<std::int64_t>{10});
  // Unscheduled: the timer for 10secs stays; a later path does not move it.
  gc.unschedule("/t/a");
  gc.schedule(sim::Seconds(20), "/t/b");
  w.sim.settle();
  CHECK(timers() == std::vector<std::int64_t>{10});
  // It fires on nothing ("Ignoring gc event") and re-arms for the next removal.
  w.sim.runFor(sim::Seconds(11));
  CHECK(timers() == std::vector<std::int64_t>{20});
  // A sooner path moves it.
  gc.schedule(sim::Seconds(2), "/t/c");
  w.sim.settle();
  CHECK(timers() == std::vector<std::int64_t>{13});
}

TEST_CASE("files: attach and detach sandboxes under virtual paths") {
  World w;
  model::Files& files = w.sim.spawn<model::Files>(*w.host);
  CHECK(files.id() == "files");
  files.attach("/var/lib/mesos/slaves/S0/frameworks/F/executors/E/runs/latest", "/slaves/S0/frameworks/F/executors/E");
  w.sim.settle();
  CHECK(files.resolve("/slaves/S0/frameworks/F/executors/E") ==
        "/var/lib/mesos/slaves/S0/frameworks/F/executors/E/runs/latest");
  files.detach("/slaves/S0/frameworks/F/executors/E");
  w.sim.settle();
  CHECK(files.attached() == 0);
}

TEST_CASE("modules and hooks: load, kinds, Mesos's errors") {
  model::ModuleManager modules;
  CHECK(modules.create("org_apache_mesos_TestHook", "Hook").error() == "Module 'org_apache_mesos_TestHook' unknown");
  CHECK(!modules.load("org_apache_mesos_TestHook").isError());
  CHECK(modules.contains("org_apache_mesos_TestHook", "Hook"));
  CHECK_FALSE(modules.contains("org_apache_mesos_TestHook", "Authorizer"));
  CHECK(modules.load("org_apache_mesos_TestHook,nope").error().rfind("Error loading module 'nope': ", 0) == 0);
  CHECK(modules.loaded() == std::vector<std::string>{"org_apache_mesos_TestHook"});

  model::HookManager hooks;
  CHECK(hooks.initialize("nope", modules).error() == "No hook module named 'nope' available");
  model::HookManager ok;
  CHECK(!ok.initialize("org_apache_mesos_TestHook", modules).isError());
  CHECK(ok.hooksAvailable());
  CHECK(ok.slaveResourcesDecorator("cpus:1;mem:1024") == "mem:1024;cpus:4;foo:{bar,baz}");
  CHECK(ok.slaveAttributesDecorator("") == "rack:rack1");
}

TEST_CASE("noop estimator and QoS controller: created by name, processes spawned by initialize") {
  World w;
  model::ModuleManager modules;
  auto estimator = model::createResourceEstimator("", modules);
  REQUIRE(!estimator.isError());
  CHECK((*estimator)->process() == nullptr);
  CHECK(!(*estimator)->initialize(*w.host).isError());
  CHECK((*estimator)->process()->id() == "noop-resource-estimator(1)");
  CHECK((*estimator)->initialize(*w.host).isError());
  auto qos = model::createQoSController("", modules);
  REQUIRE(!qos.isError());
  CHECK(!(*qos)->initialize(*w.host).isError());
  CHECK((*qos)->process()->id() == "qos-noop-controller(1)");
  CHECK(model::createQoSController("load", modules).error() ==
        "Failed to create QoS Controller module 'load': Module 'load' unknown");
  CHECK(model::createResourceEstimator("fixed", modules).error() ==
        "Failed to create resource estimator module 'fixed': Module 'fixed' unknown");
}
