#include "model/common/flag_parse.hpp"

#include <array>
#include <charconv>
#include <system_error>

#include <fmt/format.h>

namespace agentsim::model::stout {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
// isspace in the "C" locale, as num_get's skipws.
bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

// numify<double> of a text of digits and dots (boost::lexical_cast<double>): at least one
// digit and at most one '.' ("1.", ".5" load; "", ".", "1.2.3" do not).
bool numifiesAsDouble(std::string_view digits) {
  std::size_t dots = 0;
  std::size_t count = 0;
  for (char c : digits) (c == '.' ? dots : count) += 1;
  return count > 0 && dots <= 1;
}

// numify<uint64_t> of a text of digits: some digits, no overflow.
bool numifiesAsUint64(std::string_view digits) {
  if (digits.empty()) return false;
  std::uint64_t n = 0;
  for (char c : digits) {
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (n > (UINT64_MAX - d) / 10) return false;
    n = n * 10 + d;
  }
  return true;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

constexpr std::string_view kConvert = "Failed to convert into required type";

}  // namespace

std::optional<std::string> durationError(std::string_view s) {
  static constexpr std::array<std::string_view, 8> kUnits{"ns", "us", "ms", "secs", "mins", "hrs", "days", "weeks"};
  std::size_t index = 0;
  while (index < s.size() && (isDigit(s[index]) || s[index] == '.')) ++index;
  if (index == s.size()) return fmt::format("Invalid duration '{}'", s);
  const std::string_view number = s.substr(0, index);
  if (!numifiesAsDouble(number)) return fmt::format("Failed to convert '{}' to number", number);
  const std::string_view unit = s.substr(index);
  for (std::string_view u : kUnits) {
    if (u == unit) return std::nullopt;
  }
  return fmt::format(
      "Unknown duration unit '{}'; supported units are 'ns', 'us', 'ms', 'secs', 'mins', 'hrs', 'days', and 'weeks'",
      unit);
}

std::optional<std::string> bytesError(std::string_view s) {
  std::size_t index = 0;
  while (index < s.size() && isDigit(s[index])) ++index;
  if (index == s.size()) return fmt::format("Invalid bytes '{}'", s);
  if (s[index] == '.') return fmt::format("Fractional bytes '{}'", s);
  const std::string_view number = s.substr(0, index);
  if (!numifiesAsUint64(number)) return fmt::format("Failed to convert '{}' to number", number);
  const std::string unit = upper(s.substr(index));
  if (unit == "B" || unit == "KB" || unit == "MB" || unit == "GB" || unit == "TB") return std::nullopt;
  return fmt::format("Unknown bytes unit '{}'", unit);
}

std::optional<std::string> boolError(std::string_view s) {
  if (s == "true" || s == "1" || s == "false" || s == "0") return std::nullopt;
  return std::string("Expecting a boolean (e.g., true or false)");
}

std::optional<std::string> unsignedError(std::string_view s, std::uint64_t max) {
  std::size_t i = 0;
  while (i < s.size() && isSpace(s[i])) ++i;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const std::size_t first = i;
  std::uint64_t n = 0;
  bool overflow = false;
  for (; i < s.size() && isDigit(s[i]); ++i) {
    const auto d = static_cast<std::uint64_t>(s[i] - '0');
    overflow = overflow || n > (max - d) / 10;
    if (!overflow) n = n * 10 + d;
  }
  // num_get: no digit or an overflow sets failbit; a '-' wraps (unsigned), which loads.
  if (i == first || overflow || i != s.size()) return std::string(kConvert);
  return std::nullopt;
}

std::optional<std::string> doubleError(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && isSpace(s[i])) ++i;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const std::size_t start = i;
  std::size_t digits = 0;
  // The order of magnitude of the first nonzero digit (before the exponent): the
  // digits after it in the integer part, or minus the zeros before it in the fraction.
  std::int64_t magnitude = 0;
  bool nonzero = false;
  for (; i < s.size() && isDigit(s[i]); ++i, ++digits) {
    if (nonzero) ++magnitude;
    nonzero = nonzero || s[i] != '0';
  }
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && isDigit(s[i]); ++i, ++digits) {
      if (!nonzero) --magnitude;
      nonzero = nonzero || s[i] != '0';
    }
  }
  if (digits == 0) return std::string(kConvert);
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    std::size_t count = 0;
    std::int64_t exponent = 0;
    for (; i < s.size() && isDigit(s[i]); ++i, ++count) {
      if (exponent < 1000000) exponent = exponent * 10 + (s[i] - '0');
    }
    // libstdc++ hands "1e" or "1e+" to strtod, which stops short: failbit.
    if (count == 0) return std::string(kConvert);
    magnitude += negative ? -exponent : exponent;
  }
  if (i != s.size()) return std::string(kConvert);
  // __convert_to_v (libstdc++): strtod's HUGE_VAL, a value beyond the largest double, is
  // failbit; an underflow (a magnitude far below 0) loads as 0 or a denormal.
  double value = 0;
  const auto parsed = std::from_chars(s.data() + start, s.data() + s.size(), value);
  if (parsed.ec == std::errc::result_out_of_range && nonzero && magnitude > 0) return std::string(kConvert);
  return std::nullopt;
}

}  // namespace agentsim::model::stout
