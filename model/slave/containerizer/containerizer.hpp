#pragma once
// Containerizer (src/slave/containerizer/containerizer.hpp): what the agent launches
// executors with. Calls are dispatched onto the containerizer's process; each answer
// comes back as an event on the caller (by address, so a caller that is gone gets
// nothing). Fake containers (FakeContainerizer) promise:
//  - launch answers false, at once, for a container this containerizer does not
//    support (ComposingContainerizer then asks the next one); an id already in use is
//    an error;
//  - a supported container is fetched (Fetcher), then starts after the launch latency,
//    and launch answers true;
//  - it runs for `run_time` and exits with `exit_status` (or is OOM-killed at that
//    time, if `oom`), unless destroyed first; wait answers with the termination once
//    it happens (at once if it already did);
//  - destroy (MesosContainerizerProcess::destroy) moves it to DESTROYING: a fetching
//    container's fetch is killed and its launch fails at once (the fetcher's "exit
//    status: 9"); a preparing one finishes its preparation first, then its launch fails
//    ("Container is being destroyed during preparing") and it ends with no status; a
//    running one's processes are killed (status 9). Then the isolators' cleanup, which
//    the hold site Containerizer::destroy can park (its attribute "state": the state the
//    destroy found), and the termination. Meanwhile a second destroy, a limitation and
//    the executor's exit change nothing, and wait waits. An exit (the executor's, or
//    `run_time`'s) and a limitation take the same path, as Mesos's reaped() and limited()
//    call destroy();
//  - usage reports memory and CPU time so far for any container it knows;
//  - a container with an executor runs it as its own program on the host (an
//    ExecutorProcess), writes the executor's pid to forked.pid, and ends when that
//    program exits (status 0) or is killed by destroy;
//  - recover (after an agent restart) adopts each checkpointed container whose executor
//    is still alive; one whose processes are gone is known as terminated.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/common/boxed.hpp"
#include "model/common/task_status_reason.hpp"
#include "model/exec/exec.hpp"
#include "model/slave/containerizer/fetcher.hpp"
#include "sim/fault_site.hpp"
#include "sim/process.hpp"
#include "sim/state_machine.hpp"
#include "sim/try.hpp"
#include "sim/upid_map.hpp"

namespace agentsim::model {

// A container's moves (MesosContainerizerProcess's Container::State, plus TERMINATED).
namespace machines {
inline constexpr std::string_view kContainerStates[]{"FETCHING", "PREPARING", "RUNNING", "DESTROYING", "TERMINATED"};
inline constexpr sim::StateMachine kContainer{"Container", kContainerStates};
}  // namespace machines

// mesos.proto ContainerInfo.Type, with NONE for an executor without a ContainerInfo.
enum class ContainerType { NONE, MESOS, DOCKER };
std::string_view toString(ContainerType type);

struct ContainerConfig {
  Id container_id;  // interned, as the agent's Executor::container_id
  ContainerType type = ContainerType::NONE;
  std::vector<CommandURI> uris;
  std::string sandbox;
  std::optional<sim::Duration> launch_latency;   // the containerizer's own by default
  sim::Duration run_time = sim::Duration::max();  // max: runs until destroyed
  int exit_status = 0;
  bool oom = false;
  std::int64_t cpus_milli = 1000;
  std::uint64_t mem_bytes = 128 * kMegabyte;
  // The sandbox's disk quota (the `disk` of the task that launched the executor): what
  // the disk/du isolator measures the sandbox against; 0: none (1.1 watches a path only
  // for a `disk` resource).
  std::uint64_t disk_quota_bytes = 0;
  // The executor the container runs (shared: a composing containerizer keeps a copy of
  // the config to try the next containerizer; the one that starts it takes it over).
  std::shared_ptr<ExecutorEnvironment> executor;
  std::optional<std::string> forked_pid_path;    // where to checkpoint its pid
};

// A container the agent found in its checkpoint: its id and the pid in forked.pid.
struct RecoveredContainer {
  std::string container_id;
  std::string forked_pid;
  std::string executor_id;  // the executor it runs (a memory limitation names it)
};

// mesos.proto ContainerTermination (1.1: containerizer.proto Termination).
// `message` says why the container ended (the Container TERMINATED record shows it);
// Mesos's MesosContainerizer sets Termination.message (and state TASK_FAILED) only for a
// resource limitation (`limitation`, e.g. an OOM), so only then does the agent put it in
// its tasks' updates (Slave::sendExecutorTerminatedStatusUpdate).
struct ContainerTermination {
  std::optional<int> status;  // wait status; 9 when killed
  std::string message;
  std::optional<TaskStatusReason> reason;  // e.g. REASON_CONTAINER_LIMITATION_MEMORY
  bool limitation = false;
};

// Containerizer::wait's answer for a container it does not know: Mesos 1.1's
// MesosContainerizer answers None (the agent says "unknown container"), a failed
// destroy a Failure (the agent says "Abnormal executor termination: <failure>").
inline constexpr std::string_view kUnknownContainer = "Unknown container: ";

// mesos.proto ResourceStatistics, the fields the model fills.
struct ResourceStatistics {
  sim::Time timestamp;
  std::uint64_t mem_rss_bytes = 0;
  sim::Duration cpus_user_time;
};

class Containerizer : public sim::Process {
 public:
  using Launched = std::function<void(const sim::Try<bool>&)>;
  using Waited = std::function<void(const sim::Try<ContainerTermination>&)>;
  using Usage = std::function<void(const sim::Try<ResourceStatistics>&)>;
  using sim::Process::Process;

