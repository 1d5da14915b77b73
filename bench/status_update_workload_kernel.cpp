// The status-update workload (../shared/bench/workload.md) on agentsim's kernel: one
// Simulation, a master host with one master process and A agent hosts with one agent
// process each. Messages go through Process::send and the Network; UPDATE losses are a
// network fault rule (Drop) whose predicate is the spec's splitmix function; retry and
// ping timers are Process::delay / cancel. Trace off.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "bench/workload.hpp"
#include "sim/simulation.hpp"

namespace sim = agentsim::sim;
namespace bench = agentsim::bench;

namespace {

struct UpdateMessage : sim::MessageOf<UpdateMessage> {
  static constexpr std::string_view kName = "UPDATE";
  UpdateMessage(std::uint32_t a_, std::uint32_t t_, std::uint32_t u_, std::uint32_t k_) : a(a_), t(t_), u(u_), k(k_) {}
  void describe(sim::Fields& out) const override {
    out.push_back({"a", std::int64_t{a}});
    out.push_back({"t", std::int64_t{t}});
    out.push_back({"u", std::int64_t{u}});
    out.push_back({"k", std::int64_t{k}});
  }
  std::uint32_t a, t, u;
  std::uint32_t k;  // transmission number: 0 first, 1 first retry, ...
};

struct AckMessage : sim::MessageOf<AckMessage> {
  static constexpr std::string_view kName = "ACK";
  AckMessage(std::uint32_t a_, std::uint32_t t_, std::uint32_t u_) : a(a_), t(t_), u(u_) {}
  void describe(sim::Fields& out) const override {
    out.push_back({"a", std::int64_t{a}});
    out.push_back({"t", std::int64_t{t}});
    out.push_back({"u", std::int64_t{u}});
  }
  std::uint32_t a, t, u;
};

struct PingMessage : sim::MessageOf<PingMessage> {
  static constexpr std::string_view kName = "PING";
  explicit PingMessage(std::uint32_t a_) : a(a_) {}
  void describe(sim::Fields& out) const override { out.push_back({"a", std::int64_t{a}}); }
  std::uint32_t a;
};

struct PongMessage : sim::MessageOf<PongMessage> {
  static constexpr std::string_view kName = "PONG";
  explicit PongMessage(std::uint32_t a_) : a(a_) {}
  void describe(sim::Fields& out) const override { out.push_back({"a", std::int64_t{a}}); }
  std::uint32_t a;
};

class Agent final : public sim::Process {
 public:
  Agent(std::uint32_t index, const bench::Params& params, sim::Upid master, bench::Results& results)
      : Process(sim::ProcessName::generated("slave")),
        index_(index),
        params_(params),
        master_(master),
        results_(results),
        streams_(params.tasks) {}

  std::string_view className() const override { return "Agent"; }

 protected:
  void initialize() override {
    install<AckMessage>(&Agent::ack, "Agent::ack");
    install<PingMessage>(&Agent::ping, "Agent::ping");
    for (std::uint32_t t = 0; t < params_.tasks; ++t) transmit(t);
  }

 private:
  struct Stream {
    std::uint32_t u = 0;
    std::uint32_t k = 0;
    std::int64_t timeout_ns = bench::kRetryInitialNs;
    sim::TimerId timer;
  };

  void transmit(std::uint32_t t) {
    Stream& s = streams_[t];
    send(master_, UpdateMessage(index_, t, s.u, s.k));
    s.timer = delay(sim::Nanoseconds(s.timeout_ns), "Agent::retry", [this, t] { retry(t); });
  }

  void retry(std::uint32_t t) {
    Stream& s = streams_[t];
    s.timer = sim::TimerId{};
    ++results_.retries;
    ++s.k;
    s.timeout_ns = bench::nextTimeout(s.timeout_ns);
    transmit(t);
  }

