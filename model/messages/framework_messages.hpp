#pragma once
// The framework (scheduler) messages of the v0 scheduler driver (src/messages/
// messages.proto), with the fields the failover model uses. The FrameworkInfo they carry
// is mesos.proto's (model/common/framework_info.hpp).
#include <cstdint>
#include <string>
#include <string_view>

#include "model/common/framework_info.hpp"
#include "model/messages/messages.hpp"
#include "sim/message.hpp"
#include "sim/time.hpp"

namespace agentsim::model {

struct RegisterFrameworkMessage : sim::MessageOf<RegisterFrameworkMessage> {
  static constexpr std::string_view kName = "RegisterFrameworkMessage";
  FrameworkInfo framework;
  void describe(sim::Fields& out) const override {
    out.push_back({"name", framework.name});
    out.push_back({"failover_timeout", sim::format(framework.failover_timeout)});
  }
};

struct ReregisterFrameworkMessage : sim::MessageOf<ReregisterFrameworkMessage> {
  static constexpr std::string_view kName = "ReregisterFrameworkMessage";
  FrameworkInfo framework;
  bool failover = false;  // a new scheduler process taking over the framework
  void describe(sim::Fields& out) const override {
    out.push_back({"framework_id", framework.id});
    out.push_back({"failover", failover});
  }
};

struct FrameworkRegisteredMessage : sim::MessageOf<FrameworkRegisteredMessage> {
  static constexpr std::string_view kName = "FrameworkRegisteredMessage";
  std::string framework_id;
  MasterInfo master_info;
  void describe(sim::Fields& out) const override {
    out.push_back({"framework_id", framework_id});
    out.push_back({"master", master_info.pid});
  }
};

struct FrameworkReregisteredMessage : sim::MessageOf<FrameworkReregisteredMessage> {
  static constexpr std::string_view kName = "FrameworkReregisteredMessage";
  std::string framework_id;
  MasterInfo master_info;
  void describe(sim::Fields& out) const override {
    out.push_back({"framework_id", framework_id});
    out.push_back({"master", master_info.pid});
  }
};

// Master -> scheduler: FrameworkErrorMessage; the driver aborts and calls
// Scheduler::error (SchedulerProcess::error).
struct FrameworkErrorMessage : sim::MessageOf<FrameworkErrorMessage> {
  static constexpr std::string_view kName = "FrameworkErrorMessage";
  std::string message;
  void describe(sim::Fields& out) const override { out.push_back({"message", message}); }
};

// Scheduler -> master: the driver stops without failover (SchedulerDriver::stop(false),
// SchedulerProcess::stop): the master tears the framework down (Master::teardown).
struct UnregisterFrameworkMessage : sim::MessageOf<UnregisterFrameworkMessage> {
  static constexpr std::string_view kName = "UnregisterFrameworkMessage";
  std::string framework_id;
  void describe(sim::Fields& out) const override { out.push_back({"framework_id", framework_id}); }
};

// Master -> scheduler: the agent is gone, removed or marked unreachable
// (Master::sendSlaveLost); the driver calls Scheduler::slaveLost.
struct LostSlaveMessage : sim::MessageOf<LostSlaveMessage> {
  static constexpr std::string_view kName = "LostSlaveMessage";
  std::string slave_id;
  void describe(sim::Fields& out) const override { out.push_back({"slave_id", slave_id}); }
};

}  // namespace agentsim::model
