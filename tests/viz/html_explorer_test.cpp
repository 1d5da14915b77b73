// The HTML explorer page: self-contained (nothing loaded over the network), the trace
// embedded so that no text in it can end the <script> element that holds it.
#include "viz/html_explorer.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

using agentsim::sim::Record;
using agentsim::sim::RecordKind;

Record record(std::uint64_t seq, RecordKind kind, std::string name, agentsim::sim::Fields fields) {
  Record r;
  r.seq = seq;
  r.kind = kind;
  r.host = "agent-1";
  r.process = "slave(1)";
  r.name = std::move(name);
  r.fields = std::move(fields);
  r.ref = "src/slave/slave.cpp: Slave::registered";
  return r;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("the explorer page embeds the trace and its own style and script, and loads nothing") {
  const std::vector<Record> records{
      record(0, RecordKind::Send, "RegisterSlaveMessage", {{"from", std::string("slave(1)@agent-1:5051")}}),
      record(1, RecordKind::Log, "log", {{"message", std::string("</script><script>alert(1)</script><!--")}}),
  };
  const std::string page =
      agentsim::viz::renderHtmlExplorer({{"format", std::string("agentsim-trace")}, {"scenario", std::string("s")}},
                                        records);
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(page.find("RegisterSlaveMessage") != std::string::npos);
  CHECK(page.find("\"scenario\":\"s\"") != std::string::npos);
  // The milestones view: the records the text story shows (the send, not the log).
  CHECK(page.find("\"milestones\":[0]") != std::string::npos);
  // The style and the script are inline; the placeholders are all filled.
  CHECK(page.find("window.explorer") != std::string::npos);
  CHECK(page.find("--row:") != std::string::npos);
  CHECK(page.find("/*@EXPLORER_") == std::string::npos);
  // No element loads anything: no src= or <link>, and the page's policy forbids it.
  CHECK(page.find(" src=") == std::string::npos);
  CHECK(page.find("<link") == std::string::npos);
  CHECK(page.find("default-src 'none'") != std::string::npos);
  // The trace's "</script>" cannot end the element: every '<' in the data is escaped.
  CHECK(count(page, "</script>") == 2);  // the data's element and the code's
  CHECK(page.find("\\u003c/script>\\u003cscript>alert(1)") != std::string::npos);
}

TEST_CASE("scriptSafeJson escapes every '<' and nothing else") {
  CHECK(agentsim::viz::scriptSafeJson(R"({"a":"<!-- </script> x<y"})") ==
        R"({"a":"\u003c!-- \u003c/script> x\u003cy"})");
  CHECK(agentsim::viz::scriptSafeJson("{}") == "{}");
}
