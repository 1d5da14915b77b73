// A leader's MasterInfo as its znode holds it, written by the contender and read by
// ZooKeeperMasterDetectorProcess::fetched (src/master/detector/zookeeper.cpp):
// `json.info` data as JSON (JSON::protobuf(MasterInfo), read back with stout's
// JSON::parse<JSON::Object> and ::protobuf::parse<MasterInfo>), and `info` data as a
// binary MasterInfo (MasterInfo::ParseFromString).
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "model/master/detector/detector.hpp"

namespace agentsim::model {

namespace {

// picojson's serialize_str (JSON::String's operator<<): '"', '\\' and '/' escaped, the
// short escapes, any other control character and DEL as \u00XX.
void appendString(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '/': out += "\\/"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// The IPv4 address every simulated host's MasterInfo names, 127.0.0.1 (agentsim's hosts
// have names, no addresses; a Mesos test's processes all run on the loopback), and its
// `ip` field: the packed 4 bytes in network order, read as a uint32 (MESOS-1201).
constexpr std::string_view kMasterInfoIp = "127.0.0.1";
constexpr std::uint32_t kMasterInfoPackedIp = 0x0100007FU;

}  // namespace

// JSON::protobuf(MasterInfo) of internal::protobuf::createMasterInfo's fields (the
// master's `info_`): the keys in name order, as stout's JSON::Object (a std::map)
// prints them; `address` (1.1's full address) beside the deprecated `ip`, `port`,
// `hostname`.
std::string masterInfoToJson(const MasterInfo& info) {
  std::string out = "{\"address\":{\"hostname\":";
  appendString(out, info.hostname);
  out += fmt::format(",\"ip\":\"{}\",\"port\":{}}},\"hostname\":", kMasterInfoIp, info.port);
  appendString(out, info.hostname);
  out += ",\"id\":";
  appendString(out, info.id);
  out += fmt::format(",\"ip\":{},\"pid\":", kMasterInfoPackedIp);
  appendString(out, info.pid);
  out += fmt::format(",\"port\":{},\"version\":\"1.1.0\"}}", info.port);
  return out;
}

namespace {

// ---------------------------------------------------------------------------------
// JSON::parse (3rdparty/stout/include/stout/json.hpp) over picojson, the parser 1.1
// bundles (with PICOJSON_USE_INT64): a value tree, objects as std::map (a repeated key:
// the last one).

struct Json;
using JsonObject = std::map<std::string, Json>;
struct Json {
  enum class Type { Null, Boolean, Integer, Double, String, Array, Object };
  Type type = Type::Null;
  bool boolean = false;
  std::int64_t integer = 0;
  double floating = 0;
  std::string string;
  std::vector<Json> array;
  std::shared_ptr<JsonObject> object;
};

const char* typeName(Json::Type type) {
  switch (type) {
    case Json::Type::Null: return "null";
    case Json::Type::Boolean: return "boolean";
    case Json::Type::Integer:
    case Json::Type::Double: return "number";
    case Json::Type::String: return "string";
    case Json::Type::Array: return "array";
    case Json::Type::Object: return "object";
  }
  return "value";
}

// picojson 1.3.0's input<Iter> (getc, ungetc, skip_ws, expect, match) and its _parse
// functions, step for step: the error's line is input::line() (counted when the
// character after a '\n' is read), its "near:" text what getc() reads next, up to the
// end of the line; parse's end is input::cur(), past a character that was put back.
class PicoJson {
 public:
  explicit PicoJson(std::string_view text) : s_(text) {}

  // picojson::parse: the value, or false (error() then says why).
  bool parse(Json& out) {
    if (value(out, 0)) return true;
    error_ = fmt::format("syntax error at line {} near: ", line_);
    while (true) {
      const int ch = getc();
      if (ch == -1 || ch == '\n') break;
      if (ch >= ' ') error_ += static_cast<char>(ch);
    }
    return false;
  }
  std::size_t end() const { return cur_; }
  const std::string& error() const { return error_; }
  // picojson's value(double) throws std::overflow_error for an infinite number.
  bool overflowed() const { return overflow_; }

