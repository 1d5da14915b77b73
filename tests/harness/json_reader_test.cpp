#include "harness/json_reader.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

using agentsim::harness::JsonDocument;
using agentsim::harness::JsonError;
using agentsim::harness::JsonLimits;
using agentsim::harness::jsonPointerEscape;
using agentsim::harness::parseJson;
using agentsim::harness::SourcePos;
using nlohmann::json;

namespace {

JsonDocument parseOk(std::string_view text, const JsonLimits& limits = {}) {
  auto result = parseJson(text, limits);
  if (const auto* error = std::get_if<JsonError>(&result)) {
    FAIL_CHECK(error->pos.line << ":" << error->pos.column << ": " << error->pointer << ": " << error->message);
    return {};
  }
  return std::get<JsonDocument>(std::move(result));
}

JsonError parseErr(std::string_view text, const JsonLimits& limits = {}) {
  auto result = parseJson(text, limits);
  if (std::holds_alternative<JsonDocument>(result)) {
    FAIL_CHECK("expected an error, got " << std::get<JsonDocument>(result).root.dump());
    return {};
  }
  return std::get<JsonError>(std::move(result));
}

bool samePos(SourcePos p, int line, int column) { return p.line == line && p.column == column; }

std::size_t countValues(const json& j) {
  std::size_t n = 1;
  if (j.is_structured())
    for (const auto& child : j) n += countValues(child);
  return n;
}

struct ErrorCase {
  std::string text;
  int line;
  int column;
  std::string pointer;
  std::string message;
  JsonLimits limits{};
};

void checkError(const ErrorCase& c) {
  CAPTURE(c.text);
  const JsonError e = parseErr(c.text, c.limits);
  CHECK(e.pos.line == c.line);
  CHECK(e.pos.column == c.column);
  CHECK(e.pointer == c.pointer);
  CHECK(e.message == c.message);
}

}  // namespace

TEST_CASE("json_reader: positions of nested values and keys") {
  const std::string text = R"({
  "seed": 42,
  "agents": [
    {"name": "a", "flags": {"gc_delay": 3}},
    {"name": "b", "flags": {}}
  ],
  "a/b~c": true
})";
  const JsonDocument doc = parseOk(text);
  CHECK(doc.root["agents"][0]["flags"]["gc_delay"] == 3);
  CHECK(doc.root["a/b~c"] == true);

  CHECK(samePos(doc.at(""), 1, 1));
  CHECK(samePos(doc.at("/seed"), 2, 11));
  CHECK(samePos(doc.keyAt("/seed"), 2, 3));
  CHECK(samePos(doc.at("/agents"), 3, 13));
  CHECK(samePos(doc.keyAt("/agents"), 3, 3));
  CHECK(samePos(doc.at("/agents/0"), 4, 5));
  CHECK(samePos(doc.at("/agents/0/name"), 4, 14));
  CHECK(samePos(doc.keyAt("/agents/0/name"), 4, 6));
  CHECK(samePos(doc.at("/agents/0/flags"), 4, 28));
  CHECK(samePos(doc.keyAt("/agents/0/flags"), 4, 19));
  CHECK(samePos(doc.at("/agents/0/flags/gc_delay"), 4, 41));
  CHECK(samePos(doc.keyAt("/agents/0/flags/gc_delay"), 4, 29));
  CHECK(samePos(doc.at("/agents/1"), 5, 5));
  CHECK(samePos(doc.at("/agents/1/flags"), 5, 28));
  CHECK(samePos(doc.at("/a~1b~0c"), 7, 12));
  CHECK(samePos(doc.keyAt("/a~1b~0c"), 7, 3));

  // Every value has a position, every object member a key position.
  CHECK(doc.positions.size() == countValues(doc.root));
  CHECK(doc.key_positions.size() == 8);

  // Fallbacks: nearest ancestor, then root; keyAt falls back to at().
  CHECK(samePos(doc.at("/agents/0/flags/missing"), 4, 28));
  CHECK(samePos(doc.at("/agents/7/name"), 3, 13));
  CHECK(samePos(doc.at("/nope/deeper"), 1, 1));
  CHECK(samePos(doc.at("garbage"), 1, 1));
  CHECK(samePos(doc.keyAt("/agents/1"), 5, 5));
  CHECK(samePos(doc.keyAt("/agents/0/flags/missing"), 4, 28));
}

