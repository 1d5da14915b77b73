// Framework messages through the agent (src/slave/slave.cpp): a scheduler's message for
// one of its executors (Slave::schedulerMessage) and an executor's message for its
// framework (Slave::executorMessage), with Slave::Metrics's valid_framework_messages and
// invalid_framework_messages. Mesos installs both handlers without the sender: any
// process's message is taken.
#include <fmt/format.h>

#include "model/slave/slave.hpp"

namespace agentsim::model {

void Slave::schedulerMessage(const sim::Upid& /*from*/, const FrameworkToExecutorMessage& message) {
  // Each drop branch logs its reason and counts the message invalid.
  auto drop = [this](const std::string& why) {
    log(why);
    metrics_.increment("slave/invalid_framework_messages");
  };
  // Slave::schedulerMessage.
  if (state_ != State::RUNNING) {
    return drop(fmt::format("Dropping message from framework {} because the agent is in {} state", message.framework_id,
                            toString(state_)));
  }
  Framework* f = framework(Id(message.framework_id));
  if (f == nullptr) {
    return drop(
        fmt::format("Dropping message from framework {} because framework does not exist", message.framework_id));
  }
  if (f->state == Framework::State::TERMINATING) {
    return drop(
        fmt::format("Dropping message from framework {} because framework is terminating", message.framework_id));
  }
  auto it = f->executors.find(message.executor_id);
  if (it == f->executors.end()) {
    return drop(fmt::format("Dropping message for executor {} because executor does not exist", message.executor_id));
  }
  Executor& e = it->second;
  if (e.state != Executor::State::RUNNING) {
    // REGISTERING, TERMINATING, TERMINATED: "If executor is not yet registered, queue
    // framework message? It's probably okay to just drop it" (not queued in 1.1).
    return drop(fmt::format("Dropping message for executor '{}' of framework {} because executor is not running",
                            message.executor_id, message.framework_id));
  }
  // Executor::send; the ids as the message names them.
  send(e.pid, message);
  metrics_.increment("slave/valid_framework_messages");
}

void Slave::executorMessage(const sim::Upid& /*from*/, const ExecutorToFrameworkMessage& message) {
  // Each drop branch logs its reason and counts the message invalid.
  auto drop = [this](const std::string& why) {
    log(why);
    metrics_.increment("slave/invalid_framework_messages");
  };
  // Slave::executorMessage.
  if (state_ != State::RUNNING) {
    return drop(
        fmt::format("Dropping framework message from executor '{}' to framework {} because the agent is in {} state",
                    message.executor_id, message.framework_id, toString(state_)));
  }
  Framework* f = framework(Id(message.framework_id));
  if (f == nullptr) {
    return drop(
        fmt::format("Cannot send framework message from executor '{}' to framework {} because framework does not "
                    "exist",
                    message.executor_id, message.framework_id));
  }
  if (f->state == Framework::State::TERMINATING) {
    return drop(
        fmt::format("Ignoring framework message from executor '{}' to framework {} because framework is terminating",
                    message.executor_id, message.framework_id));
  }
  if (!f->pid.isNone()) {
    // The framework's pid (from RunTaskMessage, UpdateFrameworkMessage or the checkpoint).
    log(fmt::format("Sending message for framework {} to {}", message.framework_id, f->pid.str()));
    send(f->pid, message);
  } else {
    // No pid (an HTTP framework's RunTaskMessage carries none): through the master.
    log(fmt::format("Sending message for framework {} through the master {}", message.framework_id, master_->pid));
    send(masterPid(), message);
  }
  metrics_.increment("slave/valid_framework_messages");
}

}  // namespace agentsim::model