 private:
  // 1.1's picojson nests without bound (a deep enough text overflows the agent's stack);
  // agentsim stops at a depth no MasterInfo reaches, as a syntax error there.
  static constexpr int kMaxDepth = 100;

  int getc() {
    if (ungot_) {
      ungot_ = false;
      return last_;
    }
    if (cur_ == s_.size()) {
      last_ = -1;
      return -1;
    }
    if (last_ == '\n') ++line_;
    last_ = static_cast<unsigned char>(s_[cur_++]);
    return last_;
  }
  void ungetc() {
    if (last_ != -1) ungot_ = true;
  }
  void skipWs() {
    while (true) {
      const int ch = getc();
      if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') {
        ungetc();
        return;
      }
    }
  }
  bool expect(int c) {
    skipWs();
    if (getc() != c) {
      ungetc();
      return false;
    }
    return true;
  }
  bool match(std::string_view word) {
    for (char c : word) {
      if (getc() != c) {
        ungetc();
        return false;
      }
    }
    return true;
  }

  // _parse.
  bool value(Json& out, int depth) {
    if (depth > kMaxDepth) return false;
    skipWs();
    const int ch = getc();
    switch (ch) {
      case 'n': out.type = Json::Type::Null; return match("ull");
      case 'f': out.type = Json::Type::Boolean; out.boolean = false; return match("alse");
      case 't': out.type = Json::Type::Boolean; out.boolean = true; return match("rue");
      case '"': out.type = Json::Type::String; return string(out.string);
      case '[': out.type = Json::Type::Array; return array(out.array, depth);
      case '{':
        out.type = Json::Type::Object;
        out.object = std::make_shared<JsonObject>();
        return object(*out.object, depth);
      default:
        if ((ch >= '0' && ch <= '9') || ch == '-') {
          ungetc();
          return number(out);
        }
        ungetc();
        return false;
    }
  }

  // _parse_array.
  bool array(std::vector<Json>& out, int depth) {
    if (expect(']')) return true;
    do {
      out.emplace_back();
      if (!value(out.back(), depth + 1)) return false;
    } while (expect(','));
    return expect(']');
  }

  // _parse_object: a repeated key is parsed again into the same slot (the last wins).
  bool object(JsonObject& out, int depth) {
    if (expect('}')) return true;
    do {
      std::string key;
      if (!expect('"') || !string(key) || !expect(':')) return false;
      Json item;
      if (!value(item, depth + 1)) return false;
      out[key] = std::move(item);
    } while (expect(','));
    return expect('}');
  }

  // _parse_number: the run of characters a number may hold; then an int64 (strtoimax
  // takes it all, without overflow) or a double (strtod takes it all).
  bool number(Json& out) {
    std::string text;
    while (true) {
      const int ch = getc();
      if ((ch >= '0' && ch <= '9') || ch == '+' || ch == '-' || ch == 'e' || ch == 'E' || ch == '.') {
        text += static_cast<char>(ch);
      } else {
        ungetc();
        break;
      }
    }
    if (text.empty()) return false;
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno == 0 && end == text.c_str() + text.size()) {
      out.type = Json::Type::Integer;
      out.integer = v;
      return true;
    }
    const double d = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) return false;
    if (std::isinf(d)) {
      overflow_ = true;
      return false;
    }
    out.type = Json::Type::Double;
    out.floating = d;
    return true;
  }

  // _parse_quadhex: a character that is not a hex digit is put back.
  int quadhex() {
    int v = 0;
    for (int i = 0; i < 4; ++i) {
      int c = getc();
      if (c == -1) return -1;
      if (c >= '0' && c <= '9') c -= '0';
      else if (c >= 'A' && c <= 'F') c -= 'A' - 10;
      else if (c >= 'a' && c <= 'f') c -= 'a' - 10;
      else {
        ungetc();
        return -1;
      }
      v = v * 16 + c;
    }
    return v;
  }

