#include "model/master/master.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "model/messages/create_status_update.hpp"
#include "model/master/contender/zookeeper.hpp"
#include "model/master/registrar.hpp"
#include "sim/assert.hpp"
#include "sim/rng.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

namespace {

// UUID::fromBytes succeeds: the model's uuids are UUID texts (randomUuid), so a uuid is
// valid when it reads as one ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", hexadecimal).
bool isUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}
// A uuid held as 16 bytes is one (UuidBytes' form); a text kept as it came may be one too
// (upper case, the nil UUID).
bool isUuid(const Uuid& uuid) {
  return uuid.bytes() != nullptr || (uuid.text() != nullptr && isUuid(std::string_view(*uuid.text())));
}

}  // namespace

Master::Master(MasterFlags flags, MasterEnvironment env)
    : sim::Process(sim::ProcessName::fixed("master")), flags_(std::move(flags)), env_(std::move(env)) {}

void Master::initialize() {
  // Master::Master: the id is a fresh UUID; ours comes from the master's own stream.
  sim::Rng& r = rng();
  info_.id = fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", r.next() & 0xffffffffU, r.next() & 0xffffU,
                         r.next() & 0xfffU, (r.next() & 0x3fffU) | 0x8000U, r.next() & 0xffffffffffffULL);
  info_.pid = self().str();
  info_.hostname = flags_.hostname.empty() ? self().host() : flags_.hostname;
  info_.port = self().port();
  install(&Master::registerSlave, "Master::registerSlave");
  install(&Master::reregisterSlave, "Master::reregisterSlave");
  install(&Master::registerFramework, "Master::registerFramework");
  install(&Master::reregisterFramework, "Master::reregisterFramework");
  install(&Master::launchTasks, "Master::launchTasks");
  install(&Master::statusUpdate, "Master::statusUpdate");
  install(&Master::acknowledge, "Master::acknowledge");
  install(&Master::killTask, "Master::killTask");
  install(&Master::reconcileTasks, "Master::reconcileTasks");
  install(&Master::exitedExecutor, "Master::exitedExecutor");
  install(&Master::frameworkMessage, "Master::message");
  install(&Master::executorMessage, "Master::executorMessage");
  install(&Master::updateSlave, "Master::updateSlave");
  install(&Master::unregisterSlave, "Master::unregisterSlave");
  install(&Master::unregisterFramework, "Master::unregisterFramework");
  install<AuthenticateMessage>(&Master::authenticate, "Master::authenticate");
  if (env_.gauges) metrics_.started("master/uptime_secs");  // Master::initialize's startTime
  log(fmt::format("Master {} ({}) started on {}:{}", info_.id, self().host(), self().host(), self().port()),
      {{"registry", flags_.registry}, {"zk", flags_.zk}});

  if (env_.contender == nullptr || env_.detector == nullptr) {
    // Standalone: StandaloneMasterContender and a StandaloneMasterDetector appointing
    // this master; it is the leader as soon as it starts.
    dispatch("Master::detected", [this] { detected(Detection{Detection::Kind::Leader, info_, {}}); });
    return;
  }
  env_.contender->initializeWith(info_);
  env_.contender->contend(
      Reply<sim::Try<sim::Nothing>>{self(), "Master::contended", [this](const sim::Try<sim::Nothing>& c) { contended(c); }},
      Reply<sim::Try<sim::Nothing>>{self(), "Master::lostCandidacy",
                                    [this](const sim::Try<sim::Nothing>& l) { lostCandidacy(l); }});
  env_.detector->detect(std::nullopt, *this, [this](const Detection& d) { detected(d); });
}

bool Master::accept(const sim::Envelope& envelope, std::string& reason) {
  // Master::visit(const MessageEvent&).
  if (!elected()) {
    reason = fmt::format("not elected yet (dropped_messages={})", ++dropped_messages_);
  } else if (!recovered_) {
    reason = fmt::format("not recovered yet (dropped_messages={})", ++dropped_messages_);
  } else {
    gaugesChanged();
    return true;
  }
  (void)envelope;
  count("master/dropped_messages");
  return false;
}

void Master::exitProcess(const std::string& message) {
  // EXIT(EXIT_FAILURE): the whole mesos-master process ends, with every libprocess
  // process in it (contender, detector, their groups, the observers).
  log(message, {{"status", static_cast<std::int64_t>(1)}});
  traceState(machines::kMasterLeadership, "EXITED");
  for (sim::Process* p : host().processes()) sim().terminate(*p);
}

void Master::contended(const sim::Try<sim::Nothing>& candidacy) {
  if (candidacy.isError()) {
    exitProcess("Failed to contend: " + candidacy.error());
  }
}

void Master::lostCandidacy(const sim::Try<sim::Nothing>& lost) {
  // Master::lostCandidacy: CHECK(!lost.isDiscarded()). The contender discards the future
  // when it is replaced (a second MasterContender::contend() on it, which only a test
  // makes): glog aborts the whole mesos-master (SIGABRT), recorded as its exit here.
  if (isDiscarded(lost)) {
    exitProcess("Check failed: !lost.isDiscarded()");
    return;
  }
  if (lost.isError()) {
    exitProcess("Failed to watch for candidacy: " + lost.error());
    return;
  }
  if (elected()) {
    // Planted bug contender-ignores-session-expiry: the leader carries on.
    if (bugOn(env_.bugs, PlantedBugId::ContenderIgnoresSessionExpiry)) {
      log("Lost candidacy while leading; carrying on as the leader");
      return;
    }
    exitProcess("Lost leadership... committing suicide!");
    return;
  }
  log("Lost candidacy as a follower... Contend again");
  env_.contender->contend(
      Reply<sim::Try<sim::Nothing>>{self(), "Master::contended", [this](const sim::Try<sim::Nothing>& c) { contended(c); }},
      Reply<sim::Try<sim::Nothing>>{self(), "Master::lostCandidacy",
                                    [this](const sim::Try<sim::Nothing>& l) { lostCandidacy(l); }});
}

void Master::detected(const Detection& detection) {
  if (detection.kind == Detection::Kind::Failed) {
    exitProcess(fmt::format("Failed to detect the leading master: {}; committing suicide!", detection.failure));
    return;
  }
  const bool wasElected = elected();
  leader_ = detection.kind == Detection::Kind::Leader ? detection.leader : std::nullopt;
  log(fmt::format("The newly elected leader is {}",
                  leader_ ? fmt::format("{} with id {}", leader_->pid, leader_->id) : std::string("None")));
  if (wasElected && !elected()) {
    exitProcess("Lost leadership... committing suicide!");
    return;
  }
  if (elected()) {
    if (!wasElected) {
      log("Elected as the leading master!");
      traceState(machines::kMasterLeadership, "ELECTED", {{"master_id", info_.id}});
      gaugesChanged();
      recover();
    } else {
      // A ZooKeeper blip re-elected the same master.
      log("Re-elected as the leading master");
    }
  } else {
    traceState(machines::kMasterLeadership, "FOLLOWER", {{"leader", leader_ ? leader_->pid : std::string("None")}});
  }
  if (env_.detector != nullptr) {
    env_.detector->detect(leader_, *this, [this](const Detection& d) { detected(d); });
  }
}

void Master::recover() {
  // Registrar::recover: the in-memory registry of a new master is empty; the
  // replicated log holds what the previous leaders stored.
  Registry registry;
  if (flags_.registry == "replicated_log" && env_.log) registry = env_.log->read();
  dispatch("Master::_recover", [this, registry = std::move(registry)]() mutable { recoveredRegistry(std::move(registry)); });
}

void Master::recoveredRegistry(Registry registry) {
  registry_ = std::move(registry);
  // In order: each insert goes at the end, without a walk of the set (100,000 agents).
  for (const auto& [id, info] : registry_.slaves) recovered_slaves_.insert(recovered_slaves_.end(), id);
  // The registry keeps its unreachable list in the order agents were marked; agentsim's
  // registry keeps the times only: recovered in order of time, then SlaveID.
  std::vector<std::pair<std::int64_t, std::string>> marked;
  for (const auto& [id, at] : registry_.unreachable) marked.emplace_back(at, id);
  std::sort(marked.begin(), marked.end());
  for (const auto& [at, id] : marked) addUnreachable(id, sim::Time::fromNanoseconds(at));
  recovered_ = true;
  log(fmt::format("Recovered {} agents from the registry ({} unreachable); allowing {} for agents to re-register",
                  registry_.slaves.size(), registry_.unreachable.size(), sim::format(flags_.agent_reregister_timeout)),
      {{"registry", flags_.registry}});
  // /state's unreachable_slaves of the new master are the registry's (Master::_recover:
  // slaves.unreachable from registry.unreachable()): the record names them, with their
  // unreachable_time, so that a reader of the trace (state_snapshot) sees them too.
  sim::Fields recoveredFields{{"recovered_agents", static_cast<std::int64_t>(registry_.slaves.size())}};
  if (!marked.empty()) {
    std::vector<std::string> unreachable;
    for (const auto& [at, id] : marked) unreachable.push_back(id + "=" + sim::formatSeconds(sim::Time::fromNanoseconds(at)));
    recoveredFields.push_back({"unreachable", fmt::format("{}", fmt::join(unreachable, ","))});
  }
  traceState(machines::kMasterLeadership, "RECOVERED", std::move(recoveredFields));
  gaugesChanged();
  // Master::_recover: the age-based registry GC's timer, then the agents' reregistration timeout.
  scheduleRegistryGc();
  delay(flags_.agent_reregister_timeout, "Master::recoveredSlavesTimeout",
        [this, recovered = registry_.slaves.size()] { recoveredSlavesTimeout(recovered); });
}

void Master::recoveredSlavesTimeout(std::size_t recovered) {
  // Master::recoveredSlavesTimeout: if the share of the registry's agents (as recovered)
  // that did not come back exceeds --recovery_agent_removal_limit (100% by default:
  // never), the master exits rather than remove them. Otherwise each agent that did not
  // come back is marked unreachable (markUnreachableAfterFailover), each once the removal
  // rate limiter gives a permit (C27).
  const double removal = recovered == 0 ? 0.0 : 100.0 * static_cast<double>(recovered_slaves_.size()) /
                                                    static_cast<double>(recovered);
  if (removal > flags_.recovery_agent_removal_limit) {
    exitProcess(fmt::format("Post-recovery agent removal limit exceeded! After {} there were {} ({}%) agents "
                            "recovered from the registry that did not re-register: \n{{ {} }}\n  The configured "
                            "removal limit is {}%. Please investigate or increase this limit to proceed further",
                            sim::format(flags_.agent_reregister_timeout), recovered_slaves_.size(), removal,
                            fmt::join(recovered_slaves_, ", "), flags_.recovery_agent_removal_limit));
    return;
  }
  const std::set<std::string> missing = recovered_slaves_;
  for (const std::string& id : missing) {
    if (registry_.slaves.find(id) == registry_.slaves.end()) continue;
    log(fmt::format("Agent {} did not re-register within {} after master failover", id,
                    sim::format(flags_.agent_reregister_timeout)));
    count("master/slave_unreachable_scheduled");
    acquireRemovalPermit("Master::recoveredSlavesTimeout", [this, id] {
      auto it = registry_.slaves.find(id);
      if (it == registry_.slaves.end()) return;
      if (recovered_slaves_.count(id) == 0) {
        // Master::markUnreachableAfterFailover: it reregistered while the permit was pending.
        count("master/slave_unreachable_canceled");
        log(fmt::format("Canceling transition of agent {} ({}) to unreachable because it re-registered", id,
                        it->second.hostname));
        return;
      }
      const SlaveInfo info = it->second;
      log(fmt::format("Marking agent {} ({}) unreachable: it did not re-register after master failover", id,
                      info.hostname));
      count("master/slave_unreachable_completed");
      marking_unreachable_.insert(id);
      recovered_slaves_.erase(id);
      registrarApply(RegistryOperation::MarkSlaveUnreachable, info, "Master::_markUnreachableAfterFailover", [this, id, info, at = now()] {
        marking_unreachable_.erase(id);
        addUnreachable(id, at);
        count("master/slave_removals");
        count("master/slave_removals/reason_unhealthy");
        count("master/recovery_slave_removals");
        traceState(machines::kMasterSlave, "UNREACHABLE",
                   {{"slave_id", id}, {"hostname", info.hostname}, {"reason", "did not reregister after failover"},
                    {"unreachable_time", sim::formatSeconds(at)}});
        sendSlaveLost(info);
      });
    });
  }
}

