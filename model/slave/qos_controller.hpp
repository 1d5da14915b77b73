#pragma once
// QoSController (include/mesos/slave/qos_controller.hpp): main() creates it with
// QoSController::create(--qos_controller); Slave::initialize calls initialize(), which
// spawns its process. corrections(usage) answers, as an event on the caller, with the
// corrections the agent should carry out:
//  - NoopQoSController (src/slave/qos_controllers/noop.cpp), qos-noop-controller(1):
//    never answers (a future that never completes), so the agent polls once;
//  - LoadQoSController (src/slave/qos_controllers/load.cpp, the module
//    org_apache_mesos_LoadQoSController with load_threshold_5min and/or
//    load_threshold_15min), qos-load-controller(1): reads its host's load averages; when
//    the 5 minute one is above its threshold or the 15 minute one above its (strictly),
//    one KILL per executor holding revocable resources, else none. Collecting the usage
//    takes kUsageLatency (agentsim's), which paces back-to-back polls.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/module/manager.hpp"
#include "model/slave/resource_usage.hpp"
#include "sim/process.hpp"
#include "sim/state_machine.hpp"
#include "sim/try.hpp"

namespace agentsim::sim {
class Host;
}

namespace agentsim::model {

// The load QoS controller's decision to correct (C73).
namespace machines {
inline constexpr std::string_view kLoadQoSControllerStates[]{"OVERLOADED"};
inline constexpr sim::StateMachine kLoadQoSController{"LoadQoSController", kLoadQoSControllerStates};
}  // namespace machines

inline constexpr sim::Duration kUsageLatency = sim::Milliseconds(10);

class QoSController {
 public:
  using Answer = std::function<void(const sim::Try<std::vector<QoSCorrection>>&)>;
  virtual ~QoSController() = default;
  virtual std::string_view name() const = 0;
  virtual sim::Try<sim::Nothing> initialize(sim::Host& host) = 0;
  virtual sim::Process* process() const = 0;
  virtual void corrections(const UsageCallback& usage, sim::Process& caller, Answer answer) = 0;
};

class NoopQoSController final : public QoSController {
 public:
  std::string_view name() const override { return "NoopQoSController"; }
  sim::Try<sim::Nothing> initialize(sim::Host& host) override;
  sim::Process* process() const override { return process_; }
  void corrections(const UsageCallback& usage, sim::Process& caller, Answer answer) override;

 private:
  sim::Process* process_ = nullptr;  // owned by the kernel
};

// Thresholds in thousandths of a load average (load_threshold_5min=2.5 is 2500).
struct LoadThresholds {
  std::optional<std::int64_t> five_milli;
  std::optional<std::int64_t> fifteen_milli;
};

class LoadQoSController final : public QoSController {
 public:
  explicit LoadQoSController(LoadThresholds thresholds) : thresholds_(thresholds) {}
  std::string_view name() const override { return "LoadQoSController"; }  // names the class
  sim::Try<sim::Nothing> initialize(sim::Host& host) override;
  sim::Process* process() const override { return process_; }
  void corrections(const UsageCallback& usage, sim::Process& caller, Answer answer) override;

 private:
  LoadThresholds thresholds_;
  sim::Process* process_ = nullptr;
};

// QoSController::create (src/slave/qos_controller.cpp).
sim::Try<std::unique_ptr<QoSController>> createQoSController(const std::string& type, const ModuleManager& modules);

}  // namespace agentsim::model
