// Slave: oversubscription and QoS (src/slave/slave.cpp: Slave::usage,
// forwardOversubscribed, _forwardOversubscribed, qosCorrections, _qosCorrections).
#include <fmt/format.h>

#include "model/slave/slave.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

ResourceUsage Slave::usage() const {
  // Every executor but a TERMINATED one (a TERMINATING executor still holds its
  // container), with what it has been allocated: executor->resources, which grows with
  // each launched task and shrinks with each terminal one; queued tasks are not in it.
  ResourceUsage u;
  auto total = parseResources(info_.resources);
  if (!total.isError()) u.total = *total;
  for (const auto& [fid, f] : frameworks_) {
    for (const auto& [eid, e] : f.executors) {
      if (e.state == Executor::State::TERMINATED) continue;
      ResourceUsage::Executor x{fid, eid, e.container_id, {}, {}};
      for (const auto& [tid, t] : e.launched) {
        auto r = parseResources(t.resources);
        if (r.isError()) continue;
        x.allocated += *r;
        // Resources::revocable(): only the task's revocable resources, not its regular ones.
        if (auto rev = parseResources(t.revocable_resources); !rev.isError()) x.revocable += *rev;
      }
      u.executors.push_back(x);
    }
  }
  return u;
}

Resources Slave::revocableAllocated() const {
  // _forwardOversubscribed's sum: executor->resources.revocable() of every executor of
  // every framework, whatever its state; queued tasks are not in it (Mesos 1.1).
  Resources total;
  if (!launched_revocable_) return total;  // every task's revocable part is empty
  for (const auto& [fid, f] : frameworks_) {
    for (const auto& [eid, e] : f.executors) {
      for (const auto& [tid, t] : e.launched) {
        if (auto r = parseResources(t.revocable_resources); !r.isError()) total += *r;
      }
    }
  }
  return total;
}

void Slave::forwardOversubscribed() {
  if (!components_.resourceEstimator) return;
  components_.resourceEstimator->oversubscribable(
      [this] { return usage(); }, *this, [this](const sim::Try<Resources>& estimate) { forwardedOversubscribed(estimate); });
}

void Slave::forwardedOversubscribed(const sim::Try<Resources>& estimate) {
  if (estimate.isError()) {
    log("Failed to get oversubscribable resources: " + estimate.error());
  } else {
    // What executors already hold of revocable resources, plus what may be offered.
    Resources total = *estimate;
    total += revocableAllocated();
    const bool changed = !oversubscribed_ || !(*oversubscribed_ == total);
    if (tracing(sim::RecordKind::Log, "log")) {
      log(fmt::format("Received oversubscribable resources {} from the resource estimator", format(*estimate, true)),
          {{"estimate", format(*estimate, true)}, {"oversubscribed", format(total, true)}});
    }
    oversubscribed_ = total;
    if (state_ == State::RUNNING && changed) sendOversubscribed();
  }
  // The next query: --oversubscribed_resources_interval after this answer arrived.
  delay(flags_.oversubscribed_resources_interval, "Slave::forwardOversubscribed", [this] { forwardOversubscribed(); });
}

void Slave::sendOversubscribed() {
  if (!oversubscribed_ || !master_) return;
  UpdateSlaveMessage message;
  message.slave_id = info_.id;
  message.oversubscribed_resources = *oversubscribed_;
  if (tracing(sim::RecordKind::Log, "log")) {
    log(fmt::format("Forwarding total oversubscribed resources {}", format(*oversubscribed_, true)));
  }
  send(masterPid(), message);
}

void Slave::sendRegistrationUpdate() {
  // Slave::registered and reregistered tell the master of what changed between the end of
  // recovery and the registration: the stored estimate, once one exists (Mesos 1.1), and
  // else, since Mesos 1.5, an update without one (update_oversubscribed_resources =
  // false), as every agent has the RESOURCE_PROVIDER capability by default. agentsim
  // follows the later rule, which the oversubscription tests count
  // (OversubscriptionTest.ForwardUpdateSlaveMessage: master/messages_update_slave = 2).
  if (oversubscribed_) {
    sendOversubscribed();
    return;
  }
  if (!master_) return;
  UpdateSlaveMessage message;
  message.slave_id = info_.id;
  message.update_oversubscribed_resources = false;
  log("Forwarding agent update without oversubscribed resources");
  send(masterPid(), message);
}