void Master::exited(const sim::Upid& pid) {
  gaugesChanged();
  // Master::exited / Master::_exited(Framework*): a scheduler's connection broke. The
  // framework is disconnected and removed after its failover_timeout unless it
  // reregisters first.
  if (auto f = framework_by_pid_.find(pid); f != framework_by_pid_.end()) {
    auto it = frameworks_.find(f->second);
    if (it == frameworks_.end() || !it->second.connected) return;
    Framework& framework = it->second;
    // "See comments in receive() on why we send an error message to the framework upon
    // detecting a disconnection": a scheduler still alive behind a broken link aborts.
    sendFrameworkError(pid, "Framework disconnected");
    framework.connected = false;
    const std::uint64_t disconnection = ++framework.disconnections;
    log(fmt::format("Framework {} ({}) at {} disconnected; giving it {} to fail over", it->first,
                    framework.info.name, pid.str(), sim::format(framework.info.failover_timeout)));
    traceState(machines::kMasterFramework, "DISCONNECTED", {{"framework_id", it->first}, {"pid", pid.str()}});
    const std::string id = it->first;
    delay(framework.info.failover_timeout, "Master::frameworkFailoverTimeout",
          [this, id, disconnection] { frameworkFailoverTimeout(id, disconnection); });
    return;
  }
  // Master::exited: the connection to an agent broke. It is disconnected, not
  // removed: its observer's pings say connected=false from now on.
  const std::string* known = by_pid_.find(pid);
  if (known == nullptr) return;
  auto found = registered_.find(*known);
  if (found == registered_.end()) return;
  const std::string& id = found->first;
  Agent& agent = found->second;
  if (!agent.connected) {
    log(fmt::format("Ignoring duplicate exited() notification for agent {}", id));
    return;
  }
  log(fmt::format("Agent {} at {} ({}) disconnected", id, pid.str(), agent.info.hostname));
  agent.connected = false;
  authenticated_.erase(pid.str());  // "a slave will always reauthenticate before (re-)registering"
  traceState(machines::kMasterSlave, "DISCONNECTED",
             {{"slave_id", id}, {"pid", pid.str()}, {"hostname", agent.info.hostname}});
  if (agent.observer != nullptr) agent.observer->reconnect(false);
  removeUncheckpointedTasks(agent, id);
  // Later Mesos (MESOS-6286; Mesos 1.1 armed no timer here): an agent whose socket broke
  // must reregister within agent_reregister_timeout, or it is marked unreachable, even if
  // it answers pings (MasterTest.AgentRestartNoReregister).
  const std::uint64_t disconnection = ++agent.disconnections;
  delay(flags_.agent_reregister_timeout, "Master::agentReregisterTimeout",
        [this, id = std::string(id), disconnection] { agentReregisterTimeout(id, disconnection); });
}

void Master::agentReregisterTimeout(const std::string& slaveId, std::uint64_t disconnection) {
  // "The slave might have been removed or reregistered concurrently with the timeout
  // expiring." A reregistration cancels the timer (the disconnection count stands for it).
  auto it = registered_.find(slaveId);
  if (it == registered_.end() || it->second.connected || it->second.disconnections != disconnection) return;
  log(fmt::format("Scheduling removal of agent {} ({}); did not reregister within {} after disconnecting", slaveId,
                  it->second.info.hostname, sim::format(flags_.agent_reregister_timeout)));
  count("master/slave_unreachable_scheduled");
  acquireRemovalPermit("Master::agentReregisterTimeout", [this, slaveId] {
    // Master::_agentReregisterTimeout: removed or reregistered while the permit was pending.
    auto agent = registered_.find(slaveId);
    if (agent == registered_.end() || agent->second.connected) {
      count("master/slave_unreachable_canceled");
      return;
    }
    count("master/slave_unreachable_completed");
    markUnreachable(slaveId, fmt::format("agent did not reregister within {} after disconnecting",
                                         sim::format(flags_.agent_reregister_timeout)));
  });
}

void Master::removeUncheckpointedTasks(Agent& agent, const std::string& slaveId) {
  // "If the framework is not-checkpointing: the slave is not removed but the framework
  // is removed from the slave's structs, its tasks transitioned to LOST". A framework
  // known only from an agent's reregistration (recovered) is not registered: skipped.
  for (auto& [fid, tasks] : tasks_) {
    auto fw = frameworks_.find(fid);
    if (fw == frameworks_.end() || fw->second.recovered || fw->second.info.checkpoint) continue;
    for (auto it = tasks.begin(); it != tasks.end();) {
      if (it->second.slave_id != slaveId) {
        ++it;
        continue;
      }
      log(fmt::format("Removing task {} of framework {} from disconnected agent {} because the framework is not "
                      "checkpointing",
                      it->first, fid, slaveId));
      StatusUpdate u;
      u.framework_id = fid;
      u.slave_id = slaveId;
      u.executor_id = it->second.executor_id;
      u.task_id = it->first;
      u.state = TaskState::TASK_LOST;
      u.source = TaskStatusSource::SOURCE_MASTER;
      u.reason = TaskStatusReason::REASON_SLAVE_DISCONNECTED;
      u.message = "Slave " + agent.info.hostname + " disconnected";
      u.timestamp = now();
      if (!isTerminalState(it->second.state)) countTerminal(u.state, u.source, u.reason);
      taskRemoved(fid, it->first, it->second, u.state);
      it = tasks.erase(it);  // Master::removeTask
      forwardToFramework(fid, std::move(u));
    }
  }
  // Master::removeFramework(Slave*, Framework*) also removes the framework's executors
  // from the agent ("for proper resource accounting"): an exit reported for one later
  // is an unknown executor's.
  for (auto it = agent.executors.begin(); it != agent.executors.end();) {
    auto fw = frameworks_.find(it->first);
    if (fw == frameworks_.end() || fw->second.recovered || fw->second.info.checkpoint) {
      ++it;
      continue;
    }
    log(fmt::format("Removing the executors of framework {} from disconnected agent {} because the framework is "
                    "not checkpointing",
                    it->first, slaveId));
    it = agent.executors.erase(it);
  }
}

bool Master::Agent::hasExecutor(const std::string& frameworkId, const std::string& executorId) const {
  auto it = executors.find(frameworkId);
  return it != executors.end() && it->second.count(executorId) != 0;
}

void Master::Agent::removeExecutor(const std::string& frameworkId, const std::string& executorId) {
  auto it = executors.find(frameworkId);
  if (it == executors.end()) return;
  it->second.erase(executorId);
  if (it->second.empty()) executors.erase(it);
}

void Master::registerFramework(const sim::Upid& from, const RegisterFrameworkMessage& message) {
  countWhenRead("master/messages_register_framework");  // Master::subscribe, a FrameworkInfo with no id
  if (auto known = framework_by_pid_.find(from); known != framework_by_pid_.end()) {
    log(fmt::format("Framework {} at {} already registered, resending acknowledgement", known->second, from.str()));
    FrameworkRegisteredMessage reply;
    reply.framework_id = known->second;
    reply.master_info = info_;
    send(from, reply);
    return;
  }
  FrameworkInfo info = message.framework;
  // Master::newFrameworkId: the master's id and a counter.
  info.id = fmt::format("{}-{:04d}", info_.id, next_framework_++);
  addFramework(from, info, "REGISTERED");
  log(fmt::format("Registered framework {} ({}) at {}", info.id, info.name, from.str()),
      {{"framework_id", info.id}});
  FrameworkRegisteredMessage reply;
  reply.framework_id = info.id;
  reply.master_info = info_;
  send(from, reply);
}

void Master::reregisterFramework(const sim::Upid& from, const ReregisterFrameworkMessage& message) {
  const FrameworkInfo& info = message.framework;
  if (info.id.empty()) {
    log(fmt::format("Ignoring re-register framework message from {}: no framework id", from.str()));
    return;
  }
  countWhenRead("master/messages_reregister_framework");  // Master::subscribe, a FrameworkInfo with an id
  if (isCompletedFramework(info.id)) {
    // Master::subscribe: a framework removed (failover timeout elapsed, or teardown) may
    // not come back under its id.
    log(fmt::format("Refusing subscription of framework '{}' at {}: Framework has been removed", info.name,
                    from.str()));
    sendFrameworkError(from, "Framework has been removed");
    return;
  }
  auto it = frameworks_.find(info.id);
  if (it != frameworks_.end() && !it->second.recovered && !(it->second.pid == from) && !message.failover) {
    // Master::_subscribe: another scheduler holds the framework and this one did not
    // ask to fail over (force).
    log(fmt::format("Disallowing subscription attempt of framework {} because it is not expected from {}",
                    info.id, from.str()));
    sendFrameworkError(from, "Framework failed over");
    return;
  }
  bool failedOver = false;
  // Master::_subscribe: a framework this master has not registered (unknown, or only
  // recovered from an agent's report: 1.1's frameworks.recovered) is added and answered
  // FrameworkRegisteredMessage, "per MESOS-786" (FaultToleranceTest.MasterFailover).
  const bool newToMaster = it == frameworks_.end() || it->second.recovered;
  if (it == frameworks_.end()) {
    // Unknown to this master: a framework re-registering after a master failover (the
    // registry does not hold frameworks in 1.1) is added again with its id.
    addFramework(from, info, "REREGISTERED");
    log(fmt::format("Re-registered framework {} ({}) at {} after master failover", info.id, info.name, from.str()),
        {{"framework_id", info.id}});
  } else {
    Framework& framework = it->second;
    // "It is now safe to update the framework fields": Framework::updateFrameworkInfo.
    if (!framework.recovered) updateFrameworkInfo(framework, info);
    if (!framework.recovered && framework.pid == from && !message.failover) {
      // Master::_subscribe, an id in use by the same pid without `force` ("Allowing
      // framework ... to subscribe with an already used id"): connected and active again
      // if it was not, answered FrameworkReregisteredMessage; no re-link (1.1's "TODO:
      // Shouldn't this re-link with the scheduler?") and no broadcast. A failover (`force`)
      // always goes through failoverFramework and the broadcast below, even from the same
      // pid (FaultToleranceTest.SchedulerFailoverStatusUpdate). Simplification: the offer
      // rescinds of this path are not modelled.
      log(fmt::format("Allowing framework {} ({}) at {} to subscribe with an already used id", info.id, info.name,
                      from.str()));
      if (!framework.connected) {
        framework.connected = true;
        gaugesChanged();
        traceState(machines::kMasterFramework, "REREGISTERED", {{"framework_id", info.id}, {"pid", from.str()}});
      }
      FrameworkReregisteredMessage again;
      again.framework_id = info.id;
      again.master_info = info_;
      send(from, again);
      return;
    }
    if (framework.recovered) {
      framework.info = info;
      framework.recovered = false;
    } else if (message.failover) {
      // Master::failoverFramework: the old scheduler, if it is still connected from
      // another pid, is told it was replaced; the new one gets FrameworkRegisteredMessage.
      if (!(framework.pid == from) && framework.connected) sendFrameworkError(framework.pid, "Framework failed over");
      failedOver = true;
    }
    framework_by_pid_.erase(framework.pid);
    framework.pid = from;
    framework_by_pid_[from] = info.id;
    framework.connected = true;
    link(from);
    log(fmt::format("Re-registered framework {} ({}) at {}", info.id, info.name, from.str()),
        {{"framework_id", info.id}, {"failover", message.failover}});
    traceState(machines::kMasterFramework, "REREGISTERED", {{"framework_id", info.id}, {"pid", from.str()}});
  }
  if (failedOver || newToMaster) {
    // Master::_failoverFramework answers FrameworkRegisteredMessage too ("the scheduler
    // driver safely ignores any duplicate registration messages").
    FrameworkRegisteredMessage reply;
    reply.framework_id = info.id;
    reply.master_info = info_;
    send(from, reply);
  } else {
    FrameworkReregisteredMessage reply;
    reply.framework_id = info.id;
    reply.master_info = info_;
    send(from, reply);
  }
  // "Broadcast the new framework pid to all the slaves": an executor may run on an agent
  // that has no task of it in the master's view.
  for (const auto& [id, agent] : registered_) {
    UpdateFrameworkMessage update;
    update.framework_id = info.id;
    update.pid = from.str();
    send(agent.pid, update);
  }
}

