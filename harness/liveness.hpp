#pragma once
// The liveness rule ("liveness", docs/fuzzing.md), as a check over trace records, so the
// fuzzer judges a case with it and `agentsim run` checks it as the `liveness` expectation
// of a reproducer: the same records give the same verdict and evidence. At the end of
// the run (the end of the fuzzer's liveness phase):
//  - every agent whose program runs (it did not exit with a Mesos startup error, was not
//    stopped, and its host is up) and that was not told to shut down (TERMINATING: the
//    operator's SIGUSR1, after which it unregisters, exits and owes nothing) is RUNNING
//    (Slave::State), so registered;
//  - every status update an agent's status update manager received since its program
//    last started is acknowledged, or its stream closed (an acknowledged terminal update
//    discards what was queued behind it: StatusUpdateManagerProcess::acknowledgement) or
//    cleaned up, when its framework is connected to a master at the end (a framework
//    whose scheduler lost its master for good, as a scheduler of a standalone master
//    that restarted does (SchedulerProcess::exited waits for a detector that never
//    answers again), acknowledges nothing; Master::statusUpdate drops its updates and
//    the agent retries them forever, as in Mesos); not checked when a framework never
//    acknowledges;
//  - no task's latest state at its scheduler is TASK_STAGING or TASK_STARTING, when its
//    framework is connected to a master at the end (the same reason) and its agent did
//    not exit (an agent whose program ended with an error sends no more updates of its
//    tasks; a supervisor that would restart it is not modelled, and the task's fate
//    reaches the scheduler only when a master removes the agent, agent_reregister_timeout
//    (10mins) after a failover, or through reconciliation, which the scheduler model
//    does not do), and its agent was not shut down (TERMINATING) after the task's last
//    update, even if the agent started again since: a shutdown sends no update of its
//    framework's tasks (the framework is TERMINATING: Slave::executorTerminated; the
//    executor's own updates are dropped, Slave::statusUpdate), and the agent started
//    again lists the framework as completed, so only reconciliation would tell the
//    scheduler; a terminal state
//    is the latest for good (Master::statusUpdate forwards a stale update of a task it
//    no longer knows, e.g. a re-sent TASK_STARTING after the master's TASK_LOST).
// An agent no master admits owes no RUNNING either (unadmittedAgents): with
// --authenticate_agents on every master, an agent with no --credential registers without
// authenticating and the master refuses each of its registrations ("Refusing
// registration of agent ... because it is not authenticated"), so it retries forever,
// as in Mesos, a misconfiguration as a startup error is.
// Nor does an agent Mesos itself leaves unregistered for good after an authentication
// (unauthenticatedAgents, an outcome: outcomes()): the agent has --credential, the
// leading master refused its (re)registration "because it is not authenticated" after the
// agent last authenticated, and nothing re-detected a master since (e.g. a standalone
// master restarted after the agent authenticated with it: the new process knows no
// authentication). In Mesos (1.7 to today: master.cpp Master::registerSlave and
// reregisterSlave drop the message) the agent never recovers: its registration retry
// does not authenticate again (slave.cpp Slave::doReliableRegistration; only
// Slave::detected does, through Slave::authenticate), Slave::exited only logs, and an
// agent that is not registered has no ping timer to re-detect with (Slave::registered,
// reregistered and ping arm it). Any other stuck agent still fails the rule.
// Simplification: "registered with the leader" is read as RUNNING; the agent's detector
// follows the leader, and the ping invariant of the master keeps a RUNNING agent's
// master honest.
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/trace.hpp"

namespace agentsim::harness {

struct Scenario;

// The agents of `s` that no master admits: every master requires agent authentication
// (--authenticate_agents) and the agent has no credential (Master::authenticationAllows).
std::set<std::string> unadmittedAgents(const Scenario& s);

class Liveness {
 public:
  explicit Liveness(bool checkAcknowledgements = true, std::set<std::string> unadmitted = {})
      : checkAcks_(checkAcknowledgements), unadmitted_(std::move(unadmitted)) {}

  // The records observe() reads.
  static sim::Interest interest();
  void observe(const sim::Record& r);
  // Empty when the rule holds, else the evidence.
  std::string violation() const;
  // One line per agent the rule excuses as Mesos leaves it unregistered after an
  // authentication, "agent: what: why" as the fuzzer counts startup errors (outcomes).
  std::vector<std::string> outcomes() const;
  // The agent's Slave::State, if its program runs and has one.
  const std::string* stateOf(const std::string& agent) const;

 private:
  using Stream = std::pair<std::string, std::string>;  // framework_id, task_id
  bool checkAcks_;
  std::set<std::string> unadmitted_;  // agents no master admits (unadmittedAgents)
  std::map<std::string, std::string> state_;  // agent -> Slave::State
  std::set<std::string> down_;
  std::map<std::string, std::map<std::string, Stream>> pending_;  // agent -> uuid -> stream
  struct Latest {
    std::string state, framework, task;
  };
  std::map<std::string, Latest> taskState_;       // scheduler host/task -> its latest state
  std::map<std::string, std::string> taskAgent_;  // framework_id/task_id -> the agent of its stream
  std::set<std::string> exited_;                  // agents whose program exited with an error
  bool agentExited(const Latest& task) const;  // its stream's agent exited or was shut down
  bool shutDown(const std::string& agent) const;  // TERMINATING: told to shut down (SIGUSR1)
  // Its program runs, it is not RUNNING and it was not told to shut down.
  bool stuck(const std::string& agent, const std::string& state) const;
  // framework_id/task_id of tasks whose agent was shut down after their last update.
  std::set<std::string> abandoned_;
  void abandon(const std::string& agent);
  std::map<std::string, std::map<std::string, bool>> connected_;  // master -> framework_id -> connected
  bool connected(const std::string& framework) const;
  // Authentication (model::kAgentAuthenticationTopic): agents that authenticated since
  // they last detected a master; of those, the master host that refused them since.
  std::set<std::string> authenticated_;
  std::map<std::string, std::string> refusedBy_;
  std::set<std::string> leaders_;  // masters ELECTED, not since FOLLOWER, EXITED or crashed
  void observeAuthentication(const sim::Record& r);
  void forgetAuthentication(const std::string& agent);
  bool unauthenticated(const std::string& agent) const;  // refused for good, as in Mesos
};

}  // namespace agentsim::harness
