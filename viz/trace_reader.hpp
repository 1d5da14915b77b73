#pragma once
// Reads a JSON Lines trace (docs/trace-format.md) back into records, so a trace
// file from disk renders the same as a live run.
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/trace.hpp"
#include "sim/try.hpp"

namespace agentsim::viz {

// The `end` record a finished run writes last (docs/trace-format.md): when the run ended,
// and how many records precede it.
struct TraceEnd {
  sim::Time at;
  std::uint64_t records = 0;
};

struct TraceFile {
  sim::Fields header;
  std::vector<sim::Record> records;  // the end record is not among them
  std::optional<TraceEnd> end;       // absent: the trace was cut short (accept_truncated)
};

// Every line is read with a bound, so a file never makes the reader allocate without
// limit. The header holds every host's flags (about 800 bytes an agent: 16 MiB is
// about 20,000 agents), so it has a larger bound of its own, enough for the scenario
// limit of 100,000 agents (docs/limits.md).
struct TraceReaderLimits {
  std::size_t max_header_line = 256 * 1024 * 1024;
  std::size_t max_record_line = 16 * 1024 * 1024;
  // Records read (ten million take `agentsim invariants` about half a minute).
  std::uint64_t max_records = 10'000'000;
  // A trace without its end record (a run that did not finish, a file cut short) is an
  // error ("the trace is truncated: ..."), unless a partial view is wanted: then it reads
  // to the last whole line and TraceFile::end is absent.
  bool accept_truncated = false;
};

// The reader's message for a trace without its end record, which ends after `lines`.
std::string truncatedMessage(std::size_t lines);

// Reads a trace one record at a time: the header first, then next() until it returns
// false. A view of a 3-million-record trace never holds what it does not draw.
class TraceStream {
 public:
  explicit TraceStream(std::istream& in, const TraceReaderLimits& limits = {}) : in_(in), limits_(limits) {}
  sim::Try<sim::Fields> header();
  // Records whose line `skip` accepts are passed over unparsed (a view's cheap test that a
  // line cannot hold what it draws); a malformed line skipped so is not reported.
  void skipLines(std::function<bool(std::string_view)> skip) { skip_ = std::move(skip); }
  // The next record into `out`: true, or false at the end. The end record is checked (its
  // count, and that nothing follows it) and kept in end(), not handed out.
  sim::Try<bool> next(sim::Record& out);
  std::size_t line() const { return number_; }
  // Once next() returned false: the end record, absent when the trace was cut short.
  const std::optional<TraceEnd>& end() const { return end_; }

 private:
  sim::Try<bool> readLine(nlohmann::ordered_json& j);
  sim::Try<bool> ended(const sim::Record& end);
  std::istream& in_;
  TraceReaderLimits limits_;
  std::string line_;
  std::size_t number_ = 0;
  std::uint64_t records_ = 0;  // record lines read or skipped, the end record not counted
  std::optional<TraceEnd> end_;
  std::function<bool(std::string_view)> skip_;
};

// Errors name the line: "line 12: expected ...". A header of another format_version is
// refused, naming its version and the one this build reads; a trace without its end
// record is refused as truncated unless limits.accept_truncated. Version 2's top-level keys
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
