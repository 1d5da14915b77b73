#pragma once
// Reads a JSON Lines trace (docs/trace-format.md) back into records, so a trace
// file from disk renders the same as a live run.
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

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

// Reads a trace one record at a time: the header first, then next() until it returns
// false. A view of a 3-million-record trace never holds what it does not draw.
class TraceStream {
 public:
  explicit TraceStream(std::istream& in, const TraceReaderLimits& limits = {}) : in_(in), limits_(limits) {}
  sim::Try<sim::Fields> header();
  // Records whose line `skip` accepts are passed over unparsed (a view's cheap test that a
  // line cannot hold what it draws); a malformed line skipped so is not reported.
  void skipLines(std::function<bool(std::string_view)> skip) { skip_ = std::move(skip); }
  // The next record into `out`: true, or false at the end.
  sim::Try<bool> next(sim::Record& out);
  std::size_t line() const { return number_; }

 private:
  sim::Try<bool> readLine(nlohmann::ordered_json& j);
  std::istream& in_;
  TraceReaderLimits limits_;
  std::string line_;
  std::size_t number_ = 0;
  std::function<bool(std::string_view)> skip_;
};

// Errors name the line: "line 12: expected ...". A header of another format_version is
// refused, naming its version and the one this build reads. Version 2's top-level keys
// (`msg`, `duplicate`, `armed`) land in sim::Record's members of those names.
sim::Try<TraceFile> readTrace(std::istream& in, const TraceReaderLimits& limits = {});
// The same, keeping only the records `keep` accepts: a view of a big trace filtered to a
// few agents holds only what it draws.
sim::Try<TraceFile> readTrace(std::istream& in, const std::function<bool(const sim::Record&)>& keep,
                              const TraceReaderLimits& limits = {},
                              std::function<bool(std::string_view)> skipLine = nullptr);

// The seqs a check record names as its evidence (`evidence_seqs`, a JSON array of
// integers; docs/trace-format.md), in the order written; none for any other record.
std::vector<std::uint64_t> evidenceSeqsOf(const sim::Record& check);

}  // namespace agentsim::viz
