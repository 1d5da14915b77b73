// agentsim step from the command line: --script echoes each command and answers on stdout;
// a bad command is located and makes the exit status 2, but the script goes on; a saved
// session runs with agentsim run.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "tests/cli/run_cli.hpp"

namespace {

using agentsim_cli_test::Result;
using agentsim_cli_test::runAgentsim;

std::string writeScript(const std::string& name, const std::string& text) {
  const std::string path = std::string(AGENTSIM_BUILD_DIR) + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("step --script: commands from a file, answers on stdout, a saved session that run replays") {
  const std::string saved = std::string(AGENTSIM_BUILD_DIR) + "/step-cli-saved.json";
  const std::string script = writeScript("step-cli.txt", "run-to 5secs\nwhy slave(1)\ninject {\"crash\": \"agent-1\"}\n"
                                                         "run-to 10secs\nsave " + saved + "\nquit\nnext\n");
  const Result r = runAgentsim("step scenarios/registration.json --script '" + script + "'");
  CHECK(r.code == 0);
  CHECK(has(r.out, "> run-to 5secs\n"));
  CHECK(has(r.out, "Slave::State RUNNING"));
  CHECK(has(r.out, "FAULT    timeline[1]: crash agent-1"));
  CHECK_FALSE(has(r.out, "> next"));  // quit ended the session
  const Result run = runAgentsim("run '" + saved + "' --all");
  CHECK(has(run.out, "FAULT    timeline[1]: crash agent-1"));
}

TEST_CASE("step: a bad command is located and exits 2 after the script; bad arguments exit 2") {
  const std::string script = writeScript("step-cli-bad.txt", "next\nfly away\nnext\n");
  const Result r = runAgentsim("step scenarios/registration.json --script '" + script + "'");
  CHECK(r.code == 2);
  CHECK(has(r.out, "error: unknown command \"fly\""));
  CHECK(has(r.out, "step-cli-bad.txt:2: fly away"));
  CHECK(has(r.out, "> next\n"));
  CHECK(runAgentsim("step scenarios/registration.json --script /nonexistent/script").code == 2);
  CHECK(runAgentsim("step scenarios/registration.json --seed -1").code == 2);
  CHECK(runAgentsim("step scenarios/nonexistent.json").code == 2);
}
