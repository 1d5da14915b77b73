#pragma once
// The log records of an agent's authentication that readers of the trace need
// (harness/liveness.hpp), emitted with kAgentAuthenticationTopic and the field
// kAuthenticationEvent, whose value is:
//  - "detected": Slave::detected (a master detected, lost or re-detected); an agent with
//    --credential authenticates afresh after it;
//  - "authenticated": Slave::_authenticate succeeded;
//  - "refused": a master refused a (re)registration because its sender is not
//    authenticated (Master::registerSlave, reregisterSlave); the field "agent" is the
//    agent's host.
#include <string_view>

namespace agentsim::model {

inline constexpr std::string_view kAgentAuthenticationTopic = "agent-authentication";
inline constexpr std::string_view kAuthenticationEvent = "authentication";

}  // namespace agentsim::model
