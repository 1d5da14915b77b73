#include "sim/load.hpp"

#include <algorithm>

#include "sim/uint128.hpp"

namespace agentsim::sim {

namespace {
constexpr std::uint64_t kFShift = 11;
constexpr std::uint64_t kFixed1 = 1ULL << kFShift;
constexpr std::array<std::uint64_t, 3> kExp{1884, 2014, 2037};  // EXP_1, EXP_5, EXP_15

std::uint64_t calcLoad(std::uint64_t load, std::uint64_t exp, std::uint64_t active) {
  std::uint64_t next = load * exp + active * (kFixed1 - exp);
  if (active >= load) next += kFixed1 - 1;
  return next / kFixed1;
}

std::int64_t toMilli(std::uint64_t fixed) {
  // LOAD_INT and LOAD_FRAC, in thousandths, rounded as /proc/loadavg rounds (FIXED_1/200).
  return static_cast<std::int64_t>(((fixed + kFixed1 / 2000) * 1000) >> kFShift);
}
}  // namespace

void LoadSignal::set(LoadPoint point) {
  points_.erase(std::remove_if(points_.begin(), points_.end(), [&](const LoadPoint& p) { return p.at >= point.at; }),
                points_.end());
  points_.push_back(point);
}

std::int64_t LoadSignal::runnableAt(Time t) const {
  std::int64_t value = 0;
  for (std::size_t i = 0; i < points_.size(); ++i) {
    const LoadPoint& p = points_[i];
    if (p.at <= t) {
      value = p.runnable_milli;
      continue;
    }
    if (p.ramp) {
      const Time from = i == 0 ? Time{} : points_[i - 1].at;
      const std::int64_t start = i == 0 ? 0 : points_[i - 1].runnable_milli;
      const std::int64_t span = (p.at - from).ns();
      const std::int64_t done = (t - from).ns();
      // Exact integer interpolation.
      const std::int64_t diff = p.runnable_milli - start;
      const u128 mag = static_cast<u128>(diff < 0 ? -diff : diff) * static_cast<u128>(done) / static_cast<u128>(span);
      value = start + (diff < 0 ? -static_cast<std::int64_t>(mag) : static_cast<std::int64_t>(mag));
    }
    break;
  }
  return value;
}

LoadAverages LoadSignal::averagesAt(Time t) {
  const std::int64_t due = t.sinceStart().ns() / kLoadFreq.ns();
  for (; samples_ < due; ++samples_) {
    const Time at = Time{} + kLoadFreq * (samples_ + 1);
    const std::int64_t milli = std::max<std::int64_t>(0, runnableAt(at));
    const std::uint64_t active = static_cast<std::uint64_t>(milli) * kFixed1 / 1000;
    for (std::size_t i = 0; i < 3; ++i) avenrun_[i] = calcLoad(avenrun_[i], kExp[i], active);
  }
  return LoadAverages{toMilli(avenrun_[0]), toMilli(avenrun_[1]), toMilli(avenrun_[2])};
}

}  // namespace agentsim::sim
