// Timeline actions on the mesos-agent process (its host stays up): kill it and start it
// again, with changed flags if asked (its main() runs and it recovers from its
// checkpoint), reboot its host with changed flags, stop and start it, SIGUSR1 it,
// SIGKILL its executors' container programs, and a container's memory limitation.
#include <set>

#include <fmt/format.h>

#include "harness/actions.hpp"
#include "harness/world.hpp"
#include "model/slave/containerizer/containerizer.hpp"
#include "model/slave/main.hpp"
#include "model/slave/slave.hpp"

namespace agentsim::harness {

namespace {

model::AgentOptions agentOptions(const ParseContext& c, const std::string& agent) {
  model::AgentOptions options;
  for (const AgentSpec& a : c.scenario.agents) {
    if (a.id == agent) options = a.options;
  }
  return options;
}

// The host's startup runs the agent's main() with these flags from now on.
void startWith(sim::Host& h, const model::SlaveFlags& flags, const model::AgentOptions& options) {
  h.startup = [flags, options](sim::Host& host) { (void)model::agentMain(host, flags, options); };
}

}  // namespace

// An agent, or {agent, flags}: SIGKILL and start again at once (flags kept by later restarts).
void parseRestartAgent(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  std::string id;
  std::optional<model::SlaveFlags> flags;
  std::string changed;
  if (c.reader.at(p).is_object()) {
    c.reader.object(p, {"agent", "flags"}, {"agent"});
    id = agentHostArg(c, p + "/agent");
    if (c.reader.has(p + "/flags")) flags = changedAgentFlags(c, p + "/flags", id, changed);
  } else {
    id = agentHostArg(c, p);
  }
  out.summary = "restart the agent process on " + id + (changed.empty() ? "" : " with" + changed);
  out.apply = [id, flags, options = agentOptions(c, id), label = c.label](World& w) {
    sim::Host& h = w.host(id);
    if (!h.up()) {
      note(w, id, fmt::format("{} is down: no agent process to restart", id));
      return;
    }
    w.sim().kill(h, "", label);
    if (flags) startWith(h, *flags, options);
    if (h.startup) h.startup(h);
  };
}

// {agent, flags}: reboot the agent's host (as restart: executors die, unsynced writes are
// lost, the boot id changes) and start its agent with changed flags, which later restarts
// keep (SlaveRecoveryTest.RebootWithSlaveInfoMismatch).
void parseRebootAgent(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  c.reader.object(p, {"agent", "flags"}, {"agent", "flags"});
  const std::string id = agentHostArg(c, p + "/agent");
  std::string changed;
  const model::SlaveFlags flags = changedAgentFlags(c, p + "/flags", id, changed);
  out.summary = "reboot " + id + " and start its agent with" + changed;
  out.apply = [id, flags, options = agentOptions(c, id), label = c.label](World& w) {
    sim::Host& h = w.host(id);
    startWith(h, flags, options);
    w.sim().restart(h, label);
  };
}

// An agent: its main() runs again on a host that is up, if no agent process runs there.
void parseStartAgent(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  const std::string id = agentHostArg(c, p);
  out.summary = "start the agent process on " + id;
  out.apply = [id](World& w) {
    sim::Host& h = w.host(id);
    if (!h.up()) {
      note(w, id, fmt::format("{} is down: restart the host instead", id));
      return;
    }
    if (!h.processesOf("").empty()) {
      note(w, id, fmt::format("the agent process on {} is already running", id));
      return;
    }
    if (h.startup) h.startup(h);
  };
}

// An agent: SIGKILL, and it stays down.
void parseStopAgent(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  const std::string id = agentHostArg(c, p);
  out.summary = "stop the agent process on " + id;
  out.apply = [id, label = c.label](World& w) {
    sim::Host& h = w.host(id);
    if (!h.up()) {
      note(w, id, fmt::format("{} is down: no agent process to stop", id));
      return;
    }
    w.sim().kill(h, "", label);
  };
}

// An agent: SIGUSR1, as Slave::signaled -> Slave::shutdown.
void parseShutdownAgent(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  const std::string id = agentHostArg(c, p);
  out.summary = "SIGUSR1 to the agent on " + id;
  out.apply = [id](World& w) {
    model::Slave* slave = agentProcess(w, id);
    if (slave == nullptr) {
      note(w, id, fmt::format("no agent runs on {}: nothing to shut down", id));
      return;
    }
    slave->dispatch("Slave::signaled", [slave] { slave->shutdown("Received SIGUSR1 signal"); });
  };
}

// An agent: SIGKILL every container program on its host (the agent is left alone).
void parseKillExecutors(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  const std::string id = agentHostArg(c, p);
  out.summary = "kill every executor on " + id;
  out.apply = [id, label = c.label](World& w) {
    sim::Host& h = w.host(id);
    std::set<std::string> programs;
    for (sim::Process* proc : h.processes()) {
      if (!proc->program().empty()) programs.insert(proc->program());
    }
    for (const std::string& program : programs) w.sim().kill(h, program, label);
  };
}

// {agent, executor} or {agent, task (framework)}: the memory isolator's limitation of the
// container running that executor (a task's: its executor, the command executor named
// after a command task), an event of the agent host's mesos-containerizer(1)
// (MesosContainerizerProcess::limited), as a cgroup OOM reaches it.
void parseMemoryLimitation(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  c.reader.object(p, {"agent", "executor", "task", "framework"}, {"agent"});
  const std::string agent = agentHostArg(c, p + "/agent");
  if (c.reader.has(p + "/executor") == c.reader.has(p + "/task")) {
    c.reader.fail(p, "give either \"executor\" (an executor id) or \"task\" (a task whose executor it is)");
  }
  if (c.reader.has(p + "/framework") && !c.reader.has(p + "/task")) {
    c.reader.fail(p + "/framework", "\"framework\" names a task's framework; it goes with \"task\"");
  }
  std::string executor;
  if (c.reader.has(p + "/executor")) {
    executor = c.reader.identifier(p + "/executor");
  } else {
    const model::TaskLaunch& task = taskArg(c, frameworkArg(c, p), p + "/task");
    if (task.agent != agent) {
      c.reader.fail(p + "/task", fmt::format("task \"{}\" runs on {}, not {}", task.info.task_id, task.agent, agent));
    }
    executor = task.info.executor.executor_id;
  }
  out.summary = fmt::format("executor {}'s container on {} exceeds its memory limit", executor, agent);
  out.apply = [agent, executor](World& w) {
    const bool injected = w.sim().inject(w.host(agent), "mesos-containerizer(1)", "MesosContainerizerProcess::limited",
                                         [executor](sim::Process& p) {
                                           static_cast<model::FakeContainerizer&>(p).limited(executor);
                                         });
    if (!injected) note(w, agent, fmt::format("{} runs no mesos-containerizer(1): no memory limitation", agent));
  };
}

}  // namespace agentsim::harness
