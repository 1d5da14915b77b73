#pragma once
// Typed, position-aware access to a scenario document. The first mistake found is
// thrown as a LoadError; loadScenario turns it into a value.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "harness/json_reader.hpp"
#include "sim/time.hpp"

namespace agentsim::harness {

struct LoadError {
  std::string file;
  SourcePos pos;
  std::string pointer;
  std::string message;
  // The file as a whole (it cannot be opened or read): no position is invented.
  bool whole_file = false;
  // "agentsim: error: FILE:LINE:COL: /json/pointer: message", or "agentsim: error: FILE:
  // message" for the whole file.
  std::string format() const;
};

class Reader {
 public:
  Reader(const JsonDocument& doc, std::string file) : doc_(doc), file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& pointer, std::string message) const;
  [[noreturn]] void failAtKey(const std::string& pointer, std::string message) const;

  const nlohmann::json& at(const std::string& pointer) const;
  bool has(const std::string& pointer) const;
  static std::string child(const std::string& pointer, std::string_view key);
  static std::string child(const std::string& pointer, std::size_t index);

  // Checks `pointer` is an object whose keys are all in `allowed` and that has every
  // key in `required`.
  void object(const std::string& pointer, std::initializer_list<std::string_view> allowed,
              std::initializer_list<std::string_view> required = {}) const;
  void object(const std::string& pointer, const std::vector<std::string>& allowed) const;
  // The array's size, checked against `max_items`.
  std::size_t array(const std::string& pointer, std::size_t max_items) const;
  std::string string(const std::string& pointer, std::size_t max_bytes = 4096) const;
  // A non-empty identifier: letters, digits, '-', '_', '.', as host names (at most
  // `max_bytes`: 64 for host ids, more for a scenario's name).
  std::string identifier(const std::string& pointer, std::size_t max_bytes = 64) const;
  std::uint64_t unsignedInteger(const std::string& pointer, std::uint64_t min, std::uint64_t max) const;
  bool boolean(const std::string& pointer) const;
  sim::Duration duration(const std::string& pointer, sim::Duration min, sim::Duration max) const;
  // A flag value as text: strings as is, numbers and booleans as JSON prints them.
  std::string flagValue(const std::string& pointer) const;

  const std::string& file() const { return file_; }
  const JsonDocument& document() const { return doc_; }

 private:
  const JsonDocument& doc_;
  std::string file_;
};

std::string typeName(const nlohmann::json& value);

}  // namespace agentsim::harness
