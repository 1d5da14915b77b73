#include "harness/reader.hpp"

#include <fmt/format.h>

#include "sim/suggest.hpp"

namespace agentsim::harness {

namespace {

// Control characters (a key or value may hold an escaped newline) would break the
// one-line error format: print them as JSON escapes.
std::string oneLine(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      out += fmt::format("\\u{:04X}", u);
    } else {
      out += c;
    }
  }
  return out;
}

// At most `max` bytes of `s`, cut at a UTF-8 code point boundary.
std::string_view clip(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s;
  while (max > 0 && (static_cast<unsigned char>(s[max]) & 0xC0) == 0x80) --max;
  return s.substr(0, max);
}

}  // namespace

std::string LoadError::format() const {
  if (whole_file) return fmt::format("agentsim: error: {}: {}", file, oneLine(message));
  return fmt::format("agentsim: error: {}:{}:{}: {}: {}", file, pos.line, pos.column,
                     pointer.empty() ? "/" : oneLine(pointer), oneLine(message));
}

std::string typeName(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: return fmt::format("the string {}", v.dump().substr(0, 60));
    case nlohmann::json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float: return fmt::format("the number {}", v.dump().substr(0, 40));
    case nlohmann::json::value_t::binary:
    case nlohmann::json::value_t::discarded: return "an invalid value";
  }
  return "an invalid value";
}

void Reader::fail(const std::string& pointer, std::string message) const {
  throw LoadError{file_, doc_.at(pointer), pointer, std::move(message)};
}

void Reader::failAtKey(const std::string& pointer, std::string message) const {
  throw LoadError{file_, doc_.keyAt(pointer), pointer, std::move(message)};
}

const nlohmann::json& Reader::at(const std::string& pointer) const {
  return doc_.root.at(nlohmann::json::json_pointer(pointer));
}

// Whether `pointer` names a value, as json::contains(json_pointer(pointer)) answers, by
// walking the document without building the pointer (a scenario's load asks this for
// every action name of every timeline entry). A pointer with an escape takes the library's way.
bool Reader::has(const std::string& pointer) const {
  if (pointer.find('~') != std::string::npos) return doc_.root.contains(nlohmann::json::json_pointer(pointer));
  const nlohmann::json* v = &doc_.root;
  std::string_view rest(pointer);
  while (!rest.empty()) {
    if (rest.front() != '/') return doc_.root.contains(nlohmann::json::json_pointer(pointer));
    rest.remove_prefix(1);
    const std::size_t slash = rest.find('/');
    const std::string_view token = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    if (v->is_object()) {
      const auto it = v->find(token);
      if (it == v->end()) return false;
      v = &*it;
    } else if (v->is_array()) {
      // An index: digits without a leading zero ("-", past the end, is never contained).
      if (token.empty() || (token.size() > 1 && token.front() == '0')) return false;
      std::size_t index = 0;
      for (char c : token) {
        if (c < '0' || c > '9' || index > v->size()) return false;
        index = index * 10 + static_cast<std::size_t>(c - '0');
      }
      if (index >= v->size()) return false;
      v = &(*v)[index];
    } else {
      return false;
    }
  }
  return true;
}

std::string Reader::child(const std::string& pointer, std::string_view key) {
  return pointer + "/" + jsonPointerEscape(key);
}

std::string Reader::child(const std::string& pointer, std::size_t index) {
  return pointer + "/" + std::to_string(index);
}

void Reader::object(const std::string& pointer, std::initializer_list<std::string_view> allowed,
                    std::initializer_list<std::string_view> required) const {
  std::vector<std::string> keys;
  for (auto k : allowed) keys.emplace_back(k);
  object(pointer, keys);
  const auto& v = at(pointer);
  for (auto k : required) {
    if (!v.contains(std::string(k))) fail(pointer, fmt::format("missing required key \"{}\"", k));
  }
}

