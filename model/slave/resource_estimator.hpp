#pragma once
// ResourceEstimator (include/mesos/slave/resource_estimator.hpp): main() creates it with
// ResourceEstimator::create(--resource_estimator); Slave::initialize calls initialize(),
// which spawns its process. oversubscribable(usage) answers, as an event on the caller,
// with the revocable resources the agent may offer now:
//  - NoopResourceEstimator (src/slave/resource_estimators/noop.cpp),
//    noop-resource-estimator(1): always nothing;
//  - FixedResourceEstimator (src/slave/resource_estimators/fixed.cpp, the module
//    org_apache_mesos_FixedResourceEstimator with parameter `resources`),
//    fixed-resource-estimator(1): the fixed amount minus the revocable resources already
//    allocated to executors;
//  - MockResourceEstimator (the Mesos tests' MockResourceEstimator, src/tests/mesos.hpp,
//    answering from a Queue<Resources> as OversubscriptionTest's `estimations`: agentsim's
//    test module org_apache_mesos_MockResourceEstimator), mock-resource-estimator(1): each
//    query takes the next estimate a test put() in the queue, and stays pending until
//    there is one.
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <string>

#include "model/module/manager.hpp"
#include "model/slave/resource_usage.hpp"
#include "sim/process.hpp"
#include "sim/try.hpp"

namespace agentsim::sim {
class Host;
}

namespace agentsim::model {

class ResourceEstimator {
 public:
  using Answer = std::function<void(const sim::Try<Resources>&)>;
  virtual ~ResourceEstimator() = default;
  virtual std::string_view name() const = 0;  // the Mesos class
  // Spawns the estimator's process on `host` (Slave::initialize calls it).
  virtual sim::Try<sim::Nothing> initialize(sim::Host& host) = 0;
  virtual sim::Process* process() const = 0;
  virtual void oversubscribable(const UsageCallback& usage, sim::Process& caller, Answer answer) = 0;
};

class NoopResourceEstimator final : public ResourceEstimator {
 public:
  std::string_view name() const override { return "NoopResourceEstimator"; }
  sim::Try<sim::Nothing> initialize(sim::Host& host) override;
  sim::Process* process() const override { return process_; }
  void oversubscribable(const UsageCallback& usage, sim::Process& caller, Answer answer) override;

 private:
  sim::Process* process_ = nullptr;  // owned by the kernel
};

class FixedResourceEstimator final : public ResourceEstimator {
 public:
  explicit FixedResourceEstimator(Resources fixed) : fixed_(fixed) {}
  std::string_view name() const override { return "FixedResourceEstimator"; }
  sim::Try<sim::Nothing> initialize(sim::Host& host) override;
  sim::Process* process() const override { return process_; }
  void oversubscribable(const UsageCallback& usage, sim::Process& caller, Answer answer) override;

 private:
  Resources fixed_;
  sim::Process* process_ = nullptr;
};

// The process of the mock estimator: its queue, which a test fills (a timeline `call`
// of MockResourceEstimator::put reaches it through the kernel, as a test's
// estimations.put()).
class MockResourceEstimatorProcess final : public sim::Process {
 public:
  MockResourceEstimatorProcess() : sim::Process(sim::ProcessName::generated("mock-resource-estimator")) {}
  std::string_view source() const override { return "src/tests/mesos.hpp"; }
  std::string_view className() const override { return "MockResourceEstimator"; }
  // Queue<Resources>::put: completes the oldest pending query, or queues the estimate.
  void put(Resources estimate);
  // Queue<Resources>::get: `ready` runs (on this process) with the next estimate.
  void get(std::function<void(Resources)> ready);

 private:
  // Lists: an empty one allocates nothing (an empty deque, 576 bytes), and every agent
  // has an estimator.
  std::list<Resources> estimations_;
  std::list<std::function<void(Resources)>> waiting_;
};

class MockResourceEstimator final : public ResourceEstimator {
 public:
  std::string_view name() const override { return "MockResourceEstimator"; }
  sim::Try<sim::Nothing> initialize(sim::Host& host) override;
  sim::Process* process() const override { return process_; }
  void oversubscribable(const UsageCallback& usage, sim::Process& caller, Answer answer) override;

 private:
  MockResourceEstimatorProcess* process_ = nullptr;
};

// ResourceEstimator::create (src/slave/resource_estimator.cpp): none gives the noop
// estimator; a name must be a loaded ResourceEstimator module, with its parameters.
sim::Try<std::unique_ptr<ResourceEstimator>> createResourceEstimator(const std::string& type,
                                                                     const ModuleManager& modules);

}  // namespace agentsim::model
