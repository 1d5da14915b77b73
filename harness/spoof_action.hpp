#pragma once
// The `spoof` timeline action: a message carried as if another process had sent it, as
// the Mesos tests' process::post(from, to, message) does (libprocess's spoof). The
// kernel carries it (sim::Network::spoof); the process it claims to come from does not
// run it and never knows.
#include "harness/tables.hpp"

namespace agentsim::harness {

// `spoof`: {message, agent, framework (optional with one framework), executor, to, task}:
//  - ShutdownExecutorMessage to "agent" (default): from the leading master to the
//    agent (SlaveTest.ExecutorShutdownGracePeriod); to "executor": to that executor's
//    driver, from the agent address it was given (SlaveRecoveryTest.RecoverTerminatedExecutor
//    posts it with no sender while the agent is down);
//  - ReregisterExecutorMessage (to "agent" only): from the executor's address to the
//    agent, with no tasks and no updates (SlaveTest.ShutdownV0ExecutorIfItReregistersWithoutReconnect);
//  - RunTaskMessage (to "executor" only): a new task `task` for that executor, whose
//    command would send TASK_RUNNING at once (SlaveTest.DisconnectedExecutorDropsMessages).
ActionKind spoofAction();

}  // namespace agentsim::harness
