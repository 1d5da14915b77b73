// The `call` timeline action: a test's call into a component of a host, as a Mesos test
// calls gc.schedule(...) or estimations.put(...) on an object it holds. The harness
// reaches the component's process through the kernel (Simulation::inject: an event of
// that process) and calls its public interface, Mesos's; nothing here hooks model code.
// Each call leaves `state` records "Call" on the host: CALLED when it runs, then, for a
// function that answers (a future), READY with its `result`, DISCARDED or FAILED.
#include <fmt/format.h>

#include "sim/suggest.hpp"
#include "harness/actions.hpp"
#include "harness/tables.hpp"
#include "harness/world.hpp"
#include "model/common/resources.hpp"
#include "model/master/contender/zookeeper.hpp"
#include "model/master/master.hpp"
#include "model/slave/gc.hpp"
#include "model/slave/resource_estimator.hpp"
#include "model/slave/slave.hpp"

namespace agentsim::harness {

namespace {

// One callable function of a component: the process it lives in, its arguments, and
// what it does there, given a way to report its answer.
using Answer = std::function<void(std::string_view state, sim::Fields fields)>;
struct CallKind {
  std::string_view function;  // as the scenario names it, e.g. "GarbageCollector::schedule"
  std::string_view process;   // the component's process id on the host
  std::string_view help;
  // Reads the call's arguments (the keys besides "host", "function", "note") and returns
  // its summary and what to run on the process.
  std::function<std::pair<std::string, std::function<void(sim::Process&, Answer)>>(const ParseContext&,
                                                                                   const std::string&)>
      parse;
};

void recordCall(World& w, const std::string& host, const std::string& label, std::string_view function,
                std::string_view state, sim::Fields fields) {
  fields.insert(fields.begin(), {sim::Field{"state", std::string(state)}, sim::Field{"label", label},
                                 sim::Field{"function", std::string(function)}});
  w.sim().emit(sim::RecordKind::State, nullptr, host, std::string(kCallMachine.name), std::move(fields), "");
}

sim::Duration callDuration(const ParseContext& c, const std::string& p, sim::Duration min) {
  return c.reader.duration(p, min, ScenarioLimits::kMaxUntil);
}

std::pair<std::string, std::function<void(sim::Process&, Answer)>> gcSchedule(const ParseContext& c,
                                                                             const std::string& p) {
  c.reader.object(p, {"host", "function", "delay", "path", "note"}, {"delay", "path"});
  const sim::Duration d = callDuration(c, p + "/delay", -ScenarioLimits::kMaxUntil);
  const std::string path = c.reader.string(p + "/path", 1000);
  return {fmt::format("schedule {} for gc in {}", path, sim::format(d)), [d, path](sim::Process& p, Answer answer) {
            using Kind = model::GarbageCollector::Outcome::Kind;
            static_cast<model::GarbageCollector&>(p).schedule(d, path, [answer](const auto& outcome) {
              if (outcome.kind == Kind::FAILED) return answer("FAILED", {{"error", outcome.error}});
              answer(outcome.kind == Kind::READY ? "READY" : "DISCARDED", {});
            });
          }};
}

std::pair<std::string, std::function<void(sim::Process&, Answer)>> gcUnschedule(const ParseContext& c,
                                                                               const std::string& p) {
  c.reader.object(p, {"host", "function", "path", "note"}, {"path"});
  const std::string path = c.reader.string(p + "/path", 1000);
  return {fmt::format("unschedule {} from gc", path), [path](sim::Process& p, Answer answer) {
            static_cast<model::GarbageCollector&>(p).unschedule(path, [answer](bool unscheduled) {
              answer("READY", {{"result", unscheduled}});
            });
          }};
}

std::pair<std::string, std::function<void(sim::Process&, Answer)>> gcPrune(const ParseContext& c,
                                                                          const std::string& p) {
  c.reader.object(p, {"host", "function", "delay", "note"}, {"delay"});
  const sim::Duration d = callDuration(c, p + "/delay", sim::Duration{});
  return {fmt::format("prune gc paths due within {}", sim::format(d)), [d](sim::Process& p, Answer) {
            static_cast<model::GarbageCollector&>(p).prune(d, [] { return std::string("a test called prune"); });
          }};
}

std::pair<std::string, std::function<void(sim::Process&, Answer)>> estimatorPut(const ParseContext& c,
                                                                               const std::string& p) {
  c.reader.object(p, {"host", "function", "resources", "note"}, {"resources"});
  const std::string text = c.reader.string(p + "/resources", 200);
  auto resources = model::parseResources(text);
  if (resources.isError()) c.reader.fail(p + "/resources", resources.error());
  return {fmt::format("put the estimate {} in the mock estimator's queue", text),
          [r = *resources](sim::Process& p, Answer) { static_cast<model::MockResourceEstimatorProcess&>(p).put(r); }};
}

// MasterContender::contend() on a master's contender: READY once the candidacy is entered
// (the outer future), FAILED if the join failed. The candidacy's end (the inner future)
// is the contender's LeaderContender record LOST.
std::pair<std::string, std::function<void(sim::Process&, Answer)>> contenderContend(const ParseContext& c,
                                                                                   const std::string& p) {
  c.reader.object(p, {"host", "function", "note"}, {});
  return {"contend for leadership again", [](sim::Process& p, Answer answer) {
            auto& contender = static_cast<model::ZooKeeperMasterContender&>(p);
            contender.contend(model::Reply<sim::Try<sim::Nothing>>{p.self(), "MasterContender::contend",
                                                                   [answer](const sim::Try<sim::Nothing>& r) {
                                                                     if (r.isError()) {
                                                                       answer("FAILED", {{"error", r.error()}});
                                                                     } else {
                                                                       answer("READY", {});
                                                                     }
                                                                   }},
                              model::Reply<sim::Try<sim::Nothing>>{});
          }};
}

// LeaderContender::withdraw() on a master's contender: READY with result true if it
// cancelled a candidacy, false if there was none.
std::pair<std::string, std::function<void(sim::Process&, Answer)>> contenderWithdraw(const ParseContext& c,
                                                                                    const std::string& p) {
  c.reader.object(p, {"host", "function", "note"}, {});
  return {"withdraw the candidacy", [](sim::Process& p, Answer answer) {
            static_cast<model::ZooKeeperMasterContender&>(p).withdraw(
                model::Reply<sim::Try<bool>>{p.self(), "LeaderContender::withdraw", [answer](const sim::Try<bool>& r) {
                                               if (model::isDiscarded(r)) {
                                                 answer("DISCARDED", {});
                                               } else if (r.isError()) {
                                                 answer("FAILED", {{"error", r.error()}});
                                               } else {
                                                 answer("READY", {{"result", r.get()}});
                                               }
                                             }});
          }};
}

// The usage callback the agent hands its QoS controller and estimator (Slave::usage):
// READY with the executors it lists, their ids in order and what they were allocated.
std::pair<std::string, std::function<void(sim::Process&, Answer)>> slaveUsage(const ParseContext& c,
                                                                             const std::string& p) {
  c.reader.object(p, {"host", "function", "note"}, {});
  return {"read the agent's resource usage", [](sim::Process& p, Answer answer) {
            const model::ResourceUsage u = static_cast<model::Slave&>(p).usage();
            std::vector<std::string> ids;
            std::vector<std::string> allocated;
            for (const auto& e : u.executors) {
              ids.push_back(e.executor_id);
              allocated.push_back(model::format(e.allocated));
            }
            answer("READY", {{"executors", static_cast<std::int64_t>(u.executors.size())},
                             {"executor_ids", fmt::format("{}", fmt::join(ids, ","))},
                             {"allocated", fmt::format("{}", fmt::join(allocated, ","))}});
          }};
}

std::pair<std::string, std::function<void(sim::Process&, Answer)>> masterMarkUnreachable(const ParseContext& c,
                                                                                        const std::string& p) {
  c.reader.object(p, {"host", "function", "agent", "note"}, {"agent"});
  const std::string agent = agentHostArg(c, p + "/agent");
  const std::string workDir = agentWorkDir(c.scenario, agent);
  return {fmt::format("mark agent {} unreachable", agent), [agent, workDir](sim::Process& p, Answer) {
            const std::string id = slaveIdOf(p.sim(), agent, workDir);
            static_cast<model::Master&>(p).markUnreachable(id, "dummy test case dispatch");
          }};
}

const std::vector<CallKind>& callKinds() {
  static const std::vector<CallKind> kinds{
      {"GarbageCollector::schedule", "agent-garbage-collector(1)",
       "{delay (negative: at once), path}: removal at now + delay; READY when removed, DISCARDED when unscheduled "
       "or scheduled again, FAILED when the removal fails",
       gcSchedule},
      {"GarbageCollector::unschedule", "agent-garbage-collector(1)",
       "{path}: READY with result true if the path was scheduled", gcUnschedule},
      {"GarbageCollector::prune", "agent-garbage-collector(1)", "{delay}: removes every path due within delay",
       gcPrune},
      {"MockResourceEstimator::put", "mock-resource-estimator(1)",
       "{resources}: the next estimate (the agent's --resource_estimator must be "
       "org_apache_mesos_MockResourceEstimator)",
       estimatorPut},
      {"Slave::usage", "slave(1)",
       "{}: READY with executors (how many), executor_ids and allocated (each executor's resources, in order): "
       "the usage the QoS controller's callback reads",
       slaveUsage},
      {"MasterContender::contend", "zookeeper-master-contender(1)",
       "{}: contend again (a master with --zk); READY once the candidacy is entered, the same one while an "
       "election is pending; FAILED if the join failed",
       contenderContend},
      {"LeaderContender::withdraw", "zookeeper-master-contender(1)",
       "{}: READY with result true if a candidacy (also one being entered) was cancelled, false if there was none",
       contenderWithdraw},
      {"Master::markUnreachable", "master",
       "{agent}: the master marks the SlaveID that agent holds (its running agent's, else its last checkpointed) "
       "unreachable, as a test dispatches Master::markUnreachable (SlaveTest.HealthCheckUnregisterRace)",
       masterMarkUnreachable},
  };
  return kinds;
}

}  // namespace

void parseCall(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  if (!c.reader.at(p).is_object()) {
    c.reader.fail(p, fmt::format("expected an object {{host, function, ...arguments}}, got {}", typeName(c.reader.at(p))));
  }
  // Every function's arguments first, so a misspelt key is "unknown" whatever the function.
  c.reader.object(p, {"host", "function", "delay", "path", "resources", "agent", "note"}, {"host", "function"});
  const std::string host = hostArg(c, p + "/host");
  const std::string function = c.reader.string(p + "/function", 100);
  const CallKind* kind = nullptr;
  std::vector<std::string_view> names;
  for (const CallKind& k : callKinds()) {
    names.push_back(k.function);
    if (k.function == function) kind = &k;
  }
  if (kind == nullptr) {
    c.reader.fail(p + "/function", fmt::format("unknown function \"{}\"{}; expected one of: {}", function.substr(0, 60),
                                               sim::didYouMean(function, names), fmt::join(names, ", ")));
  }
  auto [summary, run] = kind->parse(c, p);
  out.summary = fmt::format("on {}: {}", host, summary);
  out.apply = [host, label = c.label, function = kind->function, process = kind->process,
               run = std::move(run)](World& w) {
    const bool injected = w.sim().inject(w.host(host), process, function, [&w, host, label, function, run](sim::Process& p) {
      recordCall(w, host, label, function, "CALLED", {});
      run(p, [&w, host, label, function](std::string_view state, sim::Fields fields) {
        recordCall(w, host, label, function, state, std::move(fields));
      });
    });
    if (!injected) {
      w.sim().emit(sim::RecordKind::Log, nullptr, host, "log",
                   {{"message", fmt::format("{} runs no {}: {} not called", host, process, function)}}, "");
    }
  };
}

std::string callFunctions() {
  std::string out;
  for (const CallKind& k : callKinds()) out += fmt::format("{}{} {}", out.empty() ? "" : "; ", k.function, k.help);
  return out;
}

}  // namespace agentsim::harness
