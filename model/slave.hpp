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

#include <memory>

#include "model/flags.hpp"
#include "model/hook_manager.hpp"
#include "model/master_detector.hpp"
#include "model/messages.hpp"
#include "model/qos_controller.hpp"
#include "model/resource_estimator.hpp"
#include "sim/process.hpp"

namespace agentsim::model {

class Containerizer;
class Files;
class GarbageCollector;
class StatusUpdateManager;

// What main() hands the Slave besides its id, flags and detector: new Slave(id, flags,
// detector, containerizer, &files, &gc, &statusUpdateManager, resourceEstimator,
// qosController, authorizer). Pointers to processes are owned by the kernel; a
// component left out (a model test that builds only a Slave) is skipped.
struct SlaveComponents {
  Containerizer* containerizer = nullptr;
  Files* files = nullptr;
  GarbageCollector* gc = nullptr;
  StatusUpdateManager* statusUpdateManager = nullptr;
  std::unique_ptr<ResourceEstimator> resourceEstimator;
  std::unique_ptr<QoSController> qosController;
  std::shared_ptr<const HookManager> hooks;  // HookManager's static state in Mesos
};

class Slave final : public sim::Process {
 public:
  // src/slave/slave.hpp enum Slave::State.
  enum class State {
    RECOVERING,    // Slave is doing recovery.
    DISCONNECTED,  // Slave is not connected to the master.
    RUNNING,       // Slave has (re-)registered.
    TERMINATING,   // Slave is shutting down.
  };

  Slave(SlaveFlags flags, MasterDetector& detector, SlaveComponents components = {});
  std::string_view source() const override { return "src/slave/slave.cpp"; }
  std::string_view className() const override { return "Slave"; }

  State state() const { return state_; }
  const SlaveInfo& info() const { return info_; }

 protected:
  void initialize() override;
  void exited(const sim::Upid& pid) override;  // the connection to the master broke

 private:
  // Slave::checkDiskUsage and _checkDiskUsage: every --disk_watch_interval, prune the
  // GC by gc_delay - age(usage) (the simulated disk reports no usage yet).
  void checkDiskUsage();
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
  SlaveComponents components_;
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
