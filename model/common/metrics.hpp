#pragma once
// A process's counters, as libprocess's process::metrics::Counter under
// /metrics/snapshot ("master/tasks_lost", "slave/executors_preempted", ...).
// Promise: a counter starts at 0 and only grows; each increment leaves a `log` record
// named "metric" with the counter's key and its new value (docs/trace-format.md), so the
// value at any time is the last such record's (the `metric` expectation reads them).
// Gauges (set) are recorded when they change; the master's and the agent's are kept only
// when a scenario reads metrics (MasterEnvironment::gauges, AgentOptions::gauges).
#include <cstddef>
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

// A counter's or gauge's key and its hash. A key written as a literal ("slave/tasks_lost")
// is hashed when the program is compiled (consteval), so an increment hashes nothing; a
// key built at run time (the master's task_<state>/source/reason keys) says so:
// MetricKey(text), hashed then. The key's text must outlive the call it is passed to.
class MetricKey {
 public:
  template <std::size_t N>
  consteval MetricKey(const char (&text)[N]) : text_(text, N - 1), hash_(hashOf(text_)) {}  // NOLINT: implicit
  explicit MetricKey(std::string_view text) : text_(text), hash_(hashOf(text)) {}
  constexpr std::string_view text() const { return text_; }
  constexpr std::size_t hash() const { return hash_; }
  // FNV-1a (64 bits): the same at compile time and at run time.
  static constexpr std::size_t hashOf(std::string_view text) {
    std::uint64_t h = 14695981039346656037ULL;
    for (const char c : text) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ULL;
    }
    return static_cast<std::size_t>(h);
  }

 private:
  std::string_view text_;
  std::size_t hash_;
};

class Metrics {
 public:
  // `owner` emits the records, with the function now running as their ref.
  explicit Metrics(sim::Process& owner) : owner_(owner) {}
  void increment(MetricKey key);
  // A gauge's new value (process::metrics::Gauge, read when /metrics/snapshot asks):
  // recorded when it changes.
  void set(MetricKey key, std::int64_t value);
  // A gauge that grows with the clock (master/uptime_secs, slave/uptime_secs: the
  // process's Clock::now() - startTime): recorded once, as 0 when the process starts;
  // its value later is the whole seconds since that record (the metric expectation adds
  // them), so no record is needed per instant.
  void started(MetricKey key);
  std::int64_t value(MetricKey key) const;

 private:
  // Hashed by text (MetricKey::hashOf), found by a MetricKey without hashing it again or
  // copying it: a look-up reads the key's text once, to compare it.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(const std::string& key) const { return MetricKey::hashOf(key); }
    std::size_t operator()(const MetricKey& key) const { return key.hash(); }
  };
  struct KeyEqual {
    using is_transparent = void;
    bool operator()(const std::string& a, const std::string& b) const { return a == b; }
    bool operator()(const MetricKey& a, const std::string& b) const { return a.text() == b; }
    bool operator()(const std::string& a, const MetricKey& b) const { return a == b.text(); }
  };
  using Counters = std::unordered_map<std::string, std::int64_t, KeyHash, KeyEqual>;  // lookup only
  Counters::iterator find(MetricKey key);
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