  void ack(const sim::Upid& /*from*/, const AckMessage& m) {
    ++results_.messages_delivered;
    results_.last_ack_ns = std::max(results_.last_ack_ns, now().ns());
    Stream& s = streams_[m.t];
    if (m.u != s.u) return;  // stale
    cancel(s.timer);
    ++s.u;
    s.k = 0;
    s.timeout_ns = bench::kRetryInitialNs;
    if (s.u < params_.updates) transmit(m.t);
  }

  void ping(const sim::Upid& from, const PingMessage& m) {
    ++results_.messages_delivered;
    send(from, PongMessage(m.a));
  }

  std::uint32_t index_;
  const bench::Params& params_;
  sim::Upid master_;
  bench::Results& results_;
  std::vector<Stream> streams_;
};

class Master final : public sim::Process {
 public:
  Master(const bench::Params& params, bench::Results& results)
      : Process(sim::ProcessName::fixed("master")), params_(params), results_(results), received_(params.agents) {}

  std::string_view className() const override { return "Master"; }
  void setAgents(std::vector<sim::Upid> agents) { agents_ = std::move(agents); }

 protected:
  void initialize() override {
    install<UpdateMessage>(&Master::update, "Master::update");
    install<PongMessage>(&Master::pong, "Master::pong");
    for (std::uint32_t a = 0; a < params_.agents; ++a) armPing(a);
  }

 private:
  void armPing(std::uint32_t a) {
    delay(sim::Nanoseconds(bench::kPingPeriodNs), "Master::pingTimeout", [this, a] { pingTimeout(a); });
  }

  void pingTimeout(std::uint32_t a) {
    if (received_[a] == static_cast<std::uint64_t>(params_.tasks) * params_.updates) return;
    ++results_.pings;
    send(agents_[a], PingMessage(a));
    armPing(a);
  }

  void update(const sim::Upid& from, const UpdateMessage& m) {
    ++results_.messages_delivered;
    ++received_[m.a];
    send(from, AckMessage(m.a, m.t, m.u));
  }

  void pong(const sim::Upid& /*from*/, const PongMessage& /*m*/) { ++results_.messages_delivered; }

  const bench::Params& params_;
  bench::Results& results_;
  std::vector<std::uint64_t> received_;
  std::vector<sim::Upid> agents_;
};

}  // namespace

int main(int argc, char** argv) {
  const bench::Params params = bench::parseArgs(argc, argv);
  bench::Results results;

  sim::Simulation simulation(params.seed);
  simulation.network().setLatency({sim::Milliseconds(1), {}});

  sim::FaultRule lose;
  lose.match.name = std::string(UpdateMessage::kName);
  lose.match.where = [seed = params.seed, drop = params.drop](const sim::Envelope& e) {
    const auto& m = static_cast<const UpdateMessage&>(*e.body);
    return bench::updateDropped(seed, m.a, m.t, m.u, m.k, drop);
  };
  lose.action = sim::FaultAction::Drop;
  lose.label = "bench: splitmix UPDATE loss";
  simulation.network().addRule(std::move(lose));

  sim::Host& masterHost = simulation.addHost("master", 5050);
  Master& master = simulation.spawn<Master>(masterHost, params, results);
  std::vector<sim::Upid> agents;
  agents.reserve(params.agents);
  for (std::uint32_t a = 0; a < params.agents; ++a) {
    sim::Host& h = simulation.addHost(fmt::format("agent-{}", a), 5051);
    agents.push_back(simulation.spawn<Agent>(h, a, params, master.self(), results).self());
  }
  master.setAgents(std::move(agents));

  bench::Stopwatch clock;
  clock.start();
  const sim::RunResult run = simulation.runUntil(sim::Time::max());
  clock.stop();
  if (run.reason != sim::StopReason::Idle) {
    fmt::print(stderr, "run did not end idle: {}\n", run.message);
    return 1;
  }
  bench::printResults(results, clock,
                      fmt::format("kernel_events={}\nmessages_sent={}\n", simulation.eventsRun(),
                                  simulation.network().messagesSent()));
  return 0;
}
