#pragma once
// Master (src/master/master.cpp), the part agents talk to:
//  - leadership: with --zk the master contends through a ZooKeeperMasterContender and
//    follows the leader through its own ZooKeeperMasterDetector; without, it is the
//    leader at once (standalone). An elected master that loses its candidacy or sees
//    another leader exits ("Lost leadership... committing suicide!"), as does one
//    whose detector fails; a follower that loses its candidacy contends again;
//  - Master::visit: every message that reaches it while it is not the elected leader,
//    or has not yet recovered the registry, is dropped and counted in
//    dropped_messages;
//  - recovery (Master::recover, Master::_recover): the registrar reads the registry
//    (in_memory: empty; replicated_log: the cluster's ReplicatedLog); the agents in it
//    are "recovered", and those that have not reregistered within
//    agent_reregister_timeout (10mins) are marked unreachable (recoveredSlavesTimeout);
//  - frameworks: registration (assigns FrameworkIDs) and reregistration, also of a
//    framework this master does not know (after a failover); a framework whose
//    connection breaks is disconnected and removed after its failover_timeout unless it
//    reregisters first (Master::frameworkFailoverTimeout);
//  - registration and reregistration (assigns SlaveIDs, admits through the registrar:
//    AdmitSlave, MarkSlaveReachable, MarkSlaveUnreachable, RemoveSlave), and one SlaveObserver per
//    agent that pings it every agent_ping_timeout, sends connected=false once the
//    master saw the agent's connection break (Master::exited), and has the master
//    mark it unreachable after max_agent_ping_timeouts pings without a pong;
//  - registrar operations in flight (model/master/registrar.hpp): while an agent's operation is
//    pending the master keeps it in registering (a pid), reregistering, markingUnreachable
//    or removing (a SlaveID), as Master::Slaves does, and ignores what would race it: a
//    (re)registration retry during (re)admission, an unregistration (a removal) while the
//    agent is marked unreachable or removed, a second unreachable transition, or one
//    during the removal. What follows the operation (the agent's tasks lost, its observer
//    stopped, every connected framework told slaveLost: LostSlaveMessage) happens in its
//    continuation, once the operation completes;
//  - tasks: LaunchTasksMessage (no offers: the task names the agent's hostname) becomes
//    RunTaskMessage to a registered agent, else TASK_LOST / REASON_INVALID_OFFERS;
//    status updates from agents go to their connected framework (dropped otherwise, as
//    Mesos does, for the agent's retry to cover), acknowledgements to the agent if it is
//    registered and connected; kills go to the agent, or wait for it to reregister;
//    reconciliation answers with the latest forwarded state (REASON_RECONCILIATION), and
//    not at all for an unknown task while an agent is in transition; an agent marked
//    unreachable or removed loses its tasks (TASK_LOST / REASON_SLAVE_REMOVED, or
//    TASK_UNREACHABLE for partition-aware frameworks, with unreachable_time); a
//    disconnected agent loses at once the tasks of frameworks that do not checkpoint
//    (TASK_LOST / REASON_SLAVE_DISCONNECTED) and one still disconnected after
//    agent_reregister_timeout is marked unreachable; a readmitted agent that was
//    unreachable or unknown has its tasks reported (REASON_SLAVE_REREGISTERED) and its
//    completed frameworks shut down (later Mesos's Master::__reregisterSlave);
//  - revocable resources: an agent's UpdateSlaveMessage sets what it may oversubscribe;
//    only a framework with the REVOCABLE_RESOURCES capability may use them, and no more
//    than is left (revocable offers, without an allocator);
//  - a framework that reregisters is announced to every agent (UpdateFrameworkMessage);
//    a removed framework is shut down on every agent (ShutdownFrameworkMessage).
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>  // lookup only: the framework pid and hostname tables below
#include <vector>

