// The failover benchmark: scenarios/failover.json's story (3 ZooKeeper servers, 2
// masters, the leader crashes at 30secs) with A agents, run with the trace off. Prints
// the outcome (who leads, how many agents are RUNNING and registered with the new
// leader) and the cost: wall and CPU time, events per second, simulated seconds per wall
// second, peak memory. See docs/performance.md.
//
//   build/bench/bench_failover [A=10000] [until=2mins] [seed=7]
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "bench/workload.hpp"
#include "harness/scenario.hpp"
#include "harness/world.hpp"
#include "model/slave/slave.hpp"
#include "sim/simulation.hpp"

using namespace agentsim;

int main(int argc, char** argv) {
  std::uint64_t agents = 10'000;
  std::string until = "2mins";
  std::uint64_t seed = 7;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto eq = arg.find('=');
    const std::string_view key = arg.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view{} : arg.substr(eq + 1);
    bool ok = eq != std::string_view::npos;
    if (ok && key == "A") {
      ok = bench::parseNumber(value, agents) && agents >= 1 && agents <= 100'000;
    } else if (ok && key == "until") {
      until = std::string(value);
    } else if (ok && key == "seed") {
      ok = bench::parseNumber(value, seed);
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "usage: %s [A=<agents, 1..100000>] [until=<duration>] [seed=<u64>]\n", argv[0]);
      return 2;
    }
  }

  const std::string text = fmt::format(
      R"({{"name": "failover-bench", "seed": {}, "until": "{}",
          "cluster": {{ "zookeeper": {{ "servers": 3 }}, "masters": 2, "agents": {} }},
          "timeline": [ {{ "at": "30secs", "crash": "leading-master" }} ] }})",
      seed, until, agents);
  auto loaded = harness::loadScenarioText(text, "bench");
  if (auto* err = std::get_if<harness::LoadError>(&loaded)) {
    std::fprintf(stderr, "%s\n", err->format().c_str());
    return 2;
  }
  const harness::Scenario& scenario = std::get<harness::Scenario>(loaded);

  bench::Stopwatch setup;
  setup.start();
  harness::World world(scenario, seed);
  world.scheduleTimeline();
  setup.stop();

  bench::Stopwatch clock;
  clock.start();
  const sim::RunResult result = world.sim().runUntil(sim::Time{} + scenario.until);
  clock.stop();
  if (result.reason == sim::StopReason::LimitExceeded) {
    std::fprintf(stderr, "%s\n", result.message.c_str());
    return 1;
  }

  std::size_t running = 0;
  for (const auto& a : scenario.agents) {
    sim::Process* p = world.sim().process(world.sim().upid("slave(1)", a.id, 5051));
    if (p != nullptr && static_cast<model::Slave*>(p)->state() == model::Slave::State::RUNNING) ++running;
  }
  const model::Master* leader = world.leadingMaster();
  const double simulated = static_cast<double>(world.sim().now().ns()) * 1e-9;
  const double wall = clock.wallSeconds() > 0 ? clock.wallSeconds() : 1e-9;
  fmt::print("agents={}\n", agents);
  fmt::print("leader={}\n", leader == nullptr ? std::string("none") : leader->self().host());
  fmt::print("agents_running={}\n", running);
  fmt::print("agents_registered_with_leader={}\n", leader == nullptr ? 0 : leader->registeredAgents());
  fmt::print("sim_time_s={:.6f}\n", simulated);
  fmt::print("events={}\n", world.sim().eventsRun());
  fmt::print("messages_sent={}\n", world.sim().network().messagesSent());
  fmt::print("setup_s={:.6f}\n", setup.wallSeconds());
  fmt::print("run_s={:.6f}\n", clock.wallSeconds());
  fmt::print("cpu_s={:.6f}\n", clock.cpuSeconds());
  fmt::print("events_per_s={:.0f}\n", static_cast<double>(world.sim().eventsRun()) / wall);
  fmt::print("sim_per_wall={:.1f}\n", simulated / wall);
  fmt::print("peak_rss_mib={:.1f}\n", bench::peakRssMiB());
  const bool ok = leader != nullptr && leader->self().host() == "master-2" && running == agents &&
                  leader->registeredAgents() == agents;
  fmt::print("outcome={}\n", ok ? "ok" : "WRONG");
  return ok ? 0 : 1;
}
