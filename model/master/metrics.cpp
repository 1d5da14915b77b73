// Master::Metrics's gauges (src/master/metrics.cpp, src/master/master.cpp's
// Master::_tasks_staging ... _slaves_inactive): each is read from the master's state when
// /metrics/snapshot asks, so agentsim records a gauge's value whenever it changes.
#include "model/master/master.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {
namespace {
// `<prefix>_connected`, `_disconnected`, `_active`, `_inactive`: active means connected
// here (no deactivation call or maintenance is modelled), for agents and frameworks alike.
void setConnectionGauges(Metrics& metrics, const std::string& prefix, std::int64_t connected, std::int64_t total) {
  metrics.set(MetricKey(prefix + "_connected"), connected);
  metrics.set(MetricKey(prefix + "_disconnected"), total - connected);
  metrics.set(MetricKey(prefix + "_active"), connected);
  metrics.set(MetricKey(prefix + "_inactive"), total - connected);
}
}  // namespace

void Master::gaugesChanged() {
  if (gauges_pending_ || !env_.gauges) return;
  gauges_pending_ = true;
  dispatch("Master::Metrics", [this] {
    gauges_pending_ = false;
    updateGauges();
  });
}

void Master::updateGauges() {
  // Master::_tasks_<state>: the tasks of registered agents (connected or not) in each
  // live state; master/tasks_unreachable is later Mesos's gauge (commit 95aa7ff83, 1.2:
  // 1.1 counted every TASK_UNREACHABLE update), the unreachable tasks of registered
  // frameworks, which the tests since read (PartitionTest.ReregisterSlavePartitionAware).
  std::int64_t staging = 0, starting = 0, running = 0, killing = 0, unreachable = 0;
  for (const auto& [fid, tasks] : tasks_) {
    for (const auto& [tid, t] : tasks) {
      if (registered_.count(t.slave_id) == 0) continue;
      staging += t.state == TaskState::TASK_STAGING;
      starting += t.state == TaskState::TASK_STARTING;
      running += t.state == TaskState::TASK_RUNNING;
      killing += t.state == TaskState::TASK_KILLING;
    }
  }
  for (const auto& [fid, tasks] : unreachable_tasks_) {
    auto fw = frameworks_.find(fid);
    if (fw == frameworks_.end() || fw->second.recovered) continue;
    for (const auto& [tid, t] : tasks) unreachable += t.state == TaskState::TASK_UNREACHABLE;
  }
  // "Add the tasks pending validation / authorization" (Framework::pendingTasks).
  for (const auto& [fid, tasks] : pending_tasks_) staging += static_cast<std::int64_t>(tasks.size());
  metrics_.set("master/tasks_staging", staging);
  metrics_.set("master/tasks_starting", starting);
  metrics_.set("master/tasks_running", running);
  metrics_.set("master/tasks_killing", killing);
  metrics_.set("master/tasks_unreachable", unreachable);
  // Master::_slaves_connected / _disconnected / _active / _inactive (an agent is active
  // while connected: no maintenance deactivation is modelled), and later Mesos's
  // master/slaves_unreachable (Slaves::unreachable, from the registry too).
  std::int64_t connected = 0;
  for (const auto& [id, agent] : registered_) connected += agent.connected;
  setConnectionGauges(metrics_, "master/slaves", connected, static_cast<std::int64_t>(registered_.size()));
  metrics_.set("master/slaves_unreachable", static_cast<std::int64_t>(unreachable_.size()));
  // Master::_frameworks_connected / ... over Frameworks::registered, where a framework
  // recovered from an agent's report is (C30: inactive, disconnected); a framework is
  // active while connected (no deactivation call is modelled).
  std::int64_t frameworksConnected = 0;
  for (const auto& [id, framework] : frameworks_) frameworksConnected += framework.connected;
  setConnectionGauges(metrics_, "master/frameworks", frameworksConnected,
                      static_cast<std::int64_t>(frameworks_.size()));
  metrics_.set("master/elected", elected() ? 1 : 0);
}

}  // namespace agentsim::model