void Master::updateFrameworkInfo(Framework& framework, const FrameworkInfo& source) {
  // Framework::updateFrameworkInfo (1.1 master.hpp): the name, failover_timeout and
  // capabilities are the subscription's; user, checkpoint and principal are kept ("Cannot
  // update FrameworkInfo.<field> ... Check MESOS-703").
  FrameworkInfo& info = framework.info;
  if (source.user != info.user || source.checkpoint != info.checkpoint || source.principal != info.principal) {
    log(fmt::format("Cannot update FrameworkInfo.user, checkpoint or principal for framework {}. Check MESOS-703",
                    info.id));
  }
  info.name = source.name;
  info.failover_timeout = source.failover_timeout;
  info.partition_aware = source.partition_aware;
  info.revocable_resources = source.revocable_resources;
  info.task_killing_state = source.task_killing_state;
}

bool Master::refuseDisconnected(const Framework& framework, const sim::Upid& from, std::string_view call) {
  // Master::receive(Call): "This is possible when master --> framework link is broken
  // ... We send an error message to the framework causing the scheduler driver to abort".
  if (framework.connected) return false;
  log(fmt::format("Refusing {} call from framework {}: Framework disconnected", call, framework.info.id));
  sendFrameworkError(from, "Framework disconnected");
  return true;
}

void Master::addFramework(const sim::Upid& pid, const FrameworkInfo& info, std::string_view state) {
  Framework& framework = frameworks_[info.id];
  framework.info = info;
  framework.pid = pid;
  framework.connected = true;
  framework_by_pid_[pid] = info.id;
  link(pid);
  traceState(machines::kMasterFramework, state, {{"framework_id", info.id}, {"pid", pid.str()}, {"name", info.name}});
}

void Master::frameworkFailoverTimeout(const std::string& id, std::uint64_t disconnection) {
  auto it = frameworks_.find(id);
  if (it == frameworks_.end() || it->second.connected || it->second.disconnections != disconnection) return;
  // Master::removeFramework; telling the agents (ShutdownFrameworkMessage) is the
  // status-update issue's, with tasks.
  log(fmt::format("Framework failover timeout, removing framework {} ({})", id, it->second.info.name));
  removeFramework(id);
}

void Master::unregisterFramework(const sim::Upid& from, const UnregisterFrameworkMessage& message) {
  // Master::unregisterFramework: only the framework's own pid may tear it down.
  auto it = frameworks_.find(message.framework_id);
  if (it == frameworks_.end()) return;
  if (!(it->second.pid == from)) {
    log(fmt::format("Ignoring unregister framework message for framework {} from {} because it is not expected "
                    "from {}",
                    message.framework_id, from.str(), it->second.pid.str()));
    return;
  }
  if (refuseDisconnected(it->second, from, "TEARDOWN")) return;
  log(fmt::format("Asked to unregister framework {}", message.framework_id));
  countWhenRead("master/messages_unregister_framework");  // Master::teardown
  removeFramework(message.framework_id);
}

void Master::removeFramework(const std::string& id) {
  // Master::removeFramework: every registered agent shuts the framework down; its tasks
  // leave the master as TASK_KILLED / REASON_FRAMEWORK_REMOVED (Master::updateTask's
  // counters; nobody is told); it becomes a completed framework.
  auto it = frameworks_.find(id);
  if (it == frameworks_.end()) return;
  traceState(machines::kMasterFramework, "REMOVED", {{"framework_id", id}});
  gaugesChanged();
  unreachable_tasks_.erase(id);  // to the completed framework's (unmodelled) tasks
  pending_tasks_.erase(id);       // "Remove the pending tasks from the framework."
  if (auto tasks = tasks_.find(id); tasks != tasks_.end()) {
    for (const auto& [tid, t] : tasks->second) taskRemoved(id, tid, t, TaskState::TASK_KILLED);
  }
  framework_by_pid_.erase(it->second.pid);
  frameworks_.erase(it);
  for (auto& [slaveId, agent] : registered_) {
    agent.executors.erase(id);  // "Remove the framework's executors for correct resource accounting."
    ShutdownFrameworkMessage message;
    message.framework_id = id;
    send(agent.pid, message);
  }
  if (auto tasks = tasks_.find(id); tasks != tasks_.end()) {
    for (const auto& [tid, t] : tasks->second) {
      if (!isTerminalState(t.state)) {
        countTerminal(TaskState::TASK_KILLED, TaskStatusSource::SOURCE_MASTER,
                      TaskStatusReason::REASON_FRAMEWORK_REMOVED);
      }
    }
    tasks_.erase(tasks);
  }
  addCompletedFramework(id);
}

void Master::sendFrameworkError(const sim::Upid& to, std::string text) {
  FrameworkErrorMessage message;
  message.message = std::move(text);
  send(to, std::move(message));
}

Master::Framework* Master::frameworkFrom(const sim::Upid& from) {
  auto known = framework_by_pid_.find(from);
  if (known == framework_by_pid_.end()) return nullptr;
  auto it = frameworks_.find(known->second);
  return it == frameworks_.end() ? nullptr : &it->second;
}

void Master::forwardToFramework(const std::string& frameworkId, StatusUpdate update, sim::Upid acknowledgee) {
  // Master::forward -> Framework::send: to a framework the master knows, also a
  // disconnected one ("Master attempted to send message to disconnected framework": the
  // message goes to its last pid all the same); one only recovered from an agent's report
  // is not known (Mesos 1.1's Frameworks::recovered: "Dropping update ... for unknown
  // framework").
  auto it = frameworks_.find(frameworkId);
  if (it == frameworks_.end() || it->second.recovered) {
    if (tracing()) {
      log(fmt::format("Dropping status update {} for task {} of unknown framework {}", toString(update.state),
                      update.task_id, frameworkId));
    }
    return;
  }
  if (!it->second.connected && tracing()) {
    log(fmt::format("Master attempted to send message to disconnected framework {}", frameworkId));
  }
  StatusUpdateMessage message;
  message.update = std::move(update);
  message.pid = acknowledgee;
  send(it->second.pid, std::move(message));
}

void Master::sendMasterTaskUpdate(const std::string& frameworkId, const std::string& slaveId,
                                  const std::string& taskId, TaskState state, TaskStatusReason reason,
                                  std::string text) {
  // protobuf::createStatusUpdate(..., SOURCE_MASTER, None(), text, reason), counted
  // (metrics->tasks_<state>, incrementTasksStates), then forward(update, UPID(), framework).
  StatusUpdate u = createStatusUpdate(frameworkId, slaveId, "", taskId, state, TaskStatusSource::SOURCE_MASTER, "",
                                      std::move(text), reason, now());
  countTerminal(u.state, u.source, u.reason);
  forwardToFramework(frameworkId, std::move(u));
}

namespace {

// stringify(ExecutorInfo), the fields the model's ExecutorInfo has.
std::string describeExecutor(const ExecutorInfo& e) {
  return fmt::format("executor_id: \"{}\"{}{}{}", e.executor_id,
                     e.shutdown_grace_period ? " shutdown_grace_period: " + sim::format(*e.shutdown_grace_period) : "",
                     e.ignore_shutdown ? " (ignores shutdown)" : "",
                     e.exit_after ? " (exits after " + sim::format(*e.exit_after) + ")" : "");
}

}  // namespace

void Master::launchTasks(const sim::Upid& from, const LaunchTasksMessage& message) {
  Framework* framework = frameworkFrom(from);
  if (framework == nullptr || framework->info.id != message.framework_id) {
    log(fmt::format("Ignoring launch tasks message from {}: not a registered framework", from.str()));
    return;
  }
  if (refuseDisconnected(*framework, from, "ACCEPT")) return;
  count("master/messages_launch_tasks");  // Master::accept, after Master::receive's checks
  const std::string frameworkId = framework->info.id;
  // Master::accept: validation::offer::validate. The agent the message names stands for
  // its offers: one not registered (removed, unreachable, unknown) has none, and a
  // disconnected one has none either (Master::disconnect rescinds them): "Offer ... is no
  // longer valid", each task TASK_LOST / REASON_INVALID_OFFERS.
  const Agent* agent = nullptr;
  std::string slaveId;
  if (auto h = by_hostname_.find(message.hostname); h != by_hostname_.end()) {
    auto it = registered_.find(h->second);
    if (it != registered_.end()) {
      agent = &it->second;
      slaveId = it->first;
    }
  }
  std::string invalidOffers;
  if (agent == nullptr) {
    invalidOffers = "no registered agent " + message.hostname;
  } else if (!agent->connected) {
    invalidOffers = fmt::format("the offers of agent {} ({}) were rescinded when it disconnected", slaveId,
                                message.hostname);
  }
  std::vector<Authorized> authorized;
  for (const TaskInfo& task : message.tasks) {
    std::string invalid = invalidOffers;
    Resources revocable;
    if (!task.revocable_resources.empty()) {
      // Only the task's revocable resources count against the agent's revocable total.
      // Without offers, revocable resources a framework could not have been offered are
      // invalid offers here (simplified: Mesos would find them "more than available").
      auto r = parseResources(task.revocable_resources);
      if (!r.isError()) revocable = *r;
      if (!invalid.empty()) {
      } else if (!framework->info.revocable_resources) {
        invalid = "revocable resources are offered only to frameworks with the REVOCABLE_RESOURCES capability";
      } else if (!availableRevocable(slaveId).contains(revocable)) {
        invalid = fmt::format("agent {} has only {} revocable resources left", message.hostname,
                              format(availableRevocable(slaveId), true));
      }
    }
    if (!invalid.empty()) {
      // TASK_DROPPED for a PARTITION_AWARE framework, as Mesos 1.2+ (1.1: TASK_LOST to
      // every framework; MasterTest.LaunchDuplicateOfferDropped observes the later rule).
      sendMasterTaskUpdate(frameworkId, {}, task.task_id,
                           framework->info.partition_aware ? TaskState::TASK_DROPPED : TaskState::TASK_LOST,
                           TaskStatusReason::REASON_INVALID_OFFERS, "Task launched with invalid offers: " + invalid);
      continue;
    }
    // Master::authorizeTask (RUN_TASK for the framework's principal as its user; the
    // model's tasks run as the framework's user): true at once without an authorizer.
    Authorized a;
    a.task = task;
    a.task.slave_id = agent->info.id;  // slaveId, interned already (the agent's key is its SlaveInfo.id)
    a.revocable = revocable;
    if (env_.authorizer) {
      std::string why;
      a.allowed = env_.authorizer->authorizedRunTask(framework->info.principal, framework->info.user, why);
      if (tracing()) {
        log(fmt::format("Authorizing framework principal '{}' to launch task {}",
                        framework->info.principal.empty() ? "ANY" : framework->info.principal, task.task_id),
            {{"task_id", task.task_id}, {"authorized", a.allowed}, {"why", why}});
      }
    }
    // "A task is in 'framework->pendingTasks' and 'slave->pendingTasks' before it is
    // authorized"; a second task of the same id is not (it is TASK_ERROR in _accept).
    pending_tasks_[frameworkId].try_emplace(task.task_id, a.task);
    authorized.push_back(std::move(a));
  }
  if (authorized.empty()) return;
  // await(authorizations).onAny(defer(self(), &Master::_accept, ...)): at once, unless a
  // scenario holds the authorizer's answers at the fault site Authorizer::authorized.
  auto accept = [this, frameworkId, slaveId, tasks = std::move(authorized)]() mutable {  // runs once
    acceptAuthorized(frameworkId, slaveId, tasks);
    gaugesChanged();
  };
  if (!env_.faults) {
    accept();
    return;
  }
  gaugesChanged();  // master/tasks_staging counts the pending tasks
  env_.faults->reach(*this, kAuthorizerAuthorizedSite, {"caller", "Master::authorizeTask"}, "Master::_accept",
                     std::move(accept), false);
}

