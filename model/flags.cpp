#include "model/flags.hpp"

namespace agentsim::model {

const FlagTable<SlaveFlags>& slaveFlagTable() {
  static const FlagTable<SlaveFlags> table = [] {
    FlagTable<SlaveFlags> t;
    t.text("master", &SlaveFlags::master,
           "May be one of: host:port, master@host:port (src/slave/main.cpp; the scenario's master by default)",
           "MasterDetector::create");
    t.text("work_dir", &SlaveFlags::work_dir, "Path of the agent work directory; checkpoints live in <work_dir>/meta",
           "Slave");
    t.text("hostname", &SlaveFlags::hostname, "The hostname the agent reports (the simulated host by default)",
           "Slave");
    t.integer("port", &SlaveFlags::port, "Port to listen on (src/slave/main.cpp)", "libprocess", 1, 65535);
    t.duration("registration_backoff_factor", &SlaveFlags::registration_backoff_factor,
               "Agent initially picks a random amount of time between [0, b], where b = "
               "registration_backoff_factor, to (re-)register with a new master. Subsequent retries are "
               "exponentially backed off based on this interval (e.g., 1st retry uses a random value between "
               "[0, b * 2^1], 2nd retry between [0, b * 2^2], 3rd retry between [0, b * 2^3], etc) up to a "
               "maximum of 1mins",
               "Slave", sim::Duration{}, kRegisterRetryIntervalMax);
    t.text("resources", &SlaveFlags::resources,
           "Total consumable resources per agent, e.g. \"cpus:4;mem:8192\" (probed defaults otherwise)", "Slave");
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
    t.add("registry", "Persistence strategy for the registry: in_memory or replicated_log", "Registrar",
          [](MasterFlags& f, std::string_view v) -> sim::Try<sim::Nothing> {
            if (v != "in_memory" && v != "replicated_log") {
              return sim::Error{fmt::format("expected in_memory or replicated_log, got \"{}\"", v)};
            }
            f.registry = std::string(v);
            return sim::Nothing{};
          },
          [](const MasterFlags& f) { return f.registry; });
    return t;
  }();
  return table;
}

}  // namespace agentsim::model
