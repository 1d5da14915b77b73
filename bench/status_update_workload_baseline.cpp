// The status-update workload (../shared/bench/workload.md) on a bare single-threaded
// event loop: a std::priority_queue of (time, seq, std::function) and plain state arrays,
// no processes, no addresses, no message objects. A message is a callback scheduled L
// after the send; a lost UPDATE is simply not scheduled; a cancelled retry timer stays in
// the queue and is skipped when it pops (its stream's timer generation moved on).
#include <algorithm>
#include <cstdint>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "bench/workload.hpp"

namespace bench = agentsim::bench;

namespace {

class Loop {
 public:
  std::int64_t now() const { return now_; }

  void at(std::int64_t when, std::function<void()> fn) { queue_.push(Event{when, next_seq_++, std::move(fn)}); }

  void run() {
    while (!queue_.empty()) {
      // top() is const; the callback is moved out before pop(), which only compares (at, seq).
      Event& top = const_cast<Event&>(queue_.top());
      now_ = top.at;
      std::function<void()> fn = std::move(top.fn);
      queue_.pop();
      ++pops_;
      fn();
    }
  }

  std::uint64_t pops() const { return pops_; }

 private:
  struct Event {
    std::int64_t at;
    std::uint64_t seq;
    std::function<void()> fn;
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const { return a.at != b.at ? a.at > b.at : a.seq > b.seq; }
  };

  std::priority_queue<Event, std::vector<Event>, Later> queue_;
  std::int64_t now_ = 0;
  std::uint64_t next_seq_ = 0;
  std::uint64_t pops_ = 0;
};

class Workload {
 public:
  explicit Workload(const bench::Params& p)
      : p_(p), streams_(static_cast<std::size_t>(p.agents) * p.tasks), received_(p.agents) {}

  void start() {
    for (std::uint32_t s = 0; s < streams_.size(); ++s) transmit(s);
    for (std::uint32_t a = 0; a < p_.agents; ++a) armPing(a);
  }

  Loop& loop() { return loop_; }
  const bench::Results& results() const { return results_; }

 private:
  struct Stream {
    std::uint32_t u = 0;
    std::uint32_t k = 0;
    std::uint32_t timer_gen = 0;  // a timer whose generation differs was cancelled
    std::int64_t timeout_ns = bench::kRetryInitialNs;
  };

  // Agent side. Stream index s = a * T + t.
  void transmit(std::uint32_t s) {
    Stream& st = streams_[s];
    const std::uint32_t a = s / p_.tasks;
    const std::uint32_t t = s % p_.tasks;
    if (!bench::updateDropped(p_.seed, a, t, st.u, st.k, p_.drop)) {
      const std::uint32_t u = st.u;
      loop_.at(loop_.now() + bench::kLatencyNs, [this, s, u] { masterUpdate(s, u); });
    }
    const std::uint32_t gen = ++st.timer_gen;
    loop_.at(loop_.now() + st.timeout_ns, [this, s, gen] {
      if (streams_[s].timer_gen == gen) retry(s);
    });
  }

  void retry(std::uint32_t s) {
    Stream& st = streams_[s];
    ++results_.retries;
    ++st.k;
    st.timeout_ns = bench::nextTimeout(st.timeout_ns);
    transmit(s);
  }

  void agentAck(std::uint32_t s, std::uint32_t u) {
    ++results_.messages_delivered;
    results_.last_ack_ns = std::max(results_.last_ack_ns, loop_.now());
    Stream& st = streams_[s];
    if (u != st.u) return;  // stale
    ++st.timer_gen;         // cancel the retry timer
    ++st.u;
    st.k = 0;
    st.timeout_ns = bench::kRetryInitialNs;
    if (st.u < p_.updates) transmit(s);
  }

  void agentPing(std::uint32_t a) {
    ++results_.messages_delivered;
    loop_.at(loop_.now() + bench::kLatencyNs, [this] { masterPong(); });
    (void)a;
  }

  // Master side.
  void masterUpdate(std::uint32_t s, std::uint32_t u) {
    ++results_.messages_delivered;
    ++received_[s / p_.tasks];
    loop_.at(loop_.now() + bench::kLatencyNs, [this, s, u] { agentAck(s, u); });
  }

  void masterPong() { ++results_.messages_delivered; }

  void armPing(std::uint32_t a) {
    loop_.at(loop_.now() + bench::kPingPeriodNs, [this, a] { pingTimeout(a); });
  }

  void pingTimeout(std::uint32_t a) {
    if (received_[a] == static_cast<std::uint64_t>(p_.tasks) * p_.updates) return;
    ++results_.pings;
    loop_.at(loop_.now() + bench::kLatencyNs, [this, a] { agentPing(a); });
    armPing(a);
  }

  bench::Params p_;
  Loop loop_;
  std::vector<Stream> streams_;
  std::vector<std::uint64_t> received_;
  bench::Results results_;
};

}  // namespace

int main(int argc, char** argv) {
  const bench::Params params = bench::parseArgs(argc, argv);
  Workload w(params);

  bench::Stopwatch clock;
  clock.start();
  w.start();
  w.loop().run();
  clock.stop();

  bench::printResults(w.results(), clock, fmt::format("queue_pops={}\n", w.loop().pops()));
  return 0;
}
