#pragma once
// A process's counters, as libprocess's process::metrics::Counter under
// /metrics/snapshot ("master/tasks_lost", "slave/executors_preempted", ...).
// Promise: a counter starts at 0 and only grows; each increment leaves a `log` record
// named "metric" with the counter's key and its new value (docs/trace-format.md), so the
// value at any time is the last such record's (the `metric` expectation reads them).
// Gauges (set) are recorded when they change; the master's and the agent's are kept only
// when a scenario reads metrics (MasterEnvironment::gauges, AgentOptions::gauges).
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>  // lookup only: counters_

namespace agentsim::sim {
class Process;
}

namespace agentsim::model {

class Metrics {
 public:
  // `owner` emits the records, with the function now running as their ref.
  explicit Metrics(sim::Process& owner) : owner_(owner) {}
  void increment(std::string_view key);
  // A gauge's new value (process::metrics::Gauge, read when /metrics/snapshot asks):
  // recorded when it changes.
  void set(std::string_view key, std::int64_t value);
  // A gauge that grows with the clock (master/uptime_secs, slave/uptime_secs: the
  // process's Clock::now() - startTime): recorded once, as 0 when the process starts;
  // its value later is the whole seconds since that record (the metric expectation adds
  // them), so no record is needed per instant.
  void started(std::string_view key);
  std::int64_t value(std::string_view key) const;

 private:
  // Hashed by text, found by a string_view without a copy: a look-up reads the key about
  // once (a sorted map compared it, "master/..." prefix and all, at every level).
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  using Counters = std::unordered_map<std::string, std::int64_t, KeyHash, std::equal_to<>>;  // lookup only
  void assign(Counters::iterator it, std::int64_t value);
  void record(std::string_view key, std::int64_t value);

  sim::Process& owner_;
  Counters counters_;  // lookup only: never iterated
};

// Every counter and gauge key the model keeps, sorted (the master's per state/source/
// reason keys aside).
std::span<const std::string_view> metricNames();

// Master::Metrics::incrementTasksStates's key, "master/task_lost/source_slave/reason_reconciliation".
std::string taskStateReasonKey(std::string_view state, std::string_view source, std::string_view reason);

}  // namespace agentsim::model
