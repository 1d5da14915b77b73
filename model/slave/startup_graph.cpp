#include "model/slave/startup_graph.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "model/module/manager.hpp"
#include "sim/assert.hpp"

namespace agentsim::model {

std::string_view stepName(StartupStep step) {
  switch (step) {
    case StartupStep::Flags: return "flags";
    case StartupStep::Libprocess: return "libprocess";
    case StartupStep::Version: return "version";
    case StartupStep::Modules: return "modules";
    case StartupStep::Hooks: return "hooks";
    case StartupStep::Systemd: return "systemd";
    case StartupStep::Fetcher: return "fetcher";
    case StartupStep::DockerContainerizer: return "docker-containerizer";
    case StartupStep::MesosContainerizer: return "mesos-containerizer";
    case StartupStep::Containerizer: return "containerizer";
    case StartupStep::Detector: return "detector";
    case StartupStep::Authorizer: return "authorizer";
    case StartupStep::Files: return "files";
    case StartupStep::GarbageCollector: return "gc";
    case StartupStep::StatusUpdateManager: return "status-update-manager";
    case StartupStep::ResourceEstimator: return "resource-estimator";
    case StartupStep::QoSController: return "qos-controller";
    case StartupStep::Slave: return "slave";
  }
  return "?";
}

std::vector<std::string> containerizerTypes(const std::string& containerizers) {
  const std::vector<std::string> split = splitList(containerizers);
  const std::set<std::string> types(split.begin(), split.end());
  return {types.begin(), types.end()};
}

namespace {

bool knownType(const std::string& t) { return t == "mesos" || t == "docker"; }

// Whether Containerizer::create gets as far as building each type: no duplicates and
// no unknown type. Otherwise the graph has no per-type steps and the containerizer step
// alone runs Containerizer::create's checks in Mesos's order.
bool perTypeSteps(const SlaveFlags& flags) {
  const auto split = splitList(flags.containerizers);
  const auto types = containerizerTypes(flags.containerizers);
  if (types.size() != split.size()) return false;
  return std::all_of(types.begin(), types.end(), knownType);
}

std::string orNone(const std::string& v) { return v.empty() ? std::string("none") : v; }

std::vector<std::string> detectorProcesses(const std::string& master) {
  if (master.rfind("zk://", 0) == 0) {
    return {"zookeeper-group(1)", "zookeeper-leader-detector(1)", "zookeeper-master-detector(1)"};
  }
  return {"standalone-master-detector(1)"};
}

const std::string kMainRef = "src/slave/main.cpp: main";

}  // namespace

void StartupGraph::addStep(StartupStep step) { boost::add_vertex(Vertex{step}, graph_); }

std::optional<std::size_t> StartupGraph::find(std::string_view name) const {
  for (std::size_t v = 0; v < size(); ++v) {
    if (this->name(v) == name) return v;
  }
  return std::nullopt;
}

void StartupGraph::addEdge(StartupStep from, StartupStep to, std::string why) {
  std::optional<std::size_t> f;
  std::optional<std::size_t> t;
  for (std::size_t v = 0; v < size(); ++v) {
    if (step(v) == from) f = v;
    if (step(v) == to) t = v;
  }
  if (!f || !t) return;  // a step these flags do not have
  boost::add_edge(*f, *t, Edge{std::move(why)}, graph_);
}

std::vector<StartupStep> StartupGraph::mainOrder(const SlaveFlags& flags) {
  using S = StartupStep;
  std::vector<S> steps{S::Flags, S::Libprocess, S::Version, S::Modules, S::Hooks, S::Systemd, S::Fetcher};
  if (perTypeSteps(flags)) {
    for (const auto& t : containerizerTypes(flags.containerizers)) {
      steps.push_back(t == "docker" ? S::DockerContainerizer : S::MesosContainerizer);
    }
  }
  for (S s : {S::Containerizer, S::Detector, S::Authorizer, S::Files, S::GarbageCollector, S::StatusUpdateManager,
              S::ResourceEstimator, S::QoSController, S::Slave}) {
    steps.push_back(s);
  }
  return steps;
}

StartupGraph StartupGraph::forAgent(const SlaveFlags& flags, const AgentEnvironment& env) {
  using S = StartupStep;
  StartupGraph g;
  g.flags_ = flags;
  g.env_ = env;
  const bool perType = perTypeSteps(flags);
  const auto types = containerizerTypes(flags.containerizers);

  for (S s : mainOrder(flags)) g.addStep(s);
  AGENTSIM_ASSERT(g.size() <= 20);

  // The flags are needed by everything: main() builds nothing unless they load.
  const std::map<S, std::string> flagUse{
      {S::Libprocess, "--port, --ip and --advertise_ip set LIBPROCESS_PORT, LIBPROCESS_IP, ..."},
      {S::Modules, "ModuleManager::load(flags.modules)"},
      {S::Hooks, "HookManager::initialize(flags.hooks)"},
      {S::Systemd, "flags.systemd_enable_support, flags.systemd_runtime_directory"},
      {S::MesosContainerizer, "MesosContainerizer::create(flags, local, fetcher)"},
      {S::DockerContainerizer, "DockerContainerizer::create(flags, fetcher)"},
      {S::Containerizer, "Containerizer::create(flags, false, &fetcher) reads --containerizers"},
      {S::Detector, "MasterDetector::create(flags.master, flags.master_detector)"},
      {S::Authorizer, "flags.authorizer, flags.acls"},
      {S::StatusUpdateManager, "StatusUpdateManager statusUpdateManager(flags)"},
      {S::ResourceEstimator, "ResourceEstimator::create(flags.resource_estimator)"},
      {S::QoSController, "QoSController::create(flags.qos_controller)"},
      {S::Slave, "new Slave(id, flags, ...)"},
  };
  for (std::size_t v = 1; v < g.size(); ++v) {
    auto it = flagUse.find(g.step(v));
    g.addEdge(S::Flags, g.step(v),
              it != flagUse.end() ? it->second : "main() builds nothing until flags.load() succeeds");
  }
  g.addEdge(S::Libprocess, S::Slave, "new Slave(id, ...): the id process::ID::generate(\"slave\") returned");
  g.addEdge(S::Modules, S::Hooks, "HookManager::initialize creates the hook modules ModuleManager::load loaded");
  g.addEdge(S::Modules, S::DockerContainerizer, "DockerContainerizer::create builds the --container_logger module");
  g.addEdge(S::Modules, S::MesosContainerizer, "MesosContainerizer::create builds the --isolation modules");
  if (!perType) g.addEdge(S::Modules, S::Containerizer, "Containerizer::create builds isolator and logger modules");
  g.addEdge(S::Modules, S::Detector, "MasterDetector::create builds a --master_detector module");
  g.addEdge(S::Modules, S::Authorizer, "Authorizer::create(name) builds a non-local --authorizer module");
  g.addEdge(S::Modules, S::ResourceEstimator, "ResourceEstimator::create(name) builds a --resource_estimator module");
  g.addEdge(S::Modules, S::QoSController, "QoSController::create(name) builds a --qos_controller module");
  g.addEdge(S::Hooks, S::Slave, "Slave::initialize decorates its SlaveInfo through the installed hooks");
  g.addEdge(S::Fetcher, S::DockerContainerizer, "DockerContainerizer::create(flags, &fetcher)");
  g.addEdge(S::Fetcher, S::MesosContainerizer, "MesosContainerizer::create(flags, local, &fetcher)");
  g.addEdge(S::Fetcher, S::Containerizer, "Containerizer::create(flags, false, &fetcher)");
  g.addEdge(S::DockerContainerizer, S::Containerizer,
            types.size() > 1 ? "ComposingContainerizer::create(containerizers)" : "Containerizer::create returns it");
  g.addEdge(S::MesosContainerizer, S::Containerizer,
            types.size() > 1 ? "ComposingContainerizer::create(containerizers)" : "Containerizer::create returns it");
  g.addEdge(S::Authorizer, S::Files, "Files files(READONLY_HTTP_AUTHENTICATION_REALM, authorizer_)");
  g.addEdge(S::Detector, S::Slave, "new Slave(..., detector, ...)");
  g.addEdge(S::Containerizer, S::Slave, "new Slave(..., containerizer.get(), ...)");
  g.addEdge(S::Files, S::Slave, "new Slave(..., &files, ...)");
  g.addEdge(S::GarbageCollector, S::Slave, "new Slave(..., &gc, ...)");
  g.addEdge(S::StatusUpdateManager, S::Slave, "new Slave(..., &statusUpdateManager, ...)");
  g.addEdge(S::ResourceEstimator, S::Slave, "new Slave(..., resourceEstimator.get(), ...)");
  g.addEdge(S::QoSController, S::Slave, "new Slave(..., qosController.get(), ...)");
  g.addEdge(S::Authorizer, S::Slave, "new Slave(..., authorizer_)");
  return g;
}

std::vector<std::size_t> StartupGraph::needs(std::size_t v) const {
  std::vector<std::size_t> out;
  for (auto [it, end] = boost::in_edges(v, graph_); it != end; ++it) out.push_back(boost::source(*it, graph_));
  std::sort(out.begin(), out.end());
  return out;
}

bool StartupGraph::edge(std::size_t from, std::size_t to) const { return boost::edge(from, to, graph_).second; }

StartupGraph::Order StartupGraph::defaultOrder() const {
  Order o(size());
  for (std::size_t v = 0; v < size(); ++v) o[v] = v;
  return o;
}

bool StartupGraph::isTopological(const Order& order) const {
  if (order.size() != size()) return false;
  std::vector<std::size_t> pos(size(), SIZE_MAX);
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i] >= size() || pos[order[i]] != SIZE_MAX) return false;
    pos[order[i]] = i;
  }
  for (auto [it, end] = boost::edges(graph_); it != end; ++it) {
    if (pos[boost::source(*it, graph_)] > pos[boost::target(*it, graph_)]) return false;
  }
  return true;
}

