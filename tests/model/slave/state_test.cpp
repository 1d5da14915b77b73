// state::recover against the branches of src/slave/state.cpp (SlaveState, FrameworkState,
// RunState and TaskState::recover): what a missing file makes it skip.
#include <doctest/doctest.h>

#include <string>

#include "model/slave/paths.hpp"
#include "model/slave/state.hpp"
#include "model/slave/status_update_stream.hpp"
#include "sim/disk.hpp"

using namespace agentsim;
using namespace agentsim::model;

namespace {

const std::string kMeta = "/m";
const std::string kSlave = "S0";

void writeSlave(sim::Disk& disk) {
  (void)disk.write(paths::latestSlavePath(kMeta), kSlave);
  SlaveInfo info;
  info.id = kSlave;
  info.hostname = "agent-1";
  (void)disk.write(paths::slaveInfoPath(kMeta, kSlave), state::encode(info));
}

void writeFramework(sim::Disk& disk, const std::string& fid, bool withPid) {
  FrameworkInfo info;
  info.id = fid;
  info.checkpoint = true;
  (void)disk.write(paths::frameworkInfoPath(kMeta, kSlave, fid), state::encode(info));
  if (withPid) (void)disk.write(paths::frameworkPidPath(kMeta, kSlave, fid), "scheduler(1)@framework-1:8080");
  ExecutorInfo executor;
  executor.executor_id = "E";
  executor.framework_id = fid;
  (void)disk.write(paths::executorInfoPath(kMeta, kSlave, fid, "E"), state::encode(executor));
  (void)disk.write(paths::latestRunPath(kMeta, kSlave, fid, "E"), "C");
}

std::string updateRecord(const std::string& fid, const std::string& task) {
  StatusUpdateRecord r;
  r.update.framework_id = fid;
  r.update.slave_id = kSlave;
  r.update.executor_id = "E";
  r.update.task_id = task;
  r.update.state = TaskState::TASK_RUNNING;
  r.update.uuid = "u-" + task;
  return encodeRecord(r);
}

}  // namespace

TEST_CASE("state::recover: a missing slave.info is a warning, even with --strict: the agent's id, no info") {
  sim::Disk disk;
  writeSlave(disk);
  writeFramework(disk, "F", true);
  REQUIRE(disk.remove(paths::slaveInfoPath(kMeta, kSlave)));
  auto st = state::recover(disk, kMeta, /*strict=*/true, "boot");
  REQUIRE_FALSE(st.isError());
  REQUIRE(st->slave.has_value());
  CHECK(st->slave->id == kSlave);
  CHECK_FALSE(st->slave->info.has_value());
  CHECK(st->slave->frameworks.empty());  // SlaveState::recover returns before them
  CHECK(st->errors == 0);
}

TEST_CASE("state::recover: a framework without framework.pid has no executors recovered") {
  sim::Disk disk;
  writeSlave(disk);
  writeFramework(disk, "with-pid", true);
  writeFramework(disk, "without-pid", false);
  auto st = state::recover(disk, kMeta, true, "boot");
  REQUIRE_FALSE(st.isError());
  REQUIRE(st->slave.has_value());
  CHECK(st->slave->frameworks.at("with-pid").executors.size() == 1);
  CHECK(st->slave->frameworks.at("without-pid").executors.empty());
  CHECK(st->slave->frameworks.at("without-pid").info.has_value());
}

TEST_CASE("state::recover: libprocess.pid only after forked.pid; a task's updates only after its task.info") {
  sim::Disk disk;
  writeSlave(disk);
  writeFramework(disk, "F", true);
  (void)disk.write(paths::libprocessPidPath(kMeta, kSlave, "F", "E", "C"), "executor(1)@agent-1:5052");
  TaskInfo task;
  task.task_id = "with-info";
  (void)disk.write(paths::taskInfoPath(kMeta, kSlave, "F", "E", "C", "with-info"), state::encode(task));
  (void)disk.write(paths::taskUpdatesPath(kMeta, kSlave, "F", "E", "C", "with-info"), updateRecord("F", "with-info"));
  (void)disk.write(paths::taskUpdatesPath(kMeta, kSlave, "F", "E", "C", "no-info"), updateRecord("F", "no-info"));
  auto st = state::recover(disk, kMeta, true, "boot");
  REQUIRE_FALSE(st.isError());
  const state::RunState& run = st->slave->frameworks.at("F").executors.at("E").runs.at("C");
  CHECK_FALSE(run.forked_pid.has_value());
  CHECK_FALSE(run.libprocess_pid.has_value());  // RunState::recover returned at the missing forked.pid
  CHECK(run.tasks.at("with-info").updates.size() == 1);
  CHECK(run.tasks.at("no-info").updates.empty());
  CHECK_FALSE(run.tasks.at("no-info").info.has_value());

  (void)disk.write(paths::forkedPidPath(kMeta, kSlave, "F", "E", "C"), "4242");
  auto again = state::recover(disk, kMeta, true, "boot");
  REQUIRE_FALSE(again.isError());
  const state::RunState& run2 = again->slave->frameworks.at("F").executors.at("E").runs.at("C");
  CHECK(run2.libprocess_pid == std::optional<std::string>("executor(1)@agent-1:5052"));
}

TEST_CASE("state::recover: a malformed framework.info fails with --strict; without, it is counted and skipped") {
  // FrameworkState::recover: a file it cannot parse is an error with --strict; without, a
  // warning counted in the state's errors, and the framework is returned with no info and
  // no executors (Slave::recoverFramework then garbage collects it).
  sim::Disk disk;
  writeSlave(disk);
  writeFramework(disk, "F", true);
  (void)disk.write(paths::frameworkInfoPath(kMeta, kSlave, "F"), "not a framework info");
  auto strict = state::recover(disk, kMeta, /*strict=*/true, "boot");
  REQUIRE(strict.isError());
  CHECK(strict.error().find("malformed framework.info") != std::string::npos);
  auto lenient = state::recover(disk, kMeta, /*strict=*/false, "boot");
  REQUIRE_FALSE(lenient.isError());
  CHECK(lenient->errors == 1);
  const state::FrameworkState& f = lenient->slave->frameworks.at("F");
  CHECK_FALSE(f.info.has_value());
  CHECK(f.executors.empty());
}

TEST_CASE("state::recover: a changed boot id is a reboot; the agent's state is still read (Mesos 1.4, MESOS-6223)") {
  // 1.1's state::recover returned without the agent's state after a reboot; the model, as
  // later Mesos, reads it and marks the reboot (Slave::recover decides), but trusts no pid.
  sim::Disk disk;
  writeSlave(disk);
  writeFramework(disk, "F", true);
  (void)disk.write(paths::bootIdPath(kMeta), "boot-1");
  (void)disk.write(paths::forkedPidPath(kMeta, kSlave, "F", "E", "C"), "4242");
  auto same = state::recover(disk, kMeta, true, "boot-1");
  REQUIRE_FALSE(same.isError());
  CHECK_FALSE(same->rebooted);
  CHECK(same->slave->frameworks.at("F").executors.at("E").runs.at("C").forked_pid.has_value());
  auto rebooted = state::recover(disk, kMeta, true, "boot-2");
  REQUIRE_FALSE(rebooted.isError());
  CHECK(rebooted->rebooted);
  REQUIRE(rebooted->slave.has_value());
  CHECK(rebooted->slave->info.has_value());
  CHECK_FALSE(rebooted->slave->frameworks.at("F").executors.at("E").runs.at("C").forked_pid.has_value());
}