void Slave::qosCorrections() {
  if (!components_.qosController) return;
  components_.qosController->corrections(
      [this] { return usage(); }, *this, [this](const sim::Try<std::vector<QoSCorrection>>& c) { handleQoSCorrections(c); });
}

void Slave::handleQoSCorrections(const sim::Try<std::vector<QoSCorrection>>& corrections) {
  // The next poll is scheduled first, whatever this answer says.
  delay(flags_.qos_correction_interval_min, "Slave::qosCorrections", [this] { qosCorrections(); });
  if (state_ == State::RECOVERING || state_ == State::TERMINATING) {
    log(fmt::format("Cannot perform QoS corrections because the agent is {}", toString(state_)));
    return;
  }
  if (corrections.isError()) {
    log("Failed to get corrections from QoS Controller: " + corrections.error());
    return;
  }
  for (const QoSCorrection& c : *corrections) {
    // Slave::_qosCorrections, each KILL's checks in Mesos's order. (The model's controllers
    // make only KILL corrections, each naming a framework and an executor: the branches for
    // another type or a missing id are not reachable; docs/conformance.md, lane fidsu.)
    if (c.framework_id.empty()) {
      log("Ignoring QoS correction KILL: framework id not specified.");
      continue;
    }
    if (c.executor_id.empty()) {
      log(fmt::format("Ignoring QoS correction KILL on framework {}: executor id not specified", c.framework_id));
      continue;
    }
    Framework* f = framework(c.framework_id);
    if (f == nullptr) {
      log(fmt::format("Ignoring QoS correction KILL on framework {}: framework cannot be found", c.framework_id));
      continue;
    }
    if (f->state == Framework::State::TERMINATING) {
      log(fmt::format("Ignoring QoS correction KILL on framework {}: framework is terminating.", c.framework_id));
      continue;
    }
    Executor* e = executor(c.framework_id, c.executor_id);
    if (e == nullptr) {
      log(fmt::format("Ignoring QoS correction KILL on executor '{}' of framework {}: executor cannot be found",
                      c.executor_id, c.framework_id));
      continue;
    }
    if (!c.container_id.empty() && c.container_id != e->container_id) {
      log(fmt::format("Ignoring QoS correction KILL on container '{}' for executor '{}' of framework {}: container "
                      "cannot be found",
                      c.container_id, c.executor_id, c.framework_id));
      continue;
    }
    if (e->state != Executor::State::REGISTERING && e->state != Executor::State::RUNNING) {
      log(fmt::format("Ignoring QoS correction KILL on executor '{}' of framework {} because the executor is in {} "
                      "state",
                      c.executor_id, c.framework_id,
                      e->state == Executor::State::TERMINATING ? "TERMINATING" : "TERMINATED"));
      continue;
    }
    ++executors_preempted_;
    metrics_.increment("slave/executors_preempted");
    log(fmt::format("Killing container {} of executor '{}' of framework {} for a QoS correction: {}", e->container_id,
                    c.executor_id, c.framework_id, c.reason),
        {{"executor_id", c.executor_id}, {"container", e->container_id}, {"reason", c.reason},
         {"executors_preempted", static_cast<std::int64_t>(executors_preempted_)}});
    setExecutorState(c.framework_id, *e, Executor::State::TERMINATING, {{"qos_correction", "KILL"}, {"reason", c.reason}});
    e->pending_termination =
        Executor::Termination{TaskState::TASK_LOST, TaskStatusReason::REASON_CONTAINER_PREEMPTED, "Container preempted by QoS correction"};
    if (components_.containerizer != nullptr) components_.containerizer->destroy(e->container_id);
  }
}

}  // namespace agentsim::model
