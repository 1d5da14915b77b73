#include "harness/json_reader.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <new>
#include <system_error>
#include <utility>

namespace agentsim::harness {
namespace {

using json = nlohmann::json;

std::string hexByte(unsigned c) {
  static constexpr char digits[] = "0123456789ABCDEF";
  return {digits[(c >> 4) & 0xF], digits[c & 0xF]};
}

std::string codepointName(unsigned c) { return "U+00" + hexByte(c); }

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isWordChar(char c) {
  return isDigit(c) || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
int hexValue(char c) {
  if (isDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Length of the well-formed UTF-8 sequence starting at s[at] (1 for ASCII), 0 if
// it is not well-formed (overlong forms, surrogates, > U+10FFFF, truncation).
std::size_t utf8Length(std::string_view s, std::size_t at) {
  auto byte = [&](std::size_t k) -> unsigned {
    return at + k < s.size() ? static_cast<unsigned char>(s[at + k]) : 0x100u;
  };
  const unsigned c = byte(0);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (byte(1) < lo || byte(1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(k) < 0x80 || byte(k) > 0xBF) return 0;
  return n;
}

void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
    return;
  }
  const int tail = cp < 0x800 ? 1 : cp < 0x10000 ? 2 : 3;  // continuation bytes
  out += static_cast<char>(((0xFF00u >> (tail + 1)) & 0xFF) | (cp >> (6 * tail)));
  for (int k = tail - 1; k >= 0; --k) out += static_cast<char>(0x80 | ((cp >> (6 * k)) & 0x3F));
}

// A key as it should appear inside an error message: quoted, escaped, shortened.
std::string quoteForMessage(std::string_view s) {
  constexpr std::size_t kMax = 64;
  bool cut = false;
  if (s.size() > kMax) {
    std::size_t n = kMax;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // whole code points
    s = s.substr(0, n);
    cut = true;
  }
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7F) {
      out += "\\u00" + hexByte(u);
    } else {
      out += c;
    }
  }
  return out + (cut ? "\"..." : "\"");
}

// True if a number that std::from_chars reported as out of range is too big
// (rather than too close to zero): compares its decimal exponent with 0.
bool isHugeNumber(std::string_view t) {
  const std::size_t e = t.find_first_of("eE");
  long long exponent = 0;
  if (e != std::string_view::npos) {
    std::size_t j = e + 1;
    const bool negative = t[j] == '-';
    if (t[j] == '+' || t[j] == '-') ++j;
    for (; j < t.size(); ++j) exponent = std::min(exponent * 10 + (t[j] - '0'), 1'000'000'000LL);
    if (negative) exponent = -exponent;
  }
  std::string_view mantissa = t.substr(0, e);
  if (mantissa.front() == '-') mantissa.remove_prefix(1);
  const std::size_t dot = mantissa.find('.');
  const std::string_view integer = mantissa.substr(0, dot);
  if (integer != "0") return exponent + static_cast<long long>(integer.size()) - 1 >= 0;
  const std::string_view fraction = dot == std::string_view::npos ? "" : mantissa.substr(dot + 1);
  const std::size_t zeros = fraction.find_first_not_of('0');
  return zeros != std::string_view::npos && exponent - static_cast<long long>(zeros) - 1 >= 0;
}

class Parser {
 public:
  Parser(std::string_view text, const JsonLimits& limits) : s_(text), limits_(limits) {
    const std::size_t base = std::max<std::size_t>(limits.max_bytes, 1 << 20);
    indexBudget_ = base > SIZE_MAX / 16 ? SIZE_MAX : base * 16;
  }

  JsonDocument run() {
    skipWhitespace(nullptr);
    if (i_ == s_.size()) fail(i_, "empty input, expected a JSON value");
    doc_.root = parseValue(0);
    skipWhitespace(nullptr);
    if (i_ < s_.size()) {
      if (utf8Length(s_, i_) == 0) failBadUtf8(i_);
      fail(i_, "unexpected content after the top-level value");
    }
    return std::move(doc_);
  }

 private:
  std::string_view s_;
  const JsonLimits& limits_;
  std::size_t i_ = 0;          // read offset
  int line_ = 1;               // line of offset i_
  std::size_t lineStart_ = 0;  // offset of the first byte of line_
  std::string pointer_;        // pointer of the value being parsed
  std::size_t values_ = 0;
  std::size_t indexBytes_ = 0;  // bytes of pointers stored in doc_ so far
  std::size_t indexBudget_ = 0;
  JsonDocument doc_;

  SourcePos posOf(std::size_t at) const {
    int line = line_;
    std::size_t start = lineStart_;
    if (at < lineStart_) {  // not on the current line: recount (cold path)
      const auto newlines = std::count(s_.begin(), s_.begin() + static_cast<std::ptrdiff_t>(at), '\n');
      line = static_cast<int>(std::min<std::ptrdiff_t>(newlines + 1, INT_MAX));
      const std::size_t nl = s_.rfind('\n', at == 0 ? 0 : at - 1);
      start = (nl == std::string_view::npos || nl >= at) ? 0 : nl + 1;
    }
    return {line, static_cast<int>(std::min<std::size_t>(at - start + 1, INT_MAX))};
  }

  [[noreturn]] void fail(std::size_t at, std::string message) const {
    throw JsonError{posOf(at), pointer_, std::move(message)};
  }
  [[noreturn]] void failBadUtf8(std::size_t at) const {
    fail(at, "invalid UTF-8 byte 0x" + hexByte(static_cast<unsigned char>(s_[at])));
  }
  [[noreturn]] void failEnd(const char* inside) const {
    fail(i_, std::string("unexpected end of input inside ") + inside + "; the file looks truncated");
  }
  // "expected X, got Y" for the (existing) byte at `at`.
  [[noreturn]] void unexpected(std::size_t at, const std::string& expected) const {
    const auto c = static_cast<unsigned char>(s_[at]);
    const std::size_t n = utf8Length(s_, at);
    if (n == 0) failBadUtf8(at);
    if (c == '/' && at + 1 < s_.size() && (s_[at + 1] == '/' || s_[at + 1] == '*')) {
      fail(at, "comments are not allowed in JSON; write a \"note\" key instead (docs/scenario-format.md)");
    }
    std::string got;
    if (c < 0x20 || c == 0x7F) {
      got = "control character " + codepointName(c);
    } else if (c == '\'') {
      got = "\"'\"";
    } else if (isWordChar(s_[at])) {
      std::size_t end = at;
      while (end < s_.size() && end - at < 32 && isWordChar(s_[end])) ++end;
      got = "'" + std::string(s_.substr(at, end - at)) + "'";
    } else {
      got = "'" + std::string(s_.substr(at, n)) + "'";
    }
    fail(at, "expected " + expected + ", got " + got);
  }

  // Skips JSON whitespace; at end of input fails with "inside `inside`" unless null.
  void skipWhitespace(const char* inside) {
    for (; i_ < s_.size(); ++i_) {
      const char c = s_[i_];
      if (c == '\n') {
        line_ += line_ < INT_MAX ? 1 : 0;
        lineStart_ = i_ + 1;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        return;
      }
    }
    if (inside != nullptr) failEnd(inside);
  }

  bool consume(char c) {
    if (i_ >= s_.size() || s_[i_] != c) return false;
    ++i_;
    return true;
  }

  void record(std::map<std::string, SourcePos>& index, std::size_t at) {
    indexBytes_ += pointer_.size();
    if (indexBytes_ > indexBudget_)
      fail(at, "document too large to index: its JSON pointers exceed " +
                   std::to_string(indexBudget_) + " bytes in total");
    index.emplace(pointer_, posOf(at));
  }

  // Precondition: i_ is at a non-whitespace byte.
  json parseValue(int depth) {
    const std::size_t start = i_;
    if (++values_ > limits_.max_values)
      fail(start, "more than " + std::to_string(limits_.max_values) + " values");
    record(doc_.positions, start);
    switch (s_[i_]) {
      case '{': return parseObject(depth + 1);
      case '[': return parseArray(depth + 1);
      case '"': return parseString();
      case 't': return parseLiteral("true", true);
      case 'f': return parseLiteral("false", false);
      case 'n': return parseLiteral("null", nullptr);
      case '-': return parseNumber();
      default:
        if (isDigit(s_[i_])) return parseNumber();
        unexpected(i_, "a JSON value");
    }
  }

  void checkDepth(int depth) const {
    if (depth > limits_.max_depth)
      fail(i_, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
  }

  json parseObject(int depth) {
    checkDepth(depth);
    ++i_;  // '{'
    json result = json::object();
    auto& members = result.get_ref<json::object_t&>();
    skipWhitespace("an object");
    if (consume('}')) return result;
    const std::size_t base = pointer_.size();
    for (bool first = true;; first = false) {
      if (s_[i_] != '"') {
        if (!first && s_[i_] == '}') fail(i_, "expected a string key after ',', got '}' (trailing commas are not allowed)");
        unexpected(i_, first ? "a string key or '}'" : "a string key after ','");
      }
      const std::size_t keyStart = i_;
      std::string key = parseString();
      pointer_ += '/';
      pointer_ += jsonPointerEscape(key);
      if (members.count(key) != 0) fail(keyStart, "duplicate key " + quoteForMessage(key));
      record(doc_.key_positions, keyStart);
      skipWhitespace("an object");
      if (s_[i_] != ':') unexpected(i_, "':' after an object key");
      ++i_;
      skipWhitespace("an object");
      json value = parseValue(depth);
      members.emplace(std::move(key), std::move(value));
      pointer_.resize(base);
      skipWhitespace("an object");
      if (consume('}')) return result;
      if (s_[i_] != ',') unexpected(i_, "',' or '}' after an object member");
      ++i_;
      skipWhitespace("an object");
    }
  }

  json parseArray(int depth) {
    checkDepth(depth);
    ++i_;  // '['
    json result = json::array();
    auto& elements = result.get_ref<json::array_t&>();
    skipWhitespace("an array");
    if (consume(']')) return result;
    const std::size_t base = pointer_.size();
    for (std::size_t index = 0;; ++index) {
      pointer_ += '/';
      pointer_ += std::to_string(index);
      if (index > 0 && s_[i_] == ']') fail(i_, "expected a JSON value after ',', got ']' (trailing commas are not allowed)");
      elements.push_back(parseValue(depth));
      pointer_.resize(base);
      skipWhitespace("an array");
      if (consume(']')) return result;
      if (s_[i_] != ',') unexpected(i_, "',' or ']' after an array element");
      ++i_;
      skipWhitespace("an array");
    }
  }

  std::string parseString() {
    const std::size_t start = i_++;  // opening quote
    std::string out;
    for (;;) {
      if (i_ >= s_.size()) failEnd("a string");
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return out;
      }
      if (c == '\\') {
        parseEscape(out);
      } else if (c < 0x20) {
        if (c == '\n') fail(i_, "unescaped newline in a string (missing closing quote?)");
        fail(i_, "unescaped control character " + codepointName(c) + " in a string");
      } else {
        const std::size_t n = utf8Length(s_, i_);
        if (n == 0) failBadUtf8(i_);
        out.append(s_.substr(i_, n));
        i_ += n;
      }
      if (out.size() > limits_.max_string_bytes)
        fail(start, "string longer than " + std::to_string(limits_.max_string_bytes) + " bytes");
    }
  }

  // Reads the 4 hex digits of a \u escape whose backslash is at `escape`.
  std::uint32_t readHex4(std::size_t escape) {
    std::uint32_t value = 0;
    for (int k = 0; k < 4; ++k, ++i_) {
      if (i_ >= s_.size()) failEnd("a string");
      const int digit = hexValue(s_[i_]);
      if (digit < 0) fail(escape, "invalid \\u escape in a string, expected 4 hex digits");
      value = value * 16 + static_cast<std::uint32_t>(digit);
    }
    return value;
  }

  void parseEscape(std::string& out) {
    const std::size_t escape = i_++;  // backslash
    if (i_ >= s_.size()) failEnd("a string");
    const char e = s_[i_++];
    switch (e) {
      case '"': out += '"'; return;
      case '\\': out += '\\'; return;
      case '/': out += '/'; return;
      case 'b': out += '\b'; return;
      case 'f': out += '\f'; return;
      case 'n': out += '\n'; return;
      case 'r': out += '\r'; return;
      case 't': out += '\t'; return;
      case 'u': break;
      default: {
        if (utf8Length(s_, i_ - 1) == 0) failBadUtf8(i_ - 1);
        const auto u = static_cast<unsigned char>(e);
        fail(escape, u >= 0x20 && u < 0x7F ? "invalid escape '\\" + std::string(1, e) + "' in a string"
                                           : std::string("invalid escape in a string"));
      }
    }
    std::uint32_t cp = readHex4(escape);
    const auto lone = [&](std::uint32_t unit) {
      fail(escape, "lone surrogate \\u" + hexByte(unit >> 8) + hexByte(unit & 0xFF) + " in a string");
    };
    if (cp >= 0xDC00 && cp <= 0xDFFF) lone(cp);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (s_.substr(i_, 2) != "\\u") lone(cp);
      i_ += 2;
      const std::uint32_t low = readHex4(i_ - 2);
      if (low < 0xDC00 || low > 0xDFFF) lone(cp);
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    appendUtf8(out, cp);
  }

  json parseLiteral(std::string_view word, json value) {
    std::size_t end = i_;
    while (end < s_.size() && isWordChar(s_[end])) ++end;
    const std::string_view found = s_.substr(i_, end - i_);
    if (found == word) {
      i_ = end;
      return value;
    }
    if (end == s_.size() && word.substr(0, found.size()) == found) {
      i_ = end;
      failEnd("a literal");
    }
    unexpected(i_, "a JSON value");
  }

  void digits() {
    while (i_ < s_.size() && isDigit(s_[i_])) ++i_;
  }
  // Requires one digit at i_ (after '-', '.', or the exponent marker), then more.
  void requireDigits(const char* expected) {
    if (i_ >= s_.size()) failEnd("a number");
    if (!isDigit(s_[i_])) unexpected(i_, expected);
    digits();
  }

  json parseNumber() {
    const std::size_t start = i_;
    const bool negative = s_[i_] == '-';
    if (negative) ++i_;
    if (i_ < s_.size() && s_[i_] == '0') {
      if (++i_ < s_.size() && isDigit(s_[i_])) fail(i_ - 1, "leading zeros are not allowed in numbers");
    } else {
      requireDigits("a digit after '-'");
    }
    bool integral = true;
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      integral = false;
      requireDigits("a digit after the decimal point");
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      integral = false;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      requireDigits("a digit in the exponent");
    }
    const char* first = s_.data() + start;
    const char* last = s_.data() + i_;
    if (integral) {
      std::int64_t signedValue = 0;
      if (auto r = std::from_chars(first, last, signedValue); r.ec == std::errc() && r.ptr == last)
        return signedValue;
      std::uint64_t unsignedValue = 0;
      if (!negative)
        if (auto r = std::from_chars(first, last, unsignedValue); r.ec == std::errc() && r.ptr == last)
          return unsignedValue;
    }
    double value = 0;
    const auto r = std::from_chars(first, last, value);
    if (r.ec == std::errc::result_out_of_range && !isHugeNumber(s_.substr(start, i_ - start)))
      return negative ? -0.0 : 0.0;  // underflow
    if (r.ec != std::errc() || r.ptr != last || !std::isfinite(value)) fail(start, "number out of range");
    return value;
  }
};

}  // namespace

SourcePos JsonDocument::at(const std::string& pointer) const {
  std::string p = pointer;
  for (;;) {
    if (auto it = positions.find(p); it != positions.end()) return it->second;
    if (p.empty()) return SourcePos{};
    const std::size_t slash = p.rfind('/');
    p.resize(slash == std::string::npos ? 0 : slash);
  }
}

SourcePos JsonDocument::keyAt(const std::string& pointer) const {
  if (auto it = key_positions.find(pointer); it != key_positions.end()) return it->second;
  return at(pointer);
}

std::variant<JsonDocument, JsonError> parseJson(std::string_view text, const JsonLimits& limits) {
  try {
    if (text.size() > limits.max_bytes)
      return JsonError{{}, "", "input is " + std::to_string(text.size()) + " bytes, over the limit of " +
                                   std::to_string(limits.max_bytes) + " bytes"};
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    return Parser(text, limits).run();
  } catch (JsonError& error) {
    return std::move(error);
  } catch (const std::bad_alloc&) {
    return JsonError{{}, "", "out of memory while reading JSON"};
  } catch (const std::exception& e) {
    return JsonError{{}, "", std::string("internal error while reading JSON: ") + e.what()};
  }
}

std::string jsonPointerEscape(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string_view(&c, 1);
  return out;
}

}  // namespace agentsim::harness