void Reader::object(const std::string& pointer, const std::vector<std::string>& allowed) const {
  const auto& v = at(pointer);
  if (!v.is_object()) fail(pointer, fmt::format("expected an object, got {}", typeName(v)));
  for (const auto& [key, value] : v.items()) {
    bool known = false;
    for (const auto& a : allowed) known = known || a == key;
    if (!known) {
      failAtKey(child(pointer, key), fmt::format("unknown key \"{}\"{}; expected one of: {}", clip(key, 60),
                                                 sim::didYouMean(key, allowed), fmt::join(allowed, ", ")));
    }
  }
}

std::size_t Reader::array(const std::string& pointer, std::size_t max_items) const {
  const auto& v = at(pointer);
  if (!v.is_array()) fail(pointer, fmt::format("expected an array, got {}", typeName(v)));
  if (v.size() > max_items) {
    fail(pointer, fmt::format("too many items: {} (agentsim accepts at most {})", v.size(), max_items));
  }
  return v.size();
}

std::string Reader::string(const std::string& pointer, std::size_t max_bytes) const {
  const auto& v = at(pointer);
  if (!v.is_string()) fail(pointer, fmt::format("expected a string, got {}", typeName(v)));
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() > max_bytes) fail(pointer, fmt::format("string too long: {} bytes (at most {})", s.size(), max_bytes));
  return s;
}

std::string Reader::identifier(const std::string& pointer, std::size_t max_bytes) const {
  std::string s = string(pointer, max_bytes);
  bool ok = !s.empty();
  for (char c : s) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                c == '.');
  }
  if (!ok) {
    fail(pointer, fmt::format("expected a name of letters, digits, '-', '_' or '.' (at most {}), got \"{}\"", max_bytes,
                              s));
  }
  return s;
}

std::uint64_t Reader::unsignedInteger(const std::string& pointer, std::uint64_t min, std::uint64_t max) const {
  const auto& v = at(pointer);
  const auto range = fmt::format("an integer in [{}, {}]", min, max);
  if (v.is_number_unsigned()) {
    const auto n = v.get<std::uint64_t>();
    if (n < min || n > max) fail(pointer, fmt::format("expected {}, got {}", range, n));
    return n;
  }
  if (v.is_number_integer()) {
    const auto n = v.get<std::int64_t>();
    if (n < 0 || static_cast<std::uint64_t>(n) < min || static_cast<std::uint64_t>(n) > max) {
      fail(pointer, fmt::format("expected {}, got {}", range, n));
    }
    return static_cast<std::uint64_t>(n);
  }
  fail(pointer, fmt::format("expected {}, got {}", range, typeName(v)));
}

bool Reader::boolean(const std::string& pointer) const {
  const auto& v = at(pointer);
  if (!v.is_boolean()) fail(pointer, fmt::format("expected true or false, got {}", typeName(v)));
  return v.get<bool>();
}

sim::Duration Reader::duration(const std::string& pointer, sim::Duration min, sim::Duration max) const {
  const auto& v = at(pointer);
  if (!v.is_string()) {
    fail(pointer, fmt::format("expected a Mesos duration such as \"10secs\" (a string), got {}", typeName(v)));
  }
  auto d = sim::parseDuration(v.get_ref<const std::string&>());
  if (d.isError()) fail(pointer, d.error());
  if (*d < min || *d > max) {
    fail(pointer, fmt::format("expected a duration within [{}, {}], got {}", sim::format(min), sim::format(max),
                              v.get_ref<const std::string&>()));
  }
  return *d;
}

std::string Reader::flagValue(const std::string& pointer) const {
  const auto& v = at(pointer);
  if (v.is_string()) return string(pointer);
  if (v.is_number() || v.is_boolean()) return v.dump();
  fail(pointer, fmt::format("expected a flag value (a string, number or boolean), got {}", typeName(v)));
}

}  // namespace agentsim::harness
