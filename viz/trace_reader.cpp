#include "viz/trace_reader.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace agentsim::viz {

namespace {

// Objects and arrays stay JSON text; scalars become typed values.
sim::Value toValue(const nlohmann::ordered_json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_string()) return v.get<std::string>();
  return sim::RawJson{v.dump()};
}

}  // namespace

sim::Try<TraceFile> readTrace(std::istream& in) {
  TraceFile file;
  std::string line;
  std::size_t number = 0;
  constexpr std::size_t kMaxLine = 16 * 1024 * 1024;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    if (line.size() > kMaxLine) return sim::Error{fmt::format("line {}: longer than {} bytes", number, kMaxLine)};
    // ordered_json keeps the writer's field order, so a round trip is exact.
    auto j = nlohmann::ordered_json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return sim::Error{fmt::format("line {}: not a JSON object", number)};
    if (number == 1) {
      if (!j.contains("format_version")) return sim::Error{"line 1: missing the header (format_version)"};
      if (!j["format_version"].is_number_integer() || j["format_version"].get<int>() != sim::kTraceFormatVersion) {
        return sim::Error{fmt::format("line 1: unsupported trace format version {} (this agentsim reads {})",
                                      j["format_version"].dump(), sim::kTraceFormatVersion)};
      }
      for (const auto& [k, v] : j.items()) {
        file.header.push_back({k, toValue(v)});
      }
      continue;
    }
    sim::Record r;
    try {
      r.at = sim::Time::fromNanoseconds(j.at("t").get<std::int64_t>());
      r.seq = j.at("seq").get<std::uint64_t>();
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
    file.records.push_back(std::move(r));
  }
  if (number == 0) return sim::Error{"empty trace: expected a header line"};
  return file;
}

}  // namespace agentsim::viz
