#include "model/slave/containerizer/containerizer.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "model/common/pid.hpp"
#include "model/slave/fault_sites.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

std::string_view toString(ContainerType type) {
  switch (type) {
    case ContainerType::NONE: return "NONE";
    case ContainerType::MESOS: return "MESOS";
    case ContainerType::DOCKER: return "DOCKER";
  }
  return "?";
}

sim::Process* Containerizer::processAt(const sim::Upid& pid) const { return sim().process(pid); }

FakeContainerizer::FakeContainerizer(sim::ProcessName name, Fetcher* fetcher, sim::Duration launchLatency)
    : Containerizer(std::move(name)), fetcher_(fetcher), launchLatency_(launchLatency) {}

std::vector<std::string> FakeContainerizer::containers() const {
  std::vector<std::string> out;
  for (const auto& [id, c] : containers_) {
    if (c.state != State::TERMINATED) out.push_back(id);
  }
  return out;
}

void FakeContainerizer::launch(ContainerConfig config, sim::Upid caller, Launched done) {
  dispatch("launch", [this, config = std::move(config), caller, done = std::move(done)]() mutable {
    if (!supports(config.type)) {
      log(fmt::format("Not launching container {}: {} does not run containers of type {}", config.container_id,
                      className(), toString(config.type)),
          {{"container", config.container_id}});
      reply(caller, "Containerizer::launch", [done] { done(false); });
      return;
    }
    if (containers_.count(config.container_id) != 0) {
      const std::string error = fmt::format("Container '{}' already started", config.container_id);
      reply(caller, "Containerizer::launch", [done, error] { done(sim::Error{error}); });
      return;
    }
    const Id id = config.container_id;
    if (tracing()) {
      log(fmt::format("Starting container {}", id), {{"container", id}, {"type", std::string(toString(config.type))}});
    }
    Container& c = containers_[id];
    c.config = std::move(config);
    if (c.config.executor) c.executor_id = c.config.executor->info.executor_id;
    if (tracing()) traceState(machines::kContainer, "FETCHING", {{"container", id}});
    // From here a destroy answers the launch (a failure) at once, as Mesos's destroy of a
    // FETCHING container kills the fetcher.
    c.launch = {caller, done};
    if (c.config.uris.empty() || fetcher_ == nullptr) {
      fetched(id, sim::Nothing{}, caller, std::move(done));
      return;
    }
    fetcher_->fetch(id, c.config.uris, c.config.sandbox, self(),
                    [this, id, caller, done](const sim::Try<sim::Nothing>& r) { fetched(id, r, caller, done); });
  });
}

void FakeContainerizer::fetched(const Id& id, const sim::Try<sim::Nothing>& result, sim::Upid caller,
                                Launched done) {
  auto it = containers_.find(id);
  // Destroyed while fetching: the destroy killed the fetch and answered the launch.
  if (it == containers_.end() || it->second.state != State::FETCHING) return;
  Container& c = it->second;
  if (result.isError()) {
    c.launch.reset();  // answered here, with the fetch's error
    terminate(c, ContainerTermination{std::nullopt, result.error(), TaskStatusReason::REASON_CONTAINER_LAUNCH_FAILED});
    const std::string error = result.error();
    reply(caller, "Containerizer::launch", [done, error] { done(sim::Error{error}); });
    return;
  }
  c.state = State::PREPARING;
  if (tracing()) traceState(machines::kContainer, "PREPARING", {{"container", id}});
  c.timer = delay(c.config.launch_latency.value_or(launchLatency_), "launch",
                  [this, id, caller, done] { started(id, caller, done); });
}

