#pragma once
// Seeded random streams with our own integer-only algorithms (never <random>
// distributions, which differ between standard libraries). Each component draws from
// its own stream derived from (seed, stream name), so adding a component does not shift
// the others' draws.
#include <cstdint>
#include <string_view>

#include "sim/time.hpp"

namespace agentsim::sim {

// A probability as an integer ratio; floating point never decides anything.
struct Ratio {
  std::uint64_t num = 0;
  std::uint64_t den = 1;
};

std::uint64_t splitmix64(std::uint64_t& state);
std::uint64_t fnv1a64(std::string_view text);

// xoshiro256** seeded through splitmix64 from seed ^ fnv1a64(stream).
class Rng {
 public:
  Rng(std::uint64_t seed, std::string_view stream);

  std::uint64_t next();
  // Uniform in [0, bound); bound > 0. Lemire's multiply-and-reject, exact.
  std::uint64_t below(std::uint64_t bound);
  // Uniform in [lo, hi], inclusive.
  std::uint64_t between(std::uint64_t lo, std::uint64_t hi);
  bool chance(Ratio p);
  // Uniform in [0, max] at nanosecond grain, as Mesos's `max * os::random()/RAND_MAX`.
  Duration uniform(Duration max);

 private:
  std::uint64_t s_[4];
};

}  // namespace agentsim::sim
