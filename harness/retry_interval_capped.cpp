#include "harness/retry_interval_capped.hpp"

#include <fmt/format.h>

#include "model/slave/status_update_manager.hpp"

namespace agentsim::harness {

const RuleSubscription& RetryIntervalCapped::subscription() {
  static const RuleSubscription s{{sim::RecordKind::Log}, {"log"}, model::kStatusUpdateResendTopic};
  return s;
}

void RetryIntervalCapped::observe(const sim::Record& r) {
  const std::string interval = r.text("interval");
  if (interval.empty() || r.text("message").rfind("Resending status update", 0) != 0) return;
  ++resends_;
  const auto d = sim::parseDuration(interval);
  if (d.isError()) {
    violations_.add(fmt::format("{} re-sent {} at {} with an unreadable retry interval '{}'", r.host, r.text("uuid"),
                                sim::formatSeconds(r.at), interval),
                    &r);
    return;
  }
  if (*d > model::kStatusUpdateRetryIntervalMax || *d < model::kStatusUpdateRetryIntervalMin) {
    violations_.add(fmt::format("{} re-sent {} of task {} at {} and armed its next retry in {}, outside [10secs, "
                                "10mins]",
                                r.host, r.text("uuid"), r.text("task_id"), sim::formatSeconds(r.at), interval),
                    &r);
  }
}

InvariantResult RetryIntervalCapped::finish(sim::Time) const {
  return violations_.result(kName, fmt::format("{} status update re-send(s), each arming its next retry within "
                                               "[10secs, 10mins]",
                                               resends_));
}

}  // namespace agentsim::harness