void FakeContainerizer::started(const Id& id, sim::Upid caller, Launched done) {
  Container& c = containers_.at(id);
  c.timer = sim::TimerId{};
  c.launch.reset();
  if (c.state == State::DESTROYING) {
    // MesosContainerizerProcess::_launch (and isolate): destroyed while preparing, the
    // destroy waited for the preparation; the launch fails now, nothing was forked (the
    // termination has no status), and the isolators are cleaned up.
    const std::string error = "Container is being destroyed during preparing";
    reply(caller, "Containerizer::launch", [done, error] { done(sim::Error{error}); });
    cleanup(c);
    return;
  }
  c.state = State::RUNNING;
  c.started = now();
  // What only the launch needed (the fetch into the sandbox; the sandbox's path stays for
  // disk/du if it has a quota).
  c.config.uris.clear();
  c.config.uris.shrink_to_fit();
  if (disk_isolator_ && c.config.disk_quota_bytes > 0) {
    // isolate() and update(): the isolator starts collecting the sandbox's usage.
    c.disk_check = delay(disk_watch_interval_, "PosixDiskIsolatorProcess::_collect", [this, id] { checkDisk(id); });
  } else {
    std::string().swap(c.config.sandbox);
  }
  if (tracing()) traceState(machines::kContainer, "RUNNING", {{"container", id}});
  if (c.config.executor && siteFires(faults_, *this, kExecutorLaunchSite, id.str())) {
    // The launch helper forked, but exec of the executor's command failed: the child
    // exits with status 1 before the executor registers. The launch itself succeeded
    // (MesosContainerizerProcess::_launch answers after the fork); the container's wait
    // reports the exit, and Slave::executorTerminated fails the executor's tasks.
    c.config.executor.reset();
    log(fmt::format("Failed to execute the executor's command in container {}: exec failed", id),
        {{"container", id}});
    reply(caller, "Containerizer::launch", [done] { done(true); });
    // reaped(): the helper's exit destroys the container.
    beginDestroy(c, ContainerTermination{1, "Exited with status 1 (the executor's command failed to execute)",
                                         std::nullopt});
    return;
  }
  if (c.config.executor) {
    // fork/exec of the executor: its own program (OS process) on this host. The
    // environment moves into the executor: nothing reads it here again.
    c.runs_executor = true;
    std::shared_ptr<ExecutorEnvironment> env = std::move(c.config.executor);
    const std::string executorId = tracing() ? env->info.executor_id : std::string();
    ExecutorProcess& executor = sim().spawnIn<ExecutorProcess>(
        host(), "container " + id, env.use_count() == 1 ? std::move(*env) : ExecutorEnvironment(*env));
    setExecutor(c, executor.self());
    link(c.executor);
    if (c.config.forked_pid_path) (void)host().disk().write(*c.config.forked_pid_path, c.executor.str());
    if (tracing()) {
      log(fmt::format("Forked executor {} as {}", executorId, c.executor.str()),
          {{"container", id}, {"pid", c.executor.str()}});
    }
  }
  reply(caller, "Containerizer::launch", [done] { done(true); });
  if (c.config.run_time == sim::Duration::max() || c.runs_executor) return;
  c.timer = delay(c.config.run_time, "reaped", [this, id] {
    // MesosContainerizerProcess::reaped (or limited, for an OOM): destroy().
    Container& c = containers_.at(id);
    c.timer = sim::TimerId{};
    if (c.config.oom) {
      beginDestroy(c, ContainerTermination{9, "Memory limit exceeded", TaskStatusReason::REASON_CONTAINER_LIMITATION_MEMORY,
                                           true});
    } else {
      beginDestroy(c, ContainerTermination{c.config.exit_status,
                                           fmt::format("Exited with status {}", c.config.exit_status), std::nullopt});
    }
  });
}

void FakeContainerizer::terminate(Container& c, ContainerTermination t) {
  cancel(c.timer);
  c.state = State::TERMINATED;
  c.termination = t;
  if (tracing()) {
    sim::Fields f{{"container", c.config.container_id}, {"message", t.message}};
    if (t.status) f.push_back({"status", static_cast<std::int64_t>(*t.status)});
    if (t.reason) f.push_back({"reason", std::string(toString(*t.reason))});
    traceState(machines::kContainer, "TERMINATED", std::move(f));
  }
  for (auto& [caller, done] : c.waiters) reply(caller, "Containerizer::wait", [done = std::move(done), t] { done(t); });
  c.waiters.clear();
  // What only a launch needed: a terminated container keeps its id and termination.
  c.config.uris.clear();
  c.config.uris.shrink_to_fit();
  std::string().swap(c.config.sandbox);
}