void Master::acceptAuthorized(const std::string& frameworkId, const std::string& slaveId,
                              std::vector<Authorized>& tasks) {
  // Master::_accept, branch by branch.
  auto fw = frameworks_.find(frameworkId);
  if (fw == frameworks_.end()) {
    // Removed meanwhile (its pending tasks with it): nothing is launched.
    log(fmt::format("Ignoring ACCEPT call for framework {} because the framework cannot be found", frameworkId));
    return;
  }
  Framework& framework = fw->second;
  auto agent = registered_.find(slaveId);
  if (agent == registered_.end() || !agent->second.connected) {
    // The agent removed (or marked unreachable) or disconnected meanwhile: each task
    // leaves the pending tasks and is TASK_LOST, or TASK_DROPPED for a PARTITION_AWARE
    // framework as Mesos 1.2+ (MasterAuthorizationTest.SlaveRemovedDropped; 1.1 said
    // TASK_LOST to every framework).
    const bool removed = agent == registered_.end();
    const TaskState state = framework.info.partition_aware ? TaskState::TASK_DROPPED : TaskState::TASK_LOST;
    for (const Authorized& a : tasks) {
      pending_tasks_[frameworkId].erase(a.task.task_id);
      sendMasterTaskUpdate(frameworkId, slaveId, a.task.task_id, state,
                           removed ? TaskStatusReason::REASON_SLAVE_REMOVED : TaskStatusReason::REASON_SLAVE_DISCONNECTED,
                           removed ? "Agent removed" : "Agent disconnected");
    }
    if (pending_tasks_[frameworkId].empty()) pending_tasks_.erase(frameworkId);
    return;
  }
  for (Authorized& a : tasks) {
    const TaskInfo& task = a.task;
    // "The task will not be in `pendingTasks` if it has been killed in the interim"; it
    // is still authorized and validated (a duplicate id is TASK_ERROR all the same).
    auto pendingOf = pending_tasks_.find(frameworkId);
    const bool pending = pendingOf != pending_tasks_.end() && pendingOf->second.erase(task.task_id) != 0;
    if (pendingOf != pending_tasks_.end() && pendingOf->second.empty()) pending_tasks_.erase(pendingOf);
    if (!a.allowed) {
      sendMasterTaskUpdate(frameworkId, slaveId, task.task_id, TaskState::TASK_ERROR,
                           TaskStatusReason::REASON_TASK_UNAUTHORIZED,
                           fmt::format("Not authorized to launch as user '{}'", framework.info.user));
      continue;
    }
    if (const std::string error = validateTask(framework, slaveId, a); !error.empty()) {
      sendMasterTaskUpdate(frameworkId, slaveId, task.task_id, TaskState::TASK_ERROR,
                           TaskStatusReason::REASON_TASK_INVALID, error);
      continue;
    }
    if (!pending) continue;  // killed while pending: "TASK_KILLED ... has already been sent"
    // Master::addTask.
    // The ids interned already: the framework's (frameworks_ is keyed by its FrameworkInfo.id)
    // and the agent's (launchTasks set the task's slave_id to slaveId).
    MasterTask& t = tasks_[framework.info.id][task.task_id];
    t.slave_id = task.slave_id;
    t.executor_id = task.executor.executor_id;
    t.state = TaskState::TASK_STAGING;
    t.revocable = a.revocable;
    recordTask(frameworkId, task.task_id, t);
    if (tracing()) {
      log(fmt::format("Launching task {} of framework {} on agent {} ({}){}", task.task_id, frameworkId, slaveId,
                      agent->second.info.hostname,
                      a.revocable.empty() ? "" : " with revocable resources " + format(a.revocable, true)),
          {{"task_id", task.task_id}, {"slave_id", slaveId}, {"revocable", !a.revocable.empty()}});
    }
    // Master::isLaunchExecutor (MESOS-1720, 1.5): a new executor for a command task, and
    // for an executor the agent does not run as far as the master knows.
    bool launchExecutor = true;
    if (!task.executor.command) {
      launchExecutor = !agent->second.hasExecutor(frameworkId, task.executor.executor_id);
      // Master::addExecutor: a task with an ExecutorInfo adds its executor to the agent.
      if (launchExecutor) agent->second.executors[frameworkId][task.executor.executor_id] = task.executor;
    }
    RunTaskMessage run;
    run.launch_executor = launchExecutor;
    run.framework = framework.info;
    run.pid = framework.pid.str();
    run.task = std::move(a.task);  // the last read of this task
    send(agent->second.pid, std::move(run));
  }
}

std::string Master::validateTask(const Framework& framework, const std::string& slaveId, const Authorized& a) const {
  // validation::task::validate: validateTask (validateTaskID: the model's ids are names;
  // validateUniqueTaskID; validateSlaveID: the task's agent is the offers'; kill policy and
  // health checks: none negative or set here; validateResources), then validateExecutor
  // (its ExecutorInfo against the agent's; the executor's resources and the offered total
  // are not modelled).
  if (auto known = tasks_.find(framework.info.id);
      known != tasks_.end() && known->second.count(a.task.task_id) != 0) {
    return "Task has duplicate ID: " + a.task.task_id;  // validateUniqueTaskID
  }
  if (a.task.resources.empty()) return "Task uses no resources";  // validateResources
  if (auto all = parseResources(a.task.resources); !all.isError()) {
    // validateRevocableAndNonRevocableResources: a name both revocable and regular.
    if (const std::string mixed = mixedRevocableError(*all, a.revocable); !mixed.empty()) {
      return "Task mixes revocable and non-revocable resources: " + mixed;
    }
  }
  if (!a.task.executor.command) {
    // validateExecutor -> executor::internal::validateCompatibleExecutorInfo: an executor
    // of that id the master knows on this agent with another ExecutorInfo (ExecutorInfo
    // carries its FrameworkID, which the master fills in: compared without it).
    const auto& executors = registered_.at(slaveId).executors;
    if (auto fw = executors.find(framework.info.id); fw != executors.end()) {
      auto known = fw->second.find(a.task.executor.executor_id);
      ExecutorInfo mine = a.task.executor;
      if (known != fw->second.end() && known->second) mine.framework_id = known->second->framework_id;
      if (known != fw->second.end() && known->second && !(*known->second == mine)) {
        return fmt::format("ExecutorInfo is not compatible with existing ExecutorInfo with same ExecutorID). "
                           "Existing ExecutorInfo: {}; ExecutorInfo: {}",
                           describeExecutor(*known->second), describeExecutor(mine));
      }
    }
  }
  return {};
}

void Master::statusUpdate(const sim::Upid& /*from*/, StatusUpdateMessage& message) {
  // Master::statusUpdate(update, pid), branch by branch. `pid` is the message's
  // acknowledgee (StatusUpdateMessage.pid), not its sender: Mesos checks only that the
  // update's SlaveID is a registered agent's (connected or not), whoever sent it.
  StatusUpdate& u = message.update;
  count("master/messages_status_update");
  if (removed_.count(u.slave_id.str()) != 0) {
    count("master/invalid_status_updates");
    // "If the slave has been removed, drop the status update": the agent's retries go on
    // until it reregisters.
    log(fmt::format("Ignoring status update {} for task {} from removed agent {}", u.uuid, u.task_id, u.slave_id));
    return;
  }
  if (registered_.count(u.slave_id) == 0) {
    count("master/invalid_status_updates");
    log(fmt::format("Ignoring status update {} for task {} from unknown agent {}", u.uuid, u.task_id, u.slave_id));
    return;
  }
  if (tracing()) {
    log(fmt::format("Status update {} ({}) for task {} of framework {} from agent {}", toString(u.state), u.uuid,
                    u.task_id, u.framework_id, u.slave_id));
  }
  // "A framework might not have re-registered upon a master failover or got
  // disconnected": Master::forward runs only for a connected framework.
  auto fw = frameworks_.find(u.framework_id);
  const bool forwarded = fw != frameworks_.end() && fw->second.connected;
  auto tasks = tasks_.find(u.framework_id);
  // The framework's task of that id, on whichever agent the master has it (found once).
  MasterTask* known = nullptr;
  if (tasks != tasks_.end()) {
    if (auto it = tasks->second.find(u.task_id); it != tasks->second.end()) known = &it->second;
  }
  if (forwarded) {
    // Master::forward: the framework's task of that id (Framework::getTask, on whichever
    // agent the master has it) takes the update's state and uuid, set together, when the
    // update has a uuid; then the update goes to the framework with the acknowledgee.
    if (known != nullptr && !u.uuid.empty()) {
      known->status_update_state = u.state;
      known->acked_uuid = u.uuid;
    }
    forwardToFramework(u.framework_id.str(), u, message.pid);
  } else {
    // The agent's retry covers it.
    log(fmt::format("Received status update {} for task {} from agent {} for {} framework {}", toString(u.state),
                    u.task_id, u.slave_id,
                    fw == frameworks_.end() || fw->second.recovered ? "an unknown" : "a disconnected", u.framework_id));
  }
  // Slave::getTask: the task the master has for this framework on this agent. An update
  // for any other task (unknown, or completed and removed already: a second terminal
  // update) is not recorded ("Could not lookup task") and counts invalid.
  MasterTask* t = known != nullptr && known->slave_id == u.slave_id ? known : nullptr;
  if (t == nullptr) {
    log(fmt::format("Could not lookup task {} of framework {} for status update {} from agent {}", u.task_id,
                    u.framework_id, u.uuid, u.slave_id));
    count("master/invalid_status_updates");
    return;
  }
  updateTask(u, *t);
  if (isTerminalState(t->state) && message.pid.isNone()) {
    // "If the task is terminal and no acknowledgement is needed, then remove the task
    // now": an update with no acknowledgee (StatusUpdateMessage.pid unset).
    taskRemoved(u.framework_id.str(), u.task_id, *t);
    tasks->second.erase(u.task_id);  // Master::removeTask
  }
  if (forwarded) {
    count("master/valid_status_updates");
  } else {
    count("master/invalid_status_updates");
  }
}

void Master::updateTask(const StatusUpdate& u, MasterTask& t) {
  // Master::updateTask: the task takes the update's latest_state (the agent's latest), or
  // its state, unless the task is terminal already (a second terminal update changes
  // nothing); the first terminal state counts (tasks_finished, ... by the update's own
  // state, and the state/source/reason counter when it has a reason).
  t.executor_id = u.executor_id;
  if (isTerminalState(t.state)) return;
  const TaskState latest = u.latest_state.value_or(u.state);
  if (isTerminalState(latest)) countTerminal(u.state, u.source, u.reason);
  t.state = latest;
  recordTask(u.framework_id.str(), u.task_id, t);
}

void Master::acknowledge(const sim::Upid& from, StatusUpdateAcknowledgementMessage& message) {
  if (!message.call) {
    statusUpdateAcknowledgement(from, message);
    return;
  }
  // The driver's Call::ACKNOWLEDGE (Master::receive, then Master::acknowledge), branch by
  // branch, with their counters. Master::receive drops a call of an unknown framework or
  // from another pid, and an ACKNOWLEDGE whose uuid is not a UUID ("Dropping ACKNOWLEDGE
  // call"), counting nothing; a disconnected framework's call is refused.
  Framework* framework = frameworkFrom(from);
  if (framework == nullptr || framework->info.id != message.framework_id) {
    log(fmt::format("Dropping ACKNOWLEDGE call from {}: not from the registered framework", from.str()));
    return;
  }
  if (refuseDisconnected(*framework, from, "ACKNOWLEDGE")) return;
  if (!isUuid(message.uuid)) {
    log(fmt::format("Dropping ACKNOWLEDGE call from framework {}: '{}' is not a UUID", message.framework_id,
                    message.uuid));
    return;
  }
  acknowledged(message);
}

