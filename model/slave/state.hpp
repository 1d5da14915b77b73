#pragma once
// The agent's checkpointed state (src/slave/state.hpp, state.cpp): what Slave writes
// into <work_dir>/meta and what state::recover reads back after a restart. It promises:
//  - no meta/slaves/latest: no agent state (a fresh agent, or one that never
//    registered);
//  - it walks frameworks/*/executors/*/runs/*/tasks/* as Mesos does and reads each
//    task's task.updates records;
//  - a file it cannot parse is an error with --strict (recovery fails), else counted in
//    `errors` and skipped;
//  - a boot id different from the checkpointed one means the host rebooted: the pids
//    of executors from before the reboot are not kept (Mesos 1.4, MESOS-6223, keeps the
//    agent's id; see docs/model.md).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/common/framework_info.hpp"
#include "model/messages/messages.hpp"
#include "model/slave/status_update_stream.hpp"
#include "model/messages/task_messages.hpp"
#include "sim/disk.hpp"
#include "sim/try.hpp"

namespace agentsim::model::state {

struct TaskState {
  std::string id;
  std::optional<TaskInfo> info;
  std::vector<StatusUpdateRecord> updates;
};

struct RunState {
  std::string id;  // the ContainerID
  bool completed = false;  // executor.sentinel
  std::optional<std::string> forked_pid;
  std::optional<std::string> libprocess_pid;
  std::map<std::string, TaskState> tasks;
};

struct ExecutorState {
  std::string id;
  std::optional<ExecutorInfo> info;
  std::optional<std::string> latest;  // the latest run's ContainerID
  std::map<std::string, RunState> runs;
};

struct FrameworkState {
  std::string id;
  std::optional<FrameworkInfo> info;
  std::optional<std::string> pid;
  std::map<std::string, ExecutorState> executors;
};

struct SlaveState {
  std::string id;
  std::optional<SlaveInfo> info;  // slave.info, as checkpointed at registration
  std::map<std::string, FrameworkState> frameworks;
};

struct State {
  std::optional<SlaveState> slave;
  bool rebooted = false;
  std::uint32_t errors = 0;
};

sim::Try<State> recover(const sim::Disk& disk, const std::string& metaDir, bool strict, const std::string& bootId);

// The checkpoint encodings (protobuf messages in Mesos; tab-separated text here).
std::string encode(const FrameworkInfo& info);
std::string encode(const ExecutorInfo& info);
std::string encode(const TaskInfo& info);
std::string encode(const SlaveInfo& info);
sim::Try<SlaveInfo> decodeSlaveInfo(const std::string& text);
sim::Try<FrameworkInfo> decodeFrameworkInfo(const std::string& text);
sim::Try<ExecutorInfo> decodeExecutorInfo(const std::string& text);
sim::Try<TaskInfo> decodeTaskInfo(const std::string& text);

}  // namespace agentsim::model::state
