#pragma once
// A host's CPU load: the number of runnable tasks over time (a signal a scenario gives:
// steps and ramps), and the 1, 5 and 15 minute load averages computed from it as Linux
// does (kernel/sched/loadavg.c, calc_load): every 5secs (LOAD_FREQ; Linux adds one
// tick), avg = (avg * e + active * (FIXED_1 - e)) / FIXED_1 in 11-bit fixed point, with
// e = EXP_1 1884, EXP_5 2014, EXP_15 2037, rounding up while the load rises. Integer
// arithmetic only, so every run computes the same averages.
#include <array>
#include <cstdint>
#include <vector>

#include "sim/time.hpp"

namespace agentsim::sim {

struct LoadPoint {
  Time at;
  std::int64_t runnable_milli = 0;  // runnable tasks x 1000
  bool ramp = false;                // rise or fall linearly from the previous point to this one
};

// The load averages in thousandths ("1.250" is 1250), as /proc/loadavg prints them.
struct LoadAverages {
  std::int64_t one_milli = 0;
  std::int64_t five_milli = 0;
  std::int64_t fifteen_milli = 0;
};

class LoadSignal {
 public:
  static constexpr Duration kLoadFreq = Seconds(5);

  // Replaces the signal from `at` on (points at or after it are dropped).
  void set(LoadPoint point);
  std::int64_t runnableAt(Time t) const;  // in thousandths
  // The averages at `t` (after every 5secs sample up to t). Calls must not go back in time.
  LoadAverages averagesAt(Time t);

 private:
  std::vector<LoadPoint> points_;  // by time
  std::int64_t samples_ = 0;       // samples taken so far (at 5, 10, ... secs)
  std::array<std::uint64_t, 3> avenrun_{};  // FIXED_1 fixed point
};

}  // namespace agentsim::sim