TEST_CASE("json_reader: CRLF line endings and a UTF-8 BOM") {
  const JsonDocument doc = parseOk("{\r\n  \"a\": [1,\r\n\t2]\r\n}\r\n");
  CHECK(samePos(doc.at("/a"), 2, 8));
  CHECK(samePos(doc.at("/a/1"), 3, 2));

  const JsonDocument bom = parseOk("\xEF\xBB\xBF{\"a\": 1}");
  CHECK(bom.root == json{{"a", 1}});
  CHECK(samePos(bom.at(""), 1, 1));  // the BOM is not counted
  CHECK(samePos(bom.at("/a"), 1, 7));

  checkError({"\xEF\xBB\xBF", 1, 1, "", "empty input, expected a JSON value"});
  checkError({"\xEF\xBB\xBF{x}", 1, 2, "", "expected a string key or '}', got 'x'"});
  // A BOM anywhere else is just an unexpected character.
  checkError({" \xEF\xBB\xBF{}", 1, 2, "", "expected a JSON value, got '\xEF\xBB\xBF'"});
}

TEST_CASE("json_reader: pointer escaping") {
  CHECK(jsonPointerEscape("") == "");
  CHECK(jsonPointerEscape("plain") == "plain");
  CHECK(jsonPointerEscape("a/b") == "a~1b");
  CHECK(jsonPointerEscape("m~n") == "m~0n");
  CHECK(jsonPointerEscape("~1") == "~01");
  CHECK(jsonPointerEscape("/~/") == "~1~0~1");

  const JsonDocument doc = parseOk(R"({"": {"~1": [0, {"/": null}]}})");
  CHECK(doc.positions.count("/") == 1);
  CHECK(doc.positions.count("//~01") == 1);
  CHECK(samePos(doc.at("//~01/1/~1"), 1, 23));
  CHECK(samePos(doc.keyAt("//~01/1/~1"), 1, 18));
  for (const auto& [pointer, pos] : doc.positions) CHECK(doc.root.contains(json::json_pointer(pointer)));
}

TEST_CASE("json_reader: 64-bit integer edges") {
  auto value = [](std::string_view text) { return parseOk(text).root; };

  CHECK(value("0").get<std::int64_t>() == 0);
  CHECK(value("-0").is_number_integer());
  CHECK(value("-0").get<std::int64_t>() == 0);

  const json max = value("9223372036854775807");
  CHECK(max.is_number_integer());
  CHECK_FALSE(max.is_number_unsigned());
  CHECK(max.get<std::int64_t>() == INT64_MAX);

  const json min = value("-9223372036854775808");
  CHECK(min.is_number_integer());
  CHECK(min.get<std::int64_t>() == INT64_MIN);

  const json above = value("9223372036854775808");
  CHECK(above.is_number_unsigned());
  CHECK(above.get<std::uint64_t>() == 9223372036854775808ULL);

  const json umax = value("18446744073709551615");
  CHECK(umax.is_number_unsigned());
  CHECK(umax.get<std::uint64_t>() == UINT64_MAX);

  const json tooBig = value("18446744073709551616");
  CHECK(tooBig.is_number_float());
  CHECK(tooBig.get<double>() == doctest::Approx(1.8446744073709552e19));

  const json tooSmall = value("-9223372036854775809");
  CHECK(tooSmall.is_number_float());
  CHECK(tooSmall.get<double>() == doctest::Approx(-9.223372036854775808e18));

  const json huge = value(std::string(300, '9'));  // too big for 64 bits, fine for a double
  CHECK(huge.is_number_float());
  CHECK(huge.get<double>() > 9.9e299);
  checkError({std::string(400, '9'), 1, 1, "", "number out of range"});
}

