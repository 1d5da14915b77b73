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

CaseObserver::CaseObserver(std::vector<CaseTarget> targets, bool checkAcks, std::set<std::string> unadmitted)
    : targets_(std::move(targets)), liveness_(checkAcks, std::move(unadmitted)) {
  counted_.insert(faultFamilies().begin(), faultFamilies().end());
}

sim::Interest CaseObserver::interest() const {
  return sim::Interest()
      .merge(Liveness::interest())
      .name(sim::RecordKind::State, model::machines::kSlave.name)
      .name(sim::RecordKind::State, model::machines::kMasterLeadership.name)
      .kind(sim::RecordKind::Fault)
      .kind(sim::RecordKind::Startup);
}

void CaseObserver::record(const sim::Record& r) {
  static const sim::Interest live = Liveness::interest();
  if (live.wants(r.kind, r.name)) liveness_.observe(r);
  switch (r.kind) {
    case sim::RecordKind::State:
      onState(r);
      return;
    case sim::RecordKind::Fault:
      onFault(r);
      return;
    case sim::RecordKind::Startup:
      if (r.field("failed") != nullptr) {
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
    leaders_.erase(r.host);
    if (boot) state_.erase(r.host);
  }
}

std::string CaseObserver::phaseOf(const std::string& agent) const {
  if (hadLeader_ && leaders_.empty()) return "failover";
  const auto it = state_.find(agent);
  if (it == state_.end()) return "startup";
  if (it->second == "RECOVERING") return "recovery";
  if (it->second == "RUNNING") return "registered";
  return "disconnected";
}

}  // namespace agentsim::harness::fuzz
