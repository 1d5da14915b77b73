#include "model/slave/resource_estimator.hpp"

#include <fmt/format.h>

#include "sim/simulation.hpp"

namespace agentsim::model {

namespace {
class EstimatorProcess final : public sim::Process {
 public:
  EstimatorProcess(std::string prefix, std::string source, std::string cls)
      : sim::Process(sim::ProcessName::generated(std::move(prefix))), source_(std::move(source)), class_(std::move(cls)) {}
  std::string_view source() const override { return source_; }
  std::string_view className() const override { return class_; }

 private:
  std::string source_;
  std::string class_;
};

void answerOn(sim::Process* estimator, sim::Process& caller, ResourceEstimator::Answer answer, Resources r,
              std::string_view function) {
  // The answer is a future completed by the estimator's process; the agent continues
  // in its own next event (defer).
  estimator->dispatch(function, [&caller, answer = std::move(answer), r] {
    caller.dispatch("Slave::_forwardOversubscribed", [answer, r] { answer(r); });
  });
}
}  // namespace

sim::Try<sim::Nothing> NoopResourceEstimator::initialize(sim::Host& host) {
  if (process_ != nullptr) return sim::Error{"Noop resource estimator has already been initialized"};
  process_ = &host.sim().spawn<EstimatorProcess>(host, "noop-resource-estimator", "src/slave/resource_estimators/noop.cpp",
                                                 "NoopResourceEstimatorProcess");
  return sim::Nothing{};
}

void NoopResourceEstimator::oversubscribable(const UsageCallback& /*usage*/, sim::Process& caller, Answer answer) {
  answerOn(process_, caller, std::move(answer), Resources{}, "NoopResourceEstimatorProcess::oversubscribable");
}

sim::Try<sim::Nothing> FixedResourceEstimator::initialize(sim::Host& host) {
  if (process_ != nullptr) return sim::Error{"Fixed resource estimator has already been initialized"};
  process_ = &host.sim().spawn<EstimatorProcess>(host, "fixed-resource-estimator", "src/slave/resource_estimators/fixed.cpp",
                                                 "FixedResourceEstimatorProcess");
  return sim::Nothing{};
}

void FixedResourceEstimator::oversubscribable(const UsageCallback& usage, sim::Process& caller, Answer answer) {
  // FixedResourceEstimatorProcess::_oversubscribable: the total less what executors
  // already hold of it.
  Resources allocated;
  for (const auto& e : usage().executors) allocated += e.revocable;
  answerOn(process_, caller, std::move(answer), fixed_.minus(allocated), "FixedResourceEstimatorProcess::oversubscribable");
}

void MockResourceEstimatorProcess::put(Resources estimate) {
  log(fmt::format("A test puts the estimate {}", format(estimate, true)), {{"estimate", format(estimate, true)}});
  if (waiting_.empty()) {
    estimations_.push_back(estimate);
    return;
  }
  auto ready = std::move(waiting_.front());
  waiting_.pop_front();
  ready(estimate);
}

void MockResourceEstimatorProcess::get(std::function<void(Resources)> ready) {
  if (estimations_.empty()) {
    waiting_.push_back(std::move(ready));
    return;
  }
  const Resources estimate = estimations_.front();
  estimations_.pop_front();
  ready(estimate);
}

sim::Try<sim::Nothing> MockResourceEstimator::initialize(sim::Host& host) {
  if (process_ != nullptr) return sim::Error{"Mock resource estimator has already been initialized"};
  process_ = &host.sim().spawn<MockResourceEstimatorProcess>(host);
  return sim::Nothing{};
}

void MockResourceEstimator::oversubscribable(const UsageCallback& /*usage*/, sim::Process& caller, Answer answer) {
  // InvokeWithoutArgs(&estimations, &Queue<Resources>::get): a future the queue completes.
  sim::Upid agent = caller.self();
  MockResourceEstimatorProcess* mock = process_;
  mock->dispatch("MockResourceEstimator::oversubscribable", [mock, agent, answer = std::move(answer)] {
    mock->get([mock, agent, answer](Resources r) {
      // onAny(defer(slave, ...)): dropped if the agent that asked is gone.
      if (sim::Process* p = mock->sim().process(agent)) {
        p->dispatch("Slave::_forwardOversubscribed", [answer, r] { answer(r); });
      }
    });
  });
}

sim::Try<std::unique_ptr<ResourceEstimator>> createResourceEstimator(const std::string& type,
                                                                     const ModuleManager& modules) {
  if (type.empty()) return std::unique_ptr<ResourceEstimator>(std::make_unique<NoopResourceEstimator>());
  auto module = modules.create(type, "ResourceEstimator");
  if (module.isError()) {
    return sim::Error{fmt::format("Failed to create resource estimator module '{}': {}", type, module.error())};
  }
  if (type == "org_apache_mesos_FixedResourceEstimator") {
    const auto params = modules.parameters(type);
    auto it = params.find("resources");
    if (it == params.end()) {
      return sim::Error{fmt::format("Failed to create resource estimator module '{}': No resources specified", type)};
    }
    auto resources = parseResources(it->second);
    if (resources.isError()) {
      return sim::Error{fmt::format("Failed to create resource estimator module '{}': {}", type, resources.error())};
    }
    return std::unique_ptr<ResourceEstimator>(std::make_unique<FixedResourceEstimator>(*resources));
  }
  if (type == "org_apache_mesos_MockResourceEstimator") {
    return std::unique_ptr<ResourceEstimator>(std::make_unique<MockResourceEstimator>());
  }
  return sim::Error{fmt::format("Failed to create resource estimator module '{}': not modelled", type)};
}

}  // namespace agentsim::model
