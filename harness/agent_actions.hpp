#pragma once
// Timeline actions that start an agent again with changed flags: the flags parser that
// `restart_agent` and `reboot_agent` share, and the `reboot_agent` row.
#include <optional>
#include <string>

#include "harness/tables.hpp"
#include "model/common/flags.hpp"

namespace agentsim::harness {

// The agent flags an action's "flags" object (at `pointer`) sets over the agent's own
// (agent `agent`); each change is appended to `changed` as " --name=value".
model::SlaveFlags changedAgentFlags(const ParseContext& c, const std::string& pointer, const std::string& agent,
                                    std::string& changed);

// `reboot_agent`: {agent, flags}: reboot the agent's host (as `restart`: executors die,
// unsynced writes are lost, the boot id changes) and start its agent with changed
// flags, which later restarts keep (SlaveRecoveryTest.RebootWithSlaveInfoMismatch).
ActionKind rebootAgentAction();

}  // namespace agentsim::harness
