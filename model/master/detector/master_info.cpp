// A leader's MasterInfo as its znode holds it, written by the contender and read by
// ZooKeeperMasterDetectorProcess::fetched (src/master/detector/zookeeper.cpp):
// `json.info` data as JSON (JSON::protobuf(MasterInfo), read back with stout's
// JSON::parse<JSON::Object> and ::protobuf::parse<MasterInfo>), and `info` data as a
// binary MasterInfo (MasterInfo::ParseFromString).
#include <cerrno>
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

void appendString(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
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

// picojson's input<Iter> and _parse: `pos` is where the next getc() reads; a failure
// leaves it at the character that failed (picojson's ungetc), from which the error's
// "near:" text runs to the end of the line.
class PicoJson {
 public:
  explicit PicoJson(std::string_view text) : s_(text) {}

  // picojson::parse: the value, or "syntax error at line N near: ...".
  bool parse(Json& out) { return value(out, 0); }
  std::size_t end() const { return pos_; }
  std::string error() const {
    int line = 1;
    for (std::size_t i = 0; i < pos_ && i < s_.size(); ++i) line += s_[i] == '\n' ? 1 : 0;
    std::string err = fmt::format("syntax error at line {} near: ", line);
    for (std::size_t i = pos_; i < s_.size() && s_[i] != '\n'; ++i) {
      if (static_cast<unsigned char>(s_[i]) >= ' ') err += s_[i];
    }
    return err;
  }

 private:
  // picojson nests at most DEFAULT_MAX_DEPTHS... 1.1's copy has no bound; agentsim
  // stops at a depth no MasterInfo reaches, as a syntax error.
  static constexpr int kMaxDepth = 100;

  int peek() const { return pos_ < s_.size() ? static_cast<unsigned char>(s_[pos_]) : -1; }
  void skipWs() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool expect(char c) {
    skipWs();
    if (peek() != static_cast<unsigned char>(c)) return false;
    ++pos_;
    return true;
  }
  bool match(std::string_view word) {
    for (char c : word) {
      if (peek() != static_cast<unsigned char>(c)) return false;
      ++pos_;
    }
    return true;
  }

  bool value(Json& out, int depth) {
    if (depth > kMaxDepth) return false;
    skipWs();
    const int ch = peek();
    if (ch == -1) return false;
    ++pos_;
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
          --pos_;
          return number(out);
        }
        --pos_;  // in.ungetc()
        return false;
    }
  }

  bool array(std::vector<Json>& out, int depth) {
    if (expect(']')) return true;
    do {
      out.emplace_back();
      if (!value(out.back(), depth + 1)) return false;
    } while (expect(','));
    return expect(']');
  }

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

  // _parse_number: the run of characters a number may hold, then an int64 (no '.',
  // 'e', 'E', and strtoll takes it all, without overflow) or a double (strtod).
  bool number(Json& out) {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && ((s_[pos_] >= '0' && s_[pos_] <= '9') || s_[pos_] == '+' || s_[pos_] == '-' ||
                                s_[pos_] == 'e' || s_[pos_] == 'E' || s_[pos_] == '.')) {
      ++pos_;
    }
    const std::string text(s_.substr(start, pos_ - start));
    if (text.find_first_of(".eE") == std::string::npos) {
      errno = 0;
      char* end = nullptr;
      const long long v = std::strtoll(text.c_str(), &end, 10);
      if (errno == 0 && end == text.c_str() + text.size()) {
        out.type = Json::Type::Integer;
        out.integer = v;
        return true;
      }
    }
    char* end = nullptr;
    const double d = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size()) return false;
    out.type = Json::Type::Double;
    out.floating = d;
    return true;
  }

  int hex4() {
    int v = 0;
    for (int i = 0; i < 4; ++i) {
      const int c = peek();
      if (c == -1) return -1;
      ++pos_;
      if (c >= '0' && c <= '9') v = v * 16 + (c - '0');
      else if (c >= 'a' && c <= 'f') v = v * 16 + (c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v = v * 16 + (c - 'A' + 10);
      else return -1;
    }
    return v;
  }

  void utf8(std::string& out, long cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  // _parse_string and _parse_codepoint: the escapes \" \\ \/ \b \f \n \r \t \uXXXX
  // (a surrogate pair as one code point); any other byte as it is.
  bool string(std::string& out) {
    while (true) {
      const int ch = peek();
      if (ch == -1) return false;
      ++pos_;
      if (ch == '"') return true;
      if (ch != '\\') {
        out += static_cast<char>(ch);
        continue;
      }
      const int e = peek();
      if (e == -1) return false;
      ++pos_;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          long cp = hex4();
          if (cp == -1) return false;
          if (cp >= 0xd800 && cp <= 0xdfff) {
            if (cp >= 0xdc00 || !match("\\u")) return false;
            const int low = hex4();
            if (low < 0xdc00 || low > 0xdfff) return false;
            cp = ((cp - 0xd800) << 10 | (low - 0xdc00)) + 0x10000;
          }
          utf8(out, cp);
          break;
        }
        default: return false;
      }
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

// JSON::parse<JSON::Object>: picojson's error, trailing text, or another type.
sim::Try<JsonObject> parseJsonObject(std::string_view text) {
  PicoJson parser(text);
  Json value;
  if (!parser.parse(value)) return sim::Error{parser.error()};
  const std::size_t last = text.find_last_not_of(" \t\n\r");
  const std::size_t visibleEnd = last == std::string_view::npos ? 0 : last + 1;
  if (parser.end() != visibleEnd) {
    return sim::Error{"Parsed JSON included non-whitespace trailing characters: " +
                      std::string(text.substr(parser.end(), visibleEnd > parser.end() ? visibleEnd - parser.end() : 0))};
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

// JSON::Number::as<T>(): the number cast to the field's type.
std::uint64_t asNumber(const Json& number, FieldType type) {
  if (number.type == Json::Type::Double) {
    const double d = number.floating;
    const auto wide = d >= 9.2e18 || d <= -9.2e18 || d != d ? std::int64_t{0} : static_cast<std::int64_t>(d);
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
// MasterInfo::ParseFromString (protobuf 2.6's wire format): tags and values; a known
// field's value of another wire type is kept as an unknown field; groups are skipped;
// false on a malformed stream or a missing required field (ParseFromString checks
// IsInitialized).

class Wire {
 public:
  explicit Wire(std::string_view bytes) : s_(bytes) {}
  bool done() const { return pos_ >= s_.size(); }
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
  bool bytes(std::string& out) {
    std::uint64_t n = 0;
    if (!varint(n) || n > s_.size() - pos_) return false;
    out = std::string(s_.substr(pos_, n));
    pos_ += n;
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

// WireFormatLite::SkipField of an unknown field; a group is skipped to its end tag.
bool skipField(Wire& wire, std::uint64_t tag, int depth);

bool skipGroup(Wire& wire, std::uint64_t number, int depth) {
  if (depth > 100) return false;
  while (!wire.done()) {
    std::uint64_t tag = 0;
    if (!wire.varint(tag) || (tag >> 3) == 0) return false;
    if ((tag & 7) == 4) return (tag >> 3) == number;
    if (!skipField(wire, tag, depth + 1)) return false;
  }
  return false;
}

bool skipField(Wire& wire, std::uint64_t tag, int depth) {
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

template <std::size_t N>
bool parseWire(std::string_view bytes, const FieldDescriptor (&fields)[N], Message& out, int depth) {
  Wire wire(bytes);
  while (!wire.done()) {
    std::uint64_t tag = 0;
    if (!wire.varint(tag) || (tag >> 3) == 0 || (tag >> 3) > 0x1fffffff) return false;
    // An end-group tag outside a group ends the parse, and ParseFromString then finds
    // the message not consumed to its end: false.
    if ((tag & 7) == 4) return false;
    const FieldDescriptor* field = nullptr;
    for (const auto& f : fields) {
      if (static_cast<std::uint64_t>(f.number) == (tag >> 3)) field = &f;
    }
    const std::uint64_t wireType = tag & 7;
    const bool lengthDelimited = field != nullptr && (field->type == FieldType::String || field->type == FieldType::Message);
    if (field == nullptr || wireType != (lengthDelimited ? 2U : 0U)) {
      if (!skipField(wire, tag, depth)) return false;
      continue;
    }
    if (field->type == FieldType::String) {
      if (!wire.bytes(out.strings[field->number])) return false;
    } else if (field->type == FieldType::Message) {
      std::string nested;
      if (!wire.bytes(nested) || depth > 100) return false;
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

std::optional<MasterInfo> masterInfoFromBinary(std::string_view data) {
  Message message;
  if (!parseWire(data, kMasterInfoFields, message, 0) || initializationError(message)) return std::nullopt;
  return toMasterInfo(message);
}

}  // namespace agentsim::model
