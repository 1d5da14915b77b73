#include "model/slave/slave.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "model/authentication/records.hpp"
#include "model/slave/main.hpp"
#include "model/slave/fault_sites.hpp"
#include "model/slave/gc.hpp"
#include "model/slave/paths.hpp"
#include "model/slave/status_update_manager.hpp"
#include "sim/assert.hpp"
#include "sim/rng.hpp"
#include "model/common/pid.hpp"
#include "sim/simulation.hpp"
#include "sim/uint128.hpp"

namespace agentsim::model {

std::string_view toString(Slave::State state) {
  switch (state) {
    case Slave::State::RECOVERING: return "RECOVERING";
    case Slave::State::DISCONNECTED: return "DISCONNECTED";
    case Slave::State::RUNNING: return "RUNNING";
    case Slave::State::TERMINATING: return "TERMINATING";
  }
  return "?";
}

Slave::Slave(SlaveFlags flags, MasterDetector& detector, SlaveComponents components)
    : sim::Process(sim::ProcessName::generated("slave")),
      flags_(std::move(flags)),
      detector_(detector),
      components_(std::move(components)),
      master_ping_timeout_(kDefaultMasterPingTimeout) {}

void Slave::setState(State state) {
  if (state == state_) return;
  const State previous = state_;
  state_ = state;
  traceState(machines::kSlave, toString(state), {{"previous", std::string(toString(previous))}});
}

void Slave::initialize() {
  log(fmt::format("Mesos agent started on {}", self().str()));
  traceState(machines::kSlave, toString(state_));

  // Flag checks main() leaves to Slave::initialize; each exits the agent with status 1.
  if (flags_.registration_backoff_factor > kRegisterRetryIntervalMax) {
    exitAgent(host(), "slave",
              fmt::format("Invalid value '{}' for --registration_backoff_factor: Must be less than {}",
                          sim::format(flags_.registration_backoff_factor), sim::format(kRegisterRetryIntervalMax)),
              "src/slave/slave.cpp: Slave::initialize", this);
    return;
  }
  if (flags_.gc_disk_headroom < Decimal{0} || flags_.gc_disk_headroom > Decimal{1'000'000}) {
    exitAgent(host(), "slave",
              fmt::format("Invalid value '{}' for --gc_disk_headroom. Must be between 0.0 and 1.0",
                          format(flags_.gc_disk_headroom)),
              "src/slave/slave.cpp: Slave::initialize", this);
    return;
  }
  // resourceEstimator->initialize and qosController->initialize spawn their processes.
  if (components_.resourceEstimator) {
    auto started = components_.resourceEstimator->initialize(host());
    if (started.isError()) {
      exitAgent(host(), "slave", "Failed to initialize the resource estimator: " + started.error(),
                "src/slave/slave.cpp: Slave::initialize", this);
      return;
    }
  }
  if (components_.qosController) {
    auto started = components_.qosController->initialize(host());
    if (started.isError()) {
      exitAgent(host(), "slave", "Failed to initialize the QoS Controller: " + started.error(),
                "src/slave/slave.cpp: Slave::initialize", this);
      return;
    }
  }

  info_.hostname = flags_.hostname.empty() ? self().host() : flags_.hostname;
  info_.port = self().port();
  // Containerizer::resources (kDefaultResources when --resources is not given).
  info_.resources = flags_.resources.empty() ? std::string(kDefaultResources) : flags_.resources;
  info_.attributes = flags_.attributes;
  // SlaveInfo goes through the hooks' decorators (HookManager::slaveResourcesDecorator,
  // slaveAttributesDecorator).
  if (components_.hooks && components_.hooks->hooksAvailable()) {
    info_.resources = components_.hooks->slaveResourcesDecorator(info_.resources);
    log("Executing 'slaveResourcesDecorator' hook", {{"resources", info_.resources}});
    info_.attributes = components_.hooks->slaveAttributesDecorator(info_.attributes);
    log("Executing 'slaveAttributesDecorator' hook", {{"attributes", info_.attributes}});
  }
  meta_dir_ = paths::metaDir(flags_.work_dir);

  // statusUpdateManager->initialize(defer(self(), &Slave::forward)).
  if (components_.statusUpdateManager != nullptr) {
    components_.statusUpdateManager->wire(*this, [this](StatusUpdate u) { forward(std::move(u)); });
  }
  if (components_.gauges) {
    metrics_.started("slave/uptime_secs");  // Slave::initialize's startTime
    // executorDirectoryMaxAllowedAge(age(0)), until the first disk check.
    metrics_.set("slave/executor_directory_max_allowed_age_secs", maxAllowedAge(0).ns() / 1'000'000'000);
  }
  // The first disk check is scheduled, not run.
  delay(flags_.disk_watch_interval, "Slave::checkDiskUsage", [this] { checkDiskUsage(); });

  install(&Slave::registered, "Slave::registered");
  install(&Slave::reregistered, "Slave::reregistered");
  install(&Slave::runTask, "Slave::runTask");
  install(&Slave::killTask, "Slave::killTask");
  install(&Slave::shutdownExecutorMessage, "Slave::shutdownExecutor");
  install(&Slave::shutdownFramework, "Slave::shutdownFramework");
  install(&Slave::updateFramework, "Slave::updateFramework");
  install(&Slave::schedulerMessage, "Slave::schedulerMessage");
  install(&Slave::executorMessage, "Slave::executorMessage");
  install(&Slave::statusUpdateAcknowledgement, "Slave::statusUpdateAcknowledgement");
  install(&Slave::registerExecutor, "Slave::registerExecutor");
  install(&Slave::reregisterExecutor, "Slave::reregisterExecutor");
  install(&Slave::statusUpdateMessage, "Slave::statusUpdate");
  install(&Slave::ping, "Slave::ping");
  install(&Slave::shutdownMessage, "Slave::shutdown");

  if (flags_.recover != "reconnect" && flags_.recover != "cleanup") {
    exitAgent(host(), "slave",
              fmt::format("Unknown option for 'recover' flag {}. Please run the agent with '--help' to see the valid "
                          "options",
                          flags_.recover),
              "src/slave/slave.cpp: Slave::initialize", this);
    return;
  }

  // Recovery runs as its own chain of events: state::recover -> Slave::recover ->
  // Slave::__recover.
  dispatch("Slave::recover", [this] { recover(); });
}

sim::Duration Slave::maxAllowedAge(std::int64_t usageMillionths) const {
  // Slave::age: gc_delay * max(0, 1 - gc_disk_headroom - usage), exactly.
  const std::int64_t factor = std::max<std::int64_t>(0, 1'000'000 - flags_.gc_disk_headroom.millionths - usageMillionths);
  return sim::Nanoseconds(static_cast<std::int64_t>(static_cast<sim::u128>(flags_.gc_delay.ns()) *
                                                    static_cast<sim::u128>(factor) / 1'000'000u));
}

void Slave::checkDiskUsage() {
  // fs::usage(work_dir): the used fraction of the host's disk; then Slave::_checkDiskUsage:
  // maxAge = gc_delay * max(0, 1 - gc_disk_headroom - usage), exactly, and prune what is
  // due within gc_delay - maxAge.
  if (fires(kDiskUsageSite, flags_.work_dir)) {
    log("Failed to get disk usage: Input/output error");
    delay(flags_.disk_watch_interval, "Slave::checkDiskUsage", [this] { checkDiskUsage(); });
    return;
  }
  const std::int64_t usageMillionths = host().disk().usageMillionths();
  const sim::Duration age = maxAllowedAge(usageMillionths);
  // Slave::_executor_directory_max_allowed_age_secs, in whole seconds.
  if (components_.gauges) metrics_.set("slave/executor_directory_max_allowed_age_secs", age.ns() / 1'000'000'000);
  // The usage as text ("12.34%"), formatted only for a reader: the trace or a pruned path.
  const auto usage = [usageMillionths] {
    return fmt::format("{}.{:02}%", usageMillionths / 10'000, (usageMillionths / 100) % 100);
  };
  if (tracing(sim::RecordKind::Log, "log")) {
    log(fmt::format("Current disk usage {}. Max allowed age: {}", usage(), sim::format(age)),
        {{"usage", usage()}, {"max_allowed_age", sim::format(age)}});
  }
  if (components_.gc != nullptr) {
    components_.gc->prune(flags_.gc_delay - age, [usage, age, gcDelay = flags_.gc_delay,
                                                  headroom = flags_.gc_disk_headroom] {
      return fmt::format("disk usage {} leaves a max allowed age of {} (gc_delay {}, gc_disk_headroom {})", usage(),
                         sim::format(age), sim::format(gcDelay), format(headroom));
    });
  }
  delay(flags_.disk_watch_interval, "Slave::checkDiskUsage", [this] { checkDiskUsage(); });
}

void Slave::startDetection(std::optional<MasterInfo> previous) {
  // Slave::_registered: 1 while a master is detected (`master.isSome()`), registered or not.
  metrics_.set("slave/registered", master_ ? 1 : 0);
  detection_ = detector_.detect(std::move(previous), *this, [this](const Detection& d) { detected(d); });
}

namespace {
// Slave::detected's logs: an agent with --credential authenticates afresh after each.
sim::Fields detectedField(sim::Fields more = {}) {
  more.insert(more.begin(), {std::string(kAuthenticationEvent), "detected"});
  return more;
}
}  // namespace

void Slave::detected(const Detection& detection) {
  AGENTSIM_ASSERT(state_ != State::RECOVERING);
  if (state_ != State::TERMINATING) setState(State::DISCONNECTED);
  if (components_.statusUpdateManager != nullptr) components_.statusUpdateManager->pause();

  if (detection.kind != Detection::Kind::Failed && fires(kMasterDetectorDetectSite)) {
    exitAgent(host(), "slave", "Failed to detect a master: Input/output error", "src/slave/slave.cpp: Slave::detected",
              this);
    return;
  }
  switch (detection.kind) {
    case Detection::Kind::Failed:
      exitAgent(host(), "slave", fmt::format("Failed to detect a master: {}", detection.failure),
                "src/slave/slave.cpp: Slave::detected", this);
      return;
    case Detection::Kind::Discarded:
      log("Re-detecting master", detectedField(), kAgentAuthenticationTopic);
      master_.reset();
      break;
    case Detection::Kind::None:
      log("Lost leading master", detectedField(), kAgentAuthenticationTopic);
      master_.reset();
      break;
    case Detection::Kind::Leader: {
      master_ = detection.leader;
      log(fmt::format("New master detected at {}", master_->pid), detectedField({{"master", master_->pid}}),
          kAgentAuthenticationTopic);
      // A new master cancels the retry chain of the previous one (see docs/model.md).
      cancel(registration_timer_);
      if (state_ == State::TERMINATING) {
        // Slave::detected returns here, before "Keep detecting masters": a terminating
        // agent follows no later change of leader (its master, and slave/registered,
        // stay this one's).
        log("Skipping registration because agent is terminating");
        metrics_.set("slave/registered", 1);
        return;
      }
      const sim::Duration b = flags_.registration_backoff_factor;
      const sim::Duration duration = rng().uniform(b);
      if (!flags_.credential.empty()) {
        // Later Mesos (1.8, the catalog's R4): authenticate after the same U[0, b], with a
        // timeout in [min, min + 2 * authentication_backoff_factor]; 1.1 authenticated at
        // once with a 5secs timeout (docs/model.md).
        const sim::Duration min = flags_.authentication_timeout_min;
        const sim::Duration max = std::min(min + flags_.authentication_backoff_factor * 2,
                                           flags_.authentication_timeout_max);
        delay(duration, "Slave::authenticate", [this, min, max] { authenticate(min, max); });
        break;
      }
      log("No credentials provided. Attempting to register without authentication",
          {{"delay", sim::format(duration)}});
      registration_timer_ = delay(duration, "Slave::doReliableRegistration", [this, b] { doReliableRegistration(b * 2); });
      break;
    }
  }
  startDetection(master_);
}

void Slave::doReliableRegistration(sim::Duration maxBackoff) {
  registration_timer_ = sim::TimerId{};
  // Slave::doReliableRegistration's checks, in its order.
  if (!master_) {
    log("Skipping registration because no master present");
    return;
  }
  if (!flags_.credential.empty() && !authenticated_) {
    log("Skipping registration because not authenticated");
    return;
  }
  if (state_ == State::RUNNING) return;  // (re-)registered: the retry chain ends quietly
  if (state_ == State::TERMINATING) {
    log("Skipping registration because agent is terminating");
    return;
  }
  AGENTSIM_ASSERT(state_ == State::DISCONNECTED);

  const sim::Upid master = masterPid();
  // Link after the backoff, not on detection (MESOS-5330).
  link(master);
  if (fires(kRegistrationSendSite, info_.id.empty() ? "register" : "reregister")) {
    // The socket write fails: libprocess loses the message and breaks the link
    // (ExitedEvent: Slave::exited); the retry below sends it again.
    log(fmt::format("Failed to send {} to {}: Connection reset by peer",
                    info_.id.empty() ? RegisterSlaveMessage::kName : ReregisterSlaveMessage::kName, master.str()));
    dispatch("Slave::exited", [this, master] { exited(master); });
  } else if (info_.id.empty()) {
    RegisterSlaveMessage message;
    message.slave = info_;
    message.version = "1.1.0";
    send(master, message);
  } else {
    // With every task the agent knows (MESOS-1715: pending ones as TASK_STAGING) and
    // its frameworks.
    ReregisterSlaveMessage message;
    message.slave = info_;
    message.version = "1.1.0";
    message.tasks = tasksForReregistration();
    message.executor_infos = executorsForReregistration();
    for (const auto& [id, f] : frameworks_) {
      message.frameworks.push_back(id);
      if (f.info.partition_aware) message.partition_aware_frameworks.push_back(id);
    }
    for (const CompletedFramework& c : completed_frameworks_) {
      message.completed_frameworks.push_back(c.id);
      message.completed_tasks.insert(message.completed_tasks.end(), c.tasks.begin(), c.tasks.end());
    }
    send(master, message);
  }

  maxBackoff = std::min(maxBackoff, kRegisterRetryIntervalMax);
  const sim::Duration wait = rng().uniform(maxBackoff);
  registration_timer_ = delay(wait, "Slave::doReliableRegistration",
                              [this, maxBackoff] { doReliableRegistration(maxBackoff * 2); });
}

sim::Upid Slave::masterPid() const { return master_pid_.get(sim(), master_->pid); }

void Slave::exited(const sim::Upid& pid) {
  // Slave::exited: the connection to the master broke. The agent only waits: the
  // detector reports a new leader, or its ping timer re-detects (MESOS-1963: no re-link).
  log(fmt::format("Got exited event for {}", pid.str()));
  if (!master_ || master_->pid == pid.str()) log("Master disconnected! Waiting for a new master to be elected");
}

void Slave::registered(const sim::Upid& from, const SlaveRegisteredMessage& message) {
  if (!master_ || master_->pid != from.str()) {
    log(fmt::format("Ignoring registration message from {} because it is not the expected master: {}", from.str(),
                    master_ ? master_->pid : std::string("None")));
    return;
  }
  master_ping_timeout_ = message.connection.timeout();
  switch (state_) {
    case State::DISCONNECTED: {
      log(fmt::format("Registered with master {}; given agent ID {}", from.str(), message.slave_id),
          {{"slave_id", message.slave_id}});
      info_.id = message.slave_id;
      // paths::createSlaveDirectory + checkpoint(slave.info).
      if (fires(kStateCheckpointSite, paths::slaveInfoPath(meta_dir_, info_.id))) {
        // CHECK_SOME(state::checkpoint(path, info)) aborts the agent.
        exitAgent(host(), "slave",
                  fmt::format("Check failed: state::checkpoint(path, info): Failed to checkpoint '{}': Input/output error",
                              paths::slaveInfoPath(meta_dir_, info_.id)),
                  "src/slave/slave.cpp: Slave::registered", this);
        return;
      }
      sim::Disk& disk = host().disk();  // this process's host: no look-up by name
      (void)disk.write(paths::slaveInfoPath(meta_dir_, info_.id), state::encode(info_));
      (void)disk.write(paths::latestSlavePath(meta_dir_), info_.id);
      setState(State::RUNNING);
      if (components_.statusUpdateManager != nullptr) components_.statusUpdateManager->resume();
      restartPingTimer();
      break;
    }
    case State::RUNNING:
      if (info_.id != message.slave_id) {
        exitAgent(host(), "slave",
                  fmt::format("Registered but got wrong id: {} (expected: {}). Committing suicide", message.slave_id,
                              info_.id),
                  "src/slave/slave.cpp: Slave::registered", this);
        return;
      }
      log("Already registered with master " + from.str());
      break;
    case State::TERMINATING:
      log("Ignoring registration because agent is terminating");
      break;
    case State::RECOVERING:
      // LOG(FATAL) in Mesos (MESOS-675/676/677).
      AGENTSIM_ASSERT(!"registered() while RECOVERING");
  }
  // After the switch, as in Mesos: a repeated SlaveRegisteredMessage (the master answers
  // every retry of a registered agent) and one reaching a terminating agent send the
  // update too.
  sendRegistrationUpdate();
}

void Slave::reregistered(const sim::Upid& from, const SlaveReregisteredMessage& message) {
  if (!master_ || master_->pid != from.str()) {
    log(fmt::format("Ignoring re-registration message from {} because it is not the expected master: {}",
                    from.str(), master_ ? master_->pid : std::string("None")));
    return;
  }
  if (info_.id != message.slave_id) {
    exitAgent(host(), "slave",
              fmt::format("Re-registered but got wrong id: {} (expected: {}). Committing suicide", message.slave_id,
                          info_.id),
              "src/slave/slave.cpp: Slave::reregistered", this);
    return;
  }
  master_ping_timeout_ = message.connection.timeout();
  // Planted bug reregistered-while-terminating: a terminating agent takes the reply as
  // if it were still disconnected.
  const State seen = state_ == State::TERMINATING && bugOn(components_.bugs, PlantedBugId::ReregisteredWhileTerminating)
                         ? State::DISCONNECTED
                         : state_;
  switch (seen) {
    case State::DISCONNECTED:
      log(fmt::format("Re-registered with master {}", from.str()));
      setState(State::RUNNING);
      if (components_.statusUpdateManager != nullptr) components_.statusUpdateManager->resume();
      restartPingTimer();
      break;
    case State::RUNNING:
      log("Already re-registered with master " + from.str());
      break;
    case State::TERMINATING:
      log("Ignoring re-registration because agent is terminating");
      return;
    case State::RECOVERING:
      AGENTSIM_ASSERT(!"reregistered() while RECOVERING");
  }
  // After the switch, as in Mesos: a repeated SlaveReregisteredMessage (the master
  // answers every retry of a registered agent, each with its reconciliation list) sends
  // the update and reconciles again, so a task unknown to the agent is reported once
  // per reply.
  sendRegistrationUpdate();
  reconcile(message.reconciliations);
}

void Slave::reconcile(const std::vector<ReconcileTask>& tasks) {
  // Slave::reregistered: a task the master reconciles that the agent does not know is
  // TASK_LOST / REASON_RECONCILIATION (TASK_DROPPED when the message's FrameworkInfo is
  // PARTITION_AWARE), straight to the status update manager (statusUpdate would drop it
  // for an unknown framework).
  for (const ReconcileTask& r : tasks) {
    const std::string& fid = r.framework_id;
    const std::string& tid = r.task_id;
    bool known = false;
    if (const Framework* f = framework(fid)) {
      for (const auto& [eid, pending] : f->pending) known = known || pending.count(tid) != 0;
      for (const auto& [eid, e] : f->executors) {
        known = known || e.queued.count(tid) != 0 || e.launched.count(tid) != 0 || e.terminated.count(tid) != 0;
      }
    }
    if (known || components_.statusUpdateManager == nullptr) continue;
    log(fmt::format("Agent reconciling task {} of framework {} in state {}: task unknown to the agent", tid, fid,
                    r.partition_aware ? "TASK_DROPPED" : "TASK_LOST"));
    const TaskState state = r.partition_aware ? TaskState::TASK_DROPPED : TaskState::TASK_LOST;
    StatusUpdate update = createStatusUpdate(fid, "", tid, state, TaskStatusReason::REASON_RECONCILIATION,
                                             "Reconciliation: task unknown to the agent");
    // Planted bug reconciliation-lost-without-reason.
    if (bugOn(components_.bugs, PlantedBugId::ReconciliationLostWithoutReason)) update.reason.reset();
    components_.statusUpdateManager->update(update, std::nullopt, *this, [](const sim::Try<sim::Nothing>&) {});
  }
}

void Slave::ping(const sim::Upid& from, const PingSlaveMessage& message) {
  if (!message.connected && state_ == State::RUNNING) {
    log("Master marked the agent as disconnected but the agent considers itself registered! Forcing "
        "re-registration.");
    detector_.discard(detection_);
  }
  restartPingTimer();
  send(from, PongSlaveMessage{});
}

void Slave::shutdownMessage(const sim::Upid& from, const ShutdownMessage& message) {
  shutdown(message.message, from);
}

void Slave::shutdown(const std::string& message, const sim::Upid& from) {
  // Slave::shutdown(from, message).
  if (!from.isNone() && !fromMaster(from)) {
    log(fmt::format("Ignoring shutdown message from {} because it is not from the registered master: {}", from.str(),
                    master_ ? master_->pid : std::string("None")));
    return;
  }
  if (!from.isNone()) {
    // The master asked (ShutdownMessage): it has dealt with the agent already, so the
    // agent does not unregister.
    log(fmt::format("Agent asked to shut down by {}{}", from.str(),
                    message.empty() ? std::string() : " because '" + message + "'"));
  } else if (!info_.id.empty() && master_) {
    // A local shutdown (a signal) of a registered agent unregisters first. (Mesos sends to
    // `master.get()`, which aborts with no master; the model skips the message then.)
    log(message.empty() ? std::string("Unregistering and shutting down") : message + "; unregistering and shutting down");
    UnregisterSlaveMessage unregister;
    unregister.slave_id = info_.id;
    send(masterPid(), unregister);
  } else {
    log(message.empty() ? std::string("Shutting down") : message + "; shutting down");
  }
  setState(State::TERMINATING);
  // meta/slaves/latest stays: the next start recovers this SlaveID and reregisters. Mesos
  // 1.1's Slave::finalize deleted it when TERMINATING (the next start was a new agent);
  // Mesos 1.5 stopped (commit 3da4f8a65, "agents come back with the same agent ID upon a
  // successful shutdown"), and the tests agentsim is measured by observe the later rule
  // (GarbageCollectorIntegrationTest.Restart, SlaveRecoveryTest.ShutdownSlave).
  if (frameworks_.empty()) {
    terminateAgent("Agent terminating: shut down with no frameworks");
    return;
  }
  // Each framework as ShutdownFrameworkMessage from the same sender (Slave::shutdownFramework):
  // a running one terminates its executors (its pending tasks stay, for _run to drop); one
  // already terminating (a second shutdown) is only logged.
  std::vector<std::string> ids;
  for (const auto& [id, f] : frameworks_) ids.push_back(id);
  for (const std::string& id : ids) {
    ShutdownFrameworkMessage shutdownFramework_;
    shutdownFramework_.framework_id = id;
    shutdownFramework(from, shutdownFramework_);
  }
}

void Slave::restartPingTimer() {
  cancel(ping_timer_);
  const std::uint64_t detection = detection_;
  ping_timer_ = delay(master_ping_timeout_, "Slave::pingTimeout", [this, detection] { pingTimeout(detection); });
}

void Slave::pingTimeout(std::uint64_t detection) {
  ping_timer_ = sim::TimerId{};
  log(fmt::format("No pings from master received within {}", sim::format(master_ping_timeout_)));
  detector_.discard(detection);
}

}  // namespace agentsim::model
