#pragma once
// Reads a JSON Lines trace (docs/trace-format.md) back into records, so a trace
// file from disk renders the same as a live run.
#include <istream>
#include <string>
#include <vector>

#include "sim/trace.hpp"
#include "sim/try.hpp"

namespace agentsim::viz {

struct TraceFile {
  sim::Fields header;
  std::vector<sim::Record> records;
};

// Every line is read with a bound, so a file never makes the reader allocate without
// limit. The header holds every host's flags (about 800 bytes an agent: 16 MiB is
// about 20,000 agents), so it has a larger bound of its own, enough for the scenario
// limit of 100,000 agents (docs/limits.md).
struct TraceReaderLimits {
  std::size_t max_header_line = 256 * 1024 * 1024;
  std::size_t max_record_line = 16 * 1024 * 1024;
};

// Errors name the line: "line 12: expected ...".
sim::Try<TraceFile> readTrace(std::istream& in, const TraceReaderLimits& limits = {});

}  // namespace agentsim::viz
