#include "model/slave/main.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "model/slave/containerizer/composing.hpp"
#include "model/slave/containerizer/docker.hpp"
#include "model/slave/containerizer/fetcher.hpp"
#include "model/files/files.hpp"
#include "model/slave/gc.hpp"
#include "model/hook/manager.hpp"
#include "model/master/detector/detector.hpp"
#include "model/slave/containerizer/mesos/containerizer.hpp"
#include "model/slave/containerizer/mesos/isolation.hpp"
#include "model/module/manager.hpp"
#include "model/slave/qos_controller.hpp"
#include "model/slave/resource_estimator.hpp"
#include "model/slave/slave.hpp"
#include "model/slave/status_update_manager.hpp"
#include "model/version/version.hpp"

namespace agentsim::model {

namespace {

const std::string kMainRef = "src/slave/main.cpp: main";
// systemd::exists() looks here; a host with systemd has it.
const std::string kSystemdRuntimeDirectory = "/run/systemd/system";

// What one step did: built something, failed, or must wait (as main() blocks) and then
// carry on with `then`.
struct StepResult {
  enum class Kind { Done, Failed, Wait, Returned };
  Kind kind = Kind::Done;
  std::string text;  // what it built, or the failure message
  sim::Duration wait;
  std::function<StepResult()> then;
  // Done: what it built, formatted only when the step's record is built (then `text` is
  // unused). It runs right after the step, before the next one.
  std::function<std::string()> describe;

  static StepResult done(std::string built) { return {Kind::Done, std::move(built), {}, {}, {}}; }
  static StepResult doneAs(std::function<std::string()> describe) {
    return {Kind::Done, {}, {}, {}, std::move(describe)};
  }
  static StepResult failed(std::string message) { return {Kind::Failed, std::move(message), {}, {}, {}}; }
  // main() returns EXIT_SUCCESS here (--help, --version), having printed `message`.
  static StepResult returned(std::string message) { return {Kind::Returned, std::move(message), {}, {}, {}}; }
  static StepResult waitFor(sim::Duration d, std::function<StepResult()> then) {
    return {Kind::Wait, {}, d, std::move(then), {}};
  }
};

// One boot of main(): walks the graph, keeps what the steps built until the Slave
// takes it. Shared with the events it schedules; a crash of the host ends it.
class StartupRun : public std::enable_shared_from_this<StartupRun> {
 public:
  StartupRun(sim::Host& host, SlaveFlags flags, AgentEnvironment env, std::vector<StartupStep> order,
             std::map<std::string, std::map<std::string, std::string>> moduleParameters, ACLs acls,
             std::shared_ptr<sim::FaultSites> faults, std::shared_ptr<const PlantedBugs> bugs)
      : host_(host),
        incarnation_(host.incarnation()),
        flags_(std::move(flags)),
        env_(env),
        order_(std::move(order)),
        hooks_(std::make_shared<HookManager>()),
        acls_(std::move(acls)),
        faults_(std::move(faults)),
        bugs_(std::move(bugs)) {
    modules_.setParameters(std::move(moduleParameters));
  }

  // Runs steps until one waits, fails, or the Slave is spawned.
  void advance() {
    while (next_ < order_.size()) {
      const std::size_t v = next_;
      // The processes before the step, for its record's `processes` (only when it is read).
      before_ = host_.sim().trace().wants(sim::RecordKind::Startup, name(v)) ? processIds()
                                                                                     : std::vector<std::string>{};
      if (!finish(v, run(order_[v]))) return;
    }
  }

  const std::string& failure() const { return failure_; }
  bool gauges = false;  // AgentOptions::gauges, handed to the Slave
  bool task_records = false;  // AgentOptions::task_records, likewise

 private:
  std::string_view name(std::size_t v) const { return stepName(order_[v]); }