std::variant<StartupGraph::Order, OrderError> StartupGraph::validate(const std::vector<std::string>& names) const {
  std::vector<std::string> all;
  for (std::size_t v = 0; v < size(); ++v) all.emplace_back(name(v));
  Order order;
  std::vector<std::size_t> pos(size(), SIZE_MAX);
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto v = find(names[i]);
    if (!v) {
      std::string why;
      if (names[i] == "docker-containerizer" || names[i] == "mesos-containerizer") {
        why = fmt::format(" (--containerizers={} builds no such step)", flags_.containerizers);
      }
      return OrderError{i, fmt::format("\"{}\" is not a startup step of this agent{}; its steps are: {}",
                                       names[i].substr(0, 60), why, fmt::join(all, ", "))};
    }
    if (pos[*v] != SIZE_MAX) {
      return OrderError{i, fmt::format("step '{}' appears twice (first at position {})", names[i], pos[*v])};
    }
    pos[*v] = i;
    order.push_back(*v);
  }
  for (std::size_t v = 0; v < size(); ++v) {
    if (pos[v] == SIZE_MAX) {
      return OrderError{names.size(), fmt::format("step '{}' is missing; an order names each of the {} steps once: {}",
                                                  name(v), size(), fmt::join(all, ", "))};
    }
  }
  // The first step, in the proposed order, that comes before one it needs.
  for (std::size_t i = 0; i < order.size(); ++i) {
    for (std::size_t u : needs(order[i])) {
      if (pos[u] > i) {
        const auto [e, found] = boost::edge(u, order[i], graph_);
        return OrderError{i, fmt::format("step '{}' needs '{}', which comes later ({})", name(order[i]), name(u),
                                         graph_[e].why)};
      }
    }
  }
  return order;
}