void Master::statusUpdateAcknowledgement(const sim::Upid& from, StatusUpdateAcknowledgementMessage& message) {
  // Master::statusUpdateAcknowledgement, the v0 message's handler, branch by branch: a
  // uuid that is not a UUID, an unknown framework, or another sender than the framework's
  // pid is dropped and counted invalid; there is no check of the framework's connection
  // (Master::receive(Call)'s "Framework disconnected"); then Master::acknowledge.
  auto invalid = [&](std::string_view why) {
    log(fmt::format("Ignoring status update acknowledgement {} for task {} of framework {} on agent {} {}",
                    message.uuid, message.task_id, message.framework_id, message.slave_id, why));
    count("master/invalid_status_update_acknowledgements");
  };
  if (!isUuid(message.uuid)) {
    invalid("due to: the uuid is not a UUID");
    return;
  }
  auto fw = frameworks_.find(message.framework_id.str());
  if (fw == frameworks_.end() || fw->second.recovered) {
    invalid("because the framework cannot be found");
    return;
  }
  if (fw->second.pid != from) {
    invalid(fmt::format("because it is not expected from {}", from.str()));
    return;
  }
  acknowledged(message);
}

void Master::acknowledged(StatusUpdateAcknowledgementMessage& message) {
  // Master::acknowledge(Framework*, Call::Acknowledge), from either handler.
  count("master/messages_status_update_acknowledgement");
  auto agent = registered_.find(message.slave_id);
  if (agent == registered_.end() || !agent->second.connected) {
    // The agent's retry covers the loss.
    log(fmt::format("Cannot send status update acknowledgement for task {} of framework {} to agent {}: it is {}",
                    message.task_id, message.framework_id, message.slave_id,
                    agent == registered_.end() ? "not registered" : "disconnected"));
    count("master/invalid_status_update_acknowledgements");
    return;
  }
  if (auto fw = tasks_.find(message.framework_id); fw != tasks_.end()) {
    auto t = fw->second.find(message.task_id);
    if (t != fw->second.end() && t->second.slave_id == message.slave_id) {
      if (!t->second.status_update_state) {
        // "The update was not sent by this master": dropped; the agent retries the update,
        // and this master's forward of it sets the state the next acknowledgement needs.
        log(fmt::format("Ignoring status update acknowledgement {} for task {} of framework {} to agent {} because "
                        "the update was not sent by this master",
                        message.uuid, message.task_id, message.framework_id, message.slave_id));
        count("master/invalid_status_update_acknowledgements");
        return;
      }
      // "Remove the task once the terminal update is acknowledged."
      if (isTerminalState(*t->second.status_update_state) && t->second.acked_uuid == message.uuid) {
        taskRemoved(message.framework_id, message.task_id, t->second);
        fw->second.erase(t);  // Master::removeTask
      }
    }
  }
  message.call = false;  // Master::acknowledge sends the v0 message to the agent
  send(agent->second.pid, std::move(message));
  count("master/valid_status_update_acknowledgements");
}

void Master::killTask(const sim::Upid& from, const KillTaskMessage& message) {
  // Master::receive(Call) drops a call of an unknown framework or from another pid
  // ("Call is not from registered framework") before Master::kill counts it.
  Framework* framework = frameworkFrom(from);
  if (framework == nullptr || framework->info.id != message.framework_id) {
    log(fmt::format("Dropping KILL call from {}: not from the registered framework", from.str()));
    return;
  }
  if (refuseDisconnected(*framework, from, "KILL")) return;
  count("master/messages_kill_task");
  if (auto pending = pending_tasks_.find(message.framework_id);
      pending != pending_tasks_.end() && pending->second.erase(message.task_id) != 0) {
    // Master::kill: a task pending in authorization leaves the pending tasks and is
    // TASK_KILLED at once ("Killed pending task"; the v0 KillTaskMessage names no agent,
    // and nothing is counted but the message); Master::_accept then launches nothing.
    if (pending->second.empty()) pending_tasks_.erase(pending);
    StatusUpdate u;
    u.framework_id = message.framework_id;
    u.task_id = message.task_id;
    u.state = TaskState::TASK_KILLED;
    u.source = TaskStatusSource::SOURCE_MASTER;
    u.message = "Killed pending task";
    u.timestamp = now();
    forwardToFramework(message.framework_id, std::move(u));
    gaugesChanged();
    return;
  }
  auto fw = tasks_.find(message.framework_id);
  const MasterTask* t = nullptr;
  if (fw != tasks_.end()) {
    auto it = fw->second.find(message.task_id);
    if (it != fw->second.end()) t = &it->second;
  }
  if (t == nullptr) {
    // Master::kill: "Cannot kill task ... because it is unknown; performing
    // reconciliation" (_reconcileTasks for a task with no agent): TASK_LOST, or no answer
    // while any agent is in transition (MasterTest.KillUnknownTaskSlaveInTransition).
    log(fmt::format("Cannot kill task {} of framework {} because it is unknown; performing reconciliation",
                    message.task_id, message.framework_id));
    count("master/messages_reconcile_tasks");  // Master::_reconcileTasks counts it
    if (auto u = reconcileUnknown(*framework, message.task_id, {})) forwardToFramework(message.framework_id, std::move(*u));
    return;
  }
  auto agent = registered_.find(t->slave_id);
  if (agent == registered_.end()) {
    log(fmt::format("Cannot kill task {}: agent {} is not registered", message.task_id, t->slave_id));
    return;
  }
  agent->second.killed.insert({message.framework_id, message.task_id});
  if (!agent->second.connected) {
    log(fmt::format("Cannot kill task {} of framework {} because agent {} is disconnected. Kill will be retried if "
                    "the agent reregisters",
                    message.task_id, message.framework_id, t->slave_id));
    return;
  }
  send(agent->second.pid, message);
}

void Master::reconcileTasks(const sim::Upid& from, const ReconcileTasksMessage& message) {
  Framework* framework = frameworkFrom(from);
  if (framework == nullptr || framework->info.id != message.framework_id) return;
  if (refuseDisconnected(*framework, from, "RECONCILE")) return;
  count("master/messages_reconcile_tasks");  // in Master::_reconcileTasks: a known framework's only
  const auto& known = tasks_[message.framework_id];
  auto answer = [&](const std::string& taskId, TaskState state, const std::string& slaveId, const std::string& text) {
    StatusUpdate u;
    u.framework_id = message.framework_id;
    u.slave_id = slaveId;
    u.task_id = taskId;
    u.state = state;
    u.source = TaskStatusSource::SOURCE_MASTER;
    u.reason = TaskStatusReason::REASON_RECONCILIATION;
    u.message = text;
    u.timestamp = now();
    forwardToFramework(message.framework_id, u);
  };
  // A known task's latest state is the state of the update last forwarded with a UUID
  // (Task.status_update_state), else its state.
  auto latest = [](const MasterTask& t) { return t.status_update_state.value_or(t.state); };
  // Framework::pendingTasks: (1) a task pending in authorization is TASK_STAGING.
  const TaskInfo* pending = nullptr;
  const auto pendingOf = pending_tasks_.find(message.framework_id);
  auto findPending = [&](const std::string& id) {
    pending = nullptr;
    if (pendingOf == pending_tasks_.end()) return false;
    auto it = pendingOf->second.find(id);
    if (it != pendingOf->second.end()) pending = &it->second;
    return pending != nullptr;
  };
  if (message.task_ids.empty()) {
    // Implicit: the pending tasks first, then the known ones.
    if (pendingOf != pending_tasks_.end()) {
      for (const auto& [id, t] : pendingOf->second) {
        answer(id, TaskState::TASK_STAGING, t.slave_id.str(), "Reconciliation: Latest task state");
      }
    }
    for (const auto& [id, t] : known) answer(id, latest(t), t.slave_id, "Reconciliation: Latest task state");
    return;
  }
  for (const std::string& id : message.task_ids) {
    auto it = known.find(id);
    if (findPending(id)) {
      answer(id, TaskState::TASK_STAGING, pending->slave_id.str(), "Reconciliation: Latest task state");  // (1)
    } else if (it != known.end()) {
      answer(id, latest(it->second), it->second.slave_id, "Reconciliation: Latest task state");
    } else if (auto u = reconcileUnknown(*framework, id, message.slave_id)) {
      forwardToFramework(message.framework_id, std::move(*u));
    }
  }
}

std::optional<StatusUpdate> Master::reconcileUnknown(const Framework& framework, const std::string& taskId,
                                                     const std::string& slaveId) {
  // Master::_reconcileTasks, cases (3) to (6), for a task the master does not know.
  StatusUpdate u;
  u.framework_id = framework.info.id;
  u.slave_id = slaveId;
  u.task_id = taskId;
  u.state = TaskState::TASK_LOST;
  u.source = TaskStatusSource::SOURCE_MASTER;
  u.reason = TaskStatusReason::REASON_RECONCILIATION;
  u.timestamp = now();
  // A PARTITION_AWARE framework is told TASK_GONE in case (3) and TASK_UNKNOWN in case
  // (6), as later Mesos does and ReconciliationTest.UnknownTaskPartitionAware and
  // UnknownSlave observe (1.1 said TASK_LOST to every framework).
  const bool aware = framework.info.partition_aware;
  if (!slaveId.empty() && registered_.count(slaveId) != 0) {
    if (aware) u.state = TaskState::TASK_GONE;
    u.message = "Reconciliation: Task is unknown to the agent";  // (3)
    return u;
  }
  // (4) Slaves::transitioning: the named agent (any agent, if none is named) is recovered
  // from the registry and not back, being readmitted, or being removed: no answer.
  const bool transitioning =
      slaveId.empty() ? !recovered_slaves_.empty() || !reregistering_.empty() || !removing_.empty()
                      : recovered_slaves_.count(slaveId) != 0 || reregistering_.count(slaveId) != 0 ||
                            removing_.count(slaveId) != 0;
  if (transitioning) {
    log(fmt::format("Dropping reconciliation of task {} for framework {} because there are transitional agents",
                    taskId, framework.info.id));
    return std::nullopt;
  }
  if (auto unreachable = unreachable_.find(slaveId); !slaveId.empty() && unreachable != unreachable_.end()) {
    // (5) TASK_UNREACHABLE, or TASK_LOST without PARTITION_AWARE, with the agent's
    // unreachable time.
    if (framework.info.partition_aware) u.state = TaskState::TASK_UNREACHABLE;
    u.message = "Reconciliation: Task is unreachable";
    u.unreachable_time = unreachable->second;
    return u;
  }
  if (aware) u.state = TaskState::TASK_UNKNOWN;
  u.message = "Reconciliation: Task is unknown";  // (6)
  return u;
}

void Master::unregisterSlave(const sim::Upid& from, const UnregisterSlaveMessage& message) {
  count("master/messages_unregister_slave");
  auto it = registered_.find(message.slave_id);
  if (it == registered_.end() || !(it->second.pid == from)) {
    log(fmt::format("Ignoring unregister agent message from {} for agent {}: not that agent", from.str(),
                    message.slave_id));
    return;
  }
  log(fmt::format("Asked to unregister agent {}", message.slave_id));
  removeSlave(message.slave_id, "the agent unregistered", "master/slave_removals/reason_unregistered");
}

void Master::removeSlave(const std::string& slaveId, const std::string& reason, std::string_view counter) {
  // Master::removeSlave: RemoveSlave in the registry; once it is stored the agent's
  // tasks are lost (no timers), its observer stops, the frameworks hear slaveLost.
  if (marking_unreachable_.count(slaveId) != 0) {
    // "It would be better to remove the slave here instead of continuing to mark it
    // unreachable, but probably not worth the complexity."
    log(fmt::format("Ignoring removal of agent {} that is in the process of being marked unreachable", slaveId));
    return;
  }
  if (removing_.count(slaveId) != 0) {
    log(fmt::format("Ignoring removal of agent {} that is in the process of being removed", slaveId));
    return;
  }
  auto it = registered_.find(slaveId);
  AGENTSIM_ASSERT(it != registered_.end());
  removing_.insert(slaveId);
  registrarApply(RegistryOperation::RemoveSlave, it->second.info, "Master::_removeSlave",
                 [this, slaveId, reason, counter = std::string(counter)] {
                   count("master/slave_removals");
                   count(MetricKey(counter));
                   removedSlave(slaveId, reason);
                 });
}

