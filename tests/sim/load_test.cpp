// Load averages as Linux computes them, from a host's runnable-task signal.
#include <doctest/doctest.h>

#include "sim/load.hpp"

using namespace agentsim::sim;

TEST_CASE("load averages: Linux's fixed-point steps every 5secs") {
  LoadSignal s;
  s.set({Time{}, 1000, false});  // one runnable task from the start
  CHECK(s.averagesAt(Time{} + Seconds(4)).one_milli == 0);  // no sample yet
  // First sample: (0 * 1884 + 2048 * 164 + 2047) / 2048 = 164 -> 0.08, as /proc/loadavg.
  CHECK(s.averagesAt(Time{} + Seconds(5)).one_milli == 80);
  // After one minute the 1-minute average is about 1 - 1/e.
  const LoadAverages m1 = s.averagesAt(Time{} + Minutes(1));
  CHECK(m1.one_milli > 620);
  CHECK(m1.one_milli < 645);
  CHECK(m1.five_milli < m1.one_milli);
  CHECK(m1.fifteen_milli < m1.five_milli);
  // A long steady load converges on it.
  CHECK(s.averagesAt(Time{} + Minutes(60)).fifteen_milli >= 980);
}

TEST_CASE("load signal: steps, ramps, and a later point replaces what follows it") {
  LoadSignal s;
  s.set({Time{}, 500, false});
  s.set({Time{} + Minutes(1), 4500, true});  // ramp from 0.5 to 4.5 over the first minute
  CHECK(s.runnableAt(Time{}) == 500);
  CHECK(s.runnableAt(Time{} + Seconds(30)) == 2500);
  CHECK(s.runnableAt(Time{} + Minutes(2)) == 4500);
  s.set({Time{} + Minutes(1), 100, false});
  CHECK(s.runnableAt(Time{} + Seconds(30)) == 500);  // the ramp was replaced by a step
  CHECK(s.runnableAt(Time{} + Minutes(2)) == 100);
}
