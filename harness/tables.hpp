#pragma once
// The two extensible tables of the scenario format: timeline actions and expectation
// kinds. A later slice adds a kind by adding a row; the loader and runner do not change.
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/reader.hpp"
#include "harness/scenario.hpp"
#include "sim/state_machine.hpp"

namespace agentsim::harness {

// What a row's parser may check references against.
struct ParseContext {
  const Reader& reader;
  const Scenario& scenario;  // cluster already loaded
  std::string label;         // "timeline[3]" or "expect[0]"
};

struct ActionKind {
  std::string_view name;
  std::string_view help;
  // Parses the action's argument (at `pointer`) into an entry's summary and apply.
  std::function<void(const ParseContext&, const std::string& pointer, TimelineEntry& out)> parse;
};

struct ExpectationKind {
  std::string_view name;
  std::string_view help;
  std::function<void(const ParseContext&, const std::string& pointer, Expectation& out)> parse;
};

// Argument parsers rows share. A host in the cluster ("agent-1"):
std::string hostArg(const ParseContext& c, const std::string& pointer);
// A message endpoint: a host ("agent-1"), a process id ("slave(1)") or a full address
// ("slave(1)@agent-1:5051"); hosts must be in the cluster.
std::string endpointArg(const ParseContext& c, const std::string& pointer);
// A Mesos message name (model::mesosMessageNames()).
std::string messageArg(const ParseContext& c, const std::string& pointer);
// One of `names` (a list the model exports), else "unknown <what> "x"; expected one of: ...".
std::string nameArg(const ParseContext& c, const std::string& pointer, std::string_view what,
                    std::span<const std::string_view> names);
// The harness's own machine: a timeline `call` into a component (harness/calls.cpp)
// records CALLED, then READY (with its result), DISCARDED or FAILED.
// The `fault` record a fault site leaves at each reach, in runs that read it
// (sim::FaultSites::recordReaches).
inline constexpr std::string_view kSiteReachRecord = "reach";
inline constexpr std::string_view kCallStates[]{"CALLED", "READY", "DISCARDED", "FAILED"};
inline constexpr sim::StateMachine kCallMachine{"Call", kCallStates};

// A state machine the model records (model::stateMachines()), by its record name.
const sim::StateMachine& machineArg(const ParseContext& c, const std::string& pointer);
// One of the machine's states.
std::string stateArg(const ParseContext& c, const std::string& pointer, const sim::StateMachine& machine);
// Every TaskState name, in mesos.proto's order ("TASK_STAGING, TASK_STARTING, ...").
std::string taskStateNames();
// harness/task_revocable.cpp: a task's `revocable` (true, or the part of `resources` that is).
std::string parseTaskRevocable(const Reader& r, const std::string& task, const std::string& resources);
// An agent of the cluster ("agent-1"), not a master, framework or ZooKeeper server.
std::string agentHostArg(const ParseContext& c, const std::string& pointer);
// The framework an object's "framework" key names (`object` is the object's pointer):
// a framework of the scenario; the key may be left out when there is exactly one.
const FrameworkSpec& frameworkArg(const ParseContext& c, const std::string& object);
// A task id of that framework's "tasks".
const model::TaskLaunch& taskArg(const ParseContext& c, const FrameworkSpec& framework, const std::string& pointer);

// The `call` action (harness/calls.cpp): {host, function, ...its arguments}; and its
// functions, with their arguments, for the action's help line.
void parseCall(const ParseContext& c, const std::string& pointer, TimelineEntry& out);
std::string callFunctions();
// The `disk_file` expectation (harness/disk_file_expectation.cpp).
void parseDiskFile(const ParseContext& c, const std::string& pointer, Expectation& out);
// harness/endpoint_expectation.cpp.
void parseEndpoint(const ParseContext& c, const std::string& pointer, Expectation& out);

// The timeline actions' table (harness/actions.cpp; each kind's parser in harness/actions.hpp).
const std::vector<ActionKind>& actionKinds();
const std::vector<ExpectationKind>& expectationKinds();

}  // namespace agentsim::harness