TEST_CASE("json_reader: doubles") {
  auto value = [](std::string_view text) { return parseOk(text).root; };
  CHECK(value("0.5").get<double>() == 0.5);
  CHECK(value("-1.25e2").get<double>() == -125.0);
  CHECK(value("1E+2").is_number_float());
  CHECK(value("1E+2").get<double>() == 100.0);
  CHECK(value("2.5e-3").get<double>() == doctest::Approx(0.0025));
  CHECK(value("0e0").get<double>() == 0.0);
  CHECK(value("1.7976931348623157e308").get<double>() == 1.7976931348623157e308);
  CHECK(value("5e-324").get<double>() > 0.0);
  // Underflow rounds to zero; only overflow is an error.
  CHECK(value("1e-400").get<double>() == 0.0);
  CHECK(value("-1e-400").get<double>() == 0.0);
  CHECK(value("0." + std::string(500, '0') + "1").get<double>() == 0.0);
  CHECK(value("0e99999999999999999999").get<double>() == 0.0);
}

TEST_CASE("json_reader: strings, escapes and surrogate pairs") {
  auto str = [](std::string_view text) { return parseOk(text).root.get<std::string>(); };
  CHECK(str(R"("\"\\\/\b\f\n\r\t")") == "\"\\/\b\f\n\r\t");
  CHECK(str(R"("\u00e9\u00E9")") == "\xC3\xA9\xC3\xA9");
  CHECK(str(R"("\u20AC")") == "\xE2\x82\xAC");
  CHECK(str(R"("\u0000")") == std::string(1, '\0'));
  CHECK(str(R"("\ud83d\ude00")") == "\xF0\x9F\x98\x80");
  CHECK(str(R"("\uDBFF\uDFFF")") == "\xF4\x8F\xBF\xBF");
  CHECK(str("\"h\xC3\xA9llo \xF0\x9F\x98\x80\"") == "h\xC3\xA9llo \xF0\x9F\x98\x80");
  CHECK(str("\"\x7F\"") == "\x7F");  // DEL is not a JSON control character
  CHECK(parseOk(R"({"a\u0000b": 1})").root.contains(std::string("a\0b", 3)));
}

TEST_CASE("json_reader: literals and containers") {
  CHECK(parseOk(" true ").root == true);
  CHECK(parseOk("false").root == false);
  CHECK(parseOk("null").root.is_null());
  CHECK(parseOk("[]").root == json::array());
  CHECK(parseOk("{}").root == json::object());
  CHECK(parseOk(R"([1, "x", [], {}, null])").root == json::parse(R"([1, "x", [], {}, null])"));
  CHECK(parseOk(R"({"b": 1, "a": 2})").root.dump() == R"({"a":2,"b":1})");
}

