#include "harness/one_leader_per_view.hpp"

#include <fmt/format.h>

#include "model/master/contender/zookeeper.hpp"
#include "model/master/master.hpp"

namespace agentsim::harness {

const RuleSubscription& OneLeaderPerView::subscription() {
  static const RuleSubscription s{
      {sim::RecordKind::State, sim::RecordKind::Fault},
      {model::machines::kMasterLeadership.name, model::machines::kLeaderContender.name, "crash", "restart", "kill"}};
  return s;
}

void OneLeaderPerView::check(sim::Time now, const sim::Record* r) {
  for (auto& [host, l] : leading_) {
    if (!l.lost || now <= *l.lost || l.reported) continue;
    l.reported = true;
    std::string others;
    for (const auto& [other, o] : leading_) {
      if (other != host) others += (others.empty() ? "" : ", ") + other;
    }
    violations_.add(fmt::format("the master on {} still led at {} after its candidacy {} was cancelled at {} (its "
                                "ZooKeeper session expired){}",
                                host, sim::formatSeconds(now), l.candidacy, sim::formatSeconds(*l.lost),
                                others.empty() ? "" : fmt::format("; also leading: {}", others)),
                    r);
  }
}

void OneLeaderPerView::observe(const sim::Record& r) {
  check(r.at, &r);
  if (r.kind == sim::RecordKind::State && r.name == model::machines::kLeaderContender.name) {
    if (r.text("state") != "LOST") return;
    auto it = leading_.find(r.host);
    if (it != leading_.end() && !it->second.lost) {
      it->second.lost = r.at;
      it->second.candidacy = r.integer("membership");
    }
  } else if (r.kind == sim::RecordKind::State) {
    const std::string state = r.text("state");
    if (state == "ELECTED") {
      ++elections_;
      leading_[r.host] = Leadership{r.at, std::nullopt, 0, false};
    } else if (state == "EXITED" || state == "FOLLOWER") {
      leading_.erase(r.host);
    }
  } else if (r.kind == sim::RecordKind::Fault) {
    const std::string program = r.text("program");
    if (r.name != "kill" || program.empty() || program == "(boot program)") leading_.erase(r.host);
  }
}

InvariantResult OneLeaderPerView::finish(sim::Time end) {
  check(end, nullptr);
  return violations_.result(kName, fmt::format("{} election(s); no master led after its candidacy was cancelled",
                                               elections_));
}

}  // namespace agentsim::harness
