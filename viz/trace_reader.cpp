#include "viz/trace_reader.hpp"

#include <algorithm>
#include <string_view>

#include <array>
#include <cstdint>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace agentsim::viz {

namespace {
constexpr int kMaxNesting = 64;  // objects and arrays, as harness/json_reader.hpp's max_depth

// The deepest nesting of objects and arrays in a JSON text, strings skipped; stops
// counting past kMaxNesting.
int nestingDepth(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool inString = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      if (c == '\\') ++i;
      else if (c == '"') inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
      if (deepest > kMaxNesting) return deepest;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}
}  // namespace

namespace {

// A time field (ns, signed 64-bit) and a counter (unsigned 64-bit): JSON integers in range
// only, so a float or an out-of-range number is an error, never a conversion nlohmann would
// leave undefined (found by the trace reader's fuzzer).
bool isSigned64(const nlohmann::ordered_json& v) {
  return v.is_number_integer() && (!v.is_number_unsigned() ||
                                   v.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX));
}

// Objects and arrays stay JSON text; scalars become typed values (an integer beyond
// signed 64 bits stays JSON text).
sim::Value toValue(const nlohmann::ordered_json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer() && isSigned64(v)) return v.get<std::int64_t>();
  if (v.is_string()) return v.get<std::string>();
  return sim::RawJson{v.dump()};
}

enum class LineRead { Line, End, TooLong };

// std::getline, but it stops once the line is longer than `limit` bytes rather than
// growing `line` without bound.
LineRead readLine(std::istream& in, std::string& line, std::size_t limit) {
  line.clear();
  std::array<char, 64 * 1024> chunk;  // NOLINT(cppcoreguidelines-pro-type-member-init): getline fills it
  for (;;) {
    in.getline(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto extracted = static_cast<std::size_t>(in.gcount());
    if (in.bad()) return LineRead::End;
    if (in.fail() && !in.eof()) {
      // The chunk filled up before the end of the line.
      line.append(chunk.data(), extracted);
      in.clear();
      if (line.size() > limit) return LineRead::TooLong;
      continue;
    }
    if (in.eof()) {
      // The last line has no newline (or there is no line left).
      line.append(chunk.data(), extracted);
      if (line.empty()) return LineRead::End;
    } else {
      line.append(chunk.data(), extracted - 1);  // the newline is counted, not stored
    }
    return line.size() > limit ? LineRead::TooLong : LineRead::Line;
  }
}

}  // namespace

namespace {

sim::Try<sim::Record> parseRecord(const nlohmann::ordered_json& j, std::size_t number) {
  sim::Record r;
  try {
    for (const char* key : {"t", "armed"}) {
      if (j.contains(key) && !isSigned64(j.at(key))) {
        return sim::Error{fmt::format("line {}: \"{}\" must be a signed 64-bit integer (ns), got {}", number, key,
                                      j.at(key).dump())};
      }
    }
    for (const char* key : {"seq", "msg"}) {
      if (j.contains(key) && !j.at(key).is_number_unsigned()) {
        return sim::Error{fmt::format("line {}: \"{}\" must be an unsigned 64-bit integer, got {}", number, key,
                                      j.at(key).dump())};
      }
    }
    r.at = sim::Time::fromNanoseconds(j.at("t").get<std::int64_t>());
    r.seq = j.at("seq").get<std::uint64_t>();
    if (const auto m = j.find("msg"); m != j.end()) r.msg = m->get<std::uint64_t>();
    if (const auto d = j.find("duplicate"); d != j.end()) r.duplicate = d->get<bool>();
    if (const auto a = j.find("armed"); a != j.end()) r.armed = sim::Time::fromNanoseconds(a->get<std::int64_t>());
    if (!sim::parseRecordKind(j.at("kind").get<std::string>(), r.kind)) {
      return sim::Error{fmt::format("line {}: unknown record kind {}", number, j.at("kind").dump())};
    }
    r.process = j.at("process").get<std::string>();
    r.host = j.at("host").get<std::string>();
    r.name = j.at("name").get<std::string>();
    r.ref = j.at("ref").get<std::string>();
    for (const auto& [k, v] : j.at("fields").items()) {
      r.fields.push_back({k, toValue(v)});
    }
  } catch (const nlohmann::json::exception& e) {
    return sim::Error{fmt::format("line {}: {}", number, e.what())};
  }
  return r;
}

}  // namespace

