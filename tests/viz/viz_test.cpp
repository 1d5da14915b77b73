#include <doctest/doctest.h>

#include <sstream>

#include "sim/trace.hpp"
#include "viz/timeline.hpp"
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
  trace.header({{"format", "agentsim-trace"}, {"format_version", std::int64_t{1}}, {"seed", "7"},
                {"flags", sim::RawJson{"{\"agent-1\":{\"port\":\"5051\"}}"}}});
  std::vector<sim::Record> written{
      record(sim::RecordKind::Send, "RegisterSlaveMessage", {{"to", "master@master-1:5050"}, {"hostname", "a\"b\n"}}),
      record(sim::RecordKind::State, "Slave::State", {{"state", "RUNNING"}, {"ok", true}, {"n", std::int64_t{-4}}}),
  };
  for (const auto& r : written) trace.emit(r);

  std::istringstream in(out.str());
  auto file = viz::readTrace(in);
  REQUIRE(!file.isError());
  REQUIRE(file->records.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
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
  const auto bad = read("{\"format_version\":1}\n{\"t\":1}\n");
  REQUIRE(bad.isError());
  CHECK(bad.error().rfind("line 2:", 0) == 0);
  const auto kind = read(
      "{\"format_version\":1}\n{\"t\":1,\"seq\":0,\"kind\":\"bogus\",\"process\":\"\",\"host\":\"\",\"name\":\"\","
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