TEST_CASE("json_reader: syntax errors report line, column and pointer") {
  const std::vector<ErrorCase> cases = {
      {"", 1, 1, "", "empty input, expected a JSON value"},
      {"  \n  ", 2, 3, "", "empty input, expected a JSON value"},
      {"{\"a\":1 x}", 1, 8, "", "expected ',' or '}' after an object member, got 'x'"},
      {"{\"a\": {\"b\": 1 2}}", 1, 15, "/a", "expected ',' or '}' after an object member, got '2'"},
      {"[1 2]", 1, 4, "", "expected ',' or ']' after an array element, got '2'"},
      {"{a: 1}", 1, 2, "", "expected a string key or '}', got 'a'"},
      {"{'a': 1}", 1, 2, "", "expected a string key or '}', got \"'\""},
      {"{\"a\": 1, 2}", 1, 10, "", "expected a string key after ',', got '2'"},
      {"{\"a\" 1}", 1, 6, "/a", "expected ':' after an object key, got '1'"},
      {"{\"a\": 1,}", 1, 9, "", "expected a string key after ',', got '}' (trailing commas are not allowed)"},
      {"[1,\n ]", 2, 2, "/1", "expected a JSON value after ',', got ']' (trailing commas are not allowed)"},
      {"{\"x\": [1, ?]}", 1, 11, "/x/1", "expected a JSON value, got '?'"},
      {"{\"x\": tru }", 1, 7, "/x", "expected a JSON value, got 'tru'"},
      {"[True]", 1, 2, "/0", "expected a JSON value, got 'True'"},
      {"nan", 1, 1, "", "expected a JSON value, got 'nan'"},
      {"[\x01]", 1, 2, "/0", "expected a JSON value, got control character U+0001"},
      {"[\xC3\xA9]", 1, 2, "/0", "expected a JSON value, got '\xC3\xA9'"},
      {"{} {}", 1, 4, "", "unexpected content after the top-level value"},
      {"{\"a\": 1}\n\n x", 3, 2, "", "unexpected content after the top-level value"},
      {"1 2", 1, 3, "", "unexpected content after the top-level value"},
  };
  for (const auto& c : cases) checkError(c);
}

TEST_CASE("json_reader: truncated input") {
  const std::vector<ErrorCase> cases = {
      {"{", 1, 2, "", "unexpected end of input inside an object; the file looks truncated"},
      {"{\"a\": {\"b\": 1", 1, 14, "/a", "unexpected end of input inside an object; the file looks truncated"},
      {"{\"a\":\n  [1, 2", 2, 8, "/a", "unexpected end of input inside an array; the file looks truncated"},
      {"{\"a\":\n  [1, 2,\n", 3, 1, "/a", "unexpected end of input inside an array; the file looks truncated"},
      {"{\"a\"", 1, 5, "/a", "unexpected end of input inside an object; the file looks truncated"},
      {"{\"a\":", 1, 6, "/a", "unexpected end of input inside an object; the file looks truncated"},
      {"\"abc", 1, 5, "", "unexpected end of input inside a string; the file looks truncated"},
      {"[\"ab\\", 1, 6, "/0", "unexpected end of input inside a string; the file looks truncated"},
      {"[\"\\u12", 1, 7, "/0", "unexpected end of input inside a string; the file looks truncated"},
      {"{\"ke", 1, 5, "", "unexpected end of input inside a string; the file looks truncated"},
      {"[tru", 1, 5, "/0", "unexpected end of input inside a literal; the file looks truncated"},
      {"-", 1, 2, "", "unexpected end of input inside a number; the file looks truncated"},
      {"[1.", 1, 4, "/0", "unexpected end of input inside a number; the file looks truncated"},
      {"1e+", 1, 4, "", "unexpected end of input inside a number; the file looks truncated"},
  };
  for (const auto& c : cases) checkError(c);
}

