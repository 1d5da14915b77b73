#include "model/common/flags.hpp"

#include "model/common/flag_parse.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace agentsim::model {

sim::Try<Decimal> parseDecimal(std::string_view text) {
  auto bad = [&] {
    return sim::Error{fmt::format("expected a decimal number such as \"0.1\" (at most 6 decimal places), got \"{}\"",
                                  text.substr(0, 40))};
  };
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  std::int64_t whole = 0;
  std::size_t digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++digits) {
    if (whole > 1'000'000'000) return bad();
    whole = whole * 10 + (text[i] - '0');
  }
  std::int64_t frac = 0;
  std::size_t fracDigits = 0;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++digits) {
      if (++fracDigits > 6) return bad();
      frac = frac * 10 + (text[i] - '0');
    }
  }
  if (digits == 0 || i != text.size()) return bad();
  for (std::size_t k = fracDigits; k < 6; ++k) frac *= 10;
  const std::int64_t value = whole * 1'000'000 + frac;
  return Decimal{negative ? -value : value};
}

std::string format(Decimal d) {
  const std::int64_t abs = d.millionths < 0 ? -d.millionths : d.millionths;
  std::string out = fmt::format("{}{}", d.millionths < 0 ? "-" : "", abs / 1'000'000);
  std::int64_t frac = abs % 1'000'000;
  if (frac == 0) return out;
  std::string digits = fmt::format("{:06}", frac);
  while (digits.back() == '0') digits.pop_back();
  return out + "." + digits;
}

namespace {
struct ByteUnit {
  std::string_view name;
  std::uint64_t bytes;
};
// Largest first, as stout's operator<< raises the unit only without loss.
constexpr std::array<ByteUnit, 5> kByteUnits{{
    {"TB", 1024ull * kGigabyte}, {"GB", kGigabyte}, {"MB", kMegabyte}, {"KB", 1024}, {"B", 1}}};
}  // namespace

sim::Try<Bytes> parseBytes(std::string_view text) {
  std::size_t i = 0;
  std::uint64_t n = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    const auto digit = static_cast<std::uint64_t>(text[i] - '0');
    // Exact: 18446744073709551615B (2^64 - 1) is the largest size there is.
    if (n > (UINT64_MAX - digit) / 10) {
      return sim::Error{fmt::format("Failed to parse '{}': too large", text.substr(0, 40))};
    }
    n = n * 10 + digit;
  }
  if (i < text.size() && text[i] == '.') return sim::Error{fmt::format("Fractional bytes '{}'", text.substr(0, 40))};
  // Bytes::parse: the unit in any case (strings::upper).
  std::string unit(text.substr(i));
  for (char& c : unit) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  if (i == 0) return sim::Error{fmt::format("expected a size such as \"2GB\" or \"512MB\", got \"{}\"", text.substr(0, 40))};
  for (const ByteUnit& u : kByteUnits) {
    if (u.name != unit) continue;
    if (n > UINT64_MAX / u.bytes) return sim::Error{fmt::format("Failed to parse '{}': too large", text.substr(0, 40))};
    return Bytes{n * u.bytes};
  }
  return sim::Error{fmt::format("Unknown bytes unit '{}'; expected B, KB, MB, GB or TB", text.substr(i, 20))};
}

std::string format(Bytes b) {
  for (const ByteUnit& u : kByteUnits) {
    if (b.bytes != 0 && b.bytes % u.bytes == 0) return fmt::format("{}{}", b.bytes / u.bytes, u.name);
  }
  return fmt::format("{}B", b.bytes);
}

