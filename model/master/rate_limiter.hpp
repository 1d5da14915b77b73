#pragma once
// The agent removal rate limiter's fault site (libprocess RateLimiter::acquire, as the
// master uses it: Master::agentReregisterTimeout, Master::recoveredSlavesTimeout and
// SlaveObserver::markUnreachable each ask slaves.limiter for a permit before an agent
// is marked unreachable). The Mesos tests give the master a MockRateLimiter whose
// acquire() returns a future the test satisfies later; a scenario holds the request
// here instead (sim/fault_site.hpp): a held request reaches the master's limiter
// (--agent_removal_rate_limit; none: the permit is granted at once) when the hold is
// released. Without a hold every request reaches the limiter at once, as before the
// site existed. The site is reached on every request, also when the master has no
// limiter (Mesos then asks none): a hold stands for the test's mock limiter.
#include <string_view>
#include <vector>

namespace agentsim::model {

inline constexpr std::string_view kRateLimiterAcquireSite = "RateLimiter::acquire";

// The reach's attribute ("caller"): who asks for the permit, sorted.
inline const std::vector<std::string_view>& rateLimiterCallers() {
  static const std::vector<std::string_view> callers{"Master::agentReregisterTimeout",
                                                     "Master::recoveredSlavesTimeout", "SlaveObserver::timeout"};
  return callers;
}

}  // namespace agentsim::model