  // Records a step's outcome; false when the walk stops (failed or waiting).
  bool finish(std::size_t v, StepResult r) {
    switch (r.kind) {
      case StepResult::Kind::Done: {
        if (!host_.sim().tracing(sim::RecordKind::Startup, name(v))) {  // nobody reads it: counted unbuilt
          ++next_;
          return true;
        }
        sim::Fields f{{"position", static_cast<std::int64_t>(next_ + 1)},
                      {"steps", static_cast<std::int64_t>(order_.size())},
                      {"builds", r.describe ? r.describe() : r.text}};
        const std::vector<std::string> spawned = newProcesses();
        if (!spawned.empty()) f.push_back({"processes", fmt::format("{}", fmt::join(spawned, ", "))});
        host_.sim().emit(sim::RecordKind::Startup, nullptr, host_.name(), std::string(name(v)), std::move(f),
                         ref(order_[v]));
        ++next_;
        return true;
      }
      case StepResult::Kind::Failed:
        failure_ = r.text;
        exitAgent(host_, name(v), r.text, kMainRef, nullptr,
                  {{"position", static_cast<std::int64_t>(next_ + 1)},
                   {"steps", static_cast<std::int64_t>(order_.size())}});
        return false;
      case StepResult::Kind::Returned: {
        sim::Fields f{{"position", static_cast<std::int64_t>(next_ + 1)},
                      {"steps", static_cast<std::int64_t>(order_.size())},
                      {"failed", false},
                      {"message", r.text},
                      {"exit_code", std::int64_t{0}}};
        host_.sim().emit(sim::RecordKind::Startup, nullptr, host_.name(), std::string(name(v)), std::move(f),
                         kMainRef, kAgentExitTopic);
        for (sim::Process* p : host_.processesOf("")) host_.sim().terminate(*p);
        return false;
      }
      case StepResult::Kind::Wait: {
        auto self = shared_from_this();
        host_.sim().at(host_.sim().now() + r.wait, "main", [self, v, then = std::move(r.then)] {
          if (!self->host_.up() || self->host_.incarnation() != self->incarnation_) return;  // crashed meanwhile
          if (self->finish(v, then())) self->advance();
        });
        return false;
      }
    }
    return false;
  }

  std::vector<std::string> processIds() const {
    std::vector<std::string> ids;
    for (const sim::Process* p : host_.processesOf("")) ids.emplace_back(p->id());
    return ids;
  }

  std::vector<std::string> newProcesses() const {
    std::vector<std::string> out;
    for (const std::string& id : processIds()) {
      if (std::find(before_.begin(), before_.end(), id) == before_.end()) out.push_back(id);
    }
    return out;
  }

  static std::string ref(StartupStep s) {
    switch (s) {
      case StartupStep::Flags: return kMainRef;
      case StartupStep::Libprocess: return "3rdparty/libprocess/src/process.cpp: process::initialize";
      case StartupStep::Version: return "src/version/version.cpp: VersionProcess";
      case StartupStep::Modules: return "src/module/manager.cpp: ModuleManager::load";
      case StartupStep::Hooks: return "src/hook/manager.cpp: HookManager::initialize";
      case StartupStep::Systemd: return "src/linux/systemd.cpp: systemd::initialize";
      case StartupStep::Fetcher: return "src/slave/containerizer/fetcher.cpp: Fetcher::Fetcher";
      case StartupStep::DockerContainerizer: return "src/slave/containerizer/docker.cpp: DockerContainerizer::create";
      case StartupStep::MesosContainerizer:
        return "src/slave/containerizer/mesos/containerizer.cpp: MesosContainerizer::create";
      case StartupStep::Containerizer: return "src/slave/containerizer/containerizer.cpp: Containerizer::create";
      case StartupStep::Detector: return "src/master/detector/detector.cpp: MasterDetector::create";
      case StartupStep::Authorizer: return "src/authorizer/authorizer.cpp: Authorizer::create";
      case StartupStep::Files: return "src/files/files.cpp: Files::Files";
      case StartupStep::GarbageCollector: return "src/slave/gc.cpp: GarbageCollector::GarbageCollector";
      case StartupStep::StatusUpdateManager:
        return "src/slave/status_update_manager.cpp: StatusUpdateManager::StatusUpdateManager";
      case StartupStep::ResourceEstimator: return "src/slave/resource_estimator.cpp: ResourceEstimator::create";
      case StartupStep::QoSController: return "src/slave/qos_controller.cpp: QoSController::create";
      case StartupStep::Slave: return kMainRef;
    }
    return kMainRef;
  }

  template <typename P, typename... Args>
  P& spawn(Args&&... args) {
    return host_.sim().spawn<P>(host_, std::forward<Args>(args)...);
  }