  // _parse_codepoint: \uXXXX, a surrogate pair as one code point, as UTF-8.
  bool codepoint(std::string& out) {
    int cp = quadhex();
    if (cp == -1) return false;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      if (cp >= 0xdc00) return false;
      if (getc() != '\\' || getc() != 'u') {
        ungetc();
        return false;
      }
      const int low = quadhex();
      if (low < 0xdc00 || low > 0xdfff) return false;
      cp = (((cp - 0xd800) << 10) | ((low - 0xdc00) & 0x3ff)) + 0x10000;
    }
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else {
      if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
      } else {
        if (cp < 0x10000) {
          out += static_cast<char>(0xe0 | (cp >> 12));
        } else {
          out += static_cast<char>(0xf0 | (cp >> 18));
          out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        }
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      }
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
    return true;
  }

  // _parse_string: a control character (below ' ', a NUL, a raw newline) ends it as
  // an error; the escapes \" \\ \/ \b \f \n \r \t \uXXXX; any other byte as it is.
  bool string(std::string& out) {
    while (true) {
      int ch = getc();
      if (ch < ' ') {
        ungetc();
        return false;
      }
      if (ch == '"') return true;
      if (ch != '\\') {
        out += static_cast<char>(ch);
        continue;
      }
      ch = getc();
      switch (ch) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u':
          if (!codepoint(out)) return false;
          break;
        default: return false;  // -1 included
      }
    }
  }

  std::string_view s_;
  std::size_t cur_ = 0;
  int last_ = -1;
  bool ungot_ = false;
  int line_ = 1;
  bool overflow_ = false;
  std::string error_;
};

// JSON::parse<JSON::Object>: picojson's error, trailing text, or another type.
sim::Try<JsonObject> parseJsonObject(std::string_view text) {
  PicoJson parser(text);
  Json value;
  if (!parser.parse(value)) {
    // picojson's value(double) throws for an infinite number (1e999), which nothing in
    // Mesos 1.1 catches: the agent aborts. agentsim reports it as the parse's error.
    if (parser.overflowed()) return sim::Error{"std::overflow_error: a number beyond a double"};
    return sim::Error{parser.error()};
  }
  // stout: parseEnd must be one past the last non-whitespace character (an all-blank
  // text's `npos + 1` is 0).
  const std::size_t last = text.find_last_not_of(" \t\n\r");
  const std::size_t visibleEnd = last == std::string_view::npos ? 0 : last + 1;
  if (parser.end() != visibleEnd) {
    // s.substr(parseEnd, lastVisibleChar + 1 - parseEnd): past a blank that a number's
    // end swallowed ("1 "), the length wraps and the rest of the text is taken.
    const std::size_t length = visibleEnd >= parser.end() ? visibleEnd - parser.end() : std::string_view::npos;
    return sim::Error{"Parsed JSON included non-whitespace trailing characters: " +
                      std::string(text.substr(parser.end(), length))};
  }
  if (value.type != Json::Type::Object) return sim::Error{"Unexpected JSON type parsed"};
  return *value.object;
}

// ---------------------------------------------------------------------------------
// ::protobuf::parse<MasterInfo> (stout's protobuf.hpp, internal::Parser) over the two
// messages of mesos.proto it reads:
//   MasterInfo { required string id = 1; required uint32 ip = 2; required uint32 port = 3;
//                optional string pid = 4; optional string hostname = 5;
//                optional string version = 6; optional Address address = 7; }
//   Address { optional string hostname = 1; optional string ip = 2; required int32 port = 3; }