namespace {
// Mesos 1.1's agent flags, sorted: slave::Flags (src/slave/flags.cpp, without the
// network/port_mapping and XFS flags a default build leaves out; slave_subsystems is
// agent_subsystems's deprecated name), logging::Flags (src/logging/flags.cpp), main()'s
// own (ip, port, advertise_ip, advertise_port, master, ip_discovery_command) and
// FlagsBase's help.
constexpr std::array<std::string_view, 98> kMesosAgentFlags{
    "acls", "advertise_ip", "advertise_port", "agent_subsystems", "allowed_capabilities",
    "appc_simple_discovery_uri_prefix", "appc_store_dir", "attributes", "authenticate_http_readonly",
    "authenticate_http_readwrite", "authenticatee", "authentication_backoff_factor", "authorizer",
    "cgroups_cpu_enable_pids_and_tids_count", "cgroups_enable_cfs", "cgroups_hierarchy", "cgroups_limit_swap",
    "cgroups_net_cls_primary_handle", "cgroups_net_cls_secondary_handles", "cgroups_root",
    "container_disk_watch_interval", "container_logger", "containerizers", "credential", "default_container_info",
    "default_role", "disk_watch_interval", "docker", "docker_config", "docker_kill_orphans", "docker_mesos_image",
    "docker_registry", "docker_remove_delay", "docker_socket", "docker_stop_timeout", "docker_store_dir",
    "docker_volume_checkpoint_dir", "enforce_container_disk_quota", "executor_environment_variables",
    "executor_registration_timeout", "executor_shutdown_grace_period", "external_log_file", "fetcher_cache_dir",
    "fetcher_cache_size", "firewall_rules", "frameworks_home", "gc_delay", "gc_disk_headroom", "hadoop_home", "help",
    "hooks", "hostname", "hostname_lookup", "http_authenticators", "http_command_executor", "http_credentials",
    "image_providers", "image_provisioner_backend", "initialize_driver_logging", "ip", "ip_discovery_command",
    "isolation", "launcher", "launcher_dir", "log_dir", "logbufsecs", "logging_level", "master", "master_detector",
    "max_completed_executors_per_framework", "modules", "modules_dir", "network_cni_config_dir",
    "network_cni_plugins_dir", "nvidia_gpu_devices", "oversubscribed_resources_interval", "perf_duration",
    "perf_events", "perf_interval", "port", "qos_controller", "qos_correction_interval_min", "quiet", "recover",
    "recovery_timeout", "registration_backoff_factor", "resource_estimator", "resources",
    "revocable_cpu_low_priority", "runtime_dir", "sandbox_directory", "slave_subsystems", "strict", "switch_user",
    "systemd_enable_support", "systemd_runtime_directory", "version", "work_dir"
};
}  // namespace

bool isMesosAgentFlag(std::string_view name) {
  return std::binary_search(kMesosAgentFlags.begin(), kMesosAgentFlags.end(), name);
}

sim::Try<sim::Nothing> loadAgentFlag(SlaveFlags& flags, const std::string& name, const std::string& value) {
  const FlagTable<SlaveFlags>& table = slaveFlagTable();
  flags.load_errors.erase(name);
  const auto refuse = [&](std::string error) -> sim::Try<sim::Nothing> {
    flags.load_errors[name] = std::move(error);
    return sim::Nothing{};
  };
  // FlagsBase::load: "no-NAME" loads a boolean flag NAME as false.
  const bool negated = name.rfind("no-", 0) == 0;
  const std::string flag = negated ? name.substr(3) : name;
  if (!table.has(flag)) {
    if (isMesosAgentFlag(flag)) return sim::Error{fmt::format("'--{}' is a Mesos agent flag agentsim does not model", flag)};
    return refuse(fmt::format("Failed to load unknown flag '{}'{}", flag, negated ? " via '" + name + "'" : ""));
  }
  std::string text = value;
  if (negated && !table.isBoolean(flag)) {
    return refuse(fmt::format("Failed to load non-boolean flag '{}' via '{}'", flag, name));
  }
  if (negated) {
    if (!value.empty()) {
      return refuse(fmt::format("Failed to load boolean flag '{}' via '{}' with value '{}'", flag, name, value));
    }
    text = "false";
  }
  // Flag::load: stout's parse for the flag's type.
  if (auto refused = table.refusal(flag, text)) return refuse(fmt::format("Failed to load flag '{}': {}", flag, *refused));
  return table.set(flags, flag, text);
}

