#pragma once
// ZooKeeperMasterContender (src/master/contender/zookeeper.cpp, with
// LeaderContender of src/zookeeper/contender.cpp folded in): process
// zookeeper-master-contender(N) over its own group (10secs session,
// MASTER_CONTENDER_ZK_SESSION_TIMEOUT). contend() joins the group with a `json.info_`
// ephemeral sequential znode holding the master's MasterInfo as JSON; `contended`
// answers once the candidacy is entered (or failed); `lost` answers when the
// candidacy ends: the membership was cancelled or lost with the session. A second
// contend() while the election is pending answers its caller with that same candidacy;
// one after it first withdraws the previous membership. withdraw() answers true when it
// cancelled a candidacy (also one still being entered), false when there was none
// (never contended, or already lost with the session).
#include <optional>
#include <string>

#include "model/zookeeper/group.hpp"
#include "model/messages/messages.hpp"
#include "model/common/reply.hpp"
#include "sim/process.hpp"
#include "sim/state_machine.hpp"

namespace agentsim::model {

// The candidacy, as contend()'s and withdraw()'s futures tell it (LeaderContenderProcess,
// src/zookeeper/contender.cpp): CONTENDING while the join is in flight; CANDIDATE once
// the membership is entered (`contended` ready); FAILED when the join failed (`contended`
// failed: a non-retryable ZooKeeper error); LOST when the membership was cancelled or lost
// with the session (the `lost` future ready); WITHDRAWN when withdraw() cancelled it.
namespace machines {
inline constexpr std::string_view kLeaderContenderStates[]{"CONTENDING", "CANDIDATE", "FAILED", "LOST", "WITHDRAWN"};
inline constexpr sim::StateMachine kLeaderContender{"LeaderContender", kLeaderContenderStates};
}  // namespace machines

// MASTER_CONTENDER_ZK_SESSION_TIMEOUT (src/master/contender/zookeeper.cpp).
inline constexpr sim::Duration kMasterContenderZkSessionTimeout = sim::Seconds(10);
// MASTER_INFO_JSON_LABEL (src/master/constants.hpp).
inline constexpr std::string_view kMasterInfoJsonLabel = "json.info";

class ZooKeeperMasterContender final : public sim::Process {
 public:
  explicit ZooKeeperMasterContender(GroupProcess& group);
  std::string_view source() const override { return "src/master/contender/zookeeper.cpp"; }
  std::string_view className() const override { return "ZooKeeperMasterContenderProcess"; }

  // MasterContender::initialize(MasterInfo).
  void initializeWith(MasterInfo info);
  void contend(Reply<sim::Try<sim::Nothing>> contended, Reply<sim::Try<sim::Nothing>> lost);
  // LeaderContender::withdraw.
  void withdraw(Reply<sim::Try<bool>> done);

 private:
  void joined(const sim::Try<Membership>& membership);
  void cancelled(const sim::Try<bool>& result);
  Reply<sim::Try<sim::Nothing>> both(Reply<sim::Try<sim::Nothing>> a, Reply<sim::Try<sim::Nothing>> b);

  GroupProcess& group_;
  std::optional<MasterInfo> info_;
  std::optional<Membership> candidacy_;
  bool contending_ = false;  // a join is in flight
  bool lost_fired_ = false;  // the candidacy ended on its own
  std::optional<Reply<sim::Try<bool>>> withdrawing_;  // a withdraw() waiting for the join
  Reply<sim::Try<sim::Nothing>> contended_;
  Reply<sim::Try<sim::Nothing>> lost_;
};

}  // namespace agentsim::model
