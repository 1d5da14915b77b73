#pragma once
// Invariant retry_interval_capped: each time an agent's status update manager re-sends
// the head of a stream it arms the next retry at twice the interval of the timer that
// fired, capped at STATUS_UPDATE_RETRY_INTERVAL_MAX (10mins) and never below
// STATUS_UPDATE_RETRY_INTERVAL_MIN (10secs) (src/slave/status_update_manager.cpp,
// StatusUpdateManagerProcess::timeout: `Duration duration_ = std::min(duration * 2,
// STATUS_UPDATE_RETRY_INTERVAL_MAX)`). retried_until_acknowledged sees an uncapped
// interval only once a gap of more than 10mins has passed (about 21mins without an
// acknowledgement); this rule sees it when the timer is armed, about 10.5mins in.
// It reads the manager's "Resending status update" log records (their `interval` field:
// the interval of the retry the re-send arms), emitted with model::kStatusUpdateResendTopic.
#include <string>

#include "harness/rule.hpp"

namespace agentsim::harness {

class RetryIntervalCapped {
 public:
  static constexpr std::string_view kName = "retry_interval_capped";
  static const RuleSubscription& subscription();
  void observe(const sim::Record& r);
  InvariantResult finish(sim::Time end) const;

 private:
  std::size_t resends_ = 0;
  RuleViolations violations_;
};

}  // namespace agentsim::harness
