// `agentsim view`, the run flags --svg/--perfetto and `agentsim diff`, run as a user
// would: every scenario's sequence diagram parses as XML and draws one arrow per
// delivery the filters select; every Perfetto flow that starts ends.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/cli/run_cli.hpp"
#include "viz/filter.hpp"
#include "viz/trace_reader.hpp"
#include "xml_check.hpp"

namespace {

using agentsim_cli_test::Result;
using agentsim_cli_test::runAgentsim;
using agentsim_cli_test::slurp;

Result runCli(const std::string& args) { return runAgentsim(args); }

std::string out(const std::string& name) { return std::string(AGENTSIM_BUILD_DIR) + "/views-" + name; }

// The trace of a scenario, written by this build once per test run.
std::string traceOf(const std::string& scenario) {
  static std::set<std::string> written;
  const std::string path = out(std::filesystem::path(scenario).stem().string() + ".jsonl");
  if (written.insert(path).second) {
    const Result r = runCli("run " + scenario + " --quiet --trace '" + path + "'");
    REQUIRE_MESSAGE(r.code <= 1, r.out);
  }
  return path;
}

std::vector<std::string> scenarios() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(std::string(AGENTSIM_SOURCE_ROOT) + "/scenarios")) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() == ".json" && name != "schema.json") out.push_back("scenarios/" + name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The message ids of the arrows an SVG draws, sorted.
std::vector<std::uint64_t> arrows(const std::string& svg) {
  std::vector<std::uint64_t> ids;
  static const std::regex arrow(R"re(<g class="arrow(?: dup)?" data-msg="(\d+)")re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), arrow); it != std::sregex_iterator(); ++it) {
    ids.push_back(std::stoull((*it)[1].str()));
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// The message ids of the deliveries `filter` selects in a trace, sorted.
std::vector<std::uint64_t> deliveries(const std::string& trace, const agentsim::viz::ViewFilter& filter) {
  std::ifstream in(trace);
  auto file = agentsim::viz::readTrace(in);
  REQUIRE(!file.isError());
  std::vector<std::uint64_t> ids;
  for (const auto& r : file->records) {
    if (r.kind == agentsim::sim::RecordKind::Deliver && filter.selects(r)) ids.push_back(r.msg);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

TEST_CASE("view --format svg: every scenario's diagram is XML with no script, a legend, one arrow per delivery") {
  agentsim::viz::ViewFilter agent1;
  agent1.hosts = {"agent-1"};
  agent1.from = agentsim::sim::Time{} + agentsim::sim::Seconds(1);
  for (const std::string& scenario : scenarios()) {
    CAPTURE(scenario);
    const std::string trace = traceOf(scenario);
    const std::string svgPath = out("diagram.svg");
    REQUIRE(runCli("view '" + trace + "' --format svg -o '" + svgPath + "'").code == 0);
    const std::string svg = slurp(svgPath);
    CHECK(agentsim::test::xmlError(svg) == "");
    CHECK(svg.find("<script") == std::string::npos);
    CHECK(svg.find("class=\"legend\"") != std::string::npos);
    const auto drawn = arrows(svg);
    CHECK(drawn.size() > 0);
    CHECK(drawn == deliveries(trace, agentsim::viz::ViewFilter{}));

    // The same under filters.
    REQUIRE(runCli("view '" + trace + "' --format svg --hosts agent-1 --from 1secs -o '" + svgPath + "'").code == 0);
    const std::string filtered = slurp(svgPath);
    CHECK(agentsim::test::xmlError(filtered) == "");
    CHECK(arrows(filtered) == deliveries(trace, agent1));
  }
}

TEST_CASE("view --format perfetto: the JSON parses and every flow start has its end") {
  for (const std::string& scenario : {std::string("scenarios/failover.json"), std::string("scenarios/partition.json")}) {
    CAPTURE(scenario);
    const Result r = runCli("view '" + traceOf(scenario) + "' --format perfetto");
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out, nullptr, false);
    REQUIRE(!j.is_discarded());
    REQUIRE(j.contains("traceEvents"));
    std::map<std::uint64_t, int> starts;
    std::map<std::uint64_t, int> ends;
    std::size_t slices = 0;
    std::map<std::uint64_t, int> open;  // a state machine's slices follow one another
    for (const auto& e : j["traceEvents"]) {
      const std::string ph = e.at("ph").get<std::string>();
      if (ph == "s") ++starts[e.at("id").get<std::uint64_t>()];
      if (ph == "f") ++ends[e.at("id").get<std::uint64_t>()];
      if (ph == "b") CHECK(++open[e.at("id").get<std::uint64_t>()] == 1);
      if (ph == "e") CHECK(--open[e.at("id").get<std::uint64_t>()] == 0);
      if (ph == "b") ++slices;
      if (ph != "M") CHECK(e.contains("ts"));
    }
    CHECK(!starts.empty());
    CHECK(starts == ends);
    CHECK(slices > 0);
  }
}

TEST_CASE("view --format mermaid and text; the run flags write what view draws from the trace") {
  const std::string trace = traceOf("scenarios/registration.json");
  const Result mermaid = runCli("view '" + trace + "' --format mermaid");
  REQUIRE(mermaid.code == 0);
  CHECK(mermaid.out.rfind("sequenceDiagram\n", 0) == 0);
  CHECK(mermaid.out.find("->>") != std::string::npos);
  CHECK(mermaid.out.find(": RegisterSlaveMessage") != std::string::npos);

  const Result text = runCli("view '" + trace + "' --messages RegisterSlaveMessage --kinds send --no-refs");
  REQUIRE(text.code == 0);
  CHECK(text.out.find("send     RegisterSlaveMessage") != std::string::npos);
  CHECK(text.out.find("SlaveRegisteredMessage") == std::string::npos);

  const std::string svg = out("run.svg");
  const std::string perfetto = out("run.json");
  const Result run = runCli("run scenarios/registration.json --quiet --svg '" + svg + "' --perfetto '" + perfetto + "'");
  REQUIRE(run.code == 0);
  CHECK(run.out.find("svg written to") != std::string::npos);
  REQUIRE(runCli("view '" + trace + "' --format svg -o '" + out("view.svg") + "'").code == 0);
  CHECK(slurp(svg) == slurp(out("view.svg")));
  REQUIRE(runCli("view '" + trace + "' --format perfetto -o '" + out("view.json") + "'").code == 0);
  CHECK(slurp(perfetto) == slurp(out("view.json")));
}

TEST_CASE("view: bad input is a clear error and exit 2") {
  const std::string trace = traceOf("scenarios/registration.json");
  Result r = runCli("view '" + trace + "' --kinds sends");
  CHECK(r.code == 2);
  CHECK(r.out.find("--kinds: unknown record kind 'sends'") != std::string::npos);
  r = runCli("view '" + trace + "' --from soon");
  CHECK(r.code == 2);
  CHECK(r.out.find("--from:") != std::string::npos);
  r = runCli("view '" + trace + "' --format pdf");
  CHECK(r.code == 2);
  r = runCli("view '" + trace + "' --format html --hosts agent-1 -o '" + out("agent-1.html") + "'");
  CHECK(r.code == 0);  // the explorer of the records the filters keep
  r = runCli("view /nonexistent.jsonl");
  CHECK(r.code == 2);
  r = runCli("run scenarios/registration.json --quiet --html /nonexistent-dir/x.html");
  CHECK(r.code == 2);
  CHECK(r.out.find("cannot write the explorer to '/nonexistent-dir/x.html'") != std::string::npos);
  r = runCli("view '" + trace + "' --from 2secs --to 1secs");
  CHECK(r.code == 2);
  CHECK(r.out.find("--to (1secs) is before --from (2secs)") != std::string::npos);
  const std::string old = out("v1.jsonl");
  std::ofstream(old) << "{\"format\":\"agentsim-trace\",\"format_version\":1}\n";
  r = runCli("view '" + old + "'");
  CHECK(r.code == 2);
  CHECK(r.out.find("unsupported trace format version 1 (this agentsim reads version 3") != std::string::npos);
}

TEST_CASE("diff: 0 for the same run, 1 and the first divergence for another seed") {
  const std::string a = traceOf("scenarios/registration.json");
  const std::string b = out("registration-seed8.jsonl");
  REQUIRE(runCli("run scenarios/registration.json --quiet --seed 8 --trace '" + b + "'").code <= 1);
  Result same = runCli("diff '" + a + "' '" + a + "'");
  CHECK(same.code == 0);
  CHECK(same.out.find("the runs are the same") != std::string::npos);
  Result differ = runCli("diff '" + a + "' '" + b + "' --context 3");
  CHECK(differ.code == 1);
  CHECK(differ.out.find("seed differs: 7 in A, 8 in B") != std::string::npos);
  CHECK(differ.out.find("the runs diverge after") != std::string::npos);
  CHECK(differ.out.find("both runs, just before:") != std::string::npos);
  CHECK(differ.out.find("then A (") != std::string::npos);
  CHECK(differ.out.find("then B (") != std::string::npos);
  CHECK(runCli("diff '" + a + "' /nonexistent").code == 2);
}

TEST_CASE("the README's failover sequence diagram is what the current build draws") {
  // docs/views.md gives these commands; regenerate with them when a change is intended.
  const std::string drawn = out("failover-sequence.svg");
  REQUIRE(runCli("view '" + traceOf("scenarios/failover.json") +
                 "' --format svg --processes 'slave(1),master,scheduler(1)' --from 29secs --to 40secs -o '" + drawn + "'")
              .code == 0);
  const std::string committed = slurp(std::string(AGENTSIM_SOURCE_ROOT) + "/docs/failover-sequence.svg");
  REQUIRE(!committed.empty());
  const bool same = slurp(drawn) == committed;
  CHECK_MESSAGE(same, "docs/failover-sequence.svg is stale: redraw it with the commands in docs/views.md");
  CHECK(slurp(std::string(AGENTSIM_SOURCE_ROOT) + "/README.md").find("](docs/failover-sequence.svg)") !=
        std::string::npos);
}

TEST_CASE("the line test a big view skips unparsed lines with never skips a record the filter matches") {
  std::ifstream in(traceOf("scenarios/failover.json"));
  auto file = agentsim::viz::readTrace(in);
  REQUIRE(!file.isError());
  agentsim::viz::ViewFilter both;
  both.hosts = {"agent-1", "master-*"};
  both.processes = {"slave(1)", "master"};
  agentsim::viz::ViewFilter hosts;
  hosts.hosts = {"agent-2"};
  agentsim::viz::ViewFilter processes;
  processes.processes = {"slave(1)", "scheduler(1)"};
  for (const auto& f : {both, hosts, processes}) {
    const auto test = f.lineTest();
    std::size_t matched = 0;
    std::size_t skipped = 0;
    for (const auto& r : file->records) {
      const bool may = test(agentsim::sim::toJsonLine(r));
      if (f.matchesWho(r)) {
        ++matched;
        CHECK(may);
      }
      skipped += may ? 0 : 1;
    }
    CHECK(matched > 0);
    CHECK(skipped > file->records.size() / 3);  // it does skip much of the rest
  }
}