#include "model/authentication/cram_md5/authenticator.hpp"
#include "model/authorizer/local/authorizer.hpp"
#include "model/common/flags.hpp"
#include "model/common/http.hpp"
#include "model/common/indexed_map.hpp"
#include "model/messages/authentication_messages.hpp"
#include "model/messages/framework_messages.hpp"
#include "model/master/detector/detector.hpp"
#include "model/messages/messages.hpp"
#include "model/common/metrics.hpp"
#include "model/master/registry.hpp"
#include "model/common/planted_bug.hpp"
#include "model/messages/task_messages.hpp"
#include "sim/fault_site.hpp"
#include "sim/process.hpp"
#include "sim/state_machine.hpp"
#include "sim/upid_map.hpp"

namespace agentsim::model {

// The master's state machines, as its `state` records name them (docs/trace-format.md).
namespace machines {
inline constexpr std::string_view kMasterLeadershipStates[]{"ELECTED", "FOLLOWER", "RECOVERED", "EXITED"};
inline constexpr sim::StateMachine kMasterLeadership{"Master::Leadership", kMasterLeadershipStates};
inline constexpr std::string_view kMasterSlaveStates[]{"REGISTERED", "DISCONNECTED", "UNREACHABLE", "REMOVED"};
inline constexpr sim::StateMachine kMasterSlave{"Master::Slave", kMasterSlaveStates};
// EVICTED: pushed out of the completed frameworks' ring (--max_completed_frameworks): no
// longer in /state, and no longer refused as removed.
inline constexpr std::string_view kMasterFrameworkStates[]{"REGISTERED", "REREGISTERED", "DISCONNECTED", "RECOVERED",
                                                           "REMOVED",    "EVICTED"};
inline constexpr sim::StateMachine kMasterFramework{"Master::Framework", kMasterFrameworkStates};
// Where a task stands in the master's /state (src/master/http.cpp): ACTIVE in its
// framework's `tasks` (Framework::tasks), COMPLETED in its `completed_tasks`
// (Master::removeTask -> Framework::addCompletedTask), UNREACHABLE in its
// `unreachable_tasks` (an agent marked unreachable: Framework::addUnreachableTask, Mesos
// 1.2+), DROPPED when removed with no framework to keep it (a recovered framework not
// yet reregistered) or when an unreachable task leaves every list (its agent came back
// or was pruned from the registry), EVICTED when pushed out of its framework's completed
// tasks (--max_completed_tasks_per_framework, or its completed framework pushed out).
// Recorded only with MasterEnvironment::task_records (model/master/task_records.cpp).
inline constexpr std::string_view kMasterTaskStates[]{"ACTIVE", "COMPLETED", "UNREACHABLE", "DROPPED", "EVICTED"};
inline constexpr sim::StateMachine kMasterTask{"Master::Task", kMasterTaskStates};
}  // namespace machines

// The topic of the master's registry operation logs (Master::registryOperation), so a
// reader of those alone has only them built (sim::Interest::topic).
inline constexpr std::string_view kRegistryOperationTopic = "registry-operation";

class SlaveObserver;
class ZooKeeperMasterContender;

// What master/main.cpp hands the master besides its flags.
struct MasterEnvironment {
  std::shared_ptr<ReplicatedLog> log;              // for --registry=replicated_log; none: in memory
  ZooKeeperMasterContender* contender = nullptr;  // with --zk; none: standalone
  MasterDetector* detector = nullptr;              // with --zk
  std::shared_ptr<sim::FaultSites> faults;         // the run's fault sites; none: every site is off
  std::shared_ptr<const PlantedBugs> bugs;         // the run's planted bug; none: no bug
  // Keep Master::Metrics's gauges (model/master/metrics.cpp): the harness asks for them
  // when a scenario reads metrics, so that a run's records do not depend on what its
  // trace keeps, and a large run does not recount them.
  bool gauges = false;
  // Record each task's list and state (Master::Task, model/master/task_records.cpp): the
  // harness asks when a scenario reads them (a state_snapshot's tasks), so other runs'
  // records do not change.
  bool task_records = false;
  // The master's --acls (Authorizer::create, src/master/main.cpp): Master::authorizeTask
  // asks it about each task launched (RUN_TASK); none: authorization is disabled.
  std::shared_ptr<const LocalAuthorizer> authorizer;
};

class Master final : public sim::Process {
 public:
  explicit Master(MasterFlags flags, MasterEnvironment env = {});
  std::string_view source() const override { return "src/master/master.cpp"; }
  std::string_view className() const override { return "Master"; }

