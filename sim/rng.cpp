#include "sim/rng.hpp"

#include "sim/assert.hpp"
#include "sim/uint128.hpp"

namespace agentsim::sim {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

Rng::Rng(std::uint64_t seed, std::string_view stream) {
  std::uint64_t state = seed ^ fnv1a64(stream);
  for (auto& word : s_) word = splitmix64(state);
}

namespace {
constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

std::uint64_t Rng::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

std::uint64_t Rng::below(std::uint64_t bound) {
  AGENTSIM_ASSERT(bound > 0);
  u128 m = static_cast<u128>(next()) * bound;
  auto low = static_cast<std::uint64_t>(m);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      m = static_cast<u128>(next()) * bound;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

std::uint64_t Rng::between(std::uint64_t lo, std::uint64_t hi) {
  AGENTSIM_ASSERT(lo <= hi);
  if (lo == 0 && hi == UINT64_MAX) return next();
  return lo + below(hi - lo + 1);
}

bool Rng::chance(Ratio p) {
  AGENTSIM_ASSERT(p.den > 0);
  if (p.num >= p.den) return true;
  if (p.num == 0) return false;
  return below(p.den) < p.num;
}

Duration Rng::uniform(Duration max) {
  AGENTSIM_ASSERT(max.ns() >= 0);
  return Nanoseconds(static_cast<std::int64_t>(between(0, static_cast<std::uint64_t>(max.ns()))));
}

}  // namespace agentsim::sim
