#include "sim/trace.hpp"

#include <array>
#include <ostream>

#include <fmt/format.h>

namespace agentsim::sim {

namespace {
constexpr std::array<std::string_view, 9> kKindNames{
    "send", "deliver", "drop", "timer", "state", "fault", "check", "log", "startup"};

void appendValue(std::string& out, const Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) {
    fmt::format_to(std::back_inserter(out), "{}", *i);
  } else if (const auto* b = std::get_if<bool>(&v)) {
    out += *b ? "true" : "false";
  } else if (const auto* s = std::get_if<std::string>(&v)) {
    appendJsonString(out, *s);
  } else {
    out += std::get<RawJson>(v).text;
  }
}

void appendFields(std::string& out, const Fields& fields) {
  out += '{';
  bool first = true;
  for (const Field& f : fields) {
    if (!first) out += ',';
    first = false;
    appendJsonString(out, f.key);
    out += ':';
    appendValue(out, f.value);
  }
  out += '}';
}
}  // namespace

std::string_view toString(RecordKind kind) { return kKindNames[static_cast<std::size_t>(kind)]; }

bool parseRecordKind(std::string_view text, RecordKind& out) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == text) {
      out = static_cast<RecordKind>(i);
      return true;
    }
  }
  return false;
}

const Value* Record::field(std::string_view key) const {
  for (const Field& f : fields) {
    if (f.key == key) return &f.value;
  }
  return nullptr;
}

std::string Record::text(std::string_view key) const {
  const Value* v = field(key);
  if (v == nullptr) return {};
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  return {};
}

std::int64_t Record::integer(std::string_view key, std::int64_t otherwise) const {
  const Value* v = field(key);
  if (v == nullptr) return otherwise;
  if (const auto* i = std::get_if<std::int64_t>(v)) return *i;
  return otherwise;
}

void appendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

std::string toJsonLine(const Fields& header) {
  std::string out;
  appendFields(out, header);
  return out;
}

std::string toJsonLine(const Record& r) {
  std::string out;
  out.reserve(160);
  fmt::format_to(std::back_inserter(out), "{{\"t\":{},\"seq\":{},\"kind\":", r.at.ns(), r.seq);
  appendJsonString(out, toString(r.kind));
  out += ",\"process\":";
  appendJsonString(out, r.process);
  out += ",\"host\":";
  appendJsonString(out, r.host);
  out += ",\"name\":";
  appendJsonString(out, r.name);
  out += ",\"fields\":";
  appendFields(out, r.fields);
  out += ",\"ref\":";
  appendJsonString(out, r.ref);
  out += '}';
  return out;
}

void JsonLinesSink::header(const Fields& h) { out_ << toJsonLine(h) << '\n'; }
void JsonLinesSink::record(const Record& r) { out_ << toJsonLine(r) << '\n'; }

void Trace::header(const Fields& h) {
  for (TraceSink* s : sinks_) s->header(h);
}

void Trace::emit(Record record) {
  record.seq = next_seq_++;
  for (TraceSink* s : sinks_) s->record(record);
}

}  // namespace agentsim::sim
