// The task benchmark (issue 5's scale target): one standalone master, A agents and F
// scripted frameworks that launch T command tasks on every agent at 5secs (no offers:
// each task names its agent). Each task's command executor sends TASK_STARTING and
// TASK_RUNNING at once and TASK_FINISHED after `run`; the updates go through the agent's
// status update manager and the master to the scheduler, which acknowledges each at once;
// the command executor exits once its terminal update is acknowledged and the agent
// removes it, then the framework. A network fault rule drops D% of the StatusUpdateMessages
// on the agent -> master and master -> scheduler hops (the ones the status update
// manager retries, at +10, +30, +70, ... secs); the executor -> agent hop is left alone,
// since the v0 executor driver does not retry and a lost update there would hang the
// task for ever.
//
// The trace is off (no sink). The run goes on, one simulated second at a time, until
// every task's TASK_FINISHED has reached its scheduler and every agent has removed every
// executor and framework (so every terminal update was acknowledged), or `until`. Tasks
// that reached TASK_FINISHED are counted by a second fault rule that never acts: its
// predicate sees every StatusUpdateMessage to a scheduler that the drop rule let
// through. `verify=1` also counts the Scheduler::statusUpdate trace records (trace on, so
// slower) and checks that both counts agree.
//
// Prints the outcome and the cost: wall and CPU time, events per second, simulated
// seconds per wall second, peak memory. See docs/performance.md.
//
//   build/bench/bench_tasks [A=1000] [T=100] [D=10] [F=1] [run=30secs] [until=6hours] [seed=7] [verify=0]
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

#include "bench/workload.hpp"
#include "model/master/main.hpp"
#include "model/slave/main.hpp"
#include "model/sched/sched.hpp"
#include "model/slave/slave.hpp"
#include "model/messages/task_messages.hpp"
#include "sim/network.hpp"
#include "sim/simulation.hpp"
#include "sim/trace.hpp"

using namespace agentsim;

namespace {

// verify=1: counts the tasks whose TASK_FINISHED Scheduler::statusUpdate saw.
class FinishedSink final : public sim::TraceSink {
 public:
  void header(const sim::Fields& /*header*/) override {}
  void record(const sim::Record& r) override {
    if (r.kind == sim::RecordKind::State && r.name == "Scheduler::statusUpdate" && r.text("state") == "TASK_FINISHED") {
      tasks_.insert(r.text("framework_id") + "/" + r.text("task_id"));
    }
  }
  std::size_t finished() const { return tasks_.size(); }

