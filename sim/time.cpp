#include "sim/time.hpp"

#include <array>
#include <charconv>
#include <fmt/format.h>

#include "sim/uint128.hpp"
#include "sim/suggest.hpp"

namespace agentsim::sim {

namespace {

struct Unit {
  std::string_view name;
  std::int64_t ns;
};

// Largest first: format() picks the first unit not above the value.
constexpr std::array<Unit, 8> kUnits{{
    {"weeks", Weeks(1).ns()},
    {"days", Days(1).ns()},
    {"hrs", Hours(1).ns()},
    {"mins", Minutes(1).ns()},
    {"secs", Seconds(1).ns()},
    {"ms", Milliseconds(1).ns()},
    {"us", Microseconds(1).ns()},
    {"ns", 1},
}};

constexpr std::string_view kExpected =
    "expected a Mesos duration such as \"10secs\", \"1.5mins\" or \"100ms\" "
    "(units: ns us ms secs mins hrs days weeks)";

}  // namespace

Try<Duration> parseDuration(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Error{fmt::format("{}{}", why, kExpected)};
  };
  if (text.empty()) return bad("empty duration; ");
  if (text.size() > 64) return bad("duration text too long; ");

  std::size_t i = 0;
  bool negative = false;
  if (text[i] == '-') {
    negative = true;
    ++i;
  }
  // Integer and fractional digits, kept exact.
  u128 whole = 0;
  std::string frac;
  std::size_t digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    whole = whole * 10 + static_cast<unsigned>(text[i] - '0');
    if (whole > static_cast<u128>(INT64_MAX)) return bad("number too large; ");
    ++i;
    ++digits;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (frac.size() < 18) frac.push_back(text[i]);
      ++i;
      ++digits;
    }
  }
  if (digits == 0) return bad(fmt::format("\"{}\" has no number; ", text));

  const std::string_view unit = text.substr(i);
  for (const Unit& u : kUnits) {
    if (u.name != unit) continue;
    u128 ns = whole * static_cast<u128>(u.ns);
    // Fraction: frac digits / 10^len * unit, truncated.
    u128 num = 0;
    u128 den = 1;
    for (char c : frac) {
      num = num * 10 + static_cast<unsigned>(c - '0');
      den *= 10;
    }
    ns += num * static_cast<u128>(u.ns) / den;
    if (ns > static_cast<u128>(INT64_MAX)) return bad("duration too large; ");
    const auto value = static_cast<std::int64_t>(ns);
    return Nanoseconds(negative ? -value : value);
  }
  if (unit.empty()) return bad(fmt::format("\"{}\" has no unit; ", text));
  // A unit cut short ("s", "min", "h") names the unit it begins; else the closest.
  std::vector<std::string_view> names;
  std::vector<std::string_view> begun;
  for (const Unit& u : kUnits) {
    names.push_back(u.name);
    if (!unit.empty() && u.name.substr(0, unit.size()) == unit) begun.push_back(u.name);
  }
  return bad(fmt::format("unknown unit \"{}\"{}; ", unit, begun.empty() ? didYouMean(unit, names) : didYouMeanOneOf(begun)));
}

std::string format(Duration d) {
  std::int64_t ns = d.ns();
  std::string sign;
  if (ns < 0) {
    sign = "-";
    ns = ns == INT64_MIN ? INT64_MAX : -ns;
  }
  bool bucket = false;
  for (const Unit& u : kUnits) {
    if (!bucket && ns < u.ns && u.ns != 1) continue;
    bucket = true;
    const std::int64_t whole = ns / u.ns;
    std::int64_t rest = ns % u.ns;
    if (rest == 0) return sign + std::to_string(whole) + std::string(u.name);
    std::string frac;
    const std::int64_t scale = u.ns;
    while (rest != 0 && frac.size() < 18) {
      const u128 r = static_cast<u128>(rest) * 10;
      frac.push_back(static_cast<char>('0' + static_cast<int>(r / static_cast<u128>(scale))));
      rest = static_cast<std::int64_t>(r % static_cast<u128>(scale));
    }
    if (rest != 0) continue;  // not exact in this unit: try the next smaller one
    return sign + std::to_string(whole) + '.' + frac + std::string(u.name);
  }
  return "0ns";
}

std::string formatSeconds(Time t) {
  const std::int64_t ns = t.ns();
  if (ns < 0) return fmt::format("{}.{:06}s", ns / 1'000'000'000, (ns % 1'000'000'000) / 1000);
  // The same text without fmt (checks' evidence formats a time per record they keep).
  char text[32];
  char* end = std::to_chars(text, text + 20, ns / 1'000'000'000).ptr;
  *end++ = '.';
  std::int64_t micros = (ns % 1'000'000'000) / 1000;
  for (int i = 5; i >= 0; --i, micros /= 10) end[i] = static_cast<char>('0' + micros % 10);
  end += 6;
  *end++ = 's';
  return std::string(text, end);
}

}  // namespace agentsim::sim