  // main(): flags.load("MESOS_", argc, argv) (FlagsBase::load), then --help and --version
  // (EXIT_SUCCESS, before the load's error is looked at), then the load's error, then
  // main()'s own checks of the flags, before libprocess.
  StepResult loadFlags() {
    // FlagsBase::load walks the flags in name order and stops at the first it refuses
    // (the harness kept each refusal, model::loadAgentFlag): a flag named before it loaded.
    const auto& errors = flags_.load_errors;
    const auto loaded = [&](std::string_view name) { return errors.empty() || name < errors.begin()->first; };
    if (flags_.help && loaded("help")) return StepResult::returned("Usage: mesos-agent [options]");
    if (flags_.version && loaded("version")) return StepResult::returned(fmt::format("mesos {}", kMesosVersion));
    // cerr << flags.usage(load.error()); return EXIT_FAILURE.
    if (!errors.empty()) return StepResult::failed(errors.begin()->second);
    // FlagsBase::load's last loop, over the flags in name order: for each, "is required"
    // if it has no value, then its validator. 1.1.3's --executor_reregistration_timeout
    // (src/slave/flags.cpp) has one, and sorts before work_dir, the one required flag.
    if (flags_.executor_reregistration_timeout > kMaxExecutorReregistrationTimeout) {
      return StepResult::failed(fmt::format("Expected `--executor_reregistration_timeout` to be not more than {}",
                                            sim::format(kMaxExecutorReregistrationTimeout)));
    }
    if (flags_.work_dir.empty()) return StepResult::failed("Flag 'work_dir' is required, but it was not provided");
    if (flags_.master.empty() && flags_.master_detector.empty()) {
      return StepResult::failed("Missing required option `--master` or `--master_detector`.");
    }
    if (!flags_.master.empty() && !flags_.master_detector.empty()) {
      return StepResult::failed("Only one of --master or --master_detector options should be specified.");
    }
    // EXIT(EXIT_FAILURE) << flags.usage(...), before libprocess is initialised.
    if (!flags_.ip_discovery_command.empty() && !flags_.ip.empty()) {
      return StepResult::failed("Only one of `--ip` or `--ip_discovery_command` should be specified");
    }
    return StepResult::doneAs([this] {
      return fmt::format("slave::Flags loaded (--master={}, --work_dir={})",
                         flags_.master.empty() ? flags_.master_detector : flags_.master, flags_.work_dir);
    });
  }

