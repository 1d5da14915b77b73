// Seeded random streams: pinned values, ranges, rough uniformity and independence.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <set>
#include <vector>

#include "sim/rng.hpp"
#include "sim_test_util.hpp"

using namespace agentsim::sim;
using namespace agentsim::sim::test;

namespace {

std::vector<std::uint64_t> draws(Rng rng, int n) {
  std::vector<std::uint64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(rng.next());
  return out;
}

// xoshiro256** as published by Blackman and Vigna, written out again here so the test
// does not trust the code it checks.
struct ReferenceXoshiro {
  std::uint64_t s[4];
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
};

}  // namespace

TEST_CASE("splitmix64 from state 0 gives the published sequence") {
  std::uint64_t state = 0;
  CHECK(splitmix64(state) == 0xe220a8397b1dcdafULL);
  CHECK(splitmix64(state) == 0x6e789e6aa1b965f4ULL);
  CHECK(splitmix64(state) == 0x06c45d188009454fULL);
  CHECK(state == 3 * 0x9e3779b97f4a7c15ULL);
}

TEST_CASE("fnv1a64 gives the published FNV-1a values") {
  CHECK(fnv1a64("") == 0xcbf29ce484222325ULL);
  CHECK(fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(fnv1a64("network") != fnv1a64("networl"));
}

TEST_CASE("Rng(42, \"network\") gives pinned values") {
  // Computed once from the implementation; a change here shifts every seeded run.
  Rng rng(42, "network");
  CHECK(rng.next() == 0x52623b4914358d85ULL);
  CHECK(rng.next() == 0x9d44a8d61b3624f1ULL);
  CHECK(rng.next() == 0x952ca4cb1fc759afULL);
  CHECK(rng.next() == 0x224d708654bfa014ULL);
  CHECK(rng.next() == 0x5c73d8b964d7cdeeULL);

  Rng small(42, "network");
  std::vector<std::uint64_t> got;
  for (int i = 0; i < 10; ++i) got.push_back(small.below(10));
  CHECK(got == std::vector<std::uint64_t>{3, 6, 5, 1, 3, 9, 3, 5, 9, 3});
}

TEST_CASE("Rng is xoshiro256** seeded through splitmix64 from seed ^ fnv1a64(stream)") {
  for (const char* stream : {"network", "agent-1/slave(1)", ""}) {
    CAPTURE(stream);
    std::uint64_t state = 7 ^ fnv1a64(stream);
    ReferenceXoshiro ref{};
    for (auto& word : ref.s) word = splitmix64(state);
    Rng rng(7, stream);
    for (int i = 0; i < 1000; ++i) REQUIRE(rng.next() == ref.next());
  }
}

TEST_CASE("below stays in [0, bound)") {
  Rng rng(1, "below");
  const std::uint64_t bounds[] = {1, 2, 3, 7, 10, 1000, (1ULL << 63) + 1, UINT64_MAX};
  for (std::uint64_t bound : bounds) {
    CAPTURE(bound);
    for (int i = 0; i < 2000; ++i) REQUIRE(rng.below(bound) < bound);
  }
  for (int i = 0; i < 100; ++i) CHECK(rng.below(1) == 0);
}

TEST_CASE("below(10) is roughly uniform over 100000 draws") {
  Rng rng(42, "uniformity");
  std::array<int, 10> buckets{};
  for (int i = 0; i < 100'000; ++i) ++buckets[rng.below(10)];
  for (int count : buckets) {
    // Expected 10000, standard deviation about 95.
    CHECK(count > 9'000);
    CHECK(count < 11'000);
  }
}

TEST_CASE("below is not biased towards the low half for a bound just above 2^63") {
  // A naive `next() % bound` puts five eighths of the draws in the lower half here.
  Rng rng(5, "lemire");
  const std::uint64_t bound = (1ULL << 63) + (1ULL << 62);
  int low = 0;
  for (int i = 0; i < 30'000; ++i) low += rng.below(bound) < bound / 2 ? 1 : 0;
  CHECK(low > 14'000);
  CHECK(low < 16'000);
}

TEST_CASE("between is inclusive at both ends") {
  Rng rng(3, "between");
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t v = rng.between(5, 7);
    REQUIRE(v >= 5);
    REQUIRE(v <= 7);
    seen.insert(v);
  }
  CHECK(seen == std::set<std::uint64_t>{5, 6, 7});
  CHECK(rng.between(9, 9) == 9);
  CHECK(rng.between(UINT64_MAX, UINT64_MAX) == UINT64_MAX);

  // The full range is one raw draw.
  Rng a(3, "full");
  Rng b(3, "full");
  CHECK(a.between(0, UINT64_MAX) == b.next());
}

TEST_CASE("chance follows its integer ratio") {
  Rng rng(9, "chance");
  int never = 0;
  int always = 0;
  int above = 0;
  int quarter = 0;
  constexpr int kDraws = 100'000;
  for (int i = 0; i < kDraws; ++i) {
    never += rng.chance(Ratio{0, 1}) ? 1 : 0;
    always += rng.chance(Ratio{1, 1}) ? 1 : 0;
    above += rng.chance(Ratio{5, 4}) ? 1 : 0;
    quarter += rng.chance(Ratio{1, 4}) ? 1 : 0;
  }
  CHECK(never == 0);
  CHECK(always == kDraws);
  CHECK(above == kDraws);
  // Expected 25000, standard deviation about 137.
  CHECK(quarter > 23'500);
  CHECK(quarter < 26'500);
}

TEST_CASE("chance with a certain outcome does not consume a draw") {
  Rng a(11, "certain");
  Rng b(11, "certain");
  CHECK_FALSE(a.chance(Ratio{0, 3}));
  CHECK(a.chance(Ratio{3, 3}));
  CHECK(a.next() == b.next());
}

TEST_CASE("uniform(Duration) draws nanoseconds in [0, max], both ends included") {
  Rng rng(4, "uniform");
  std::set<std::int64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const Duration d = rng.uniform(Nanoseconds(3));
    REQUIRE(d >= Duration{});
    REQUIRE(d <= Nanoseconds(3));
    seen.insert(d.ns());
  }
  CHECK(seen == std::set<std::int64_t>{0, 1, 2, 3});
  CHECK(rng.uniform(Duration{}) == Duration{});
  for (int i = 0; i < 1000; ++i) {
    const Duration d = rng.uniform(Seconds(10));
    REQUIRE(d >= Duration{});
    REQUIRE(d <= Seconds(10));
  }
  const Duration big = rng.uniform(Duration::max());
  CHECK(big >= Duration{});
}

TEST_CASE("streams are independent and reproducible") {
  SUBCASE("the same (seed, stream) gives the same sequence") {
    CHECK(draws(Rng(42, "network"), 1000) == draws(Rng(42, "network"), 1000));
  }
  SUBCASE("different stream names give different sequences") {
    const auto a = draws(Rng(42, "agent-1/slave(1)"), 8);
    const auto b = draws(Rng(42, "agent-1/slave(2)"), 8);
    const auto c = draws(Rng(42, "network"), 8);
    CHECK(a != b);
    CHECK(a != c);
    CHECK(b != c);
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i] != b[i]);
  }
  SUBCASE("different seeds give different sequences") {
    CHECK(draws(Rng(42, "network"), 8) != draws(Rng(43, "network"), 8));
  }
  SUBCASE("a copy continues the same sequence") {
    Rng a(6, "copy");
    (void)a.next();
    Rng b = a;
    CHECK(draws(a, 50) == draws(b, 50));
  }
  SUBCASE("Simulation::rng(stream) is Rng(seed, stream)") {
    Simulation sim(77);
    CHECK(draws(sim.rng("harness"), 20) == draws(Rng(77, "harness"), 20));
  }
}

TEST_CASE("draws on one process's stream do not shift another's") {
  // Two runs of the same world; in the second, slave(1) draws a lot more.
  auto run = [](int extra_draws) {
    Simulation sim(42);
    Host& h = sim.addHost("agent-1", 5051);
    auto& a = sim.spawn<Recorder>(h, ProcessName::generated("slave"));
    auto& b = sim.spawn<Recorder>(h, ProcessName::generated("slave"));
    std::vector<std::uint64_t> seen;
    a.on_initialize = [extra_draws](Recorder& self) {
      for (int i = 0; i < extra_draws; ++i) (void)self.rng().next();
    };
    b.on_initialize = [&seen](Recorder& self) {
      for (int i = 0; i < 5; ++i) seen.push_back(self.rng().next());
    };
    (void)sim.settle();
    return seen;
  };
  const auto quiet = run(0);
  const auto busy = run(1000);
  REQUIRE(quiet.size() == 5);
  CHECK(quiet == busy);
  CHECK(quiet == draws(Rng(42, "agent-1/slave(2)"), 5));
}

TEST_CASE("network jitter draws do not shift a process's stream") {
  auto run = [](bool jitter) {
    TwoHosts w(8);
    if (jitter) w.sim.network().setLatency(LatencyModel{Milliseconds(1), Milliseconds(20)});
    std::vector<std::uint64_t> seen;
    w.at(Seconds(1), [&] {
      for (int i = 0; i < 20; ++i) w.slave.sendPing(w.master.self(), i);
    });
    w.at(Seconds(2), [&] {
      for (int i = 0; i < 5; ++i) seen.push_back(w.master.rng().next());
    });
    (void)w.sim.runFor(Seconds(3));
    CHECK(w.master.received.size() == 20);
    return seen;
  };
  CHECK(run(false) == run(true));
}