const FlagTable<SlaveFlags>& slaveFlagTable() {
  static const FlagTable<SlaveFlags> table = [] {
    FlagTable<SlaveFlags> t;
    t.text("master", &SlaveFlags::master,
           "May be one of: host:port, master@host:port, zk://host1:port1,host2:port2,.../path, "
           "zk://username:password@host1:port1,.../path (src/slave/main.cpp; the scenario's ZooKeeper ensemble, or "
           "else its first master, by default)",
           "MasterDetector::create");
    t.text("master_detector", &SlaveFlags::master_detector,
           "The symbol name of the master detector to use (a module; main() takes exactly one of --master and "
           "--master_detector). agentsim's catalogue has no MasterDetector module",
           "MasterDetector::create");
    t.text("ip", &SlaveFlags::ip,
           "IP address to listen on. This cannot be used in conjunction with `--ip_discovery_command` (agentsim: a "
           "host has one address; the flag is read by main()'s check only)",
           "main");
    t.text("ip_discovery_command", &SlaveFlags::ip_discovery_command,
           "Optional IP discovery binary: if set, it is expected to emit the IP address which the agent will try to "
           "bind to. Cannot be used in conjunction with `--ip` (agentsim runs no command: main()'s check only)",
           "main");
    t.text("launcher", &SlaveFlags::launcher,
           "The launcher to be used for Mesos containerizer. It could either be `linux` or `posix` (default: linux, "
           "an agent running as root on Linux)",
           "MesosContainerizer::create");
    t.text("modules_dir", &SlaveFlags::modules_dir,
           "Directory path of the module manifest files (not with --modules). agentsim's hosts hold no manifests: "
           "a directory loads nothing",
           "ModuleManager::load");
    t.boolean("help", &SlaveFlags::help,
              "Show the help message and exit: main() prints the usage text and returns EXIT_SUCCESS before it "
              "builds anything (stout's FlagsBase)",
              "main");
    t.boolean("version", &SlaveFlags::version,
              "Show version and exit: main() prints \"mesos 1.1.0\" and returns EXIT_SUCCESS before it builds "
              "anything (stout's FlagsBase)",
              "main");
    t.text("logging_level", &SlaveFlags::logging_level,
           "Log message at or above this level. Possible values: INFO, WARNING, ERROR (src/logging/flags.cpp; "
           "any other value makes logging::initialize exit the agent; agentsim's trace keeps every level)",
           "logging::initialize");
    t.duration("zk_session_timeout", &SlaveFlags::zk_session_timeout,
               "ZooKeeper session timeout of the agent's master detector (Mesos 1.3+; 1.1 hard-codes 10secs)",
               "MasterDetector::create", sim::Milliseconds(1));
    t.text("work_dir", &SlaveFlags::work_dir,
           "Path of the agent work directory; checkpoints live in <work_dir>/meta. Required (the scenario's agents "
           "get /var/lib/mesos unless they set it)",
           "Slave");
    t.text("hostname", &SlaveFlags::hostname, "The hostname the agent reports (the simulated host by default)",
           "Slave");
    t.integer("port", &SlaveFlags::port, "Port to listen on (src/slave/main.cpp; a uint16_t there)", "libprocess", 1,
              65535, 65535);
    t.duration("registration_backoff_factor", &SlaveFlags::registration_backoff_factor,
               "Agent initially picks a random amount of time between [0, b], where b = "
               "registration_backoff_factor, to (re-)register with a new master. Subsequent retries are "
               "exponentially backed off based on this interval (e.g., 1st retry uses a random value between "
               "[0, b * 2^1], 2nd retry between [0, b * 2^2], 3rd retry between [0, b * 2^3], etc) up to a "
               "maximum of 1mins",
               "Slave (Slave::initialize exits if it is above 1mins; Mesos takes 0ns, with which the agent "
               "resends at one instant until an answer comes, an instant a simulation never leaves: at least 1ns)",
               sim::Nanoseconds(1));
    t.text("attributes", &SlaveFlags::attributes,
           "Attributes of the agent, e.g. \"rack:abc;kernel:2.6.44\" (SlaveInfo.attributes; Slave::recover "
           "compares them with the checkpointed ones, in any order)",
           "Slave");
    t.text("resources", &SlaveFlags::resources,
           "Total consumable resources per agent, e.g. \"cpus:4;mem:8192\" (probed defaults otherwise)", "Slave");
    t.text("containerizers", &SlaveFlags::containerizers,
           "Comma-separated list of containerizer implementations to compose in order to provide containerization. "
           "Available options are mesos and docker (docker needs a docker daemon on the host). With several, "
           "Mesos 1.1 composes them in alphabetical order (a std::set), not the flag's order",
           "Containerizer::create");
    t.text("resource_estimator", &SlaveFlags::resource_estimator,
           "The name of the resource estimator to use for oversubscription (a module; none: "
           "NoopResourceEstimator)",
           "ResourceEstimator::create");
    t.text("qos_controller", &SlaveFlags::qos_controller,
           "The name of the QoS Controller to use for oversubscription (a module; none: NoopQoSController)",
           "QoSController::create");
    t.boolean("systemd_enable_support", &SlaveFlags::systemd_enable_support,
              "Top level control of systemd support. When enabled, features such as executor life-time extension "
              "are enabled. It takes effect only on a host with systemd (a scenario agent's \"systemd\": true)",
              "systemd::initialize");
    t.text("systemd_runtime_directory", &SlaveFlags::systemd_runtime_directory,
           "The path to the systemd system run time directory", "systemd::initialize");
    t.text("modules", &SlaveFlags::modules,
           "Modules to load into the agent. Mesos takes a JSON manifest of libraries; agentsim takes a "
           "comma-separated list of module names from its catalogue (org_apache_mesos_TestHook)",
           "ModuleManager::load");
    t.text("hooks", &SlaveFlags::hooks,
           "A comma-separated list of hook modules to be installed inside the agent (loaded with --modules)",
           "HookManager::initialize");
    t.text("authorizer", &SlaveFlags::authorizer,
           "Authorizer implementation to use when authorizing actions that require it. Use the default local, or "
           "the name of an authorizer provided by a module (see --modules)",
           "Authorizer::create");
    t.duration("gc_delay", &SlaveFlags::gc_delay,
               "Maximum amount of time to wait before cleaning up executor directories (e.g., 3days, 2weeks, etc). "
               "Note that this delay may be shorter depending on the available disk usage",
               "GarbageCollector");  // names the class
    t.add("gc_disk_headroom",
          "Adjust disk headroom used to calculate maximum executor directory age. Age is calculated by: gc_delay * "
          "max(0.0, (1.0 - gc_disk_headroom - disk usage)) every --disk_watch_interval duration. gc_disk_headroom "
          "must be a value between 0.0 and 1.0",
          "Slave (Slave::initialize exits outside [0.0, 1.0])",
          [](SlaveFlags& f, std::string_view v) -> sim::Try<sim::Nothing> {
            auto d = parseDecimal(v);
            if (d.isError()) return sim::Error{d.error()};
            f.gc_disk_headroom = *d;
            return sim::Nothing{};
          },
          [](const SlaveFlags& f) { return format(f.gc_disk_headroom); }, stout::doubleError);
    t.duration("disk_watch_interval", &SlaveFlags::disk_watch_interval,
               "Periodic time interval (e.g., 10secs, 2mins, etc) to check the overall disk usage managed by the "
               "agent. This drives the garbage collection of archived information and sandboxes",
               "Slave::checkDiskUsage", sim::Milliseconds(1));
    t.add("fetcher_cache_size", "Size of the fetcher cache in Bytes", "Fetcher",
          [](SlaveFlags& f, std::string_view v) -> sim::Try<sim::Nothing> {
            auto b = parseBytes(v);
            if (b.isError()) return sim::Error{b.error()};
            f.fetcher_cache_size = *b;
            return sim::Nothing{};
          },
          [](const SlaveFlags& f) { return format(f.fetcher_cache_size); }, stout::bytesError);
    t.text("isolation", &SlaveFlags::isolation,
           "Isolation mechanisms to use, e.g., 'posix/cpu,posix/mem', or 'cgroups/cpu,cgroups/mem', or "
           "network/port_mapping, or `gpu/nvidia` for nvidia specific gpu isolation. agentsim reads only "
           "disk/du (the sandbox's disk usage, PosixDiskIsolatorProcess)",
           "MesosContainerizer::create");
    t.boolean("enforce_container_disk_quota", &SlaveFlags::enforce_container_disk_quota,
              "Whether to enable disk quota enforcement for containers. This flag is used by the 'disk/du' "
              "isolator",
              "PosixDiskIsolatorProcess");
    t.duration("container_disk_watch_interval", &SlaveFlags::container_disk_watch_interval,
               "The interval between disk quota checks for containers. This flag is used by the 'disk/du' "
               "isolator",
               "PosixDiskIsolatorProcess", sim::Milliseconds(1));
    t.text("fetcher_cache_dir", &SlaveFlags::fetcher_cache_dir,
           "Parent directory for fetcher cache directories (one subdirectory per agent)", "Fetcher");
    t.duration("executor_registration_timeout", &SlaveFlags::executor_registration_timeout,
               "Amount of time to wait for an executor to register with the agent before considering it hung and "
               "shutting it down (e.g., 60secs, 3mins, etc)",
               "Slave::registerExecutorTimeout");
    t.duration("executor_reregistration_timeout", &SlaveFlags::executor_reregistration_timeout,
               "The timeout within which an executor is expected to reregister after the agent has restarted, "
               "before the agent considers it gone and shuts it down. Must be at most 15secs (added in 1.1.3; its "
               "validator, part of flags.load, exits the agent at its flags step)",
               "Slave::reregisterExecutorTimeout");
    t.duration("executor_reregistration_retry_interval", &SlaveFlags::executor_reregistration_retry_interval,
               "For PID-based executors, how long the agent waits before retrying the reconnect message sent to "
               "the executor during recovery (0secs: None, no retries; added in 1.1.3). Unbounded, as in Mesos: "
               "an interval longer than --executor_reregistration_timeout never retries",
               "Slave::reconnectExecutors");
    t.duration("executor_shutdown_grace_period", &SlaveFlags::executor_shutdown_grace_period,
               "Default amount of time to wait for an executor to shut down (e.g. 60secs, 3mins, etc). "
               "ExecutorInfo.shutdown_grace_period overrides this default",
               "Slave::shutdownExecutorTimeout");
    t.duration("recovery_timeout", &SlaveFlags::recovery_timeout,
               "Amount of time allotted for the agent to recover. If the agent takes longer than recovery_timeout "
               "to recover, any executors that are waiting to reconnect to the agent will self-terminate",
               "the executor driver (MESOS_RECOVERY_TIMEOUT)");
    t.text("recover", &SlaveFlags::recover,
           "Whether to recover status updates and reconnect with old executors. Valid values for 'recover' are "
           "reconnect: Reconnect with any old live executors; cleanup: Kill any old live executors and exit. Use "
           "this option when doing an incompatible agent or executor upgrade!",
           "Slave (Slave::initialize exits on any other value)");
    t.boolean("strict", &SlaveFlags::strict,
              "If strict=true, any and all recovery errors are considered fatal. If strict=false, any expected "
              "errors (e.g., agent cannot recover information about an executor, because the agent died right "
              "before the executor registered.) during recovery are ignored and as much state as possible is "
              "recovered",
              "state::recover");
    t.duration("oversubscribed_resources_interval", &SlaveFlags::oversubscribed_resources_interval,
               "The agent periodically updates the master with the current estimation about the total amount of "
               "oversubscribed resources that are allocated and available. The interval between updates is "
               "controlled by this flag",
               "Slave::forwardOversubscribed", sim::Milliseconds(1));
    t.duration("qos_correction_interval_min", &SlaveFlags::qos_correction_interval_min,
               "The agent polls and carries out QoS corrections from the QoS Controller based on its observed "
               "performance of running tasks. The smallest interval between these corrections is controlled by "
               "this flag",
               "Slave::qosCorrections");
    t.integer("max_completed_executors_per_framework", &SlaveFlags::max_completed_executors_per_framework,
              "Maximum number of completed executors per framework to store in memory",
              "Framework::destroyExecutor");
    addAuthenticationFlags(t);
    return t;
  }();
  return table;
}

