#include <doctest/doctest.h>

#include <vector>

#include "model/slave/status_update_manager.hpp"
#include "sim/simulation.hpp"

using namespace agentsim;
using model::StatusUpdate;
using model::StatusUpdateManager;
using model::TaskState;

namespace {

// Stands in for the Slave: records what the manager forwards, and when.
class FakeSlave final : public sim::Process {
 public:
  FakeSlave() : sim::Process(sim::ProcessName::generated("slave")) {}
  std::vector<std::pair<sim::Time, StatusUpdate>> forwarded;
  std::vector<std::string> results;
};

struct Fixture {
  Fixture() : sim(1) {
    sim::Host& h = sim.addHost("agent-1", 5051);
    slave = &sim.spawn<FakeSlave>(h);
    manager = &sim.spawn<StatusUpdateManager>(h);
    manager->wire(*slave, [this](const StatusUpdate& u) { slave->forwarded.emplace_back(sim.now(), u); });
    sim.settle();
  }

  void update(std::string task, std::string uuid, TaskState state, std::optional<std::string> path = std::nullopt) {
    StatusUpdate u;
    u.framework_id = "fw-1";
    u.task_id = std::move(task);
    u.uuid = std::move(uuid);
    u.state = state;
    sim.at(sim.now(), "update", [this, u, path] {
      manager->update(u, path, *slave, [this](const sim::Try<sim::Nothing>& r) {
        slave->results.push_back(r.isError() ? r.error() : "ok");
      });
    });
    sim.settle();
  }

  void ack(std::string task, std::string uuid) {
    sim.at(sim.now(), "ack", [this, task, uuid] {
      manager->acknowledgement(task, "fw-1", uuid, *slave, [this](const sim::Try<bool>& r) {
        slave->results.push_back(r.isError() ? r.error() : (*r ? "true" : "false"));
      });
    });
    sim.settle();
  }

