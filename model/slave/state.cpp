#include "model/slave/state.hpp"

#include <fmt/format.h>

#include "model/slave/paths.hpp"

namespace agentsim::model::state {

namespace {

std::vector<std::string> fields(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto tab = text.find('\t', start);
    out.push_back(text.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return out;
}

std::optional<std::int64_t> number(const std::string& s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::int64_t n = 0;
  bool negative = s[0] == '-';
  for (std::size_t i = negative ? 1 : 0; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    n = n * 10 + (s[i] - '0');
  }
  return negative ? -n : n;
}

// The directory names right under `prefix` ("a/b/" -> {"x", "y"} for a/b/x/..., a/b/y/...).
std::vector<std::string> children(const sim::Disk& disk, const std::string& prefix) {
  std::vector<std::string> out;
  for (const std::string& path : disk.list(prefix)) {
    const std::string rest = path.substr(prefix.size());
    const auto slash = rest.find('/');
    if (slash == std::string::npos) continue;
    const std::string name = rest.substr(0, slash);
    if (out.empty() || out.back() != name) out.push_back(name);
  }
  return out;
}

}  // namespace

std::string encode(const FrameworkInfo& i) {
  return fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}", i.id, i.name, i.user, i.checkpoint ? 1 : 0, i.partition_aware ? 1 : 0,
                     i.failover_timeout.ns(), i.revocable_resources ? 1 : 0);
}

std::string encode(const ExecutorInfo& i) {
  return fmt::format("{}\t{}\t{}\t{}\t{}\t{}", i.executor_id, i.framework_id, i.command ? 1 : 0,
                     i.shutdown_grace_period ? i.shutdown_grace_period->ns() : -1, i.ignore_shutdown ? 1 : 0,
                     i.exit_after ? i.exit_after->ns() : -1);
}

std::string encode(const TaskInfo& i) {
  return fmt::format("{}\t{}\t{}\t{}\t{}", i.task_id, i.name, i.slave_id, i.resources, i.revocable_resources);
}

std::string encode(const SlaveInfo& i) {
  return fmt::format("{}\t{}\t{}\t{}\t{}", i.id, i.hostname, i.port, i.resources, i.attributes);
}

sim::Try<SlaveInfo> decodeSlaveInfo(const std::string& text) {
  const auto f = fields(text);
  const auto port = f.size() == 5 ? number(f[2]) : std::nullopt;
  if (!port || *port < 0 || *port > 65535) return sim::Error{"malformed slave.info"};
  SlaveInfo i;
  i.id = f[0];
  i.hostname = f[1];
  i.port = static_cast<std::uint32_t>(*port);
  i.resources = f[3];
  i.attributes = f[4];
  return i;
}

sim::Try<FrameworkInfo> decodeFrameworkInfo(const std::string& text) {
  const auto f = fields(text);
  const auto timeout = f.size() == 7 ? number(f[5]) : std::nullopt;
  if (!timeout) return sim::Error{"malformed framework.info"};
  FrameworkInfo i;
  i.id = f[0];
  i.name = f[1];
  i.user = f[2];
  i.checkpoint = f[3] == "1";
  i.partition_aware = f[4] == "1";
  i.failover_timeout = sim::Nanoseconds(*timeout);
  i.revocable_resources = f[6] == "1";
  return i;
}

sim::Try<ExecutorInfo> decodeExecutorInfo(const std::string& text) {
  const auto f = fields(text);
  const auto grace = f.size() == 6 ? number(f[3]) : std::nullopt;
  const auto exitAfter = f.size() == 6 ? number(f[5]) : std::nullopt;
  if (!grace || !exitAfter) return sim::Error{"malformed executor.info"};
  ExecutorInfo i;
  i.executor_id = f[0];
  i.framework_id = f[1];
  i.command = f[2] == "1";
  if (*grace >= 0) i.shutdown_grace_period = sim::Nanoseconds(*grace);
  i.ignore_shutdown = f[4] == "1";
  if (*exitAfter >= 0) i.exit_after = sim::Nanoseconds(*exitAfter);
  return i;
}

sim::Try<TaskInfo> decodeTaskInfo(const std::string& text) {
  const auto f = fields(text);
  if (f.size() != 5) return sim::Error{"malformed task.info"};
  TaskInfo i;
  i.task_id = f[0];
  i.name = f[1];
  i.slave_id = f[2];
  i.resources = f[3];
  i.revocable_resources = f[4];
  return i;
}

