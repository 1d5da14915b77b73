// libFuzzer target: agentsim::fuzz::traceReader (tests/parsers/targets.hpp).
#include "tests/parsers/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  agentsim::fuzz::traceReader(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