  virtual void launch(ContainerConfig config, sim::Upid caller, Launched done) = 0;
  virtual void wait(std::string containerId, sim::Upid caller, Waited done) = 0;
  virtual void destroy(std::string containerId) = 0;
  virtual void usage(std::string containerId, sim::Upid caller, Usage done) = 0;
  // Containers known now, sorted (Containerizer::containers).
  virtual std::vector<std::string> containers() const = 0;
  // Containerizer::recover; `done` runs on `caller` once every container is known.
  virtual void recover(std::vector<RecoveredContainer> containers, sim::Upid caller, std::function<void()> done) = 0;

 protected:
  // Runs `fn` as an event on the process at `caller`, if it is still there.
  template <typename F>
  void reply(const sim::Upid& caller, std::string_view function, F fn) {
    if (sim::Process* p = processAt(caller)) p->dispatch(function, std::move(fn));
  }

 private:
  sim::Process* processAt(const sim::Upid& pid) const;
};

// The fake containers shared by MesosContainerizer and DockerContainerizer.
class FakeContainerizer : public Containerizer {
 public:
  FakeContainerizer(sim::ProcessName name, Fetcher* fetcher, sim::Duration launchLatency);

  void launch(ContainerConfig config, sim::Upid caller, Launched done) override;
  void wait(std::string containerId, sim::Upid caller, Waited done) override;
  void destroy(std::string containerId) override;
  void usage(std::string containerId, sim::Upid caller, Usage done) override;
  std::vector<std::string> containers() const override;
  void recover(std::vector<RecoveredContainer> containers, sim::Upid caller, std::function<void()> done) override;

  // Whether this containerizer runs containers of this type.
  virtual bool supports(ContainerType type) const = 0;

  // MesosContainerizerProcess::limited: the memory isolator reports that the container
  // running executor `executorId` exceeded its memory limit (a cgroup OOM). A RUNNING
  // container (an isolated one: Mesos watches limitations from isolate() on) is
  // destroyed, and its termination says TASK_FAILED, REASON_CONTAINER_LIMITATION_MEMORY,
  // "Memory limit exceeded"; one fetching, preparing, DESTROYING or terminated is left
  // alone. Called as an event of this process (the harness's memory_limitation action).
  void limited(const std::string& executorId);