void Master::removedSlave(const std::string& slaveId, const std::string& reason) {
  removing_.erase(slaveId);
  auto it = registered_.find(slaveId);
  // Nothing removes an agent from registered_ while RemoveSlave is in flight.
  AGENTSIM_ASSERT(it != registered_.end());
  const SlaveInfo info = it->second.info;
  if (it->second.observer != nullptr) sim().terminate(*it->second.observer);
  traceState(machines::kMasterSlave, "REMOVED", {{"slave_id", slaveId}, {"pid", it->second.pid.str()}, {"reason", reason}});
  forgetSlave(it);
  removed_.insert(slaveId);
  removeTasksOf(slaveId, fmt::format("Slave {} removed: {}", info.hostname, reason), std::nullopt);
  sendSlaveLost(info);
}

Resources Master::availableRevocable(const std::string& slaveId) const {
  auto agent = registered_.find(slaveId);
  if (agent == registered_.end()) return {};
  Resources used;
  for (const auto& [fid, tasks] : tasks_) {
    for (const auto& [tid, t] : tasks) {
      if (t.slave_id == slaveId && !isTerminalState(t.state)) used += t.revocable;
    }
  }
  // A pending task (in authorization) holds its offer's resources too: Mesos's offers are
  // used up at `accept`, before `_accept` launches (the model has no offers to use up).
  for (const auto& [fid, pending] : pending_tasks_) {
    for (const auto& [tid, task] : pending) {
      if (task.slave_id != slaveId || task.revocable_resources.empty()) continue;
      auto r = parseResources(task.revocable_resources);
      if (!r.isError()) used += *r;
    }
  }
  return agent->second.oversubscribed.minus(used);
}

void Master::updateSlave(const sim::Upid& /*from*/, const UpdateSlaveMessage& message) {
  // Master::updateSlave (1.1): the agent is found by the message's SlaveID, whoever sent
  // it (the handler is installed with the SlaveID and the resources only); a removed
  // agent's update and an unknown one's (an unreachable agent is not registered) are dropped.
  count("master/messages_update_slave");
  if (removed_.count(message.slave_id) != 0) {
    log(fmt::format("Ignoring update of agent with total oversubscribed resources {} on removed agent {}",
                    format(message.oversubscribed_resources, true), message.slave_id));
    return;
  }
  auto found = registered_.find(message.slave_id);
  if (found == registered_.end()) {
    log(fmt::format("Ignoring update of agent with total oversubscribed resources {} on unknown agent {}",
                    format(message.oversubscribed_resources, true), message.slave_id));
    return;
  }
  Agent& agent = found->second;
  if (!message.update_oversubscribed_resources) {
    // Mesos 1.5+: an update of the agent's other state (resource providers, operations,
    // none modelled); its revocable total stays.
    if (tracing(sim::RecordKind::Log, "log")) {
      log(fmt::format("Received update of agent {} without oversubscribed resources", message.slave_id),
          {{"slave_id", message.slave_id}});
    }
    return;
  }
  revocable_total_.cpus_milli -= agent.oversubscribed.cpus_milli;
  revocable_total_.mem_mb -= agent.oversubscribed.mem_mb;
  agent.oversubscribed = message.oversubscribed_resources;
  revocable_total_ += agent.oversubscribed;
  if (tracing(sim::RecordKind::Log, "log")) {
    log(fmt::format("Received update of agent {} with total oversubscribed resources {}", message.slave_id,
                    format(message.oversubscribed_resources, true)),
        {{"slave_id", message.slave_id}, {"oversubscribed", format(message.oversubscribed_resources, true)}});
  }
  updateRevocableGauges();
}

void Master::updateRevocableGauges() {
  // Master::_resources_revocable_total("cpus"), ("mem"): the revocable part of every
  // registered agent's totalResources, as /metrics/snapshot reads them. Gauges are
  // integers here: cpus count whole cpus (a fraction is cut off).
  // The sum is kept as agents update and leave (revocable_total_), not summed anew.
  metrics_.set("master/cpus_revocable_total", revocable_total_.cpus_milli / 1000);
  metrics_.set("master/mem_revocable_total", revocable_total_.mem_mb);
}

void Master::exitedExecutor(const sim::Upid& /*from*/, const ExitedExecutorMessage& message) {
  // Master::exitedExecutor (1.1): the master's record of the executor goes; the tasks'
  // updates are the agent's to send.
  count("master/messages_exited_executor");
  if (removed_.count(message.slave_id) != 0) {
    log(fmt::format("Ignoring exited executor '{}' of framework {} on removed agent {}", message.executor_id,
                    message.framework_id, message.slave_id));
    return;
  }
  auto agent = registered_.find(message.slave_id);
  if (agent == registered_.end()) {
    log(fmt::format("Ignoring exited executor '{}' of framework {} on unknown agent {}", message.executor_id,
                    message.framework_id, message.slave_id));
    return;
  }
  if (!agent->second.hasExecutor(message.framework_id, message.executor_id)) {
    // Never launched through this master, not reported on (re)admission, or removed
    // already (with its framework, or by an earlier exit).
    log(fmt::format("Ignoring unknown exited executor '{}' of framework {} on agent {}", message.executor_id,
                    message.framework_id, message.slave_id));
    return;
  }
  log(fmt::format("Executor '{}' of framework {} on agent {} exited with status {}", message.executor_id,
                  message.framework_id, message.slave_id, message.status));
  agent->second.removeExecutor(message.framework_id, message.executor_id);  // Master::removeExecutor
  // Forwarded to a framework the master knows (Framework::send sends to a disconnected
  // one too, with a warning); its scheduler is told executorLost. Mesos 1.1 has no
  // framework recovered from an agent's report (it is unknown until it reregisters).
  auto fw = frameworks_.find(message.framework_id);
  if (fw == frameworks_.end() || fw->second.recovered) {
    log(fmt::format("Not forwarding exited executor message for executor '{}' of framework {} on agent {} because "
                    "the framework is unknown",
                    message.executor_id, message.framework_id, message.slave_id));
    return;
  }
  send(fw->second.pid, message);
}

void Master::removeTasksOf(const std::string& slaveId, const std::string& text,
                           std::optional<sim::Time> unreachableTime) {
  // Master::_markUnreachable and Master::_removeSlave: every task of the agent leaves the
  // master (Master::removeTask; Mesos 1.1 keeps no unreachable tasks), and the live ones
  // are reported: TASK_UNREACHABLE to a PARTITION_AWARE framework of an unreachable agent,
  // else TASK_LOST, reason SLAVE_REMOVED. Mesos 1.1 reports a terminal task whose
  // acknowledgement is pending too (its loop has no terminal check; MESOS-7215 later).
  for (auto& [fid, tasks] : tasks_) {
    auto fw = frameworks_.find(fid);
    const bool partitionAware =
        unreachableTime && fw != frameworks_.end() && fw->second.info.partition_aware;
    std::vector<std::string> gone;
    for (auto& [tid, t] : tasks) {
      if (t.slave_id != slaveId) continue;
      gone.push_back(tid);
      StatusUpdate u;
      u.framework_id = fid;
      u.slave_id = slaveId;
      u.executor_id = t.executor_id;
      u.task_id = tid;
      u.state = partitionAware ? TaskState::TASK_UNREACHABLE : TaskState::TASK_LOST;
      u.source = TaskStatusSource::SOURCE_MASTER;
      u.reason = TaskStatusReason::REASON_SLAVE_REMOVED;
      u.message = text;
      u.timestamp = now();
      u.unreachable_time = unreachableTime;
      if (!isTerminalState(t.state)) countTerminal(u.state, u.source, u.reason);
      // Master::removeTask(task, unreachable): an unreachable agent's task goes to its
      // framework's unreachable tasks (Mesos 1.2+; 1.1 completed it), in the state
      // updateTask left (a terminal one stays); a removed agent's to the completed ones.
      if (unreachableTime) unreachable_tasks_[fid][tid] = {slaveId, isTerminalState(t.state) ? t.state : u.state};
      taskRemoved(fid, tid, t, u.state, unreachableTime.has_value());
      forwardToFramework(fid, u);
    }
    for (const std::string& tid : gone) tasks.erase(tid);
  }
}

void Master::reconcileAgent(const std::string& slaveId, const ReregisterSlaveMessage& report, bool readmission) {
  // Master::reconcile(Slave*), for a registered agent, and Master::__reregisterSlave, for
  // a readmitted one: tasks of completed frameworks are not (re-)added and their
  // frameworks are shut down on the agent (later Mesos, MESOS-4659; Mesos 1.1's
  // readmission kept such a task as an orphan). A task of a framework the master does
  // not know brings the framework back as recovered. Kills that waited go out now for
  // the agent's live tasks.
  const std::vector<Task>& tasks = report.tasks;
  auto agent = registered_.find(slaveId);
  if (agent == registered_.end()) return;
  std::set<std::string> shutdown;
  if (readmission) {
    // Master::__reregisterSlave: every framework of the agent's report that is completed
    // at the master is shut down on it (PartitionTest.PartitionedSlaveOrphanedTask).
    for (const std::string& fid : report.frameworks) {
      if (isCompletedFramework(fid)) shutdown.insert(fid);
    }
  }
  for (const Task& t : tasks) {
    if (isCompletedFramework(t.framework_id)) {
      shutdown.insert(t.framework_id);
      continue;
    }
    if (frameworks_.count(t.framework_id) == 0) {
      // Master::recoverFramework: an agent that reregisters before the framework brings it
      // back as recovered: inactive and disconnected until its scheduler reregisters (C30).
      Framework& framework = frameworks_[t.framework_id];
      framework.info.id = t.framework_id;
      const auto& aware = report.partition_aware_frameworks;
      framework.info.partition_aware = std::find(aware.begin(), aware.end(), t.framework_id.str()) != aware.end();
      framework.connected = false;
      framework.recovered = true;
      log(fmt::format("Recovering framework {} from agent {}", t.framework_id, slaveId));
      traceState(machines::kMasterFramework, "RECOVERED",
                 {{"framework_id", t.framework_id}, {"active", false}, {"connected", false}});
    }
    if (!readmission) continue;
    MasterTask& m = tasks_[t.framework_id][t.task_id];
    m.slave_id = slaveId;
    m.executor_id = t.executor_id;
    m.state = t.state;
    m.status_update_state = t.status_update_state;
    if (t.status_update_state) m.acked_uuid = t.status_update_uuid;
    recordTask(t.framework_id, t.task_id, m);
  }
  for (const std::string& fid : shutdown) {
    ShutdownFrameworkMessage message;
    message.framework_id = fid;
    send(agent->second.pid, message);
  }
  std::set<std::pair<std::string, std::string>> live;
  for (const Task& t : tasks) {
    if (!isTerminalState(t.state)) live.insert({t.framework_id.str(), t.task_id});
  }
  for (const auto& [fid, tid] : agent->second.killed) {
    if (live.count({fid, tid}) == 0) continue;
    KillTaskMessage message;
    message.framework_id = fid;
    message.task_id = tid;
    send(agent->second.pid, message);
  }
}

MasterSlaveConnection Master::connection() const {
  // Duration pingTimeout = agent_ping_timeout * max_agent_ping_timeouts; pingTimeout.secs().
  return MasterSlaveConnection{
      static_cast<double>((flags_.agent_ping_timeout * flags_.max_agent_ping_timeouts).ns()) / 1e9};
}

void Master::registryOperation(RegistryOperation operation, const SlaveInfo& info, sim::Time at) {
  // Registrar::apply: the operation mutates the registry (or not), and a mutated
  // registry is stored (in memory, or in the replicated log). Storage takes no time.
  const bool changed = registry_.apply(operation, info, at.ns());
  if (changed && flags_.registry == "replicated_log" && env_.log) env_.log->apply(operation, info, at.ns());
  log(changed ? fmt::format("Applied registry operation {} for agent {}", toString(operation), info.id)
              : fmt::format("Registry operation {} for agent {} changed nothing", toString(operation), info.id),
      {{"operation", std::string(toString(operation))}, {"slave_id", info.id}, {"changed", changed}},
      kRegistryOperationTopic);
}