 private:
  std::unordered_set<std::string> tasks_;
};

bool parseDuration(std::string_view text, sim::Duration& out) {
  auto parsed = sim::parseDuration(text);
  if (parsed.isError()) return false;
  out = parsed.get();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t agents = 1000;
  std::uint64_t tasks = 100;
  std::uint64_t drop = 10;  // percent
  std::uint64_t frameworks = 1;
  sim::Duration runTime = sim::Seconds(30);
  sim::Duration until = sim::Hours(6);
  std::uint64_t seed = 7;
  std::uint64_t verify = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto eq = arg.find('=');
    const std::string_view key = arg.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view{} : arg.substr(eq + 1);
    bool ok = eq != std::string_view::npos;
    if (ok && key == "A") {
      ok = bench::parseNumber(value, agents) && agents >= 1 && agents <= 100'000;
    } else if (ok && key == "T") {
      ok = bench::parseNumber(value, tasks) && tasks >= 1 && tasks <= 10'000;
    } else if (ok && key == "D") {
      ok = bench::parseNumber(value, drop) && drop <= 99;  // 100 % would retry for ever
    } else if (ok && key == "F") {
      ok = bench::parseNumber(value, frameworks) && frameworks >= 1 && frameworks <= 1000;
    } else if (ok && key == "run") {
      ok = parseDuration(value, runTime);
    } else if (ok && key == "until") {
      ok = parseDuration(value, until) && until > sim::Duration{};
    } else if (ok && key == "seed") {
      ok = bench::parseNumber(value, seed);
    } else if (ok && key == "verify") {
      ok = bench::parseNumber(value, verify) && verify <= 1;
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr,
                   "usage: %s [A=<agents, 1..100000>] [T=<tasks per agent, 1..10000>] [D=<percent of status "
                   "updates dropped, 0..99>] [F=<frameworks>] [run=<task run time>] [until=<duration>] "
                   "[seed=<u64>] [verify=0|1]\n",
                   argv[0]);
      return 2;
    }
  }
  if (frameworks > agents) frameworks = agents;
  const std::uint64_t total = agents * tasks;

  bench::Stopwatch setup;
  setup.start();
  auto simulation = std::make_unique<sim::Simulation>(seed);
  sim::Simulation& sim = *simulation;
  FinishedSink sink;
  if (verify == 1) sim.trace().addSink(&sink);

  sim::Host& m = sim.addHost("master-1", 5050);
  m.startup = [](sim::Host& h) { model::masterMain(h, model::MasterFlags{}); };
  model::SlaveFlags slaveFlags;
  slaveFlags.master = "master-1:5050";
  slaveFlags.work_dir = "/var/lib/mesos";
  for (std::uint64_t a = 1; a <= agents; ++a) {
    sim::Host& h = sim.addHost(fmt::format("agent-{}", a), 5051);
    h.startup = [slaveFlags](sim::Host& host) { (void)model::agentMain(host, slaveFlags); };
  }
  // Framework f (from 0) launches the tasks of agents f+1, f+1+F, f+1+2F, ...
  for (std::uint64_t f = 0; f < frameworks; ++f) {
    auto flags = std::make_shared<model::FrameworkFlags>();
    flags->master = "master-1:5050";
    flags->name = fmt::format("framework-{}", f + 1);
    flags->tasks.reserve(((agents - f - 1) / frameworks + 1) * tasks);
    for (std::uint64_t a = f + 1; a <= agents; a += frameworks) {
      for (std::uint64_t t = 1; t <= tasks; ++t) {
        model::TaskLaunch launch;
        launch.at = sim::Seconds(5);
        launch.agent = fmt::format("agent-{}", a);
        launch.info.task_id = fmt::format("task-{}-{}", a, t);
        launch.info.name = launch.info.task_id;
        launch.info.executor.executor_id = launch.info.task_id;
        launch.info.executor.command = true;
        launch.info.steps = {{model::TaskState::TASK_STARTING, {}, {}},
                             {model::TaskState::TASK_RUNNING, {}, {}},
                             {model::TaskState::TASK_FINISHED, runTime, {}}};
        flags->tasks.push_back(std::move(launch));
      }
    }
    sim::Host& h = sim.addHost(fmt::format("framework-{}", f + 1), 8080);
    // Started once (the benchmark restarts no host): the scheduler takes the script over,
    // so that 100,000 task launches are not held twice.
    h.startup = [flags](sim::Host& host) { (void)model::frameworkMain(host, std::move(*flags)); };
  }

  // Rule 1: the fault. Rule 2 (after it, so it sees only what rule 1 let through): the
  // count of tasks whose TASK_FINISHED was sent on to a scheduler.
  sim::FaultRule fault;
  fault.action = sim::FaultAction::Drop;
  fault.match.name = "StatusUpdateMessage";
  fault.match.where = [](const sim::Envelope& e) { return e.from.id() != "executor(1)"; };
  fault.probability = sim::Ratio{drop, 100};
  fault.label = fmt::format("drop {}% of StatusUpdateMessage", drop);
  if (drop > 0) sim.network().addRule(fault);
  std::unordered_set<std::string> finished;
  std::uint64_t otherTerminal = 0;  // terminal updates other than TASK_FINISHED (none expected)
  sim::Time lastFinished;
  sim::FaultRule counter;
  counter.match.name = "StatusUpdateMessage";
  counter.match.to = "scheduler(1)";
  counter.match.where = [&](const sim::Envelope& e) {
    const auto& u = static_cast<const model::StatusUpdateMessage&>(*e.body).update;
    if (u.state == model::TaskState::TASK_FINISHED) {
      // Task ids are unique across frameworks.
      if (finished.insert(u.task_id).second) lastFinished = sim.now();
    } else if (model::isTerminalState(u.state)) {
      ++otherTerminal;
    }
    return false;  // never acts
  };
  sim.network().addRule(counter);

  for (const auto& h : sim.hosts()) {
    sim::Host* host = sim.host(h.name());
    host->startup(*host);
  }
  setup.stop();

  // Every agent has removed its executors and frameworks.
  std::vector<const model::Slave*> slaves;
  auto agentsDone = [&] {
    if (slaves.empty()) {
      for (std::uint64_t a = 1; a <= agents; ++a) {
        sim::Process* p = sim.process(sim.upid("slave(1)", fmt::format("agent-{}", a), 5051));
        slaves.push_back(static_cast<const model::Slave*>(p));
      }
    }
    for (const model::Slave* s : slaves) {
      if (s == nullptr || !s->frameworks().empty()) return false;
    }
    return true;
  };

  bench::Stopwatch clock;
  clock.start();
  const sim::Time end = sim::Time{} + until;
  bool done = false;
  std::string stopped;
  while (!done && sim.now() < end) {
    const sim::Time next = sim.now() + sim::Seconds(1) < end ? sim.now() + sim::Seconds(1) : end;
    const sim::RunResult result = sim.runUntil(next);
    if (result.reason == sim::StopReason::LimitExceeded || result.reason == sim::StopReason::Stopped) {
      stopped = result.message;
      break;
    }
    done = finished.size() + otherTerminal >= total && agentsDone();
    if (result.reason == sim::StopReason::Idle) break;
  }
  clock.stop();
  if (!stopped.empty()) std::fprintf(stderr, "%s\n", stopped.c_str());

  const double simulated = static_cast<double>(sim.now().ns()) * 1e-9;
  const double wall = clock.wallSeconds() > 0 ? clock.wallSeconds() : 1e-9;
  fmt::print("agents={}\n", agents);
  fmt::print("tasks={}\n", total);
  fmt::print("frameworks={}\n", frameworks);
  fmt::print("drop_percent={}\n", drop);
  fmt::print("tasks_finished={}\n", finished.size());
  fmt::print("tasks_other_terminal={}\n", otherTerminal);
  if (verify == 1) fmt::print("tasks_finished_traced={}\n", sink.finished());
  fmt::print("agents_done={}\n", done ? "yes" : "no");
  fmt::print("last_finished_s={:.6f}\n", static_cast<double>(lastFinished.ns()) * 1e-9);
  fmt::print("sim_time_s={:.6f}\n", simulated);
  fmt::print("events={}\n", sim.eventsRun());
  fmt::print("messages_sent={}\n", sim.network().messagesSent());
  fmt::print("setup_s={:.6f}\n", setup.wallSeconds());
  fmt::print("run_s={:.6f}\n", clock.wallSeconds());
  fmt::print("cpu_s={:.6f}\n", clock.cpuSeconds());
  fmt::print("events_per_s={:.0f}\n", static_cast<double>(sim.eventsRun()) / wall);
  fmt::print("sim_per_wall={:.1f}\n", simulated / wall);
  fmt::print("peak_rss_mib={:.1f}\n", bench::peakRssMiB());
  const bool ok = done && finished.size() == total && otherTerminal == 0 &&
                  (verify == 0 || sink.finished() == total);
  fmt::print("outcome={}\n", ok ? "ok" : "WRONG");
  std::fflush(stdout);
  // Tearing down a million-event world is not part of the benchmark.
  (void)simulation.release();
  return ok ? 0 : 1;
}
