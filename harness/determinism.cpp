#include "harness/determinism.hpp"

#include <memory>
#include <utility>
#include <vector>

namespace agentsim::harness {

namespace {

// Keeps every line of the first run's trace.
class LinesSink final : public sim::TraceSink {
 public:
  void header(const sim::Fields& h) override { lines.push_back(sim::toJsonLine(h)); }
  void record(const sim::Record& r) override { lines.push_back(sim::toJsonLine(r)); }
  std::vector<std::string> lines;
};

// Compares the second run's lines with the first's as they come; remembers the first
// that differs.
class CompareSink final : public sim::TraceSink {
 public:
  explicit CompareSink(const std::vector<std::string>& expected) : expected_(expected) {}
  void header(const sim::Fields& h) override { compare(sim::toJsonLine(h)); }
  void record(const sim::Record& r) override { compare(sim::toJsonLine(r)); }
  void finish(DeterminismReport& report) {
    if (!report.first_difference && index_ < expected_.size()) {
      report.first_difference = index_;
      report.first = expected_[index_];
    }
  }
  DeterminismReport* report = nullptr;

 private:
  void compare(std::string line) {
    if (!report->first_difference && (index_ >= expected_.size() || expected_[index_] != line)) {
      report->first_difference = index_;
      report->first = index_ < expected_.size() ? expected_[index_] : std::string();
      report->second = std::move(line);
    }
    ++index_;
  }
  const std::vector<std::string>& expected_;
  std::uint64_t index_ = 0;
};

// Blocks of many sizes, held through the second run, so its allocations land at other
// addresses than the first run's.
std::vector<std::unique_ptr<char[]>> disturbAllocator() {
  std::vector<std::unique_ptr<char[]>> blocks;
  std::size_t size = 8;
  for (int i = 0; i < 4096; ++i) {
    blocks.push_back(std::make_unique<char[]>(size));
    size = size * 5 % 4093 + 8;
  }
  // Free every other one: holes of assorted sizes for the run to fall into.
  for (std::size_t i = 0; i < blocks.size(); i += 2) blocks[i].reset();
  return blocks;
}

}  // namespace

DeterminismReport compareRuns(const std::function<void(sim::TraceSink&)>& runFirst,
                              const std::function<void(sim::TraceSink&)>& runSecond) {
  DeterminismReport report;
  LinesSink first;
  runFirst(first);
  report.records = first.lines.empty() ? 0 : first.lines.size() - 1;
  const auto held = disturbAllocator();
  CompareSink second(first.lines);
  second.report = &report;
  runSecond(second);
  second.finish(report);
  return report;
}

DeterminismReport checkDeterminism(const Scenario& scenario, const RunOptions& options) {
  const auto run = [&](sim::TraceSink& sink) {
    RunOptions o = options;
    o.sinks.push_back(&sink);
    runScenario(scenario, o);
  };
  return compareRuns(run, run);
}

}  // namespace agentsim::harness