  StepResult run(StartupStep s) {
    switch (s) {
      case StartupStep::Flags:
        return loadFlags();
      case StartupStep::Libprocess:
        if (!host_.processesOf("").empty()) {
          return StepResult::failed(
              "The call to `process::initialize()` in the agent's `main()` was not the function's first invocation");
        }
        // logging::initialize(argv[0], flags, true) follows process::initialize at once
        // (src/logging/logging.cpp): the only check agentsim has of it.
        if (flags_.logging_level != "INFO" && flags_.logging_level != "WARNING" && flags_.logging_level != "ERROR") {
          return StepResult::failed(fmt::format("'{}' is not a valid logging level. Possible values for "
                                                "'logging_level' flag are: 'INFO', 'WARNING', 'ERROR'.",
                                                flags_.logging_level));
        }
        return StepResult::doneAs([this] {
          return fmt::format("libprocess on {}:{}; id slave(1) for the agent", host_.name(), host_.port());
        });
      case StartupStep::Version:
        spawn<VersionProcess>();
        return StepResult::doneAs([] { return fmt::format("VersionProcess (Mesos {})", kMesosVersion); });
      case StartupStep::Modules: {
        // main(): EXIT(EXIT_FAILURE) << flags.usage(...) with both; ModuleManager::load(dir)
        // reads the manifests a directory holds: an agentsim host holds none.
        if (!flags_.modules.empty() && !flags_.modules_dir.empty()) {
          return StepResult::failed("Only one of --modules or --modules_dir should be specified");
        }
        if (flags_.modules.empty()) {
          return StepResult::done(flags_.modules_dir.empty() ? "nothing (no --modules)"
                                                             : "nothing (no module manifests in --modules_dir)");
        }
        auto loaded = modules_.load(flags_.modules);
        if (loaded.isError()) return StepResult::failed("Error loading modules: " + loaded.error());
        return StepResult::done(fmt::format("modules {}", fmt::join(modules_.loaded(), ", ")));
      }
      case StartupStep::Hooks: {
        if (flags_.hooks.empty()) return StepResult::done("nothing (no --hooks)");
        auto installed = hooks_->initialize(flags_.hooks, modules_);
        if (installed.isError()) return StepResult::failed("Error installing hooks: " + installed.error());
        return StepResult::done(fmt::format("hooks {}", fmt::join(hooks_->hooks(), ", ")));
      }
      case StartupStep::Systemd:
        if (!flags_.systemd_enable_support) return StepResult::done("nothing (--systemd_enable_support=false)");
        if (!env_.systemd) return StepResult::done("nothing (systemd::exists() is false on this host)");
        if (flags_.systemd_runtime_directory != kSystemdRuntimeDirectory) {
          return StepResult::failed("Failed to initialize systemd: Failed to locate systemd runtime directory: " +
                                    flags_.systemd_runtime_directory);
        }
        return StepResult::done("systemd support; executors go to mesos_executors.slice");
      case StartupStep::Fetcher:
        fetcher_ = &spawn<Fetcher>(flags_.fetcher_cache_size, flags_.fetcher_cache_dir);
        fetcher_->setFaults(faults_);
        return StepResult::done("Fetcher");
      case StartupStep::DockerContainerizer:
        return createType("docker");
      case StartupStep::MesosContainerizer:
        return createType("mesos");
      case StartupStep::Containerizer:
        return createContainerizer();
      case StartupStep::Detector: {
        if (!flags_.master_detector.empty()) {
          // MasterDetector::create(None, masterDetectorModule): ModuleManager::create<MasterDetector>.
          // agentsim's catalogue has no MasterDetector module: it always fails.
          auto module = modules_.create(flags_.master_detector, "MasterDetector");
          return StepResult::failed("Failed to create a master detector: " +
                                    (module.isError() ? module.error() : "no MasterDetector module in agentsim"));
        }
        auto detector = createMasterDetector(host_, flags_.master, flags_.zk_session_timeout);
        if (detector.isError()) {
          std::string message = detector.error();
          if (message.rfind("Failed to create a master detector", 0) != 0 &&
              message.rfind("Missing required option", 0) != 0) {
            message = "Failed to create a master detector: " + message;
          }
          return StepResult::failed(message);
        }
        detector_ = *detector;
        std::string cls(detector_->className());
        if (cls.size() > 7 && cls.compare(cls.size() - 7, 7, "Process") == 0) cls.resize(cls.size() - 7);
        return StepResult::doneAs([this, cls] { return fmt::format("{} for --master={}", cls, flags_.master); });
      }
      case StartupStep::Authorizer: {
        if (flags_.authorizer == "local") {
          if (acls_.empty()) return StepResult::done("nothing (--authorizer=local and no --acls)");
          authorizer_ = std::make_shared<const LocalAuthorizer>(acls_);
          return StepResult::done(fmt::format("LocalAuthorizer with {} run_tasks ACL(s), permissive={}",
                                              acls_.run_tasks.size(), acls_.permissive ? "true" : "false"));
        }
        auto module = modules_.create(flags_.authorizer, "Authorizer");
        if (module.isError()) {
          return StepResult::failed(fmt::format("Could not create '{}' authorizer: {}", flags_.authorizer,
                                                module.error()));
        }
        return StepResult::failed(fmt::format("Could not create '{}' authorizer: not modelled yet", flags_.authorizer));
      }
      case StartupStep::Files:
        files_ = &spawn<Files>(false);
        return StepResult::done("Files");
      case StartupStep::GarbageCollector:
        gc_ = &spawn<GarbageCollector>();
        gc_->setFaults(faults_);
        return StepResult::done("GarbageCollector");  // names the class
      case StartupStep::StatusUpdateManager:
        statusUpdateManager_ = &spawn<StatusUpdateManager>(bugs_);
        statusUpdateManager_->setFaults(faults_);
        return StepResult::done("StatusUpdateManager");
      case StartupStep::ResourceEstimator: {
        auto estimator = createResourceEstimator(flags_.resource_estimator, modules_);
        if (estimator.isError()) return StepResult::failed("Failed to create resource estimator: " + estimator.error());
        estimator_ = std::move(estimator).get();
        return StepResult::done(std::string(estimator_->name()));
      }
      case StartupStep::QoSController: {
        auto controller = createQoSController(flags_.qos_controller, modules_);
        if (controller.isError()) return StepResult::failed("Failed to create QoS Controller: " + controller.error());
        qos_ = std::move(controller).get();
        return StepResult::done(std::string(qos_->name()));
      }
      case StartupStep::Slave: {
        SlaveComponents c;
        c.containerizer = containerizer_;
        c.files = files_;
        c.gc = gc_;
        c.statusUpdateManager = statusUpdateManager_;
        c.resourceEstimator = std::move(estimator_);
        c.qosController = std::move(qos_);
        c.hooks = hooks_;
        c.authorizer = authorizer_;
        c.faults = faults_;
        c.bugs = bugs_;
        c.gauges = gauges;
        c.task_records = task_records;
        spawn<Slave>(flags_, *detector_, std::move(c));
        return StepResult::done("Slave; Slave::initialize runs next");
      }
    }
    return StepResult::failed("unknown step");
  }

