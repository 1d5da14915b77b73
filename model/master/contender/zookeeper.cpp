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
  // ZooKeeperMasterContenderProcess::contend.
  dispatch("ZooKeeperMasterContenderProcess::contend", [this, contended, lost] {
    if (!info_) {
      contended(sim(), sim::Error{"Initialize the contender first"});
      return;
    }
    if (pending_) {
      // Should not recontend while the last election is still ongoing: the caller gets
      // the same candidacy as the first one (Mesos returns the pending future again).
      contended_ = both(contended_, contended);
      lost_ = both(lost_, lost);
      return;
    }
    if (generation_ != 0) {
      // `delete contender`: LeaderContenderProcess::finalize cancels the membership it
      // obtained (nobody waits for the result), or, with none, answers a pending
      // withdraw() false; the destructor discards the rest (its waiters get no answer).
      log("Withdrawing the previous membership before recontending");
      if (candidacy_) {
        group_.cancel(*candidacy_, Reply<sim::Try<bool>>{});
      } else if (withdrawing_ && !withdrawn_) {
        answerWithdraw(false);
      }
      // ~LeaderContenderProcess: the `cancelled` continuation never runs (the process is
      // gone), and the destructor discards the promises still unset, whose callbacks then
      // run with a discarded future: `watching`, the candidacy obtained and not lost (the
      // master's Master::lostCandidacy, which CHECKs it is not discarded), and
      // `withdrawing`, a withdraw() of that candidacy not answered yet.
      if (watching_ && !lost_fired_) {
        lost_fired_ = true;
        if (candidacy_) log(fmt::format("Discarding the lost-candidacy future of membership {}", candidacy_->id()));
        lost_(sim(), discarded<sim::Nothing>());
      }
      if (withdrawing_ && !withdrawn_) answerWithdraw(discarded<bool>());
    }
    // A new LeaderContenderProcess; LeaderContenderProcess::contend.
    ++generation_;
    joining_ = true;
    candidacy_.reset();
    watching_ = false;
    lost_fired_ = false;
    withdrawing_ = false;
    withdrawn_.reset();
    withdraw_waiters_.clear();
    pending_ = true;
    contended_ = contended;
    lost_ = lost;
    traceState(machines::kLeaderContender, "CONTENDING");
    log("Joining the ZK group");
    const std::uint64_t generation = generation_;
    group_.join(masterInfoToJson(*info_), std::string(kMasterInfoJsonLabel),
                Reply<sim::Try<Membership>>{self(), "LeaderContenderProcess::joined",
                                            [this, generation](const sim::Try<Membership>& m) { joined(generation, m); }});
  });
}

void ZooKeeperMasterContender::withdraw(Reply<sim::Try<bool>> done) {
  // LeaderContenderProcess::withdraw.
  dispatch("LeaderContenderProcess::withdraw", [this, done] {
    if (generation_ == 0) {
      log("Not contending: nothing to withdraw");
      done(sim(), false);
      return;
    }
    if (withdrawing_) {
      // Repeated calls to withdraw get the same result (one never set after a failed
      // join: those callers wait for ever, as Mesos's).
      if (withdrawn_) {
        done(sim(), *withdrawn_);
      } else {
        withdraw_waiters_.push_back(done);
      }
      return;
    }
    withdrawing_ = true;
    if (joining_) {
      log("Withdraw requested before the candidacy is obtained; will withdraw after it happens");
      withdraw_waiters_.push_back(done);
      return;
    }
    if (candidacy_) {
      withdraw_waiters_.push_back(done);
      cancelCandidacy();
      return;
    }
    // The join failed: nothing to cancel (Mesos leaves its `withdrawing` unset).
    done(sim(), false);
  });
}

void ZooKeeperMasterContender::cancelCandidacy() {
  // LeaderContenderProcess::cancel: the group cancels the membership (false, with no ZooKeeper
  // operation, for one already lost with the session); LeaderContenderProcess::cancelled
  // answers withdraw() and ends the candidacy.
  if (!candidacy_) {
    answerWithdraw(false);
    return;
  }
  log(fmt::format("Now cancelling the membership: {}", candidacy_->id()));
  if (!lost_fired_) {
    traceState(machines::kLeaderContender, "WITHDRAWN", {{"membership", static_cast<std::int64_t>(candidacy_->id())}});
  }
  const std::uint64_t generation = generation_;
  group_.cancel(*candidacy_, Reply<sim::Try<bool>>{self(), "LeaderContenderProcess::cancelled",
                                                   [this, generation](const sim::Try<bool>& r) { cancelled(generation, r); }});
}

void ZooKeeperMasterContender::answerWithdraw(const sim::Try<bool>& result) {
  withdrawn_ = result;
  auto waiters = std::move(withdraw_waiters_);
  withdraw_waiters_.clear();
  for (const auto& w : waiters) w(sim(), result);
}

void ZooKeeperMasterContender::joined(std::uint64_t generation, const sim::Try<Membership>& membership) {
  // LeaderContenderProcess::joined (then its cancel(), if withdraw() was called meanwhile).
  if (generation != generation_) return;
  joining_ = false;
  if (membership.isError()) {
    pending_ = false;
    traceState(machines::kLeaderContender, "FAILED", {{"error", membership.error()}});
    contended_(sim(), sim::Error{"Failed to contend: " + membership.error()});
    if (withdrawing_) answerWithdraw(false);
    return;
  }
  candidacy_ = membership.get();
  if (withdrawing_) {
    // Joined after the contender started withdrawing: contend()'s future is never set
    // (so this contender never contends again), and the membership is cancelled.
    log("Joined group after the contender started withdrawing");
    cancelCandidacy();
    return;
  }
  pending_ = false;
  watching_ = true;
  log(fmt::format("New candidate (id='{}') has entered the contest for leadership", membership->id()),
      {{"znode", group_.znode() + "/" + zkBasename(membership.get())}});
  traceState(machines::kLeaderContender, "CANDIDATE",
             {{"membership", static_cast<std::int64_t>(membership->id())},
              {"znode", group_.znode() + "/" + zkBasename(membership.get())}});
  contended_(sim(), sim::Nothing{});
  // Keep watching that the membership is not removed.
  group_.cancelled(membership.get(), Reply<sim::Try<bool>>{self(), "LeaderContenderProcess::cancelled",
                                                           [this, generation](const sim::Try<bool>& r) {
                                                             cancelled(generation, r);
                                                           }});
}

void ZooKeeperMasterContender::cancelled(std::uint64_t generation, const sim::Try<bool>& result) {
  // LeaderContenderProcess::cancelled: called by withdraw()'s cancel and by the
  // membership's own end (session expired, znode deleted); each promise is set once.
  if (generation != generation_ || !candidacy_) return;
  log(fmt::format("Membership cancelled: {}", candidacy_->id()),
      {{"lost_candidacy", static_cast<std::int64_t>(candidacy_->id())}});
  if (withdrawing_ && !withdrawn_) answerWithdraw(result);
  if (!watching_ || lost_fired_) return;
  lost_fired_ = true;
  traceState(machines::kLeaderContender, "LOST", {{"membership", static_cast<std::int64_t>(candidacy_->id())}});
  if (result.isError()) {
    lost_(sim(), sim::Error{result.error()});
  } else {
    lost_(sim(), sim::Nothing{});
  }
}

}  // namespace agentsim::model
