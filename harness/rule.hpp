#pragma once
// What a streaming rule (an invariant written as an observer) shares: the records it
// declares it reads, and how it collects violations. A rule is a class with
//   static const RuleSubscription& subscription();
//   void observe(const sim::Record& r);        // each record it subscribes to, in trace order
//   InvariantResult finish(sim::Time end);     // once, when the run stopped at `end`
// It must give the same verdict whether it sees every record or only those it subscribes
// to. harness/invariants.cpp registers each through runRule().
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/invariants.hpp"
#include "sim/trace.hpp"

namespace agentsim::harness {

struct RuleSubscription {
  std::vector<sim::RecordKind> kinds;
  std::vector<std::string_view> names;  // record names (message, state machine, fault, "log")
  // When set, a live run builds only the records emitted with this topic for the rule
  // (sim::Interest::topic); over a saved trace the rule still tells its own from the fields.
  std::string_view topic = {};
  bool wants(const sim::Record& r) const;
};

// The first few violations of a rule, and how many there were.
class RuleViolations {
 public:
  void add(std::string what, const sim::Record* record = nullptr);
  std::size_t count() const { return count_; }
  InvariantResult result(std::string_view name, std::string heldEvidence) const;

 private:
  std::size_t count_ = 0;
  std::vector<std::string> shown_;
  std::vector<std::uint64_t> seqs_;
};

// Runs a rule over a whole trace: the adapter the invariants() table uses.
template <typename Rule>
InvariantResult runRule(const std::vector<sim::Record>& records, sim::Time end) {
  Rule rule;
  const RuleSubscription& sub = Rule::subscription();
  for (const sim::Record& r : records) {
    if (sub.wants(r)) rule.observe(r);
  }
  return rule.finish(end);
}

}  // namespace agentsim::harness
