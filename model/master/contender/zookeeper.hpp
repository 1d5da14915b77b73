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
// (never contended, the join failed, or the candidacy was already lost with the
// session); a second withdraw() gets the first one's answer. A candidacy withdrawn while
// it was being entered never answers contend(), and the contender then never contends
// again (LeaderContenderProcess::joined leaves its future unset, so
// ZooKeeperMasterContenderProcess::contend keeps returning it).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
  void joined(std::uint64_t generation, const sim::Try<Membership>& membership);
  void cancelCandidacy();
  void cancelled(std::uint64_t generation, const sim::Try<bool>& result);
  void answerWithdraw(const sim::Try<bool>& result);
  Reply<sim::Try<sim::Nothing>> both(Reply<sim::Try<sim::Nothing>> a, Reply<sim::Try<sim::Nothing>> b);

  GroupProcess& group_;
  std::optional<MasterInfo> info_;
  // ZooKeeperMasterContenderProcess's `candidacy`: contend()'s future is pending (a join
  // in flight, or one that completed after a withdraw(), whose future Mesos never sets).
  bool pending_ = false;
  // The current LeaderContenderProcess (one per contend(); a new one replaces it).
  std::uint64_t generation_ = 0;      // 0: none yet (never contended)
  bool joining_ = false;              // its group join is in flight
  std::optional<Membership> candidacy_;  // the membership its join obtained
  bool watching_ = false;             // joined() handed out the lost-candidacy future
  bool lost_fired_ = false;           // ... and it is set
  bool withdrawing_ = false;          // withdraw() was called (Mesos's `withdrawing` is Some)
  std::optional<sim::Try<bool>> withdrawn_;        // its result, once set
  std::vector<Reply<sim::Try<bool>>> withdraw_waiters_;  // withdraw() callers waiting for it
  Reply<sim::Try<sim::Nothing>> contended_;
  Reply<sim::Try<sim::Nothing>> lost_;
};

}  // namespace agentsim::model
