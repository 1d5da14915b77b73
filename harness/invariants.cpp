#include "harness/invariants.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "harness/agent_state_transitions.hpp"
#include "harness/one_leader_per_view.hpp"
#include "harness/retry_interval_capped.hpp"
#include "harness/rule.hpp"
#include "harness/task_lost_with_reason.hpp"
#include "harness/text_table.hpp"
#include "model/messages/messages.hpp"
#include "model/messages/task_messages.hpp"
#include "model/sched/sched.hpp"
#include "model/slave/main.hpp"
#include "model/slave/slave.hpp"
#include "model/slave/status_update_manager.hpp"

namespace agentsim::harness {

namespace {

using sim::Record;
using sim::RecordKind;
namespace machines = model::machines;

bool startsWith(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

bool isStream(const Record& r, std::string_view state) {
  return r.kind == RecordKind::State && r.name == machines::kStatusUpdateStream.name && r.text("state") == state;
}

// A StatusUpdateMessage the agent (Slave::forward) sent, with a UUID.
bool isAgentSend(const Record& r) {
  return r.kind == RecordKind::Send && r.name == model::StatusUpdateMessage::kName && startsWith(r.process, "slave(") &&
         !r.text("uuid").empty();
}

// What a scheduler got: the delivery of StatusUpdateMessage to scheduler(N), or the
// Scheduler::statusUpdate record the driver made of it.
bool isSchedulerDelivery(const Record& r) {
  if (r.kind == RecordKind::Deliver && r.name == model::StatusUpdateMessage::kName) {
    return startsWith(r.process, "scheduler(") || startsWith(r.text("to"), "scheduler(");
  }
  return r.kind == RecordKind::State && r.name == machines::kSchedulerStatusUpdate.name;
}

// SIGKILL of the agent's own program (an agent restart), not of an executor's container.
bool isAgentKill(const Record& r) {
  if (r.kind != RecordKind::Fault || r.name != "kill" || r.host.empty()) return false;
  const std::string program = r.text("program");
  return program.empty() || program == "(boot program)";
}

// The host goes down (crash, or the crash a restart begins with).
bool isHostDown(const Record& r) {
  return r.kind == RecordKind::Fault && (r.name == "crash" || r.name == "restart") && !r.host.empty();
}

std::vector<std::string> splitUuids(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < list.size()) {
    const auto comma = list.find(',', start);
    const std::string one = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!one.empty()) out.push_back(one);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string at(sim::Time t) { return sim::formatSeconds(t); }

// The first few violations of a rule: the same collector as the rules in files of their own.
using Violations = RuleViolations;

using TaskKey = std::pair<std::string, std::string>;  // framework_id, task_id

// An update is its framework id, task id and UUID: a UUID is only unique within its
// task's stream as far as these rules go.
std::string updateKey(const std::string& framework, const std::string& task, const std::string& uuid) {
  return framework + '\n' + task + '\n' + uuid;
}
std::string updateKey(const Record& r) { return updateKey(r.text("framework_id"), r.text("task_id"), r.text("uuid")); }

// The records of the status update streams and of what the schedulers got.
sim::Interest streamInterest() {
  return sim::Interest().name(RecordKind::State, machines::kStatusUpdateStream.name);
}

// The agents' sends of status updates, and what stops their retries.
sim::Interest agentInterest() {
  return streamInterest()
      .name(RecordKind::State, machines::kSlave.name)
      .name(RecordKind::Send, model::StatusUpdateMessage::kName)
      .name(RecordKind::Fault, "kill")
      .name(RecordKind::Fault, "crash")
      .name(RecordKind::Fault, "restart");
}

// Makes an InvariantCheck of a type with observe(record) and finish(end).
template <typename C>
class CheckOf final : public InvariantCheck {
 public:
  void observe(const Record& r) override { c_.observe(r); }
  InvariantResult finish(sim::Time end) override { return c_.finish(end); }

 private:
  C c_;
};

template <typename C>
std::function<std::unique_ptr<InvariantCheck>()> checkOf() {
  return [] { return std::make_unique<CheckOf<C>>(); };
}

// A streaming rule of its own file (harness/rule.hpp) as an InvariantCheck: it is handed
// only the records its RuleSubscription names.
template <typename Rule>
class RuleCheck final : public InvariantCheck {
 public:
  void observe(const Record& r) override {
    if (Rule::subscription().wants(r)) rule_.observe(r);
  }
  InvariantResult finish(sim::Time end) override { return rule_.finish(end); }

 private:
  Rule rule_;
};

template <typename Rule>
sim::Interest interestOf() {
  sim::Interest interest;
  for (RecordKind kind : Rule::subscription().kinds) {
    if (!Rule::subscription().topic.empty()) {
      interest.topic(kind, Rule::subscription().topic);
      continue;
    }
    for (std::string_view name : Rule::subscription().names) interest.name(kind, name);
  }
  return interest;
}

template <typename Rule>
std::function<std::unique_ptr<InvariantCheck>()> ruleCheck() {
  return [] { return std::make_unique<RuleCheck<Rule>>(); };
}

struct UpdatesInOrder {
  struct Received {
    std::size_t index;
    std::string state;
  };
  std::map<TaskKey, std::map<std::string, Received>> received;  // first RECEIVED of each UUID, in order
  struct First {
    std::string uuid;
    std::string state;
    sim::Time at;
  };
  std::map<TaskKey, std::vector<First>> delivered;  // the scheduler's first receipt of each UUID
  std::map<TaskKey, std::set<std::string>> seen;

  static sim::Interest interest() {
    return streamInterest().name(RecordKind::State, machines::kSchedulerStatusUpdate.name);
  }
  void observe(const Record& r) {
    if (isStream(r, machines::kStatusUpdateStream["RECEIVED"])) {
      auto& task = received[{r.text("framework_id"), r.text("task_id")}];
      task.try_emplace(r.text("uuid"), Received{task.size(), r.text("task_state")});
    } else if (r.kind == RecordKind::State && r.name == machines::kSchedulerStatusUpdate.name && !r.text("uuid").empty()) {
      const TaskKey key{r.text("framework_id"), r.text("task_id")};
      if (seen[key].insert(r.text("uuid")).second) delivered[key].push_back(First{r.text("uuid"), r.text("state"), r.at});
    }
  }
  InvariantResult finish(sim::Time) const;
};

InvariantResult UpdatesInOrder::finish(sim::Time) const {
  Violations v;
  std::size_t checked = 0;
  std::size_t tasks = 0;
  for (const auto& [key, firsts] : delivered) {
    const auto it = received.find(key);
    if (it == received.end()) continue;  // not from an agent's status update manager
    ++tasks;
    std::optional<std::size_t> latest;
    const First* latestFirst = nullptr;
    for (const First& f : firsts) {
      const auto r = it->second.find(f.uuid);
      if (r == it->second.end()) continue;
      ++checked;
      if (latest && r->second.index < *latest) {
        v.add(fmt::format("task {} of framework {}: the scheduler first got {} ({}) at {}, after {} ({}), but the "
                          "agent's status update manager received {} first",
                          key.second, key.first, f.uuid, f.state, at(f.at), latestFirst->uuid, latestFirst->state,
                          f.uuid));
        continue;
      }
      latest = r->second.index;
      latestFirst = &f;
    }
  }
  return v.result("updates_in_order",
                  fmt::format("{} update(s) of {} task(s) reached their scheduler in the order the agent received "
                              "them",
                              checked, tasks));
}

struct RetriedUntilAcknowledged {
  struct Pending {
    sim::Time last;
    std::string framework;
    std::string task;
    std::string uuid;
    std::string state;
  };
  std::map<std::string, std::map<std::string, Pending>> pending;  // host -> update -> last send
  TextTable<bool> running;                                        // host -> Slave::State is RUNNING (lookup only)
  // host -> frameworks whose streams the manager cleaned up, until a stream of theirs is
  // created or recovered again. A forward the manager had already dispatched to the agent
  // is still sent (Slave::forward sends whatever it is given), but no stream waits for its
  // acknowledgement: nothing retries it, as in Mesos.
  std::map<std::string, std::set<std::string>> cleaned;
  // host -> updates its status update manager acknowledged. A send of one of them is owed
  // no retry: the stream no longer holds it (StatusUpdateManagerProcess::acknowledgement
  // popped it and cancelled its timeout). It happens when a forward was dispatched (by
  // resume or a retry) just before the acknowledgement, at the same instant, as in Mesos;
  // a later one is no_resend_after_acknowledgement's to judge.
  std::map<std::string, std::set<std::string>> acknowledged;
  Violations v;
  std::size_t sends = 0;
  sim::Time last;  // the last record's time

  // The agent's exit too (a Mesos error ends its program, e.g. a failed checkpoint): a
  // stream that died with its agent owes no retry, as after a kill (the exit records'
  // topic: no other startup record is built for it).
  static sim::Interest interest() { return agentInterest().topic(RecordKind::Startup, model::kAgentExitTopic); }
  void overdue(const std::string& host, const Pending& p, sim::Time now, const std::string& until) {
    if (now - p.last <= kRetryBound) return;
    v.add(fmt::format("{} sent {} ({} of task {}) at {} and not again within 10mins + 1secs{}", host, p.uuid, p.state,
                      p.task, at(p.last), until));
  }
  // `what` ended the host's streams ("the agent exited"): formatted into the evidence
  // only when an update was pending (most agents' state records find none).
  void endAll(const std::string& host, sim::Time now, std::string_view what) {
    const auto it = pending.find(host);
    if (it == pending.end()) return;
    const std::string why = fmt::format(" ({} only at {})", what, at(now));
    for (const auto& [key, p] : it->second) overdue(host, p, now, why);
    pending.erase(it);
  }
  template <typename Pred>
  void endIf(const std::string& host, sim::Time now, std::string_view why, Pred pred) {
    auto& m = pending[host];
    for (auto it = m.begin(); it != m.end();) {
      if (pred(it->first, it->second)) {
        overdue(host, it->second, now, fmt::format(" ({} only at {})", why, at(now)));
        it = m.erase(it);
      } else {
        ++it;
      }
    }
  }
  void observe(const Record& r);
  InvariantResult finish(sim::Time end);
};

void RetriedUntilAcknowledged::observe(const Record& r) {
    last = r.at;
    if (r.kind == RecordKind::State && r.name == machines::kSlave.name) {
      const bool isRunning = r.text("state") == machines::kSlave["RUNNING"];
      if (!isRunning) endAll(r.host, r.at, "the agent left RUNNING");
      running[r.host] = isRunning;
    } else if (isAgentKill(r) || isHostDown(r)) {
      endAll(r.host, r.at, "the agent was stopped");
      running[r.host] = false;
    } else if (r.kind == RecordKind::Startup) {
      if (r.field("failed") == nullptr) return;
      endAll(r.host, r.at, "the agent exited");
      running[r.host] = false;
    } else if (isStream(r, machines::kStatusUpdateStream["ACKNOWLEDGED"])) {
      const std::string key = updateKey(r);
      acknowledged[r.host].insert(key);
      endIf(r.host, r.at, "it was acknowledged", [&](const std::string& k, const Pending&) { return k == key; });
    } else if (isStream(r, machines::kStatusUpdateStream["CLOSED"])) {
      // The whole stream: the terminal update and whatever was behind it.
      const TaskKey key{r.text("framework_id"), r.text("task_id")};
      endIf(r.host, r.at, "its stream was closed", [&](const std::string&, const Pending& p) {
        return p.framework == key.first && p.task == key.second;
      });
    } else if (isStream(r, machines::kStatusUpdateStream["CLEANED_UP"])) {
      const std::string framework = r.text("framework_id");
      endIf(r.host, r.at, "its framework's streams were cleaned up",
            [&](const std::string&, const Pending& p) { return p.framework == framework; });
      cleaned[r.host].insert(framework);
    } else if (isStream(r, machines::kStatusUpdateStream["RECEIVED"]) ||
               isStream(r, machines::kStatusUpdateStream["RECOVERED"])) {
      cleaned[r.host].erase(r.text("framework_id"));
    } else if (isAgentSend(r)) {
      ++sends;
      if (!running[r.host]) return;  // no promise to retry outside RUNNING
      if (cleaned[r.host].count(r.text("framework_id")) != 0) return;  // no stream waits for it
      if (acknowledged[r.host].count(updateKey(r)) != 0) return;       // no stream holds it
      auto& m = pending[r.host];
      auto it = m.find(updateKey(r));
      if (it != m.end()) {
        overdue(r.host, it->second, r.at, fmt::format(" (resent only at {})", at(r.at)));
        it->second.last = r.at;
      } else {
        m.emplace(updateKey(r), Pending{r.at, r.text("framework_id"), r.text("task_id"), r.text("uuid"), r.text("state")});
      }
    }
}

InvariantResult RetriedUntilAcknowledged::finish(sim::Time end) {
  end = std::max(end, last);
  for (const auto& [host, m] : pending) {
    for (const auto& [key, p] : m) {
      overdue(host, p, end, fmt::format(", and it was not acknowledged by the end ({})", at(end)));
    }
  }
  return v.result("retried_until_acknowledged",
                  fmt::format("{} status update send(s) by agents; every unacknowledged update was resent within "
                              "10mins + 1secs while its agent ran",
                              sends));
}

struct NoResendAfterAcknowledgement {
  std::map<std::string, std::map<std::string, sim::Time>> acknowledged;  // host -> update -> when
  Violations v;
  static sim::Interest interest() { return streamInterest().name(RecordKind::Send, model::StatusUpdateMessage::kName); }
  void observe(const Record& r) {
    if (isStream(r, machines::kStatusUpdateStream["ACKNOWLEDGED"])) {
      acknowledged[r.host].try_emplace(updateKey(r), r.at);
    } else if (isAgentSend(r)) {
      const auto host = acknowledged.find(r.host);
      if (host == acknowledged.end()) return;
      const auto it = host->second.find(updateKey(r));
      if (it == host->second.end()) return;
      // The manager forwards through a dispatch to the agent (Mesos: defer(self(),
      // &Slave::forward)), which runs at the instant it was made: a re-forward the manager
      // dispatched (at a resume or a retry) just before the acknowledgement arrived is
      // still sent at that instant, as in Mesos. A later send is a real resend.
      if (r.at == it->second) return;
      v.add(fmt::format("{} sent {} ({} of task {}) again at {}, after its status update manager acknowledged it at "
                        "{}",
                        r.host, r.text("uuid"), r.text("state"), r.text("task_id"), at(r.at), at(it->second)),
            &r);
    }
  }
  InvariantResult finish(sim::Time) const {
  std::size_t n = 0;
  for (const auto& [host, m] : acknowledged) n += m.size();
  return v.result("no_resend_after_acknowledgement",
                  fmt::format("{} acknowledged update(s), none sent again", n));
  }
};

struct NothingAfterTerminalAcknowledgement {
  std::map<std::string, sim::Time> discarded;  // update -> when its stream closed
  std::set<std::string> reported;
  Violations v;
  static sim::Interest interest() {
    return streamInterest()
        .name(RecordKind::Deliver, model::StatusUpdateMessage::kName)
        .name(RecordKind::State, machines::kSchedulerStatusUpdate.name);
  }
  void observe(const Record& r) {
    if (isStream(r, machines::kStatusUpdateStream["CLOSED"])) {
      for (const std::string& u : splitUuids(r.text("discarded"))) {
        discarded.try_emplace(updateKey(r.text("framework_id"), r.text("task_id"), u), r.at);
      }
    } else if (isSchedulerDelivery(r)) {
      const std::string key = updateKey(r);
      const auto it = discarded.find(key);
      if (it == discarded.end() || !reported.insert(key).second) return;
      v.add(fmt::format("{} ({} of task {}) reached the scheduler on {} at {}, after its stream was closed at {} "
                        "by the acknowledgement of the terminal update",
                        r.text("uuid"), r.text("state"), r.text("task_id"), r.host, at(r.at), at(it->second)),
            &r);
    }
  }
  InvariantResult finish(sim::Time) const {
    return v.result("nothing_after_terminal_acknowledgement",
                    fmt::format("{} update(s) discarded behind an acknowledged terminal update, none delivered",
                                discarded.size()));
  }
};

struct CheckpointedUpdatesSurviveRestarts {
  struct Live {
    std::string framework;
    std::string task;
    std::string uuid;
    std::string state;
    bool certain = true;  // false after a reboot, until recovered: unsynced data may be lost
    sim::Time since;      // received, or recovered
  };
  std::map<std::string, sim::Time> started;  // host -> when its agent's program last started (was killed)
  std::map<std::string, std::map<std::string, Live>> live;  // host -> checkpointed, unacknowledged updates
  struct Window {
    sim::Time killed;
    std::map<std::string, Live> owed;
    std::set<std::string> recovered;
    bool finished = false;  // the new agent left RECOVERING
  };
  // A window is judged when the restarted agent first sends ReregisterSlaveMessage (it
  // recovered its identity), or at the end of the run; a RegisterSlaveMessage voids it
  // (it started as a new agent: its checkpoint was removed, as an operator does after
  // an incompatible restart), and so does another kill before either (the next window
  // owes the same updates, still checkpointed).
  std::map<std::string, Window> windows;  // host -> the agent restart in progress
  Violations v;
  std::size_t restarts = 0;
  std::size_t owed = 0;
  static sim::Interest interest() {
    return agentInterest().name(RecordKind::Send, model::RegisterSlaveMessage::kName)
        .name(RecordKind::Send, model::ReregisterSlaveMessage::kName)
        .topic(RecordKind::Startup, model::kAgentExitTopic);  // exits: no other startup record is built for it
  }
  void close(const std::string& host) {
    auto it = windows.find(host);
    if (it == windows.end()) return;
    const Window& w = it->second;
    if (w.finished) {
      ++restarts;
      for (const auto& [key, l] : w.owed) {
        ++owed;
        if (w.recovered.count(key) != 0) continue;
        v.add(fmt::format("{} ({} of task {} of framework {}) was checkpointed on {} and unacknowledged when the "
                          "agent was killed at {}, but the restarted agent did not recover it",
                          l.uuid, l.state, l.task, l.framework, host, at(w.killed)));
      }
    }
    windows.erase(it);
  }
  template <typename Pred>
  void drop(const std::string& host, Pred pred) {
    const auto found = live.find(host);  // most agents have none: no entry made
    if (found == live.end()) return;
    auto& m = found->second;
    for (auto it = m.begin(); it != m.end();) it = pred(it->first, it->second) ? m.erase(it) : std::next(it);
  }
  void observe(const Record& r) {
    if (isStream(r, machines::kStatusUpdateStream["RECEIVED"])) {
      const sim::Value* cp = r.field("checkpoint");
      const bool checkpointed = cp != nullptr && std::get_if<bool>(cp) != nullptr && std::get<bool>(*cp);
      if (checkpointed) {
        live[r.host].insert_or_assign(updateKey(r), Live{r.text("framework_id"), r.text("task_id"), r.text("uuid"),
                                                         r.text("task_state"), true, r.at});
      }
    } else if (isStream(r, machines::kStatusUpdateStream["RECOVERED"])) {
      live[r.host].insert_or_assign(updateKey(r), Live{r.text("framework_id"), r.text("task_id"), r.text("uuid"),
                                                       r.text("task_state"), true, r.at});
      auto it = windows.find(r.host);
      if (it != windows.end()) it->second.recovered.insert(updateKey(r));
    } else if (isStream(r, machines::kStatusUpdateStream["ACKNOWLEDGED"])) {
      const std::string key = updateKey(r);
      drop(r.host, [&](const std::string& k, const Live&) { return k == key; });
    } else if (isStream(r, machines::kStatusUpdateStream["CLOSED"])) {
      const TaskKey key{r.text("framework_id"), r.text("task_id")};
      drop(r.host, [&](const std::string&, const Live& l) { return l.framework == key.first && l.task == key.second; });
    } else if (isStream(r, machines::kStatusUpdateStream["CLEANED_UP"])) {
      const std::string framework = r.text("framework_id");
      drop(r.host, [&](const std::string&, const Live& l) { return l.framework == framework; });
    } else if (r.kind == RecordKind::Send && r.name == model::ReregisterSlaveMessage::kName) {
      close(r.host);
    } else if (r.kind == RecordKind::Send && r.name == model::RegisterSlaveMessage::kName) {
      // A new agent: what the previous identity checkpointed is abandoned.
      windows.erase(r.host);
      const auto since = started.find(r.host);  // when it last started (a kill or host down), if ever
      const sim::Time start = since == started.end() ? sim::Time{} : since->second;
      drop(r.host, [&](const std::string&, const Live& l) { return l.since < start; });
    } else if (r.kind == RecordKind::Startup) {
      // The restarted agent exited (a Mesos error) before it registered or reregistered:
      // whether it kept its identity (and owed its old updates) never showed, so the
      // window is not judged; a later restart owes the same updates again.
      if (r.field("failed") != nullptr) windows.erase(r.host);
    } else if (isAgentKill(r)) {
      windows.erase(r.host);
      started[r.host] = r.at;
      Window w;
      w.killed = r.at;
      for (const auto& [key, l] : live[r.host]) {
        if (l.certain) w.owed.emplace(key, l);
      }
      windows[r.host] = std::move(w);
    } else if (isHostDown(r)) {
      windows.erase(r.host);
      started[r.host] = r.at;
      for (auto& [key, l] : live[r.host]) l.certain = false;
    } else if (r.kind == RecordKind::State && r.name == machines::kSlave.name &&
               r.text("state") == machines::kSlave["TERMINATING"]) {
      // The agent shuts down (Slave::shutdown): every framework is shut down and removed
      // (Slave::shutdownFramework removes even a terminated executor still waiting for
      // acknowledgements, writing its completed sentinel; removeFramework cleans its
      // streams up). A later start does not recover the updates of a completed executor
      // (StatusUpdateManager::recover skips them), so nothing checkpointed is owed.
      live.erase(r.host);
      windows.erase(r.host);
    } else if (r.kind == RecordKind::State && r.name == machines::kSlave.name && r.text("previous") == machines::kSlave["RECOVERING"]) {
      auto it = windows.find(r.host);
      if (it != windows.end()) it->second.finished = true;
    }
  }
  InvariantResult finish(sim::Time);
};

InvariantResult CheckpointedUpdatesSurviveRestarts::finish(sim::Time) {
  std::vector<std::string> hosts;
  for (const auto& [host, w] : windows) hosts.push_back(host);
  for (const std::string& h : hosts) close(h);
  return v.result("checkpointed_updates_survive_restarts",
                  restarts == 0 ? std::string("no agent restart finished recovery")
                                : fmt::format("{} agent restart(s); {} checkpointed, unacknowledged update(s) at "
                                              "them, each recovered",
                                              restarts, owed));
}

}  // namespace

// Over a whole trace: the observer fed every record it subscribed to. `end` is when the
// run stopped; the last record's time counts too, if later.
InvariantResult Invariant::over(const std::vector<Record>& records, sim::Time end) const {
  if (!records.empty()) end = std::max(end, records.back().at);
  const std::unique_ptr<InvariantCheck> c = check();
  for (const Record& r : records) {
    if (interest.wants(r.kind, r.name)) c->observe(r);
  }
  return c->finish(end);
}

InvariantResult updatesInOrder(const std::vector<Record>& records) { return invariants()[0].over(records, {}); }
InvariantResult retriedUntilAcknowledged(const std::vector<Record>& records, sim::Time end) {
  return invariants()[1].over(records, end);
}
InvariantResult noResendAfterAcknowledgement(const std::vector<Record>& records) {
  return invariants()[2].over(records, {});
}
InvariantResult nothingAfterTerminalAcknowledgement(const std::vector<Record>& records) {
  return invariants()[3].over(records, {});
}
InvariantResult checkpointedUpdatesSurviveRestarts(const std::vector<Record>& records) {
  return invariants()[4].over(records, {});
}

const std::vector<Invariant>& invariants() {
  static const std::vector<Invariant> all{
      {"updates_in_order",
       "Per task, the scheduler first receives each status update in the order the agent's status update manager "
       "received them (src/slave/status_update_manager.cpp: only a stream's head is in flight).",
       UpdatesInOrder::interest(), checkOf<UpdatesInOrder>()},
      {"retried_until_acknowledged",
       "An update the agent sent and that is not acknowledged is sent again within 10mins 1secs "
       "(STATUS_UPDATE_RETRY_INTERVAL_MAX) while the agent stays RUNNING "
       "(StatusUpdateManagerProcess::timeout).",
       RetriedUntilAcknowledged::interest(), checkOf<RetriedUntilAcknowledged>()},
      {"no_resend_after_acknowledgement",
       "After the agent's status update manager acknowledged an update, the agent never sends it again at a later "
       "instant (StatusUpdateStream::acknowledgement pops it; a forward dispatched just before, at the same instant, "
       "still goes out, as Mesos's deferred Slave::forward does).",
       NoResendAfterAcknowledgement::interest(), checkOf<NoResendAfterAcknowledgement>()},
      {"nothing_after_terminal_acknowledgement",
       "Updates behind an acknowledged terminal update are discarded with their stream and never reach a "
       "scheduler (StatusUpdateManagerProcess::acknowledgement cleans up the stream).",
       NothingAfterTerminalAcknowledgement::interest(), checkOf<NothingAfterTerminalAcknowledgement>()},
      {"checkpointed_updates_survive_restarts",
       "A checkpointed update that was not acknowledged when the agent process was killed is recovered by the "
       "restarted agent (StatusUpdateManagerProcess::recover replays task.updates).",
       CheckpointedUpdatesSurviveRestarts::interest(), checkOf<CheckpointedUpdatesSurviveRestarts>()},
      // Streaming rules (harness/rule.hpp), each in its own file.
      {AgentStateTransitions::kName,
       "Each agent process starts RECOVERING and moves only along Mesos's Slave::State machine: RECOVERING to "
       "DISCONNECTED or TERMINATING, DISCONNECTED to RUNNING or TERMINATING, RUNNING to DISCONNECTED or TERMINATING; "
       "TERMINATING is final (src/slave/slave.hpp, Slave::registered, ::reregistered, ::detected, ::shutdown).",
       interestOf<AgentStateTransitions>(), ruleCheck<AgentStateTransitions>()},
      {OneLeaderPerView::kName,
       "At most one leader per ZooKeeper view: a master whose candidacy is cancelled (its ZooKeeper session expired) "
       "stops leading at that instant (Master::lostCandidacy: 'Lost leadership... committing suicide!').",
       interestOf<OneLeaderPerView>(), ruleCheck<OneLeaderPerView>()},
      {TaskLostWithReason::kName,
       "Every TASK_LOST, TASK_DROPPED, TASK_GONE, TASK_GONE_BY_OPERATOR or TASK_UNREACHABLE the agent or the master "
       "generates carries a TaskStatus reason (e.g. REASON_RECONCILIATION, REASON_SLAVE_REMOVED).",
       interestOf<TaskLostWithReason>(), ruleCheck<TaskLostWithReason>()},
      {RetryIntervalCapped::kName,
       "Each re-send of a status update arms its next retry at twice the last interval, within [10secs, 10mins] "
       "(STATUS_UPDATE_RETRY_INTERVAL_MIN, _MAX; StatusUpdateManagerProcess::timeout).",
       interestOf<RetryIntervalCapped>(), ruleCheck<RetryIntervalCapped>()},
  };
  return all;
}

std::vector<InvariantResult> checkInvariants(const std::vector<Record>& records, sim::Time end) {
  InvariantObservers observers;
  for (const Record& r : records) observers.observe(r);
  return observers.finish(end);
}

InvariantObservers::InvariantObservers() {
  for (const Invariant& i : invariants()) checks_.push_back(i.check());
}

void InvariantObservers::observe(const Record& r) {
  last_ = std::max(last_, r.at);
  for (std::size_t i = 0; i < checks_.size(); ++i) {
    if (invariants()[i].interest.wants(r.kind, r.name)) checks_[i]->observe(r);
  }
}

std::vector<InvariantResult> InvariantObservers::finish(sim::Time end) {
  std::vector<InvariantResult> out;
  for (const auto& c : checks_) out.push_back(c->finish(std::max(end, last_)));
  return out;
}

}  // namespace agentsim::harness
