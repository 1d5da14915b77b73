// The agent's main() walking its startup graph (model/slave/main.hpp), in virtual time:
// one `startup` record per step, Mesos's exit on each failure mode, reordered startups.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "model/master/main.hpp"
#include "model/slave/containerizer/mesos/isolation.hpp"
#include "model/slave/main.hpp"
#include "model/slave/slave.hpp"
#include "sim/simulation.hpp"

using namespace agentsim;
using sim::RecordKind;

namespace {

struct Boot {
  explicit Boot(model::SlaveFlags flags = {}, model::AgentOptions options = {}, std::uint64_t seed = 1) : sim(seed) {
    sim.trace().addSink(&trace);
    sim::Host& m = sim.addHost("master-1", 5050);
    m.startup = [](sim::Host& h) { model::masterMain(h, {}); };
    if (flags.master.empty()) flags.master = "master-1:5050";
    if (flags.work_dir.empty()) flags.work_dir = "/var/lib/mesos";
    sim::Host& a = sim.addHost("agent-1", 5051);
    a.startup = [flags, options, this](sim::Host& h) { result = model::agentMain(h, flags, options); };
    m.startup(m);
    a.startup(a);
  }

  std::vector<const sim::Record*> startup() const {
    std::vector<const sim::Record*> out;
    for (const auto& r : trace.records()) {
      if (r.kind == RecordKind::Startup) out.push_back(&r);
    }
    return out;
  }
  const sim::Record* exit() const {
    for (const auto* r : startup()) {
      if (r->field("exit_code") != nullptr) return r;
    }
    return nullptr;
  }
  std::string state() const {
    std::string s;
    for (const auto& r : trace.records()) {
      if (r.kind == RecordKind::State && r.name == "Slave::State" && r.host == "agent-1") s = r.text("state");
    }
    return s;
  }
  std::vector<std::string> processes() {
    std::vector<std::string> ids;
    for (const sim::Process* p : sim.host("agent-1")->processes()) ids.emplace_back(p->id());
    return ids;
  }

  sim::Simulation sim;
  sim::MemorySink trace;
  sim::Try<sim::Nothing> result = sim::Nothing{};
};

model::SlaveFlags with(std::function<void(model::SlaveFlags&)> set) {
  model::SlaveFlags f;
  set(f);
  return f;
}

// Runs a boot that must fail; returns the exit record's message.
std::string failure(const model::SlaveFlags& flags, model::AgentOptions options = {}, std::string* step = nullptr) {
  Boot b(flags, options);
  b.sim.runFor(sim::Seconds(10));
  const sim::Record* e = b.exit();
  REQUIRE(e != nullptr);
  CHECK(e->integer("exit_code") == 1);
  CHECK(e->ref.find(": ") != std::string::npos);
  CHECK(b.processes().empty());  // the host's processes stopped
  CHECK(b.state() != "RUNNING");
  if (step != nullptr) *step = e->name;
  return e->text("message");
}

}  // namespace

TEST_CASE("the default startup: one record per step, in main.cpp's order, then RUNNING") {
  Boot b;
  CHECK(!b.result.isError());
  const auto records = b.startup();
  REQUIRE(records.size() == 17);
  std::vector<std::string> steps;
  for (const auto* r : records) steps.push_back(r->name);
  CHECK(steps == std::vector<std::string>{"flags", "libprocess", "version", "modules", "hooks", "systemd", "fetcher",
                                          "mesos-containerizer", "containerizer", "detector", "authorizer", "files",
                                          "gc", "status-update-manager", "resource-estimator", "qos-controller",
                                          "slave"});
  for (const auto* r : records) {
    CAPTURE(r->name);
    CHECK(r->at == sim::Time{});
    CHECK(r->host == "agent-1");
    CHECK_FALSE(r->ref.empty());
    CHECK_FALSE(r->text("builds").empty());
    CHECK(r->integer("steps") == 17);
  }
  CHECK(records[6]->text("processes") == "fetcher(1)");
  CHECK(records[8]->ref == "src/slave/containerizer/containerizer.cpp: Containerizer::create");
  CHECK(records[16]->text("processes") == "slave(1)");
  b.sim.runFor(sim::Seconds(5));
  CHECK(b.state() == "RUNNING");
  // Processes in spawn order; the estimator and the QoS controller start in Slave::initialize.
  CHECK(b.processes() == std::vector<std::string>{"version", "fetcher(1)", "mesos-containerizer(1)",
                                                  "standalone-master-detector(1)", "files",
                                                  "agent-garbage-collector(1)", "status-update-manager(1)",
                                                  "slave(1)", "noop-resource-estimator(1)", "qos-noop-controller(1)"});
}

