#pragma once
// Shared fixtures for the kernel tests: two small messages and a process that records
// what reaches it and exposes the protected libprocess verbs to the test.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/simulation.hpp"

namespace agentsim::sim::test {

struct Ping : MessageOf<Ping> {
  static constexpr std::string_view kName = "Ping";
  Ping() = default;
  explicit Ping(std::int64_t number) : n(number) {}
  std::int64_t n = 0;
  void describe(Fields& out) const override { out.push_back({"n", n}); }
};

struct Pong : MessageOf<Pong> {
  static constexpr std::string_view kName = "Pong";
  Pong() = default;
  explicit Pong(std::int64_t number) : n(number) {}
  std::int64_t n = 0;
  void describe(Fields& out) const override { out.push_back({"n", n}); }
};

// A message nobody installs a handler for.
struct Stray : MessageOf<Stray> {
  static constexpr std::string_view kName = "Stray";
};

struct Received {
  Time at;
  std::string name;
  std::string from;
  std::int64_t n = 0;
};

// Records every Ping and Pong it receives; the test drives it through the public
// wrappers of the protected verbs.
class Recorder : public Process {
 public:
  explicit Recorder(ProcessName name = ProcessName::generated("recorder")) : Process(std::move(name)) {
    install<Ping>(&Recorder::ping, "ping");
    install<Pong>(&Recorder::pong, "pong");
  }

  std::vector<Received> received;
  bool initialized = false;
  Time initialized_at = Time::max();
  std::function<void(Recorder&)> on_initialize;
  std::function<void(Recorder&, const Upid&, const Ping&)> on_ping;
  std::function<void()> on_finalize;
  std::function<bool(const Envelope&, std::string&)> on_accept;
  std::vector<std::pair<Time, std::string>> exits;  // exited(pid) events: when, pid

  std::vector<std::int64_t> numbers(std::string_view name = "Ping") const {
    std::vector<std::int64_t> out;
    for (const Received& r : received) {
      if (r.name == name) out.push_back(r.n);
    }
    return out;
  }

  void sendPing(const Upid& to, std::int64_t n) { send(to, Ping(n)); }
  void sendPong(const Upid& to, std::int64_t n) { send(to, Pong(n)); }
  void sendStray(const Upid& to) { send(to, Stray()); }

  using Process::link;
  using Process::cancel;
  using Process::delay;
  using Process::dispatch;
  using Process::log;
  using Process::rng;
  using Process::terminate;
  using Process::traceState;

 protected:
  void initialize() override {
    initialized = true;
    initialized_at = now();
    if (on_initialize) on_initialize(*this);
  }
  void finalize() override {
    if (on_finalize) on_finalize();
  }
  void exited(const Upid& pid) override { exits.emplace_back(now(), pid.str()); }
  bool accept(const Envelope& e, std::string& reason) override { return !on_accept || on_accept(e, reason); }

 private:
  void ping(const Upid& from, const Ping& m) {
    received.push_back(Received{now(), "Ping", from.str(), m.n});
    if (on_ping) on_ping(*this, from, m);
  }
  void pong(const Upid& from, const Pong& m) { received.push_back(Received{now(), "Pong", from.str(), m.n}); }
};

// Two hosts with one recorder each: "slave(1)@agent-1:5051" and "master@master-1:5050".
struct TwoHosts {
  explicit TwoHosts(std::uint64_t seed = 1, Limits limits = {})
      : sim(seed, limits),
        agent(sim.addHost("agent-1", 5051)),
        master_host(sim.addHost("master-1", 5050)),
        slave(sim.spawn<Recorder>(agent, ProcessName::generated("slave"))),
        master(sim.spawn<Recorder>(master_host, ProcessName::fixed("master"))) {
    (void)sim.settle();  // run both initialize() events
  }

  // Runs `fn` as a harness event at `when`, so sends happen inside an event as in a run.
  void at(Duration when, std::function<void()> fn) { sim.at(Time{} + when, "test", std::move(fn)); }

  Simulation sim;
  Host& agent;
  Host& master_host;
  Recorder& slave;
  Recorder& master;
};

inline std::vector<Record> ofKind(const MemorySink& sink, RecordKind kind) {
  std::vector<Record> out;
  for (const Record& r : sink.records()) {
    if (r.kind == kind) out.push_back(r);
  }
  return out;
}

}  // namespace agentsim::sim::test
