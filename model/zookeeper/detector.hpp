#pragma once
// LeaderDetectorProcess (src/zookeeper/detector.cpp): process
// zookeeper-leader-detector(N). It watches a group and runs an "election" on every
// change: the leader is the membership with the smallest sequence number, whatever its
// label. detect(previous) answers once the leader differs from `previous` (None when
// the group is empty); a failed watch puts it in an error state in which every detect()
// fails.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/zookeeper/group.hpp"
#include "model/common/reply.hpp"
#include "sim/process.hpp"

namespace agentsim::model {

class LeaderDetectorProcess final : public sim::Process {
 public:
  explicit LeaderDetectorProcess(GroupProcess& group);
  std::string_view source() const override { return "src/zookeeper/detector.cpp"; }
  std::string_view className() const override { return "LeaderDetectorProcess"; }

  void detect(std::optional<Membership> previous, Reply<sim::Try<std::optional<Membership>>> done);

 protected:
  void initialize() override;

 private:
  void watch(const std::set<Membership>& expected);
  void watched(const sim::Try<std::set<Membership>>& memberships);

  GroupProcess& group_;
  std::optional<Membership> leader_;
  std::vector<Reply<sim::Try<std::optional<Membership>>>> promises_;
  std::optional<std::string> error_;
};

}  // namespace agentsim::model
