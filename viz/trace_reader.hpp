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

// Errors name the line: "line 12: expected ...".
sim::Try<TraceFile> readTrace(std::istream& in);

}  // namespace agentsim::viz
