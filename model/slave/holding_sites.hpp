#pragma once
// The agent's holding fault sites (sim/fault_site.hpp), beside the master's of
// model/master/registrar.hpp's faultSites(): a scenario's `hold` with `site` parks what
// reaches one until a `release`.
#include <vector>

#include "model/slave/fault_sites.hpp"
#include "sim/fault_site.hpp"

namespace agentsim::model {

inline const std::vector<sim::FaultSiteSpec>& slaveHoldingSites() {
  static const std::vector<sim::FaultSiteSpec> sites{
      {kContainerizerLaunchSite, "executor", containerizerLaunchExecutors(),
       "the agent's launch of an executor's container (Containerizer::launch, from Slave::launchExecutor; "
       "model/slave/fault_sites.hpp): held, the launch reaches the containerizer when the hold is released"},
  };
  return sites;
}

}  // namespace agentsim::model
