#include "model/qos_controller.hpp"

#include <fmt/format.h>

#include "sim/simulation.hpp"

namespace agentsim::model {

namespace {
class NoopQoSControllerProcess final : public sim::Process {
 public:
  NoopQoSControllerProcess() : sim::Process(sim::ProcessName::generated("qos-noop-controller")) {}
  std::string_view source() const override { return "src/slave/qos_controllers/noop.cpp"; }
  std::string_view className() const override { return "NoopQoSControllerProcess"; }
};
}  // namespace

sim::Try<sim::Nothing> NoopQoSController::initialize(sim::Host& host) {
  if (process_ != nullptr) return sim::Error{"Noop QoS Controller has already been initialized"};
  process_ = &host.sim().spawn<NoopQoSControllerProcess>(host);
  return sim::Nothing{};
}

sim::Try<std::unique_ptr<QoSController>> createQoSController(const std::string& type, const ModuleManager& modules) {
  if (type.empty()) return std::unique_ptr<QoSController>(std::make_unique<NoopQoSController>());
  auto module = modules.create(type, "QoSController");
  if (module.isError()) {
    return sim::Error{fmt::format("Failed to create QoS Controller module '{}': {}", type, module.error())};
  }
  return sim::Error{fmt::format("Failed to create QoS Controller module '{}': not modelled yet", type)};
}

}  // namespace agentsim::model