TEST_CASE("json_reader: string errors") {
  const std::vector<ErrorCase> cases = {
      {"{\"k\": \"x\ty\"}", 1, 9, "/k", "unescaped control character U+0009 in a string"},
      {"{\"k\": \"abc\n}", 1, 11, "/k", "unescaped newline in a string (missing closing quote?)"},
      {"{\"k\x1F\": 1}", 1, 4, "", "unescaped control character U+001F in a string"},
      {"\"\\x\"", 1, 2, "", "invalid escape '\\x' in a string"},
      {"[\"ok\", \"a\\'\"]", 1, 10, "/1", "invalid escape '\\'' in a string"},
      {"\"\\\x01\"", 1, 2, "", "invalid escape in a string"},
      {"[\"a\\u12\"]", 1, 4, "/0", "invalid \\u escape in a string, expected 4 hex digits"},
      {"\"\\uGGGG\"", 1, 2, "", "invalid \\u escape in a string, expected 4 hex digits"},
      {"\"\\ud800\"", 1, 2, "", "lone surrogate \\uD800 in a string"},
      {"\"x\\uDC00\\ud800\"", 1, 3, "", "lone surrogate \\uDC00 in a string"},
      {"\"\\ud800\\u0041\"", 1, 2, "", "lone surrogate \\uD800 in a string"},
      {"\"\\ud800\\ud800\"", 1, 2, "", "lone surrogate \\uD800 in a string"},
      {"\"\\ud800x\"", 1, 2, "", "lone surrogate \\uD800 in a string"},
      {"\"\\ud800\\uZZZZ\"", 1, 8, "", "invalid \\u escape in a string, expected 4 hex digits"},
  };
  for (const auto& c : cases) checkError(c);
}

TEST_CASE("json_reader: invalid UTF-8") {
  const std::vector<ErrorCase> cases = {
      {"\xFF\xFE\x00\x01", 1, 1, "", "invalid UTF-8 byte 0xFF"},
      {"{\"a\": \"\xC0\xAF\"}", 1, 8, "/a", "invalid UTF-8 byte 0xC0"},        // overlong
      {"[\"\xED\xA0\x80\"]", 1, 3, "/0", "invalid UTF-8 byte 0xED"},           // encoded surrogate
      {"[\"\xF4\x90\x80\x80\"]", 1, 3, "/0", "invalid UTF-8 byte 0xF4"},       // > U+10FFFF
      {"\"ab\xE2\x82\"", 1, 4, "", "invalid UTF-8 byte 0xE2"},                 // truncated sequence
      {"\"\x80\"", 1, 2, "", "invalid UTF-8 byte 0x80"},                       // lone continuation
      {"{\"\xF8\": 1}", 1, 3, "", "invalid UTF-8 byte 0xF8"},                  // in a key
      {"[1,\n \xC1]", 2, 2, "/1", "invalid UTF-8 byte 0xC1"},                  // where a value goes
      {"{} \x80", 1, 4, "", "invalid UTF-8 byte 0x80"},                        // trailing garbage
      {"\"\\\xFF\"", 1, 3, "", "invalid UTF-8 byte 0xFF"},                     // after a backslash
  };
  for (const auto& c : cases) checkError(c);
}

TEST_CASE("json_reader: number errors") {
  const std::vector<ErrorCase> cases = {
      {"01", 1, 1, "", "leading zeros are not allowed in numbers"},
      {"[1, 012]", 1, 5, "/1", "leading zeros are not allowed in numbers"},
      {"-01", 1, 2, "", "leading zeros are not allowed in numbers"},
      {"[-]", 1, 3, "/0", "expected a digit after '-', got ']'"},
      {"-Infinity", 1, 2, "", "expected a digit after '-', got 'Infinity'"},
      {"1.e3", 1, 3, "", "expected a digit after the decimal point, got 'e3'"},
      {"[1e]", 1, 4, "/0", "expected a digit in the exponent, got ']'"},
      {".5", 1, 1, "", "expected a JSON value, got '.'"},
      {"+1", 1, 1, "", "expected a JSON value, got '+'"},
      {"[1e999]", 1, 2, "/0", "number out of range"},
      {"{\"x\": -1.8e308}", 1, 7, "/x", "number out of range"},
      {"123456789e400", 1, 1, "", "number out of range"},
      {"0.001e99999999999999999999", 1, 1, "", "number out of range"},
      {std::string(400, '9') + ".0", 1, 1, "", "number out of range"},
  };
  for (const auto& c : cases) checkError(c);
}

