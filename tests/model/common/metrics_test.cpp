// Metrics (model/common/metrics.hpp): a key written as a literal is hashed when compiled
// (MetricKey's consteval constructor), a key built at run time when the call is made; both
// must find the same counter, or an increment would start a second one at 0.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "model/common/metrics.hpp"
#include "sim/simulation.hpp"

using namespace agentsim;
using model::MetricKey;
using model::Metrics;

namespace {

class Owner final : public sim::Process {
 public:
  Owner() : sim::Process(sim::ProcessName::fixed("owner")) {}
  Metrics metrics{*this};
};

// The `metric` records' values for `key`, in order.
std::vector<std::int64_t> recorded(const sim::MemorySink& trace, const std::string& key) {
  std::vector<std::int64_t> out;
  for (const auto& r : trace.records()) {
    if (r.kind == sim::RecordKind::Log && r.name == "metric" && r.text("metric") == key) {
      out.push_back(r.integer("value"));
    }
  }
  return out;
}

}  // namespace

static_assert(MetricKey("slave/tasks_lost").hash() == MetricKey::hashOf("slave/tasks_lost"));
static_assert(MetricKey("slave/tasks_lost").text() == "slave/tasks_lost");

TEST_CASE("a literal key and the same key built at run time are one counter") {
  sim::Simulation sim(1);
  sim::MemorySink trace;
  sim.trace().addSink(&trace);
  Owner& owner = sim.spawn<Owner>(sim.addHost("agent-1", 5051));
  const std::string built = std::string("slave/") + "tasks_lost";
  CHECK(MetricKey(built).hash() == MetricKey("slave/tasks_lost").hash());
  owner.metrics.increment("slave/tasks_lost");
  owner.metrics.increment(MetricKey(built));
  owner.metrics.increment("slave/tasks_lost");
  CHECK(owner.metrics.value("slave/tasks_lost") == 3);
  CHECK(owner.metrics.value(MetricKey(built)) == 3);
  CHECK(recorded(trace, "slave/tasks_lost") == std::vector<std::int64_t>{1, 2, 3});
  // A gauge set by a run-time key and read by a literal one; a set to the same value
  // records nothing; an unknown key reads 0.
  owner.metrics.set(MetricKey(std::string("gc/path_removals_pending")), 4);
  owner.metrics.set("gc/path_removals_pending", 4);
  CHECK(owner.metrics.value("gc/path_removals_pending") == 4);
  CHECK(recorded(trace, "gc/path_removals_pending") == std::vector<std::int64_t>{4});
  CHECK(owner.metrics.value("slave/tasks_gone") == 0);
  // Many keys (the table rehashes as it grows): each still found by either spelling.
  for (int i = 0; i < 200; ++i) owner.metrics.increment(MetricKey("master/x_" + std::to_string(i)));
  for (int i = 0; i < 200; ++i) CHECK(owner.metrics.value(MetricKey("master/x_" + std::to_string(i))) == 1);
  owner.metrics.increment("slave/tasks_lost");
  CHECK(owner.metrics.value(MetricKey(built)) == 4);
}
