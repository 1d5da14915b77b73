#include "model/master.hpp"

#include <fmt/format.h>

#include "sim/rng.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

Master::Master(MasterFlags flags) : sim::Process(sim::ProcessName::fixed("master")), flags_(std::move(flags)) {}

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
  log(fmt::format("Master {} started on {}", info_.id, self().host()), {{"registry", flags_.registry}});
}

MasterSlaveConnection Master::connection() const {
  return MasterSlaveConnection{(flags_.agent_ping_timeout * flags_.max_agent_ping_timeouts).ns() / 1'000'000'000};
}

void Master::registryOperation(std::string_view operation, const std::string& slaveId) {
  // Registrar (src/master/registrar.cpp): the in-memory and replicated stores both
  // apply the operation before the continuation runs; the model does it at once.
  log(fmt::format("Applied registry operation {} for agent {}", operation, slaveId),
      {{"operation", std::string(operation)}, {"slave_id", slaveId}});
}

void Master::registerSlave(const sim::Upid& from, const RegisterSlaveMessage& message) {
  for (const auto& [id, agent] : registered_) {
    if (agent.pid == from) {
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
  registryOperation("AdmitSlave", info.id);
  registering_.erase(from.str());
  addSlave(from, info);
  log(fmt::format("Registered agent {} at {} ({})", info.id, from.str(), info.hostname));
  SlaveRegisteredMessage reply;
  reply.slave_id = info.id;
  reply.connection = connection();
  send(from, reply);
}

void Master::reregisterSlave(const sim::Upid& from, const ReregisterSlaveMessage& message) {
  const SlaveInfo& info = message.slave;
  auto it = registered_.find(info.id);
  if (it != registered_.end()) {
    // Still registered: update the pid and reply (Master::reconcile).
    it->second.pid = from;
    log(fmt::format("Agent {} at {} reregistered", info.id, from.str()));
    SlaveReregisteredMessage reply;
    reply.slave_id = info.id;
    reply.connection = connection();
    send(from, reply);
    return;
  }
  if (registering_.count(from.str()) != 0) {
    log(fmt::format("Ignoring reregister agent message from {} as readmission is already in progress", from.str()));
    return;
  }
  registering_.insert(from.str());
  dispatch("Master::_reregisterSlave", [this, from, info] { readmitted(from, info); });
}

void Master::readmitted(const sim::Upid& from, SlaveInfo info) {
  registryOperation("MarkSlaveReachable", info.id);
  registering_.erase(from.str());
  unreachable_.erase(info.id);
  addSlave(from, info);
  log(fmt::format("Re-admitted agent {} at {}", info.id, from.str()));
  SlaveReregisteredMessage reply;
  reply.slave_id = info.id;
  reply.connection = connection();
  send(from, reply);
}

void Master::addSlave(const sim::Upid& pid, const SlaveInfo& info) {
  Agent& agent = registered_[info.id];
  agent.info = info;
  agent.pid = pid;
  agent.observer = &sim().spawn<SlaveObserver>(host(), pid, info.id, flags_, *this);
  traceState("Master::Slave", "REGISTERED", {{"slave_id", info.id}, {"pid", pid.str()}});
}

void Master::markUnreachable(const std::string& slaveId, const std::string& reason) {
  auto it = registered_.find(slaveId);
  if (it == registered_.end()) return;
  registryOperation("MarkSlaveUnreachable", slaveId);
  if (it->second.observer != nullptr) sim().terminate(*it->second.observer);
  traceState("Master::Slave", "UNREACHABLE", {{"slave_id", slaveId}, {"pid", it->second.pid.str()}, {"reason", reason}});
  registered_.erase(it);
  unreachable_.insert(slaveId);
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
  marking_ = false;  // a pong cancels a pending unreachable transition
}

void SlaveObserver::timeout() {
  if (pinged_) {
    ++timeouts_;
    if (timeouts_ >= max_ping_timeouts_ && !marking_) {
      marking_ = true;
      log(fmt::format("Agent {} has failed to respond to {} pings; marking it unreachable", slave_id_, timeouts_));
      const std::string id = slave_id_;
      Master& master = master_;
      master.dispatch("Master::markUnreachable", [&master, id] { master.markUnreachable(id, "health check timed out"); });
    }
  }
  ping();
}

}  // namespace agentsim::model