const FlagTable<MasterFlags>& masterFlagTable() {
  static const FlagTable<MasterFlags> table = [] {
    FlagTable<MasterFlags> t;
    t.integer("port", &MasterFlags::port, "Port to listen on", "libprocess", 1, 65535);
    t.text("hostname", &MasterFlags::hostname, "The hostname the master advertises (the simulated host by default)",
           "Master");
    t.duration("agent_ping_timeout", &MasterFlags::agent_ping_timeout,
               "The timeout within which an agent is expected to respond to a ping from the master. Agents that "
               "do not respond within max_agent_ping_timeouts ping retries will be marked unreachable",
               "SlaveObserver", sim::Seconds(1), sim::Minutes(15));
    t.integer("max_agent_ping_timeouts", &MasterFlags::max_agent_ping_timeouts,
              "The number of times an agent can fail to respond to a ping from the master", "SlaveObserver", 1);
    t.duration("agent_reregister_timeout", &MasterFlags::agent_reregister_timeout,
               "The timeout within which an agent is expected to reregister after a master failover",
               "Master", kMinAgentReregisterTimeout);
    t.duration("zk_session_timeout", &MasterFlags::zk_session_timeout,
               "ZooKeeper session timeout of the master's contender and detector (Mesos 1.3+; 1.1 hard-codes "
               "10secs)",
               "MasterContender::create, MasterDetector::create", sim::Milliseconds(1));
    t.duration("registry_gc_interval", &MasterFlags::registry_gc_interval,
               "How often to garbage collect the registry: the leading master discards unreachable agents older "
               "than registry_max_agent_age or beyond registry_max_agent_count (at least 1secs here; Mesos checks "
               "nothing)",
               "Master::doRegistryGc", sim::Seconds(1));
    t.duration("registry_max_agent_age", &MasterFlags::registry_max_agent_age,
               "Maximum length of time to store information in the registry about agents that are not currently "
               "connected to the cluster",
               "Master::doRegistryGc");
    t.integer("registry_max_agent_count", &MasterFlags::registry_max_agent_count,
              "Maximum number of disconnected agents to store in the registry", "Master::doRegistryGc");
    t.integer("max_completed_frameworks", &MasterFlags::max_completed_frameworks,
              "Maximum number of completed frameworks to store in memory", "Master::removeFramework");
    t.integer("max_completed_tasks_per_framework", &MasterFlags::max_completed_tasks_per_framework,
              "Maximum number of completed tasks per framework to store in memory", "Framework::addCompletedTask");
    t.add("registry", "Persistence strategy for the registry: in_memory or replicated_log", "Registrar",
          [](MasterFlags& f, std::string_view v) -> sim::Try<sim::Nothing> {
            if (v != "in_memory" && v != "replicated_log") {
              return sim::Error{fmt::format("expected in_memory or replicated_log, got \"{}\"", v)};
            }
            f.registry = std::string(v);
            return sim::Nothing{};
          },
          [](const MasterFlags& f) { return f.registry; });
    t.add("agent_removal_rate_limit",
          "The maximum rate (e.g., 1/10mins, 2/3hrs, etc) at which agents will be removed from the master when they "
          "fail health checks (or do not reregister after a failover). By default, agents are removed as soon as "
          "they fail",
          "Master (a RateLimiter)",
          [](MasterFlags& f, std::string_view v) -> sim::Try<sim::Nothing> {
            const auto slash = v.find('/');
            auto bad = [&] {
              return sim::Error{fmt::format("Invalid agent_removal_rate_limit: expected N/Duration, e.g. 1/10mins, got "
                                            "\"{}\"",
                                            v.substr(0, 40))};
            };
            if (slash == std::string_view::npos || slash == 0 || slash > 6) return bad();
            std::uint32_t n = 0;
            for (char c : v.substr(0, slash)) {
              if (c < '0' || c > '9') return bad();
              n = n * 10 + static_cast<std::uint32_t>(c - '0');
            }
            auto d = sim::parseDuration(v.substr(slash + 1));
            if (n == 0 || d.isError() || *d <= sim::Duration{}) return bad();
            f.agent_removal_permits = n;
            f.agent_removal_period = *d;
            return sim::Nothing{};
          },
          [](const MasterFlags& f) {
            return f.agent_removal_permits == 0 ? std::string()
                                                : fmt::format("{}/{}", f.agent_removal_permits,
                                                              sim::format(f.agent_removal_period));
          });
    t.add("recovery_agent_removal_limit",
          "For failovers, limit on the percentage of agents that can be removed from the registry *and* shutdown "
          "after the re-registration timeout elapses. If the limit is exceeded, the master will fail over rather "
          "than remove the agents",
          "Master::initialize, Master::recoveredSlavesTimeout",
          [](MasterFlags& f, std::string_view v) -> sim::Try<sim::Nothing> {
            // Master::initialize: "missing '%'", a number, "Must be within [0%-100%]".
            auto bad = [&] {
              return sim::Error{
                  fmt::format("expected a percentage within [0%-100%], e.g. 50%, got \"{}\"", v.substr(0, 40))};
            };
            if (v.size() < 2 || v.size() > 12 || v.back() != '%') return bad();
            const std::string_view number = v.substr(0, v.size() - 1);
            double value = -1;
            const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
            if (ec != std::errc{} || end != number.data() + number.size() || !(value >= 0.0 && value <= 100.0)) {
              return bad();
            }
            f.recovery_agent_removal_limit = value;
            return sim::Nothing{};
          },
          [](const MasterFlags& f) { return fmt::format("{}%", f.recovery_agent_removal_limit); });
    t.text("zk", &MasterFlags::zk,
           "ZooKeeper URL (used for leader election amongst masters). May be one of: "
           "zk://host1:port1,host2:port2,.../path, zk://username:password@host1:port1,.../path (the scenario's "
           "ensemble when it has one; none: a standalone master)",
           "ZooKeeperMasterContender");
    addAuthenticationFlags(t);
    return t;
  }();
  return table;
}

}  // namespace agentsim::model