  const MasterInfo& info() const { return info_; }
  bool elected() const { return leader_ && leader_->id == info_.id; }
  // Master::Http (model/master/http.cpp): an endpoint's answer to a GET now.
  HttpAnswer httpGet(std::string_view endpoint) const;
  bool recovered() const { return recovered_; }
  std::uint64_t droppedMessages() const { return dropped_messages_; }
  std::size_t registeredAgents() const { return registered_.size(); }
  std::size_t registeredFrameworks() const { return frameworks_.size(); }
  // Called (as an event on the master) by an observer after too many missed pings.
  void markUnreachable(const std::string& slaveId, const std::string& reason);
  // The agent removal RateLimiter (--agent_removal_rate_limit): `granted` runs as an
  // event on the master once a permit is free (at once without a limiter).
  // `key` names the request for discardRemovalPermit ("" for one never discarded).
  // `caller` (a string literal, one of rateLimiterCallers()) is the request's attribute
  // at the fault site RateLimiter::acquire, where a scenario may hold it.
  void acquireRemovalPermit(std::string_view caller, std::function<void()> granted, std::string key = {});
  // RateLimiter's discard: a request discarded while it waits is skipped when its turn
  // comes, so it uses no permit (the next request gets the permit then).
  void discardRemovalPermit(const std::string& key);
  // The master's counters (Master::Metrics, src/master/metrics.hpp): each increment is a
  // `metric` record ("master/slave_unreachable_scheduled", ...).
  void count(MetricKey key) { metrics_.increment(key); }
  // A counter kept, as the gauges, only when a scenario reads metrics
  // (MasterEnvironment's `gauges`): the framework message counters, added after the
  // other counters, leave the traces of scenarios that read no metric as they were.
  void countWhenRead(MetricKey key) {
    if (env_.gauges) metrics_.increment(key);
  }
  // Master::Metrics's gauges (model/master/metrics.cpp): after a master event that may
  // change one, an event of their own recomputes them (only with MasterEnvironment's
  // `gauges`), as /metrics/snapshot would read them then.
  void gaugesChanged();

 protected:
  void initialize() override;
  bool accept(const sim::Envelope& envelope, std::string& reason) override;
  void exited(const sim::Upid& pid) override;

 private:
  struct Framework {
    FrameworkInfo info;
    sim::Upid pid;
    bool connected = true;
    bool recovered = false;  // known only from an agent's reregistration, not yet from its scheduler
    std::uint64_t disconnections = 0;  // which disconnection a failover timer belongs to
  };
  struct Agent {
    SlaveInfo info;
    sim::Upid pid;
    SlaveObserver* observer = nullptr;
    bool connected = true;
    std::uint64_t disconnections = 0;  // which disconnection an agentReregisterTimeout belongs to
    std::set<std::pair<std::string, std::string>> killed;  // (framework, task) to kill on reregistration
    Resources oversubscribed;  // total revocable resources, from UpdateSlaveMessage
    // Slave::executors: FrameworkID -> the ExecutorIDs the master knows run there (no
    // command executor: the master stores none). Added by a launch through this master
    // (Master::addTask) or from ReregisterSlaveMessage.executor_infos when the agent is
    // (re)admitted; removed by ExitedExecutorMessage, by the framework's removal (from
    // every agent, or from a disconnected agent for a framework that does not
    // checkpoint), and by a reregistration of a registered agent that no longer reports
    // it (Master::reconcile); gone with the agent when it is removed or unreachable.
    // Each with its ExecutorInfo when the master launched it (validateCompatibleExecutorInfo
    // compares a task's with it); none for one known only from a reregistration (the
    // model's ReregisterSlaveMessage carries the ids only).
    std::map<std::string, std::map<std::string, std::optional<ExecutorInfo>>> executors;
    bool hasExecutor(const std::string& frameworkId, const std::string& executorId) const;
    void removeExecutor(const std::string& frameworkId, const std::string& executorId);
  };
  // The master's Task: where it runs and its latest state.
  struct MasterTask {
    Id slave_id;
    std::string executor_id;
    TaskState state = TaskState::TASK_STAGING;
    // Task.status_update_state: the state of the latest update forwarded to the framework
    // with a UUID (Master::forward), which reconciliation reports before `state`.
    std::optional<TaskState> status_update_state;
    Uuid acked_uuid;  // Task.status_update_uuid: set with status_update_state; its ack removes a terminal task
    Resources revocable;     // the revocable resources it uses
  };

