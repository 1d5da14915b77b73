// Framework messages from a test's code (src/sched/sched.cpp, src/exec/exec.cpp): a
// scheduler's SchedulerDriver::sendFrameworkMessage to one of its executors, and an
// executor's ExecutorDriver::sendFrameworkMessage to its framework (MasterTest.FrameworkMessage,
// FaultToleranceTest.SchedulerFailover*ToFrameworkMessage, SlaveTest.HTTPScheduler*).
#include <fmt/format.h>

#include "harness/actions.hpp"
#include "harness/world.hpp"
#include "model/exec/exec.hpp"
#include "model/sched/sched.hpp"

namespace agentsim::harness {

namespace {

// "data": the message's bytes, as text (default: none).
std::string dataArg(const ParseContext& c, const std::string& object) {
  return c.reader.has(object + "/data") ? c.reader.string(object + "/data", 1000) : std::string();
}

}  // namespace

// {framework, agent, executor, data, driver}: SchedulerDriver::sendFrameworkMessage(executor,
// the agent's SlaveID when the action runs, data).
void parseFrameworkMessage(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  c.reader.object(p, {"framework", "agent", "executor", "data", "driver"}, {"agent", "executor"});
  const FrameworkSpec& f = frameworkArg(c, p);
  const std::string agent = agentHostArg(c, p + "/agent");
  // Any executor id: one the agent does not run is a drop branch (Slave::schedulerMessage).
  const std::string executor = c.reader.identifier(p + "/executor");
  const std::string data = dataArg(c, p);
  const std::size_t driver = driverArg(c, p);
  out.summary = fmt::format("{} sends a framework message \"{}\" to executor {} on {}{}", f.id, data, executor, agent,
                            driverText(driver));
  const std::string workDir = agentWorkDir(c.scenario, agent);
  out.apply = [framework = f.id, agent, executor, data, driver, workDir](World& w) {
    model::SchedulerProcess* s = w.scheduler(framework, driver);
    if (s == nullptr) {
      note(w, framework, fmt::format("no scheduler runs on {}: no framework message is sent", framework));
      return;
    }
    // SlaveID: the one that agent holds now (a Mesos test names the offer's).
    const std::string slaveId = slaveIdOf(w.sim(), agent, workDir);
    s->dispatch("SchedulerDriver::sendFrameworkMessage", [s, executor, agent, slaveId, data] {
      s->sendFrameworkMessage(executor, agent, slaveId, data);
    });
  };
}

// {agent, framework, executor, data}: ExecutorDriver::sendFrameworkMessage(data) of that
// executor's driver.
void parseExecutorMessage(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  c.reader.object(p, {"agent", "framework", "executor", "data"}, {"agent", "executor"});
  const FrameworkSpec& f = frameworkArg(c, p);
  const std::string agent = agentHostArg(c, p + "/agent");
  const std::string executor = c.reader.identifier(p + "/executor");
  const std::string data = dataArg(c, p);
  out.summary = fmt::format("executor {} of {} on {} sends a framework message \"{}\"", executor, f.id, agent, data);
  out.apply = [framework = f.id, agent, executor, data](World& w) {
    model::SchedulerProcess* s = w.scheduler(framework);
    sim::Host& h = w.host(agent);
    model::ExecutorProcess* e = nullptr;
    if (s != nullptr && !s->framework().id.empty() && h.up()) {
      for (sim::Process* proc : h.processes()) {
        auto* candidate = dynamic_cast<model::ExecutorProcess*>(proc);
        if (candidate != nullptr && candidate->environment().framework_id == s->framework().id &&
            candidate->environment().info.executor_id == executor) {
          e = candidate;
        }
      }
    }
    if (e == nullptr) {
      note(w, agent, fmt::format("no executor {} of {} runs on {}: no framework message is sent", executor, framework,
                                 agent));
      return;
    }
    e->dispatch("ExecutorDriver::sendFrameworkMessage", [e, data] { e->sendFrameworkMessage(data); });
  };
}

}  // namespace agentsim::harness
