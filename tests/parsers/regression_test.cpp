// Every input the parser fuzzers ever found that crashed, hung or exited 3 is kept under
// tests/parsers/regressions/<target>/ and replayed here through the same target bodies, in
// the ordinary build: each must give an answer (a value or an error) and return.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "tests/parsers/targets.hpp"

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> inputs(const std::string& target) {
  std::vector<fs::path> out;
  const fs::path dir = fs::path(AGENTSIM_PARSERS_DIR) / "regressions" / target;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void replay(const std::string& target, const std::function<void(std::string_view)>& body) {
  for (const fs::path& p : inputs(target)) {
    CAPTURE(p.string());
    CHECK_NOTHROW(body(bytes(p)));
  }
}

}  // namespace

TEST_CASE("the parser fuzzers' kept inputs all get an answer: scenario loader, trace reader, durations") {
  replay("scenario_loader", agentsim::fuzz::scenarioLoader);
  replay("trace_reader", agentsim::fuzz::traceReader);
  replay("duration", agentsim::fuzz::durationParser);
  // Each target has inputs to replay (a first one kept by hand: the hostile cases of
  // docs/limits.md), so this test cannot pass on an empty folder.
  for (const char* target : {"scenario_loader", "trace_reader", "duration"}) {
    CAPTURE(target);
    CHECK(!inputs(target).empty());
  }
}