  void contended(const sim::Try<sim::Nothing>& candidacy);
  void lostCandidacy(const sim::Try<sim::Nothing>& lost);
  void detected(const Detection& detection);
  void recover();
  void recoveredRegistry(Registry registry);  // Master::_recover
  void recoveredSlavesTimeout(std::size_t recovered);
  void exitProcess(const std::string& message);  // EXIT(EXIT_FAILURE)

  void registerFramework(const sim::Upid& from, const RegisterFrameworkMessage& message);
  void reregisterFramework(const sim::Upid& from, const ReregisterFrameworkMessage& message);
  void addFramework(const sim::Upid& pid, const FrameworkInfo& info, std::string_view state);
  void updateFrameworkInfo(Framework& framework, const FrameworkInfo& source);
  // Master::receive(Call): a call from a disconnected framework's pid is answered
  // FrameworkErrorMessage "Framework disconnected" and not processed (true).
  bool refuseDisconnected(const Framework& framework, const sim::Upid& from, std::string_view call);
  void unregisterFramework(const sim::Upid& from, const UnregisterFrameworkMessage& message);
  void removeFramework(const std::string& id);
  void frameworkFailoverTimeout(const std::string& id, std::uint64_t disconnection);
  // Authentication (master_authentication.cpp): Master::authenticate, _authenticate
  // (finishAuthentication), authenticationTimeout, and the check (re)registration
  // makes first: a message from a pid being authenticated waits for the outcome (and
  // is dropped if it fails); with --authenticate_agents one from a pid not
  // authenticated is refused (dropped).
  void authenticate(const sim::Upid& from, const AuthenticateMessage& message);
  void authenticate(const sim::Upid& from, const std::string& pid);
  void finishAuthentication(const std::string& pid, std::uint64_t session, const AuthenticatorResult& result);
  void authenticationTimeout(const std::string& pid, std::uint64_t session);
  // `retry` builds the continuation queued behind an authentication in progress (it
  // copies the registration's message), so it is called only when one is.
  bool authenticationAllows(const sim::Upid& from, std::string_view what, std::string_view function,
                            const std::function<std::function<void()>()>& retry);
  void registerSlave(const sim::Upid& from, const RegisterSlaveMessage& message);
  // Takes the delivered message over: it moves into _reregisterSlave's continuation.
  void reregisterSlave(const sim::Upid& from, ReregisterSlaveMessage& message);
  void admitted(const sim::Upid& from, SlaveInfo info);
  // Master::__reregisterSlave; `recovered`: the agent was recovered from the registry
  // after a failover (else it was unreachable or unknown to this master).
  void readmitted(const sim::Upid& from, const ReregisterSlaveMessage& message, bool recovered);
  // Master::__reregisterSlave (later Mesos) for an agent that was unreachable or unknown:
  // each reported task of a framework that is not completed is reported to its
  // connected framework, in its state, SOURCE_MASTER / REASON_SLAVE_REREGISTERED.
  void reportReregisteredTasks(const std::string& slaveId, const ReregisterSlaveMessage& message);
  // Master::agentReregisterTimeout / _agentReregisterTimeout (later Mesos): an agent
  // still disconnected agent_reregister_timeout after its connection broke is marked
  // unreachable, once the removal rate limiter permits.
  void agentReregisterTimeout(const std::string& slaveId, std::uint64_t disconnection);
  // Master::__reregisterSlave: the latest pid of each framework of the agent's tasks and
  // frameworks that this master knows (UpdateFrameworkMessage).
  void sendFrameworkPids(const Agent& agent, const std::vector<Task>& tasks,
                         const std::vector<std::string>& frameworks);
  // Master::removeFramework(Slave*, Framework*) from Master::exited: the tasks on the
  // disconnected agent of every framework that does not checkpoint are TASK_LOST /
  // REASON_SLAVE_DISCONNECTED at once.
  void removeUncheckpointedTasks(Agent& agent, const std::string& slaveId);
  // The explicit reconciliation answer for a task the master does not know.
  std::optional<StatusUpdate> reconcileUnknown(const Framework& framework, const std::string& taskId,
                                               const std::string& slaveId);
  void addSlave(const sim::Upid& pid, const SlaveInfo& info);
  MasterSlaveConnection connection() const;
  // Master::launchTasks -> Master::accept: the offers' validation (the agent the message
  // names stands for its offers), then each task pending (Framework::pendingTasks) while
  // Master::authorizeTask asks the authorizer (the fault site Authorizer::authorized,
  // where a scenario may hold the answers); Master::_accept, below, then launches it.
  void launchTasks(const sim::Upid& from, const LaunchTasksMessage& message);
  // A task of an ACCEPT call while it is authorized: the TaskInfo (its slave_id the
  // offers' agent) and the authorizer's answer (Master::authorizeTask's future).
  struct Authorized {
    TaskInfo task;
    Resources revocable;
    bool allowed = true;
  };
  // Master::_accept: the framework gone, the agent removed or disconnected meanwhile, the
  // authorization refused, the task invalid (validation::task::validate), or killed while
  // pending (no longer in pending_tasks_: nothing is launched), else Master::addTask and
  // RunTaskMessage. Each launched task moves into its RunTaskMessage: `tasks` is the
  // accept's own, run once.
  void acceptAuthorized(const std::string& frameworkId, const std::string& slaveId, std::vector<Authorized>& tasks);
  // validation::task::validate, the branches the model's TaskInfo can take: the reason
  // a task is TASK_ERROR / REASON_TASK_INVALID, or "".
  std::string validateTask(const Framework& framework, const std::string& slaveId, const Authorized& a) const;
  // A terminal update the master makes for a task it does not launch (SOURCE_MASTER, no
  // acknowledgee), counted in tasks_<state> and master/<state>/source_master/<reason>.
  void sendMasterTaskUpdate(const std::string& frameworkId, const std::string& slaveId, const std::string& taskId,
                            TaskState state, TaskStatusReason reason, std::string text);
  void statusUpdate(const sim::Upid& from, StatusUpdateMessage& message);
  // StatusUpdateAcknowledgementMessage: the driver's Call::ACKNOWLEDGE (message.call:
  // Master::receive's checks) or the v0 message (statusUpdateAcknowledgement's), then
  // Master::acknowledge (`acknowledged`).
  void acknowledge(const sim::Upid& from, StatusUpdateAcknowledgementMessage& message);
  void statusUpdateAcknowledgement(const sim::Upid& from, StatusUpdateAcknowledgementMessage& message);
  void acknowledged(StatusUpdateAcknowledgementMessage& message);
  void killTask(const sim::Upid& from, const KillTaskMessage& message);
  void reconcileTasks(const sim::Upid& from, const ReconcileTasksMessage& message);
  void exitedExecutor(const sim::Upid& from, const ExitedExecutorMessage& message);
  // master_framework_messages.cpp: the driver's Call::MESSAGE (Master::receive, then
  // Master::message) and Master::executorMessage.
  void frameworkMessage(const sim::Upid& from, const FrameworkToExecutorMessage& message);
  void executorMessage(const sim::Upid& from, const ExecutorToFrameworkMessage& message);
  void updateSlave(const sim::Upid& from, const UpdateSlaveMessage& message);
  void updateRevocableGauges();
  void unregisterSlave(const sim::Upid& from, const UnregisterSlaveMessage& message);
  // Master::removeSlave: RemoveSlave, unless the agent is being marked unreachable or
  // removed already; removedSlave is its continuation (Master::_removeSlave).
  void removeSlave(const std::string& slaveId, const std::string& reason, std::string_view counter);
  void removedSlave(const std::string& slaveId, const std::string& reason);
  // Master::_markUnreachable: the continuation of MarkSlaveUnreachable.
  void markedUnreachable(const std::string& slaveId, const std::string& reason, sim::Time at);
  // The agent leaves registered_, the pid and hostname indexes and the authenticated pids.
  void forgetSlave(IndexedMap<Agent>::iterator it);
  // Master::sendSlaveLost: LostSlaveMessage to every connected framework.
  void sendSlaveLost(const SlaveInfo& info);
  // Revocable resources of an agent not used by a non-terminal task.
  Resources availableRevocable(const std::string& slaveId) const;
  // Sends a master-generated update (no UUID: nothing to acknowledge) to a framework.
  // Master::forward / Framework::send: `acknowledgee` is StatusUpdateMessage.pid, the
  // agent's pid for an agent's update, none for the master's own (the driver
  // acknowledges only an update with one).
  void forwardToFramework(const std::string& frameworkId, StatusUpdate update, sim::Upid acknowledgee = {});
  // Master::updateTask.
  void updateTask(const StatusUpdate& update, MasterTask& task);
  void removeTasksOf(const std::string& slaveId, const std::string& text, std::optional<sim::Time> unreachableTime);
  // Readmission (`readmitted`) adds the agent's tasks to the master; a known agent's
  // reregistration (Master::reconcile(Slave*)) does not.
  void reconcileAgent(const std::string& slaveId, const ReregisterSlaveMessage& message, bool readmission);
  // FrameworkErrorMessage to a scheduler (Master::exited, Master::subscribe,
  // Master::failoverFramework); the driver aborts on it.
  void sendFrameworkError(const sim::Upid& to, std::string text);
  Framework* frameworkFrom(const sim::Upid& from);
  // Applies a registry operation and stores the registry if it changed.
  void registryOperation(RegistryOperation operation, const SlaveInfo& info, sim::Time at);
  // Registrar::apply(operation).onAny(defer(self(), continuation)): the operation is
  // applied, then `then` runs; both at once, unless the scenario holds the operation
  // (model/master/registrar.hpp), when both wait for the release, and run as the event
  // `continuation` (or never, if this master is gone by then). `operation` and
  // `continuation` are string literals.
  void registrarApply(RegistryOperation operation, const SlaveInfo& info, std::string_view continuation,
                      std::function<void()> then);
  // The fault site of both: `apply` runs the operation and its continuation.
  void registrarReach(RegistryOperation operation, std::string_view continuation, std::function<void()> apply);
  // Registry GC (model/master/registry_gc.cpp): Master::scheduleRegistryGc arms the
  // next doRegistryGc registry_gc_interval from now (from _recover on, and after each
  // run); doRegistryGc picks the unreachable agents beyond registry_max_agent_count (the
  // earliest marked first) or older than registry_max_agent_age and applies
  // PruneUnreachable; prunedUnreachable (Master::_doRegistryGc) forgets those still in
  // the unreachable list (one readmitted meanwhile is skipped, with a warning) and,
  // as later Mesos does, their unreachable tasks.
  void scheduleRegistryGc();
  void doRegistryGc();
  void prunedUnreachable(const std::set<std::string>& toRemove);
  // Slaves::unreachable is a LinkedHashMap: its keys in insertion order (count-based GC
  // prunes the earliest); these two keep unreachable_order_ with unreachable_.
  void addUnreachable(const std::string& slaveId, sim::Time at);
  void eraseUnreachable(const std::string& slaveId);

