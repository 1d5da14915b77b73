#pragma once
// What src/slave/main.cpp and src/master/main.cpp build on a host, in their order.
//
// agentMain walks the agent's startup graph (model/slave/startup_graph.hpp) in main.cpp's
// order or in the order a scenario chose. It promises:
//  - each step that succeeds leaves one `startup` record (the step's name, what it
//    built, the processes it spawned, the modelled Mesos source), in the order run;
//  - a step that fails leaves a `startup` record with failed=true, Mesos's message and
//    exit_code 1, and every process on the host stops: the agent exited, as main()'s
//    EXIT(EXIT_FAILURE) or `return EXIT_FAILURE`;
//  - the steps run in the boot event itself, at the same simulated time, except where
//    Mesos blocks: DockerContainerizer::create waits up to 5secs for the docker daemon;
//    a host that crashes meanwhile drops the rest of that boot's startup.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/common/flags.hpp"
#include "model/common/planted_bug.hpp"
#include "model/authorizer/local/authorizer.hpp"
#include "model/slave/startup_graph.hpp"
#include "sim/fault_site.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

struct AgentOptions {
  AgentEnvironment env;
  std::vector<std::string> order;  // step names; empty: main.cpp's order
  // The parameters of --modules' modules, as the JSON manifest would give them.
  std::map<std::string, std::map<std::string, std::string>> module_parameters;
  ACLs acls;  // --acls, for the LocalAuthorizer
  // Run-wide, shared with the rest of the run (not the agent's to set): the run's fault
  // sites and its planted bug; none: every site off, no bug.
  std::shared_ptr<sim::FaultSites> faults;
  std::shared_ptr<const PlantedBugs> bugs;
  // Keep the agent's gauges (Slave::refreshGauges). The harness asks for them when the
  // scenario reads metrics, so a gauge's records (and the seqs they take) do not depend
  // on who listens to the trace.
  bool gauges = false;
  // Record each task's list at the agent (Slave::Task): the harness asks when a scenario
  // reads them (a state_snapshot's tasks), so other runs' records do not change.
  bool task_records = false;
};

// Runs the agent's main() on `host`. Returns an error (Mesos's message) when the
// startup failed before this call returned; a later failure (after a wait) is in the
// trace only.
sim::Try<sim::Nothing> agentMain(sim::Host& host, const SlaveFlags& flags, const AgentOptions& options = {});

// The agent exits with status 1: a `startup` record for `step` with the message, then
// every process on the host stops. `emitter` is the process that exits (Slave), or
// null for main() itself.
// The record also lists the processes that stopped (`stopped`), and `extra` fields.
// Its record carries kAgentExitTopic, for readers of the exits alone.
inline constexpr std::string_view kAgentExitTopic = "agent-exit";
void exitAgent(sim::Host& host, std::string_view step, const std::string& message, std::string ref,
               const sim::Process* emitter = nullptr, sim::Fields extra = {});

// The agent exits with status 0: the Slave terminated itself (a shutdown, or a recovery
// in cleanup mode, left no framework), so main()'s process::wait(slave) returns and
// main() returns EXIT_SUCCESS. A `startup` record for step "slave" with failed=false,
// the reason as `message`, exit_code 0 and the processes that stopped; then every process
// of the agent's program stops (executors live on). Also on kAgentExitTopic.
void agentReturned(sim::Host& host, const std::string& message, std::string ref, const sim::Process* emitter,
                   const std::string& program);

}  // namespace agentsim::model
