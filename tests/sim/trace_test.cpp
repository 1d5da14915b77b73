// Trace records: sinks, kinds, refs, JSON Lines, and byte-identical reruns.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "sim/simulation.hpp"
#include "sim_test_util.hpp"

using namespace agentsim::sim;
using namespace agentsim::sim::test;

namespace {
Time T(Duration d) { return Time{} + d; }

// A process that says which Mesos source it models, so its records carry a ref.
class Modelled : public Process {
 public:
  explicit Modelled(std::string source, std::string className)
      : Process(ProcessName::generated("slave")), source_(std::move(source)), class_(std::move(className)) {
    install<Ping>(&Modelled::ping, "ping");
    install<Pong>(&Modelled::pong, "Master::pong");
  }
  std::string_view source() const override { return source_; }
  std::string_view className() const override { return class_; }

  Upid peer;

 protected:
  void initialize() override {
    traceState("state", "RECOVERING", {{"attempt", std::int64_t{1}}});
    log("starting up");
    delay(Seconds(1), "doReliableRegistration", [this] { send(peer, Ping(1)); });
  }

 private:
  void ping(const Upid& from, const Ping& m) { send(from, Pong(m.n)); }
  void pong(const Upid&, const Pong&) {}
  std::string source_;
  std::string class_;
};

}  // namespace

