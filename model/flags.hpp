#pragma once
// Agent and master flags by their Mesos names, with Mesos 1.1 production defaults
// (src/slave/flags.cpp, src/slave/constants.hpp, src/master/flags.cpp,
// src/master/constants.hpp).
#include <cstdint>
#include <string>

#include "model/flag_table.hpp"
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

// slave::Flags (src/slave/flags.cpp) and the flags main.cpp adds.
struct SlaveFlags {
  std::string master;  // --master: "host:port", "master@host:port" (zk:// with the failover issue)
  std::string work_dir = "/var/lib/mesos";
  std::string hostname;
  std::uint32_t port = 5051;
  sim::Duration registration_backoff_factor = sim::Seconds(1);
  std::string resources;
};

// master::Flags (src/master/flags.cpp).
struct MasterFlags {
  std::uint32_t port = 5050;
  std::string hostname;
  sim::Duration agent_ping_timeout = kDefaultAgentPingTimeout;
  std::uint32_t max_agent_ping_timeouts = kDefaultMaxAgentPingTimeouts;
  sim::Duration agent_reregister_timeout = kMinAgentReregisterTimeout;
  std::string registry = "replicated_log";
};

const FlagTable<SlaveFlags>& slaveFlagTable();
const FlagTable<MasterFlags>& masterFlagTable();

}  // namespace agentsim::model