  MasterFlags flags_;
  MasterEnvironment env_;
  MasterInfo info_;
  std::optional<MasterInfo> leader_;
  bool recovered_ = false;
  std::uint64_t dropped_messages_ = 0;
  Registry registry_;
  IndexedMap<Agent> registered_;  // by SlaveID, in SlaveID order
  Resources revocable_total_;  // the sum of registered_'s oversubscribed, kept as they change
  // Registered agents' pids -> SlaveID; never iterated.
  sim::UpidMap<std::string> by_pid_;  // lookup only
  // Agents' hostnames -> SlaveID (the last to register); a walk of a map at every
  // admission and removal, at 100,000 agents, missed the cache at each level.
  std::unordered_map<std::string, std::string> by_hostname_;  // lookup only
  std::set<std::string> registering_;        // pids in admission
  std::set<std::string> reregistering_;      // SlaveIDs in readmission
  std::set<std::string> marking_unreachable_;  // SlaveIDs: MarkSlaveUnreachable in flight
  std::set<std::string> removing_;             // SlaveIDs: RemoveSlave in flight
  std::set<std::string> recovered_slaves_;   // SlaveIDs from the registry, not yet reregistered
  std::map<std::string, sim::Time> unreachable_;  // Slaves::unreachable: SlaveID -> unreachable time
  std::vector<std::string> unreachable_order_;    // unreachable_'s keys, in insertion order
  // Slaves::removed: agents this master instance marked unreachable or removed (not kept
  // across a failover): their status updates and exited executors are ignored, and a
  // readmitted one has its non-partition-aware frameworks shut down.
  std::set<std::string> removed_;
  std::uint64_t next_slave_ = 0;
  std::map<std::string, Framework> frameworks_;         // by FrameworkID
  // Scheduler pid -> FrameworkID; never iterated.
  std::unordered_map<sim::Upid, std::string, sim::UpidHash> framework_by_pid_;  // lookup only
  std::uint64_t next_framework_ = 0;
  std::map<Id, IndexedMap<MasterTask>> tasks_;  // framework -> task (by TaskID, in its order; found by hash)
  // Framework::pendingTasks: framework -> task id -> the TaskInfo (its slave_id the
  // agent's) of a task launched and not yet through Master::_accept (its authorization
  // held). Killed pending: erased ("Killed pending task"); reconciled: TASK_STAGING.
  std::map<std::string, std::map<std::string, TaskInfo>> pending_tasks_;
  // Frameworks::completed, a ring of --max_completed_frameworks (the ids only): a framework
  // in it may not subscribe again, and an agent reporting it is told to shut it down.
  std::deque<std::string> completed_frameworks_;
  bool isCompletedFramework(const std::string& id) const;
  void addCompletedFramework(const std::string& id);
  // Framework::completedTasks (the ids only, kept with MasterEnvironment::task_records),
  // a ring of --max_completed_tasks_per_framework each.
  std::map<std::string, std::deque<std::string>> completed_tasks_;
  void addCompletedTask(const std::string& frameworkId, const std::string& taskId, const std::string& slaveId,
                        TaskState state);
  // libprocess's RateLimiterProcess: when the next permit is free, and the requests
  // waiting for one, in order.
  struct PermitRequest {
    std::string key;
    std::function<void()> granted;
    bool discarded = false;
  };
  void requestRemovalPermit(std::function<void()> granted, std::string key);  // RateLimiterProcess::acquire
  void grantNextRemovalPermit();  // RateLimiterProcess::_acquire
  sim::Time next_removal_permit_;
  std::deque<PermitRequest> removal_permits_;
  Metrics metrics_{*this};
  // Authentication: the sessions in flight by the pid they authenticate (Mesos's
  // `authenticating`, with what waits for each: onAny or onReady continuations), and
  // the authenticated pids with their principals (`authenticated`).
  struct Authenticating {
    CRAMMD5AuthenticatorSession* session = nullptr;
    std::uint64_t id = 0;
    struct Waiting {
      bool onReadyOnly = false;
      std::string_view function;  // a string literal: the continuation's event name
      std::function<void()> fn;
    };
    std::vector<Waiting> waiting;
  };
  std::map<std::string, Authenticating> authenticating_;
  std::map<std::string, std::string> authenticated_;
  std::shared_ptr<const Credentials> credentials_;  // --credentials, read at initialize
  std::uint64_t next_session_ = 0;
  // Master::updateTask's counters for a task's first terminal state (tasks_<state>, and
  // master/<state>/<source>/<reason> when the update has a reason).
  // Master::Task records (model/master/task_records.cpp), with MasterEnvironment::task_records:
  // recordTask after Master::addTask, updateTask or the readmission's tasks; taskRemoved
  // at Master::removeTask (`as`: the state updateTask gave it first, unless terminal;
  // `unreachable`: Master::removeTask(task, unreachable), to the unreachable tasks).
  void recordTask(const std::string& frameworkId, const std::string& taskId, const MasterTask& task);
  void taskRemoved(const std::string& frameworkId, const std::string& taskId, const MasterTask& task,
                   std::optional<TaskState> as = std::nullopt, bool unreachable = false);
  // Master::addSlave's "Re-add completed tasks reported by the slave": the completed tasks
  // of the agent's completed frameworks join the completed tasks of each framework the
  // master knows (Framework::addCompletedTask); another's are "Possibly orphaned".
  void addCompletedTasks(const std::vector<Task>& tasks);
  void countTerminal(TaskState state, TaskStatusSource source, std::optional<TaskStatusReason> reason);
  void updateGauges();  // Master::_tasks_running, _slaves_connected, ... (model/master/metrics.cpp)
  bool gauges_pending_ = false;
  // Framework::unreachableTasks (Mesos 1.2+; 1.1 kept none): the tasks of an agent marked
  // unreachable, by framework, task -> (SlaveID, state: TASK_UNREACHABLE for a
  // PARTITION_AWARE framework, else TASK_LOST, or the terminal state the task had), until
  // the agent comes back, is pruned from the registry, or the framework is removed.
  // master/tasks_unreachable counts those TASK_UNREACHABLE (Master::_tasks_unreachable).
  struct UnreachableTask {
    std::string slave_id;
    TaskState state = TaskState::TASK_UNREACHABLE;
  };
  std::map<std::string, std::map<std::string, UnreachableTask>> unreachable_tasks_;
  // The agent's unreachable tasks leave unreachable_tasks_ (its readmission, the registry
  // GC), each recorded DROPPED (model/master/task_records.cpp).
  void forgetUnreachableTasks(const std::string& slaveId);
};

// SlaveObserver (src/master/master.cpp): process slave-observer(N), one per agent.
class SlaveObserver final : public sim::Process {
 public:
  SlaveObserver(sim::Upid slave, std::string slaveId, const MasterFlags& flags, Master& master);
  std::string_view source() const override { return "src/master/master.cpp"; }
  std::string_view className() const override { return "SlaveObserver"; }

  // Master::disconnect / reregistration of a disconnected agent: from now on the pings
  // say connected=false / true.
  void reconnect(bool connected);
  // The removal permit arrived: mark the agent unreachable unless a pong cancelled it.
  void permitted();

 protected:
  void initialize() override;

 private:
  void ping();
  void pong(const sim::Upid& from, const PongSlaveMessage& message);
  void timeout();

  sim::Upid slave_;
  std::string slave_id_;
  sim::Duration ping_timeout_;
  std::uint32_t max_ping_timeouts_;
  Master& master_;
  bool connected_ = true;
  bool pinged_ = false;
  std::uint32_t timeouts_ = 0;
  bool marking_ = false;
  std::string permit_key_;            // the pending permit request, for its discard
  std::uint64_t permit_requests_ = 0;
};

}  // namespace agentsim::model