TEST_CASE("each failure mode exits with Mesos's message and status 1") {
  std::string step;

  CHECK(failure(with([](auto& f) { f.containerizers = "mesos,rkt"; }), {}, &step) ==
        "Failed to create a containerizer: Unknown or unsupported containerizer: rkt");
  CHECK(step == "containerizer");
  // rkt sorts after mesos: the MesosContainerizer was built, and stopped with the rest.
  CHECK(failure(with([](auto& f) { f.containerizers = "abc,docker"; }), {}, &step) ==
        "Failed to create a containerizer: Unknown or unsupported containerizer: abc");
  CHECK(failure(with([](auto& f) { f.containerizers = "docker,mesos,docker"; }), {}, &step) ==
        "Failed to create a containerizer: Duplicate entries found in --containerizer flag 'docker,mesos,docker'");
  CHECK(failure(with([](auto& f) { f.master = "zk://zk-1:2181/"; }), {}, &step) ==
        "Failed to create a master detector: Expecting a (chroot) path for ZooKeeper ('/' is not supported)");
  CHECK(step == "detector");
  CHECK(failure(with([](auto& f) { f.qos_controller = "org_apache_mesos_LoadQoSController"; }), {}, &step) ==
        "Failed to create QoS Controller: Failed to create QoS Controller module "
        "'org_apache_mesos_LoadQoSController': Module 'org_apache_mesos_LoadQoSController' unknown");
  CHECK(failure(with([](auto& f) { f.resource_estimator = "org_apache_mesos_FixedResourceEstimator"; }), {},
                &step) ==
        "Failed to create resource estimator: Failed to create resource estimator module "
        "'org_apache_mesos_FixedResourceEstimator': Module 'org_apache_mesos_FixedResourceEstimator' unknown");
  CHECK(failure(with([](auto& f) { f.hooks = "org_apache_mesos_TestHook"; }), {}, &step) ==
        "Error installing hooks: No hook module named 'org_apache_mesos_TestHook' available");
  CHECK(failure(with([](auto& f) {
          f.modules = "org_apache_mesos_TestHook";
          f.hooks = "org_apache_mesos_TestHook,org_apache_mesos_TestHook";
        }),
                {}, &step) == "Error installing hooks: Hook module 'org_apache_mesos_TestHook' already loaded");
  CHECK(failure(with([](auto& f) { f.authorizer = "org_example_Authorizer"; }), {}, &step) ==
        "Could not create 'org_example_Authorizer' authorizer: Module 'org_example_Authorizer' unknown");
  CHECK(failure(with([](auto& f) {
          f.modules = "org_apache_mesos_TestHook";
          f.authorizer = "org_apache_mesos_TestHook";
        }),
                {}, &step) ==
        "Could not create 'org_apache_mesos_TestHook' authorizer: Error creating module instance for "
        "'org_apache_mesos_TestHook': module is of kind 'Hook', but the requested kind is 'Authorizer'");
  model::AgentOptions systemd;
  systemd.env.systemd = true;
  CHECK(failure(with([](auto& f) { f.systemd_runtime_directory = "/nowhere"; }), systemd, &step) ==
        "Failed to initialize systemd: Failed to locate systemd runtime directory: /nowhere");
  CHECK(failure(with([](auto& f) { f.registration_backoff_factor = sim::Minutes(2); }), {}, &step) ==
        "Invalid value '2mins' for --registration_backoff_factor: Must be less than 1mins");
  CHECK(step == "slave");
  CHECK(failure(with([](auto& f) { f.gc_disk_headroom = model::Decimal{-100'000}; }), {}, &step) ==
        "Invalid value '-0.1' for --gc_disk_headroom. Must be between 0.0 and 1.0");
}

TEST_CASE("required flags: --work_dir, then --master") {
  model::SlaveFlags f;
  f.master = "master-1:5050";
  sim::Simulation s(1);
  sim::MemorySink sink;
  s.trace().addSink(&sink);
  sim::Host& h = s.addHost("agent-1", 5051);
  auto r = model::agentMain(h, f);
  REQUIRE(r.isError());
  CHECK(r.error() == "Flag 'work_dir' is required, but it was not provided");
  f.work_dir = "/var/lib/mesos";
  f.master = "";
  sim::Host& h2 = s.addHost("agent-2", 5051);
  auto r2 = model::agentMain(h2, f);
  REQUIRE(r2.isError());
  CHECK(r2.error() == "Missing required option `--master` or `--master_detector`.");
  REQUIRE(sink.records().size() == 2);
  CHECK(sink.records()[1].name == "flags");
  CHECK(sink.records()[1].ref == "src/slave/main.cpp: main");
}

TEST_CASE("docker without a daemon: main() waits 5secs for `docker version`, then exits") {
  Boot b(with([](auto& f) { f.containerizers = "docker,mesos"; }));
  CHECK(!b.result.isError());  // not yet: it is waiting
  b.sim.runFor(sim::Seconds(4));
  CHECK(b.exit() == nullptr);
  CHECK(b.processes() == std::vector<std::string>{"version", "fetcher(1)"});
  b.sim.runFor(sim::Seconds(2));
  const sim::Record* e = b.exit();
  REQUIRE(e != nullptr);
  CHECK(e->at == sim::Time{} + sim::Seconds(5));
  CHECK(e->name == "docker-containerizer");
  CHECK(e->text("message") ==
        "Failed to create a containerizer: Could not create DockerContainerizer: Failed to create docker: Timed out "
        "getting docker version");
  CHECK(e->text("stopped") == "version, fetcher(1)");
  CHECK(b.processes().empty());
}

TEST_CASE("a crash while main() waits drops that boot's startup; a restart starts over") {
  Boot b(with([](auto& f) { f.containerizers = "docker"; }));
  sim::Host& agent = *b.sim.host("agent-1");
  b.sim.at(sim::Time{} + sim::Seconds(2), "crash", [&] { b.sim.crash(agent); });
  b.sim.at(sim::Time{} + sim::Seconds(3), "restart", [&] { b.sim.restart(agent); });
  b.sim.runFor(sim::Seconds(20));
  std::vector<sim::Time> exits;
  for (const auto* r : b.startup()) {
    if (r->field("exit_code") != nullptr) exits.push_back(r->at);
  }
  // Only the second boot's wait ends in an exit, 5secs after the restart.
  CHECK(exits == std::vector<sim::Time>{sim::Time{} + sim::Seconds(8)});
}

TEST_CASE("docker with a daemon: a ComposingContainerizer over docker and mesos, in std::set order") {
  model::AgentOptions docker;
  docker.env.docker = true;
  Boot b(with([](auto& f) { f.containerizers = "mesos,docker"; }), docker);
  b.sim.runFor(sim::Seconds(5));
  CHECK(b.state() == "RUNNING");
  std::map<std::string, const sim::Record*> byStep;
  for (const auto* r : b.startup()) byStep[r->name] = r;
  CHECK(byStep.at("docker-containerizer")->text("processes") == "docker-containerizer(1)");
  CHECK(byStep.at("containerizer")->text("processes") == "composing-containerizer(1)");
  CHECK(byStep.at("containerizer")->text("builds") == "ComposingContainerizer over docker, mesos (std::set order)");
}

TEST_CASE("hooks fire in Slave::initialize and decorate the SlaveInfo the master sees") {
  Boot b(with([](auto& f) {
    f.modules = "org_apache_mesos_TestHook";
    f.hooks = "org_apache_mesos_TestHook";
  }));
  b.sim.runFor(sim::Seconds(5));
  CHECK(b.state() == "RUNNING");
  std::string resources;
  int hooks = 0;
  for (const auto& r : b.trace.records()) {
    if (r.kind == RecordKind::Send && r.name == "RegisterSlaveMessage") resources = r.text("resources");
    if (r.kind == RecordKind::Log && r.text("message").rfind("Executing 'slave", 0) == 0) ++hooks;
  }
  CHECK(hooks == 2);
  CHECK(resources == "mem:1024;disk:10240;ports:[31000-32000];cpus:4;foo:{bar,baz}");
}

TEST_CASE("a chosen order runs in that order") {
  model::AgentOptions o;
  o.order = {"flags", "libprocess", "modules", "authorizer", "files", "gc", "qos-controller", "resource-estimator",
             "hooks", "detector", "fetcher", "mesos-containerizer", "containerizer", "status-update-manager",
             "systemd", "slave", "version"};
  Boot b({}, o);
  std::vector<std::string> steps;
  for (const auto* r : b.startup()) steps.push_back(r->name);
  CHECK(steps == o.order);
  b.sim.runFor(sim::Seconds(5));
  CHECK(b.state() == "RUNNING");
}

TEST_CASE("a legal order that spawns a process before libprocess fails at run time, with Mesos's reason") {
  model::AgentOptions o;
  o.order = {"flags", "fetcher", "libprocess", "version", "modules", "hooks", "systemd", "mesos-containerizer",
             "containerizer", "detector", "authorizer", "files", "gc", "status-update-manager", "resource-estimator",
             "qos-controller", "slave"};
  std::string step;
  CHECK(failure({}, o, &step) ==
        "The call to `process::initialize()` in the agent's `main()` was not the function's first invocation");
  CHECK(step == "libprocess");
}

TEST_CASE("every sampled topological order reaches RUNNING, or fails with a named reason") {
  model::SlaveFlags flags;
  flags.master = "master-1:5050";
  flags.work_dir = "/var/lib/mesos";
  const model::StartupGraph g = model::StartupGraph::forAgent(flags);
  sim::Rng rng(2024, "startup-orders");
  const auto orders = g.orders(400, rng);
  REQUIRE(orders.size() == 400);
  // Steps that spawn a process: libprocess must come before all of them.
  const std::set<std::string> spawning{"version", "fetcher", "mesos-containerizer", "detector", "files", "gc",
                                       "status-update-manager", "slave"};
  std::map<std::string, int> outcomes;
  for (const auto& order : orders) {
    model::AgentOptions o;
    bool libprocessFirst = true;
    bool seenLibprocess = false;
    for (std::size_t v : order) {
      o.order.emplace_back(g.name(v));
      if (g.name(v) == "libprocess") seenLibprocess = true;
      if (spawning.count(std::string(g.name(v))) != 0 && !seenLibprocess) libprocessFirst = false;
    }
    Boot b(flags, o);
    b.sim.runFor(sim::Seconds(5));
    CAPTURE(fmt::format("{}", fmt::join(o.order, ",")));
    if (const sim::Record* e = b.exit()) {
      CHECK_FALSE(libprocessFirst);
      CHECK(e->name == "libprocess");
      outcomes[e->text("message")]++;
    } else {
      CHECK(libprocessFirst);
      CHECK(b.state() == "RUNNING");
      outcomes["RUNNING"]++;
    }
  }
  for (const auto& [outcome, n] : outcomes) MESSAGE(n << " of 400 sampled orders: " << outcome);
  CHECK(outcomes.size() == 2);
}

// Branches of main() and of what it calls (docs/conformance.md, "Branch table: the
// agent's `main()` and its flags").

TEST_CASE("--help and --version: main() returns EXIT_SUCCESS at the flags step, before flags.load's error") {
  for (const bool help : {true, false}) {
    model::SlaveFlags f;
    f.help = help;
    f.version = true;  // --help wins when both are given
    sim::Simulation s(1);
    sim::MemorySink sink;
    s.trace().addSink(&sink);
    sim::Host& h = s.addHost("agent-1", 5051);
    auto r = model::agentMain(h, f);  // no --work_dir, no --master: no error either
    CHECK(!r.isError());
    REQUIRE(sink.records().size() == 1);
    const sim::Record& e = sink.records()[0];
    CHECK(e.name == "flags");
    CHECK(e.integer("exit_code") == 0);
    CHECK(e.text("message") == (help ? "Usage: mesos-agent [options]" : "mesos 1.1.0"));
    CHECK(h.processes().empty());
  }
}

TEST_CASE("--logging_level: logging::initialize exits on anything but INFO, WARNING, ERROR") {
  std::string step;
  CHECK(failure(with([](auto& f) { f.logging_level = "info"; }), {}, &step) ==
        "'info' is not a valid logging level. Possible values for 'logging_level' flag are: 'INFO', 'WARNING', "
        "'ERROR'.");
  CHECK(step == "libprocess");
  for (const char* level : {"INFO", "WARNING", "ERROR"}) {
    Boot b(with([&](auto& f) { f.logging_level = level; }));
    b.sim.runFor(sim::Seconds(5));
    CHECK(b.exit() == nullptr);
    CHECK(b.state() == "RUNNING");
  }
}

TEST_CASE("--isolation: MesosContainerizer::create's rewrites, defaults, duplicates and unknown isolators") {
  std::vector<std::string> warnings;
  auto plain = model::createIsolation("posix/cpu,posix/mem", warnings);
  REQUIRE(plain.isSome());
  CHECK(plain->flag == "posix/cpu,posix/mem,filesystem/posix,network/cni");
  CHECK(plain->isolators == std::vector<std::string>{"filesystem/posix", "network/cni", "posix/cpu", "posix/mem"});
  CHECK_FALSE(plain->disk);
  CHECK(warnings.empty());

  auto process = model::createIsolation("process", warnings);
  REQUIRE(process.isSome());
  CHECK(process->flag == "posix/cpu,posix/mem,filesystem/posix,network/cni");
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("'process' isolation flag is deprecated") != std::string::npos);
  warnings.clear();
  auto cgroups = model::createIsolation("cgroups", warnings);
  REQUIRE(cgroups.isSome());
  CHECK(cgroups->flag == "cgroups/cpu,cgroups/mem,filesystem/posix,network/cni");
  // One CgroupsIsolatorProcess for every cgroups/ entry: the first in std::set order.
  CHECK(cgroups->isolators == std::vector<std::string>{"filesystem/posix", "cgroups/cpu", "network/cni"});
  warnings.clear();

  // filesystem/linux brings volume/image; a named filesystem/ or network/ isolator is kept alone.
  auto linuxFs = model::createIsolation("filesystem/linux,network/cni", warnings);
  REQUIRE(linuxFs.isSome());
  CHECK(linuxFs->flag == "filesystem/linux,network/cni,volume/image");

  // posix/disk: the old name of disk/du, with a warning; both names: refused after it.
  auto posixDisk = model::createIsolation("posix/disk", warnings);
  REQUIRE(posixDisk.isSome());
  CHECK(posixDisk->disk);
  CHECK(warnings.size() == 1);
  warnings.clear();
  auto both = model::createIsolation("disk/du,posix/disk", warnings);
  REQUIRE(both.isError());
  CHECK(both.error() == "Using 'posix/disk' and 'disk/du' simultaneously is disallowed");
  CHECK(warnings.size() == 1);  // logged before the error
  warnings.clear();
  CHECK(model::createIsolation("disk/du", warnings)->disk);
  CHECK(model::createIsolation("disk/dux", warnings).error() ==
        "Failed to create isolator 'disk/dux': Unknown or unsupported isolator");

  // Duplicates: the tokens after the defaults were added, as stout stringifies them.
  CHECK(model::createIsolation("posix/cpu,,posix/cpu", warnings).error() ==
        "Duplicate entries found in --isolation flag '[ posix/cpu, posix/cpu, filesystem/posix, network/cni ]'");
  // The first failure in std::set order.
  CHECK(model::createIsolation("zzz/a,gpu/nvidia", warnings).error() ==
        "Failed to create isolator 'gpu/nvidia': Cannot create the Nvidia GPU isolator: NVML is not available");
  CHECK(model::createIsolation("network/port_mapping", warnings).error() ==
        "Failed to create isolator 'network/port_mapping': Unknown or unsupported isolator");
  // cgroups/: an unknown subsystem sorted first has no creator; sorted after a known one,
  // CgroupsIsolatorProcess::create names it.
  CHECK(model::createIsolation("cgroups/mem,cgroups/blkio", warnings).error() ==
        "Failed to create isolator 'cgroups/blkio': Unknown or unsupported isolator");
  CHECK(model::createIsolation("cgroups/cpu,cgroups/zzz", warnings).error() ==
        "Failed to create isolator 'cgroups/cpu': Unknown or unsupported isolator 'cgroups/zzz'");

  // Through main(): the mesos-containerizer step, with Containerizer::create's words.
  std::string step;
  CHECK(failure(with([](auto& f) { f.isolation = "posix/cpu,disk/xfs"; }), {}, &step) ==
        "Failed to create a containerizer: Could not create MesosContainerizer: Failed to create isolator "
        "'disk/xfs': Unknown or unsupported isolator");
  CHECK(step == "mesos-containerizer");
}

TEST_CASE("--isolation: the last value's answer is kept, and is createIsolation's") {
  const model::CreatedIsolation& first = model::createdIsolation("process");
  // The same value: not parsed again. The kept object's address would not tell (a new
  // answer is made in the same place); a new answer's warnings are allocated while the
  // kept ones still live, so their storage would differ.
  const std::string* kept = first.warnings.data();
  CHECK(model::createdIsolation("process").warnings.data() == kept);
  REQUIRE(first.isolation.isSome());
  CHECK(first.value == "process");
  CHECK(first.isolation->flag == "posix/cpu,posix/mem,filesystem/posix,network/cni");
  REQUIRE(first.warnings.size() == 1);
  CHECK(first.warnings[0].find("'process' isolation flag is deprecated") != std::string::npos);
  // Another value: its own answer and warnings, not the kept one's.
  const model::CreatedIsolation& both = model::createdIsolation("disk/du,posix/disk");
  CHECK(both.value == "disk/du,posix/disk");
  REQUIRE(both.isolation.isError());
  CHECK(both.isolation.error() == "Using 'posix/disk' and 'disk/du' simultaneously is disallowed");
  CHECK(both.warnings.size() == 1);
  const model::CreatedIsolation& plain = model::createdIsolation("posix/cpu,posix/mem");
  REQUIRE(plain.isolation.isSome());
  CHECK(plain.isolation->isolators ==
        std::vector<std::string>{"filesystem/posix", "network/cni", "posix/cpu", "posix/mem"});
  CHECK(plain.warnings.empty());
  // Values alternating, as agents with different flags start and restart: each answer is
  // its own value's, never the one kept before it.
  for (int round = 0; round < 3; ++round) {
    for (const char* value : {"process", "posix/cpu,posix/mem,disk/du", "disk/du,posix/disk", "", "cgroups"}) {
      std::vector<std::string> warnings;
      const auto expected = model::createIsolation(value, warnings);
      const model::CreatedIsolation& got = model::createdIsolation(value);
      CHECK(got.value == value);
      CHECK(got.warnings == warnings);
      REQUIRE(got.isolation.isSome() == expected.isSome());
      if (expected.isSome()) {
        CHECK(got.isolation->flag == expected->flag);
        CHECK(got.isolation->isolators == expected->isolators);
        CHECK(got.isolation->disk == expected->disk);
      } else {
        CHECK(got.isolation.error() == expected.error());
      }
    }
  }
}

TEST_CASE("--master: MasterDetector::create's UPID, file:// and zk:// branches") {
  std::string step;
  // "master@" goes before anything that does not start with it.
  CHECK(failure(with([](auto& f) { f.master = "scheduler@master-1:5050"; }), {}, &step) ==
        "Failed to create a master detector: Failed to parse 'scheduler@master-1:5050'");
  CHECK(step == "detector");
  CHECK(failure(with([](auto& f) { f.master = "master-1"; })) == "Failed to create a master detector: Failed to parse 'master-1'");
  CHECK(failure(with([](auto& f) { f.master = "master-1:0"; })) ==
        "Failed to create a master detector: Failed to parse 'master-1:0'");
  CHECK(failure(with([](auto& f) { f.master = "master-1:port"; })) ==
        "Failed to create a master detector: Failed to parse 'master-1:port'");
  // sscanf's %hu: leading digits, the rest ignored; the first word only.
  for (const char* master : {"master-1:5050", "master@master-1:5050", "master-1:5050/", "master-1:5050 spare words",
                             "master-1:+5050"}) {
    Boot b(with([&](auto& f) { f.master = master; }));
    b.sim.runFor(sim::Seconds(5));
    CHECK_MESSAGE(b.exit() == nullptr, master);
    CHECK_MESSAGE(b.state() == "RUNNING", master);
  }
}

TEST_CASE("--master: the port as strtoul reads it, an overflow is ULONG_MAX whatever its sign") {
  // sscanf's %hu: strtoul, then cast to unsigned short.
  const std::vector<std::pair<std::string, std::string>> cases{
      {"master-1:-1", "master@master-1:65535"},
      {"master-1:70000", "master@master-1:4464"},
      {"master-1:99999999999999999999999", "master@master-1:65535"},
      {"master-1:-99999999999999999999999", "master@master-1:65535"}};
  for (const auto& c : cases) {
    const std::string& master = c.first;  // not a structured binding: clang 14 cannot capture one
    const std::string& detected = c.second;
    Boot b(with([&](auto& f) { f.master = master; }));
    b.sim.runFor(sim::Seconds(1));
    CHECK_MESSAGE(b.exit() == nullptr, master);
    bool seen = false;
    for (const auto& r : b.trace.records()) {
      seen = seen || (r.kind == RecordKind::Log && r.host == "agent-1" &&
                      r.text("message") == "New master detected at " + detected);
    }
    CHECK_MESSAGE(seen, master);
  }
}

TEST_CASE("--master=file://: files read in turn, a cycle exits the agent at its detector step 17 files deep") {
  sim::Simulation s(1);
  sim::MemorySink sink;
  s.trace().addSink(&sink);
  sim::Host& h = s.addHost("agent-1", 5051);
  REQUIRE(h.disk().write("/a", "file:///b\n").isSome());
  REQUIRE(h.disk().write("/b", " file:///a\r\n").isSome());
  model::SlaveFlags f;
  f.master = "file:///a";
  f.work_dir = "/var/lib/mesos";
  CHECK(model::agentMain(h, f).isError());
  const sim::Record* exit = nullptr;
  int warnings = 0;
  for (const auto& r : sink.records()) {
    if (r.kind == RecordKind::Startup && r.field("exit_code") != nullptr) exit = &r;
    if (r.kind == RecordKind::Log && r.text("message").find("via 'file://' is deprecated") != std::string::npos) {
      ++warnings;
    }
  }
  REQUIRE(exit != nullptr);
  CHECK(exit->name == "detector");
  CHECK(exit->integer("exit_code") == 1);
  CHECK(exit->text("message") ==
        "Failed to create a master detector: '/a' is 17 file:// deep (a cycle? Mesos 1.1 recurses until its stack "
        "overflows)");
  CHECK(warnings == 17);  // MasterDetector::create's warning, once a file
  CHECK(h.processes().empty());
}

TEST_CASE("flags.load's error: the agent exits at its flags step; --help loaded before it still wins") {
  std::string step;
  // FlagsBase::load walks the flags in name order and stops at the first refusal.
  CHECK(failure(with([](auto& f) {
          f.load_errors["port"] = "Failed to load flag 'port': Failed to load value 'x': Failed to convert into "
                                  "required type";
          f.load_errors["gc_delay"] = "Failed to load flag 'gc_delay': Failed to load value '1week': ...";
        }),
                {}, &step) == "Failed to load flag 'gc_delay': Failed to load value '1week': ...");
  CHECK(step == "flags");
  // The load's error comes before the required --work_dir (FlagsBase::load's last loop).
  model::SlaveFlags f;
  f.load_errors["strict"] = "Failed to load flag 'strict': Failed to load value 'yes': Expecting a boolean (e.g., "
                            "true or false)";
  f.help = true;  // "help" < "strict": loaded before the error, so main() prints the usage
  sim::Simulation s(1);
  sim::MemorySink sink;
  s.trace().addSink(&sink);
  auto r = model::agentMain(s.addHost("agent-1", 5051), f);
  CHECK(!r.isError());
  REQUIRE(sink.records().size() == 1);
  CHECK(sink.records()[0].integer("exit_code") == 0);
  // "gc_delay" < "help": the load stopped before --help, which never loaded.
  f.load_errors.clear();
  f.load_errors["gc_delay"] = "Failed to load flag 'gc_delay': Failed to load value 'soon': Failed to convert '' to "
                              "number";
  auto r2 = model::agentMain(s.addHost("agent-2", 5051), f);
  REQUIRE(r2.isError());
  CHECK(r2.error() == f.load_errors.at("gc_delay"));
}

TEST_CASE("FlagsBase::load's last loop: 1.1.3's --executor_reregistration_timeout validator, before --work_dir") {
  std::string step;
  const std::string expected = "Expected `--executor_reregistration_timeout` to be not more than 15secs";
  CHECK(failure(with([](auto& f) { f.executor_reregistration_timeout = sim::Seconds(16); }), {}, &step) == expected);
  CHECK(step == "flags");
  // A value load refused speaks before the validators (they run only once all loaded).
  CHECK(failure(with([](auto& f) {
          f.executor_reregistration_timeout = sim::Seconds(16);
          f.load_errors["strict"] = "Failed to load flag 'strict': Failed to load value 'yes': Expecting a boolean "
                                    "(e.g., true or false)";
        }),
                {}, &step)
            .rfind("Failed to load flag 'strict'", 0) == 0);
  // "executor_reregistration_timeout" < "work_dir": its validator speaks before the
  // required --work_dir is found missing.
  {
    model::SlaveFlags f;
    f.master = "master@master-1:5050";
    f.executor_reregistration_timeout = sim::Seconds(16);
    sim::Simulation s(1);
    auto r = model::agentMain(s.addHost("agent-1", 5051), f);
    REQUIRE(r.isError());
    CHECK(r.error() == expected);
  }
  // 15secs itself is allowed: the agent starts.
  Boot b(with([](auto& f) { f.executor_reregistration_timeout = sim::Seconds(15); }));
  b.sim.runFor(sim::Seconds(10));
  CHECK(b.exit() == nullptr);
  CHECK(b.state() == "RUNNING");
}

TEST_CASE("main()'s checks of --master_detector, --ip, --modules_dir; MesosContainerizer::create's --launcher") {
  std::string step;
  CHECK(failure(with([](auto& f) { f.master_detector = "org_example_Detector"; }), {}, &step) ==
        "Only one of --master or --master_detector options should be specified.");
  CHECK(step == "flags");
  // --master_detector alone: ModuleManager::create<MasterDetector>, and agentsim has none.
  {
    model::SlaveFlags f;
    f.work_dir = "/var/lib/mesos";
    f.master_detector = "org_example_Detector";
    sim::Simulation s(1);
    sim::MemorySink sink;
    s.trace().addSink(&sink);
    auto r = model::agentMain(s.addHost("agent-1", 5051), f);
    REQUIRE(r.isError());
    CHECK(r.error() == "Failed to create a master detector: Module 'org_example_Detector' unknown");
  }
  CHECK(failure(with([](auto& f) {
          f.ip = "10.0.0.1";
          f.ip_discovery_command = "hostname -i";
        }),
                {}, &step) == "Only one of `--ip` or `--ip_discovery_command` should be specified");
  CHECK(step == "flags");
  CHECK(failure(with([](auto& f) {
          f.modules = "org_apache_mesos_TestHook";
          f.modules_dir = "/etc/mesos/modules";
        }),
                {}, &step) == "Only one of --modules or --modules_dir should be specified");
  CHECK(step == "modules");
  CHECK(failure(with([](auto& f) { f.launcher = "windows"; }), {}, &step) ==
        "Failed to create a containerizer: Could not create MesosContainerizer: Failed to create launcher: Unknown "
        "or unsupported launcher: windows");
  CHECK(step == "mesos-containerizer");
  // The launcher comes after the posix/disk check, before the isolators are created.
  CHECK(failure(with([](auto& f) {
          f.launcher = "windows";
          f.isolation = "posix/disk,disk/du";
        }),
                {}, &step) ==
        "Failed to create a containerizer: Could not create MesosContainerizer: Using 'posix/disk' and 'disk/du' "
        "simultaneously is disallowed");
  CHECK(failure(with([](auto& f) {
          f.launcher = "windows";
          f.isolation = "disk/xfs";
        }),
                {}, &step)
            .find("Failed to create launcher") != std::string::npos);
  for (const char* launcher : {"linux", "posix"}) {
    Boot b(with([&](auto& f) {
      f.launcher = launcher;
      f.modules_dir = "/etc/mesos/modules";  // no manifests on an agentsim host
      f.ip = "10.0.0.1";
    }));
    b.sim.runFor(sim::Seconds(5));
    CHECK(b.exit() == nullptr);
    CHECK(b.state() == "RUNNING");
  }
}
