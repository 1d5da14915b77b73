#include "model/zookeeper/detector.hpp"

#include <fmt/format.h>

#include "sim/simulation.hpp"

namespace agentsim::model {

LeaderDetectorProcess::LeaderDetectorProcess(GroupProcess& group)
    : sim::Process(sim::ProcessName::generated("zookeeper-leader-detector")), group_(group) {}

void LeaderDetectorProcess::initialize() { watch({}); }

void LeaderDetectorProcess::detect(std::optional<Membership> previous,
                                   Reply<sim::Try<std::optional<Membership>>> done) {
  dispatch("LeaderDetectorProcess::detect", [this, previous, done] {
    if (error_) {
      done(sim(), sim::Error{*error_});
      return;
    }
    if (leader_ != previous) {
      done(sim(), leader_);
      return;
    }
    promises_.push_back(done);  // wait for the next election result
  });
}

void LeaderDetectorProcess::watch(const std::set<Membership>& expected) {
  group_.watch(expected, Reply<sim::Try<std::set<Membership>>>{
                             self(), "LeaderDetectorProcess::watched",
                             [this](const sim::Try<std::set<Membership>>& m) { watched(m); }});
}

void LeaderDetectorProcess::watched(const sim::Try<std::set<Membership>>& memberships) {
  if (memberships.isError()) {
    log("Failed to watch memberships: " + memberships.error());
    error_ = memberships.error();
    leader_.reset();
    auto promises = std::move(promises_);
    promises_.clear();
    for (const auto& p : promises) p(sim(), sim::Error{memberships.error()});
    return;
  }
  if (leader_ && memberships->count(*leader_) == 0) {
    log(fmt::format("The current leader (id={}) is lost", leader_->id()));
  }
  // The leader is the oldest member: the smallest sequence number.
  std::optional<Membership> current;
  if (!memberships->empty()) current = *memberships->begin();
  if (current != leader_) {
    log(fmt::format("Detected a new leader: {}", current ? fmt::format("(id='{}')", current->id()) : "None"));
    auto promises = std::move(promises_);
    promises_.clear();
    for (const auto& p : promises) p(sim(), current);
  }
  leader_ = current;
  watch(memberships.get());
}

}  // namespace agentsim::model
