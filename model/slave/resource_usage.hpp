#pragma once
// ResourceUsage (include/mesos/mesos.proto) and QoSCorrection
// (include/mesos/slave/oversubscription.proto): what the agent's usage callback hands the
// resource estimator and the QoS controller, and what the controller asks for.
#include <functional>
#include <string>
#include <vector>

#include "model/common/resources.hpp"

namespace agentsim::model {

struct ResourceUsage {
  struct Executor {
    std::string framework_id;
    std::string executor_id;
    std::string container_id;
    Resources allocated;  // every resource of its tasks
    Resources revocable;  // the revocable part of `allocated`
  };
  std::vector<Executor> executors;  // by framework, then executor
  Resources total;                  // the agent's total (non-revocable) resources
};

// Slave::usage, as the agent hands it to the estimator and the controller: they call it
// when they need the usage (the noop ones never do).
using UsageCallback = std::function<ResourceUsage()>;

struct QoSCorrection {
  enum class Type { KILL };
  Type type = Type::KILL;
  std::string framework_id;
  std::string executor_id;
  std::string container_id;  // empty: the executor's current container
  std::string reason;        // agentsim: why the controller asked (for the trace)
};

}  // namespace agentsim::model