void Master::registrarApply(RegistryOperation operation, const SlaveInfo& info, std::string_view continuation,
                            std::function<void()> then) {
  // The operation's time is when the master asked (MarkSlaveUnreachable's unreachable
  // time), even if a hold applies it later.
  registrarReach(operation, continuation, [this, operation, info, at = now(), then = std::move(then)] {
    registryOperation(operation, info, at);
    then();
  });
}

void Master::registrarReach(RegistryOperation operation, std::string_view continuation,
                            std::function<void()> apply) {
  auto run = [this, apply = std::move(apply)] {
    apply();
    gaugesChanged();
  };
  if (!env_.faults) {
    run();
    return;
  }
  env_.faults->reach(*this, kRegistrarApplySite, {"operation", toString(operation)}, continuation, std::move(run));
}

void Master::registerSlave(const sim::Upid& from, const RegisterSlaveMessage& message) {
  count("master/messages_register_slave");
  if (!authenticationAllows(from, "registration", "Master::registerSlave",
                            [&]() -> std::function<void()> {
                              return [this, from, message] { registerSlave(from, message); };
                            })) {
    return;
  }
  if (const std::string* known = by_pid_.find(from); known != nullptr) {
    const std::string id = *known;
    if (!registered_.at(id).connected) {
      // "The slave was previously disconnected but it is now trying to register as a new
      // slave": it failed recovery (or lost its work_dir) before the master removed it.
      log(fmt::format("Removing old disconnected agent {} at {} because a registration attempt occurred", id,
                      from.str()));
      removeSlave(id, "a new agent registered at the same address", "master/slave_removals/reason_registered");
    } else {
      log(fmt::format("Agent {} at {} already registered, resending acknowledgement", id, from.str()));
      SlaveRegisteredMessage reply;
      reply.slave_id = id;
      reply.connection = connection();
      send(from, reply);
      return;
    }
  }
  if (registering_.count(from.str()) != 0) {
    log(fmt::format("Ignoring register agent message from {} as admission is already in progress", from.str()));
    return;
  }
  registering_.insert(from.str());
  SlaveInfo info = message.slave;
  info.id = fmt::format("{}-S{}", info_.id, next_slave_++);
  dispatch("Master::_registerSlave", [this, from, info] { admitted(from, info); });
}

void Master::admitted(const sim::Upid& from, SlaveInfo info) {
  // Master::_registerSlave applies AdmitSlave; Master::__registerSlave adds the agent.
  // Until then, retries from the agent are ignored (registering_).
  registrarApply(RegistryOperation::AdmitSlave, info, "Master::__registerSlave", [this, from, info] {
    registering_.erase(from.str());
    addSlave(from, info);
    count("master/slave_registrations");
    log(fmt::format("Registered agent {} at {} ({})", info.id, from.str(), info.hostname));
    SlaveRegisteredMessage reply;
    reply.slave_id = info.id;
    reply.connection = connection();
    send(from, reply);
  });
}

void Master::reregisterSlave(const sim::Upid& from, ReregisterSlaveMessage& message) {
  count("master/messages_reregister_slave");
  if (!authenticationAllows(from, "re-registration", "Master::reregisterSlave",
                            [&]() -> std::function<void()> {
                              return [this, from, message]() mutable { reregisterSlave(from, message); };
                            })) {
    return;
  }
  const SlaveInfo& info = message.slave;
  if (reregistering_.count(info.id) != 0) {
    log(fmt::format("Ignoring re-register agent message from agent {} at {} ({}) as readmission is already in "
                    "progress",
                    info.id, from.str(), info.hostname));
    return;
  }
  if (marking_unreachable_.count(info.id) != 0) {
    // Later Mesos (MasterTest.AgentReregistrationDuringMarkingUnreachable); Mesos 1.1
    // answered a registered agent here and marked it unreachable all the same.
    log(fmt::format("Ignoring re-register agent message from agent {} at {} ({}) as a mark unreachable operation "
                    "is already in progress",
                    info.id, from.str(), info.hostname));
    return;
  }
  auto it = registered_.find(info.id);
  if (it != registered_.end()) {
    // Still registered (a spurious re-detection, or the agent restarted): update the
    // pid, relink, reconnect it if it was disconnected, and reply (Master::reconcile).
    Agent& agent = it->second;
    if (agent.pid.host() != from.host() || agent.info.hostname != info.hostname) {
      // Master::reregisterSlave: maintenance is scheduled per machine, so a registered
      // agent may not come back from another address or hostname (two agents holding one
      // SlaveID end here too, MasterTest.DuplicatedSlaveIdWhenSlaveReregister).
      log(fmt::format("Agent {} at {} ({}) attempted to re-register with different IP / hostname; expected {} ({}) "
                      "shutting it down",
                      info.id, from.str(), info.hostname, agent.pid.host(), agent.info.hostname));
      ShutdownMessage shutdown;
      shutdown.message = "Agent attempted to re-register with different IP / hostname";
      send(from, shutdown);
      return;
    }
    by_pid_.erase(agent.pid);
    agent.pid = from;
    by_pid_[from] = info.id;
    link(from);
    log(fmt::format("Re-registering agent {} at {} ({})", info.id, from.str(), info.hostname));
    if (!agent.connected) {
      agent.connected = true;
      if (agent.observer != nullptr) agent.observer->reconnect(true);
      traceState(machines::kMasterSlave, "REGISTERED", {{"slave_id", info.id}, {"pid", from.str()}, {"hostname", info.hostname}});
    }
    SlaveReregisteredMessage reply;
    reply.slave_id = info.id;
    reply.connection = connection();
    // Master::reconcile(Slave*): every task the master has for the agent (terminal ones
    // awaiting acknowledgement too) that the agent did not report, for the agent to
    // answer those it does not know (C17), each with its framework's FrameworkInfo
    // (ReconcileTasksMessage.framework: the agent answers a PARTITION_AWARE framework
    // with TASK_DROPPED, MasterSlaveReconciliationTest.ReconcileDroppedTask).
    std::set<std::pair<std::string, std::string>> reported;
    for (const Task& t : message.tasks) reported.insert({t.framework_id.str(), t.task_id});
    for (const auto& [fid, known] : tasks_) {
      auto fw = frameworks_.find(fid);
      const bool aware = fw != frameworks_.end() && fw->second.info.partition_aware;
      for (const auto& [tid, t] : known) {
        if (t.slave_id == info.id && reported.count({fid.str(), tid}) == 0) {
          reply.reconciliations.push_back({fid.str(), tid, aware});
        }
      }
    }
    send(from, reply);
    // Master::reconcile(Slave*): "any executors that are present in the master but not
    // present in the slave must be removed"; one the agent reports that the master does
    // not know is not added.
    std::set<std::pair<std::string, std::string>> executors;
    for (const auto& e : message.executor_infos) executors.insert({e.framework_id, e.executor_id});
    for (auto& [fid, ids] : agent.executors) {
      for (auto e = ids.begin(); e != ids.end();) {
        if (executors.count({fid, e->first}) != 0) {
          ++e;
          continue;
        }
        log(fmt::format("Executor '{}' of framework {} possibly unknown to the agent {}", e->first, fid, info.id));
        e = ids.erase(e);
      }
    }
    std::erase_if(agent.executors, [](const auto& entry) { return entry.second.empty(); });
    reconcileAgent(info.id, message, false);
    sendFrameworkPids(agent, message.tasks, message.frameworks);
    return;
  }
  // Not registered: recovered from the registry after a failover, or unreachable, or
  // unknown to this master. A recovered agent whose SlaveInfo is the registry's is
  // re-admitted without a registry operation (Master::_reregisterSlave, later Mesos;
  // conformance C23); any other consults the registrar (MarkSlaveReachable; later Mesos
  // applies UpdateSlave for a recovered agent with a changed SlaveInfo, not modelled).
  // Found, then erased where it was found: erase by key walks the set twice (equal_range).
  const auto recoveredAt = recovered_slaves_.find(info.id);
  const bool recovered = recoveredAt != recovered_slaves_.end();
  if (recovered) recovered_slaves_.erase(recoveredAt);
  reregistering_.insert(info.id);
  // The message moves into the continuation (it was copied, twice on the registrar's
  // path: a few hundred bytes of strings per agent at every failover).
  dispatch("Master::_reregisterSlave", [this, from, message = std::move(message), recovered]() mutable {
    auto admitted = registry_.slaves.find(message.slave.id);
    if (recovered && admitted != registry_.slaves.end() && admitted->second == message.slave) {
      log(fmt::format("Re-admitting recovered agent {} at {} ({})", message.slave.id, from.str(),
                      message.slave.hostname));
      readmitted(from, message, true);
      return;
    }
    const SlaveInfo slave = message.slave;
    registrarApply(RegistryOperation::MarkSlaveReachable, slave, "Master::__reregisterSlave",
                   [this, from, message = std::move(message), recovered] { readmitted(from, message, recovered); });
  });
}

void Master::readmitted(const sim::Upid& from, const ReregisterSlaveMessage& message, bool recovered) {
  const SlaveInfo& info = message.slave;
  const std::vector<Task>& tasks = message.tasks;
  const std::vector<std::string>& frameworks = message.frameworks;
  // Master::__reregisterSlave: the agent is re-admitted (MarkSlaveReachable stored, if
  // one was needed). Later Mesos tells each framework of an agent that was unreachable
  // or unknown what its tasks are now (reportReregisteredTasks), whether or not it is
  // PARTITION_AWARE; Mesos 1.1 instead shut every framework that is not down on an agent
  // this master had removed (the 1.0 "non-strict" semantics), which the Mesos tests
  // since 1.2 no longer observe (PartitionTest.ReregisterSlaveNotPartitionAware).
  reregistering_.erase(info.id);
  if (!recovered) reportReregisteredTasks(info.id, message);
  removed_.erase(info.id);
  eraseUnreachable(info.id);
  // Later Mesos: the agent's unreachable tasks leave Framework::unreachableTasks, the
  // reported ones to be added again below, the others gone (C37: tasks_unreachable = 0).
  forgetUnreachableTasks(info.id);
  addSlave(from, info);
  addCompletedTasks(message.completed_tasks);
  // Master::_reregisterSlave: the new Slave holds the executors the agent reports.
  for (const auto& e : message.executor_infos) {
    registered_.at(info.id).executors[e.framework_id].try_emplace(e.executor_id);
  }
  count("master/slave_reregistrations");
  log(fmt::format("Re-registered agent {} at {} ({})", info.id, from.str(), info.hostname));
  SlaveReregisteredMessage reply;
  reply.slave_id = info.id;
  reply.connection = connection();
  send(from, reply);
  // A readmitted agent's own list is the truth: a task the master still holds for it
  // that the agent does not report never reached it; it goes without an update (C37).
  std::set<std::pair<std::string, std::string>> reported;
  for (const Task& t : tasks) reported.insert({t.framework_id, t.task_id});
  for (auto& [fid, known] : tasks_) {
    for (auto it = known.begin(); it != known.end();) {
      if (it->second.slave_id == info.id && reported.count({fid, it->first}) == 0) {
        log(fmt::format("Removing task {} of framework {}: agent {} did not report it on reregistration", it->first,
                        fid, info.id));
        taskRemoved(fid, it->first, it->second);
        it = known.erase(it);
      } else {
        ++it;
      }
    }
  }
  reconcileAgent(info.id, message, true);
  sendFrameworkPids(registered_.at(info.id), tasks, frameworks);
}

void Master::reportReregisteredTasks(const std::string& slaveId, const ReregisterSlaveMessage& report) {
  const std::string text =
      unreachable_.count(slaveId) != 0 ? "Unreachable agent re-reregistered" : "Unknown agent reregistered";
  for (const Task& t : report.tasks) {
    // "Don't re-add tasks whose framework has been shutdown at the master."
    if (isCompletedFramework(t.framework_id)) continue;
    StatusUpdate u;
    u.framework_id = t.framework_id;
    u.slave_id = slaveId;
    u.executor_id = t.executor_id;
    u.task_id = t.task_id;
    u.state = t.state;
    u.source = TaskStatusSource::SOURCE_MASTER;
    u.reason = TaskStatusReason::REASON_SLAVE_REREGISTERED;
    u.message = text;
    u.timestamp = now();
    // Dropped for an unknown or disconnected framework ("Dropping update ...").
    auto fw = frameworks_.find(t.framework_id);
    if (fw == frameworks_.end() || !fw->second.connected) {
      log(fmt::format("Dropping update {} for task {} of {} framework {}", toString(u.state), u.task_id,
                      fw == frameworks_.end() ? "unknown" : "disconnected", t.framework_id));
      continue;
    }
    forwardToFramework(t.framework_id, std::move(u));
  }
}