void FakeContainerizer::wait(std::string containerId, sim::Upid caller, Waited done) {
  dispatch("wait", [this, containerId = std::move(containerId), caller, done = std::move(done)] {
    auto it = containers_.find(containerId);
    if (it == containers_.end()) {
      const std::string error = std::string(kUnknownContainer) + containerId;
      reply(caller, "Containerizer::wait", [done, error] { done(sim::Error{error}); });
      return;
    }
    if (it->second.state == State::TERMINATED) {
      reply(caller, "Containerizer::wait", [done, t = *it->second.termination] { done(t); });
      return;
    }
    it->second.waiters.emplace_back(caller, done);
  });
}

std::string_view FakeContainerizer::stateName(State state) {
  switch (state) {
    case State::FETCHING: return "FETCHING";
    case State::PREPARING: return "PREPARING";
    case State::RUNNING: return "RUNNING";
    case State::DESTROYING: return "DESTROYING";
    case State::TERMINATED: return "TERMINATED";
  }
  return "?";
}

void FakeContainerizer::destroy(std::string containerId) {
  dispatch("destroy", [this, containerId = std::move(containerId)] {
    auto it = containers_.find(containerId);
    // MesosContainerizerProcess::destroy: an unknown container (1.1 forgets a terminated
    // one) answers false; one DESTROYING answers with the termination to come.
    if (it == containers_.end() || it->second.state == State::TERMINATED) {
      log("Attempted to destroy unknown container " + containerId, {{"container", containerId}});
      return;
    }
    if (it->second.state == State::DESTROYING) return;
    beginDestroy(it->second, ContainerTermination{9, "Container destroyed", std::nullopt});
  });
}

void FakeContainerizer::beginDestroy(Container& c, ContainerTermination ending) {
  const std::string& id = c.config.container_id;
  const State from = c.state;
  if (tracing()) log(fmt::format("Destroying container {} in {} state", id, stateName(from)), {{"container", id}});
  c.state = State::DESTROYING;
  c.destroyed_from = from;
  cancel(c.disk_check);
  if (tracing()) traceState(machines::kContainer, "DESTROYING", {{"container", id}, {"from", std::string(stateName(from))}});
  switch (from) {
    case State::FETCHING: {
      // _destroy: fetcher->kill(containerId); the fetch's subprocess dies of SIGKILL and the
      // launch fails with the fetcher's error. Then __destroy: the launcher kills the
      // forked helper (wait status 9).
      cancel(c.timer);
      if (c.launch) {
        const std::string error = fmt::format("Failed to fetch all URIs for container '{}' with exit status: 9", id);
        reply(c.launch->first, "Containerizer::launch", [done = c.launch->second, error] { done(sim::Error{error}); });
        c.launch.reset();
      }
      ending.status = 9;
      c.termination = std::move(ending);
      cleanup(c);
      return;
    }
    case State::PREPARING:
      // _destroy: await the isolators' prepare (the launch latency's timer goes on);
      // started() then fails the launch and cleans up. Nothing was forked: no status.
      ending.status.reset();
      c.termination = std::move(ending);
      return;
    case State::RUNNING:
      // __destroy: the launcher kills every process of the container; ___destroy: the
      // executor's exit status (reaped).
      cancel(c.timer);
      killProcesses(c);
      c.termination = std::move(ending);
      cleanup(c);
      return;
    case State::DESTROYING:
    case State::TERMINATED: return;
  }
}

void FakeContainerizer::checkDisk(const Id& id) {
  auto it = containers_.find(id);
  if (it == containers_.end() || it->second.state != State::RUNNING) return;
  Container& c = it->second;
  c.disk_check = sim::TimerId{};
  const std::uint64_t usage = host().disk().usedBytes(c.config.sandbox + "/");
  if (enforce_disk_quota_ && usage > c.config.disk_quota_bytes) {
    // _collect: the limitation; MesosContainerizerProcess::limited destroys the container.
    const std::string message = fmt::format("Disk usage ({}) exceeds quota ({})", format(Bytes{usage}),
                                            format(Bytes{c.config.disk_quota_bytes}));
    log(fmt::format("Container {} has reached its limit for resource disk:{} and will be terminated", id,
                    c.config.disk_quota_bytes / kMegabyte),
        {{"container", id}, {"usage", format(Bytes{usage})}});
    beginDestroy(c, ContainerTermination{9, message, TaskStatusReason::REASON_CONTAINER_LIMITATION_DISK, true});
    return;
  }
  // DiskUsageCollector: the next measure after the watch interval.
  c.disk_check = delay(disk_watch_interval_, "PosixDiskIsolatorProcess::_collect", [this, id] { checkDisk(id); });
}