sim::Try<bool> TraceStream::readLine(nlohmann::ordered_json& j) {
  for (;;) {
    const std::size_t limit = number_ == 0 ? limits_.max_header_line : limits_.max_record_line;
    const LineRead read = viz::readLine(in_, line_, limit);
    if (read == LineRead::End) return false;
    ++number_;
    if (read == LineRead::TooLong) {
      return sim::Error{fmt::format("line {}: {} longer than {} (a limit of agentsim's trace reader; see "
                                    "docs/limits.md)",
                                    number_, number_ == 1 ? "the header is" : "the record is", sim::formatBytes(limit))};
    }
    if (line_.empty()) continue;
    if (number_ > 1 && records_ >= limits_.max_records && line_.find("\"kind\":\"end\"") == std::string::npos) {
      return sim::Error{fmt::format("line {}: more than {} records (a limit of agentsim's trace reader; see "
                                    "docs/limits.md)",
                                    number_, limits_.max_records)};
    }
    // The end record is never skipped: without it the trace would read as truncated.
    if (number_ > 1 && skip_ && !end_ && line_.find("\"kind\":\"end\"") == std::string::npos && skip_(line_)) {
      ++records_;
      continue;
    }
    // A trace is untrusted input: nlohmann's parser recurses once per nesting level, so a
    // line nested a million deep would overflow the stack. agentsim writes at most a few
    // levels; refuse deeper ones before parsing, as the scenario loader does.
    if (nestingDepth(line_) > kMaxNesting) {
      return sim::Error{fmt::format("line {}: nested deeper than {} levels (a limit of agentsim's trace reader; see "
                                    "docs/limits.md)",
                                    number_, kMaxNesting)};
    }
    // ordered_json keeps the writer's field order, so a round trip is exact.
    j = nlohmann::ordered_json::parse(line_, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return sim::Error{fmt::format("line {}: not a JSON object", number_)};
    return true;
  }
}

sim::Try<sim::Fields> TraceStream::header() {
  nlohmann::ordered_json j;
  auto read = readLine(j);
  if (read.isError()) return sim::Error{read.error()};
  if (!*read) return sim::Error{"empty trace: expected a header line"};
  if (!j.contains("format_version")) return sim::Error{"line 1: missing the header (format_version)"};
  // Compared as the 64-bit number written: 4294967298 is not version 2.
  const auto& version = j["format_version"];
  if (!version.is_number_integer() || version.is_number_unsigned() != (version.get<std::int64_t>() >= 0) ||
      version.get<std::int64_t>() != sim::kTraceFormatVersion) {
    return sim::Error{fmt::format("line 1: unsupported trace format version {} (this agentsim reads version {}; "
                                  "docs/trace-format.md says what changed)",
                                  j["format_version"].dump(), sim::kTraceFormatVersion)};
  }
  sim::Fields header;
  for (const auto& [k, v] : j.items()) header.push_back({k, toValue(v)});
  return header;
}

std::string truncatedMessage(std::size_t lines) {
  return fmt::format("the trace is truncated: it ends after line {} without the end record a finished run writes "
                     "last (the run did not finish, or the file was cut short; docs/trace-format.md)",
                     lines);
}

sim::Try<bool> TraceStream::next(sim::Record& out) {
  nlohmann::ordered_json j;
  auto read = readLine(j);
  if (read.isError()) return read;
  if (!*read) {
    if (!end_ && !limits_.accept_truncated) return sim::Error{truncatedMessage(number_)};
    return false;
  }
  if (end_) {
    return sim::Error{fmt::format("line {}: a record after the end record (docs/trace-format.md)", number_)};
  }
  auto r = parseRecord(j, number_);
  if (r.isError()) return sim::Error{r.error()};
  if (r->kind == sim::RecordKind::End) return ended(*r);
  ++records_;
  out = std::move(r).get();
  return true;
}

// The end record: it counts the records before it; then nothing may follow.
sim::Try<bool> TraceStream::ended(const sim::Record& end) {
  const std::int64_t counted = end.integer("records", -1);
  if (counted < 0 || static_cast<std::uint64_t>(counted) != records_ || end.seq != records_) {
    return sim::Error{fmt::format("line {}: the end record counts {} records (seq {}), but {} precede it: the trace "
                                  "lost records (docs/trace-format.md)",
                                  number_, counted, end.seq, records_)};
  }
  end_ = TraceEnd{end.at, records_};
  sim::Record after;
  return next(after);
}

sim::Try<TraceFile> readTrace(std::istream& in, const TraceReaderLimits& limits) {
  return readTrace(in, nullptr, limits);
}

sim::Try<TraceFile> readTrace(std::istream& in, const std::function<bool(const sim::Record&)>& keep,
                              const TraceReaderLimits& limits, std::function<bool(std::string_view)> skipLine) {
  TraceStream stream(in, limits);
  stream.skipLines(std::move(skipLine));
  auto header = stream.header();
  if (header.isError()) return sim::Error{header.error()};
  TraceFile file;
  file.header = std::move(header).get();
  sim::Record r;
  for (;;) {
    auto more = stream.next(r);
    if (more.isError()) return sim::Error{more.error()};
    if (!*more) break;
    if (!keep || keep(r)) file.records.push_back(std::move(r));
  }
  file.end = stream.end();
  return file;
}

std::vector<std::uint64_t> evidenceSeqsOf(const sim::Record& check) {
  std::vector<std::uint64_t> out;
  const sim::Value* v = check.field("evidence_seqs");
  const auto* raw = v == nullptr ? nullptr : std::get_if<sim::RawJson>(v);
  if (raw == nullptr) return out;
  std::uint64_t n = 0;
  bool inNumber = false;
  for (char c : raw->text) {
    if (c >= '0' && c <= '9') {
      n = n * 10 + static_cast<std::uint64_t>(c - '0');
      inNumber = true;
    } else if (inNumber) {
      out.push_back(n);
      n = 0;
      inNumber = false;
    }
  }
  return out;
}

}  // namespace agentsim::viz