void Master::sendFrameworkPids(const Agent& agent, const std::vector<Task>& tasks,
                               const std::vector<std::string>& frameworks) {
  std::set<std::string> ids;
  for (const Task& t : tasks) ids.insert(t.framework_id.str());
  ids.insert(frameworks.begin(), frameworks.end());
  for (const std::string& fid : ids) {
    auto fw = frameworks_.find(fid);
    if (fw == frameworks_.end() || fw->second.recovered) continue;  // not (yet) registered
    UpdateFrameworkMessage message;
    message.framework_id = fid;
    message.pid = fw->second.pid.str();
    send(agent.pid, message);
  }
}

void Master::addSlave(const sim::Upid& pid, const SlaveInfo& info) {
  Agent& agent = registered_[info.id];
  agent.info = info;
  agent.pid = pid;
  by_pid_[pid] = info.id;
  by_hostname_[info.hostname] = info.id;
  agent.connected = true;
  link(pid);
  agent.observer = &sim().spawn<SlaveObserver>(host(), pid, info.id, flags_, *this);
  traceState(machines::kMasterSlave, "REGISTERED", {{"slave_id", info.id}, {"pid", pid.str()}, {"hostname", info.hostname}});
}

void Master::markUnreachable(const std::string& slaveId, const std::string& reason) {
  auto it = registered_.find(slaveId);
  if (it == registered_.end()) {
    // The agent was removed (or marked unreachable) while the observer's request was on
    // its way (SlaveTest.HealthCheckUnregisterRace).
    log(fmt::format("Skipping transition of agent {} to unreachable because it has already been removed or marked "
                    "unreachable",
                    slaveId));
    return;
  }
  if (marking_unreachable_.count(slaveId) != 0) {
    // The observer goes on pinging while MarkSlaveUnreachable is in flight, and asks
    // again after another missed ping.
    log(fmt::format("Not marking agent {} unreachable because another unreachable transition is already in "
                    "progress",
                    slaveId));
    return;
  }
  if (removing_.count(slaveId) != 0) {
    log(fmt::format("Not marking agent {} unreachable because it is unregistering", slaveId));
    return;
  }
  marking_unreachable_.insert(slaveId);
  // One time for the registry and every update (TaskStatus.unreachable_time).
  registrarApply(RegistryOperation::MarkSlaveUnreachable, it->second.info, "Master::_markUnreachable",
                 [this, slaveId, reason, at = now()] { markedUnreachable(slaveId, reason, at); });
}

void Master::markedUnreachable(const std::string& slaveId, const std::string& reason, sim::Time at) {
  marking_unreachable_.erase(slaveId);
  auto it = registered_.find(slaveId);
  // Nothing removes an agent from registered_ while it is being marked unreachable.
  AGENTSIM_ASSERT(it != registered_.end());
  const SlaveInfo info = it->second.info;
  if (it->second.observer != nullptr) sim().terminate(*it->second.observer);
  traceState(machines::kMasterSlave, "UNREACHABLE",
             {{"slave_id", slaveId}, {"pid", it->second.pid.str()}, {"hostname", it->second.info.hostname},
              {"reason", reason}, {"unreachable_time", sim::formatSeconds(at)}});
  count("master/slave_removals");
  count("master/slave_removals/reason_unhealthy");
  forgetSlave(it);
  removed_.insert(slaveId);
  addUnreachable(slaveId, at);
  removeTasksOf(slaveId, fmt::format("Slave {} is unreachable", info.hostname), at);
  sendSlaveLost(info);
}

void Master::forgetSlave(IndexedMap<Agent>::iterator it) {
  authenticated_.erase(it->second.pid.str());  // _markUnreachable, _removeSlave: authenticated.erase(slave->pid)
  // A new agent may have registered at the same address meanwhile (registerSlave).
  if (const std::string* p = by_pid_.find(it->second.pid); p != nullptr && *p == it->first) {
    by_pid_.erase(it->second.pid);
  }
  if (auto h = by_hostname_.find(it->second.info.hostname); h != by_hostname_.end() && h->second == it->first) {
    by_hostname_.erase(h);
  }
  revocable_total_.cpus_milli -= it->second.oversubscribed.cpus_milli;
  revocable_total_.mem_mb -= it->second.oversubscribed.mem_mb;
  registered_.erase(it);
  updateRevocableGauges();
}

void Master::sendSlaveLost(const SlaveInfo& info) {
  // Every registered framework, a disconnected one too (Framework::send); not one only
  // recovered from an agent's report.
  for (const auto& [id, framework] : frameworks_) {
    if (framework.recovered) continue;
    log(fmt::format("Notifying framework {} of lost agent {} ({})", id, info.id, info.hostname));
    LostSlaveMessage message;
    message.slave_id = info.id;
    send(framework.pid, message);
  }
}

SlaveObserver::SlaveObserver(sim::Upid slave, std::string slaveId, const MasterFlags& flags, Master& master)
    : sim::Process(sim::ProcessName::generated("slave-observer")),
      slave_(slave),
      slave_id_(std::move(slaveId)),
      ping_timeout_(flags.agent_ping_timeout),
      max_ping_timeouts_(flags.max_agent_ping_timeouts),
      master_(master) {}

void SlaveObserver::initialize() {
  install(&SlaveObserver::pong, "SlaveObserver::pong");
  ping();
}

void SlaveObserver::reconnect(bool connected) {
  dispatch(connected ? "SlaveObserver::reconnect" : "SlaveObserver::disconnect",
           [this, connected] { connected_ = connected; });
}

void SlaveObserver::ping() {
  PingSlaveMessage message;
  message.connected = connected_;
  send(slave_, message);
  pinged_ = true;
  delay(ping_timeout_, "SlaveObserver::timeout", [this] { timeout(); });
}

void SlaveObserver::pong(const sim::Upid& /*from*/, const PongSlaveMessage& /*message*/) {
  timeouts_ = 0;
  pinged_ = false;
  if (marking_) {
    // A pong cancels a pending unreachable transition: the observer discards its permit
    // request (markingUnreachable->discard()), which then uses no permit.
    Master& master = master_;
    master.dispatch("RateLimiter::discard", [&master, key = permit_key_] { master.discardRemovalPermit(key); });
    master.count("master/slave_unreachable_canceled");
    log(fmt::format("Canceling transition of agent {} to UNREACHABLE because a pong was received!", slave_id_));
  }
  marking_ = false;
}

void SlaveObserver::timeout() {
  if (pinged_) {
    ++timeouts_;
    if (timeouts_ >= max_ping_timeouts_ && !marking_) {
      marking_ = true;
      master_.count("master/slave_unreachable_scheduled");
      log(fmt::format("Agent {} has failed to respond to {} pings; asking for a removal permit", slave_id_, timeouts_));
      Master& master = master_;
      const sim::Upid self = this->self();
      permit_key_ = fmt::format("{}#{}", self.str(), ++permit_requests_);
      master.dispatch("Master::acquireRemovalPermit", [&master, self, key = permit_key_] {
        master.acquireRemovalPermit(
            "SlaveObserver::timeout",
            [&master, self] {
              // The observer may be gone (the agent reregistered or was removed meanwhile).
              if (auto* observer = static_cast<SlaveObserver*>(master.sim().process(self))) {
                observer->dispatch("SlaveObserver::permitted", [observer] { observer->permitted(); });
              }
            },
            key);
      });
    }
  }
  ping();
}

void SlaveObserver::permitted() {
  if (!marking_) {
    // A pong arrived while the permit was pending: the removal is cancelled (C35).
    log(fmt::format("Discarding the removal permit of agent {}: it answered a ping", slave_id_));
    return;
  }
  log(fmt::format("Marking agent {} unreachable after {} pings without a pong", slave_id_, timeouts_));
  master_.count("master/slave_unreachable_completed");
  const std::string id = slave_id_;
  Master& master = master_;
  master.dispatch("Master::markUnreachable", [&master, id] { master.markUnreachable(id, "health check timed out"); });
  // SlaveObserver::_markUnreachable: the request is out; the observer goes on pinging
  // (until the master stops it), and another missed ping asks again.
  marking_ = false;
}

void Master::countTerminal(TaskState state, TaskStatusSource source, std::optional<TaskStatusReason> reason) {
  switch (state) {
    case TaskState::TASK_FINISHED: count("master/tasks_finished"); break;
    case TaskState::TASK_FAILED: count("master/tasks_failed"); break;
    case TaskState::TASK_KILLED: count("master/tasks_killed"); break;
    case TaskState::TASK_LOST: count("master/tasks_lost"); break;
    case TaskState::TASK_ERROR: count("master/tasks_error"); break;
    case TaskState::TASK_UNREACHABLE: break;  // a gauge since Mesos 1.2 (updateGauges)
    case TaskState::TASK_DROPPED: count("master/tasks_dropped"); break;
    case TaskState::TASK_GONE: count("master/tasks_gone"); break;
    case TaskState::TASK_GONE_BY_OPERATOR: count("master/tasks_gone_by_operator"); break;
    default: break;  // a terminal latest_state under a non-terminal update: no tasks_<state>
  }
  if (reason) count(MetricKey(taskStateReasonKey(toString(state), toString(source), toString(*reason))));
}

void Master::acquireRemovalPermit(std::string_view caller, std::function<void()> granted, std::string key) {
  if (!env_.faults) {
    requestRemovalPermit(std::move(granted), std::move(key));
    return;
  }
  env_.faults->reach(*this, kRateLimiterAcquireSite, {"caller", caller}, "RateLimiter::acquire",
                     [this, granted = std::move(granted), key = std::move(key)] { requestRemovalPermit(granted, key); });
}

void Master::requestRemovalPermit(std::function<void()> granted, std::string key) {
  if (flags_.agent_removal_permits == 0) {
    granted();
    return;
  }
  // RateLimiter(permits, duration): one permit every duration / permits; a request waits
  // behind those queued before it, and the first of them for the limiter's timeout.
  const bool wait = !removal_permits_.empty() || now() < next_removal_permit_;
  log(fmt::format("Agent removal permit in {} (--agent_removal_rate_limit={}/{}; {} request(s) ahead)",
                  sim::format(std::max(now(), next_removal_permit_) - now()), flags_.agent_removal_permits,
                  sim::format(flags_.agent_removal_period), removal_permits_.size()));
  if (!wait) {
    next_removal_permit_ = now() + flags_.agent_removal_period / flags_.agent_removal_permits;
    delay(sim::Duration{}, "RateLimiter::acquire", [granted = std::move(granted)] { granted(); });
    return;
  }
  const bool first = removal_permits_.empty();
  removal_permits_.push_back(PermitRequest{std::move(key), std::move(granted), false});
  if (first) delay(next_removal_permit_ - now(), "RateLimiter::_acquire", [this] { grantNextRemovalPermit(); });
}

void Master::discardRemovalPermit(const std::string& key) {
  for (PermitRequest& request : removal_permits_) {
    if (!key.empty() && request.key == key) request.discarded = true;
  }
}

void Master::grantNextRemovalPermit() {
  // RateLimiterProcess::_acquire: discarded requests are dropped without a permit; the
  // first one not discarded gets it, and the limiter's timeout starts again.
  while (!removal_permits_.empty()) {
    PermitRequest request = std::move(removal_permits_.front());
    removal_permits_.pop_front();
    if (request.discarded) {
      log(fmt::format("Skipping a discarded agent removal request ({})", request.key));
      continue;
    }
    next_removal_permit_ = now() + flags_.agent_removal_period / flags_.agent_removal_permits;
    request.granted();
    break;
  }
  if (!removal_permits_.empty()) {
    delay(std::max(now(), next_removal_permit_) - now(), "RateLimiter::_acquire", [this] { grantNextRemovalPermit(); });
  }
}

}  // namespace agentsim::model
