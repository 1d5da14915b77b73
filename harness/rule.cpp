#include "harness/rule.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace agentsim::harness {

bool RuleSubscription::wants(const sim::Record& r) const {
  return std::find(kinds.begin(), kinds.end(), r.kind) != kinds.end() &&
         std::find(names.begin(), names.end(), r.name) != names.end();
}

void RuleViolations::add(std::string what, const sim::Record* record) {
  ++count_;
  if (shown_.size() >= 3) return;
  shown_.push_back(std::move(what));
  if (record != nullptr) seqs_.push_back(record->seq);
}

InvariantResult RuleViolations::result(std::string_view name, std::string heldEvidence) const {
  if (count_ == 0) return InvariantResult{std::string(name), true, std::move(heldEvidence)};
  std::string evidence = fmt::format("{} violation{}: {}", count_, count_ == 1 ? "" : "s", fmt::join(shown_, "; "));
  if (count_ > shown_.size()) evidence += fmt::format("; ... ({} more)", count_ - shown_.size());
  return InvariantResult{std::string(name), false, std::move(evidence), seqs_};
}

}  // namespace agentsim::harness
