#pragma once
// Agent and master flags by their Mesos names, with Mesos 1.1 production defaults
// (src/slave/flags.cpp, src/slave/constants.hpp, src/master/flags.cpp,
// src/master/constants.hpp).
#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "model/common/flag_table.hpp"
#include "sim/time.hpp"

namespace agentsim::model {

// src/slave/constants.hpp REGISTER_RETRY_INTERVAL_MAX.
inline constexpr sim::Duration kRegisterRetryIntervalMax = sim::Minutes(1);
// src/master/constants.hpp DEFAULT_AGENT_PING_TIMEOUT, DEFAULT_MAX_AGENT_PING_TIMEOUTS.
inline constexpr sim::Duration kDefaultAgentPingTimeout = sim::Seconds(15);
inline constexpr std::uint32_t kDefaultMaxAgentPingTimeouts = 5;
// src/slave/constants.cpp DEFAULT_MASTER_PING_TIMEOUT() = 15secs x 5.
inline constexpr sim::Duration kDefaultMasterPingTimeout = kDefaultAgentPingTimeout * kDefaultMaxAgentPingTimeouts;
// src/master/constants.hpp MIN_AGENT_REREGISTER_TIMEOUT.
inline constexpr sim::Duration kMinAgentReregisterTimeout = sim::Minutes(10);
// ZOOKEEPER_SESSION_TIMEOUT (src/master/constants.hpp), --zk_session_timeout's default.
inline constexpr sim::Duration kZooKeeperSessionTimeout = sim::Seconds(10);
// src/slave/constants.hpp GC_DELAY, DISK_WATCH_INTERVAL, DOCKER_VERSION_WAIT_TIMEOUT.
inline constexpr sim::Duration kGcDelay = sim::Weeks(1);
inline constexpr sim::Duration kDiskWatchInterval = sim::Minutes(1);
inline constexpr sim::Duration kDockerVersionWaitTimeout = sim::Seconds(5);
// src/slave/constants.hpp EXECUTOR_REGISTRATION_TIMEOUT, EXECUTOR_REREGISTER_TIMEOUT (a flag
// since 1.1.3, at most 15secs), DEFAULT_EXECUTOR_SHUTDOWN_GRACE_PERIOD, RECOVERY_TIMEOUT.
inline constexpr sim::Duration kExecutorRegistrationTimeout = sim::Minutes(1);
inline constexpr sim::Duration kExecutorReregistrationTimeout = sim::Seconds(2);
inline constexpr sim::Duration kMaxExecutorReregistrationTimeout = sim::Seconds(15);
inline constexpr sim::Duration kExecutorShutdownGracePeriod = sim::Seconds(5);
inline constexpr sim::Duration kRecoveryTimeout = sim::Minutes(15);

// A flag that Mesos keeps as a double (--gc_disk_headroom), held exactly in
// millionths so that no floating point reaches a decision. Prints as Mesos prints the
// double ("0.1", "1.5", "1").
struct Decimal {
  std::int64_t millionths = 0;
  auto operator<=>(const Decimal&) const = default;
};
sim::Try<Decimal> parseDecimal(std::string_view text);
std::string format(Decimal d);

// A size in stout's Bytes syntax ("2GB", "512MB", "100B").
struct Bytes {
  std::uint64_t bytes = 0;
  auto operator<=>(const Bytes&) const = default;
};
sim::Try<Bytes> parseBytes(std::string_view text);
std::string format(Bytes b);
inline constexpr std::uint64_t kMegabyte = 1024ull * 1024;
inline constexpr std::uint64_t kGigabyte = 1024ull * kMegabyte;

// slave::Flags (src/slave/flags.cpp) and the flags main.cpp adds.
struct SlaveFlags {
  std::string master;  // --master: "host:port", "master@host:port" (zk:// with the failover issue)
  // --master_detector (src/slave/flags.cpp): a MasterDetector module's name; main() takes
  // exactly one of --master and --master_detector. The catalogue has no detector module.
  std::string master_detector;
  // --modules_dir: a directory of module manifests (main(): not with --modules). agentsim's
  // hosts have no manifests: a directory loads nothing.
  std::string modules_dir;
  // --ip, --ip_discovery_command (src/slave/main.cpp): not both. A host has one address:
  // either is kept and read by nothing else.
  std::string ip;
  std::string ip_discovery_command;
  // --launcher (MesosContainerizer::create): linux or posix; "linux" is the default of a
  // Linux agent running as root (LinuxLauncher::available()).
  std::string launcher = "linux";
  // What Mesos's flags.load refused (FlagsBase::load), by the name the scenario gave:
  // stout's error for each. Mesos stops at the first in name order (a Multimap), so the
  // map's first entry is the error main() prints; the flags named before it loaded.
  std::map<std::string, std::string> load_errors;
  // --zk_session_timeout (Mesos 1.3+, f195e596f): the session timeout of the agent's
  // ZooKeeper master detector; Mesos 1.1 hard-codes MASTER_DETECTOR_ZK_SESSION_TIMEOUT (10secs).
  sim::Duration zk_session_timeout = kZooKeeperSessionTimeout;
  // Required in Mesos 1.1 (no default). The harness sets /var/lib/mesos unless a
  // scenario sets it, to "" to leave it out.
  std::string work_dir;
  std::string hostname;
  std::uint32_t port = 5051;
  // --logging_level (src/logging/flags.cpp): INFO, WARNING or ERROR; logging::initialize,
  // right after process::initialize in main(), exits on anything else. The trace keeps
  // every level whatever it says.
  std::string logging_level = "INFO";
  // --help, --version (stout's FlagsBase): main() prints and returns EXIT_SUCCESS first.
  bool help = false;
  bool version = false;
  sim::Duration registration_backoff_factor = sim::Seconds(1);
  std::string resources;
  std::string attributes;  // --attributes "rack:r1;zone:z" (SlaveInfo.attributes)
  // The startup graph's flags (src/slave/flags.cpp). An empty text is Mesos's None.
  std::string containerizers = "mesos";
  std::string resource_estimator;          // None: NoopResourceEstimator
  std::string qos_controller;              // None: NoopQoSController
  bool systemd_enable_support = true;
  std::string systemd_runtime_directory = "/run/systemd/system";
  std::string modules;                     // simplified: comma-separated module names
  std::string hooks;                       // comma-separated hook module names
  std::string authorizer = "local";
  sim::Duration gc_delay = kGcDelay;
  Decimal gc_disk_headroom{100'000};       // 0.1
  sim::Duration disk_watch_interval = kDiskWatchInterval;
  Bytes fetcher_cache_size{2 * kGigabyte};
  // The MesosContainerizer's isolators (src/slave/flags.cpp): --isolation names them
  // (agentsim reads only disk/du, the PosixDiskIsolatorProcess); --enforce_container_disk_quota
  // makes a sandbox over its tasks' `disk` a limitation; --container_disk_watch_interval
  // is how often disk/du measures a sandbox.
  std::string isolation = "posix/cpu,posix/mem";
  bool enforce_container_disk_quota = false;
  sim::Duration container_disk_watch_interval = sim::Seconds(15);
  std::string fetcher_cache_dir = "/tmp/mesos/fetch";
  // Executors and recovery (src/slave/flags.cpp).
  sim::Duration executor_registration_timeout = kExecutorRegistrationTimeout;
  sim::Duration executor_reregistration_timeout = kExecutorReregistrationTimeout;
  sim::Duration executor_reregistration_retry_interval;  // 0: None (no reconnect retries)
  sim::Duration executor_shutdown_grace_period = kExecutorShutdownGracePeriod;
  sim::Duration recovery_timeout = kRecoveryTimeout;
  std::string recover = "reconnect";  // reconnect | cleanup (Slave::initialize exits otherwise)
  bool strict = true;
  // Oversubscription (src/slave/flags.cpp).
  sim::Duration oversubscribed_resources_interval = sim::Seconds(15);
  sim::Duration qos_correction_interval_min;
  // --max_completed_executors_per_framework (DEFAULT_MAX_COMPLETED_EXECUTORS_PER_FRAMEWORK):
  // the capacity of each framework's completedExecutors ring (Framework::destroyExecutor).
  std::uint32_t max_completed_executors_per_framework = 150;
  // Authentication with the master (model/authentication/flags.cpp). An empty
  // credential: None, the agent registers without authenticating.
  std::string credential;                   // "principal secret" (the file's text)
  std::string authenticatee = "crammd5";
  sim::Duration authentication_backoff_factor = sim::Seconds(1);
  sim::Duration authentication_timeout_min = sim::Seconds(5);
  sim::Duration authentication_timeout_max = sim::Minutes(1);
};

// master::Flags (src/master/flags.cpp).
struct MasterFlags {
  std::uint32_t port = 5050;
  std::string hostname;
  sim::Duration agent_ping_timeout = kDefaultAgentPingTimeout;
  std::uint32_t max_agent_ping_timeouts = kDefaultMaxAgentPingTimeouts;
  sim::Duration agent_reregister_timeout = kMinAgentReregisterTimeout;
  std::string registry = "replicated_log";
  std::string zk;  // --zk: zk://host:port,.../path for leader election; none: standalone
  // --zk_session_timeout: the session timeout of the master's ZooKeeper contender and
  // detector, as Mesos 1.3+ passes it (8cf5c51d1); 1.1 read it for the replicated log only
  // and hard-coded 10secs for both.
  sim::Duration zk_session_timeout = kZooKeeperSessionTimeout;
  // --agent_removal_rate_limit "N/Duration" (e.g. "1/10mins"); 0 permits: no limiter.
  std::uint32_t agent_removal_permits = 0;
  sim::Duration agent_removal_period;
  // --recovery_agent_removal_limit "P%": the share of recovered agents that may miss the
  // reregistration timeout before the new master exits instead (Master::recoveredSlavesTimeout).
  double recovery_agent_removal_limit = 100.0;
  // Authentication (model/authentication/flags.cpp).
  bool authenticate_agents = false;  // --authenticate_agents (1.1 also reads --authenticate_slaves)
  std::string credentials;           // "principal secret" lines (the file's text); empty: None
  // Registry GC (src/master/constants.hpp: DEFAULT_REGISTRY_GC_INTERVAL, _MAX_AGENT_AGE,
  // _MAX_AGENT_COUNT): Master::doRegistryGc prunes the unreachable list.
  sim::Duration registry_gc_interval = sim::Minutes(15);
  sim::Duration registry_max_agent_age = sim::Weeks(2);
  std::uint32_t registry_max_agent_count = 100 * 1024;
  // The rings of what /state lists once gone (src/master/constants.hpp): completed
  // frameworks (Master::Frameworks::completed) and each framework's completed tasks
  // (Framework::completedTasks).
  std::uint32_t max_completed_frameworks = 50;
  std::uint32_t max_completed_tasks_per_framework = 1000;
};

// The authentication flags of each table (model/authentication/flags.cpp).
void addAuthenticationFlags(FlagTable<SlaveFlags>& table);
void addAuthenticationFlags(FlagTable<MasterFlags>& table);

const FlagTable<SlaveFlags>& slaveFlagTable();

// Whether Mesos 1.1's agent (a default Linux build: no network/port_mapping, no XFS) has
// a flag of that name: slave::Flags, logging::Flags, main()'s own, FlagsBase's help.
bool isMesosAgentFlag(std::string_view name);

// FlagsBase::load for one agent flag a scenario gives, in name order: a value Mesos's
// loader refuses (stout's parse, a name Mesos 1.1 does not know, --no- on a flag that is
// not boolean) is kept in `flags.load_errors` for the agent's flags step, not an error
// here. An error is the scenario's: a Mesos flag agentsim does not model, or a value
// Mesos loads but agentsim cannot simulate (out of the model's range).
sim::Try<sim::Nothing> loadAgentFlag(SlaveFlags& flags, const std::string& name, const std::string& value);
const FlagTable<MasterFlags>& masterFlagTable();

}  // namespace agentsim::model
