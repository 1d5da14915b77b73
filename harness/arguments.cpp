// Argument parsers shared by the rows of the action and expectation tables.
#include <algorithm>

#include <fmt/format.h>

#include "sim/suggest.hpp"
#include "harness/tables.hpp"
#include "model/messages/messages.hpp"
#include "model/common/task_state.hpp"
#include "model/state_machines.hpp"
#include "model/zookeeper/messages.hpp"

namespace agentsim::harness {

std::string hostArg(const ParseContext& c, const std::string& pointer) {
  std::string id = c.reader.identifier(pointer);
  if (!c.scenario.hasHost(id)) c.reader.fail(pointer, fmt::format("no host named \"{}\" in the cluster", id));
  return id;
}

std::string endpointArg(const ParseContext& c, const std::string& pointer) {
  const std::string text = c.reader.string(pointer, 200);
  const auto at = text.find('@');
  std::string host = text;
  if (at != std::string::npos) {
    const auto colon = text.rfind(':');
    host = text.substr(at + 1, colon == std::string::npos ? std::string::npos : colon - at - 1);
  } else if (text.find('(') != std::string::npos || text == "master") {
    return text;  // a process id, on any host
  }
  if (!c.scenario.hasHost(host)) {
    c.reader.fail(pointer, fmt::format("no host named \"{}\" in the cluster (expected a host, a process id such as "
                                       "\"slave(1)\", or an address such as \"slave(1)@agent-1:5051\")",
                                       host));
  }
  return text;
}

std::string messageArg(const ParseContext& c, const std::string& pointer) {
  const std::string name = c.reader.string(pointer, 100);
  const auto& names = model::mesosMessageNames();
  // The ZooKeeper protocol's messages (model/zookeeper/messages.hpp) may be named too.
  const auto& zookeeper = model::zk::messageNames();
  if (std::find(zookeeper.begin(), zookeeper.end(), name) != zookeeper.end()) return name;
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    // A few close names, not the whole protocol: docs/trace-format.md lists every message.
    std::vector<std::string_view> all(names.begin(), names.end());
    all.insert(all.end(), zookeeper.begin(), zookeeper.end());
    std::string hint = sim::didYouMean(name, all);
    // Mesos 1.1 renamed the slave an agent in its docs and flags, not in its protocol.
    if (const auto at = name.find("Agent"); at != std::string::npos) {
      std::string slave = name;
      slave.replace(at, 5, "Slave");
      if (std::find(names.begin(), names.end(), slave) != names.end()) {
        hint = fmt::format(" (did you mean \"{}\"? Mesos 1.1's messages still say Slave)", slave);
      }
    }
    c.reader.fail(pointer, fmt::format("unknown Mesos message \"{}\"{}", name,
                                       hint.empty() ? "; expected a message of Mesos 1.1's protocol, named as in "
                                                      "messages.proto (e.g. RegisterSlaveMessage; docs/trace-format.md)"
                                                    : hint));
  }
  return name;
}

std::string nameArg(const ParseContext& c, const std::string& pointer, std::string_view what,
                    std::span<const std::string_view> names) {
  const std::string name = c.reader.string(pointer, 100);
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    c.reader.fail(pointer, fmt::format("unknown {} \"{}\"{}; expected one of: {}", what, name,
                                       sim::didYouMean(name, names), fmt::join(names, ", ")));
  }
  return name;
}

const sim::StateMachine& machineArg(const ParseContext& c, const std::string& pointer) {
  std::vector<std::string_view> names;
  for (const sim::StateMachine* m : model::stateMachines()) names.push_back(m->name);
  names.push_back(kCallMachine.name);  // the harness's own (a timeline call's records)
  std::sort(names.begin(), names.end());
  const std::string name = nameArg(c, pointer, "state machine", names);
  if (name == kCallMachine.name) return kCallMachine;
  return *model::findStateMachine(name);
}

std::string stateArg(const ParseContext& c, const std::string& pointer, const sim::StateMachine& machine) {
  return nameArg(c, pointer, fmt::format("{} state", machine.name), machine.states);
}

std::string taskStateNames() {
  std::vector<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(model::TaskState::TASK_UNKNOWN); ++i) {
    names.push_back(model::toString(static_cast<model::TaskState>(i)));
  }
  return fmt::format("{}", fmt::join(names, ", "));
}

std::string agentHostArg(const ParseContext& c, const std::string& pointer) {
  const std::string id = c.reader.identifier(pointer);
  if (!c.scenario.isAgent(id)) {
    c.reader.fail(pointer, c.scenario.hasHost(id) ? fmt::format("\"{}\" is not an agent", id)
                                                  : fmt::format("no agent named \"{}\" in the cluster", id));
  }
  return id;
}

const FrameworkSpec& frameworkArg(const ParseContext& c, const std::string& object) {
  const std::string p = object + "/framework";
  if (!c.reader.has(p)) {
    if (c.scenario.frameworks.size() == 1) return c.scenario.frameworks.front();
    c.reader.fail(object, c.scenario.frameworks.empty()
                              ? std::string("the scenario has no frameworks (add \"frameworks\")")
                              : fmt::format("missing required key \"framework\" (the scenario has {} frameworks)",
                                            c.scenario.frameworks.size()));
  }
  const std::string id = c.reader.identifier(p);
  const FrameworkSpec* f = c.scenario.framework(id);
  if (f == nullptr) {
    std::vector<std::string> ids;
    for (const auto& fw : c.scenario.frameworks) ids.push_back(fw.id);
    c.reader.fail(p, ids.empty() ? fmt::format("no framework named \"{}\": the scenario has no frameworks", id)
                                 : fmt::format("no framework named \"{}\" in the scenario; expected one of: {}", id,
                                               fmt::join(ids, ", ")));
  }
  return *f;
}

const model::TaskLaunch& taskArg(const ParseContext& c, const FrameworkSpec& framework, const std::string& pointer) {
  const std::string id = c.reader.identifier(pointer);
  for (const auto& t : framework.flags.tasks) {
    if (t.info.task_id == id) return t;
  }
  c.reader.fail(pointer, framework.flags.tasks.empty()
                             ? fmt::format("framework {} has no task \"{}\" (it has no \"tasks\")", framework.id, id)
                             : fmt::format("framework {} has no task \"{}\"", framework.id, id));
}

}  // namespace agentsim::harness
