#pragma once
// Invariant one_leader_per_view: a master leads only within the ZooKeeper view its
// candidacy belongs to. ZooKeeper elects the contender with the lowest sequence among
// the live members of the group; a leader whose candidacy is cancelled (its session
// expired, at the server or locally in its group) is out of every later view, and Mesos's
// Master::lostCandidacy makes it exit at that instant ("Lost leadership... committing
// suicide!"). So two masters may both believe they lead only while the old one has not
// yet learned its session is gone (the split brain group.cpp bounds by the session
// timeout), never after: at most one leader per view.
// It reads the `state` records "Master::Leadership" (ELECTED opens a master's leadership,
// EXITED or FOLLOWER ends it), `fault` records crash, restart and kill of a master's host
// (they end it too), and the contender's `state` records "LeaderContender" (LOST: the
// group cancelled the candidacy `membership`). Those records are its clock: a master
// still leading after its candidacy was cancelled is reported at the time of the next
// record it reads (a leadership, contender or fault record of any host), or at the run's
// end, whichever is first. It reads no `log` record, so a run checked by it alone builds
// none.
#include <map>
#include <optional>
#include <string>

#include "harness/rule.hpp"

namespace agentsim::harness {

class OneLeaderPerView {
 public:
  static constexpr std::string_view kName = "one_leader_per_view";
  static const RuleSubscription& subscription();
  void observe(const sim::Record& r);
  InvariantResult finish(sim::Time end);

 private:
  struct Leadership {
    sim::Time elected;
    std::optional<sim::Time> lost;  // when its candidacy was cancelled
    std::int64_t candidacy = 0;
    bool reported = false;
  };
  // A leader that outlived its candidacy, as of `now`.
  void check(sim::Time now, const sim::Record* r);

  std::map<std::string, Leadership> leading_;  // master host -> its leadership, while it leads
  std::size_t elections_ = 0;
  RuleViolations violations_;
};

}  // namespace agentsim::harness