TEST_CASE("json_reader: duplicate keys") {
  checkError({"{\n  \"seed\": 1,\n  \"seed\": 2\n}", 3, 3, "/seed", "duplicate key \"seed\""});
  checkError({"{\"a\": {\"x/y\": 1, \"x/y\": 2}}", 1, 18, "/a/x~1y", "duplicate key \"x/y\""});
  checkError({"{\"q\\\"\": 1, \"q\\u0022\": 2}", 1, 12, "/q\"", "duplicate key \"q\\\"\""});
  const std::string longKey(100, 'k');
  checkError({"{\"" + longKey + "\":1,\"" + longKey + "\":2}", 1, 107, "/" + longKey,
              "duplicate key \"" + std::string(64, 'k') + "\"..."});
  // Same key in different objects is fine.
  CHECK(parseOk(R"([{"a": 1}, {"a": 2}])").root.size() == 2);
}

TEST_CASE("json_reader: depth limit") {
  CHECK(parseOk(std::string(64, '[') + std::string(64, ']')).root.is_array());

  std::string pointer;
  for (int k = 0; k < 64; ++k) pointer += "/0";
  checkError({std::string(65, '[') + std::string(65, ']'), 1, 65, pointer, "nesting deeper than 64 levels"});

  // 100000 levels must be an error, not a stack overflow.
  checkError({std::string(100000, '['), 1, 65, pointer, "nesting deeper than 64 levels"});
  std::string objects;
  for (int k = 0; k < 100000; ++k) objects += "{\"a\":";
  const JsonError e = parseErr(objects);
  CHECK(e.pos.column == 64 * 5 + 1);
  CHECK(e.message == "nesting deeper than 64 levels");

  JsonLimits shallow;
  shallow.max_depth = 2;
  checkError({"{\"a\":{\"b\":{}}}", 1, 11, "/a/b", "nesting deeper than 2 levels", shallow});
  shallow.max_depth = 0;
  CHECK(parseOk("7", shallow).root == 7);
  checkError({"[]", 1, 1, "", "nesting deeper than 0 levels", shallow});
}

TEST_CASE("json_reader: size limits") {
  const std::string big(5 * 1024 * 1024, ' ');
  checkError({big, 1, 1, "", "input is 5242880 bytes, over the limit of 4194304 bytes"});
  JsonLimits tiny;
  tiny.max_bytes = 3;
  checkError({"[1,2]", 1, 1, "", "input is 5 bytes, over the limit of 3 bytes", tiny});
  CHECK(parseOk("[1]", tiny).root.size() == 1);

  JsonLimits strings;
  strings.max_string_bytes = 4;
  CHECK(parseOk("[\"abcd\", \"\\u20AC\"]", strings).root.size() == 2);
  checkError({"[\"ab\", \"abcde\"]", 1, 8, "/1", "string longer than 4 bytes", strings});
  checkError({"{\"abcde\": 1}", 1, 2, "", "string longer than 4 bytes", strings});
  checkError({"[\"\\u20AC\\u20AC\"]", 1, 2, "/0", "string longer than 4 bytes", strings});  // decoded bytes
  checkError({"\"" + std::string(70000, 'x') + "\"", 1, 1, "", "string longer than 65536 bytes"});

  JsonLimits values;
  values.max_values = 3;
  CHECK(parseOk("[1, 2]", values).root.size() == 2);
  checkError({"[1, 2, 3]", 1, 8, "/2", "more than 3 values", values});
  checkError({"{\"a\": {}, \"b\": [1]}", 1, 17, "/b/0", "more than 3 values", values});
  values.max_values = 0;
  checkError({"1", 1, 1, "", "more than 0 values", values});

  // The default value limit: 200000 values fit, 200001 do not.
  std::string array = "[0";
  for (int k = 1; k < 199999; ++k) array += ",0";
  CHECK(parseOk(array + "]").root.size() == 199999);
  const JsonError e = parseErr(array + ",0]");
  CHECK(e.pointer == "/199999");
  CHECK(e.message == "more than 200000 values");
}

