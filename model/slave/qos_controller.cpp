#include "model/slave/qos_controller.hpp"

#include <fmt/format.h>

#include "model/common/flags.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

namespace {
class ControllerProcess final : public sim::Process {
 public:
  ControllerProcess(std::string prefix, std::string source, std::string cls)
      : sim::Process(sim::ProcessName::generated(std::move(prefix))), source_(std::move(source)), class_(std::move(cls)) {}
  std::string_view source() const override { return source_; }
  std::string_view className() const override { return class_; }
  using sim::Process::delay;
  using sim::Process::log;
  using sim::Process::traceState;

 private:
  std::string source_;
  std::string class_;
};

std::string milli(std::int64_t v) { return fmt::format("{}.{:03}", v / 1000, v % 1000); }
}  // namespace

sim::Try<sim::Nothing> NoopQoSController::initialize(sim::Host& host) {
  if (process_ != nullptr) return sim::Error{"Noop QoS Controller has already been initialized"};
  process_ = &host.sim().spawn<ControllerProcess>(host, "qos-noop-controller", "src/slave/qos_controllers/noop.cpp",
                                                  "NoopQoSControllerProcess");
  return sim::Nothing{};
}

void NoopQoSController::corrections(const UsageCallback& /*usage*/, sim::Process& /*caller*/, Answer /*answer*/) {
  // NoopQoSControllerProcess::corrections returns a future that never completes.
}

sim::Try<sim::Nothing> LoadQoSController::initialize(sim::Host& host) {
  if (process_ != nullptr) return sim::Error{"Load QoS Controller has already been initialized"};
  process_ = &host.sim().spawn<ControllerProcess>(host, "qos-load-controller", "src/slave/qos_controllers/load.cpp",
                                                  "LoadQoSControllerProcess");
  return sim::Nothing{};
}

void LoadQoSController::corrections(const UsageCallback& usage, sim::Process& caller, Answer answer) {
  auto* p = static_cast<ControllerProcess*>(process_);
  const LoadThresholds t = thresholds_;
  // usage() first (agentsim: kUsageLatency), then os::loadavg() of this host.
  p->dispatch("LoadQoSControllerProcess::corrections", [p, t, usage = usage(), &caller, answer = std::move(answer)] {
    p->delay(kUsageLatency, "LoadQoSControllerProcess::_corrections", [p, t, usage, &caller, answer] {
      const sim::LoadAverages load = p->host().load().averagesAt(p->now());
      const bool overFive = t.five_milli && load.five_milli > *t.five_milli;
      const bool overFifteen = t.fifteen_milli && load.fifteen_milli > *t.fifteen_milli;
      std::vector<QoSCorrection> out;
      if (overFive || overFifteen) {
        const std::string why =
            overFive ? fmt::format("5min load {} > load_threshold_5min {}", milli(load.five_milli), milli(*t.five_milli))
                     : fmt::format("15min load {} > load_threshold_15min {}", milli(load.fifteen_milli),
                                   milli(*t.fifteen_milli));
        for (const auto& e : usage.executors) {
          if (e.revocable.empty()) continue;
          // Only the framework and the executor: the agent kills the executor's current
          // container (LoadQoSControllerProcess::_corrections sets no container_id).
          out.push_back(QoSCorrection{QoSCorrection::Type::KILL, e.framework_id, e.executor_id, {}, why});
        }
        p->log(fmt::format("System is overloaded ({}): {} KILL correction(s) for the executors holding revocable "
                           "resources",
                           why, out.size()),
               {{"load_1min", milli(load.one_milli)}, {"load_5min", milli(load.five_milli)},
                {"load_15min", milli(load.fifteen_milli)}, {"corrections", static_cast<std::int64_t>(out.size())}});
        // The decision, as a state record a scenario can check (C73).
        p->traceState(machines::kLoadQoSController, "OVERLOADED",
                      {{"reason", why}, {"corrections", static_cast<std::int64_t>(out.size())}});
      }
      caller.dispatch("Slave::_qosCorrections", [answer, out] { answer(out); });
    });
  });
}

sim::Try<std::unique_ptr<QoSController>> createQoSController(const std::string& type, const ModuleManager& modules) {
  if (type.empty()) return std::unique_ptr<QoSController>(std::make_unique<NoopQoSController>());
  auto module = modules.create(type, "QoSController");
  if (module.isError()) {
    return sim::Error{fmt::format("Failed to create QoS Controller module '{}': {}", type, module.error())};
  }
  if (type == "org_apache_mesos_LoadQoSController") {
    // create() returns nullptr for a threshold that does not parse, or for none at all;
    // it ignores parameters it does not know.
    LoadThresholds t;
    for (const auto& [key, value] : modules.parameters(type)) {
      if (key != "load_threshold_5min" && key != "load_threshold_15min") continue;
      auto d = parseDecimal(value);
      if (d.isError()) {
        return sim::Error{fmt::format("Failed to create QoS Controller module '{}': Failed to parse {} min load "
                                      "threshold: {}",
                                      type, key == "load_threshold_5min" ? "5" : "15", d.error())};
      }
      (key == "load_threshold_5min" ? t.five_milli : t.fifteen_milli) = d->millionths / 1000;
    }
    if (!t.five_milli && !t.fifteen_milli) {
      return sim::Error{fmt::format("Failed to create QoS Controller module '{}': No load thresholds are configured "
                                    "for LoadQoSController",
                                    type)};
    }
    return std::unique_ptr<QoSController>(std::make_unique<LoadQoSController>(t));
  }
  return sim::Error{fmt::format("Failed to create QoS Controller module '{}': not modelled", type)};
}

}  // namespace agentsim::model
