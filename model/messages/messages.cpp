#include "model/messages/messages.hpp"

#include "model/messages/authentication_messages.hpp"
#include "model/messages/framework_messages.hpp"
#include "model/messages/task_messages.hpp"

namespace agentsim::model {

// Through each modelled message type's kName (tools/check-names), the others by name.
const std::vector<std::string_view>& mesosMessageNames() {
  static const std::vector<std::string_view> names{
      AuthenticateMessage::kName,
      AuthenticationCompletedMessage::kName,
      AuthenticationErrorMessage::kName,
      AuthenticationFailedMessage::kName,
      AuthenticationMechanismsMessage::kName,
      AuthenticationStartMessage::kName,
      AuthenticationStepMessage::kName,
      "CheckpointResourcesMessage",  // not modelled
      ExecutorRegisteredMessage::kName,
      ExecutorReregisteredMessage::kName,
      ExecutorToFrameworkMessage::kName,
      ExitedExecutorMessage::kName,
      FrameworkErrorMessage::kName,
      FrameworkRegisteredMessage::kName,
      FrameworkReregisteredMessage::kName,
      FrameworkToExecutorMessage::kName,
      KillTaskMessage::kName,
      LaunchTasksMessage::kName,
      LostSlaveMessage::kName,
      PingSlaveMessage::kName,
      PongSlaveMessage::kName,
      ReconcileTasksMessage::kName,
      ReconnectExecutorMessage::kName,
      RegisterExecutorMessage::kName,
      RegisterFrameworkMessage::kName,
      RegisterSlaveMessage::kName,
      ReregisterExecutorMessage::kName,
      ReregisterFrameworkMessage::kName,
      ReregisterSlaveMessage::kName,
      "ResourceOffersMessage",  // not modelled
      "RunTaskGroupMessage",  // not modelled
      RunTaskMessage::kName,
      ShutdownExecutorMessage::kName,
      ShutdownFrameworkMessage::kName,
      ShutdownMessage::kName,
      SlaveRegisteredMessage::kName,
      SlaveReregisteredMessage::kName,
      StatusUpdateAcknowledgementMessage::kName,
      StatusUpdateMessage::kName,
      UnregisterFrameworkMessage::kName,
      UnregisterSlaveMessage::kName,
      UpdateFrameworkMessage::kName,
      UpdateSlaveMessage::kName,
  };
  return names;
}

}  // namespace agentsim::model
