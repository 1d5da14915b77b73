#pragma once
// Simulated time: integer nanoseconds, as stout's Duration. Nothing here reads a clock.
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/try.hpp"

namespace agentsim::sim {

class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration fromNanoseconds(std::int64_t ns) { return Duration(ns); }
  static constexpr Duration max() { return Duration(INT64_MAX); }

  constexpr std::int64_t ns() const { return ns_; }

  constexpr auto operator<=>(const Duration&) const = default;
  // Saturates instead of overflowing (delays from several rules add up).
  constexpr Duration operator+(Duration o) const {
    std::int64_t out = 0;
    if (__builtin_add_overflow(ns_, o.ns_, &out)) return o.ns_ > 0 ? max() : Duration(INT64_MIN);
    return Duration(out);
  }
  constexpr Duration operator-(Duration o) const {
    std::int64_t out = 0;
    if (__builtin_sub_overflow(ns_, o.ns_, &out)) return o.ns_ < 0 ? max() : Duration(INT64_MIN);
    return Duration(out);
  }
  constexpr Duration operator-() const { return ns_ == INT64_MIN ? max() : Duration(-ns_); }
  // Saturates too: flag products (agent_ping_timeout x max_agent_ping_timeouts) and
  // backoff doublings may exceed 292 years.
  constexpr Duration operator*(std::int64_t k) const {
    std::int64_t out = 0;
    if (__builtin_mul_overflow(ns_, k, &out)) return (ns_ < 0) != (k < 0) ? Duration(INT64_MIN) : max();
    return Duration(out);
  }
  constexpr Duration operator/(std::int64_t k) const {
    return (ns_ == INT64_MIN && k == -1) ? max() : Duration(ns_ / k);
  }
  constexpr Duration& operator+=(Duration o) { return *this = *this + o; }

 private:
  constexpr explicit Duration(std::int64_t ns) : ns_(ns) {}
  std::int64_t ns_ = 0;
};

constexpr Duration Nanoseconds(std::int64_t n) { return Duration::fromNanoseconds(n); }
constexpr Duration Microseconds(std::int64_t n) { return Nanoseconds(n) * 1000; }
constexpr Duration Milliseconds(std::int64_t n) { return Microseconds(n) * 1000; }
constexpr Duration Seconds(std::int64_t n) { return Milliseconds(n) * 1000; }
constexpr Duration Minutes(std::int64_t n) { return Seconds(n) * 60; }
constexpr Duration Hours(std::int64_t n) { return Minutes(n) * 60; }
constexpr Duration Days(std::int64_t n) { return Hours(n) * 24; }
constexpr Duration Weeks(std::int64_t n) { return Days(n) * 7; }

// A point on the simulated clock: nanoseconds since the start of the run.
class Time {
 public:
  constexpr Time() = default;
  static constexpr Time fromNanoseconds(std::int64_t ns) { return Time(ns); }
  static constexpr Time max() { return Time(INT64_MAX); }
  constexpr std::int64_t ns() const { return ns_; }
  constexpr Duration sinceStart() const { return Nanoseconds(ns_); }

  constexpr auto operator<=>(const Time&) const = default;
  // Saturates at Time::max() ("never") instead of overflowing.
  constexpr Time operator+(Duration d) const {
    std::int64_t out = 0;
    if (__builtin_add_overflow(ns_, d.ns(), &out)) return d.ns() > 0 ? max() : Time(INT64_MIN);
    return Time(out);
  }
  constexpr Time operator-(Duration d) const {
    std::int64_t out = 0;
    if (__builtin_sub_overflow(ns_, d.ns(), &out)) return d.ns() < 0 ? max() : Time(INT64_MIN);
    return Time(out);
  }
  constexpr Duration operator-(Time o) const { return Nanoseconds(ns_) - Nanoseconds(o.ns_); }

 private:
  constexpr explicit Time(std::int64_t ns) : ns_(ns) {}
  std::int64_t ns_ = 0;
};

// Parses Mesos duration syntax: a decimal number and a unit among
// ns us ms secs mins hrs days weeks ("10secs", "1.5mins", "-15secs"), as stout's
// Duration::parse. Fractions below a nanosecond are truncated, as stout does.
Try<Duration> parseDuration(std::string_view text);

// Prints as stout's operator<<: the largest unit not above the value, with a decimal
// fraction when needed ("10secs", "1.5mins", "1weeks"). Exact, no floating point.
std::string format(Duration d);

// "12.345678s" style: seconds since the start with microsecond digits, for timelines.
std::string formatSeconds(Time t);

}  // namespace agentsim::sim
