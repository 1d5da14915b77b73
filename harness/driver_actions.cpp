// Timeline actions on a framework's scheduler drivers beside the scripted one
// (src/sched/sched.cpp), as a Mesos test's code drives a MesosSchedulerDriver: a launch
// the test makes at a moment of its choosing (FaultToleranceTest.TaskLost), and a second
// driver of the same framework started beside the first or after it stopped
// (FaultToleranceTest.SchedulerFailover, SchedulerReregisterAfterFailoverTimeout,
// IgnoreKillTaskFromUnregisteredFramework).
#include <fmt/format.h>

#include "harness/actions.hpp"
#include "harness/world.hpp"
#include "model/sched/sched.hpp"

namespace agentsim::harness {

// "driver": which of the framework's drivers an action calls, 1 for the first started on
// its host (its main()'s), N for the Nth (start_scheduler's, or a restart's); absent: the
// one started last.
std::size_t driverArg(const ParseContext& c, const std::string& object) {
  if (!c.reader.has(object + "/driver")) return 0;
  return c.reader.unsignedInteger(object + "/driver", 1, 100);
}

std::string driverText(std::size_t driver) { return driver == 0 ? std::string() : fmt::format(" (driver {})", driver); }

// {framework, task, driver}: SchedulerDriver::launchTasks now.
void parseLaunchTask(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  c.reader.object(p, {"framework", "task", "driver"}, {"task"});
  const FrameworkSpec& f = frameworkArg(c, p);
  const std::string task = taskArg(c, f, p + "/task").info.task_id;
  const std::size_t driver = driverArg(c, p);
  out.summary = fmt::format("{} launches task {}{}", f.id, task, driverText(driver));
  out.apply = [framework = f.id, task, driver](World& w) {
    model::SchedulerProcess* s = w.scheduler(framework, driver);
    if (s == nullptr) {
      note(w, framework, fmt::format("no scheduler driver runs on {}: task {} is not launched", framework, task));
      return;
    }
    s->dispatch("SchedulerDriver::launchTasks", [s, task] { s->launchTask(task); });
  };
}

// {framework, failover_timeout, checkpoint, partition_aware}: another MesosSchedulerDriver
// of the framework on its host, with the FrameworkID the framework keeps there and the
// FrameworkInfo fields given changed.
void parseStartScheduler(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  c.reader.object(p, {"framework", "failover_timeout", "checkpoint", "partition_aware"});
  const FrameworkSpec& f = frameworkArg(c, p);
  model::FrameworkFlags flags = f.flags;
  std::string changed;
  if (c.reader.has(p + "/failover_timeout")) {
    flags.failover_timeout = c.reader.duration(p + "/failover_timeout", sim::Duration{}, sim::Weeks(52));
    changed += " failover_timeout=" + sim::format(flags.failover_timeout);
  }
  if (c.reader.has(p + "/checkpoint")) {
    flags.checkpoint = c.reader.boolean(p + "/checkpoint");
    changed += fmt::format(" checkpoint={}", flags.checkpoint);
  }
  if (c.reader.has(p + "/partition_aware")) {
    flags.partition_aware = c.reader.boolean(p + "/partition_aware");
    changed += fmt::format(" partition_aware={}", flags.partition_aware);
  }
  out.summary = fmt::format("{} starts another scheduler driver{}", f.id, changed);
  out.apply = [framework = f.id, flags](World& w) {
    if (w.startScheduler(framework, flags) == nullptr) {
      note(w, framework, fmt::format("{} is down: no scheduler driver starts", framework));
    }
  };
}

}  // namespace agentsim::harness
