// The `spoof` timeline action: a message carried as if another process had sent it, as
// the Mesos tests' process::post(from, to, message) does (libprocess's spoof). The
// kernel carries it (sim::Network::spoof); the process it claims to come from does not
// run it and never knows.
// `spoof`: {message, agent, framework (optional with one framework), executor, to, task}
// (with "from" instead: any modelled kind, field by field, parseGenericSpoof):
//  - ShutdownExecutorMessage to "agent" (default): from the leading master to the
//    agent (SlaveTest.ExecutorShutdownGracePeriod); to "executor": to that executor's
//    driver, from the agent address it was given (SlaveRecoveryTest.RecoverTerminatedExecutor
//    posts it with no sender while the agent is down);
//  - ReregisterExecutorMessage (to "agent" only): from the executor's address to the
//    agent, with no tasks and no updates (SlaveTest.ShutdownV0ExecutorIfItReregistersWithoutReconnect);
//  - RunTaskMessage (to "executor" only): a new task `task` for that executor, whose
//    command would send TASK_RUNNING at once (SlaveTest.DisconnectedExecutorDropsMessages).
#include "harness/actions.hpp"

#include <functional>

#include <fmt/format.h>

#include "harness/world.hpp"
#include "model/common/pid.hpp"
#include "model/exec/exec.hpp"
#include "model/slave/paths.hpp"
#include "model/slave/slave.hpp"
#include "model/slave/state.hpp"

