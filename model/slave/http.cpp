// Slave::Http (src/slave/http.cpp): what the agent's endpoints answer to a GET.
//  - /health: OK, always (Slave::Http::health);
//  - /state: ServiceUnavailable "Agent has not finished recovery" while the agent is
//    RECOVERING (SlaveTest.StateEndpointUnavailableDuringRecovery), else OK.
#include "model/slave/slave.hpp"

namespace agentsim::model {

HttpAnswer Slave::httpGet(std::string_view endpoint) const {
  if (endpoint == "/state" && state_ == State::RECOVERING) return {503, "Agent has not finished recovery"};
  return {200, ""};
}

}  // namespace agentsim::model
