#include "sim/trace.hpp"

#include <algorithm>
#include <array>
#include <ostream>

#include <fmt/format.h>

namespace agentsim::sim {

namespace {
constexpr std::array<std::string_view, kRecordKinds> kKindNames{
    "send", "deliver", "drop", "timer", "state", "fault", "check", "log", "startup", "end"};

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
  fmt::format_to(std::back_inserter(out), "{{\"t\":{},\"seq\":{},", r.at.ns(), r.seq);
  if (r.msg != 0) {
    fmt::format_to(std::back_inserter(out), "\"msg\":{},", r.msg);
    if (r.duplicate) out += "\"duplicate\":true,";
  }
  if (r.kind == RecordKind::Timer) fmt::format_to(std::back_inserter(out), "\"armed\":{},", r.armed.ns());
  out += "\"kind\":";
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
void JsonLinesSink::end(const Record& r) { out_ << toJsonLine(r) << '\n'; }

Interest Interest::everything() {
  Interest i;
  i.all_ = kAll;
  return i;
}

Interest& Interest::kind(RecordKind kind) {
  all_ |= bit(kind);
  return *this;
}

Interest& Interest::name(RecordKind kind, std::string_view name) {
  auto& names = names_[static_cast<std::size_t>(kind)];
  const auto it = std::lower_bound(names.begin(), names.end(), name);
  if (it == names.end() || *it != name) names.insert(it, std::string(name));
  filter_[static_cast<std::size_t>(kind)] |= std::uint64_t{1} << filterBit(name);
  some_ |= bit(kind);
  return *this;
}

Interest& Interest::topic(RecordKind kind, std::string_view topic) {
  auto& topics = topics_[static_cast<std::size_t>(kind)];
  if (std::find(topics.begin(), topics.end(), topic) == topics.end()) topics.emplace_back(topic);
  topical_ |= bit(kind);
  return *this;
}

Interest& Interest::merge(const Interest& other) {
  all_ |= other.all_;
  for (std::size_t k = 0; k < names_.size(); ++k) {
    for (const std::string& n : other.names_[k]) name(static_cast<RecordKind>(k), n);
    for (const std::string& t : other.topics_[k]) topic(static_cast<RecordKind>(k), t);
  }
  return *this;
}

bool Interest::named(RecordKind kind, std::string_view name) const {
  if ((some_ & bit(kind)) == 0 || !mayBeNamed(kind, name)) return false;
  const auto& names = names_[static_cast<std::size_t>(kind)];
  return std::binary_search(names.begin(), names.end(), name);
}

bool Interest::wants(RecordKind kind, std::string_view name) const {
  if (((all_ | topical_) & bit(kind)) != 0) return true;
  return named(kind, name);
}

bool Interest::admitsNamedOrTopic(RecordKind kind, std::string_view name, std::string_view topic) const {
  const std::uint32_t b = bit(kind);
  if (named(kind, name)) return true;
  if ((topical_ & b) == 0 || topic.empty()) return false;
  const auto& topics = topics_[static_cast<std::size_t>(kind)];
  return std::find(topics.begin(), topics.end(), topic) != topics.end();
}

bool Interest::wantsAny(RecordKind kind) const { return ((all_ | some_ | topical_) & bit(kind)) != 0; }

void Trace::addSink(TraceSink* sink) {
  sinks_.push_back(Listener{sink, sink->interest(), sink->retains()});
  interest_.merge(sinks_.back().interest);
}

void Trace::header(const Fields& h) {
  for (const Listener& l : sinks_) l.sink->header(h);
}

void Trace::end(Time at) {
  if (sinks_.empty()) return;
  Record r;
  r.at = at;
  r.seq = next_seq_;
  r.kind = RecordKind::End;
  r.name = "end";
  r.fields = {{"records", static_cast<std::int64_t>(next_seq_)}};
  for (const Listener& l : sinks_) l.sink->end(r);
}

std::string formatBytes(std::uint64_t bytes) {
  if (bytes != 0 && bytes % (std::uint64_t{1} << 30) == 0) return fmt::format("{} GiB", bytes >> 30);
  if (bytes != 0 && bytes % (std::uint64_t{1} << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  return fmt::format("{} bytes", bytes);
}

std::uint64_t approximateBytes(const Record& r) {
  constexpr std::uint64_t kRecord = 192;  // sizeof(Record)
  constexpr std::uint64_t kField = 72;    // sizeof(Field)
  constexpr std::uint64_t kAllocation = 16;
  const auto text = [](std::size_t size) -> std::uint64_t { return size > 15 ? size + 1 + kAllocation : 0; };
  std::uint64_t bytes = kRecord + text(r.process.size()) + text(r.host.size()) + text(r.name.size()) +
                        text(r.ref.size());
  if (!r.fields.empty()) bytes += kAllocation + kField * r.fields.size();
  for (const Field& f : r.fields) {
    bytes += text(f.key.size());
    if (const auto* s = std::get_if<std::string>(&f.value)) bytes += text(s->size());
    if (const auto* j = std::get_if<RawJson>(&f.value)) bytes += text(j->text.size());
  }
  return bytes;
}

void Trace::emit(Record record) {
  record.seq = next_seq_++;
  TraceSink* last = nullptr;
  bool retained = false;
  for (const Listener& l : sinks_) {
    if (!l.interest.wants(record.kind, record.name)) continue;
    if (last != nullptr) last->record(record);
    last = l.sink;
    retained = retained || l.retains;
  }
  if (retained) {
    ++retained_;
    bytes_ += approximateBytes(record);
  }
  if (last != nullptr) last->take(std::move(record));
}

}  // namespace agentsim::sim