  // DockerContainerizer::create / MesosContainerizer::create, as Containerizer::create's
  // loop calls them; prefixed with main()'s and Containerizer::create's words.
  StepResult createType(const std::string& type) {
    if (type == "docker") {
      if (!env_.docker) {
        // Docker::create -> validateVersion: `docker version` never answers.
        host_.sim().emit(sim::RecordKind::Log, nullptr, host_.name(), "log",
                         {{"message", "Running 'docker -H unix:///var/run/docker.sock --version' (no docker daemon "
                                      "on this host; waiting up to 5secs)"}},
                         "src/docker/docker.cpp: Docker::validateVersion");
        return StepResult::waitFor(kDockerVersionWaitTimeout, [] {
          return StepResult::failed(
              "Failed to create a containerizer: Could not create DockerContainerizer: Failed to create docker: "
              "Timed out getting docker version");
        });
      }
      auto& docker = spawn<DockerContainerizer>(fetcher_);
      docker.setFaults(faults_);
      byType_["docker"] = &docker;
      return StepResult::done("DockerContainerizer (docker version answered)");
    }
    // MesosContainerizer::create: --isolation's isolators, before the containerizer is
    // built (model/slave/containerizer/mesos/isolation.hpp).
    const CreatedIsolation& created = createdIsolation(flags_.isolation);
    const sim::Try<Isolation>& isolation = created.isolation;
    for (const std::string& warning : created.warnings) {
      host_.sim().emit(sim::RecordKind::Log, nullptr, host_.name(), "log", {{"message", warning}},
                       "src/slave/containerizer/mesos/containerizer.cpp: MesosContainerizer::create");
    }
    // MesosContainerizer::create makes the launcher (--launcher) after rewriting --isolation
    // and its posix/disk check, before it creates the isolators: createIsolation's other
    // errors come after the launcher's. LinuxLauncher::create itself succeeds here.
    const bool beforeLauncher =
        isolation.isError() && isolation.error() == "Using 'posix/disk' and 'disk/du' simultaneously is disallowed";
    if (!beforeLauncher && flags_.launcher != "linux" && flags_.launcher != "posix") {
      return StepResult::failed(
          "Failed to create a containerizer: Could not create MesosContainerizer: Failed to create launcher: Unknown "
          "or unsupported launcher: " +
          flags_.launcher);
    }
    if (isolation.isError()) {
      return StepResult::failed("Failed to create a containerizer: Could not create MesosContainerizer: " +
                                isolation.error());
    }
    auto& mesos = spawn<MesosContainerizer>(fetcher_);
    mesos.setFaults(faults_);
    // Of the isolators, agentsim runs only the PosixDiskIsolatorProcess (disk/du, posix/disk).
    if (isolation->disk) {
      mesos.setDiskIsolator(flags_.enforce_container_disk_quota, flags_.container_disk_watch_interval);
    }
    byType_["mesos"] = &mesos;
    return StepResult::done("MesosContainerizer");
  }

  StepResult createContainerizer() {
    const auto split = splitList(flags_.containerizers);
    const auto types = containerizerTypes(flags_.containerizers);
    if (types.size() != split.size()) {
      return StepResult::failed(fmt::format(
          "Failed to create a containerizer: Duplicate entries found in --containerizer flag '{}'",
          flags_.containerizers));
    }
    return buildTypes(types, 0);
  }

  // Containerizer::create's loop from `i` on, in std::set order. With per-type steps
  // every type is already built; otherwise it is built (or fails) here.
  StepResult buildTypes(std::vector<std::string> types, std::size_t i) {
    for (; i < types.size(); ++i) {
      const std::string& t = types[i];
      if (byType_.count(t) != 0) continue;
      if (t != "mesos" && t != "docker") {
        return StepResult::failed("Failed to create a containerizer: Unknown or unsupported containerizer: " + t);
      }
      StepResult r = createType(t);
      if (r.kind == StepResult::Kind::Wait) return r;
      if (r.kind == StepResult::Kind::Failed) return r;
    }
    if (types.size() == 1) {
      containerizer_ = byType_.at(types.front());
      return StepResult::done(types.front() == "mesos" ? "MesosContainerizer, as is" : "DockerContainerizer, as is");
    }
    std::vector<Containerizer*> parts;
    for (const auto& t : types) parts.push_back(byType_.at(t));
    containerizer_ = &spawn<ComposingContainerizer>(parts);
    return StepResult::done(fmt::format("ComposingContainerizer over {} (std::set order)", fmt::join(types, ", ")));
  }

