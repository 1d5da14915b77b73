#include "model/master/contender/zookeeper.hpp"

#include <fmt/format.h>

#include "model/master/detector/detector.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

ZooKeeperMasterContender::ZooKeeperMasterContender(GroupProcess& group)
    : sim::Process(sim::ProcessName::generated("zookeeper-master-contender")), group_(group) {}

void ZooKeeperMasterContender::initializeWith(MasterInfo info) {
  dispatch("ZooKeeperMasterContenderProcess::initialize", [this, info = std::move(info)] { info_ = info; });
}

// One answer for two callers, as two callbacks on one future.
Reply<sim::Try<sim::Nothing>> ZooKeeperMasterContender::both(Reply<sim::Try<sim::Nothing>> a,
                                                            Reply<sim::Try<sim::Nothing>> b) {
  return {self(), "ZooKeeperMasterContenderProcess::contend", [this, a, b](const sim::Try<sim::Nothing>& v) {
            a(sim(), v);
            b(sim(), v);
          }};
}

void ZooKeeperMasterContender::contend(Reply<sim::Try<sim::Nothing>> contended, Reply<sim::Try<sim::Nothing>> lost) {
  dispatch("ZooKeeperMasterContenderProcess::contend", [this, contended, lost] {
    if (!info_) {
      contended(sim(), sim::Error{"Initialize the contender first"});
      return;
    }
    if (contending_) {
      // Should not recontend while the last election is still ongoing: the caller gets
      // the same candidacy as the first one (Mesos returns the pending future again).
      contended_ = both(contended_, contended);
      lost_ = both(lost_, lost);
      return;
    }
    if (candidacy_) {
      log("Withdrawing the previous membership before recontending");
      group_.cancel(*candidacy_, Reply<sim::Try<bool>>{});  // LeaderContenderProcess::withdraw
      candidacy_.reset();
    }
    contended_ = contended;
    lost_ = lost;
    contending_ = true;
    lost_fired_ = false;
    traceState(machines::kLeaderContender, "CONTENDING");
    log("Joining the ZK group");
    group_.join(masterInfoToJson(*info_), std::string(kMasterInfoJsonLabel),
                Reply<sim::Try<Membership>>{self(), "LeaderContenderProcess::joined",
                                            [this](const sim::Try<Membership>& m) { joined(m); }});
  });
}

void ZooKeeperMasterContender::withdraw(Reply<sim::Try<bool>> done) {
  dispatch("LeaderContenderProcess::withdraw", [this, done] {
    if (contending_) {
      withdrawing_ = done;  // answered once the join completes
      return;
    }
    if (!candidacy_ || lost_fired_) {
      log("Not contending: nothing to withdraw");
      done(sim(), false);
      return;
    }
    const Membership m = *candidacy_;
    candidacy_.reset();
    log(fmt::format("Withdrawing the candidacy (id='{}')", m.id()));
    traceState(machines::kLeaderContender, "WITHDRAWN", {{"membership", static_cast<std::int64_t>(m.id())}});
    group_.cancel(m, done);
  });
}

void ZooKeeperMasterContender::joined(const sim::Try<Membership>& membership) {
  contending_ = false;
  if (membership.isError()) {
    traceState(machines::kLeaderContender, "FAILED", {{"error", membership.error()}});
    contended_(sim(), sim::Error{"Failed to contend: " + membership.error()});
    if (withdrawing_) (*withdrawing_)(sim(), false);
    withdrawing_.reset();
    return;
  }
  if (withdrawing_) {
    // withdraw() during the contention: cancel what the join created.
    log(fmt::format("Withdrawing the candidacy (id='{}') entered during a withdraw", membership->id()));
    contended_(sim(), sim::Nothing{});
    traceState(machines::kLeaderContender, "WITHDRAWN", {{"membership", static_cast<std::int64_t>(membership->id())}});
    group_.cancel(membership.get(), *withdrawing_);
    withdrawing_.reset();
    return;
  }
  candidacy_ = membership.get();
  log(fmt::format("New candidate (id='{}') has entered the contest for leadership", membership->id()),
      {{"znode", group_.znode() + "/" + zkBasename(membership.get())}});
  traceState(machines::kLeaderContender, "CANDIDATE",
             {{"membership", static_cast<std::int64_t>(membership->id())},
              {"znode", group_.znode() + "/" + zkBasename(membership.get())}});
  contended_(sim(), sim::Nothing{});
  // Keep watching that the membership is not removed.
  const std::int32_t id = membership->id();
  group_.cancelled(membership.get(),
                   Reply<sim::Try<bool>>{self(), "LeaderContenderProcess::cancelled", [this, id](const sim::Try<bool>& r) {
                     if (candidacy_ && candidacy_->id() == id) cancelled(r);
                   }});
}

void ZooKeeperMasterContender::cancelled(const sim::Try<bool>& result) {
  if (!candidacy_) return;
  log(fmt::format("Membership cancelled: {}", candidacy_->id()),
      {{"lost_candidacy", static_cast<std::int64_t>(candidacy_->id())}});
  lost_fired_ = true;
  traceState(machines::kLeaderContender, "LOST", {{"membership", static_cast<std::int64_t>(candidacy_->id())}});
  if (result.isError()) {
    lost_(sim(), sim::Error{result.error()});
  } else {
    lost_(sim(), sim::Nothing{});
  }
}

}  // namespace agentsim::model
