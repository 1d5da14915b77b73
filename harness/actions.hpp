#pragma once
// The timeline actions, one named parser per action kind: harness/actions.cpp lists them
// in its table with their names and help; each file below holds a family of them. Here
// too, the argument readers and run-time helpers those files share (harness/
// action_args.cpp). Actions act through the kernel (network rules, host crashes and
// restarts, fault sites, injected events), never through hooks in model classes.
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/tables.hpp"
#include "model/common/flags.hpp"
#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace agentsim::model {
class Slave;
}
namespace agentsim::sim {
class Simulation;
}

namespace agentsim::harness {

class World;

// What a row of the table calls: reads the action's value (at `pointer`) into the
// entry's summary and apply.
using ActionParser = void(const ParseContext& c, const std::string& pointer, TimelineEntry& out);

// harness/network_actions.cpp: faults on messages and links, and a spoofed message.
ActionParser parseDelay, parseDrop, parseDuplicate, parseHold, parseRelease, parsePartition, parseHeal,
    parseEndRules, parseSpoofAcknowledgement;
// harness/spoof_action.cpp: a message carried as if another process had sent it.
ActionParser parseSpoof;
// harness/message_edit_actions.cpp: a message of any modelled kind built field by field
// (`spoof` with `from`), and a rewrite of messages in flight.
ActionParser parseGenericSpoof, parseRewrite;
// harness/site_actions.cpp: the model's fault sites (a hold's {site, ...}, fire_site).
ActionParser parseSiteHold, parseFireSite;
// harness/host_actions.cpp: hosts (crash, restart), their disks and load, ZooKeeper.
ActionParser parseCrash, parseRestart, parseRestartCrashed, parseLoad, parseDeleteFiles, parseFillDisk,
    parseStartZooKeeper, parseStopZooKeeper, parseExpireSession;
// harness/agent_actions.cpp: the mesos-agent process and its executors.
ActionParser parseRestartAgent, parseRebootAgent, parseStartAgent, parseStopAgent, parseShutdownAgent,
    parseKillExecutors, parseMemoryLimitation;
// harness/framework_actions.cpp: a framework's scheduler driver.
ActionParser parseKillTask, parseStopFramework, parseReconcile;
// harness/driver_actions.cpp: a launch at a chosen moment, a second driver of a framework.
ActionParser parseLaunchTask, parseStartScheduler;
// harness/framework_message_actions.cpp: framework messages from a scheduler's and an
// executor's driver.
ActionParser parseFrameworkMessage, parseExecutorMessage;
// Which driver an action's "driver" names (0: the one started last); its summary's text.
std::size_t driverArg(const ParseContext& c, const std::string& object);
std::string driverText(std::size_t driver);
// harness/step_actions.cpp: the stepper's choices on a queued message.
ActionParser parseDeliverMessage, parseDropMessage;
// harness/calls.cpp: a test's call into a component (declared in tables.hpp: parseCall).

// Argument readers (harness/action_args.cpp).
// A probability "N/D" (e.g. "1/3") or "P%" (e.g. "25%"), at most 1.
sim::Ratio probabilityArg(const ParseContext& c, const std::string& pointer);
// A fault's length, if the key at `pointer` (a ".../for") is there: a duration > 0.
std::optional<sim::Duration> forArg(const ParseContext& c, const std::string& pointer);
// Two different hosts of the cluster, e.g. ["agent-1", "master-1"].
std::pair<std::string, std::string> betweenArg(const ParseContext& c, const std::string& pointer);
// A host, or "leading-master": the master elected when the action runs (resolveHost).
std::string hostOrLeaderArg(const ParseContext& c, const std::string& pointer);
// ZooKeeper servers: "zk-2", ["zk-1", "zk-2"] or "all".
std::vector<std::string> zookeeperHostsArg(const ParseContext& c, const std::string& pointer);
// The agent flags an action's "flags" object (at `pointer`) sets over agent `agent`'s own;
// each change is appended to `changed` as " --name=value".
model::SlaveFlags changedAgentFlags(const ParseContext& c, const std::string& pointer, const std::string& agent,
                                    std::string& changed);

// Run-time helpers, when an action applies.
// The host `id` names now ("leading-master" resolved); none, with a note, if no master leads.
std::optional<std::string> resolveHost(World& w, const std::string& id);
// A harness note in the trace: an action that found nothing to act on.
void note(World& w, const std::string& host, std::string message);
// The agent's Slave process on `host`, if the host is up and runs one.
model::Slave* agentProcess(World& w, const std::string& host);
// harness/slave_id.cpp: agent `agent`'s --work_dir in the scenario, and the SlaveID the
// agent holds now: its running agent's, else the one meta/slaves/latest names ("" if it
// never registered).
std::string agentWorkDir(const Scenario& scenario, const std::string& agent);
std::string slaveIdOf(sim::Simulation& sim, const std::string& agent, const std::string& workDir);
// Runs `end` (an event named `name`) when a fault given "for" `window` ends; nothing without one.
void endAfter(World& w, const std::optional<sim::Duration>& window, const char* name, std::function<void()> end);

}  // namespace agentsim::harness
