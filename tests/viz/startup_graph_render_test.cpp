// Renderers of the startup graph read its plain data only: a hand-made graph renders
// as DOT, text, JSON (and back) and the guided tour.
#include <doctest/doctest.h>

#include <string>

#include "viz/startup_graph_render.hpp"
#include "viz/timeline.hpp"

using namespace agentsim;

namespace {

model::StartupGraphData tiny() {
  model::StartupGraphData g;
  g.agent = "agent-1";
  g.steps = {
      {"flags", "flags.load()", "src/slave/main.cpp: main", "the flags", "Read first.", {"master"}, {}, {}},
      {"fetcher", "Fetcher fetcher;", "src/slave/containerizer/fetcher.cpp: Fetcher::Fetcher", "Fetcher",
       "Downloads URIs.", {}, {"fetcher(1)"}, {}},
      {"containerizer", "Containerizer::create(flags, false, &fetcher)",
       "src/slave/containerizer/containerizer.cpp: Containerizer::create", "MesosContainerizer \"quoted\"",
       "Builds the containerizer.", {"containerizers"}, {},
       {{"an unknown type", "Failed to create a containerizer: Unknown or unsupported containerizer: rkt"}}},
  };
  g.edges = {{"flags", "fetcher", "main() builds nothing until flags.load() succeeds"},
             {"flags", "containerizer", "Containerizer::create(flags, ...)"},
             {"fetcher", "containerizer", "Containerizer::create(flags, false, &fetcher)"}};
  g.order = {"flags", "fetcher", "containerizer"};
  g.notes = {"A note."};
  return g;
}

}  // namespace

TEST_CASE("DOT: a node per step with its position, an edge per need, escaped quotes") {
  const std::string dot = viz::renderStartupDot(tiny());
  CHECK(dot.rfind("digraph startup {\n", 0) == 0);
  CHECK(dot.find("\"containerizer\" [label=\"3. containerizer\\nMesosContainerizer \\\"quoted\\\"\\n[src/slave/"
                 "containerizer/containerizer.cpp:\\nContainerizer::create]\"") != std::string::npos);
  CHECK(dot.find("\"fetcher\" -> \"containerizer\" [tooltip=\"Containerizer::create(flags, false, &fetcher)\"];") !=
        std::string::npos);
  CHECK(dot.find("\"flags\" -> \"fetcher\" [tooltip=") != std::string::npos);
  CHECK(dot.find("style=dashed") != std::string::npos);
  CHECK(dot.back() == '\n');
}

TEST_CASE("text: steps in the order given with their needs, then the edges with reasons") {
  model::StartupGraphData g = tiny();
  g.order = {"flags", "fetcher", "containerizer"};
  const std::string text = viz::renderStartupText(g);
  CHECK(text.find("the startup of agent-1") != std::string::npos);
  CHECK(text.find("   3  containerizer          fetcher\n") != std::string::npos);
  CHECK(text.find("  fetcher                -> containerizer          Containerizer::create(flags, false, &fetcher)") !=
        std::string::npos);
  CHECK(text.find("flags                  -> fetcher") == std::string::npos);  // the flags' edges are left out
}

TEST_CASE("JSON round-trips") {
  const model::StartupGraphData g = tiny();
  const std::string json = viz::renderStartupJson(g);
  CHECK(json.find("\"format\": \"agentsim-startup-graph\"") != std::string::npos);
  auto back = viz::readStartupJson(json);
  REQUIRE(!back.isError());
  CHECK(viz::renderStartupJson(*back) == json);
  CHECK(back->steps[2].failures[0].message ==
        "Failed to create a containerizer: Unknown or unsupported containerizer: rkt");
  CHECK(viz::readStartupJson("{\"format\": \"other\"}").isError());
  CHECK(viz::readStartupJson("not json").isError());
  CHECK(viz::readStartupJson("{\"format\": \"agentsim-startup-graph\", \"format_version\": 1}").isError());
}

TEST_CASE("explain: per step the call, source, inputs, and each failure with its exact message") {
  const std::string tour = viz::renderStartupExplain(tiny());
  CHECK(tour.find("Step 3 of 3: containerizer\n") != std::string::npos);
  CHECK(tour.find("  Source:     src/slave/containerizer/containerizer.cpp: Containerizer::create\n") !=
        std::string::npos);
  CHECK(tour.find("fetcher (Containerizer::create(flags, false, &fetcher))") != std::string::npos);
  CHECK(tour.find("  Can fail:   if an unknown type:\n                Failed to create a containerizer: Unknown or "
                  "unsupported containerizer: rkt\n") != std::string::npos);
  CHECK(tour.find("Step 1 of 3: flags\n") < tour.find("Step 2 of 3: fetcher\n"));
  CHECK(tour.find("  Needs:      nothing: it comes first\n") != std::string::npos);
  CHECK(tour.find("  Spawns:     fetcher(1)\n") != std::string::npos);
}

TEST_CASE("timeline: a startup step, and a startup failure, each on one line with its source") {
  sim::Record ok;
  ok.kind = sim::RecordKind::Startup;
  ok.host = "agent-1";
  ok.name = "fetcher";
  ok.fields = {{"position", std::int64_t{7}}, {"steps", std::int64_t{17}}, {"builds", "Fetcher"},
               {"processes", "fetcher(1)"}};
  ok.ref = "src/slave/containerizer/fetcher.cpp: Fetcher::Fetcher";
  const std::string line = viz::renderLine(ok);
  CHECK(line.find("startup  [7/17] fetcher: Fetcher -> fetcher(1)  [src/slave/containerizer/fetcher.cpp: "
                  "Fetcher::Fetcher]") != std::string::npos);

  sim::Record failed = ok;
  failed.name = "containerizer";
  failed.fields = {{"position", std::int64_t{9}}, {"steps", std::int64_t{17}}, {"failed", true},
                   {"message", "Failed to create a containerizer: Unknown or unsupported containerizer: rkt"},
                   {"exit_code", std::int64_t{1}}};
  CHECK(viz::renderLine(failed).find("startup  [9/17] containerizer FAILED, exit 1: Failed to create a "
                                     "containerizer: Unknown or unsupported containerizer: rkt") != std::string::npos);
}
