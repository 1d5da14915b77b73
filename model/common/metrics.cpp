#include "model/common/metrics.hpp"

#include <cctype>

#include "sim/process.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

Metrics::Counters::iterator Metrics::find(MetricKey key) {
  auto it = counters_.find(key);
  if (it == counters_.end()) it = counters_.emplace(std::string(key.text()), 0).first;
  return it;
}

void Metrics::increment(MetricKey key) {
  auto it = find(key);
  assign(it, it->second + 1);
}

void Metrics::set(MetricKey key, std::int64_t value) { assign(find(key), value); }

void Metrics::assign(Counters::iterator it, std::int64_t value) {
  if (it->second == value) return;
  it->second = value;
  record(it->first, value);
}

void Metrics::started(MetricKey key) {
  find(key)->second = 0;
  record(key.text(), 0);
}

void Metrics::record(std::string_view key, std::int64_t value) {
  sim::Simulation& sim = owner_.sim();
  if (!sim.tracing(sim::RecordKind::Log, "metric")) return;  // counted unbuilt when nobody reads it
  sim.emit(sim::RecordKind::Log, &owner_, {}, "metric", {{"metric", std::string(key)}, {"value", value}},
           sim.refOf(&owner_, sim.context().function));
}

std::int64_t Metrics::value(MetricKey key) const {
  auto it = counters_.find(key);
  return it == counters_.end() ? 0 : it->second;
}

namespace {
constexpr std::string_view kMetricNames[]{
    "gc/path_removals_failed",
    "gc/path_removals_pending",
    "gc/path_removals_succeeded",
    "master/cpus_revocable_total",
    "master/dropped_messages",
    "master/elected",
    "master/frameworks_active",
    "master/frameworks_connected",
    "master/frameworks_disconnected",
    "master/frameworks_inactive",
    "master/invalid_executor_to_framework_messages",
    "master/invalid_framework_to_executor_messages",
    "master/invalid_status_update_acknowledgements",
    "master/invalid_status_updates",
    "master/mem_revocable_total",
    "master/messages_authenticate",
    "master/messages_executor_to_framework",
    "master/messages_exited_executor",
    "master/messages_framework_to_executor",
    "master/messages_kill_task",
    "master/messages_launch_tasks",
    "master/messages_reconcile_tasks",
    "master/messages_register_framework",
    "master/messages_register_slave",
    "master/messages_reregister_framework",
    "master/messages_reregister_slave",
    "master/messages_status_update",
    "master/messages_status_update_acknowledgement",
    "master/messages_unregister_framework",
    "master/messages_unregister_slave",
    "master/messages_update_slave",
    "master/recovery_slave_removals",
    "master/slave_registrations",
    "master/slave_removals",
    "master/slave_removals/reason_registered",
    "master/slave_removals/reason_unhealthy",
    "master/slave_removals/reason_unregistered",
    "master/slave_reregistrations",
    "master/slave_unreachable_canceled",
    "master/slave_unreachable_completed",
    "master/slave_unreachable_scheduled",
    "master/slaves_active",
    "master/slaves_connected",
    "master/slaves_disconnected",
    "master/slaves_inactive",
    "master/slaves_unreachable",
    "master/tasks_dropped",
    "master/tasks_error",
    "master/tasks_failed",
    "master/tasks_finished",
    "master/tasks_gone",
    "master/tasks_gone_by_operator",
    "master/tasks_killed",
    "master/tasks_killing",
    "master/tasks_lost",
    "master/tasks_running",
    "master/tasks_staging",
    "master/tasks_starting",
    "master/tasks_unreachable",
    "master/uptime_secs",
    "master/valid_executor_to_framework_messages",
    "master/valid_framework_to_executor_messages",
    "master/valid_status_update_acknowledgements",
    "master/valid_status_updates",
    "slave/container_launch_errors",
    "slave/executor_directory_max_allowed_age_secs",
    "slave/executors_preempted",
    "slave/executors_registering",
    "slave/executors_running",
    "slave/executors_terminated",
    "slave/executors_terminating",
    "slave/frameworks_active",
    "slave/invalid_framework_messages",
    "slave/invalid_status_updates",
    "slave/recovery_errors",
    "slave/registered",
    "slave/tasks_failed",
    "slave/tasks_finished",
    "slave/tasks_gone",
    "slave/tasks_killed",
    "slave/tasks_killing",
    "slave/tasks_lost",
    "slave/tasks_running",
    "slave/tasks_staging",
    "slave/tasks_starting",
    "slave/uptime_secs",
    "slave/valid_framework_messages",
    "slave/valid_status_updates",
};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

std::span<const std::string_view> metricNames() { return kMetricNames; }

std::string taskStateReasonKey(std::string_view state, std::string_view source, std::string_view reason) {
  return "master/" + lower(state) + "/" + lower(source) + "/" + lower(reason);
}

}  // namespace agentsim::model
