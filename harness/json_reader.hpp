// Strict RFC 8259 JSON reader that remembers where every value came from, so
// scenario-file errors can be reported as `FILE:LINE:COL: /json/pointer: message`.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace agentsim::harness {

// 1-based position in the source text; `column` counts bytes (a UTF-8 BOM at the
// start of the input is not counted).
struct SourcePos {
  int line = 1;
  int column = 1;
};

struct JsonLimits {
  std::size_t max_bytes = 4 * 1024 * 1024;
  int max_depth = 64;  // nested objects/arrays
  std::size_t max_string_bytes = 64 * 1024;  // decoded bytes of one string or key
  std::size_t max_values = 200000;  // scalars, arrays and objects together
};

struct JsonDocument {
  nlohmann::json root;
  // RFC 6901 JSON pointer ("" = root, "/agents/0/flags/gc_delay") -> position of
  // the first byte of that value.
  std::map<std::string, SourcePos> positions;
  // Pointer of an object member -> position of its key's opening quote.
  std::map<std::string, SourcePos> key_positions;

  // Position of `pointer`, or of its nearest ancestor that has one (root at worst).
  SourcePos at(const std::string& pointer) const;
  // Prefer the key position (useful for "unknown key" errors), else at().
  SourcePos keyAt(const std::string& pointer) const;
};

struct JsonError {
  SourcePos pos;
  std::string pointer;  // pointer of the value being parsed when the error occurred
  std::string message;  // lowercase-first, no trailing period
};

// Never throws, never crashes, never recurses deeper than limits.max_depth, never
// allocates without bound, on any input bytes. A leading UTF-8 BOM is skipped.
std::variant<JsonDocument, JsonError> parseJson(std::string_view text,
                                                const JsonLimits& limits = {});

// Escapes one reference token for a JSON pointer: "~" -> "~0", "/" -> "~1".
std::string jsonPointerEscape(std::string_view key);

}  // namespace agentsim::harness
