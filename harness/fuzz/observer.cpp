#include "harness/fuzz/observer.hpp"

#include <fmt/format.h>

#include "harness/fuzz/case.hpp"
#include "model/master/master.hpp"
#include "model/sched/sched.hpp"
#include "model/slave/slave.hpp"
#include "model/slave/status_update_manager.hpp"

namespace agentsim::harness::fuzz {

const std::vector<std::string>& lifecyclePhases() {
  static const std::vector<std::string> phases{"startup", "recovery", "registered", "disconnected", "failover"};
  return phases;
}

CaseObserver::CaseObserver(std::vector<CaseTarget> targets, std::vector<std::string> agents, bool checkAcks)
    : targets_(std::move(targets)), agents_(std::move(agents)), checkAcks_(checkAcks) {
  counted_.insert(faultFamilies().begin(), faultFamilies().end());
}

void CaseObserver::record(const sim::Record& r) {
  switch (r.kind) {
    case sim::RecordKind::State:
      onState(r);
      return;
    case sim::RecordKind::Fault:
      onFault(r);
      return;
    case sim::RecordKind::Startup:
      if (r.field("failed") != nullptr) {
        exited_.insert(r.host);
        state_.erase(r.host);
        exits_.push_back(fmt::format("{}: {}: {}", r.host, r.name, r.text("message")));
      }
      return;
    default:
      return;
  }
}

void CaseObserver::onState(const sim::Record& r) {
  if (r.name == model::machines::kSlave.name) {
    state_[r.host] = r.text("state");
    exited_.erase(r.host);
  } else if (r.name == model::machines::kStatusUpdateStream.name) {
    const std::string s = r.text("state");
    auto& pending = pending_[r.host];
    if (s == "RECEIVED") pending[r.text("uuid")] = r.text("framework_id");
    if (s == "ACKNOWLEDGED") pending.erase(r.text("uuid"));
    if (s == "CLOSED") pending.erase(r.text("uuid"));
    if (s == "CLEANED_UP") std::erase_if(pending, [&](const auto& p) { return p.second == r.text("framework_id"); });
  } else if (r.name == model::machines::kSchedulerStatusUpdate.name) {
    taskState_[r.host + "/" + r.text("task_id")] = r.text("state");
  } else if (r.name == model::machines::kMasterLeadership.name) {
    const std::string s = r.text("state");
    if (s == "ELECTED") {
      leaders_.insert(r.host);
      hadLeader_ = true;
    } else if (s == "FOLLOWER" || s == "EXITED") {
      leaders_.erase(r.host);
    }
  }
}

void CaseObserver::onFault(const sim::Record& r) {
  if (r.host.empty()) {
    // A timeline action: count its family in the phase its target is in.
    const std::string label = r.text("label");
    if (label.rfind("timeline[", 0) != 0) return;
    const std::size_t i = std::stoul(label.substr(9));
    if (i >= targets_.size() || !counted_.count(targets_[i].family)) return;
    ++coverage_[{targets_[i].family, phaseOf(targets_[i].agent)}];
    return;
  }
  const bool boot = r.name == "kill" && r.text("program") == "(boot program)";
  if (r.name == "crash" || boot) {
    down_.insert(r.host);
    leaders_.erase(r.host);
    pending_.erase(r.host);
    if (boot) state_.erase(r.host);
  }
  if (r.name == "restart") down_.erase(r.host);
}

std::string CaseObserver::phaseOf(const std::string& agent) const {
  if (hadLeader_ && leaders_.empty()) return "failover";
  const auto it = state_.find(agent);
  if (it == state_.end()) return "startup";
  if (it->second == "RECOVERING") return "recovery";
  if (it->second == "RUNNING") return "registered";
  return "disconnected";
}

std::string CaseObserver::livenessViolation() const {
  for (const std::string& a : agents_) {
    if (exited_.count(a) || down_.count(a)) continue;
    const auto it = state_.find(a);
    if (it == state_.end()) continue;  // its program was stopped and not started again
    if (it->second != "RUNNING") return fmt::format("{} is {}, not RUNNING, after the heal", a, it->second);
  }
  if (checkAcks_) {
    for (const auto& [agent, pending] : pending_) {
      if (down_.count(agent) || pending.empty()) continue;
      return fmt::format("{} has {} unacknowledged status update(s) after the heal", agent, pending.size());
    }
  }
  for (const auto& [task, state] : taskState_) {
    if (state == "TASK_STAGING" || state == "TASK_STARTING") return fmt::format("{} is still {}", task, state);
  }
  return {};
}

}  // namespace agentsim::harness::fuzz
