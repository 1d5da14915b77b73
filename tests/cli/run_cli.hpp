#pragma once
// What the CLI tests share: run the built agentsim as a user would, and read a file back.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace agentsim_cli_test {

struct Result {
  int code = -1;
  std::string out;
};

// Runs `agentsim ARGS` from `dir` (the source root); stderr is folded into out.
inline Result runAgentsim(const std::string& args, const std::string& dir = AGENTSIM_SOURCE_ROOT) {
  const std::string cmd = "cd '" + dir + "' && '" + AGENTSIM_BINARY + "' " + args + " 2>&1";
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

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace agentsim_cli_test
