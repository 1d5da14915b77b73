#pragma once
// The status-update benchmark workload (spec: ../shared/bench/workload.md), shared by
// the kernel and baseline implementations: parameters, the splitmix drop function, the
// result and performance lines. Header-only; needs fmt and nothing from sim/.
#include <charconv>
#include <chrono>
#include <ctime>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

namespace agentsim::bench {

// Simulated time in integer nanoseconds.
inline constexpr std::int64_t kMillisecondNs = 1'000'000;
inline constexpr std::int64_t kSecondNs = 1'000 * kMillisecondNs;
inline constexpr std::int64_t kLatencyNs = 1 * kMillisecondNs;      // L
inline constexpr std::int64_t kRetryInitialNs = 10 * kSecondNs;     // R0
inline constexpr std::int64_t kRetryMaxNs = 600 * kSecondNs;        // Rmax
inline constexpr std::int64_t kPingPeriodNs = 15 * kSecondNs;       // P

struct Params {
  std::uint32_t agents = 10;   // A
  std::uint32_t tasks = 10;    // T
  std::uint32_t updates = 5;   // U
  double drop = 0.1;           // D
  std::uint64_t seed = 42;
};

struct Results {
  std::int64_t last_ack_ns = 0;  // when the last ACK was delivered
  std::uint64_t messages_delivered = 0;
  std::uint64_t retries = 0;
  std::uint64_t pings = 0;
};

[[noreturn]] inline void usage(const char* argv0, std::string_view problem) {
  std::fprintf(stderr, "%s: %.*s\nusage: %s [A=<agents>] [T=<tasks>] [U=<updates>] [D=<drop>] [seed=<u64>]\n",
               argv0, static_cast<int>(problem.size()), problem.data(), argv0);
  std::exit(2);
}

template <typename N>
bool parseNumber(std::string_view text, N& out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end;
}

// Parses `A=.. T=.. U=.. D=.. seed=..` in any order; each defaults as the spec says.
inline Params parseArgs(int argc, char** argv) {
  Params p;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto eq = arg.find('=');
    if (eq == std::string_view::npos) usage(argv[0], fmt::format("expected key=value, got '{}'", arg));
    const std::string_view key = arg.substr(0, eq);
    const std::string_view value = arg.substr(eq + 1);
    bool ok = false;
    if (key == "A") {
      ok = parseNumber(value, p.agents) && p.agents >= 1;
    } else if (key == "T") {
      ok = parseNumber(value, p.tasks) && p.tasks >= 1;
    } else if (key == "U") {
      ok = parseNumber(value, p.updates) && p.updates >= 1;
    } else if (key == "D") {
      // D = 1 would retry forever.
      ok = parseNumber(value, p.drop) && p.drop >= 0.0 && p.drop < 1.0;
    } else if (key == "seed") {
      ok = parseNumber(value, p.seed);
    } else {
      usage(argv[0], fmt::format("unknown parameter '{}'", key));
    }
    if (!ok) usage(argv[0], fmt::format("bad value in '{}'", arg));
  }
  if (static_cast<std::uint64_t>(p.agents) * p.tasks > UINT32_MAX) usage(argv[0], "A*T too large");
  return p;
}

// splitmix64 as a pure function of z (the spec's sm).
constexpr std::uint64_t sm(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Whether transmission k of UPDATE(a, t, u) is lost.
inline bool updateDropped(std::uint64_t seed, std::uint64_t a, std::uint64_t t, std::uint64_t u, std::uint64_t k,
                          double drop) {
  const std::uint64_t x = sm(sm(sm(sm(seed ^ a) ^ t) ^ u) ^ k);
  return static_cast<double>(x >> 11) * 0x1.0p-53 < drop;
}

// The retry timeout after `timeout_ns`: doubled, capped at Rmax.
constexpr std::int64_t nextTimeout(std::int64_t timeout_ns) {
  return timeout_ns >= kRetryMaxNs / 2 ? kRetryMaxNs : timeout_ns * 2;
}

// Times the simulation proper: wall time (steady_clock; allowed in bench/ only, never in
// sim/ or model/) and this process's CPU time, which is steadier on a loaded machine.
class Stopwatch {
 public:
  void start() {
    wall_start_ = std::chrono::steady_clock::now();
    cpu_start_ = cpuNow();
  }
  void stop() {
    wall_s_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count();
    cpu_s_ = cpuNow() - cpu_start_;
  }
  double wallSeconds() const { return wall_s_; }
  double cpuSeconds() const { return cpu_s_; }

 private:
  static double cpuNow() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  }
  std::chrono::steady_clock::time_point wall_start_;
  double cpu_start_ = 0;
  double wall_s_ = 0;
  double cpu_s_ = 0;
};

// Peak resident set (VmHWM) in MiB, or -1 if /proc/self/status cannot be read.
inline double peakRssMiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      const long long kib = std::strtoll(line.c_str() + 6, nullptr, 10);
      return static_cast<double>(kib) / 1024.0;
    }
  }
  return -1.0;
}

// The four result lines, then the performance lines (the spec's four, then cpu_s, any
// implementation-specific `extra` lines, and peak_rss_mib).
inline void printResults(const Results& r, const Stopwatch& clock, std::string_view extra = {}) {
  const double run_s = clock.wallSeconds();
  const std::uint64_t events = r.messages_delivered + r.retries + r.pings;
  const std::int64_t micros = (r.last_ack_ns + 500) / 1000;
  fmt::print("sim_time_s={}.{:06}\n", micros / 1'000'000, micros % 1'000'000);
  fmt::print("messages_delivered={}\n", r.messages_delivered);
  fmt::print("retries={}\n", r.retries);
  fmt::print("pings={}\n", r.pings);
  fmt::print("events={}\n", events);
  fmt::print("run_s={:.6f}\n", run_s);
  const double secs = run_s > 0 ? run_s : 1e-9;
  fmt::print("events_per_s={:.0f}\n", static_cast<double>(events) / secs);
  fmt::print("messages_per_s={:.0f}\n", static_cast<double>(r.messages_delivered) / secs);
  fmt::print("cpu_s={:.6f}\n", clock.cpuSeconds());
  if (!extra.empty()) fmt::print("{}", extra);
  fmt::print("peak_rss_mib={:.1f}\n", peakRssMiB());
  std::fflush(stdout);
}

}  // namespace agentsim::bench