void FakeContainerizer::killProcesses(Container& c) {
  if (!c.executor.isNone() && sim().process(c.executor) != nullptr) {
    sim().kill(host(), "container " + c.config.container_id);  // the launcher's SIGKILL
  }
  clearExecutor(c);
}

void FakeContainerizer::cleanup(Container& c) {
  const Id id = c.config.container_id;
  auto next = [this, id] {
    auto it = containers_.find(id);
    if (it == containers_.end() || it->second.state != State::DESTROYING) return;
    if (siteFires(faults_, *this, kContainerizerDestroySite, id.str())) {
      failDestroy(id, "Failed to clean up an isolator when destroying container: Input/output error");
      return;
    }
    // ______destroy: the termination, with the limitation's state, reason and message if
    // one was reported.
    Container& c = it->second;
    ContainerTermination t = c.termination ? *c.termination : ContainerTermination{9, "Container destroyed", std::nullopt};
    terminate(c, std::move(t));
  };
  if (faults_ == nullptr) return next();
  // A hold here parks the cleanup (the DESTROYING window); fires() in next() counts the reach.
  faults_->reach(*this, kContainerizerDestroySite, {"state", stateName(c.destroyed_from)},
                 "MesosContainerizerProcess::____destroy", std::move(next), false);
}

void FakeContainerizer::limited(const std::string& executorId) {
  // The live container of that executor (an executor id is unique among the agent's live
  // containers but for an executor of another framework with the same id: the first).
  auto it = std::find_if(containers_.begin(), containers_.end(), [&](const auto& entry) {
    return entry.second.executor_id == executorId && entry.second.state != State::TERMINATED;
  });
  // MesosContainerizerProcess::limited returns for an unknown or DESTROYING container;
  // one fetching or preparing is not watched yet (isolate() starts the watch).
  if (it == containers_.end() || it->second.state != State::RUNNING) {
    log(fmt::format("Ignoring a memory limitation of executor '{}': no isolated container runs it", executorId),
        {{"executor_id", executorId}});
    return;
  }
  Container& c = it->second;
  log(fmt::format("Container {} has reached its limit for resource mem:{} and will be terminated", c.config.container_id,
                  c.config.mem_bytes / kMegabyte),
      {{"container", c.config.container_id}});
  // The limitation is kept; destroy() kills the processes, and the termination carries it.
  beginDestroy(c, ContainerTermination{9, "Memory limit exceeded", TaskStatusReason::REASON_CONTAINER_LIMITATION_MEMORY,
                                       true});
}

void FakeContainerizer::failDestroy(const Id& id, const std::string& error) {
  Container& c = containers_.at(id);
  cancel(c.timer);
  log(fmt::format("Failed to destroy container {}: {}", id, error), {{"container", id}});
  if (c.launch) {
    reply(c.launch->first, "Containerizer::launch", [done = c.launch->second, error] { done(sim::Error{error}); });
  }
  std::vector<std::pair<sim::Upid, Waited>> waiters = std::move(c.waiters);
  clearExecutor(c);
  containers_.erase(id);
  for (auto& [caller, done] : waiters) reply(caller, "Containerizer::wait", [done = std::move(done), error] {
    done(sim::Error{error});
  });
}

void FakeContainerizer::exited(const sim::Upid& pid) {
  // The reaper: the executor's program is gone.
  // MesosContainerizerProcess::reaped: the container is destroyed (a DESTROYING one
  // killed it, and no longer names its pid).
  if (by_executor_exact_) {
    // The one container whose executor is `pid`, if any (by_executor_).
    const Id* id = by_executor_.find(pid);
    if (id == nullptr) return;
    auto it = containers_.find(*id);
    if (it == containers_.end() || it->second.state != State::RUNNING || !(it->second.executor == pid)) return;
    clearExecutor(it->second);
    beginDestroy(it->second, ContainerTermination{0, "Executor exited", std::nullopt});
    return;
  }
  for (auto& [id, c] : containers_) {
    if (c.state != State::RUNNING || !(c.executor == pid)) continue;
    clearExecutor(c);
    beginDestroy(c, ContainerTermination{0, "Executor exited", std::nullopt});
    return;
  }
}