  sim::Host& host_;
  std::uint64_t incarnation_;
  SlaveFlags flags_;
  AgentEnvironment env_;
  std::vector<StartupStep> order_;  // the steps, in the order they run
  std::size_t next_ = 0;
  std::vector<std::string> before_;
  std::string failure_;

  ModuleManager modules_;
  std::shared_ptr<HookManager> hooks_;
  ACLs acls_;
  std::shared_ptr<const LocalAuthorizer> authorizer_;
  std::shared_ptr<sim::FaultSites> faults_;
  std::shared_ptr<const PlantedBugs> bugs_;
  Fetcher* fetcher_ = nullptr;
  std::map<std::string, Containerizer*> byType_;
  Containerizer* containerizer_ = nullptr;
  MasterDetector* detector_ = nullptr;
  Files* files_ = nullptr;
  GarbageCollector* gc_ = nullptr;
  StatusUpdateManager* statusUpdateManager_ = nullptr;
  std::unique_ptr<ResourceEstimator> estimator_;
  std::unique_ptr<QoSController> qos_;
};

}  // namespace

void exitAgent(sim::Host& host, std::string_view step, const std::string& message, std::string ref,
               const sim::Process* emitter, sim::Fields extra) {
  // The agent's own program ends; executors in their containers live on.
  std::vector<std::string> stopped;
  for (const sim::Process* p : host.processesOf("")) stopped.emplace_back(p->id());
  sim::Fields f = std::move(extra);
  f.push_back({"failed", true});
  f.push_back({"message", message});
  f.push_back({"exit_code", std::int64_t{1}});
  if (!stopped.empty()) f.push_back({"stopped", fmt::format("{}", fmt::join(stopped, ", "))});
  host.sim().emit(sim::RecordKind::Startup, emitter, host.name(), std::string(step), std::move(f), std::move(ref),
                  kAgentExitTopic);
  for (sim::Process* p : host.processesOf("")) host.sim().terminate(*p);
}

void agentReturned(sim::Host& host, const std::string& message, std::string ref, const sim::Process* emitter,
                   const std::string& program) {
  std::vector<std::string> stopped;
  for (const sim::Process* p : host.processesOf(program)) stopped.emplace_back(p->id());
  sim::Fields f;
  f.push_back({"failed", false});
  f.push_back({"message", message});
  f.push_back({"exit_code", std::int64_t{0}});
  if (!stopped.empty()) f.push_back({"stopped", fmt::format("{}", fmt::join(stopped, ", "))});
  host.sim().emit(sim::RecordKind::Startup, emitter, host.name(), "slave", std::move(f), std::move(ref),
                  kAgentExitTopic);
  for (sim::Process* p : host.processesOf(program)) host.sim().terminate(*p);
}

sim::Try<sim::Nothing> agentMain(sim::Host& host, const SlaveFlags& flags, const AgentOptions& options) {
  // main.cpp's order needs no graph (StartupGraph::mainOrder); another is checked on it.
  std::vector<StartupStep> order;
  if (options.order.empty()) {
    order = StartupGraph::mainOrder(flags);
  } else {
    const StartupGraph graph = StartupGraph::forAgent(flags, options.env);
    auto checked = graph.validate(options.order);
    if (auto* err = std::get_if<OrderError>(&checked)) {
      exitAgent(host, "startup", "Invalid startup order: " + err->message, kMainRef);
      return sim::Error{"Invalid startup order: " + err->message};
    }
    for (std::size_t v : std::get<StartupGraph::Order>(checked)) order.push_back(graph.step(v));
  }
  auto run = std::make_shared<StartupRun>(host, flags, options.env, std::move(order),
                                          options.module_parameters, options.acls, options.faults, options.bugs);
  run->gauges = options.gauges;
  run->task_records = options.task_records;
  run->advance();
  if (!run->failure().empty()) return sim::Error{run->failure()};
  return sim::Nothing{};
}

}  // namespace agentsim::model