std::vector<std::uint32_t> StartupGraph::predecessorMasks() const {
  std::vector<std::uint32_t> preds(size(), 0);
  for (std::size_t v = 0; v < size(); ++v) {
    for (std::size_t u : needs(v)) preds[v] |= 1u << u;
  }
  return preds;
}

std::uint64_t StartupGraph::countOrders() const { return topo::count(predecessorMasks()); }

StartupGraph::Order StartupGraph::sample(sim::Rng& rng) const {
  Order o = topo::sample(predecessorMasks(), rng);
  AGENTSIM_ASSERT(isTopological(o));
  return o;
}

topo::Sampler StartupGraph::sampler() const { return topo::Sampler(predecessorMasks()); }

std::vector<StartupGraph::Order> StartupGraph::orders(std::size_t max, sim::Rng& rng) const {
  return topo::orders(predecessorMasks(), max, rng);
}

namespace topo {

namespace {
// Orders of the vertices not in `placed`, memoised by `placed` (the visited sets are
// the down-closed sets of the DAG, far fewer than 2^n).
class Counter {
 public:
  explicit Counter(const std::vector<std::uint32_t>& preds) : preds_(preds) {
    AGENTSIM_ASSERT(preds.size() <= 20);
    full_ = static_cast<std::uint32_t>((1u << preds.size()) - 1);
  }
  bool available(std::uint32_t placed, std::size_t v) const {
    return (placed & (1u << v)) == 0 && (preds_[v] & ~placed) == 0;
  }
  std::uint64_t completions(std::uint32_t placed) {
    if (placed == full_) return 1;
    auto it = memo_.find(placed);
    if (it != memo_.end()) return it->second;
    std::uint64_t n = 0;
    for (std::size_t v = 0; v < preds_.size(); ++v) {
      if (available(placed, v)) n += completions(placed | (1u << v));
    }
    memo_.emplace(placed, n);
    return n;
  }
  std::size_t size() const { return preds_.size(); }

