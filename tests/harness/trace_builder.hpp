#pragma once
// Hand-made trace records for the tests of the harness's rules and invariants
// (rules_test.cpp, invariants_test.cpp): records in the order given, seq stamped as the
// trace would, named through the model's declarations. Times are counted in a unit the
// test picks (seconds, milliseconds). Agent records are agent-1's slave(1), scheduler
// records framework-1's scheduler(1), for framework fw-0000.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model/master/contender/zookeeper.hpp"
#include "model/master/master.hpp"
#include "model/messages/task_messages.hpp"
#include "model/sched/sched.hpp"
#include "model/slave/slave.hpp"
#include "model/slave/status_update_manager.hpp"
#include "sim/trace.hpp"

namespace agentsim::harness::testing {

class TraceBuilder {
 public:
  explicit TraceBuilder(sim::Duration unit) : unit_(unit) {}

  std::vector<sim::Record> records;

  // `at` units after the start.
  sim::Time time(double at) const {
    return sim::Time{} + sim::Nanoseconds(static_cast<std::int64_t>(at * static_cast<double>(unit_.ns())));
  }

  TraceBuilder& add(sim::RecordKind kind, double at, std::string process, std::string host, std::string_view name,
                    sim::Fields fields) {
    sim::Record r;
    r.at = time(at);
    r.seq = records.size();
    r.kind = kind;
    r.process = std::move(process);
    r.host = std::move(host);
    r.name = std::string(name);
    r.fields = std::move(fields);
    records.push_back(std::move(r));
    return *this;
  }

  // The agent's Slave::State, with the state it left if given.
  TraceBuilder& agentState(double at, std::string state, std::string previous = "") {
    sim::Fields f{{"state", std::move(state)}};
    if (!previous.empty()) f.push_back({"previous", std::move(previous)});
    return add(sim::RecordKind::State, at, "slave(1)", "agent-1", model::machines::kSlave.name, std::move(f));
  }

  // A master's Master::Leadership on `host`.
  TraceBuilder& master(double at, std::string host, std::string state) {
    return add(sim::RecordKind::State, at, "master", std::move(host), model::machines::kMasterLeadership.name,
               {{"state", std::move(state)}});
  }

  // A master's contender lost its candidacy (its ZooKeeper membership was cancelled).
  TraceBuilder& lostCandidacy(double at, std::string host, std::int64_t sequence) {
    return add(sim::RecordKind::State, at, "zookeeper-master-contender(1)", std::move(host),
               model::machines::kLeaderContender.name, {{"state", "LOST"}, {"membership", sequence}});
  }

  // The status update manager's StatusUpdateStream record.
  TraceBuilder& stream(double at, std::string state, sim::Fields more) {
    more.insert(more.begin(), {"state", std::move(state)});
    return add(sim::RecordKind::State, at, "status-update-manager(1)", "agent-1",
               model::machines::kStatusUpdateStream.name, std::move(more));
  }
  TraceBuilder& received(double at, std::string uuid, std::string taskState, bool checkpoint = false,
                         std::string task = "task-1") {
    return stream(at, "RECEIVED",
                  {{"framework_id", "fw-0000"}, {"task_id", std::move(task)}, {"uuid", std::move(uuid)},
                   {"task_state", std::move(taskState)}, {"checkpoint", checkpoint}});
  }
  TraceBuilder& acknowledged(double at, std::string uuid, std::string task = "task-1") {
    return stream(at, "ACKNOWLEDGED",
                  {{"framework_id", "fw-0000"}, {"task_id", std::move(task)}, {"uuid", std::move(uuid)}});
  }
  TraceBuilder& closed(double at, std::string uuid, std::string discarded) {
    return stream(at, "CLOSED", {{"framework_id", "fw-0000"}, {"task_id", "task-1"}, {"uuid", std::move(uuid)},
                                 {"discarded", std::move(discarded)}});
  }
  TraceBuilder& recovered(double at, std::string uuid) {
    return stream(at, "RECOVERED", {{"framework_id", "fw-0000"}, {"task_id", "task-1"}, {"uuid", std::move(uuid)}});
  }

  // The agent's StatusUpdateMessage for task-1 to the master, with a reason if given.
  TraceBuilder& agentSend(double at, std::string uuid, std::string state, std::string source = "SOURCE_EXECUTOR",
                          std::string reason = "") {
    sim::Fields f{{"from", "slave(1)@agent-1:5051"}, {"to", "master@master-1:5050"}, {"framework_id", "fw-0000"},
                  {"task_id", "task-1"}, {"state", std::move(state)}, {"uuid", std::move(uuid)},
                  {"source", std::move(source)}};
    if (!reason.empty()) f.push_back({"reason", std::move(reason)});
    return add(sim::RecordKind::Send, at, "slave(1)", "agent-1", model::StatusUpdateMessage::kName, std::move(f));
  }

  // The master's relay reaching the scheduler, and what the driver made of it.
  TraceBuilder& schedulerGets(double at, std::string uuid, std::string state, std::string task = "task-1") {
    add(sim::RecordKind::Deliver, at, "scheduler(1)", "framework-1", model::StatusUpdateMessage::kName,
        {{"from", "master@master-1:5050"}, {"to", "scheduler(1)@framework-1:8080"}, {"framework_id", "fw-0000"},
         {"task_id", task}, {"state", state}, {"uuid", uuid}});
    return add(sim::RecordKind::State, at, "scheduler(1)", "framework-1", model::machines::kSchedulerStatusUpdate.name,
               {{"state", state}, {"framework_id", "fw-0000"}, {"task_id", task}, {"uuid", uuid},
                {"source", "SOURCE_EXECUTOR"}, {"reason", ""}});
  }

  // A fault record on agent-1: "kill" (of `program`), "crash", "restart".
  TraceBuilder& fault(double at, std::string name, std::string program = "(boot program)") {
    sim::Fields f;
    if (name == "kill") f.push_back({"program", std::move(program)});
    return add(sim::RecordKind::Fault, at, "", "agent-1", name, std::move(f));
  }

 private:
  sim::Duration unit_;
};

}  // namespace agentsim::harness::testing