TEST_CASE("json_reader: the position index stays bounded") {
  // Long keys nested under many values would make the pointer index grow
  // quadratically; it is capped at 16x max_bytes (64 MiB by default).
  const std::string key(60000, 'k');
  std::string text = "{\"" + key + "\": [0";
  for (int k = 0; k < 1200; ++k) text += ",0";
  text += "]}";
  const JsonError e = parseErr(text);
  CHECK(e.message == "document too large to index: its JSON pointers exceed 67108864 bytes in total");
  CHECK(e.pos.line == 1);
}

TEST_CASE("json_reader: garbage input never crashes or throws") {
  std::uint64_t state = 0x2545F4914F6CDD1DULL;
  auto next = [&state]() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(state >> 33);
  };
  const std::string sample = R"({"seed": 7, "agents": [{"name": "a\u00e9\ud83d\ude00", "w": -1.5e3,
  "flags": {"gc": true, "x": null, "l": [0, 1, [2, {}]]}}], "k~/": "v"})";
  const std::string alphabet = "{}[]\":,0123456789-+.eE tfnrulas\\/\n\t\x01\x7F\xC3\xA9\xFF\xED";

  int ok = 0;
  for (int round = 0; round < 6000; ++round) {
    std::string input;
    if (round % 3 == 0) {  // random bytes
      const std::size_t len = next() % 64;
      for (std::size_t k = 0; k < len; ++k) input += static_cast<char>(next() & 0xFF);
    } else if (round % 3 == 1) {  // JSON-ish token soup
      const std::size_t len = next() % 48;
      for (std::size_t k = 0; k < len; ++k) input += alphabet[next() % alphabet.size()];
    } else {  // a valid document with a few bytes mutated, inserted or removed
      input = sample;
      for (std::uint32_t m = 1 + next() % 3; m > 0; --m) {
        const std::size_t at = next() % input.size();
        const char c = static_cast<char>(next() % 3 == 0 ? next() & 0xFF : alphabet[next() % alphabet.size()]);
        switch (next() % 3) {
          case 0: input[at] = c; break;
          case 1: input.insert(input.begin() + static_cast<std::ptrdiff_t>(at), c); break;
          default: input.erase(at, 1); break;
        }
      }
    }
    CAPTURE(input);
    std::variant<JsonDocument, JsonError> result;
    REQUIRE_NOTHROW(result = parseJson(input));
    if (const auto* e = std::get_if<JsonError>(&result)) {
      CHECK(e->pos.line >= 1);
      CHECK(e->pos.column >= 1);
      CHECK(static_cast<std::size_t>(e->pos.column) <= input.size() + 1);
      CHECK((e->pointer.empty() || e->pointer[0] == '/'));
      REQUIRE_FALSE(e->message.empty());
      CHECK(e->message.back() != '.');
    } else {
      ++ok;
      const auto& doc = std::get<JsonDocument>(result);
      CHECK(doc.positions.size() == countValues(doc.root));
      for (const auto& [pointer, pos] : doc.positions) {
        CHECK(doc.root.contains(json::json_pointer(pointer)));
        CHECK(pos.line >= 1);
      }
      // What we accept, nlohmann accepts too, with the same value.
      CHECK(json::parse(input, nullptr, false) == doc.root);
    }
  }
  CHECK(ok > 0);
}

TEST_CASE("json_reader: agrees with nlohmann on valid documents") {
  const std::vector<std::string> docs = {
      R"({"a": [1, -2, 3.5, 1e10, -0.0, true, false, null, "s"], "b": {"c": {}}})",
      R"("\u0041\u00DF\u6771\uD834\uDD1E")",
      R"([[[[[]]]], {"x": [{"y": [{}]}]}])",
      "  \t\r\n 42 \n",
  };
  for (const auto& text : docs) {
    CAPTURE(text);
    CHECK(parseOk(text).root == json::parse(text));
  }
}
