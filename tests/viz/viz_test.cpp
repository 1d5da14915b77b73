#include <doctest/doctest.h>

#include <sstream>

#include "sim/trace.hpp"
#include "viz/timeline.hpp"
#include "viz/timeline_story.hpp"
#include "viz/trace_reader.hpp"

using namespace agentsim;

namespace {

sim::Record record(sim::RecordKind kind, std::string name, sim::Fields fields) {
  sim::Record r;
  r.at = sim::Time::fromNanoseconds(1'500'000'000);
  r.kind = kind;
  r.process = "slave(1)";
  r.host = "agent-1";
  r.name = std::move(name);
  r.fields = std::move(fields);
  r.ref = "src/slave/slave.cpp: Slave::doReliableRegistration";
  return r;
}

}  // namespace

TEST_CASE("a JSON Lines trace reads back into the records that were written") {
  std::ostringstream out;
  sim::JsonLinesSink sink(out);
  sim::Trace trace;
  trace.addSink(&sink);
  trace.header({{"format", "agentsim-trace"}, {"format_version", std::int64_t{sim::kTraceFormatVersion}}, {"seed", "7"},
                {"flags", sim::RawJson{"{\"agent-1\":{\"port\":\"5051\"}}"}}});
  std::vector<sim::Record> written{
      record(sim::RecordKind::Send, "RegisterSlaveMessage", {{"to", "master@master-1:5050"}, {"hostname", "a\"b\n"}}),
      record(sim::RecordKind::State, "Slave::State", {{"state", "RUNNING"}, {"ok", true}, {"n", std::int64_t{-4}}}),
  };
  written.push_back(record(sim::RecordKind::Deliver, "RegisterSlaveMessage", {{"to", "master@master-1:5050"}}));
  written.back().msg = 41;
  written.back().duplicate = true;
  written.push_back(record(sim::RecordKind::Timer, "Slave::pingTimeout", {}));
  written.back().armed = sim::Time::fromNanoseconds(75);
  for (const auto& r : written) trace.emit(r);
  trace.end(sim::Time::fromNanoseconds(9'000'000'000));

  std::istringstream in(out.str());
  auto file = viz::readTrace(in);
  REQUIRE(!file.isError());
  REQUIRE(file->records.size() == 4);
  REQUIRE(file->end);
  CHECK(file->end->records == 4);
  CHECK(file->end->at == sim::Time::fromNanoseconds(9'000'000'000));
  CHECK(out.str().substr(out.str().rfind('\n', out.str().size() - 2) + 1) ==
        "{\"t\":9000000000,\"seq\":4,\"kind\":\"end\",\"process\":\"\",\"host\":\"\",\"name\":\"end\","
        "\"fields\":{\"records\":4},\"ref\":\"\"}\n");
  CHECK(file->records[2].msg == 41);
  CHECK(file->records[2].duplicate);
  CHECK(file->records[3].armed == sim::Time::fromNanoseconds(75));
  for (std::size_t i = 0; i < 4; ++i) {
    written[i].seq = i;
    CHECK(sim::toJsonLine(file->records[i]) == sim::toJsonLine(written[i]));
  }
  CHECK(sim::toJsonLine(file->header) == out.str().substr(0, out.str().find('\n')));
}

TEST_CASE("the trace reader rejects what is not a trace, naming the line") {
  auto read = [](const std::string& text) {
    std::istringstream in(text);
    return viz::readTrace(in);
  };
  CHECK(read("").isError());
  CHECK(read("not json\n").error() == "line 1: not a JSON object");
  CHECK(read("{\"format_version\":99}\n").error().find("unsupported trace format version 99") != std::string::npos);
  // The number as written, not cut to 32 bits: 2^32 + 2 is not version 2.
  CHECK(read("{\"format_version\":4294967298}\n").error().find("unsupported trace format version 4294967298") !=
        std::string::npos);
  CHECK(read("{\"format_version\":18446744073709551618}\n").isError());
  // A version 1 trace (no message ids) is refused, naming both versions.
  CHECK(read("{\"format_version\":1}\n").error() ==
        "line 1: unsupported trace format version 1 (this agentsim reads version 3; docs/trace-format.md says what "
        "changed)");
  CHECK(read("{\"format_version\":2}\n").error().find("unsupported trace format version 2") != std::string::npos);
  const auto bad = read("{\"format_version\":3}\n{\"t\":1}\n");
  REQUIRE(bad.isError());
  CHECK(bad.error().rfind("line 2:", 0) == 0);
  const auto kind = read(
      "{\"format_version\":3}\n{\"t\":1,\"seq\":0,\"kind\":\"bogus\",\"process\":\"\",\"host\":\"\",\"name\":\"\","
      "\"fields\":{},\"ref\":\"\"}\n");
  CHECK(kind.error() == "line 2: unknown record kind \"bogus\"");
}

TEST_CASE("timeline lines show time, host, process, what happened and the modelled source") {
  const auto send = record(sim::RecordKind::Send, "RegisterSlaveMessage", {{"to", "master@master-1:5050"}});
  CHECK(viz::renderLine(send) ==
        "     1.500000s  agent-1    slave(1)                 send     RegisterSlaveMessage -> master@master-1:5050"
        "  [src/slave/slave.cpp: Slave::doReliableRegistration]");
  viz::TimelineOptions noRefs;
  noRefs.refs = false;
  const auto drop = record(sim::RecordKind::Drop, "SlaveRegisteredMessage",
                           {{"from", "master@master-1:5050"}, {"to", "slave(1)@agent-1:5051"}, {"reason", "partition"}});
  CHECK(viz::renderLine(drop, noRefs).find(
            "DROP     SlaveRegisteredMessage master@master-1:5050 -> slave(1)@agent-1:5051 (partition)") !=
        std::string::npos);
  const auto state = record(sim::RecordKind::State, "Slave::State", {{"state", "RUNNING"}, {"previous", "DISCONNECTED"}});
  CHECK(viz::renderLine(state, noRefs).find("state    Slave::State = RUNNING previous=DISCONNECTED") !=
        std::string::npos);
  const auto deliver = record(sim::RecordKind::Deliver, "PingSlaveMessage", {{"from", "slave-observer(1)@m:5050"}});
  CHECK(viz::renderTimeline({send, deliver}).find("deliver") == std::string::npos);
  viz::TimelineOptions all;
  all.deliveries = true;
  CHECK(viz::renderTimeline({send, deliver}, all).find("deliver  PingSlaveMessage <- slave-observer(1)@m:5050") !=
        std::string::npos);
}

TEST_CASE("a timeline action reads as the scenario wrote it") {
  sim::Record r;
  r.kind = sim::RecordKind::Fault;
  r.name = "drop";
  r.fields = {{"action", "drop SlaveRegisteredMessage to agent-1, first 1"}, {"label", "timeline[0]"}};
  CHECK(viz::renderLine(r).find("FAULT    timeline[0]: drop SlaveRegisteredMessage to agent-1, first 1") !=
        std::string::npos);
  sim::Record crash;
  crash.kind = sim::RecordKind::Fault;
  crash.name = "crash";
  crash.host = "agent-1";
  crash.fields = {{"processes", std::int64_t{2}}};
  CHECK(viz::renderLine(crash).find("FAULT    crash processes=2") != std::string::npos);
}

namespace {
std::string headerOfSize(std::size_t bytes) {
  std::string h = "{\"format_version\":3,\"flags\":\"";
  h.append(bytes - h.size() - 2, 'x');
  h += "\"}";
  return h;
}
const std::string kRecordLine =
    "{\"t\":1,\"seq\":0,\"kind\":\"log\",\"process\":\"\",\"host\":\"\",\"name\":\"log\",\"fields\":{},\"ref\":\"\"}";
// The end record after kRecordLine.
const std::string kEndLine =
    "{\"t\":2,\"seq\":1,\"kind\":\"end\",\"process\":\"\",\"host\":\"\",\"name\":\"end\",\"fields\":{\"records\":1},"
    "\"ref\":\"\"}";
}  // namespace

TEST_CASE("the header line may be longer than a record line: 35,000 agents' flags read back") {
  // About 800 bytes of flags an agent: 28 MB, past the 16 MiB bound of a record line.
  std::istringstream in(headerOfSize(28'000'000) + "\n" + kRecordLine + "\n" + kEndLine + "\n");
  auto file = viz::readTrace(in);
  REQUIRE(!file.isError());
  CHECK(file->records.size() == 1);
  CHECK(std::get<std::string>(file->header.at(1).value).size() == 28'000'000 - 31);
}

TEST_CASE("the trace reader bounds every line, the header by its own limit, and says which was too long") {
  viz::TraceReaderLimits limits;
  limits.max_header_line = 200'000;
  limits.max_record_line = 100;
  auto read = [&](const std::string& text) {
    std::istringstream in(text);
    return viz::readTrace(in, limits);
  };
  // At the limit is fine, one byte more is not; a line with no newline at the end too.
  CHECK(!read(headerOfSize(200'000) + "\n" + kRecordLine + "\n" + kEndLine + "\n").isError());
  CHECK(!read(headerOfSize(200'000) + "\n" + kRecordLine + "\n" + kEndLine).isError());
  const auto header = read(headerOfSize(200'001) + "\n");
  REQUIRE(header.isError());
  CHECK(header.error() ==
        "line 1: the header is longer than 200000 bytes (a limit of agentsim's trace reader; see docs/limits.md)");
  CHECK(read(headerOfSize(200'001)).isError());
  const auto record = read(headerOfSize(1000) + "\n" + kRecordLine + std::string(200, ' ') + "\n");
  REQUIRE(record.isError());
  CHECK(record.error().rfind("line 2: the record is longer than 100 bytes", 0) == 0);
  // The defaults, named in MiB.
  CHECK(viz::TraceReaderLimits{}.max_header_line == 256u * 1024 * 1024);
  CHECK(viz::TraceReaderLimits{}.max_record_line == 16u * 1024 * 1024);
}

TEST_CASE("a trace without its end record is truncated: an error, or a partial read when asked") {
  auto read = [](const std::string& text, bool partial = false) {
    std::istringstream in(text);
    viz::TraceReaderLimits limits;
    limits.accept_truncated = partial;
    return viz::readTrace(in, limits);
  };
  const std::string header = headerOfSize(100) + "\n";
  REQUIRE(!read(header + kRecordLine + "\n" + kEndLine + "\n").isError());
  // Cut exactly at a record boundary: every line is whole, but the end record is missing.
  const auto cut = read(header + kRecordLine + "\n");
  REQUIRE(cut.isError());
  CHECK(cut.error() ==
        "the trace is truncated: it ends after line 2 without the end record a finished run writes last (the run did "
        "not finish, or the file was cut short; docs/trace-format.md)");
  CHECK(read(header).isError());
  const auto partial = read(header + kRecordLine + "\n", true);
  REQUIRE(!partial.isError());
  CHECK(partial->records.size() == 1);
  CHECK(!partial->end);
  // The end record counts the records before it, and nothing follows it.
  const auto lost = read(header + kEndLine + "\n");
  REQUIRE(lost.isError());
  CHECK(lost.error().rfind("line 2: the end record counts 1 records (seq 1), but 0 precede it", 0) == 0);
  const auto after = read(header + kRecordLine + "\n" + kEndLine + "\n" + kRecordLine + "\n");
  REQUIRE(after.isError());
  CHECK(after.error() == "line 4: a record after the end record (docs/trace-format.md)");
  // A view's line test never skips the end record.
  std::istringstream in(header + kRecordLine + "\n" + kEndLine + "\n");
  auto skipped = viz::readTrace(in, nullptr, {}, [](std::string_view) { return true; });
  REQUIRE(!skipped.isError());
  CHECK(skipped->records.empty());
  CHECK(skipped->end->records == 1);
}

TEST_CASE("the trace reader reads at most max_records records, and says so") {
  viz::TraceReaderLimits limits;
  limits.max_records = 2;
  std::string text = headerOfSize(100) + "\n";
  for (int i = 0; i < 3; ++i) text += kRecordLine + "\n";
  std::istringstream in(text);
  const auto file = viz::readTrace(in, limits);
  REQUIRE(file.isError());
  CHECK(file.error() == "line 4: more than 2 records (a limit of agentsim's trace reader; see docs/limits.md)");
  CHECK(viz::TraceReaderLimits{}.max_records == 10'000'000);
}

TEST_CASE("writeTimeline streams what renderTimeline renders; checks can be left out") {
  const std::vector<sim::Record> records{
      record(sim::RecordKind::Send, "RegisterSlaveMessage", {{"to", "master@master-1:5050"}}),
      record(sim::RecordKind::Check, "agent_state", {{"held", true}, {"evidence", "RUNNING at 1secs"}}),
      record(sim::RecordKind::Deliver, "SlaveRegisteredMessage", {{"from", "master@master-1:5050"}}),
  };
  std::ostringstream all;
  viz::writeTimeline(all, records);
  CHECK(all.str() == viz::renderTimeline(records));
  CHECK(all.str() == viz::renderLine(records[0]) + "\n" + viz::renderLine(records[1]) + "\n");
  viz::TimelineOptions noChecks;
  noChecks.checks = false;
  noChecks.deliveries = true;
  std::ostringstream out;
  viz::writeTimeline(out, records, noChecks);
  CHECK(out.str() == viz::renderLine(records[0], noChecks) + "\n" + viz::renderLine(records[2], noChecks) + "\n");
}

using sim::Record;
using sim::RecordKind;

TEST_CASE("story: UUIDs shortened as git shortens hashes, lines wrapped at spaces") {
  using agentsim::viz::shortenUuids;
  using agentsim::viz::wrap;
  CHECK(shortenUuids("slave_id=91ee5bf0-c26c-4e14-8126-b2366a9be37a-S0 x", 8) == "slave_id=91ee5bf0-S0 x");
  CHECK(shortenUuids("91ee5bf0-c26c-4e14-8126-b2366a9be37a", 10) == "91ee5bf0-c");
  // Not a UUID: a longer word, a wrong group length.
  CHECK(shortenUuids("x91ee5bf0-c26c-4e14-8126-b2366a9be37a", 8) == "x91ee5bf0-c26c-4e14-8126-b2366a9be37a");
  CHECK(shortenUuids("91ee5bf0-c26c-4e14-8126-b2366a9be3", 8) == "91ee5bf0-c26c-4e14-8126-b2366a9be3");

  Record a;
  a.kind = RecordKind::Log;
  a.fields = {{"message", std::string("ids 91ee5bf0-c26c-4e14-8126-b2366a9be37a and 91ee5bf0-d000-4e14-8126-b2366a9be37a")}};
  CHECK(agentsim::viz::uuidPrefixLength({a}) == 10);  // they share "91ee5bf0-": one more character sets them apart
  a.fields = {{"message", std::string("one 91ee5bf0-c26c-4e14-8126-b2366a9be37a")}};
  CHECK(agentsim::viz::uuidPrefixLength({a}) == 8);

  CHECK(wrap("short line", 40, 4) == std::vector<std::string>{"short line"});
  CHECK(wrap("aaaa bbbb cccc dddd eeee ffff gggg", 26, 4) ==
        std::vector<std::string>{"aaaa bbbb cccc dddd eeee", "    ffff gggg"});
  const auto cut = wrap(std::string(50, 'x'), 30, 2);
  REQUIRE(cut.size() == 2);
  CHECK(cut[0] == std::string(30, 'x'));
  CHECK(cut[1] == "  " + std::string(20, 'x'));
}

TEST_CASE("story: one line per agent startup, milestones shown, chatter folded, evidence always shown") {
  std::vector<Record> records;
  auto add = [&](RecordKind kind, std::string host, std::string process, std::string name, agentsim::sim::Fields f) {
    Record r;
    r.seq = records.size();
    r.at = agentsim::sim::Time{} + agentsim::sim::Milliseconds(static_cast<std::int64_t>(records.size()));
    r.kind = kind;
    r.host = std::move(host);
    r.process = std::move(process);
    r.name = std::move(name);
    r.fields = std::move(f);
    r.ref = "src/slave/slave.cpp: Slave::run";
    records.push_back(r);
  };
  for (int step = 1; step <= 3; ++step) {
    add(RecordKind::Startup, "agent-1", "", "step", {{"position", std::int64_t{step}}, {"steps", std::int64_t{3}},
                                                     {"builds", std::string("x")}, {"processes", std::string("a, b")}});
  }
  for (int i = 0; i < 30; ++i) add(RecordKind::Timer, "agent-1", "slave(1)", "Slave::tick", {});
  add(RecordKind::Send, "master-1", "slave-observer(1)", "PingSlaveMessage", {{"to", std::string("slave(1)@agent-1:5051")}});
  add(RecordKind::State, "agent-1", "slave(1)", "Slave::State", {{"state", std::string("RUNNING")}});
  add(RecordKind::Send, "master-1", "slave-observer(1)", "PingSlaveMessage", {{"to", std::string("slave(1)@agent-1:5051")}});
  add(RecordKind::Check, "", "", "message_count", {{"expectation", std::string("e")}, {"held", true},
                                                  {"evidence", std::string("1 sent")},
                                                  {"evidence_seqs", agentsim::sim::RawJson{"[35]"}}});
  std::ostringstream out;
  agentsim::viz::writeStory(out, records, {true, 160});
  const std::string text = out.str();
  CHECK(text.find("startup main() ran its 3 steps, spawning 6 processes  [Slave::run]") != std::string::npos);
  CHECK(text.find("[1/3]") == std::string::npos);
  CHECK(text.find("\u2026 31 records folded until 0.033000s: 30 timer, 1 periodic") != std::string::npos);
  CHECK(text.find("state Slave::State = RUNNING") != std::string::npos);
  // The ping a check names is shown; the other ping is folded.
  CHECK(text.find("0.035000s  master-1") != std::string::npos);
  CHECK(text.find("0.033000s  master-1") == std::string::npos);
  CHECK(text.find("check") == std::string::npos);
}

TEST_CASE("story: main() returning at a step (--help, --version) has a line of its own") {
  std::vector<Record> records;
  Record r;
  r.kind = RecordKind::Startup;
  r.host = "agent-1";
  r.name = "flags";
  r.fields = {{"position", std::int64_t{1}}, {"steps", std::int64_t{17}}, {"failed", false},
              {"message", std::string("mesos 1.1.0")}, {"exit_code", std::int64_t{0}}};
  r.ref = "src/slave/main.cpp: main";
  records.push_back(r);
  std::ostringstream out;
  agentsim::viz::writeStory(out, records, {true, 160});
  const std::string text = out.str();
  CHECK(text.find("startup [1/17] flags exited 0: mesos 1.1.0  [main]") != std::string::npos);
  CHECK(text.find("ran its") == std::string::npos);
}
