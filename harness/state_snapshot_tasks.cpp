// The tasks of the `state_snapshot` expectation (see the header). A master's /state
// (src/master/http.cpp) lists each framework's `tasks` (Framework::tasks),
// `completed_tasks` (a ring of --max_completed_tasks_per_framework, which the model
// keeps: a task it pushes out is EVICTED) and `unreachable_tasks`
// (Framework::unreachableTasks, Mesos 1.2+), its completed frameworks' (the
// `completed_framework_tasks` here), and the `orphan_tasks` of registered agents whose
// framework is not Frameworks::registered (in 1.1, one known only from an agent's
// reregistration: "recovered"). An agent's /state
// (src/slave/http.cpp) lists each executor's `tasks` (launchedTasks), `queued_tasks`
// and `completed_tasks` (completedTasks, a ring of 200, and terminatedTasks).
#include "harness/state_snapshot_tasks.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "model/common/task_state.hpp"
#include "model/master/master.hpp"
#include "model/slave/slave.hpp"

namespace agentsim::harness {

namespace {

namespace machines = model::machines;

constexpr std::size_t kMaxCompletedTasksPerExecutor = 200;     // MAX_COMPLETED_TASKS_PER_EXECUTOR

using Counts = std::map<std::string, std::int64_t>;  // TaskState -> tasks

std::string formatCounts(const Counts& counts) {
  std::vector<std::string> parts;
  std::int64_t total = 0;
  for (const auto& [state, n] : counts) {
    if (n == 0) continue;
    parts.push_back(fmt::format("{} {}", state, n));
    total += n;
  }
  return parts.empty() ? "0" : fmt::format("{} ({})", total, fmt::join(parts, ", "));
}

bool matches(const SnapshotTasks::Count& want, const Counts& have) {
  std::int64_t total = 0;
  for (const auto& [state, n] : have) total += n;
  if (want.total) return *want.total == total;
  for (const auto& [state, n] : have) {
    auto it = want.byState.find(state);
    if (n != (it == want.byState.end() ? 0 : it->second)) return false;
  }
  for (const auto& [state, n] : want.byState) {
    auto it = have.find(state);
    if (n != (it == have.end() ? 0 : it->second)) return false;
  }
  return true;
}

void addLast(Counts& counts, const std::vector<std::pair<std::string, std::string>>& tasks, std::size_t keep) {
  const std::size_t from = tasks.size() > keep ? tasks.size() - keep : 0;
  for (std::size_t i = from; i < tasks.size(); ++i) ++counts[tasks[i].second];
}

}  // namespace

void SnapshotTasks::reset() {
  active.clear();
  unreachable.clear();
  lists.clear();
  completed.clear();
}

bool SnapshotTasks::observe(const sim::Record& r) {
  if (r.kind != sim::RecordKind::State) return false;
  const std::string state = r.text("state");
  const std::string fid = r.text("framework_id");
  if (r.name == machines::kMasterTask.name) {
    const std::string key = fid + "/" + r.text("task_id");
    unreachable.erase(key);
    if (state == "ACTIVE") {
      active[key] = {fid, r.text("task_state")};
      return true;
    }
    active.erase(key);
    auto& done = completed[fid];
    if (state == "COMPLETED") done.emplace_back(r.text("task_id"), r.text("task_state"));
    if (state == "UNREACHABLE") unreachable[key] = {fid, r.text("task_state")};
    if (state == "EVICTED") {
      const std::string id = r.text("task_id");
      auto it = std::find_if(done.begin(), done.end(), [&](const auto& t) { return t.first == id; });
      if (it != done.end()) done.erase(it);
    }
    return true;
  }
  if (r.name == machines::kSlaveTask.name) {
    const std::string executor = fid + "/" + r.text("executor_id");
    const std::string key = executor + "/" + r.text("task_id");
    if (state == "COMPLETED") completed[executor].emplace_back(r.text("task_id"), r.text("task_state"));
    if (state == "COMPLETED" || state == "REMOVED") {
      active.erase(key);
      lists.erase(key);
    } else {
      active[key] = {executor, r.text("task_state")};
      lists[key] = state;
    }
    return true;
  }
  return false;
}

void SnapshotTasks::forget(const std::string& base) {
  eraseUnder(active, base);
  eraseUnder(lists, base);
  eraseUnder(completed, base);
}

bool SnapshotTasks::compare(const std::map<std::string, std::string>& frameworks,
                            std::vector<std::string>& seen) const {
  std::map<std::string, Counts> have{{"tasks", {}}, {"completed_tasks", {}}};
  have[master ? "orphan_tasks" : "queued_tasks"];
  if (master) have["completed_framework_tasks"];
  if (master) {
    have["unreachable_tasks"];
    for (const auto& [key, task] : unreachable) {
      auto fw = frameworks.find(task.first);
      if (fw != frameworks.end() && fw->second != "RECOVERED" && fw->second != "REMOVED") {
        ++have["unreachable_tasks"][task.second];
      }
    }
    for (const auto& [key, task] : active) {
      auto fw = frameworks.find(task.first);
      const bool orphan = fw == frameworks.end() || fw->second == "RECOVERED" || fw->second == "REMOVED";
      ++have[orphan ? "orphan_tasks" : "tasks"][task.second];
    }
    for (const auto& [fid, tasks] : completed) {
      auto fw = frameworks.find(fid);
      if (fw == frameworks.end()) continue;
      for (const auto& task : tasks) ++have[fw->second == "REMOVED" ? "completed_framework_tasks" : "completed_tasks"][task.second];
    }
  } else {
    for (const auto& [key, task] : active) {
      const std::string& list = lists.at(key);
      ++have[list == "QUEUED" ? "queued_tasks" : list == "LAUNCHED" ? "tasks" : "completed_tasks"][task.second];
    }
    for (const auto& [executor, tasks] : completed) {
      addLast(have["completed_tasks"], tasks, kMaxCompletedTasksPerExecutor);
    }
  }
  bool held = true;
  for (const auto& [key, counts] : have) {
    if (expected.empty()) break;
    seen.push_back(fmt::format("{} {}", key, formatCounts(counts)));
    if (auto want = expected.find(key); want != expected.end()) held = held && matches(want->second, counts);
  }
  return held;
}

void SnapshotTasks::describe(std::vector<std::string>& want) const {
  for (const auto& [key, count] : expected) {
    want.push_back(fmt::format("{} {}", key, count.total ? std::to_string(*count.total) : formatCounts(count.byState)));
  }
}

sim::Interest SnapshotTasks::interest() const {
  if (expected.empty()) return {};
  return sim::Interest().name(sim::RecordKind::State, master ? machines::kMasterTask.name : machines::kSlaveTask.name);
}

std::string snapshotTaskKeys(bool master) {
  return master ? "tasks, completed_tasks, unreachable_tasks, orphan_tasks, completed_framework_tasks"
                : "tasks, queued_tasks, completed_tasks";
}

SnapshotTasks parseSnapshotTasks(const ParseContext& c, const std::string& p, bool master) {
  SnapshotTasks t;
  t.master = master;
  const std::vector<std::string> states(model::kTaskStateNames.begin(), model::kTaskStateNames.end());
  for (const std::string key :
       {"tasks", "completed_tasks", "unreachable_tasks", "orphan_tasks", "queued_tasks", "completed_framework_tasks"}) {
    const std::string q = p + "/" + key;
    if (!c.reader.has(q)) continue;
    if (((key == "orphan_tasks" || key == "unreachable_tasks" || key == "completed_framework_tasks") && !master) ||
        (key == "queued_tasks" && master)) {
      c.reader.fail(q, fmt::format("{}'s /state has no \"{}\"", master ? "a master" : "an agent", key));
    }
    SnapshotTasks::Count count;
    if (c.reader.at(q).is_object()) {
      c.reader.object(q, states);
      for (const auto& item : c.reader.at(q).items()) {
        const std::string state = item.key();
        count.byState[state] = static_cast<std::int64_t>(c.reader.unsignedInteger(Reader::child(q, state), 0, 1'000'000));
      }
    } else {
      count.total = static_cast<std::int64_t>(c.reader.unsignedInteger(q, 0, 1'000'000));
    }
    t.expected[key] = std::move(count);
  }
  return t;
}

}  // namespace agentsim::harness
