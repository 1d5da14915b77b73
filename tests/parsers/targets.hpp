#pragma once
// The parser fuzz targets' bodies: each feeds one untrusted input to a reader agentsim
// exposes to users and requires an answer (a value or an error), never a crash, a hang or
// an exception. libFuzzer drives them (fuzz_*.cpp, `-Dfuzzers=true` with clang; tools/fuzz-parsers),
// and the suite replays every kept input through the same bodies (regression_test.cpp).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>

#include "harness/scenario.hpp"
#include "sim/time.hpp"
#include "viz/trace_reader.hpp"

namespace agentsim::fuzz {

// The scenario loader (harness/scenario.cpp): a scenario file's bytes.
inline void scenarioLoader(std::string_view bytes) {
  auto loaded = harness::loadScenarioText(bytes, "fuzz.json");
  if (auto* error = std::get_if<harness::LoadError>(&loaded)) (void)error->format();
}

// The trace reader (viz/trace_reader.cpp): a trace file's bytes, read back as `agentsim
// view` and `agentsim invariants` read it.
inline void traceReader(std::string_view bytes) {
  std::istringstream in{std::string(bytes)};
  auto trace = viz::readTrace(in);
  if (trace.isError()) (void)trace.error();
}

// The duration parser (sim/time.cpp): every "10secs" of a scenario and the command line.
inline void durationParser(std::string_view bytes) {
  auto d = sim::parseDuration(bytes);
  if (!d.isError()) (void)sim::format(*d);
}

}  // namespace agentsim::fuzz
