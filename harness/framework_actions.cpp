// Timeline actions through a framework's scheduler driver (src/sched/sched.cpp), as a
// framework's code calls it: an event of the SchedulerProcess, if its host runs one
// (kill_task and launch_task are in harness/driver_actions.cpp).
#include <fmt/format.h>

#include "harness/actions.hpp"
#include "harness/world.hpp"
#include "model/sched/sched.hpp"
#include "model/slave/slave.hpp"

namespace agentsim::harness {

// {framework}: SchedulerDriver::stop() without failover (a teardown).
void parseStopFramework(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  c.reader.object(p, {"framework", "driver"});
  const FrameworkSpec& f = frameworkArg(c, p);
  const std::size_t driver = driverArg(c, p);
  out.summary = fmt::format("{} stops its driver{} (teardown)", f.id, driverText(driver));
  out.apply = [framework = f.id, driver](World& w) {
    model::SchedulerProcess* s = w.scheduler(framework, driver);
    if (s == nullptr) {
      note(w, framework, fmt::format("no scheduler runs on {}: nothing to stop", framework));
      return;
    }
    s->dispatch("SchedulerDriver::stop", [s] { s->stop(); });
  };
}

// {framework, tasks, agent}: SchedulerDriver::reconcileTasks, explicit (tasks) or implicit.
void parseReconcile(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  c.reader.object(p, {"framework", "tasks", "agent"});
  const FrameworkSpec& f = frameworkArg(c, p);
  std::vector<std::string> tasks;
  if (c.reader.has(p + "/tasks")) {
    const std::size_t n = c.reader.array(p + "/tasks", ScenarioLimits::kMaxTasksPerFramework);
    if (n == 0) {
      c.reader.fail(p + "/tasks", "an empty list of tasks; leave \"tasks\" out for implicit reconciliation");
    }
    // Any task id: asking about a task the master does not know is a reconciliation too.
    for (std::size_t i = 0; i < n; ++i) tasks.push_back(c.reader.identifier(Reader::child(p + "/tasks", i)));
  }
  std::string agent;
  if (c.reader.has(p + "/agent")) {
    if (tasks.empty()) c.reader.fail(p + "/agent", "an agent needs \"tasks\": implicit reconciliation names none");
    agent = agentHostArg(c, p + "/agent");
  }
  out.summary = tasks.empty() ? fmt::format("{} reconciles every task (implicit)", f.id)
                              : fmt::format("{} reconciles tasks {}{}", f.id, fmt::join(tasks, ", "),
                                            agent.empty() ? "" : " on " + agent);
  const std::string workDir = agent.empty() ? std::string() : agentWorkDir(c.scenario, agent);
  out.apply = [framework = f.id, tasks, agent, workDir](World& w) {
    model::SchedulerProcess* s = w.scheduler(framework);
    if (s == nullptr) {
      note(w, framework, fmt::format("no scheduler runs on {}: nothing is reconciled", framework));
      return;
    }
    // TaskStatus.slave_id: the SlaveID that agent holds, running or down ("" if none).
    const std::string slaveId = agent.empty() ? std::string() : slaveIdOf(w.sim(), agent, workDir);
    s->dispatch("SchedulerDriver::reconcileTasks", [s, tasks, slaveId] { s->reconcileTasks(tasks, slaveId); });
  };
}

}  // namespace agentsim::harness
