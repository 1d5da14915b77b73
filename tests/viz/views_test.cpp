// The shared filters, the sequence model the SVG and Mermaid draw, Perfetto's flows and
// the diff of two runs, on records made by hand.
#include <doctest/doctest.h>

#include <sstream>

#include "viz/filter.hpp"
#include "viz/mermaid.hpp"
#include "viz/perfetto.hpp"
#include "viz/sequence.hpp"
#include "viz/sequence_svg.hpp"
#include "viz/trace_diff.hpp"

using namespace agentsim;
using sim::RecordKind;

namespace {

sim::Record msg(RecordKind kind, std::int64_t ms, std::uint64_t seq, std::uint64_t id, std::string name,
                std::string from, std::string to) {
  sim::Record r;
  r.at = sim::Time::fromNanoseconds(ms * 1'000'000);
  r.seq = seq;
  r.kind = kind;
  r.msg = id;
  r.name = std::move(name);
  const viz::Endpoint sender = viz::endpointOf(from);
  r.process = sender.process;
  r.host = sender.host;
  r.fields = {{"from", std::move(from)}, {"to", std::move(to)}};
  return r;
}

sim::Record event(RecordKind kind, std::int64_t ms, std::uint64_t seq, std::string host, std::string process,
                  std::string name, sim::Fields fields) {
  sim::Record r;
  r.at = sim::Time::fromNanoseconds(ms * 1'000'000);
  r.seq = seq;
  r.kind = kind;
  r.host = std::move(host);
  r.process = std::move(process);
  r.name = std::move(name);
  r.fields = std::move(fields);
  return r;
}

const std::string kSlave = "slave(1)@agent-1:5051";
const std::string kMaster = "master@master-1:5050";

// A registration, a duplicated reply, a lost ping, a state change, a crash and restart.
std::vector<sim::Record> run() {
  return {
      msg(RecordKind::Send, 0, 0, 1, "RegisterSlaveMessage", kSlave, kMaster),
      msg(RecordKind::Deliver, 1, 1, 1, "RegisterSlaveMessage", kSlave, kMaster),
      msg(RecordKind::Send, 1, 2, 2, "SlaveRegisteredMessage", kMaster, kSlave),
      msg(RecordKind::Deliver, 2, 3, 2, "SlaveRegisteredMessage", kMaster, kSlave),
      [] {
        auto r = msg(RecordKind::Deliver, 2, 4, 2, "SlaveRegisteredMessage", kMaster, kSlave);
        r.duplicate = true;
        return r;
      }(),
      event(RecordKind::State, 2, 5, "agent-1", "slave(1)", "Slave::State", {{"state", "RUNNING"}}),
      msg(RecordKind::Send, 15000, 6, 3, "PingSlaveMessage", kMaster, kSlave),
      msg(RecordKind::Send, 15000, 7, 4, "ReconcileTasksMessage", kMaster, kSlave),
      [] {
        auto r = msg(RecordKind::Drop, 15000, 8, 4, "ReconcileTasksMessage", kMaster, kSlave);
        r.fields.push_back({"reason", "partition"});
        return r;
      }(),
      event(RecordKind::Fault, 20000, 9, "agent-1", "", "crash", {{"processes", std::int64_t{2}}}),
      event(RecordKind::Fault, 25000, 10, "agent-1", "", "restart", {{"processes", std::int64_t{2}}}),
  };
}

}  // namespace

