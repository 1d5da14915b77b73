// The timeline actions' table: each kind's name, its help (agentsim check --help and
// docs/scenario-format.md say the same) and its parser, a named function in the file of
// its family (harness/actions.hpp). A kind is one row here and one function there; the
// loader and the runner do not change.
#include <algorithm>

#include "harness/actions.hpp"

namespace agentsim::harness {

namespace {

std::vector<ActionKind> byName(std::vector<ActionKind> kinds) {
  // Listed by name, whatever order the rows were written in.
  std::sort(kinds.begin(), kinds.end(), [](const ActionKind& a, const ActionKind& b) { return a.name < b.name; });
  return kinds;
}

}  // namespace

const std::vector<ActionKind>& actionKinds() {
  static const std::vector<ActionKind> kinds = byName({
      {"call",
       "A test's call into a component of a host, as a Mesos test calls gc.schedule(): an event of the "
       "component's process (Call records: CALLED, then READY/DISCARDED with the answer). Value: {host, "
       "function, ...arguments}.",
       parseCall},
      {"crash",
       "Crash a host: its processes and timers are lost, its synced disk survives. Value: a host, or "
       "\"leading-master\" (the master elected when the action runs).",
       parseCrash},
      {"delay",
       "Add latency to matching messages; with keep_order, later messages on a delayed link wait behind "
       "them, as on a slow TCP connection (default: they may overtake). Value: {message, from, to, by, "
       "keep_order, count, probability, for}.",
       parseDelay},
      {"delete_files",
       "Delete files on an agent host's disk whose path contains a text, as a test deletes a checkpoint (e.g. an "
       "executor's runs/latest link, SlaveRecoveryTest.GCExecutor). Value: {agent, matching}.",
       parseDeleteFiles},
      {"deliver_message",
       "Deliver a message that is queued for delivery now, ahead of its turn (the stepper's `deliver "
       "ID`). Value: {msg (its trace id), message (its name, checked)}.",
       parseDeliverMessage},
      {"drop", "Lose matching messages. Value: {message, from, to, count, probability, for}.", parseDrop},
      {"drop_message",
       "Lose a message that is queued for delivery (the stepper's `drop ID`). Value: {msg (its trace "
       "id), message (its name, checked)}.",
       parseDropMessage},
      {"duplicate", "Deliver matching messages twice. Value: {message, from, to, count, probability, for}.",
       parseDuplicate},
      {"end_rules",
       "End every message rule in force (drop, delay, duplicate, hold, rewrite), whoever added it: what holds "
       "held is delivered (the fuzzer's heal, docs/fuzzing.md). Value: \"all\".",
       parseEndRules},
      {"executor_message",
       "An executor sends its framework a message, as ExecutorDriver::sendFrameworkMessage (src/exec/exec.cpp): "
       "ExecutorToFrameworkMessage to its agent, which sends it to the framework's pid, or through the master if "
       "it knows none (Slave::executorMessage); the scheduler's Scheduler::frameworkMessage record carries the "
       "data. Value: {agent, framework (optional with one framework), executor, data}.",
       parseExecutorMessage},
      {"expire_session",
       "Expire ZooKeeper sessions on the server side, as the Mesos tests' ZooKeeperTestServer::expireSession: every "
       "session of a host's clients, or of one client. Value: {host (a host or \"leading-master\"), client (the "
       "ZooKeeper handle's process id, e.g. \"zookeeper(1)\": on a master, the contender's)}.",
       parseExpireSession},
      {"fill_disk",
       "Use up an agent host's disk (a ballast file outside the work_dir), as the disk pressure Slave::checkDiskUsage "
       "measures with fs::usage. Value: {agent, usage (\"95%\", of the capacity) or bytes (\"50GB\", added)}.",
       parseFillDisk},
      {"fire_site",
       "Turn on a firing fault site of the model (model/slave/fault_sites.hpp): while on, each reach fires "
       "with the entry's \"probability\" (\"N/D\", default 1/1), for the entry's \"for\" (default: "
       "to the end). Value: the site's name.",
       parseFireSite},
      {"heal", "End partitions. Value: [hostA, hostB], or \"all\".", parseHeal},
      {"framework_message",
       "A framework sends one of its executors a message, as SchedulerDriver::sendFrameworkMessage "
       "(src/sched/sched.cpp): ignored while the driver is disconnected; FrameworkToExecutorMessage straight to "
       "the agent if the driver launched a task there (and has not heard it lost), else through the master "
       "(Call::MESSAGE); the agent hands it to a RUNNING executor (Executor::frameworkMessage record). Value: "
       "{framework (optional with one framework), agent, executor, data, driver}.",
       parseFrameworkMessage},
      {"hold",
       "Hold matching messages until a release. Value: {message, from, to, count, probability, for}; or, "
       "to hold what reaches a fault site of the model (a registrar operation, a removal permit, a container "
       "launch), {site (\"Registrar::apply\"), operation, count, for}.",
       parseHold},
      {"kill_executors",
       "SIGKILL every executor's container program on an agent host (the agent itself is left alone), as a test "
       "destroys the containers while the agent is down. Value: an agent.",
       parseKillExecutors},
      {"kill_task",
       "Kill a task through the framework's driver, as SchedulerDriver::killTask (src/sched/sched.cpp): the "
       "scheduler sends KillTaskMessage to its master, which relays it to the agent. Value: {framework (optional "
       "with one framework), task, driver (the Nth driver started on the framework's host; default: the last)}.",
       parseKillTask},
      {"launch_task",
       "Launch a task of the framework's script now, as SchedulerDriver::launchTasks (src/sched/sched.cpp): "
       "LaunchTasksMessage while the driver is connected; while disconnected the driver answers the scheduler "
       "itself, TASK_LOST / REASON_MASTER_DISCONNECTED (FaultToleranceTest.TaskLost). A task with \"scripted\": "
       "false is launched only this way. Value: {framework (optional with one framework), task, driver}.",
       parseLaunchTask},
      {"load",
       "Set an agent host's load: how many tasks are runnable, from which Linux computes the 1, 5 and 15 minute "
       "load averages the load QoS controller reads (src/slave/qos_controllers/load.cpp). Value: {agent, runnable "
       "(e.g. \"6\" or \"0.5\"), over (ramp to it over this long), for (a spike: back to the level before after "
       "this long)}.",
       parseLoad},
      {"memory_limitation",
       "An executor's container exceeds its memory limit: the memory isolator reports the limitation to the agent "
       "host's MesosContainerizer (MesosContainerizerProcess::limited, as a cgroup OOM), which destroys the "
       "container if it runs (isolated; not while fetching or preparing, nor once destroyed); the agent's "
       "Slave::executorTerminated fails the executor's live tasks: TASK_FAILED, REASON_CONTAINER_LIMITATION_MEMORY, "
       "\"Memory limit exceeded\". Value: {agent, executor} or {agent, framework (optional with one framework), "
       "task (its executor; a command task's command executor)}.",
       parseMemoryLimitation},
      {"partition", "Lose every message between two hosts. Value: {between: [a, b], one_way (only a to b), for}.",
       parsePartition},
      {"reboot_agent",
       "Reboot an agent's host (as restart: executors die, unsynced writes are lost, the boot id changes) and "
       "start its agent with changed flags, which later restarts keep. Value: {agent, flags}.",
       parseRebootAgent},
      {"reconcile",
       "Ask the master for the latest state of tasks, as SchedulerDriver::reconcileTasks (src/sched/sched.cpp): "
       "ReconcileTasksMessage naming the tasks (explicit reconciliation), or none (implicit: every task the master "
       "knows). Value: {framework (optional with one framework), tasks (task ids; absent: implicit), agent (with "
       "tasks: the agent they are said to run on, TaskStatus.slave_id: its SlaveID when the action runs)}.",
       parseReconcile},
      {"release", "Deliver what a hold action held. Value: the hold's label, \"timeline[N]\".", parseRelease},
      {"restart",
       "Restart a host (crashing it first if it is up); it runs its main() again. Value: a host, or "
       "\"leading-master\".",
       parseRestart},
      {"restart_agent",
       "Kill the mesos-agent process (SIGKILL, as the Mesos tests' agent restart) and start it again at once: "
       "executors in their containers survive, the disk is intact, the new agent recovers from its checkpoint "
       "(src/slave/slave.cpp: Slave::recover). Value: an agent, or {agent, flags} to start it with changed flags "
       "(e.g. {\"recover\": \"cleanup\"}), which later restarts keep.",
       parseRestartAgent},
      {"restart_crashed",
       "Restart every host that is down, and every master host whose mesos-master exited (as a "
       "supervisor restarts it), in the cluster's order; other hosts are left alone (the fuzzer's heal, "
       "docs/fuzzing.md). Value: \"all\".",
       parseRestartCrashed},
      {"shutdown_agent",
       "Shut the agent down gracefully, as SIGUSR1 does (Slave::signaled -> Slave::shutdown): it unregisters from the "
       "master (UnregisterSlaveMessage), shuts down every framework's executors and exits once no framework "
       "is left; it keeps meta/slaves/latest, so a restart reregisters with its SlaveID. Value: an agent.",
       parseShutdownAgent},
      {"rewrite",
       "Rewrite fields of matching messages in flight, before delivery, as a Mesos test posts a modified copy of "
       "a message it dropped (a kernel rule; a `rewrite` fault record says what was set). Value: {message, from, "
       "to, count, for, fields}.",
       parseRewrite},
      {"spoof_acknowledgement",
       "Send an agent a StatusUpdateAcknowledgementMessage from the leading master for a task, with a UUID of the "
       "scenario's choosing (default: one no update has), as the Mesos tests spoof a master's message "
       "(TaskStatusUpdateManagerTest.IgnoreUnexpectedStatusUpdateAck), or from another address "
       "(SlaveTest.IgnoreNonLeaderStatusUpdateAcknowledgement). Value: {agent, framework (optional with one "
       "framework), task, uuid, from}.",
       parseSpoofAcknowledgement},
      {"start_agent",
       "Start the mesos-agent process again on a host that is up (after stop_agent): its main() runs and the agent "
       "recovers from its checkpoint (src/slave/main.cpp). An agent that already runs is left alone. Value: an "
       "agent.",
       parseStartAgent},
      {"start_scheduler",
       "Start another scheduler driver of a framework on its host, beside the one running or after it stopped, as a "
       "Mesos test builds a second MesosSchedulerDriver with the first one's FrameworkID: it fails over "
       "(ReregisterFrameworkMessage, failover=true) with the FrameworkID the framework keeps on its host, or "
       "registers anew if it has none; later actions call it unless their \"driver\" says otherwise. Value: "
       "{framework (optional with one framework), failover_timeout, checkpoint, partition_aware (FrameworkInfo "
       "fields changed for this driver)}.",
       parseStartScheduler},
      {"start_zookeeper",
       "Start ZooKeeper servers that are down (a server that is up is left alone). Value: \"zk-N\", a "
       "list of them, or \"all\".",
       parseStartZooKeeper},
      {"spoof",
       "Carry a message as if another process had sent it (the Mesos tests' process::post with a sender): "
       "ShutdownExecutorMessage from the leading master to an agent (to: \"agent\", the default) or to an "
       "executor's driver (to: \"executor\"), ReregisterExecutorMessage from an executor to its agent, or "
       "RunTaskMessage of a new task to an executor (to: \"executor\", task). Value: {message, agent, framework "
       "(optional with one framework), executor, to, task}; or, with from, any modelled message built field by "
       "field: {message, from, to, fields}.",
       parseSpoof},
      {"stop_agent",
       "Kill the mesos-agent process (SIGKILL) and leave it down: executors in their containers keep running, "
       "the disk is intact, the master's pings go unanswered until a start_agent. Value: an agent.",
       parseStopAgent},
      {"stop_framework",
       "Tear a framework down: its driver stops without failover, as SchedulerDriver::stop() (src/sched/sched.cpp): "
       "the scheduler sends UnregisterFrameworkMessage to its master, which removes the framework "
       "(Master::removeFramework: ShutdownFrameworkMessage to every agent, its tasks TASK_KILLED / "
       "REASON_FRAMEWORK_REMOVED in the master's counters), and the driver runs no more. Value: {framework "
       "(optional with one framework), driver}.",
       parseStopFramework},
      {"stop_zookeeper",
       "Stop ZooKeeper servers (their hosts go down; the ensemble's data survives). Value: \"zk-N\", a "
       "list of them, or \"all\".",
       parseStopZooKeeper},
  });
  return kinds;
}

}  // namespace agentsim::harness