 private:
  const std::vector<std::uint32_t>& preds_;
  std::uint32_t full_ = 0;
  std::map<std::uint32_t, std::uint64_t> memo_;
};
}  // namespace

std::uint64_t count(const std::vector<std::uint32_t>& preds) { return Counter(preds).completions(0); }

namespace {
std::vector<std::size_t> sampleWith(Counter& c, sim::Rng& rng) {
  std::vector<std::size_t> order;
  std::uint32_t placed = 0;
  while (order.size() < c.size()) {
    const std::uint64_t total = c.completions(placed);
    AGENTSIM_ASSERT(total > 0);  // a cycle leaves no available vertex
    std::uint64_t r = rng.below(total);
    for (std::size_t v = 0; v < c.size(); ++v) {
      if (!c.available(placed, v)) continue;
      const std::uint64_t n = c.completions(placed | (1u << v));
      if (r < n) {
        order.push_back(v);
        placed |= 1u << v;
        break;
      }
      r -= n;
    }
  }
  return order;
}
}  // namespace

std::vector<std::size_t> sample(const std::vector<std::uint32_t>& preds, sim::Rng& rng) {
  Counter c(preds);
  return sampleWith(c, rng);
}

struct Sampler::Impl {
  explicit Impl(std::vector<std::uint32_t> p) : preds(std::move(p)) {}
  std::vector<std::uint32_t> preds;
  Counter counter{preds};  // after preds, which it reads
};

Sampler::Sampler(std::vector<std::uint32_t> preds) : impl_(std::make_shared<Impl>(std::move(preds))) {}

std::vector<std::size_t> Sampler::sample(sim::Rng& rng) const { return sampleWith(impl_->counter, rng); }

std::vector<std::vector<std::size_t>> orders(const std::vector<std::uint32_t>& preds, std::size_t max,
                                              sim::Rng& rng) {
  std::vector<std::vector<std::size_t>> out;
  Counter c(preds);
  if (c.completions(0) <= max) {
    std::vector<std::size_t> current;
    std::uint32_t placed = 0;
    // Depth first, smallest available vertex first: lexicographic order.
    auto walk = [&](auto& self) -> void {
      if (current.size() == c.size()) {
        out.push_back(current);
        return;
      }
      for (std::size_t v = 0; v < c.size(); ++v) {
        if (!c.available(placed, v)) continue;
        current.push_back(v);
        placed |= 1u << v;
        self(self);
        placed &= ~(1u << v);
        current.pop_back();
      }
    };
    walk(walk);
    return out;
  }
  std::set<std::vector<std::size_t>> seen;
  for (std::size_t attempts = 0; out.size() < max && attempts < max * 20; ++attempts) {
    std::vector<std::size_t> o = sample(preds, rng);
    if (seen.insert(o).second) out.push_back(std::move(o));
  }
  return out;
}

}  // namespace topo