enum class FieldType { String, UInt32, Int32, Message };
struct FieldDescriptor {
  std::string_view name;
  int number;
  FieldType type;
  bool required;
};
constexpr FieldDescriptor kMasterInfoFields[] = {
    {"id", 1, FieldType::String, true},          {"ip", 2, FieldType::UInt32, true},
    {"port", 3, FieldType::UInt32, true},        {"pid", 4, FieldType::String, false},
    {"hostname", 5, FieldType::String, false},   {"version", 6, FieldType::String, false},
    {"address", 7, FieldType::Message, false},
};
constexpr FieldDescriptor kAddressFields[] = {
    {"hostname", 1, FieldType::String, false},
    {"ip", 2, FieldType::String, false},
    {"port", 3, FieldType::Int32, true},
};

// A message as reflection sees it: the fields that are set, by number.
struct Message {
  std::map<int, std::string> strings;
  std::map<int, std::uint64_t> numbers;
  std::map<int, Message> messages;
  bool has(int number) const { return strings.count(number) + numbers.count(number) + messages.count(number) > 0; }
};

template <std::size_t N>
const FieldDescriptor* findField(const FieldDescriptor (&fields)[N], std::string_view name) {
  for (const auto& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// JSON::Number::as<T>(): the number cast to the field's type; a double as x86-64's
// cvttsd2si casts it to uint32_t (through int64, whose out-of-range value is
// 0x8000000000000000: 0 once truncated).
std::uint64_t asNumber(const Json& number, FieldType type) {
  if (number.type == Json::Type::Double) {
    const double d = number.floating;
    constexpr double kTwo63 = 9223372036854775808.0;
    const auto wide = d >= kTwo63 || d < -kTwo63 || d != d ? std::int64_t{0} : static_cast<std::int64_t>(d);
    return type == FieldType::UInt32 ? static_cast<std::uint32_t>(wide)
                                     : static_cast<std::uint32_t>(static_cast<std::int32_t>(wide));
  }
  return type == FieldType::UInt32 ? static_cast<std::uint32_t>(number.integer)
                                   : static_cast<std::uint32_t>(static_cast<std::int32_t>(number.integer));
}

// internal::parse: each key of the object (in order: a std::map) that names a field is
// set by the Parser visitor; an unknown key is ignored; `null` leaves a field unset.
template <std::size_t N>
sim::Try<Message> parseMessage(const FieldDescriptor (&fields)[N], const JsonObject& object);

std::optional<std::string> setField(Message& message, const FieldDescriptor& field, const Json& value) {
  const auto notExpecting = [&] {
    return fmt::format("Not expecting a JSON {} for field '{}'", typeName(value.type), field.name);
  };
  switch (value.type) {
    case Json::Type::Null: return std::nullopt;
    case Json::Type::Object: {
      if (field.type != FieldType::Message) return notExpecting();
      auto nested = parseMessage(kAddressFields, *value.object);
      if (nested.isError()) return nested.error();
      message.messages[field.number] = nested.get();
      return std::nullopt;
    }
    case Json::Type::String:
      if (field.type != FieldType::String) return notExpecting();
      message.strings[field.number] = value.string;
      return std::nullopt;
    case Json::Type::Integer:
    case Json::Type::Double:
      if (field.type != FieldType::UInt32 && field.type != FieldType::Int32) return notExpecting();
      message.numbers[field.number] = asNumber(value, field.type);
      return std::nullopt;
    case Json::Type::Array:
      // No field of these messages is repeated: "Not expecting a JSON array".
      return notExpecting();
    case Json::Type::Boolean: return notExpecting();
  }
  return std::nullopt;
}

template <std::size_t N>
sim::Try<Message> parseMessage(const FieldDescriptor (&fields)[N], const JsonObject& object) {
  Message message;
  for (const auto& [name, value] : object) {
    const FieldDescriptor* field = findField(fields, name);
    if (field == nullptr) continue;
    if (auto error = setField(message, *field, value)) return sim::Error{*error};
  }
  return message;
}

// Message::InitializationErrorString: the required fields not set, in field order, then
// those of the set message fields with their prefix ("address.port"), ", "-separated.
void missingFields(const Message& message, bool isMasterInfo, const std::string& prefix,
                   std::vector<std::string>& out) {
  const auto check = [&](const auto& fields) {
    for (const auto& f : fields) {
      if (f.required && !message.has(f.number)) out.push_back(prefix + std::string(f.name));
    }
    for (const auto& f : fields) {
      if (f.type == FieldType::Message && message.messages.count(f.number) > 0) {
        missingFields(message.messages.at(f.number), false, prefix + std::string(f.name) + ".", out);
      }
    }
  };
  if (isMasterInfo) {
    check(kMasterInfoFields);
  } else {
    check(kAddressFields);
  }
}

std::optional<std::string> initializationError(const Message& message) {
  std::vector<std::string> missing;
  missingFields(message, true, "", missing);
  if (missing.empty()) return std::nullopt;
  std::string out;
  for (const auto& name : missing) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// The model's MasterInfo of a parsed message: `pid` is what UPID(info.pid()) prints (the
// agent and the log read it so; the empty UPID where libprocess cannot parse it).
MasterInfo toMasterInfo(const Message& message) {
  MasterInfo out;
  const auto str = [&](int n) { return message.strings.count(n) ? message.strings.at(n) : std::string(); };
  out.id = str(1);
  out.pid = readUpid(str(4)).pid;
  out.hostname = str(5);
  out.port = static_cast<std::uint32_t>(message.numbers.count(3) ? message.numbers.at(3) : 5050);
  return out;
}

sim::Try<MasterInfo> parseMasterInfoJson(std::string_view json) {
  auto object = parseJsonObject(json);
  if (object.isError()) return sim::Error{"Failed to parse data into valid JSON: " + object.error()};
  // Parse<MasterInfo>::operator(): internal::parse, then IsInitialized.
  auto message = parseMessage(kMasterInfoFields, object.get());
  if (message.isError()) {
    return sim::Error{"Failed to parse JSON into a valid MasterInfo protocol buffer: " + message.error()};
  }
  if (auto missing = initializationError(message.get())) {
    return sim::Error{"Failed to parse JSON into a valid MasterInfo protocol buffer: Missing required fields: " +
                      *missing};
  }
  return toMasterInfo(message.get());
}

// ---------------------------------------------------------------------------------
// MasterInfo::ParseFromString (protobuf 2.6.1's CodedInputStream and the generated
// MergePartialFromCodedStream): tags and values; a known field's value of another wire
// type is kept as an unknown field; groups are skipped; false on a malformed stream, an
// end-group tag or a zero tag where the message should go on, or a missing required
// field (ParseFromString checks IsInitialized).

class Wire {
 public:
  explicit Wire(std::string_view bytes) : s_(bytes) {}
  bool done() const { return pos_ >= s_.size(); }
  // ReadVarint64: at most 10 bytes.
  bool varint(std::uint64_t& out) {
    out = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (pos_ >= s_.size()) return false;
      const auto b = static_cast<unsigned char>(s_[pos_++]);
      if (shift < 64) out |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  // ReadVarint32 (tags and lengths): the same bytes, the high bits discarded.
  bool varint32(std::uint32_t& out) {
    std::uint64_t v = 0;
    if (!varint(v)) return false;
    out = static_cast<std::uint32_t>(v);
    return true;
  }
  // ReadString: a length, then that many bytes, all of them there.
  bool bytes(std::string& out) {
    std::uint32_t n = 0;
    if (!varint32(n) || n > s_.size() - pos_) return false;
    out = std::string(s_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  // ReadMessageNoVirtual's PushLimit: a length, then the bytes up to it; a length past
  // the end is limited to the end (min with the enclosing limit), where the nested
  // message ends as at a legitimate limit.
  bool limited(std::string& out) {
    std::uint32_t n = 0;
    if (!varint32(n)) return false;
    out = std::string(s_.substr(pos_, n));
    pos_ += out.size();
    return true;
  }
  bool skip(std::size_t n) {
    if (n > s_.size() - pos_) return false;
    pos_ += n;
    return true;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

// CodedInputStream's default recursion limit: nested messages and groups.
constexpr int kRecursionLimit = 100;

// WireFormat::SkipField of an unknown field; a group is skipped to its end tag.
bool skipField(Wire& wire, std::uint32_t tag, int depth);

// SkipField's START_GROUP: IncrementRecursionDepth, SkipMessage (to a zero tag or any
// end-group tag), then LastTagWas(the matching end-group tag).
bool skipGroup(Wire& wire, std::uint32_t number, int depth) {
  if (depth + 1 > kRecursionLimit) return false;
  while (!wire.done()) {
    std::uint32_t tag = 0;
    if (!wire.varint32(tag) || tag == 0) return false;
    if ((tag & 7) == 4) return (tag >> 3) == number;
    if (!skipField(wire, tag, depth + 1)) return false;
  }
  return false;
}

bool skipField(Wire& wire, std::uint32_t tag, int depth) {
  std::uint64_t v = 0;
  std::string b;
  switch (tag & 7) {
    case 0: return wire.varint(v);
    case 1: return wire.skip(8);
    case 2: return wire.bytes(b);
    case 3: return skipGroup(wire, tag >> 3, depth);
    case 5: return wire.skip(4);
    default: return false;
  }
}

// MergePartialFromCodedStream: each tag (ReadTag: 0 at the end of the data); a zero tag
// or an end-group tag before the end stops it where ConsumedEntireMessage is false.
template <std::size_t N>
bool parseWire(std::string_view bytes, const FieldDescriptor (&fields)[N], Message& out, int depth) {
  Wire wire(bytes);
  while (!wire.done()) {
    std::uint32_t tag = 0;
    if (!wire.varint32(tag) || tag == 0 || (tag & 7) == 4) return false;
    const FieldDescriptor* field = nullptr;
    for (const auto& f : fields) {
      if (static_cast<std::uint32_t>(f.number) == (tag >> 3)) field = &f;
    }
    const std::uint32_t wireType = tag & 7;
    const bool lengthDelimited = field != nullptr && (field->type == FieldType::String || field->type == FieldType::Message);
    if (field == nullptr || wireType != (lengthDelimited ? 2U : 0U)) {
      // handle_unusual: WireFormat::SkipField, a field number 0 included.
      if (!skipField(wire, tag, depth)) return false;
      continue;
    }
    if (field->type == FieldType::String) {
      if (!wire.bytes(out.strings[field->number])) return false;
    } else if (field->type == FieldType::Message) {
      std::string nested;
      if (!wire.limited(nested) || depth + 1 > kRecursionLimit) return false;
      // A repeated occurrence of a message field merges into it.
      if (!parseWire(nested, kAddressFields, out.messages[field->number], depth + 1)) return false;
    } else {
      std::uint64_t v = 0;
      if (!wire.varint(v)) return false;
      out.numbers[field->number] = static_cast<std::uint32_t>(v);
    }
  }
  return true;
}

}  // namespace

sim::Try<MasterInfo> masterInfoFromJson(std::string_view json) {
  // Every agent's detector reads the same leader's data: the last text's result is kept
  // (per thread, for the fuzzer's workers), so a failover of 100,000 agents parses it once.
  thread_local std::string last_json;
  thread_local std::optional<sim::Try<MasterInfo>> last;
  if (!last || json != last_json) {
    last = parseMasterInfoJson(json);
    last_json = json;
  }
  return *last;
}

std::optional<MasterInfo> masterInfoFromBinary(std::string_view data, std::string* rawPid) {
  Message message;
  if (!parseWire(data, kMasterInfoFields, message, 0) || initializationError(message)) return std::nullopt;
  if (rawPid != nullptr) *rawPid = message.strings.count(4) ? message.strings.at(4) : std::string();
  return toMasterInfo(message);
}

}  // namespace agentsim::model