TEST_CASE("filters: a message is selected by either end; chatter is hidden unless --all") {
  const auto records = run();
  viz::ViewFilter master;
  master.hosts = {"master-*"};
  CHECK(master.selects(records[1]));   // slave -> master
  CHECK(master.selects(records[3]));   // master -> slave
  CHECK(!master.selects(records[5]));  // agent-1's state
  CHECK(!viz::ViewFilter{}.selects(records[6]));  // PingSlaveMessage
  viz::ViewFilter all;
  all.all = true;
  CHECK(all.selects(records[6]));
  viz::ViewFilter window;
  window.from = sim::Time{} + sim::Milliseconds(2);
  window.to = sim::Time{} + sim::Seconds(15);
  window.kinds = {RecordKind::Deliver};
  CHECK(!window.selects(records[1]));
  CHECK(window.selects(records[3]));
  CHECK(!window.selects(records[8]));
  CHECK(viz::parseKinds("send,bogus").isError());
  CHECK(viz::parseViewTime("30secs")->ns() == 30'000'000'000);
  CHECK(viz::endpointOf(kSlave) == viz::Endpoint{"slave(1)", "agent-1"});
}

TEST_CASE("the sequence pairs each delivery with its send by message id, duplicates included") {
  const viz::Sequence s = viz::buildSequence({{"scenario", "t"}, {"seed", "7"}}, run(), viz::ViewFilter{});
  REQUIRE(s.lifelines.size() == 2);
  CHECK(s.lifelines[0].host == "agent-1");  // first seen
  std::vector<viz::SequenceEvent> arrows;
  const viz::SequenceEvent* drop = nullptr;
  for (const auto& e : s.events) {
    if (e.kind == viz::SequenceEvent::Kind::Arrow) arrows.push_back(e);
    if (e.kind == viz::SequenceEvent::Kind::Drop) drop = &e;
  }
  REQUIRE(arrows.size() == 3);
  CHECK(arrows[1].sent_seq == 2);
  CHECK(arrows[2].sent_seq == 2);
  CHECK(arrows[2].duplicate);
  REQUIRE(drop != nullptr);
  CHECK(drop->sent_seq == 7);
  CHECK(drop->detail.find("partition") != std::string::npos);
  REQUIRE(s.bands.size() == 1);
  CHECK(s.bands[0].host == "agent-1");
  CHECK(s.bands[0].end_seq == 10);

  const std::string svg = viz::renderSequenceSvg(s);
  CHECK(svg.find("data-msg=\"2\"") != std::string::npos);
  CHECK(svg.find("class=\"arrow dup\" data-msg=\"2\"") != std::string::npos);
  CHECK(svg.find("class=\"drop\" data-msg=\"4\"") != std::string::npos);
  CHECK(svg.find("\u2026 14.9 s \u2026") != std::string::npos);  // 2ms to 15s, folded
  CHECK(svg.find("agent-1 crashed") != std::string::npos);

  const std::string mermaid = viz::renderSequenceMermaid(s);
  CHECK(mermaid.find("p2->>p1: SlaveRegisteredMessage") != std::string::npos);
  CHECK(mermaid.find("p2-->>p1: SlaveRegisteredMessage (duplicate)") != std::string::npos);
  CHECK(mermaid.find("p2-xp1: ReconcileTasksMessage") != std::string::npos);
}

TEST_CASE("perfetto: one flow per delivery, each start with its end; state as slices") {
  std::ostringstream out;
  viz::writePerfetto(out, {}, run(), viz::ViewFilter{});
  const std::string j = out.str();
  const auto count = [&](std::string_view what) {
    std::size_t n = 0;
    for (std::size_t at = j.find(what); at != std::string::npos; at = j.find(what, at + 1)) ++n;
    return n;
  };
  CHECK(count("\"ph\":\"s\"") == 3);
  CHECK(count("\"ph\":\"f\"") == 3);
  CHECK(count("\"ph\":\"b\"") == 1);
  CHECK(count("\"ph\":\"e\"") == 1);
  CHECK(j.find("\"name\":\"Slave::State RUNNING\"") != std::string::npos);
  CHECK(j.find("\"ts\":2000.000") != std::string::npos);
}

TEST_CASE("diff: the first differing record, the context before, what each run did next") {
  const auto toText = [](const std::vector<sim::Record>& records) {
    std::string out = "{\"format\":\"agentsim-trace\",\"format_version\":3,\"seed\":\"7\"}\n";
    for (const auto& r : records) out += sim::toJsonLine(r) + "\n";
    sim::Record end;
    end.kind = sim::RecordKind::End;
    end.seq = records.size();
    end.at = records.back().at;
    end.name = "end";
    end.fields = {{"records", static_cast<std::int64_t>(records.size())}};
    return out + sim::toJsonLine(end) + "\n";
  };
  auto other = run();
  other[5].fields = {{"state", "DISCONNECTED"}};
  std::istringstream a(toText(run()));
  std::istringstream b(toText(other));
  std::ostringstream report;
  auto result = viz::diffTraces(a, b, "a", "b", report, viz::DiffOptions{2, false});
  REQUIRE(!result.isError());
  CHECK(!result->same);
  CHECK(result->records == 5);
  CHECK(report.str().find("the runs diverge after 5 common records") != std::string::npos);
  CHECK(report.str().find("Slave::State = RUNNING") != std::string::npos);
  CHECK(report.str().find("Slave::State = DISCONNECTED") != std::string::npos);
  std::istringstream c(toText(run()));
  std::istringstream d(toText(run()));
  std::ostringstream same;
  CHECK(viz::diffTraces(c, d, "c", "d", same)->same);
}
