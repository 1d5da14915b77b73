// Durations in Mesos syntax: parsing, printing as stout does, and round trips.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/rng.hpp"
#include "sim/time.hpp"

using namespace agentsim::sim;

namespace {

constexpr const char* kExpected =
    "expected a Mesos duration such as \"10secs\", \"1.5mins\" or \"100ms\" "
    "(units: ns us ms secs mins hrs days weeks)";

std::int64_t parsedNs(const char* text) {
  const Try<Duration> d = parseDuration(text);
  REQUIRE_MESSAGE(d.isSome(), text, ": ", d.isError() ? d.error() : "");
  return d->ns();
}

std::string parseError(const char* text) {
  const Try<Duration> d = parseDuration(text);
  REQUIRE_MESSAGE(d.isError(), text, " parsed");
  return d.error();
}

}  // namespace

TEST_CASE("the unit helpers count nanoseconds as stout does") {
  CHECK(Nanoseconds(1).ns() == 1);
  CHECK(Microseconds(1).ns() == 1'000);
  CHECK(Milliseconds(1).ns() == 1'000'000);
  CHECK(Seconds(1).ns() == 1'000'000'000);
  CHECK(Minutes(1).ns() == 60'000'000'000);
  CHECK(Hours(1).ns() == 3'600'000'000'000);
  CHECK(Days(1).ns() == 86'400'000'000'000);
  CHECK(Weeks(1).ns() == 604'800'000'000'000);
  CHECK(Seconds(3) + Milliseconds(5) == Milliseconds(3005));
  CHECK(Seconds(3) - Seconds(5) == -Seconds(2));
  CHECK(Seconds(3) * 4 == Seconds(12));
  CHECK(Seconds(3) / 2 == Milliseconds(1500));
  CHECK(Seconds(1) < Seconds(2));
}

TEST_CASE("Time is nanoseconds since the start and moves by Durations") {
  const Time t = Time{} + Seconds(2);
  CHECK(t.ns() == 2'000'000'000);
  CHECK(t.sinceStart() == Seconds(2));
  CHECK(t - Milliseconds(500) == Time::fromNanoseconds(1'500'000'000));
  CHECK((t - Time{}) == Seconds(2));
  CHECK(Time{} < t);
  CHECK(Time::max().ns() == INT64_MAX);
}

TEST_CASE("parseDuration reads every Mesos unit") {
  CHECK(parsedNs("1ns") == 1);
  CHECK(parsedNs("7us") == 7'000);
  CHECK(parsedNs("100ms") == 100'000'000);
  CHECK(parsedNs("10secs") == 10'000'000'000);
  CHECK(parsedNs("2mins") == 120'000'000'000);
  CHECK(parsedNs("6hrs") == Hours(6).ns());
  CHECK(parsedNs("3days") == Days(3).ns());
  CHECK(parsedNs("1weeks") == Weeks(1).ns());
  CHECK(parsedNs("0ns") == 0);
  CHECK(parsedNs("0secs") == 0);
  CHECK(parsedNs("007secs") == Seconds(7).ns());
}

TEST_CASE("parseDuration keeps decimal fractions exactly and truncates below a nanosecond") {
  CHECK(parsedNs("1.5secs") == 1'500'000'000);
  CHECK(parsedNs("0.001secs") == 1'000'000);
  CHECK(parsedNs("1.5mins") == Seconds(90).ns());
  CHECK(parsedNs("0.5ms") == Microseconds(500).ns());
  CHECK(parsedNs("2.25hrs") == Minutes(135).ns());
  CHECK(parsedNs("0.5weeks") == Hours(84).ns());
  CHECK(parsedNs(".5secs") == 500'000'000);
  CHECK(parsedNs("5.secs") == 5'000'000'000);
  CHECK(parsedNs("0.000000001secs") == 1);
  // Below a nanosecond is truncated, not rounded.
  CHECK(parsedNs("2.9ns") == 2);
  CHECK(parsedNs("1.0000000009secs") == 1'000'000'000);
  CHECK(parsedNs("0.0000000019secs") == 1);
  // 0.1 has no exact binary form; exact decimal arithmetic still gives 100ms.
  CHECK(parsedNs("0.1secs") == 100'000'000);
  CHECK(parsedNs("0.3secs") == 300'000'000);
}

TEST_CASE("parseDuration accepts negative durations") {
  CHECK(parsedNs("-15secs") == -15'000'000'000);
  CHECK(parsedNs("-1.5mins") == -Seconds(90).ns());
  CHECK(parsedNs("-0ns") == 0);
}

TEST_CASE("parseDuration accepts the extremes of a 64-bit nanosecond count") {
  CHECK(parsedNs("9223372036854775807ns") == INT64_MAX);
  CHECK(parsedNs("-9223372036854775807ns") == -INT64_MAX);
  CHECK(parsedNs("15250weeks") == Weeks(15250).ns());
}

TEST_CASE("parseDuration rejects bad text with a message that says what was expected") {
  CHECK(parseError("") == std::string("empty duration; ") + kExpected);
  CHECK(parseError("10") == std::string("\"10\" has no unit; ") + kExpected);
  CHECK(parseError("1.5") == std::string("\"1.5\" has no unit; ") + kExpected);
  CHECK(parseError("10seconds") == std::string("unknown unit \"seconds\"; ") + kExpected);
  CHECK(parseError("10s") == std::string("unknown unit \"s\" (did you mean \"secs\"?); ") + kExpected);
  CHECK(parseError("10SECS") == std::string("unknown unit \"SECS\" (did you mean \"secs\"?); ") + kExpected);
  CHECK(parseError("10 secs") == std::string("unknown unit \" secs\" (did you mean \"secs\"?); ") + kExpected);
  CHECK(parseError("1.5.5secs") == std::string("unknown unit \".5secs\" (did you mean \"secs\"?); ") + kExpected);
  CHECK(parseError("2h") == std::string("unknown unit \"h\" (did you mean \"hrs\"?); ") + kExpected);
  CHECK(parseError("soon") == std::string("\"soon\" has no number; ") + kExpected);
  CHECK(parseError("secs") == std::string("\"secs\" has no number; ") + kExpected);
  CHECK(parseError("-secs") == std::string("\"-secs\" has no number; ") + kExpected);
  CHECK(parseError(".secs") == std::string("\".secs\" has no number; ") + kExpected);
  CHECK(parseError("+5secs") == std::string("\"+5secs\" has no number; ") + kExpected);
  CHECK(parseError("99999999999weeks") == std::string("duration too large; ") + kExpected);
  CHECK(parseError("9223372036854775808ns") == std::string("number too large; ") + kExpected);
  CHECK(parseError("99999999999999999999999secs") == std::string("number too large; ") + kExpected);
  CHECK(parseError("15251weeks") == std::string("duration too large; ") + kExpected);
  CHECK(parseError("-99999999999weeks") == std::string("duration too large; ") + kExpected);
  const std::string tooLong(65, '1');
  CHECK(parseError(tooLong.c_str()) == std::string("duration text too long; ") + kExpected);
}

TEST_CASE("format prints durations as stout does") {
  CHECK(format(Seconds(10)) == "10secs");
  CHECK(format(Seconds(90)) == "1.5mins");
  CHECK(format(Weeks(1)) == "1weeks");
  CHECK(format(Duration{}) == "0ns");
  CHECK(format(Milliseconds(100)) == "100ms");
  CHECK(format(Milliseconds(1001)) == "1.001secs");
  CHECK(format(Nanoseconds(1)) == "1ns");
  CHECK(format(Nanoseconds(999)) == "999ns");
  CHECK(format(Microseconds(1)) == "1us");
  CHECK(format(Nanoseconds(1500)) == "1.5us");
  CHECK(format(Microseconds(999)) == "999us");
  CHECK(format(Milliseconds(1)) == "1ms");
  CHECK(format(Seconds(59)) == "59secs");
  CHECK(format(Minutes(1)) == "1mins");
  CHECK(format(Minutes(75)) == "1.25hrs");
  CHECK(format(Hours(1)) == "1hrs");
  CHECK(format(Hours(36)) == "1.5days");
  CHECK(format(Days(1)) == "1days");
  CHECK(format(Days(7)) == "1weeks");
  CHECK(format(Weeks(2)) == "2weeks");
  CHECK(format(Weeks(1) + Days(3) + Hours(12)) == "1.5weeks");
  CHECK(format(Seconds(1) + Nanoseconds(1)) == "1.000000001secs");
  CHECK(format(Milliseconds(1) + Nanoseconds(1)) == "1.000001ms");
}

TEST_CASE("format prints negative durations with a leading minus") {
  CHECK(format(-Seconds(15)) == "-15secs");
  CHECK(format(-Seconds(90)) == "-1.5mins");
  CHECK(format(-Nanoseconds(1)) == "-1ns");
}

// stout: "1.42857142857143weeks falls into the 'Weeks' bucket but reads better with a
// smaller unit: '10days'". A fraction that does not end in decimal must not be cut
// off: it prints in a smaller unit that is exact.
TEST_CASE("format falls back to a smaller unit when a fraction would not be exact") {
  CHECK(format(Days(10)) == "10days");
  CHECK(format(Hours(25)) == "25hrs");
  CHECK(format(Minutes(61)) == "61mins");
  for (const std::string text : {"10days", "25hrs", "61mins", "100secs", "1.5mins", "9days"}) {
    CAPTURE(text);
    const Try<Duration> d = parseDuration(text);
    REQUIRE(d.isSome());
    CAPTURE(format(*d));
    const Try<Duration> again = parseDuration(format(*d));
    REQUIRE(again.isSome());
    CHECK(again->ns() == d->ns());
  }
}

namespace {
// Values from one nanosecond up to the largest Duration, at every grain: whole units,
// units with fractions, and arbitrary nanosecond counts.
std::vector<Duration> sampleDurations(std::int64_t limit_ns) {
  std::vector<Duration> out;
  Rng rng(2024, "time_test");
  const std::int64_t units[] = {1, Microseconds(1).ns(), Milliseconds(1).ns(), Seconds(1).ns(),
                                Minutes(1).ns(), Hours(1).ns(), Days(1).ns(), Weeks(1).ns()};
  for (std::int64_t u : units) {
    if (u > limit_ns) continue;
    for (std::int64_t k : {1, 2, 3, 7, 10, 59, 60, 61, 99, 100, 999, 1000, 1001}) {
      if (u * k <= limit_ns) out.push_back(Nanoseconds(u * k));
    }
    out.push_back(Nanoseconds(u + u / 2));
    out.push_back(Nanoseconds(u + u / 4));
  }
  for (int bits = 1; bits < 63; ++bits) {
    for (int i = 0; i < 40; ++i) {
      const auto top = static_cast<std::uint64_t>(1) << bits;
      const auto ns = static_cast<std::int64_t>(rng.between(top / 2, top - 1));
      if (ns <= limit_ns) out.push_back(Nanoseconds(ns));
    }
  }
  if (limit_ns == INT64_MAX) out.push_back(Duration::max());
  return out;
}

void checkRoundTrips(std::int64_t limit_ns) {
  int checked = 0;
  std::vector<std::string> wrong;  // reported together, not one failure per value
  for (const Duration d : sampleDurations(limit_ns)) {
    for (const Duration value : {d, -d}) {
      const std::string text = format(value);
      const Try<Duration> back = parseDuration(text);
      ++checked;
      if (back.isError()) {
        wrong.push_back(fmt::format("{}ns -> \"{}\" -> {}", value.ns(), text, back.error()));
      } else if (back->ns() != value.ns()) {
        wrong.push_back(fmt::format("{}ns -> \"{}\" -> {}ns", value.ns(), text, back->ns()));
      }
    }
  }
  CHECK(checked > 500);
  std::string sample;
  for (std::size_t i = 0; i < wrong.size() && i < 5; ++i) sample += "\n  " + wrong[i];
  CHECK_MESSAGE(wrong.empty(), wrong.size(), " of ", checked, " values do not round trip, e.g.", sample);
}
}  // namespace

TEST_CASE("parse(format(d)) == d below one minute, where every unit is a power of ten") {
  checkRoundTrips(Minutes(1).ns() - 1);
}

TEST_CASE("parse(format(d)) == d for every duration") {
  checkRoundTrips(INT64_MAX);
}

TEST_CASE("formatSeconds prints seconds since the start with microsecond digits") {
  CHECK(formatSeconds(Time{}) == "0.000000s");
  CHECK(formatSeconds(Time{} + Milliseconds(1500)) == "1.500000s");
  CHECK(formatSeconds(Time::fromNanoseconds(12'345'678'912)) == "12.345678s");
  CHECK(formatSeconds(Time{} + Microseconds(1)) == "0.000001s");
  CHECK(formatSeconds(Time{} + Nanoseconds(999)) == "0.000000s");
  CHECK(formatSeconds(Time{} + Hours(1)) == "3600.000000s");
}

TEST_CASE("time and duration additions saturate instead of overflowing") {
  CHECK(Time{} + Seconds(5) + Duration::max() == Time::max());
  CHECK(Duration::max() + Seconds(1) == Duration::max());
  Duration d = Duration::max();
  d += Weeks(52);
  CHECK(d == Duration::max());
  CHECK(Time{} + Seconds(1) + Seconds(2) == Time{} + Seconds(3));
}

TEST_CASE("Duration and Time arithmetic saturates instead of overflowing (hostile flags)") {
  using namespace agentsim::sim;
  const Duration big = Duration::max();
  // agent_ping_timeout x max_agent_ping_timeouts with both near their extremes
  CHECK(Weeks(INT64_MAX / 1000) == Duration::max());
  CHECK(Seconds(INT64_MAX) * 5 == Duration::max());
  CHECK(Seconds(-INT64_MAX) * 5 == Duration::fromNanoseconds(INT64_MIN));
  CHECK(big * -2 == Duration::fromNanoseconds(INT64_MIN));
  CHECK(Duration::fromNanoseconds(INT64_MIN) - Seconds(1) == Duration::fromNanoseconds(INT64_MIN));
  CHECK(big - Seconds(-1) == big);
  CHECK(-Duration::fromNanoseconds(INT64_MIN) == big);
  CHECK(Duration::fromNanoseconds(INT64_MIN) / -1 == big);
  CHECK(Time::max() - Time::fromNanoseconds(-5) == big);
  CHECK(Time::fromNanoseconds(INT64_MIN) - Seconds(1) == Time::fromNanoseconds(INT64_MIN));
  CHECK(Time::fromNanoseconds(0) - Duration::fromNanoseconds(INT64_MIN) == Time::max());
  // ordinary values are exact
  CHECK(Seconds(15) * 5 == Seconds(75));
  CHECK(Time::fromNanoseconds(10) - Time::fromNanoseconds(3) == Nanoseconds(7));
}