  std::vector<std::int64_t> forwardSeconds() const {
    std::vector<std::int64_t> out;
    for (const auto& [t, u] : slave->forwarded) out.push_back(t.ns() / 1'000'000'000);
    return out;
  }

  sim::Simulation sim;
  FakeSlave* slave = nullptr;
  StatusUpdateManager* manager = nullptr;
};

}  // namespace

TEST_CASE("an unacknowledged update is re-sent at +10, +30, +70, +150, +310, +630secs, then every 600secs") {
  Fixture f;
  f.update("t1", "u1", TaskState::TASK_RUNNING);
  f.sim.runUntil(sim::Time{} + sim::Seconds(2000));
  CHECK(f.forwardSeconds() == std::vector<std::int64_t>{0, 10, 30, 70, 150, 310, 630, 1230, 1830});
  for (const auto& [t, u] : f.slave->forwarded) CHECK(u.uuid == "u1");
}

TEST_CASE("only the head is forwarded; an ack forwards the next at once with a fresh 10secs") {
  Fixture f;
  f.update("t1", "u1", TaskState::TASK_RUNNING);
  f.update("t1", "u2", TaskState::TASK_FINISHED);
  CHECK(f.slave->forwarded.size() == 1);
  f.sim.runUntil(sim::Time{} + sim::Seconds(35));  // retries at 10 and 30
  CHECK(f.forwardSeconds() == std::vector<std::int64_t>{0, 10, 30});
  f.ack("t1", "u1");
  REQUIRE(f.slave->forwarded.size() == 4);
  CHECK(f.slave->forwarded[3].second.uuid == "u2");
  CHECK(f.slave->results.back() == "true");
  f.sim.runUntil(sim::Time{} + sim::Seconds(46));
  CHECK(f.forwardSeconds() == std::vector<std::int64_t>{0, 10, 30, 35, 45});
}

TEST_CASE("acknowledging a terminal update closes the stream and discards what is behind it") {
  Fixture f;
  f.update("t1", "u1", TaskState::TASK_FINISHED);
  f.update("t1", "u2", TaskState::TASK_KILLED);
  f.ack("t1", "u1");
  CHECK(f.slave->results.back() == "false");
  CHECK(f.manager->streamCount() == 0);
  f.sim.runUntil(sim::Time{} + sim::Minutes(30));
  CHECK(f.slave->forwarded.size() == 1);  // u2 was never sent; no retries of u1
  // A later update for the task opens a new stream (conformance C05).
  f.update("t1", "u3", TaskState::TASK_KILLED);
  CHECK(f.slave->forwarded.back().second.uuid == "u3");
}

TEST_CASE("duplicate, unexpected and unknown acknowledgements change nothing") {
  Fixture f;
  f.ack("t1", "u1");
  CHECK(f.slave->results.back() == "Cannot find the status update stream for task t1 of framework fw-1");
  f.update("t1", "u1", TaskState::TASK_RUNNING);
  f.ack("t1", "random-uuid");
  CHECK(f.slave->results.back() == "Duplicate acknowledgement");
  // The update stays pending and is retried (conformance C04).
  f.sim.runUntil(sim::Time{} + sim::Seconds(11));
  CHECK(f.forwardSeconds() == std::vector<std::int64_t>{0, 10});
  f.ack("t1", "u1");
  CHECK(f.slave->results.back() == "true");
  f.ack("t1", "u1");
  CHECK(f.slave->results.back() == "Unexpected status update acknowledgment (UUID: u1) for task t1 of framework fw-1");
}

TEST_CASE("paused: nothing is forwarded and timers do nothing; resume re-sends every head with 10secs") {
  Fixture f;
  f.update("t1", "u1", TaskState::TASK_RUNNING);
  f.sim.at(f.sim.now(), "pause", [&] { f.manager->pause(); });
  f.sim.settle();
  f.update("t2", "v1", TaskState::TASK_RUNNING);
  f.sim.runUntil(sim::Time{} + sim::Seconds(100));
  CHECK(f.forwardSeconds() == std::vector<std::int64_t>{0});
  f.sim.at(f.sim.now(), "resume", [&] { f.manager->resume(); });
  f.sim.settle();
  CHECK(f.forwardSeconds() == std::vector<std::int64_t>{0, 100, 100});
  f.sim.runUntil(sim::Time{} + sim::Seconds(111));
  CHECK(f.forwardSeconds() == std::vector<std::int64_t>{0, 100, 100, 110, 110});
}

TEST_CASE("checkpointed updates survive a crash once synced and are replayed by recover") {
  Fixture f;
  const std::string path = "/var/lib/mesos/meta/slaves/S0/frameworks/fw-1/executors/e/runs/c/tasks/t1/task.updates";
  f.update("t1", "u1", TaskState::TASK_RUNNING, path);
  f.update("t1", "u2", TaskState::TASK_FINISHED, path);
  f.ack("t1", "u1");
  f.update("t2", "v1", TaskState::TASK_RUNNING);
  CHECK(f.slave->results[1] == "ok");
  f.update("t1", "u3", TaskState::TASK_FAILED);  // no path: a mismatch with the stream
  CHECK(f.slave->results.back() == "Mismatched checkpoint value for status update TASK_FAILED (UUID: u3) for task t1 of "
                                   "framework fw-1 (expected checkpoint=true actual checkpoint=false)");

  sim::Host& h = *f.sim.host("agent-1");
  h.disk().sync();
  auto records = model::decodeRecords(*h.disk().read(path));
  REQUIRE(records->size() == 3);
  f.sim.crash(h);
  h.startup = [](sim::Host&) {};
  f.sim.restart(h);
  auto& slave = f.sim.spawn<FakeSlave>(h);
  auto& manager = f.sim.spawn<StatusUpdateManager>(h);
  manager.wire(slave, [&](const StatusUpdate& u) { slave.forwarded.emplace_back(f.sim.now(), u); });
  f.sim.settle();
  f.sim.at(f.sim.now(), "recover", [&] { manager.recover("fw-1", "t1", path, *records); });
  f.sim.settle();
  CHECK(slave.forwarded.empty());  // nothing is sent during recovery
  f.sim.at(f.sim.now(), "resume", [&] { manager.resume(); });
  f.sim.settle();
  REQUIRE(slave.forwarded.size() == 1);
  CHECK(slave.forwarded[0].second.uuid == "u2");
  CHECK(manager.streamCount() == 1);  // t2 did not checkpoint: lost with the restart
}

TEST_CASE("cleanup forgets a framework's streams") {
  Fixture f;
  f.update("t1", "u1", TaskState::TASK_RUNNING);
  f.sim.at(f.sim.now(), "cleanup", [&] { f.manager->cleanup("fw-1"); });
  f.sim.settle();
  CHECK(f.manager->streamCount() == 0);
  f.sim.runUntil(sim::Time{} + sim::Minutes(5));
  CHECK(f.slave->forwarded.size() == 1);
}
