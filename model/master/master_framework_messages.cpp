// Framework messages through the master (src/master/master.cpp): a scheduler's message
// for one of its executors (Master::receive(Call) with Call::MESSAGE, then
// Master::message) and an executor's message for its framework relayed by an agent that
// knows no pid for the framework (Master::executorMessage), with Master::Metrics's
// messages_framework_to_executor, messages_executor_to_framework and their valid_ and
// invalid_ counters.
#include <fmt/format.h>

#include "model/master/master.hpp"

namespace agentsim::model {

void Master::frameworkMessage(const sim::Upid& from, const FrameworkToExecutorMessage& message) {
  // Each drop branch of Master::message logs its reason and counts the message invalid.
  auto drop = [this](const std::string& why) {
    log(why);
    count("master/invalid_framework_to_executor_messages");
  };
  // Master::receive(Call): the driver's Call::MESSAGE. A call of an unknown framework or
  // from another pid is dropped before any counter ("Call is not from registered
  // framework"); one from a disconnected framework is refused with FrameworkErrorMessage.
  // (A v0 FrameworkToExecutorMessage to the master, Master::schedulerMessage, counts
  // those two drops as invalid_framework_to_executor_messages: no driver of 1.1 sends it,
  // and the model takes every FrameworkToExecutorMessage to the master as the Call.)
  Framework* framework = frameworkFrom(from);
  if (framework == nullptr || framework->info.id != message.framework_id) {
    log(fmt::format("Dropping MESSAGE call from framework {} at {}: Call is not from registered framework",
                    message.framework_id, from.str()));
    return;
  }
  if (refuseDisconnected(*framework, from, "MESSAGE")) return;
  // Master::message.
  count("master/messages_framework_to_executor");
  auto agent = registered_.find(message.slave_id);
  if (agent == registered_.end()) {
    return drop(
        fmt::format("Cannot send framework message for framework {} to agent {} because agent is not registered",
                    framework->info.id, message.slave_id));
  }
  if (!agent->second.connected) {
    return drop(fmt::format("Cannot send framework message for framework {} to agent {} because agent is disconnected",
                            framework->info.id, message.slave_id));
  }
  log(fmt::format("Processing MESSAGE call from framework {} to agent {}", framework->info.id, message.slave_id));
  FrameworkToExecutorMessage relayed = message;
  relayed.framework_id = framework->info.id;
  send(agent->second.pid, std::move(relayed));
  count("master/valid_framework_to_executor_messages");
}

void Master::executorMessage(const sim::Upid& /*from*/, const ExecutorToFrameworkMessage& message) {
  // Each drop branch logs its reason and counts the message invalid.
  auto drop = [this](const std::string& why) {
    log(why);
    count("master/invalid_executor_to_framework_messages");
  };
  // Master::executorMessage: from any sender.
  count("master/messages_executor_to_framework");
  if (removed_.count(message.slave_id) != 0) {
    // Removed, or marked unreachable (_markUnreachable puts it in slaves.removed too).
    return drop(fmt::format("Ignoring executor message from executor '{}' of framework {} on removed agent {}",
                            message.executor_id, message.framework_id, message.slave_id));
  }
  if (registered_.count(message.slave_id) == 0) {
    // "The slave should (re-)register with the master before forwarding executor messages."
    return drop(fmt::format("Ignoring executor message from executor '{}' of framework {} on unknown agent {}",
                            message.executor_id, message.framework_id, message.slave_id));
  }
  // getFramework: a framework known only from an agent's report is not registered with
  // this master yet (Mesos 1.1 has no such framework: it is unknown).
  auto fw = frameworks_.find(message.framework_id);
  if (fw == frameworks_.end() || fw->second.recovered) {
    return drop(
        fmt::format("Not forwarding executor message for executor '{}' of framework {} on agent {} because the "
                    "framework is unknown",
                    message.executor_id, message.framework_id, message.slave_id));
  }
  // Framework::send: to its pid, connected or not (a disconnected one with a warning).
  if (!fw->second.connected) {
    log(fmt::format("Master attempted to send message to disconnected framework {}", message.framework_id));
  }
  send(fw->second.pid, message);
  count("master/valid_executor_to_framework_messages");
}

}  // namespace agentsim::model