StartupGraphData StartupGraph::data(const Order& order, std::string agent, bool customOrder) const {
  using S = StartupStep;
  StartupGraphData d;
  d.agent = std::move(agent);
  d.custom_order = customOrder;
  const SlaveFlags& f = flags_;
  const auto types = containerizerTypes(f.containerizers);
  const bool perType = perTypeSteps(f);
  for (std::size_t v = 0; v < size(); ++v) {
    StartupStepData s;
    s.name = std::string(name(v));
    switch (step(v)) {
      case S::Flags:
        s.call = "slave::Flags flags; flags.load(\"MESOS_\", argc, argv)";
        s.ref = kMainRef;
        s.builds = "the agent's flags, every one with a Mesos default or the value given";
        s.about =
            "main() first reads its flags from the command line and MESOS_* environment variables. A flag without "
            "a default that is not an Option is required: in 1.1 that is --work_dir. main() then insists on a way "
            "to find the master. On any of these errors it prints the usage text and returns EXIT_FAILURE. "
            "Before the errors, --help prints the usage text and --version \"mesos 1.1.0\", and main() returns "
            "EXIT_SUCCESS.";
        s.flags = {"help", "version", "work_dir", "master"};
        s.failures = {
            {"--work_dir is not given", "Flag 'work_dir' is required, but it was not provided"},
            {"neither --master nor --master_detector is given",
             "Missing required option `--master` or `--master_detector`."},
        };
        break;
      case S::Libprocess:
        s.call = "process::ID::generate(\"slave\"); process::initialize(id, READWRITE realm, READONLY realm)";
        s.ref = "3rdparty/libprocess/src/process.cpp: process::initialize";
        s.builds = "the agent's process id slave(1) and libprocess, with the HTTP authentication realms "
                   "mesos-agent-readwrite and mesos-agent-readonly";
        s.about =
            "The id is generated now and handed to the Slave at the end. process::initialize must be the first "
            "call into libprocess: spawning any process initialises libprocess implicitly, without the realms, and "
            "then this call returns false. No edge of the graph says so, which is why an order that spawns a "
            "process (version, fetcher, a containerizer, the detector, files, gc, the status update manager) "
            "before this step is legal in the graph and fails at run time.";
        s.flags = {"port", "logging_level"};
        s.failures = {{"a process was spawned before this step",
                       "The call to `process::initialize()` in the agent's `main()` was not the function's first "
                       "invocation"},
                      {"--logging_level is not INFO, WARNING or ERROR (logging::initialize, right after)",
                       "'LEVEL' is not a valid logging level. Possible values for 'logging_level' flag are: "
                       "'INFO', 'WARNING', 'ERROR'."}};
        break;
      case S::Version:
        s.call = "spawn(new VersionProcess(), true)";
        s.ref = "src/version/version.cpp: VersionProcess";
        s.builds = "VersionProcess, process version";
        s.processes = {"version"};
        s.about = "The process behind GET /version. main() logs the build (date, user, version, git tag and SHA) "
                  "around here. Nothing depends on it.";
        break;
      case S::Modules:
        s.call = "ModuleManager::load(flags.modules)";
        s.ref = "src/module/manager.cpp: ModuleManager::load";
        s.builds = f.modules.empty() ? "nothing (no --modules)" : "loaded modules: " + f.modules;
        s.about =
            "Modules must be loaded before anything that may be built from one: hooks, isolators, the master "
            "detector, the authorizer, the resource estimator and the QoS controller. main() then creates the "
            "anonymous modules. agentsim takes --modules as a list of module names from its catalogue, not "
            "Mesos's JSON manifest.";
        s.flags = {"modules"};
        s.failures = {{"--modules names a module that cannot be loaded",
                       "Error loading modules: Error loading module 'NAME': no module of that name in agentsim's "
                       "catalogue (known: org_apache_mesos_TestHook)"}};
        break;
      case S::Hooks:
        s.call = "HookManager::initialize(flags.hooks)";
        s.ref = "src/hook/manager.cpp: HookManager::initialize";
        s.builds = f.hooks.empty() ? "nothing (no --hooks)" : "installed hooks: " + f.hooks;
        s.about = "Each hook must be a loaded module of kind Hook. The agent calls hooks at documented points: "
                  "Slave::initialize asks them to decorate its resources and attributes.";
        s.flags = {"hooks"};
        s.failures = {
            {"a hook is not a loaded Hook module", "Error installing hooks: No hook module named 'NAME' available"},
            {"a hook is named twice", "Error installing hooks: Hook module 'NAME' already loaded"},
        };
        break;
      case S::Systemd:
        s.call = "systemd::initialize(systemdFlags), if flags.systemd_enable_support && systemd::exists()";
        s.ref = "src/linux/systemd.cpp: systemd::initialize";
        s.builds = !f.systemd_enable_support ? "nothing (--systemd_enable_support=false)"
                   : !env_.systemd           ? "nothing (the host has no systemd)"
                                             : "systemd support: the mesos_executors.slice for executors";
        s.about = "Linux only. With systemd, executors are moved into their own slice so that they outlive an "
                  "agent restart (MESOS-3352). A simulated host has systemd when the scenario's agent says "
                  "\"systemd\": true.";
        s.flags = {"systemd_enable_support", "systemd_runtime_directory"};
        s.failures = {{"--systemd_runtime_directory does not exist on a host with systemd",
                       "Failed to initialize systemd: Failed to locate systemd runtime directory: DIR"}};
        break;
      case S::Fetcher:
        s.call = "Fetcher fetcher;";
        s.ref = "src/slave/containerizer/fetcher.cpp: Fetcher::Fetcher";
        s.builds = "Fetcher, process fetcher(1)";
        s.processes = {"fetcher(1)"};
        s.about = "Downloads a task's URIs into its sandbox before its container starts, through a cache "
                  "(--fetcher_cache_size). The containerizers get a pointer to it.";
        s.flags = {"fetcher_cache_size", "fetcher_cache_dir"};
        break;
      case S::DockerContainerizer:
        s.call = "DockerContainerizer::create(flags, fetcher), inside Containerizer::create";
        s.ref = "src/slave/containerizer/docker.cpp: DockerContainerizer::create";
        s.builds = "DockerContainerizer, process docker-containerizer(1)";
        s.processes = {"docker-containerizer(1)"};
        s.about = "Before it builds anything, Docker::create asks the docker daemon for its version and waits "
                  "up to DOCKER_VERSION_WAIT_TIMEOUT (5secs). A simulated host has a docker daemon when the "
                  "scenario's agent says \"docker\": true.";
        s.flags = {"containerizers"};
        s.failures = {{"no docker daemon answers within 5secs",
                       "Failed to create a containerizer: Could not create DockerContainerizer: Failed to create "
                       "docker: Timed out getting docker version"}};
        break;
      case S::MesosContainerizer:
        s.call = "MesosContainerizer::create(flags, local, fetcher), inside Containerizer::create";
        s.ref = "src/slave/containerizer/mesos/containerizer.cpp: MesosContainerizer::create";
        s.builds = "MesosContainerizer, process mesos-containerizer(1)";
        s.processes = {"mesos-containerizer(1)"};
        s.about = "The default containerizer: a launcher and isolators (--isolation). --isolation=process and "
                  "=cgroups are rewritten (deprecated); filesystem/posix and network/cni are added unless a "
                  "filesystem/ or network/ isolator is named; the isolators are created in std::set order. "
                  "agentsim's containers are fakes with a launch latency, a run time and an exit status; of the "
                  "isolators only disk/du (or posix/disk, its old name) acts.";
        s.flags = {"containerizers", "isolation"};
        s.failures = {
            {"--isolation names posix/disk and disk/du",
             "Failed to create a containerizer: Could not create MesosContainerizer: Using 'posix/disk' and "
             "'disk/du' simultaneously is disallowed"},
            {"--isolation names an isolator twice",
             "Failed to create a containerizer: Could not create MesosContainerizer: Duplicate entries found in "
             "--isolation flag '[ LIST ]'"},
            {"--isolation names an isolator Mesos 1.1 does not have",
             "Failed to create a containerizer: Could not create MesosContainerizer: Failed to create isolator "
             "'NAME': Unknown or unsupported isolator"},
            {"--isolation names gpu/nvidia (no host has NVML)",
             "Failed to create a containerizer: Could not create MesosContainerizer: Failed to create isolator "
             "'gpu/nvidia': Cannot create the Nvidia GPU isolator: NVML is not available"},
        };
        break;
      case S::Containerizer: {
        s.call = "Containerizer::create(flags, false, &fetcher)";
        s.ref = "src/slave/containerizer/containerizer.cpp: Containerizer::create";
        if (!perType) {
          s.builds = fmt::format("nothing: --containerizers={} does not pass Containerizer::create's checks",
                                 f.containerizers);
        } else if (types.size() == 1) {
          s.builds = fmt::format("the {} containerizer, as is", types.front());
        } else {
          s.builds = fmt::format("ComposingContainerizer over {}, process composing-containerizer(1)",
                                 fmt::join(types, ", "));
          s.processes = {"composing-containerizer(1)"};
        }
        s.about =
            "Splits --containerizers on commas into a std::set, so duplicates are an error and the types are "
            "built in alphabetical order; one containerizer is returned as is, several are composed in that "
            "order (docker before mesos, whatever the flag's order: an inference from the code, "
            "reference/mesos-agent.md §1 and §10).";
        s.flags = {"containerizers"};
        s.failures = {
            {"--containerizers names a type twice",
             "Failed to create a containerizer: Duplicate entries found in --containerizer flag 'LIST'"},
            {"--containerizers names a type other than mesos or docker",
             "Failed to create a containerizer: Unknown or unsupported containerizer: TYPE"},
        };
        if (!perType && std::find(types.begin(), types.end(), "docker") != types.end()) {
          s.failures.push_back({"no docker daemon answers within 5secs",
                                "Failed to create a containerizer: Could not create DockerContainerizer: Failed to "
                                "create docker: Timed out getting docker version"});
        }
        break;
      }
      case S::Detector:
        s.call = "MasterDetector::create(flags.master, flags.master_detector)";
        s.ref = "src/master/detector/detector.cpp: MasterDetector::create";
        s.builds = f.master.rfind("zk://", 0) == 0
                       ? "ZooKeeperMasterDetector, processes zookeeper-group(1), zookeeper-leader-detector(1), "
                         "zookeeper-master-detector(1)"
                       : fmt::format("StandaloneMasterDetector for {}, process standalone-master-detector(1)",
                                     orNone(f.master));
        s.processes = detectorProcesses(f.master);
        s.about = "zk://... gives a ZooKeeperMasterDetector; anything else is parsed as a master's UPID "
                  "(\"master@\" is prepended when missing) and gives a StandaloneMasterDetector with that fixed "
                  "leader. The Slave asks it who leads once recovery is over.";
        s.flags = {"master"};
        s.failures = {{"--master is neither a zk:// URL nor a UPID",
                       "Failed to create a master detector: Failed to parse 'MASTER'"},
                      {"a zk:// URL with the path '/'",
                       "Failed to create a master detector: Expecting a (chroot) path for ZooKeeper ('/' is not "
                       "supported)"}};
        break;
      case S::Authorizer:
        s.call = "Authorizer::create(flags.authorizer) or Authorizer::create(flags.acls)";
        s.ref = "src/authorizer/authorizer.cpp: Authorizer::create";
        s.builds = f.authorizer != "local" ? fmt::format("the '{}' authorizer module", f.authorizer)
                                           : "nothing (--authorizer=local and no --acls: no authorizer)";
        s.about = "A non-local --authorizer names a module. With the default local authorizer, an authorizer "
                  "exists only if --acls is given (not modelled yet). On success main() installs libprocess's "
                  "HTTP authorization callbacks; Files and the Slave get the authorizer.";
        s.flags = {"authorizer"};
        s.failures = {{"--authorizer names a module that is not loaded",
                       fmt::format("Could not create '{}' authorizer: Module '{}' unknown",
                                   f.authorizer == "local" ? "NAME" : f.authorizer,
                                   f.authorizer == "local" ? "NAME" : f.authorizer)}};
        break;
      case S::Files:
        s.call = "Files files(READONLY_HTTP_AUTHENTICATION_REALM, authorizer_)";
        s.ref = "src/files/files.cpp: Files::Files";
        s.builds = "Files, process files";
        s.processes = {"files"};
        s.about = "Serves sandboxes and logs over HTTP (/files/browse, /files/read); the agent attaches each "
                  "executor's sandbox to it.";
        break;
      case S::GarbageCollector:
        s.call = "GarbageCollector gc;";
        s.ref = "src/slave/gc.cpp: GarbageCollector::GarbageCollector";
        s.builds = "GarbageCollector, process agent-garbage-collector(1)";
        s.processes = {"agent-garbage-collector(1)"};
        s.about = "Removes finished executors' sandboxes after --gc_delay, sooner when the disk fills up "
                  "(Slave::checkDiskUsage prunes every --disk_watch_interval).";
        s.flags = {"gc_delay"};
        break;
      case S::StatusUpdateManager:
        s.call = "StatusUpdateManager statusUpdateManager(flags);";
        s.ref = "src/slave/status_update_manager.cpp: StatusUpdateManager::StatusUpdateManager";
        s.builds = "StatusUpdateManager, process status-update-manager(1)";
        s.processes = {"status-update-manager(1)"};
        s.about = "Checkpoints task status updates and sends them to the master reliably, one per task at a time, "
                  "until acknowledged. Slave::initialize wires its forward callback to Slave::forward.";
        break;
      case S::ResourceEstimator:
        s.call = "ResourceEstimator::create(flags.resource_estimator)";
        s.ref = "src/slave/resource_estimator.cpp: ResourceEstimator::create";
        s.builds = f.resource_estimator.empty()
                       ? "NoopResourceEstimator (its process noop-resource-estimator(1) starts in Slave::initialize)"
                       : fmt::format("the '{}' resource estimator module", f.resource_estimator);
        s.about = "Estimates oversubscribable resources. Without the flag it is the noop estimator. main() reports "
                  "a failure with cerr and `return EXIT_FAILURE`, not EXIT.";
        s.flags = {"resource_estimator"};
        s.failures = {{"--resource_estimator names a module that is not loaded",
                       fmt::format("Failed to create resource estimator: Failed to create resource estimator module "
                                   "'{0}': Module '{0}' unknown",
                                   f.resource_estimator.empty() ? "NAME" : f.resource_estimator)}};
        break;
      case S::QoSController:
        s.call = "QoSController::create(flags.qos_controller)";
        s.ref = "src/slave/qos_controller.cpp: QoSController::create";
        s.builds = f.qos_controller.empty()
                       ? "NoopQoSController (its process qos-noop-controller(1) starts in Slave::initialize)"
                       : fmt::format("the '{}' QoS controller module", f.qos_controller);
        s.about = "Decides when revocable tasks must be killed to protect the others. Without the flag it is the "
                  "noop controller. A failure is reported with cerr and `return EXIT_FAILURE`.";
        s.flags = {"qos_controller"};
        s.failures = {{"--qos_controller names a module that is not loaded",
                       fmt::format("Failed to create QoS Controller: Failed to create QoS Controller module '{0}': "
                                   "Module '{0}' unknown",
                                   f.qos_controller.empty() ? "NAME" : f.qos_controller)}};
        break;
      case S::Slave:
        s.call = "new Slave(id, flags, detector, containerizer, &files, &gc, &statusUpdateManager, "
                 "resourceEstimator, qosController, authorizer_); process::spawn(slave)";
        s.ref = kMainRef;
        s.builds = "Slave, process slave(1); Slave::initialize runs as its first event";
        s.processes = {"slave(1)"};
        s.about = "The constructor only stores what it is given (state RECOVERING). Slave::initialize validates "
                  "more flags, starts the estimator and the QoS controller, builds SlaveInfo, and starts recovery; "
                  "master detection starts when recovery is over. main() then waits for the Slave to terminate.";
        s.flags = {"registration_backoff_factor", "gc_disk_headroom", "work_dir", "resources", "disk_watch_interval"};
        s.failures = {
            {"--registration_backoff_factor is above 1mins (Slave::initialize)",
             "Invalid value 'VALUE' for --registration_backoff_factor: Must be less than 1mins"},
            {"--gc_disk_headroom is outside [0.0, 1.0] (Slave::initialize)",
             "Invalid value 'VALUE' for --gc_disk_headroom. Must be between 0.0 and 1.0"},
        };
        break;
    }
    d.steps.push_back(std::move(s));
  }
  for (std::size_t v = 0; v < size(); ++v) {
    for (std::size_t u : needs(v)) {
      const auto [e, found] = boost::edge(u, v, graph_);
      d.edges.push_back(StartupEdgeData{std::string(name(u)), std::string(name(v)), graph_[e].why});
    }
  }
  std::stable_sort(d.edges.begin(), d.edges.end(), [&](const StartupEdgeData& a, const StartupEdgeData& b) {
    return *find(a.from) < *find(b.from);
  });
  for (std::size_t v : order) d.order.emplace_back(name(v));
  d.notes = {
      "main.cpp also sets up the Windows socket stack, logging::initialize, firewall rules (--firewall_rules) and "
      "anonymous modules; agentsim does not model them.",
      "libprocess must come before every step that spawns a process; the graph has no such edges, so some "
      "topological orders fail at run time (see the libprocess step).",
      "Mesos 1.2+ make Fetcher, GarbageCollector and Files heap objects, 1.4 adds SecretResolver::create before "
      "the containerizer, 1.5 moves the GarbageCollector before Containerizer::create (reference/mesos-agent.md §1).",
  };
  return d;
}

}  // namespace agentsim::model
