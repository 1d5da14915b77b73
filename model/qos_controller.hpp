#pragma once
// QoSController (include/mesos/slave/qos_controller.hpp) and the default
// NoopQoSController (src/slave/qos_controllers/noop.cpp). main() creates it with
// QoSController::create(--qos_controller); Slave::initialize calls initialize(),
// which spawns qos-noop-controller(1). The noop controller never asks for
// corrections. The oversubscription issue adds the load controller (a module).
#include <memory>
#include <string>

#include "model/module_manager.hpp"
#include "sim/process.hpp"
#include "sim/try.hpp"

namespace agentsim::sim {
class Host;
}

namespace agentsim::model {

class QoSController {
 public:
  virtual ~QoSController() = default;
  virtual std::string_view name() const = 0;
  virtual sim::Try<sim::Nothing> initialize(sim::Host& host) = 0;
  virtual sim::Process* process() const = 0;
};

class NoopQoSController final : public QoSController {
 public:
  std::string_view name() const override { return "NoopQoSController"; }
  sim::Try<sim::Nothing> initialize(sim::Host& host) override;
  sim::Process* process() const override { return process_; }

 private:
  sim::Process* process_ = nullptr;  // owned by the kernel
};

// QoSController::create (src/slave/qos_controller.cpp).
sim::Try<std::unique_ptr<QoSController>> createQoSController(const std::string& type, const ModuleManager& modules);

}  // namespace agentsim::model
