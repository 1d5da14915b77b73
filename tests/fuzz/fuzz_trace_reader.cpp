// libFuzzer target: agentsim::fuzz::traceReader (tests/fuzz/targets.hpp).
#include "tests/fuzz/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  agentsim::fuzz::traceReader(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