namespace agentsim::harness {

namespace {

// The process of type P on `host` (any program) that `match` accepts, if the host is up.
template <typename P, typename Match>
P* processOn(World& w, const std::string& host, Match match) {
  sim::Host& h = w.host(host);
  if (!h.up()) return nullptr;
  for (sim::Process* proc : h.processes()) {
    if (auto* p = dynamic_cast<P*>(proc); p != nullptr && match(*p)) return p;
  }
  return nullptr;
}

struct Spoof {
  std::string message;  // ShutdownExecutorMessage, ReregisterExecutorMessage, RunTaskMessage or RegisterSlaveMessage
  std::string agent;
  std::string framework;
  std::string executor;
  bool toExecutor = false;
  std::string task;  // RunTaskMessage: the new task's id
  std::string workDir;  // RegisterSlaveMessage: the agent's --work_dir and --port
  std::uint32_t port = 0;
};

// RegisterSlaveMessage from the agent's address (slave(1)@host:port) to the leading
// master, with the SlaveInfo it checkpointed (without its id), as the agent's first
// registration carried it: SlaveRecoveryTest.RegisterDisconnectedSlave re-posts that one
// after the agent terminated.
void spoofRegistration(World& w, const Spoof& s, const std::function<void(const std::string&)>& note) {
  model::Master* master = w.leadingMaster();
  if (master == nullptr) return note("no leading master: nothing to spoof");
  const sim::Disk& disk = w.host(s.agent).disk();
  const std::string meta = model::paths::metaDir(s.workDir);
  const auto id = disk.read(model::paths::latestSlavePath(meta));
  const auto text = id ? disk.read(model::paths::slaveInfoPath(meta, *id)) : std::nullopt;
  const sim::Try<model::SlaveInfo> info =
      text ? model::state::decodeSlaveInfo(*text) : sim::Try<model::SlaveInfo>(sim::Error{"no slave.info"});
  const auto from = model::parseUpid(w.sim(), fmt::format("slave(1)@{}:{}", s.agent, s.port));
  if (info.isError() || !from) return note("the agent never registered (no slave.info): nothing to spoof");
  auto m = std::make_unique<model::RegisterSlaveMessage>();
  m->slave = *info;
  m->slave.id = model::Id{};
  w.sim().network().spoof(sim::Envelope{*from, master->self(), std::move(m)});
}

void apply(World& w, const Spoof& s) {
  auto note = [&](const std::string& why) {
    w.sim().emit(sim::RecordKind::Log, nullptr, s.agent, "log", {{"message", "spoof: " + why}}, "");
  };
  if (s.message == model::RegisterSlaveMessage::kName) return spoofRegistration(w, s, note);
  auto* fw = w.scheduler(s.framework);
  if (fw == nullptr || fw->framework().id.empty()) return note("the framework is not registered: nothing to spoof");
  const model::Id frameworkId = fw->framework().id;
  auto* slave = processOn<model::Slave>(w, s.agent, [](const model::Slave&) { return true; });
  auto* executor = processOn<model::ExecutorProcess>(w, s.agent, [&](const model::ExecutorProcess& e) {
    return e.environment().framework_id == frameworkId && e.environment().info.executor_id == s.executor;
  });
  if (s.message == model::ReregisterExecutorMessage::kName) {
    if (slave == nullptr || executor == nullptr) return note("no agent or no such executor runs: nothing to spoof");
    auto m = std::make_unique<model::ReregisterExecutorMessage>();
    m->framework_id = frameworkId;
    m->executor_id = s.executor;
    w.sim().network().spoof(sim::Envelope{executor->self(), slave->self(), std::move(m)});
    return;
  }
  if (s.message == model::RunTaskMessage::kName) {
    if (executor == nullptr) return note("no such executor runs: nothing to spoof");
    // A task of that executor whose command sends TASK_RUNNING at once, were it run.
    auto m = std::make_unique<model::RunTaskMessage>();
    m->framework.id = frameworkId;
    m->pid = fw->self().str();
    m->task.task_id = s.task;
    m->task.name = s.task;
    m->task.slave_id = executor->environment().slave_id;
    m->task.executor = executor->environment().info;
    m->task.steps.push_back(model::TaskUpdateStep{});
    w.sim().network().spoof(sim::Envelope{executor->environment().slave, executor->self(), std::move(m)});
    return;
  }
  auto m = std::make_unique<model::ShutdownExecutorMessage>();
  m->framework_id = frameworkId;
  m->executor_id = s.executor;
  if (s.toExecutor) {
    if (executor == nullptr) return note("no such executor runs: nothing to spoof");
    w.sim().network().spoof(sim::Envelope{executor->environment().slave, executor->self(), std::move(m)});
    return;
  }
  model::Master* master = w.leadingMaster();
  if (master == nullptr || slave == nullptr) return note("no leading master or no agent: nothing to spoof");
  w.sim().network().spoof(sim::Envelope{master->self(), slave->self(), std::move(m)});
}

}  // namespace

void parseSpoof(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  // With a sender, any modelled kind built field by field (harness/message_edit_actions.cpp).
  c.reader.object(p, {"message", "agent", "framework", "executor", "to", "task", "from", "fields"}, {"message"});
  if (c.reader.has(p + "/from")) return parseGenericSpoof(c, p, out);
  if (c.reader.has(p + "/fields")) c.reader.fail(p + "/fields", "\"fields\" builds a message with a sender: add \"from\"");
  if (!c.reader.has(p + "/agent")) c.reader.fail(p, "missing required key \"agent\" (or \"from\" and \"to\")");
  Spoof s;
  s.message = c.reader.string(p + "/message", 64);
  if (s.message != model::ShutdownExecutorMessage::kName && s.message != model::ReregisterExecutorMessage::kName &&
      s.message != model::RunTaskMessage::kName && s.message != model::RegisterSlaveMessage::kName) {
    c.reader.fail(p + "/message", fmt::format("cannot spoof \"{}\" without \"from\"; expected {}, {}, {} or {} (with "
                                              "\"from\" and \"to\", any modelled message, field by field)",
                                              s.message.substr(0, 64), model::ShutdownExecutorMessage::kName,
                                              model::ReregisterExecutorMessage::kName, model::RunTaskMessage::kName,
                                              model::RegisterSlaveMessage::kName));
  }
  s.agent = agentHostArg(c, p + "/agent");
  if (s.message == model::RegisterSlaveMessage::kName) {
    for (const char* key : {"framework", "executor", "to", "task"}) {
      if (c.reader.has(p + "/" + key)) {
        c.reader.fail(p + "/" + key, "RegisterSlaveMessage takes only the agent whose registration it repeats");
      }
    }
    for (const AgentSpec& a : c.scenario.agents) {
      if (a.id == s.agent) {
        s.workDir = a.flags.work_dir;
        s.port = a.flags.port;
      }
    }
    out.summary = fmt::format("spoof {}'s RegisterSlaveMessage to the leading master", s.agent);
    out.apply = [s](World& w) { apply(w, s); };
    return;
  }
  s.framework = frameworkArg(c, p).id;
  if (!c.reader.has(p + "/executor")) c.reader.fail(p, "missing required key \"executor\"");
  s.executor = c.reader.identifier(p + "/executor");
  if (c.reader.has(p + "/to")) {
    const std::string to = c.reader.string(p + "/to", 16);
    if (to != "agent" && to != "executor") {
      c.reader.fail(p + "/to", fmt::format("expected \"agent\" or \"executor\", got \"{}\"", to));
    }
    if (to == "executor" && s.message == model::ReregisterExecutorMessage::kName) {
      c.reader.fail(p + "/to", "ReregisterExecutorMessage goes to the agent only");
    }
    if (to == "agent" && s.message == model::RunTaskMessage::kName) {
      c.reader.fail(p + "/to", "RunTaskMessage goes to an executor only (\"to\": \"executor\")");
    }
    s.toExecutor = to == "executor";
  }
  if (s.message == model::RunTaskMessage::kName) {
    if (!s.toExecutor) c.reader.fail(p, "RunTaskMessage needs \"to\": \"executor\"");
    if (!c.reader.has(p + "/task")) c.reader.fail(p, "RunTaskMessage needs \"task\", the new task's id");
    s.task = c.reader.identifier(p + "/task");
  } else if (c.reader.has(p + "/task")) {
    c.reader.fail(p + "/task", "only RunTaskMessage takes a task");
  }
  out.summary = fmt::format("spoof {} for executor {} of {} {} {}", s.message, s.executor, s.framework,
                            s.toExecutor ? "to the executor on" : "to the agent on", s.agent);
  out.apply = [s](World& w) { apply(w, s); };
}

}  // namespace agentsim::harness
