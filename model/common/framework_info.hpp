#pragma once
// mesos.proto FrameworkInfo (include/mesos/mesos.proto), with the fields the model uses:
// what a scheduler registers with, what the master keeps of a framework, what a
// RunTaskMessage carries to the agent and what the agent checkpoints (meta/.../
// framework.info). Shared as mesos.proto is: neither the scheduler's messages nor the
// agent's own it.
#include <string>

#include "model/common/id.hpp"
#include "sim/time.hpp"

namespace agentsim::model {

struct FrameworkInfo {
  Id id;  // empty until the master assigns one
  std::string name;
  std::string user = "root";
  std::string principal;  // FrameworkInfo.principal (authentication and ACLs)
  sim::Duration failover_timeout;  // FrameworkInfo.failover_timeout, 0 by default
  bool checkpoint = false;         // FrameworkInfo.checkpoint
  bool partition_aware = false;    // the PARTITION_AWARE capability
  bool revocable_resources = false;  // the REVOCABLE_RESOURCES capability
  bool task_killing_state = false;   // the TASK_KILLING_STATE capability (not checkpointed: docs/model.md)
  bool operator==(const FrameworkInfo&) const = default;
};

}  // namespace agentsim::model