TEST_CASE("toJsonLine writes one record as a JSON object in a fixed key order") {
  Record r;
  r.at = Time::fromNanoseconds(1'500);
  r.seq = 3;
  r.kind = RecordKind::Send;
  r.process = "slave(1)";
  r.host = "agent-1";
  r.name = "Ping";
  r.fields = {{"n", std::int64_t{7}}, {"ok", true}, {"no", false}, {"to", std::string("master@m:5050")},
              {"neg", std::int64_t{-2}}, {"raw", RawJson{"[1,{\"a\":2}]"}}};
  r.ref = "src/x.cpp: X::y";
  CHECK(toJsonLine(r) ==
        R"json({"t":1500,"seq":3,"kind":"send","process":"slave(1)","host":"agent-1","name":"Ping",)json"
        R"json("fields":{"n":7,"ok":true,"no":false,"to":"master@m:5050","neg":-2,"raw":[1,{"a":2}]},)json"
        R"json("ref":"src/x.cpp: X::y"})json");
}

TEST_CASE("toJsonLine writes an empty record with every key present") {
  Record r;
  CHECK(toJsonLine(r) ==
        R"json({"t":0,"seq":0,"kind":"log","process":"","host":"","name":"","fields":{},"ref":""})json");
}

TEST_CASE("JSON strings escape quotes, backslashes, newlines and control characters") {
  std::string out;
  appendJsonString(out, "say \"hi\"\\ now\nthen\r\ttab\x01\x1f end");
  CHECK(out == R"json("say \"hi\"\\ now\nthen\r\ttab\u0001\u001f end")json");

  out.clear();
  appendJsonString(out, std::string("nul\0byte", 8));
  CHECK(out == R"json("nul\u0000byte")json");

  // DEL and UTF-8 need no escaping.
  out.clear();
  appendJsonString(out, "\x7f caf\xc3\xa9");
  CHECK(out == "\"\x7f caf\xc3\xa9\"");

  Record r;
  r.name = "a\"b";
  r.fields = {{"k\n", std::string("v\"")}};
  CHECK(toJsonLine(r).find(R"json("name":"a\"b","fields":{"k\n":"v\""})json") != std::string::npos);
}

TEST_CASE("version 2: a message's records carry its id after seq, a duplicate says so, a timer when it was armed") {
  Record send;
  send.at = Time::fromNanoseconds(5);
  send.seq = 3;
  send.kind = RecordKind::Send;
  send.msg = 12;
  CHECK(toJsonLine(send).rfind(R"json({"t":5,"seq":3,"msg":12,"kind":"send",)json", 0) == 0);
  send.kind = RecordKind::Deliver;
  send.duplicate = true;
  CHECK(toJsonLine(send).rfind(R"json({"t":5,"seq":3,"msg":12,"duplicate":true,"kind":"deliver",)json", 0) == 0);
  Record timer;
  timer.at = Time::fromNanoseconds(9);
  timer.kind = RecordKind::Timer;
  timer.armed = Time::fromNanoseconds(4);
  CHECK(toJsonLine(timer).rfind(R"json({"t":9,"seq":0,"armed":4,"kind":"timer",)json", 0) == 0);
  Record log;  // no message, no timer: neither key
  CHECK(toJsonLine(log).rfind(R"json({"t":0,"seq":0,"kind":"log",)json", 0) == 0);
}

TEST_CASE("the header line is the header fields as one object") {
  const Fields h{{"format", std::int64_t{kTraceFormatVersion}}, {"scenario", std::string("failover")},
                 {"seed", std::int64_t{7}}};
  CHECK(toJsonLine(h) == R"json({"format":3,"scenario":"failover","seed":7})json");
}

TEST_CASE("JsonLinesSink writes the header then one line per record") {
  std::ostringstream out;
  JsonLinesSink sink(out);
  Trace trace;
  trace.addSink(&sink);
  trace.header({{"seed", std::int64_t{1}}});
  Record a;
  a.name = "a";
  trace.emit(a);
  Record b;
  b.name = "b";
  trace.emit(b);
  CHECK(out.str() ==
        "{\"seed\":1}\n"
        R"json({"t":0,"seq":0,"kind":"log","process":"","host":"","name":"a","fields":{},"ref":""})json"
        "\n"
        R"json({"t":0,"seq":1,"kind":"log","process":"","host":"","name":"b","fields":{},"ref":""})json"
        "\n");
}

TEST_CASE("Trace stamps seq and hands each record to every sink") {
  Trace trace;
  CHECK_FALSE(trace.enabled());
  MemorySink one;
  MemorySink two;
  trace.addSink(&one);
  trace.addSink(&two);
  CHECK(trace.enabled());
  trace.header({{"seed", std::int64_t{3}}});
  for (int i = 0; i < 3; ++i) {
    Record r;
    r.seq = 99;  // overwritten
    trace.emit(r);
  }
  CHECK(trace.count() == 3);
  REQUIRE(one.records().size() == 3);
  REQUIRE(two.records().size() == 3);
  for (std::uint64_t i = 0; i < 3; ++i) {
    CHECK(one.records()[i].seq == i);
    CHECK(two.records()[i].seq == i);
  }
  CHECK(one.headerFields() == Fields{{"seed", std::int64_t{3}}});
}

namespace {
// Counts how each record arrives.
class CountingSink final : public TraceSink {
 public:
  void header(const Fields&) override {}
  void record(const Record&) override { ++copied; }
  void take(Record&& r) override {
    ++taken;
    kept.push_back(std::move(r));
  }
  int copied = 0;
  int taken = 0;
  std::vector<Record> kept;
};
}  // namespace

TEST_CASE("the last sink takes each record without a copy; the others see it by reference") {
  Trace trace;
  CountingSink first;
  CountingSink last;
  trace.addSink(&first);
  trace.addSink(&last);
  Record r;
  r.name = std::string(100, 'n');
  const char* data = r.name.data();
  trace.emit(std::move(r));
  CHECK(first.copied == 1);
  CHECK(first.taken == 0);
  CHECK(last.copied == 0);
  CHECK(last.taken == 1);
  REQUIRE(last.kept.size() == 1);
  CHECK(last.kept[0].name.data() == data);  // the same heap buffer: moved, never copied

  // A MemorySink that is last keeps the record it was given, and hands its records on.
  Trace memoryTrace;
  MemorySink memory;
  memoryTrace.addSink(&memory);
  Record m;
  m.name = std::string(100, 'm');
  const char* mdata = m.name.data();
  memoryTrace.emit(std::move(m));
  REQUIRE(memory.records().size() == 1);
  CHECK(memory.records()[0].name.data() == mdata);
  const std::vector<Record> handed = memory.takeRecords();
  REQUIRE(handed.size() == 1);
  CHECK(handed[0].name.data() == mdata);
  CHECK(memory.records().empty());
}

TEST_CASE("approximateBytes: fixed sizes for a record, its fields and its long strings") {
  // The constants are those of 64-bit libstdc++, where this runs.
  CHECK(sizeof(Record) == 192);
  CHECK(sizeof(Field) == 72);
  Record r;
  CHECK(approximateBytes(r) == 192);
  r.process = "slave(1)";                       // short: inside the string
  r.name = "RegisterSlaveMessage";              // 20 bytes: 21 on the heap + 16
  r.fields = {{"from", std::string(30, 'f')},   // 31 + 16
              {"n", std::int64_t{4}},
              {"j", RawJson{std::string(16, '[')}}};  // 17 + 16
  CHECK(approximateBytes(r) == 192 + 37 + (16 + 3 * 72) + 47 + 33);
  Trace trace;
  MemorySink sink;
  trace.addSink(&sink);
  trace.emit(r);
  trace.emit(r);
  CHECK(trace.bytes() == 2 * approximateBytes(r));
  CHECK(formatBytes(std::uint64_t{2} << 30) == "2 GiB");
  CHECK(formatBytes(std::uint64_t{16} << 20) == "16 MiB");
  CHECK(formatBytes(1000) == "1000 bytes");
}

TEST_CASE("record kinds have names that parse back") {
  const RecordKind all[] = {RecordKind::Send,  RecordKind::Deliver, RecordKind::Drop,
                            RecordKind::Timer, RecordKind::State,   RecordKind::Fault,
                            RecordKind::Check, RecordKind::Log,     RecordKind::Startup, RecordKind::End};
  const char* names[] = {"send", "deliver", "drop", "timer", "state", "fault", "check", "log", "startup", "end"};
  for (std::size_t i = 0; i < std::size(all); ++i) {
    CHECK(std::string(toString(all[i])) == names[i]);
    RecordKind parsed = RecordKind::Log;
    CHECK(parseRecordKind(names[i], parsed));
    CHECK((parsed == all[i]));
  }
  RecordKind untouched = RecordKind::Check;
  CHECK_FALSE(parseRecordKind("Send", untouched));
  CHECK_FALSE(parseRecordKind("", untouched));
  CHECK((untouched == RecordKind::Check));
}

TEST_CASE("Record field accessors") {
  Record r;
  r.fields = {{"s", std::string("x")}, {"i", std::int64_t{5}}, {"b", true}};
  CHECK(r.text("s") == "x");
  CHECK(r.text("i").empty());
  CHECK(r.text("missing").empty());
  CHECK(r.integer("i") == 5);
  CHECK(r.integer("s", -1) == -1);
  CHECK(r.integer("missing", 8) == 8);
  REQUIRE(r.field("b") != nullptr);
  CHECK(std::get<bool>(*r.field("b")));
  CHECK(r.field("nope") == nullptr);
}

TEST_CASE("a simulation records send, deliver, timer, state, log, drop and fault with increasing seq") {
  Simulation sim(1);
  MemorySink sink;
  sim.trace().addSink(&sink);
  Host& a = sim.addHost("agent-1", 5051);
  Host& m = sim.addHost("master-1", 5050);
  auto& slave = sim.spawn<Modelled>(a, "src/slave/slave.cpp", "Slave");
  auto& master = sim.spawn<Recorder>(m, ProcessName::fixed("master"));
  master.on_ping = [](Recorder& self, const Upid& from, const Ping& p) { self.sendPong(from, p.n); };
  slave.peer = master.self();
  sim.at(T(Seconds(5)), "stray", [&] { master.sendStray(slave.self()); });
  sim.at(T(Seconds(6)), "crash", [&] { sim.crash(m); });
  (void)sim.runUntil(Time::max());

  const auto& records = sink.records();
  REQUIRE(!records.empty());
  for (std::size_t i = 0; i < records.size(); ++i) {
    CHECK(records[i].seq == i);
    if (i > 0) CHECK(records[i - 1].at <= records[i].at);
  }

  const auto state = ofKind(sink, RecordKind::State);
  REQUIRE(state.size() == 1);
  CHECK(state[0].process == "slave(1)");
  CHECK(state[0].host == "agent-1");
  CHECK(state[0].name == "state");
  CHECK(state[0].text("state") == "RECOVERING");
  CHECK(state[0].integer("attempt") == 1);
  CHECK(state[0].ref == "src/slave/slave.cpp: Slave::initialize");

  const auto logs = ofKind(sink, RecordKind::Log);
  REQUIRE(logs.size() == 1);
  CHECK(logs[0].text("message") == "starting up");
  CHECK(logs[0].ref == "src/slave/slave.cpp: Slave::initialize");

  const auto timers = ofKind(sink, RecordKind::Timer);
  REQUIRE(timers.size() == 1);
  CHECK(timers[0].name == "doReliableRegistration");
  CHECK(timers[0].process == "slave(1)");
  CHECK(timers[0].at == T(Seconds(1)));
  CHECK(timers[0].ref == "src/slave/slave.cpp: Slave::doReliableRegistration");

  const auto sends = ofKind(sink, RecordKind::Send);
  REQUIRE(sends.size() == 3);  // Ping, Pong, Stray
  CHECK(sends[0].name == "Ping");
  CHECK(sends[0].process == "slave(1)");
  CHECK(sends[0].host == "agent-1");
  CHECK(sends[0].text("to") == "master@master-1:5050");
  CHECK(sends[0].integer("n") == 1);  // from Message::describe
  CHECK(sends[0].ref == "src/slave/slave.cpp: Slave::doReliableRegistration");
  CHECK(sends[1].name == "Pong");
  CHECK(sends[1].process == "master");
  CHECK(sends[1].ref == "ping");  // a process without source or class: the bare function

  const auto delivers = ofKind(sink, RecordKind::Deliver);
  REQUIRE(delivers.size() == 2);
  CHECK(delivers[0].name == "Ping");
  CHECK(delivers[0].process == "master");
  CHECK(delivers[0].text("from") == "slave(1)@agent-1:5051");
  CHECK(delivers[0].at == T(Seconds(1) + Milliseconds(1)));
  CHECK(delivers[1].name == "Pong");
  CHECK(delivers[1].process == "slave(1)");
  // A function that already names its class is not prefixed again.
  CHECK(delivers[1].ref == "src/slave/slave.cpp: Master::pong");

  const auto drops = ofKind(sink, RecordKind::Drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].name == "Stray");
  CHECK(drops[0].text("reason") == "no handler installed");

  const auto faults = ofKind(sink, RecordKind::Fault);
  REQUIRE(faults.size() == 1);
  CHECK(faults[0].name == "crash");
  CHECK(faults[0].host == "master-1");
  CHECK(faults[0].process.empty());
}

TEST_CASE("refOf joins source and class-qualified function") {
  Simulation sim(1);
  Host& h = sim.addHost("agent-1", 5051);
  auto& withSource = sim.spawn<Modelled>(h, "src/slave/slave.cpp", "Slave");
  auto& classOnly = sim.spawn<Modelled>(h, "", "Slave");
  auto& sourceOnly = sim.spawn<Modelled>(h, "src/slave/slave.cpp", "");
  CHECK(sim.refOf(&withSource, "registered") == "src/slave/slave.cpp: Slave::registered");
  CHECK(sim.refOf(&withSource, "Slave::ping") == "src/slave/slave.cpp: Slave::ping");
  CHECK(sim.refOf(&classOnly, "registered") == "Slave::registered");
  CHECK(sim.refOf(&sourceOnly, "registered") == "src/slave/slave.cpp: registered");
  CHECK(sim.refOf(nullptr, "timeline") == "timeline");
  // Empty names, a function already sourced, a lone colon: the same text as before refOf
  // was built in one string (d2f5f94).
  auto& neither = sim.spawn<Modelled>(h, "", "");
  CHECK(sim.refOf(&withSource, "") == "src/slave/slave.cpp: ");  // no class for no function
  CHECK(sim.refOf(&classOnly, "") == "");
  CHECK(sim.refOf(&neither, "") == "");
  CHECK(sim.refOf(&neither, "registered") == "registered");
  CHECK(sim.refOf(&classOnly, "Master::pong") == "Master::pong");
  CHECK(sim.refOf(&withSource, "a:b") == "src/slave/slave.cpp: Slave::a:b");
  CHECK(sim.refOf(&withSource, "src/master/master.cpp: Master::pong") == "src/master/master.cpp: Master::pong");
  CHECK(sim.refOf(nullptr, "") == "");
}

TEST_CASE("with no sink the trace is disabled and nothing is recorded") {
  TwoHosts w;
  CHECK_FALSE(w.sim.trace().enabled());
  w.sim.network().addRule(FaultRule{MessageMatch{"Pong", "", "", {}}, FaultAction::Drop, 0, Ratio{1, 1}, {}, false, {}, {}});
  w.at(Seconds(1), [&] {
    w.slave.sendPing(w.master.self(), 1);
    w.slave.sendPong(w.master.self(), 2);
    w.slave.sendStray(w.master.self());
    w.slave.delay(Seconds(1), "Slave::t", [] {});
    w.slave.traceState("state", "RUNNING");
    w.slave.log("hello");
  });
  w.sim.network().partition("agent-1", "master-1", true);
  w.sim.network().healAll();
  (void)w.sim.runUntil(Time::max());
  w.sim.crash(w.agent);
  CHECK(w.master.numbers() == std::vector<std::int64_t>{1});
  CHECK(w.sim.trace().count() == 0);

  // A sink added later sees records from seq 0.
  MemorySink sink;
  w.sim.trace().addSink(&sink);
  CHECK(w.sim.trace().enabled());
  w.sim.restart(w.agent);
  REQUIRE(!sink.records().empty());
  CHECK(sink.records()[0].seq == 0);
}

// ---------------------------------------------------------------------------------
// Determinism: the same seed gives the same bytes.

namespace {
// Gossip among a few peers: each Ping is answered after a random delay, sometimes with
// another Ping to a random peer, and each peer starts with a random timer.
class Gossip : public Process {
 public:
  Gossip() : Process(ProcessName::generated("gossip")) { install<Ping>(&Gossip::ping, "Gossip::ping"); }
  std::vector<Upid> peers;
  std::string_view source() const override { return "test/gossip.cpp"; }
  std::string_view className() const override { return "Gossip"; }

 protected:
  void initialize() override {
    delay(rng().uniform(Seconds(1)), "Gossip::start", [this] { sendRandom(0); });
  }

 private:
  void sendRandom(std::int64_t hop) {
    const Upid& to = peers[rng().below(peers.size())];
    send(to, Ping(hop));
  }
  void ping(const Upid&, const Ping& m) {
    if (m.n >= 30) return;
    const std::int64_t next = m.n + 1;
    delay(rng().uniform(Milliseconds(200)), "Gossip::forward", [this, next] { sendRandom(next); });
    if (rng().chance(Ratio{1, 5})) {
      delay(rng().uniform(Milliseconds(500)), "Gossip::fork", [this, next] { sendRandom(next); });
    }
  }
};

std::string runGossip(std::uint64_t seed) {
  Simulation sim(seed);
  std::ostringstream out;
  JsonLinesSink sink(out);
  sim.trace().addSink(&sink);
  sim.trace().header({{"seed", static_cast<std::int64_t>(seed)}});
  sim.network().setLatency(LatencyModel{Milliseconds(1), Milliseconds(5)});
  FaultRule lossy;
  lossy.action = FaultAction::Drop;
  lossy.probability = Ratio{1, 10};
  sim.network().addRule(lossy);

  std::vector<Gossip*> all;
  for (int h = 0; h < 3; ++h) {
    Host& host = sim.addHost("host-" + std::to_string(h), 5000);
    for (int p = 0; p < 2; ++p) all.push_back(&sim.spawn<Gossip>(host));
  }
  for (Gossip* g : all) {
    for (Gossip* other : all) {
      if (other != g) g->peers.push_back(other->self());
    }
  }
  const RunResult r = sim.runUntil(Time{} + Seconds(30));
  CHECK(r.reason != StopReason::LimitExceeded);
  return out.str();
}
}  // namespace

TEST_CASE("the same seed gives a byte-identical JSON Lines trace; another seed does not") {
  const std::string first = runGossip(7);
  const std::string second = runGossip(7);
  const std::string other = runGossip(8);
  const auto lines = std::count(first.begin(), first.end(), '\n');
  CHECK(lines > 100);
  CHECK(first.find("\"kind\":\"drop\"") != std::string::npos);
  CHECK(first.find("\"kind\":\"timer\"") != std::string::npos);
  CHECK(first == second);
  CHECK(first != other);
}

// ---------------------------------------------------------------------------------
// Subscriptions: a record nobody wants is never built, but takes its seq.

TEST_CASE("a sink is handed only the records its Interest names; the others keep their seqs") {
  Interest logs;
  logs.name(RecordKind::Log, "a").kind(RecordKind::Fault);
  CHECK(logs.wants(RecordKind::Log, "a"));
  CHECK_FALSE(logs.wants(RecordKind::Log, "b"));
  CHECK(logs.wants(RecordKind::Fault, "anything"));
  CHECK_FALSE(logs.wants(RecordKind::Send, "a"));
  CHECK(Interest::everything().wants(RecordKind::Check, "x"));
  CHECK(Interest().empty());

  Simulation sim(1);
  MemorySink some(logs);
  sim.trace().addSink(&some);
  CHECK(sim.tracing(RecordKind::Log, "a"));
  CHECK(sim.trace().count() == 0);
  CHECK_FALSE(sim.tracing(RecordKind::Log, "b"));  // counted, never built
  CHECK(sim.trace().count() == 1);
  sim.emit(RecordKind::Log, nullptr, "h", "a", {}, "");
  sim.emit(RecordKind::Log, nullptr, "h", "b", {}, "");
  sim.emit(RecordKind::Fault, nullptr, "h", "crash", {}, "");
  REQUIRE(some.records().size() == 2);
  CHECK(some.records()[0].seq == 1);
  CHECK(some.records()[1].seq == 3);
  CHECK(sim.trace().count() == 4);
  CHECK(sim.trace().retained() == 2);

  // A second sink that wants everything sees every record, with the same seqs.
  Simulation both(1);
  MemorySink all;
  MemorySink faults(Interest().kind(RecordKind::Fault));
  both.trace().addSink(&faults);
  both.trace().addSink(&all);
  both.emit(RecordKind::Log, nullptr, "h", "b", {}, "");
  both.emit(RecordKind::Fault, nullptr, "h", "crash", {}, "");
  REQUIRE(all.records().size() == 2);
  REQUIRE(faults.records().size() == 1);
  CHECK(faults.records()[0].seq == 1);
  CHECK(all.records()[1].seq == 1);
}

namespace {
class Logger : public Recorder {
 public:
  using Process::log;
};
}  // namespace

TEST_CASE("a topic has only the records marked with it built; its reader is handed every built record of the kind") {
  Interest ops;
  ops.topic(RecordKind::Log, "op");
  CHECK_FALSE(ops.empty());
  CHECK(ops.admits(RecordKind::Log, "log", "op"));
  CHECK_FALSE(ops.admits(RecordKind::Log, "log", ""));
  CHECK_FALSE(ops.admits(RecordKind::Log, "log", "other"));
  CHECK_FALSE(ops.admits(RecordKind::State, "log", "op"));
  CHECK(ops.wants(RecordKind::Log, "log"));  // a built one, as in a saved trace: the reader tells its own
  CHECK(Interest().name(RecordKind::Log, "log").admits(RecordKind::Log, "log", "op"));  // a reader of every log
  CHECK(Interest().merge(ops).admits(RecordKind::Log, "log", "op"));

  Simulation sim(1);
  Host& host = sim.addHost("h", 1);
  Logger& logger = sim.spawn<Logger>(host);
  (void)sim.settle();
  MemorySink marked(ops);
  sim.trace().addSink(&marked);
  sim.at(Time{} + Seconds(1), "test", [&] {
    logger.log("plain");
    logger.log("marked", {}, "op");
    logger.log("plain again");
  });
  (void)sim.runUntil(Time::max());
  REQUIRE(marked.records().size() == 1);
  CHECK(marked.records()[0].text("message") == "marked");
  // The plain ones took their seqs, unbuilt.
  CHECK(marked.records()[0].seq + 2 == sim.trace().count());
}

TEST_CASE("deliveries and sends nobody subscribed to are not built; the wanted ones keep their seqs") {
  TwoHosts w;
  MemorySink all;
  MemorySink pongs(Interest().name(RecordKind::Deliver, "Pong"));
  w.sim.trace().addSink(&pongs);
  w.at(Seconds(1), [&] {
    w.slave.sendPing(w.master.self(), 1);
    w.slave.sendPong(w.master.self(), 2);
  });
  (void)w.sim.runUntil(Time::max());
  TwoHosts again;
  again.sim.trace().addSink(&all);
  again.at(Seconds(1), [&] {
    again.slave.sendPing(again.master.self(), 1);
    again.slave.sendPong(again.master.self(), 2);
  });
  (void)again.sim.runUntil(Time::max());
  CHECK(w.sim.trace().count() == again.sim.trace().count());
  std::vector<std::string> expected;
  for (const Record& r : all.records()) {
    if (r.kind == RecordKind::Deliver && r.name == "Pong") expected.push_back(toJsonLine(r));
  }
  std::vector<std::string> seen;
  for (const Record& r : pongs.records()) seen.push_back(toJsonLine(r));
  REQUIRE_FALSE(expected.empty());
  CHECK(seen == expected);
}

TEST_CASE("records a sink does not keep in memory do not count toward max_trace_records") {
  Limits limits;
  limits.max_trace_records = 3;
  Simulation sim(1, limits);
  std::ostringstream out;
  JsonLinesSink file(out);  // streams: keeps nothing
  sim.trace().addSink(&file);
  for (int i = 0; i < 10; ++i) {
    sim.at(Time{} + Seconds(i), "log", [&sim] { sim.emit(RecordKind::Log, nullptr, "h", "log", {}, ""); });
  }
  const RunResult r = sim.runUntil(Time{} + Seconds(100));
  CHECK(r.reason != StopReason::LimitExceeded);
  CHECK(sim.trace().count() == 10);
  CHECK(sim.trace().retained() == 0);
}

TEST_CASE("the end record goes last to a trace file, with the record count, and to no view or check") {
  std::ostringstream out;
  JsonLinesSink file(out);
  MemorySink memory;
  Trace trace;
  trace.addSink(&file);
  trace.addSink(&memory);
  Record r;
  r.kind = RecordKind::Log;
  r.name = "log";
  trace.emit(r);
  trace.emit(r);
  trace.end(Time::fromNanoseconds(5'000));
  CHECK(memory.records().size() == 2);
  CHECK(trace.count() == 2);
  const std::string text = out.str();
  CHECK(text.substr(text.rfind('\n', text.size() - 2) + 1) ==
        R"json({"t":5000,"seq":2,"kind":"end","process":"","host":"","name":"end","fields":{"records":2},"ref":""})json"
        "\n");
  // Nobody listening: nothing to end.
  Trace silent;
  silent.end(Time::fromNanoseconds(1));
  CHECK(silent.count() == 0);
}
