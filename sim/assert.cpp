#include "sim/assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace agentsim::sim {

namespace {
void (*g_printer)(void*) = nullptr;
void* g_arg = nullptr;
}  // namespace

void setAssertContext(void (*printer)(void*), void* arg) {
  g_printer = printer;
  g_arg = arg;
}

void assertionFailed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "agentsim: internal error: assertion `%s` failed at %s:%d\n", expr, file, line);
  if (g_printer != nullptr) g_printer(g_arg);
  std::fflush(stderr);
  std::_Exit(3);  // DESIGN.md: exit code 3 is an internal error
}

}  // namespace agentsim::sim
