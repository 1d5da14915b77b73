// The `state_snapshot` expectation: what a master's or an agent's `/state` endpoint
// (src/master/http.cpp and src/slave/http.cpp, `state`) would list at a time, rebuilt
// from the trace's state records only, as a Mesos test reads `/state` after settling:
//  - a master (its records since it was last elected, a new mesos-master process):
//    `frameworks` (Master::Framework not REMOVED), `completed_frameworks` (REMOVED),
//    `slaves` (Master::Slave REGISTERED or DISCONNECTED), `unreachable_slaves` (UNREACHABLE:
//    the agents' hosts, and when each was marked, `unreachable_time`; those a new master
//    recovered from the registry, named by its Master::Leadership RECOVERED record, less
//    those its registry GC pruned, PruneUnreachable);
//  - an agent (its records since its agent process started, Slave::State RECOVERING):
//    `frameworks` (Slave::Framework RUNNING or TERMINATING), `completed_frameworks`
//    (REMOVED), `executors` (Slave::Executor not TERMINATED), `completed_executors`;
//  - tasks (harness/state_snapshot_tasks.cpp), from the Master::Task and Slave::Task
//    records that the model keeps only when a scenario reads them: a master's
//    frameworks' `tasks` by state, their `completed_tasks`, `unreachable_tasks`, and `orphan_tasks`; an
//    agent's executors' `tasks` by state, `queued_tasks` and `completed_tasks`.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "harness/state_snapshot_tasks.hpp"
#include "harness/tables.hpp"
#include "model/master/master.hpp"
#include "model/slave/slave.hpp"

namespace agentsim::harness {

namespace {

using sim::Record;
using sim::RecordKind;
namespace machines = model::machines;

struct Snapshot {
  bool master = false;
  std::string host;
  std::optional<sim::Time> at;
  std::map<std::string, std::int64_t> counts;  // key -> expected count
  std::optional<std::map<std::string, std::optional<std::string>>> unreachable;  // agent host -> unreachable_time

  // Latest state by id ("framework_id", "framework_id/executor_id", "slave_id").
  std::map<std::string, std::string> frameworks;
  std::map<std::string, std::string> executors;
  std::map<std::string, std::pair<std::string, std::string>> slaves;  // slave_id -> (state, hostname)
  std::map<std::string, std::string> unreachableTimes;                // slave_id -> unreachable_time
  SnapshotTasks tasks;

  void reset() {
    tasks.reset();
    frameworks.clear();
    executors.clear();
    slaves.clear();
    unreachableTimes.clear();
  }

  // A framework (executor "") or an agent's executor pushed out of a completed ring
  // (--max_completed_*) leaves /state, with what it held.
  void evict(const std::string& frameworkId, const std::string& executorId) {
    const std::string base = executorId.empty() ? frameworkId : frameworkId + "/" + executorId;
    if (executorId.empty()) frameworks.erase(frameworkId);
    eraseUnder(executors, base);
    if (!master) tasks.forget(base);
  }

  // slave_id -> hostname, from any master's records: a master recovers an unreachable
  // agent from the registry by its id only (Master::_recover).
  std::map<std::string, std::string> hostnames;

  void observe(const Record& r) {
    if (r.kind == RecordKind::State && r.name == machines::kMasterSlave.name && r.field("hostname") != nullptr) {
      hostnames[r.text("slave_id")] = r.text("hostname");
    }
    if (r.host != host || (at && r.at > *at)) return;
    if (r.kind == RecordKind::Log) {
      pruned(r);
      return;
    }
    const std::string state = r.text("state");
    if (tasks.observe(r)) return;
    if (r.name == machines::kMasterLeadership.name) {
      if (state == "ELECTED") reset();
      if (state == "RECOVERED" && r.field("unreachable") != nullptr) recoveredUnreachable(r.text("unreachable"));
    } else if (r.name == machines::kSlave.name) {
      if (state == "RECOVERING") reset();
    } else if (r.name == machines::kMasterFramework.name || r.name == machines::kSlaveFramework.name) {
      frameworks[r.text("framework_id")] = state;
      if (state == "EVICTED") evict(r.text("framework_id"), "");
    } else if (r.name == machines::kSlaveExecutor.name) {
      executors[r.text("framework_id") + "/" + r.text("executor_id")] = state;
      if (state == "EVICTED") evict(r.text("framework_id"), r.text("executor_id"));
    } else if (r.name == machines::kMasterSlave.name) {
      slaves[r.text("slave_id")] = {state, r.text("hostname")};
      if (state == "UNREACHABLE") unreachableTimes[r.text("slave_id")] = r.text("unreachable_time");
    }
  }

