#pragma once
// The registrar's fault site (src/master/registrar.cpp: Registrar::apply). Mesos's
// master applies every registry operation through the registrar, whose future completes
// once the registry is stored; the master acts on the result in a continuation
// (Master::__registerSlave, __reregisterSlave, _markUnreachable, _removeSlave) and keeps
// the agent in Slaves::registering / reregistering / markingUnreachable / removing
// meanwhile. agentsim's storage takes no time, so an operation completes at once, unless
// a scenario holds it here (sim/fault_site.hpp), as the Mesos tests hold a mock
// registrar's future: a held operation is applied, and its continuation runs, when the
// hold is released; operations after it are not held back.
#include <string_view>
#include <vector>

#include "model/master/rate_limiter.hpp"
#include "model/master/registry.hpp"
#include "sim/fault_site.hpp"

namespace agentsim::model {

inline constexpr std::string_view kRegistrarApplySite = "Registrar::apply";

// The master's authorizer (src/authorizer/authorizer.hpp: Authorizer::authorized), asked
// by Master::authorizeTask about each task of an ACCEPT call; Master::_accept runs once
// every answer is in (await(authorizations).onAny). Reached (uncounted) with or without
// --acls, where 1.1 answers true at once: held, the call's tasks stay pending
// (Framework::pendingTasks) until the release runs _accept, as the Mesos tests'
// MockAuthorizer returns a future they satisfy later (MasterAuthorizationTest.KillTask).
inline constexpr std::string_view kAuthorizerAuthorizedSite = "Authorizer::authorized";

inline const std::vector<std::string_view>& authorizerCallers() {
  static const std::vector<std::string_view> callers{"Master::authorizeTask"};
  return callers;
}

// The registry operations the master applies (model/master/registry.hpp), sorted.
inline const std::vector<std::string_view>& registryOperationNames() {
  static const std::vector<std::string_view> names(kRegistryOperationNames.begin(), kRegistryOperationNames.end());
  return names;
}

// Every fault site of the model, by name, for the scenario loader and `agentsim check`.
inline const std::vector<sim::FaultSiteSpec>& faultSites() {
  static const std::vector<sim::FaultSiteSpec> sites{
      {kRegistrarApplySite, "operation", registryOperationNames(),
       "a registry operation of the master (src/master/registrar.cpp: Registrar::apply): held, it is applied and "
       "its continuation runs when the hold is released"},
      {kRateLimiterAcquireSite, "caller", rateLimiterCallers(),
       "a request for an agent removal permit (libprocess RateLimiter::acquire; model/master/rate_limiter.hpp): held, "
       "it reaches the master's limiter when the hold is released"},
      {kAuthorizerAuthorizedSite, "caller", authorizerCallers(),
       "the master's authorization of the tasks of an ACCEPT call (Master::authorizeTask, Authorizer::authorized): "
       "held, the tasks stay pending until the release runs Master::_accept"},
  };
  return sites;
}

}  // namespace agentsim::model
