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

namespace {

// A driver call about one task of the framework's script ({framework, task, driver}):
// the summary's verb, the note's past participle, the call's name and the method.
struct DriverTaskCall {
  std::string_view verb;
  std::string_view done;
  std::string_view function;
  void (model::SchedulerProcess::*method)(const std::string&);
};

void parseDriverTaskCall(const ParseContext& c, const std::string& p, TimelineEntry& out, DriverTaskCall call) {
  c.reader.object(p, {"framework", "task", "driver"}, {"task"});
  const FrameworkSpec& f = frameworkArg(c, p);
  const std::string task = taskArg(c, f, p + "/task").info.task_id;
  const std::size_t driver = driverArg(c, p);
  out.summary = fmt::format("{} {} task {}{}", f.id, call.verb, task, driverText(driver));
  out.apply = [framework = f.id, task, driver, call](World& w) {
    model::SchedulerProcess* s = w.scheduler(framework, driver);
    if (s == nullptr) {
      note(w, framework, fmt::format("no scheduler runs on {}: task {} is not {}", framework, task, call.done));
      return;
    }
    s->dispatch(call.function, [s, task, method = call.method] { (s->*method)(task); });
  };
}

}  // namespace

// {framework, task, driver}: SchedulerDriver::killTask.
void parseKillTask(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  parseDriverTaskCall(c, p, out, {"kills", "killed", "SchedulerDriver::killTask", &model::SchedulerProcess::killTask});
}

// {framework, task, driver}: SchedulerDriver::launchTasks now.
void parseLaunchTask(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  parseDriverTaskCall(c, p, out,
                      {"launches", "launched", "SchedulerDriver::launchTasks", &model::SchedulerProcess::launchTask});
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