sim::Try<State> recover(const sim::Disk& disk, const std::string& meta, bool strict, const std::string& bootId) {
  State state;
  // An expected error: fatal with --strict, else counted and skipped.
  auto problem = [&](const std::string& what) -> std::optional<sim::Error> {
    if (strict) return sim::Error{what};
    ++state.errors;
    return std::nullopt;
  };
  const auto checkpointedBoot = disk.read(paths::bootIdPath(meta));
  state.rebooted = checkpointedBoot.has_value() && *checkpointedBoot != bootId;
  const auto latest = disk.read(paths::latestSlavePath(meta));
  if (!latest) return state;
  SlaveState slave;
  slave.id = *latest;
  // SlaveState::recover: a missing agent info file is only a warning: the state has the
  // id and no info (and no frameworks), so Slave::recover starts a new agent.
  if (!disk.exists(paths::slaveInfoPath(meta, *latest))) {
    state.slave = std::move(slave);
    return state;
  }
  auto info = decodeSlaveInfo(disk.read(paths::slaveInfoPath(meta, *latest)).value_or(""));
  if (info.isError()) {
    if (auto e = problem(info.error() + " of agent " + *latest)) return *e;
    state.slave = std::move(slave);
    return state;
  }
  slave.info = *info;
  const std::string frameworksDir = paths::slavePath(meta, slave.id) + "/frameworks/";
  for (const std::string& fid : children(disk, frameworksDir)) {
    FrameworkState framework;
    framework.id = fid;
    if (auto text = disk.read(paths::frameworkInfoPath(meta, slave.id, fid))) {
      auto info = decodeFrameworkInfo(*text);
      if (info.isError()) {
        if (auto e = problem(info.error() + " of framework " + fid)) return *e;
      } else {
        framework.info = *info;
      }
    }
    framework.pid = disk.read(paths::frameworkPidPath(meta, slave.id, fid));
    // FrameworkState::recover returns before the executors when the framework's info or
    // pid file is missing or cannot be read: its executors are not recovered, and
    // Slave::recoverFramework garbage collects its directories.
    if (!framework.info || !framework.pid) {
      slave.frameworks.emplace(fid, std::move(framework));
      continue;
    }
    const std::string executorsDir = paths::frameworkPath(meta, slave.id, fid) + "/executors/";
    for (const std::string& eid : children(disk, executorsDir)) {
      ExecutorState executor;
      executor.id = eid;
      if (auto text = disk.read(paths::executorInfoPath(meta, slave.id, fid, eid))) {
        auto info = decodeExecutorInfo(*text);
        if (info.isError()) {
          if (auto e = problem(info.error() + " of executor " + eid)) return *e;
        } else {
          executor.info = *info;
        }
      }
      executor.latest = disk.read(paths::latestRunPath(meta, slave.id, fid, eid));
      const std::string runsDir = paths::executorPath(meta, slave.id, fid, eid) + "/runs/";
      for (const std::string& cid : children(disk, runsDir)) {
        RunState run;
        run.id = cid;
        run.completed = disk.exists(paths::sentinelPath(meta, slave.id, fid, eid, cid));
        if (!state.rebooted) {
          // Pids from before a reboot are not trusted.
          // RunState::recover reads the libprocess pid only after the forked pid.
          run.forked_pid = disk.read(paths::forkedPidPath(meta, slave.id, fid, eid, cid));
          if (run.forked_pid) run.libprocess_pid = disk.read(paths::libprocessPidPath(meta, slave.id, fid, eid, cid));
        }
        const std::string tasksDir = paths::runPath(meta, slave.id, fid, eid, cid) + "/tasks/";
        for (const std::string& tid : children(disk, tasksDir)) {
          TaskState task;
          task.id = tid;
          if (auto text = disk.read(paths::taskInfoPath(meta, slave.id, fid, eid, cid, tid))) {
            auto info = decodeTaskInfo(*text);
            if (info.isError()) {
              if (auto e = problem(info.error() + " of task " + tid)) return *e;
            } else {
              task.info = *info;
            }
          }
          // TaskState::recover reads the updates only once it has the task's info.
          if (!task.info) {
            run.tasks.emplace(tid, std::move(task));
            continue;
          }
          if (auto bytes = disk.read(paths::taskUpdatesPath(meta, slave.id, fid, eid, cid, tid))) {
            auto records = decodeRecords(*bytes);
            if (records.isError()) {
              if (auto e = problem(fmt::format("Failed to read status updates of task {}: {}", tid, records.error()))) {
                return *e;
              }
            } else {
              task.updates = std::move(records).get();
            }
          }
          run.tasks.emplace(tid, std::move(task));
        }
        executor.runs.emplace(cid, std::move(run));
      }
      framework.executors.emplace(eid, std::move(executor));
    }
    slave.frameworks.emplace(fid, std::move(framework));
  }
  state.slave = std::move(slave);
  return state;
}

}  // namespace agentsim::model::state
