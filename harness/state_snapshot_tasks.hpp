#pragma once
// The tasks of the `state_snapshot` expectation (harness/state_snapshot.cpp): what a
// master's or an agent's /state lists of tasks, rebuilt from the Master::Task and
// Slave::Task records, which the model keeps only when a scenario's expectation reads
// them (MasterEnvironment::task_records, AgentOptions::task_records).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/tables.hpp"
#include "sim/trace.hpp"

namespace agentsim::harness {

struct SnapshotTasks {
  // An expected count: a total, or one per TaskState (a state left out counts 0).
  struct Count {
    std::optional<std::int64_t> total;
    std::map<std::string, std::int64_t> byState;
  };
  bool master = false;
  // "tasks", "completed_tasks", "unreachable_tasks", "orphan_tasks", "queued_tasks",
  // "completed_framework_tasks"
  std::map<std::string, Count> expected;

  // Master: ACTIVE tasks (key framework/task -> (framework, state)) and each
  // framework's completed tasks (id, state), in order. Agent: each task's list (QUEUED,
  // LAUNCHED, TERMINATED) and state, and each executor's completed tasks.
  std::map<std::string, std::pair<std::string, std::string>> active;
  std::map<std::string, std::pair<std::string, std::string>> unreachable;  // master: key -> (framework, state)
  std::map<std::string, std::string> lists;  // agent: task key -> list
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> completed;

  bool empty() const { return expected.empty(); }
  void reset();
  // Takes a Master::Task or Slave::Task record; false for any other.
  bool observe(const sim::Record& r);
  // An agent's executor ("framework/executor") or framework ("framework") left its
  // /state (EVICTED from a completed ring): its tasks go with it.
  void forget(const std::string& base);
  // Compares with the expected counts; appends what it saw to `seen`. `frameworks`: the
  // snapshot's latest Master::Framework state by FrameworkID.
  bool compare(const std::map<std::string, std::string>& frameworks, std::vector<std::string>& seen) const;
  void describe(std::vector<std::string>& want) const;
  sim::Interest interest() const;  // none without an expected count
};

// Erases the entries of `map` keyed `base` or "base/...".
template <typename Map>
void eraseUnder(Map& map, const std::string& base) {
  for (auto it = map.lower_bound(base); it != map.end();) {
    const std::string& key = it->first;
    if (key.compare(0, base.size(), base) != 0) break;
    if (key.size() == base.size() || key[base.size()] == '/') {
      it = map.erase(it);
    } else {
      ++it;
    }
  }
}

SnapshotTasks parseSnapshotTasks(const ParseContext& c, const std::string& pointer, bool master);
// "tasks, completed_tasks, orphan_tasks, completed_framework_tasks" (master) or
// "tasks, queued_tasks, completed_tasks" (agent).
std::string snapshotTaskKeys(bool master);

}  // namespace agentsim::harness