  // Master::_recover: the registry's unreachable agents ("id=time,..."), listed at once.
  void recoveredUnreachable(const std::string& list) {
    std::size_t from = 0;
    while (from < list.size()) {
      const std::size_t comma = std::min(list.find(',', from), list.size());
      const std::string entry = list.substr(from, comma - from);
      const std::size_t eq = entry.find('=');
      const std::string id = entry.substr(0, eq);
      const auto known = hostnames.find(id);
      slaves[id] = {"UNREACHABLE", known == hostnames.end() ? id : known->second};
      unreachableTimes[id] = eq == std::string::npos ? std::string() : entry.substr(eq + 1);
      from = comma + 1;
    }
  }

  // Master::_doRegistryGc: the agents a PruneUnreachable removed leave unreachable_slaves.
  void pruned(const Record& r) {
    if (r.text("operation") != "PruneUnreachable" || r.field("slave_ids") == nullptr) return;
    const sim::Value* changed = r.field("changed");
    if (changed == nullptr || std::get_if<bool>(changed) == nullptr || !std::get<bool>(*changed)) return;
    const std::string list = r.text("slave_ids");
    std::size_t from = 0;
    while (from < list.size()) {
      const std::size_t comma = std::min(list.find(',', from), list.size());
      const std::string id = list.substr(from, comma - from);
      const auto it = slaves.find(id);
      if (it != slaves.end() && it->second.first == "UNREACHABLE") {
        slaves.erase(it);
        unreachableTimes.erase(id);
      }
      from = comma + 1;
    }
  }

  std::map<std::string, std::int64_t> actual() const {
    std::map<std::string, std::int64_t> n{{"frameworks", 0}, {"completed_frameworks", 0}};
    for (const auto& [id, s] : frameworks) ++n[s == "REMOVED" ? "completed_frameworks" : "frameworks"];
    if (master) {
      n["slaves"] = 0;
      for (const auto& [id, s] : slaves) n["slaves"] += s.first == "REGISTERED" || s.first == "DISCONNECTED";
    } else {
      n["executors"] = n["completed_executors"] = 0;
      for (const auto& [id, s] : executors) ++n[s == "TERMINATED" ? "completed_executors" : "executors"];
    }
    return n;
  }

  std::map<std::string, std::string> unreachableNow() const {
    std::map<std::string, std::string> out;
    for (const auto& [id, s] : slaves) {
      if (s.first == "UNREACHABLE") out[s.second] = unreachableTimes.at(id);
    }
    return out;
  }

  Outcome finish(sim::Time) const {
    const auto n = actual();
    std::vector<std::string> seen;
    bool held = true;
    for (const auto& [key, value] : n) seen.push_back(fmt::format("{} {}", key, value));
    for (const auto& [key, want] : counts) held = held && n.at(key) == want;
    held = tasks.compare(frameworks, seen) && held;
    const auto u = unreachableNow();
    if (master) {
      std::vector<std::string> list;
      for (const auto& [agent, time] : u) list.push_back(fmt::format("{} (unreachable_time {})", agent, time));
      seen.push_back(fmt::format("unreachable_slaves [{}]", fmt::join(list, ", ")));
    }
    if (unreachable) {
      held = held && u.size() == unreachable->size();
      for (const auto& [agent, time] : *unreachable) {
        auto it = u.find(agent);
        held = held && it != u.end() && (!time || it->second == *time);
      }
    }
    return Outcome{held, fmt::format("{}", fmt::join(seen, ", ")), {}};
  }
};

class SnapshotCheck final : public ExpectationCheck {
 public:
  explicit SnapshotCheck(Snapshot s) : s_(std::move(s)) {}
  void observe(const Record& r) override { s_.observe(r); }
  Outcome finish(sim::Time end) override { return s_.finish(end); }

