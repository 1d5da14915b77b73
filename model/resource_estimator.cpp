#include "model/resource_estimator.hpp"

#include <fmt/format.h>

#include "sim/simulation.hpp"

namespace agentsim::model {

namespace {
class NoopResourceEstimatorProcess final : public sim::Process {
 public:
  NoopResourceEstimatorProcess() : sim::Process(sim::ProcessName::generated("noop-resource-estimator")) {}
  std::string_view source() const override { return "src/slave/resource_estimators/noop.cpp"; }
  std::string_view className() const override { return "NoopResourceEstimatorProcess"; }
};
}  // namespace

sim::Try<sim::Nothing> NoopResourceEstimator::initialize(sim::Host& host) {
  if (process_ != nullptr) return sim::Error{"Noop resource estimator has already been initialized"};
  process_ = &host.sim().spawn<NoopResourceEstimatorProcess>(host);
  return sim::Nothing{};
}

sim::Try<std::unique_ptr<ResourceEstimator>> createResourceEstimator(const std::string& type,
                                                                     const ModuleManager& modules) {
  if (type.empty()) return std::unique_ptr<ResourceEstimator>(std::make_unique<NoopResourceEstimator>());
  auto module = modules.create(type, "ResourceEstimator");
  if (module.isError()) {
    return sim::Error{fmt::format("Failed to create resource estimator module '{}': {}", type, module.error())};
  }
  // No ResourceEstimator module is in the catalogue yet (the oversubscription issue).
  return sim::Error{fmt::format("Failed to create resource estimator module '{}': not modelled yet", type)};
}

}  // namespace agentsim::model