void FakeContainerizer::setExecutor(Container& c, const sim::Upid& pid) {
  clearExecutor(c);
  c.executor = pid;
  Id& indexed = by_executor_[pid];
  if (!indexed.empty() && !(indexed == c.config.container_id)) by_executor_exact_ = false;
  indexed = c.config.container_id;
}

void FakeContainerizer::clearExecutor(Container& c) {
  if (c.executor.isNone()) return;
  if (const Id* indexed = by_executor_.find(c.executor); indexed != nullptr && *indexed == c.config.container_id) {
    by_executor_.erase(c.executor);
  }
  c.executor = sim::Upid{};
}

void FakeContainerizer::recover(std::vector<RecoveredContainer> recovered, sim::Upid caller,
                                std::function<void()> done) {
  dispatch("recover", [this, recovered = std::move(recovered), caller, done = std::move(done)] {
    for (const RecoveredContainer& r : recovered) {
      if (containers_.count(r.container_id) != 0) continue;
      // MesosContainerizerProcess::recover skips a run without a checkpointed forked pid
      // (the agent died before the launcher wrote it, or the host rebooted): the
      // containerizer does not know the container, so the agent's wait on it answers
      // "unknown container" (its tasks: "Abnormal executor termination: unknown container").
      if (r.forked_pid.empty()) {
        log(fmt::format("Skipping recovery of container {}: no forked pid was checkpointed", r.container_id),
            {{"container", r.container_id}});
        continue;
      }
      Container& c = containers_[r.container_id];
      c.config.container_id = r.container_id;
      c.executor_id = r.executor_id;
      c.config.executor.reset();
      // The launcher checks the checkpointed pid: a live process is adopted.
      sim::Process* p = nullptr;
      if (auto pid = parseUpid(sim(), r.forked_pid)) {
        p = sim().process(*pid);
        if (p != nullptr) setExecutor(c, *pid);
      }
      if (p != nullptr) {
        c.state = State::RUNNING;
        c.started = now();
        link(c.executor);
        log(fmt::format("Recovered container {} (executor {})", r.container_id, c.executor.str()),
            {{"container", r.container_id}});
        traceState(machines::kContainer, "RUNNING", {{"container", r.container_id}, {"recovered", true}});
      } else {
        c.state = State::TERMINATED;
        c.termination = ContainerTermination{std::nullopt, "Container's processes are gone (not recovered)", std::nullopt};
        log(fmt::format("Container {} was not recovered: its processes are gone", r.container_id),
            {{"container", r.container_id}});
      }
    }
    reply(caller, "Slave::_recover", done);
  });
}

void FakeContainerizer::usage(std::string containerId, sim::Upid caller, Usage done) {
  dispatch("usage", [this, containerId = std::move(containerId), caller, done = std::move(done)] {
    // MesosContainerizerProcess::usage: "Unknown container" for one it does not know (1.1
    // forgets a terminated one); any other answers, with what its isolators report: a
    // running container's memory and CPU time, none for one not running (its processes
    // not forked yet, or killed by a destroy).
    auto it = containers_.find(containerId);
    if (it == containers_.end() || it->second.state == State::TERMINATED) {
      const std::string error = "Unknown container " + containerId;
      reply(caller, "Containerizer::usage", [done, error] { done(sim::Error{error}); });
      return;
    }
    const Container& c = it->second;
    ResourceStatistics s;
    s.timestamp = now();
    if (c.state == State::RUNNING) {
      s.mem_rss_bytes = c.config.mem_bytes;
      s.cpus_user_time = (now() - c.started) * c.config.cpus_milli / 1000;
    }
    reply(caller, "Containerizer::usage", [done, s] { done(s); });
  });
}

}  // namespace agentsim::model