 private:
  Snapshot s_;
};

}  // namespace

void parseStateSnapshot(const ParseContext& c, const std::string& p, Expectation& out) {
  c.reader.object(p, {"host", "at", "frameworks", "completed_frameworks", "slaves", "unreachable_slaves", "executors",
                      "completed_executors", "tasks", "completed_tasks", "unreachable_tasks", "orphan_tasks",
                      "queued_tasks", "completed_framework_tasks"},
                  {"host"});
  Snapshot s;
  s.host = hostArg(c, p + "/host");
  s.master = c.scenario.isMaster(s.host);
  if (!s.master && !c.scenario.isAgent(s.host)) {
    c.reader.fail(p + "/host", fmt::format("\"{}\" is neither a master nor an agent", s.host));
  }
  const std::vector<std::string> keys = s.master ? std::vector<std::string>{"frameworks", "completed_frameworks", "slaves"}
                                                 : std::vector<std::string>{"frameworks", "completed_frameworks",
                                                                            "executors", "completed_executors"};
  for (const std::string key : {"frameworks", "completed_frameworks", "slaves", "executors", "completed_executors"}) {
    if (!c.reader.has(p + "/" + key)) continue;
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      c.reader.fail(p + "/" + key, fmt::format("{}'s /state has no \"{}\"", s.master ? "a master" : "an agent", key));
    }
    s.counts[key] = static_cast<std::int64_t>(c.reader.unsignedInteger(p + "/" + key, 0, 1'000'000));
  }
  if (c.reader.has(p + "/unreachable_slaves")) {
    if (!s.master) c.reader.fail(p + "/unreachable_slaves", "an agent's /state has no \"unreachable_slaves\"");
    const std::string q = p + "/unreachable_slaves";
    const std::size_t n = c.reader.array(q, 1000);
    s.unreachable.emplace();
    for (std::size_t i = 0; i < n; ++i) {
      const std::string e = Reader::child(q, i);
      c.reader.object(e, {"agent", "unreachable_time"}, {"agent"});
      const std::string agent = agentHostArg(c, e + "/agent");
      std::optional<std::string> time;
      if (c.reader.has(e + "/unreachable_time")) {
        time = sim::formatSeconds(sim::Time{} +
                                  c.reader.duration(e + "/unreachable_time", {}, ScenarioLimits::kMaxUntil));
      }
      (*s.unreachable)[agent] = time;
    }
  }
  s.tasks = parseSnapshotTasks(c, p, s.master);
  if (s.counts.empty() && !s.unreachable && s.tasks.empty()) {
    c.reader.fail(p, fmt::format("expected at least one of: {}{}, {}", fmt::join(keys, ", "),
                                 s.master ? ", unreachable_slaves" : "", snapshotTaskKeys(s.master)));
  }
  if (c.reader.has(p + "/at")) s.at = sim::Time{} + c.reader.duration(p + "/at", {}, ScenarioLimits::kMaxUntil);
  std::vector<std::string> want;
  for (const auto& [key, value] : s.counts) want.push_back(fmt::format("{} {}", key, value));
  if (s.unreachable) {
    std::vector<std::string> list;
    for (const auto& [agent, time] : *s.unreachable) list.push_back(time ? agent + " at " + *time : agent);
    want.push_back(fmt::format("unreachable_slaves [{}]", fmt::join(list, ", ")));
  }
  s.tasks.describe(want);
  out.summary = fmt::format("/state of {} {}: {}", s.host, s.at ? "at " + sim::format(s.at->sinceStart()) : "at the end",
                            fmt::join(want, ", "));
  const sim::Interest interest = sim::Interest()
                                     .name(RecordKind::State, machines::kMasterLeadership.name)
                                     .name(RecordKind::State, machines::kMasterFramework.name)
                                     .name(RecordKind::State, machines::kMasterSlave.name)
                                     .name(RecordKind::State, machines::kSlave.name)
                                     .name(RecordKind::State, machines::kSlaveFramework.name)
                                     .name(RecordKind::State, machines::kSlaveExecutor.name)
                                     .topic(RecordKind::Log, model::kRegistryOperationTopic)
                                     .merge(s.tasks.interest());
  out.interest = interest;
  out.check = [s] { return std::make_unique<SnapshotCheck>(s); };
  out.evaluate = [interest, s](const std::vector<Record>& records) {
    Snapshot fresh = s;
    for (const Record& r : records) {
      if (interest.wants(r.kind, r.name)) fresh.observe(r);
    }
    return fresh.finish(records.empty() ? sim::Time{} : records.back().at);
  };
}

}  // namespace agentsim::harness