  // The disk/du isolator (--isolation, --enforce_container_disk_quota,
  // --container_disk_watch_interval): PosixDiskIsolatorProcess measures each running
  // container's sandbox with a `disk` quota every interval; with enforcement, one over its
  // quota is a limitation (REASON_CONTAINER_LIMITATION_DISK, "Disk usage (X) exceeds quota
  // (Y)") and MesosContainerizerProcess::limited destroys it.
  void setDiskIsolator(bool enforce, sim::Duration interval) {
    disk_isolator_ = true;
    enforce_disk_quota_ = enforce;
    disk_watch_interval_ = interval;
  }

  // The run's fault sites (Containerizer::destroy, the executor's exec); none: all off.
  void setFaults(std::shared_ptr<sim::FaultSites> faults) { faults_ = std::move(faults); }

 private:
  enum class State : std::uint8_t { FETCHING, PREPARING, RUNNING, DESTROYING, TERMINATED };
  struct Container {
    ContainerConfig config;
    State state = State::FETCHING;
    sim::Time started;
    // The termination and an unanswered launch are each held on the heap (rarely both
    // set while a container runs): the record is 312 bytes (a 384-byte map node), not 408.
    Boxed<ContainerTermination> termination;
    std::vector<std::pair<sim::Upid, Waited>> waiters;
    sim::TimerId timer;
    bool runs_executor = false;  // config.executor was set: it runs until its executor exits
    std::string executor_id;     // the executor it runs, if any
    sim::Upid executor;  // the executor's pid, while it runs
    Boxed<std::pair<sim::Upid, Launched>> launch;  // a launch not answered yet
    // While DESTROYING: the state the destroy found (`termination` holds the termination
    // it will set: a limitation's, an exit's, or the kill's; wait answers once TERMINATED).
    State destroyed_from = State::FETCHING;
    sim::TimerId disk_check;  // disk/du's next measure of the sandbox, if it has a quota
  };
  static std::string_view stateName(State state);
  // MesosContainerizerProcess::destroy, from a destroy, an exit (reaped) or a limitation:
  // DESTROYING, then by the state it found: kill the fetch, wait for the preparation, or
  // kill the processes (the launcher); then cleanup(). `ending` is the termination to set.
  void beginDestroy(Container& c, ContainerTermination ending);
  // ____destroy: the isolators' cleanup (the hold and firing site Containerizer::destroy),
  // then ______destroy sets the termination.
  void cleanup(Container& c);
  // The launcher's kill of the container's processes (the executor's program).
  void killProcesses(Container& c);
  // PosixDiskIsolatorProcess::collect / _collect: the sandbox's usage against its quota.
  // A container is named by its interned id (the config's), so its closures hold a
  // pointer and its look-ups hash nothing.
  void checkDisk(const Id& id);
  void exited(const sim::Upid& pid) override;
  // The container's executor pid is `pid` (forked or adopted), or none (killed or
  // reaped): kept in by_executor_ as well.
  void setExecutor(Container& c, const sim::Upid& pid);
  void clearExecutor(Container& c);
  void fetched(const Id& id, const sim::Try<sim::Nothing>& result, sim::Upid caller, Launched done);
  void started(const Id& id, sim::Upid caller, Launched done);
  void terminate(Container& c, ContainerTermination t);
  // The destroy failed (an isolator's cleanup): the launch and every wait fail, and the
  // container is forgotten, as MesosContainerizerProcess::____destroy does.
  void failDestroy(const Id& id, const std::string& error);

  Fetcher* fetcher_;
  std::shared_ptr<sim::FaultSites> faults_;
  sim::Duration launchLatency_;
  bool disk_isolator_ = false;
  bool enforce_disk_quota_ = false;
  sim::Duration disk_watch_interval_;
  std::map<Id, Container> containers_;  // by container id (interned), in its text's order
  // The container each executor pid runs in (a container's `executor`), so the reaper
  // (exited) finds it without walking every container the agent ever ran. Exact while no
  // pid was given to two containers (a recovered checkpoint naming a pid twice): after
  // that, exited walks the containers as before.
  sim::UpidMap<Id> by_executor_;  // lookup only: never iterated
  bool by_executor_exact_ = true;
};

}  // namespace agentsim::model
