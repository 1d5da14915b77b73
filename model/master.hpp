#pragma once
// Master (src/master/master.cpp), the part agents talk to: registration and
// reregistration (assigns SlaveIDs, admits through the registrar), and one
// SlaveObserver per agent that pings it every agent_ping_timeout and has the master
// mark it unreachable after max_agent_ping_timeouts pings without a pong.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "model/flags.hpp"
#include "model/messages.hpp"
#include "sim/process.hpp"

namespace agentsim::model {

class SlaveObserver;

class Master final : public sim::Process {
 public:
  explicit Master(MasterFlags flags);
  std::string_view source() const override { return "src/master/master.cpp"; }
  std::string_view className() const override { return "Master"; }

  const MasterInfo& info() const { return info_; }
  // Called (as an event on the master) by an observer after too many missed pings.
  void markUnreachable(const std::string& slaveId, const std::string& reason);

 protected:
  void initialize() override;

 private:
  struct Agent {
    SlaveInfo info;
    sim::Upid pid;
    SlaveObserver* observer = nullptr;
  };

  void registerSlave(const sim::Upid& from, const RegisterSlaveMessage& message);
  void reregisterSlave(const sim::Upid& from, const ReregisterSlaveMessage& message);
  void admitted(const sim::Upid& from, SlaveInfo info);
  void readmitted(const sim::Upid& from, SlaveInfo info);
  void addSlave(const sim::Upid& pid, const SlaveInfo& info);
  MasterSlaveConnection connection() const;
  void registryOperation(std::string_view operation, const std::string& slaveId);

  MasterFlags flags_;
  MasterInfo info_;
  std::map<std::string, Agent> registered_;       // by SlaveID
  std::set<std::string> registering_;             // pids in admission
  std::set<std::string> unreachable_;             // SlaveIDs
  std::uint64_t next_slave_ = 0;
};

// SlaveObserver (src/master/master.cpp): process slave-observer(N), one per agent.
class SlaveObserver final : public sim::Process {
 public:
  SlaveObserver(sim::Upid slave, std::string slaveId, const MasterFlags& flags, Master& master);
  std::string_view source() const override { return "src/master/master.cpp"; }
  std::string_view className() const override { return "SlaveObserver"; }

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
};

}  // namespace agentsim::model
