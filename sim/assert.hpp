#pragma once
// Our own bugs: always-on assertions that print where and what, then abort.
// The kernel installs a context printer (seed, simulated time, current event).

namespace agentsim::sim {

[[noreturn]] void assertionFailed(const char* expr, const char* file, int line);
// Set by the running simulation so a failed assertion names seed, time and event.
void setAssertContext(void (*printer)(void*), void* arg);

}  // namespace agentsim::sim

#define AGENTSIM_ASSERT(expr) \
  ((expr) ? static_cast<void>(0) : ::agentsim::sim::assertionFailed(#expr, __FILE__, __LINE__))
