#pragma once
// Slave (src/slave/slave.cpp): the agent process slave(1). This slice models
// initialize, recovery of the checkpointed SlaveID, master detection, reliable
// (re)registration with Mesos's randomised doubling backoff, and the ping timer:
//  - after a master is detected: wait U[0, registration_backoff_factor], then send
//    RegisterSlaveMessage (ReregisterSlaveMessage with a checkpointed SlaveID) and
//    retry after U[0, 2b], U[0, 4b], ... capped at 1mins, until (Re)Registered;
//  - a newly detected master cancels the pending retry (a documented choice, see
//    docs/model.md);
//  - every PingSlaveMessage is answered with PongSlaveMessage, in any state, and
//    restarts the ping timer; with no ping for total_ping_timeout_seconds (75secs by
//    default) the agent re-detects and reregisters.
#include <cstdint>
#include <optional>
#include <string>

#include "model/flags.hpp"
#include "model/master_detector.hpp"
#include "model/messages.hpp"
#include "sim/process.hpp"

namespace agentsim::model {

class Slave final : public sim::Process {
 public:
  // src/slave/slave.hpp enum Slave::State.
  enum class State {
    RECOVERING,    // Slave is doing recovery.
    DISCONNECTED,  // Slave is not connected to the master.
    RUNNING,       // Slave has (re-)registered.
    TERMINATING,   // Slave is shutting down.
  };

  Slave(SlaveFlags flags, MasterDetector& detector);
  std::string_view source() const override { return "src/slave/slave.cpp"; }
  std::string_view className() const override { return "Slave"; }

  State state() const { return state_; }
  const SlaveInfo& info() const { return info_; }

 protected:
  void initialize() override;

 private:
  void recover();
  void finishRecovery();  // Slave::__recover
  void detected(const Detection& detection);
  void doReliableRegistration(sim::Duration maxBackoff);
  void registered(const sim::Upid& from, const SlaveRegisteredMessage& message);
  void reregistered(const sim::Upid& from, const SlaveReregisteredMessage& message);
  void ping(const sim::Upid& from, const PingSlaveMessage& message);
  void pingTimeout(std::uint64_t detection);
  void startDetection(std::optional<MasterInfo> previous);
  void restartPingTimer();
  void setState(State state);

  SlaveFlags flags_;
  MasterDetector& detector_;
  SlaveInfo info_;
  State state_ = State::RECOVERING;
  std::optional<MasterInfo> master_;
  std::uint64_t detection_ = 0;  // handle of the pending detect()
  sim::TimerId registration_timer_;
  sim::TimerId ping_timer_;
  sim::Duration master_ping_timeout_;
  std::string meta_dir_;
};

std::string_view toString(Slave::State state);

}  // namespace agentsim::model
