#include "harness/liveness.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "harness/scenario.hpp"
#include "model/authentication/records.hpp"
#include "model/common/task_state.hpp"
#include "model/master/master.hpp"
#include "model/sched/sched.hpp"
#include "model/slave/slave.hpp"
#include "model/slave/status_update_manager.hpp"

namespace agentsim::harness {

std::set<std::string> unadmittedAgents(const Scenario& s) {
  std::set<std::string> out;
  const bool required = !s.masters.empty() && std::all_of(s.masters.begin(), s.masters.end(), [](const MasterSpec& m) {
    return m.flags.authenticate_agents;
  });
  if (!required) return out;
  for (const AgentSpec& a : s.agents) {
    if (a.flags.credential.empty()) out.insert(a.id);
  }
  return out;
}

sim::Interest Liveness::interest() {
  sim::Interest i;
  for (std::string_view n : {model::machines::kSlave.name, model::machines::kStatusUpdateStream.name,
                             model::machines::kSchedulerStatusUpdate.name, model::machines::kMasterFramework.name,
                             model::machines::kMasterLeadership.name}) {
    i.name(sim::RecordKind::State, n);
  }
  for (std::string_view n : {"crash", "kill", "restart"}) i.name(sim::RecordKind::Fault, n);
  i.topic(sim::RecordKind::Log, model::kAgentAuthenticationTopic);
  return i.kind(sim::RecordKind::Startup);
}

void Liveness::observeAuthentication(const sim::Record& r) {
  const std::string event = r.text(model::kAuthenticationEvent);
  if (event == "detected") {
    authenticated_.erase(r.host);
    refusedBy_.erase(r.host);
  } else if (event == "authenticated") {
    authenticated_.insert(r.host);
    refusedBy_.erase(r.host);
  } else if (event == "refused") {
    const std::string agent = r.text("agent");
    if (authenticated_.count(agent) != 0) refusedBy_[agent] = r.host;
  }
}

// The agent's program ended or started again: what it knew of authentication goes (a new
// program detects a master and authenticates afresh).
void Liveness::forgetAuthentication(const std::string& agent) {
  authenticated_.erase(agent);
  refusedBy_.erase(agent);
}

bool Liveness::unauthenticated(const std::string& agent) const {
  const auto it = refusedBy_.find(agent);
  return it != refusedBy_.end() && leaders_.count(it->second) != 0;
}

void Liveness::observe(const sim::Record& r) {
  if (r.kind == sim::RecordKind::Log) {
    // Every built log record reaches a reader of a topic: its field tells ours.
    if (r.field(model::kAuthenticationEvent) != nullptr) observeAuthentication(r);
    return;
  }
  if (r.kind == sim::RecordKind::Startup) {
    forgetAuthentication(r.host);
    // main() exited (a startup error, an abort): the agent has no state to converge,
    // and its updates wait in task.updates for a restart nobody makes.
    if (r.field("failed") != nullptr) {
      state_.erase(r.host);
      pending_.erase(r.host);
      exited_.insert(r.host);
    } else {
      exited_.erase(r.host);  // a step of a new start
    }
    return;
  }
  if (r.kind == sim::RecordKind::Fault) {
    if (r.host.empty()) return;
    const bool boot = r.name == "kill" && r.text("program") == "(boot program)";
    if (r.name == "crash") connected_.erase(r.host);
    if (r.name == "crash" || boot) {
      forgetAuthentication(r.host);
      leaders_.erase(r.host);
      down_.insert(r.host);
      pending_.erase(r.host);
      if (boot) state_.erase(r.host);
    }
    if (r.name == "restart") down_.erase(r.host);
    return;
  }
  if (r.name == model::machines::kSlave.name) {
    state_[r.host] = r.text("state");
    if (state_[r.host] == model::machines::kSlave["TERMINATING"]) abandon(r.host);
  } else if (r.name == model::machines::kStatusUpdateStream.name) {
    const std::string s = r.text("state");
    auto& pending = pending_[r.host];
    const Stream stream{r.text("framework_id"), r.text("task_id")};
    taskAgent_[stream.first + "/" + stream.second] = r.host;
    abandoned_.erase(stream.first + "/" + stream.second);  // the stream lives on
    if (s == "RECEIVED") pending[r.text("uuid")] = stream;
    if (s == "ACKNOWLEDGED") pending.erase(r.text("uuid"));
    // A closed stream discards every update queued behind its terminal one.
    if (s == "CLOSED") std::erase_if(pending, [&](const auto& p) { return p.second == stream; });
    if (s == "CLEANED_UP") std::erase_if(pending, [&](const auto& p) { return p.second.first == stream.first; });
  } else if (r.name == model::machines::kMasterFramework.name) {
    const std::string s = r.text("state");
    connected_[r.host][r.text("framework_id")] = s == "REGISTERED" || s == "REREGISTERED";
  } else if (r.name == model::machines::kMasterLeadership.name) {
    const std::string s = r.text("state");
    if (s == "EXITED") connected_.erase(r.host);
    if (s == "ELECTED") leaders_.insert(r.host);
    if (s == "FOLLOWER" || s == "EXITED") leaders_.erase(r.host);
  } else if (r.name == model::machines::kSchedulerStatusUpdate.name) {
    // A terminal state stays: an update the master forwards after it (Master::statusUpdate
    // forwards updates of tasks it no longer knows) is stale.
    auto& latest = taskState_[r.host + "/" + r.text("task_id")];
    const auto previous = model::parseTaskState(latest.state);
    if (previous && model::isTerminalState(*previous)) return;
    latest = {r.text("state"), r.text("framework_id"), r.text("task_id")};
  }
}

std::vector<std::string> Liveness::outcomes() const {
  std::vector<std::string> out;
  for (const auto& [agent, state] : state_) {
    if (!stuck(agent, state) || !unauthenticated(agent)) continue;
    out.push_back(fmt::format(
        "{}: Master::(re)registerSlave: refused as not authenticated after the agent authenticated; no retry "
        "authenticates again (Slave::doReliableRegistration)",
        agent));
  }
  return out;
}

bool Liveness::stuck(const std::string& agent, const std::string& state) const {
  return down_.count(agent) == 0 && state != "RUNNING" && !shutDown(agent);
}

const std::string* Liveness::stateOf(const std::string& agent) const {
  const auto it = state_.find(agent);
  return it == state_.end() ? nullptr : &it->second;
}

bool Liveness::shutDown(const std::string& agent) const {
  const std::string* state = stateOf(agent);
  return state != nullptr && *state == model::machines::kSlave["TERMINATING"];
}

bool Liveness::agentExited(const Latest& task) const {
  const std::string key = task.framework + "/" + task.task;
  const auto it = taskAgent_.find(key);
  return it != taskAgent_.end() && (exited_.count(it->second) != 0 || shutDown(it->second) || abandoned_.count(key) != 0);
}

void Liveness::abandon(const std::string& agent) {
  for (const auto& [task, host] : taskAgent_) {
    if (host == agent) abandoned_.insert(task);
  }
}

bool Liveness::connected(const std::string& framework) const {
  for (const auto& [master, frameworks] : connected_) {
    const auto it = frameworks.find(framework);
    if (it != frameworks.end() && it->second) return true;
  }
  return false;
}

std::string Liveness::violation() const {
  for (const auto& [agent, state] : state_) {
    if (stuck(agent, state) && unadmitted_.count(agent) == 0 && !unauthenticated(agent)) {
      return fmt::format("{} is {}, not RUNNING, after the heal", agent, state);
    }
  }
  if (checkAcks_) {
    for (const auto& [agent, pending] : pending_) {
      if (down_.count(agent) || shutDown(agent)) continue;
      const auto owed = std::count_if(pending.begin(), pending.end(), [this](const auto& p) { return connected(p.second.first); });
      if (owed == 0) continue;
      return fmt::format("{} has {} unacknowledged status update(s) of connected frameworks after the heal", agent, owed);
    }
  }
  for (const auto& [task, latest] : taskState_) {
    const std::string& state = latest.state;
    if ((state == "TASK_STAGING" || state == "TASK_STARTING") && connected(latest.framework) && !agentExited(latest)) {
      return fmt::format("{} is still {}", task, state);
    }
  }
  return {};
}

}  // namespace agentsim::harness
