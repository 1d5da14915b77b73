#pragma once
// ResourceEstimator (include/mesos/slave/resource_estimator.hpp) and the default
// NoopResourceEstimator (src/slave/resource_estimators/noop.cpp). main() creates the
// estimator with ResourceEstimator::create(--resource_estimator); Slave::initialize
// calls initialize(), which spawns its process noop-resource-estimator(1). The noop
// estimator never offers oversubscribed resources. The oversubscription issue adds
// the fixed estimator (a module).
#include <memory>
#include <string>

#include "model/module_manager.hpp"
#include "sim/process.hpp"
#include "sim/try.hpp"

namespace agentsim::sim {
class Host;
}

namespace agentsim::model {

class ResourceEstimator {
 public:
  virtual ~ResourceEstimator() = default;
  virtual std::string_view name() const = 0;  // the Mesos class
  // Spawns the estimator's process on `host` (Slave::initialize calls it).
  virtual sim::Try<sim::Nothing> initialize(sim::Host& host) = 0;
  virtual sim::Process* process() const = 0;
};

class NoopResourceEstimator final : public ResourceEstimator {
 public:
  std::string_view name() const override { return "NoopResourceEstimator"; }
  sim::Try<sim::Nothing> initialize(sim::Host& host) override;
  sim::Process* process() const override { return process_; }

 private:
  sim::Process* process_ = nullptr;  // owned by the kernel
};

// ResourceEstimator::create (src/slave/resource_estimator.cpp): none gives the noop
// estimator; a name must be a loaded ResourceEstimator module.
sim::Try<std::unique_ptr<ResourceEstimator>> createResourceEstimator(const std::string& type,
                                                                     const ModuleManager& modules);

}  // namespace agentsim::model
