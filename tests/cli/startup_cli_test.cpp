// `agentsim graph`, `agentsim explain`, and the startup scenarios, run as a user would.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "viz/startup_graph_render.hpp"

namespace {

struct Result {
  int code = -1;
  std::string out;
};

Result sh(const std::string& cmd) {
  Result r;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// Runs `agentsim ARGS` from the source root; stderr is folded into out.
Result runAgentsim(const std::string& args) {
  return sh(std::string("cd '") + AGENTSIM_SOURCE_ROOT + "' && '" + AGENTSIM_BINARY + "' " + args + " 2>&1");
}

const char* const kDefaultSteps[] = {"flags", "libprocess", "version", "modules", "hooks", "systemd", "fetcher",
                                     "mesos-containerizer", "containerizer", "detector", "authorizer", "files", "gc",
                                     "status-update-manager", "resource-estimator", "qos-controller", "slave"};

}  // namespace

TEST_CASE("graph: the default agent's steps, as text") {
  const Result r = runAgentsim("graph");
  CHECK(r.code == 0);
  CHECK(r.out.find("17 steps, in main.cpp's order") != std::string::npos);
  for (const char* step : kDefaultSteps) CHECK(r.out.find(std::string(step)) != std::string::npos);
  CHECK(r.out.find("fetcher                -> containerizer") != std::string::npos);
}

TEST_CASE("graph --format dot renders with Graphviz dot") {
  const std::string dir = AGENTSIM_BUILD_DIR;
  const Result r = runAgentsim("graph --format dot scenarios/startup.json > '" + dir + "/startup.dot'");
  REQUIRE(r.code == 0);
  // Not a skip: without Graphviz nothing checks that the DOT draws (tools/bootstrap
  // installs graphviz, so `tools/test` always has it).
  if (sh("command -v dot >/dev/null 2>&1").code != 0) {
    FAIL("Graphviz `dot` is not installed (tools/bootstrap installs graphviz): the DOT cannot be rendered");
  }
  const Result svg = sh("dot -Tsvg '" + dir + "/startup.dot' -o '" + dir + "/startup.svg' 2>&1");
  CHECK(svg.code == 0);
  CHECK(svg.out.empty());  // no warnings
  std::ifstream in(dir + "/startup.svg");
  std::stringstream s;
  s << in.rdbuf();
  CHECK(s.str().find("<svg") != std::string::npos);
  CHECK(s.str().find("17. slave") != std::string::npos);
}

TEST_CASE("graph --format json reads back; a docker-less agent has no docker step") {
  const Result r = runAgentsim("graph --format json");
  REQUIRE(r.code == 0);
  auto g = agentsim::viz::readStartupJson(r.out);
  REQUIRE(!g.isError());
  CHECK(g->steps.size() == 17);
  CHECK(g->order.front() == "flags");
  for (const auto& s : g->steps) CHECK(s.name != "docker-containerizer");

  const Result d = runAgentsim("graph --format json tests/startup/docker-with-daemon.json");
  REQUIRE(d.code == 0);
  auto dg = agentsim::viz::readStartupJson(d.out);
  REQUIRE(!dg.isError());
  CHECK(dg->agent == "agent-1");
  CHECK(dg->steps.size() == 18);
  CHECK(dg->steps[7].name == "docker-containerizer");
  CHECK(dg->steps[9].processes == std::vector<std::string>{"composing-containerizer(1)"});
}

TEST_CASE("graph of a scenario with a chosen order shows that order") {
  const Result r = runAgentsim("graph tests/startup/reordered.json");
  CHECK(r.code == 0);
  CHECK(r.out.find("in the scenario's order") != std::string::npos);
  CHECK(r.out.find("  17  version") != std::string::npos);
}

TEST_CASE("graph and explain: bad input exits 2") {
  CHECK(runAgentsim("graph --format png").code == 2);
  CHECK(runAgentsim("graph --agent agent-9 scenarios/startup.json").code == 2);
  CHECK(runAgentsim("graph --agent agent-1").code == 2);
  CHECK(runAgentsim("explain tests/harness/malformed/does-not-exist.json").code == 2);
}

TEST_CASE("explain walks every step of main() with its source and exact failure messages") {
  const Result r = runAgentsim("explain");
  CHECK(r.code == 0);
  int n = 1;
  for (const char* step : kDefaultSteps) {
    CAPTURE(step);
    CHECK(r.out.find("Step " + std::to_string(n++) + " of 17: " + step + "\n") != std::string::npos);
  }
  CHECK(r.out.find("  Source:     src/slave/containerizer/containerizer.cpp: Containerizer::create\n") !=
        std::string::npos);
  CHECK(r.out.find("Failed to create a containerizer: Unknown or unsupported containerizer: TYPE\n") !=
        std::string::npos);
  CHECK(r.out.find("The call to `process::initialize()` in the agent's `main()` was not the function's first "
                   "invocation\n") != std::string::npos);
  // With a scenario, its flags appear in the messages.
  const Result q = runAgentsim("explain tests/startup/unknown-qos-controller.json");
  CHECK(q.out.find("Module 'org_apache_mesos_LoadQoSController' unknown") != std::string::npos);
}

TEST_CASE("every startup scenario runs, and each failure mode prints Mesos's message with exit 1") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(AGENTSIM_SOURCE_ROOT) / "tests" / "startup";
  int failures = 0;
  int runs = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    const std::string rel = "tests/startup/" + entry.path().filename().string();
    CAPTURE(rel);
    const Result r = runAgentsim("run " + rel + " --all");  // the messages unwrapped
    CHECK(r.code == 0);  // every expectation held
    ++runs;
    std::ifstream in(entry.path());
    const nlohmann::json s = nlohmann::json::parse(in);
    for (const auto& e : s.at("expect")) {
      if (!e.contains("agent_exit")) continue;
      ++failures;
      const std::string message = e.at("agent_exit").at("message").get<std::string>();
      CHECK(r.out.find("FAILED, exit 1: " + message) != std::string::npos);
    }
  }
  CHECK(runs >= 16);
  CHECK(failures >= 13);
  CHECK(runAgentsim("run scenarios/startup.json").code == 0);
}

TEST_CASE("a startup order that breaks an edge is a scenario error with FILE:LINE:COL") {
  const std::string bad = std::string(AGENTSIM_BUILD_DIR) + "/bad-order.json";
  std::ofstream(bad) << R"({
  "name": "bad-order",
  "cluster": { "agents": [ { "id": "agent-1", "startup": { "order": [
    "flags", "libprocess", "version", "modules", "hooks", "systemd",
    "mesos-containerizer", "fetcher", "containerizer", "detector", "authorizer", "files", "gc",
    "status-update-manager", "resource-estimator", "qos-controller", "slave"] } } ] }
}
)";
  const Result r = runAgentsim("check '" + bad + "'");
  CHECK(r.code == 2);
  CHECK(r.out.find("bad-order.json:5:5: /cluster/agents/0/startup/order/6: step 'mesos-containerizer' needs "
                   "'fetcher', which comes later (MesosContainerizer::create(flags, local, &fetcher))") !=
        std::string::npos);
}
