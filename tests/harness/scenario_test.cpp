// The scenario loader: the malformed corpus (tests/harness/malformed/), valid documents,
// and expectation evaluation on hand-made trace records.
#include "harness/scenario.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "harness/tables.hpp"

#ifndef AGENTSIM_MALFORMED_DIR
#error "AGENTSIM_MALFORMED_DIR must name tests/harness/malformed (set in tests/harness/meson.build)"
#endif

namespace {

namespace fs = std::filesystem;
using agentsim::harness::Expectation;
using agentsim::harness::LoadError;
using agentsim::harness::loadScenarioFile;
using agentsim::harness::loadScenarioText;
using agentsim::harness::Outcome;
using agentsim::harness::Scenario;
using agentsim::sim::Record;
using agentsim::sim::RecordKind;
namespace sim = agentsim::sim;

Scenario loadOk(const std::string& text) {
  auto loaded = loadScenarioText(text, "test.json");
  if (const auto* err = std::get_if<LoadError>(&loaded)) {
    FAIL_CHECK(err->format());
    return {};
  }
  return std::get<Scenario>(std::move(loaded));
}

std::string loadError(const std::string& text) {
  auto loaded = loadScenarioText(text, "test.json");
  if (const auto* err = std::get_if<LoadError>(&loaded)) return err->format();
  FAIL_CHECK("expected an error for: " << text);
  return {};
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string replaceFirst(std::string text, std::string_view what, std::string_view with) {
  const auto at = text.find(what);
  if (at != std::string::npos) text.replace(at, what.size(), with);
  return text;
}

}  // namespace

// ---------------------------------------------------------------------------------
// (a) Every file in malformed/ fails with exactly the line in its .expected file.

TEST_CASE("every malformed scenario fails with its expected one-line error") {
  const fs::path dir = AGENTSIM_MALFORMED_DIR;
  REQUIRE(fs::is_directory(dir));
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());  // a stable order for the report
  CHECK(cases.size() >= 30);

  for (const fs::path& json : cases) {
    CAPTURE(json.filename().string());
    fs::path expectedPath = json;
    expectedPath.replace_extension(".expected");
    REQUIRE_MESSAGE(fs::exists(expectedPath), "missing " << expectedPath.string());
    std::string expected = readFile(expectedPath);
    while (!expected.empty() && (expected.back() == '\n' || expected.back() == '\r')) expected.pop_back();
    CHECK_MESSAGE(expected.find('\n') == std::string::npos, "an .expected file holds one line");
    expected = replaceFirst(expected, "FILE", json.string());

    auto loaded = loadScenarioFile(json.string());
    const auto* err = std::get_if<LoadError>(&loaded);
    REQUIRE_MESSAGE(err != nullptr, json.string() << " loaded without an error");
    const std::string got = err->format();
    CHECK(got == expected);
    CHECK(got.find('\n') == std::string::npos);
  }

  // And no stray .expected without its scenario.
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".expected") continue;
    fs::path json = entry.path();
    json.replace_extension(".json");
    CHECK_MESSAGE(fs::exists(json), "no scenario for " << entry.path().string());
  }
}

TEST_CASE("a missing file is an error value in the system's words, with no invented position") {
  const std::string path = std::string(AGENTSIM_MALFORMED_DIR) + "/no-such-file.json";
  auto loaded = loadScenarioFile(path);
  REQUIRE(std::holds_alternative<LoadError>(loaded));
  CHECK(std::get<LoadError>(loaded).message == "No such file or directory");
  CHECK(std::get<LoadError>(loaded).format() == "agentsim: error: " + path + ": No such file or directory");
}

TEST_CASE("control characters never break the one-line error format") {
  const std::string e = loadError(R"j({"name": "x", "cluster": {"agents": 1}, "a\nb\u0007": 1})j");
  CHECK(e.find('\n') == std::string::npos);
  CHECK(e.find('\a') == std::string::npos);
  CHECK(e.find(R"j(/a\u000Ab\u0007: unknown key "a\u000Ab\u0007")j") != std::string::npos);
}

// ---------------------------------------------------------------------------------
// (b) Valid documents.

TEST_CASE("defaults: seed 1, until 5mins, one master-1, agents find it") {
  const Scenario s = loadOk(R"j({ "name": "minimal", "cluster": { "agents": [ { "id": "a1" } ] } })j");
  CHECK(s.file == "test.json");
  CHECK(s.name == "minimal");
  CHECK(s.description.empty());
  CHECK(s.notes.empty());
  CHECK(s.seed == 1);
  CHECK(s.until == sim::Minutes(5));
  CHECK(s.latency.base == sim::Milliseconds(1));
  CHECK(s.latency.jitter == sim::Duration{});
  REQUIRE(s.masters.size() == 1);
  CHECK(s.masters[0].id == "master-1");
  CHECK(s.masters[0].flags.port == 5050);
  CHECK(s.masters[0].flags_set.empty());
  REQUIRE(s.agents.size() == 1);
  CHECK(s.agents[0].id == "a1");
  CHECK(s.agents[0].flags.master == "master-1:5050");
  CHECK(s.agents[0].flags.port == 5051);
  CHECK(s.agents[0].flags.registration_backoff_factor == sim::Seconds(1));
  CHECK(s.agents[0].flags_set.empty());
  CHECK(s.timeline.empty());
  CHECK(s.expectations.empty());
  CHECK(s.hasHost("master-1"));
  CHECK(s.hasHost("a1"));
  CHECK_FALSE(s.hasHost("agent-1"));
  CHECK(s.isAgent("a1"));
  CHECK_FALSE(s.isAgent("master-1"));
}

TEST_CASE("top-level keys: description, notes, seed, until, network, $schema") {
  const Scenario s = loadOk(R"j({
    "$schema": "./schema.json",
    "name": "all-keys",
    "description": "Everything at the top level.",
    "notes": ["one", "two"],
    "seed": 18446744073709551615,
    "until": "1.5mins",
    "network": { "latency": "2ms", "jitter": "500us", "note": "a slow LAN" },
    "cluster": { "agents": 0 },
    "timeline": [],
    "expect": []
  })j");
  CHECK(s.description == "Everything at the top level.");
  CHECK(s.notes == std::vector<std::string>{"one", "two"});
  CHECK(s.seed == UINT64_MAX);
  CHECK(s.until == sim::Seconds(90));
  CHECK(s.latency.base == sim::Milliseconds(2));
  CHECK(s.latency.jitter == sim::Microseconds(500));
  CHECK(s.agents.empty());
}

TEST_CASE("counts are shorthand for hosts named prefix-1 .. prefix-N") {
  const Scenario s = loadOk(R"j({ "name": "counts", "cluster": { "masters": 2, "agents": 3 } })j");
  REQUIRE(s.masters.size() == 2);
  CHECK(s.masters[0].id == "master-1");
  CHECK(s.masters[1].id == "master-2");
  REQUIRE(s.agents.size() == 3);
  CHECK(s.agents[0].id == "agent-1");
  CHECK(s.agents[1].id == "agent-2");
  CHECK(s.agents[2].id == "agent-3");
  for (const auto& a : s.agents) CHECK(a.flags.master == "master-1:5050");
}

TEST_CASE("flags are applied to typed fields and kept as written") {
  const Scenario s = loadOk(R"j({
    "name": "flags",
    "cluster": {
      "masters": [ { "id": "m1", "flags": { "port": 6060, "agent_ping_timeout": "10secs",
                                            "max_agent_ping_timeouts": "3", "registry": "in_memory",
                                            "agent_reregister_timeout": "20mins" } } ],
      "agents": [
        { "id": "a1", "flags": { "registration_backoff_factor": "2secs", "port": 5052, "work_dir": "/tmp/mesos" } },
        { "id": "a2", "flags": { "master": "elsewhere:1234" }, "note": "points away on purpose" }
      ]
    }
  })j");
  REQUIRE(s.masters.size() == 1);
  const auto& m = s.masters[0].flags;
  CHECK(m.port == 6060);
  CHECK(m.agent_ping_timeout == sim::Seconds(10));
  CHECK(m.max_agent_ping_timeouts == 3);
  CHECK(m.registry == "in_memory");
  CHECK(m.agent_reregister_timeout == sim::Minutes(20));

  REQUIRE(s.agents.size() == 2);
  const auto& a1 = s.agents[0];
  CHECK(a1.flags.registration_backoff_factor == sim::Seconds(2));
  CHECK(a1.flags.port == 5052);
  CHECK(a1.flags.work_dir == "/tmp/mesos");
  // The default --master follows the first master's port flag.
  CHECK(a1.flags.master == "m1:6060");
  // Kept as text, numbers as JSON prints them, in key order (JSON objects are read sorted).
  const std::vector<std::pair<std::string, std::string>> written{
      {"port", "5052"}, {"registration_backoff_factor", "2secs"}, {"work_dir", "/tmp/mesos"}};
  CHECK(a1.flags_set == written);
  // An explicit --master wins.
  CHECK(s.agents[1].flags.master == "elsewhere:1234");
}

TEST_CASE("timeline entries keep their written order, labels and summaries") {
  const Scenario s = loadOk(R"j({
    "name": "timeline",
    "until": "10mins",
    "cluster": { "masters": 2, "agents": 2 },
    "timeline": [
      { "at": "30secs", "crash": "agent-1", "note": "written first, happens later" },
      { "at": "10secs", "restart": "master-2" },
      { "at": "0secs", "drop": { "message": "RegisterSlaveMessage", "from": "agent-1", "to": "master-1",
                                 "count": 2, "probability": "1/4", "for": "10secs" } },
      { "at": "0secs", "delay": { "message": "PongSlaveMessage", "by": "1secs" } },
      { "at": "0secs", "duplicate": { "to": "slave(1)", "probability": "25%" } },
      { "at": "1mins", "hold": { "message": "PingSlaveMessage", "to": "slave(1)@agent-2:5051" } },
      { "at": "2mins", "release": "timeline[5]" },
      { "at": "3mins", "partition": { "between": ["agent-1", "master-1"], "for": "30secs" } },
      { "at": "3mins", "partition": { "between": ["agent-2", "master-1"], "one_way": true } },
      { "at": "4mins", "heal": ["agent-2", "master-1"] },
      { "at": "5mins", "heal": "all" }
    ]
  })j");
  REQUIRE(s.timeline.size() == 11);
  const std::vector<std::string> kinds{"crash", "restart", "drop",      "delay", "duplicate", "hold",
                                       "release", "partition", "partition", "heal", "heal"};
  const std::vector<std::string> summaries{
      "crash agent-1",
      "restart master-2",
      "drop RegisterSlaveMessage from agent-1 to master-1, first 2, probability 1/4, for 10secs",
      "delay by 1secs PongSlaveMessage",
      "duplicate any message to slave(1), probability 25/100",
      "hold PingSlaveMessage to slave(1)@agent-2:5051",
      "release what timeline[5] held",
      "partition agent-1 <-> master-1 for 30secs",
      "partition agent-2 -> master-1",
      "heal agent-2 <-> master-1",
      "heal all partitions",
  };
  for (std::size_t i = 0; i < s.timeline.size(); ++i) {
    CAPTURE(i);
    CHECK(s.timeline[i].label == "timeline[" + std::to_string(i) + "]");
    CHECK(s.timeline[i].kind == kinds[i]);
    CHECK(s.timeline[i].summary == summaries[i]);
    CHECK(static_cast<bool>(s.timeline[i].apply));
  }
  CHECK(s.timeline[0].at == sim::Seconds(30));
  CHECK(s.timeline[1].at == sim::Seconds(10));
  CHECK(s.timeline[10].at == sim::Minutes(5));
}

TEST_CASE("expectation summaries") {
  const Scenario s = loadOk(R"j({
    "name": "expect",
    "cluster": { "agents": 2 },
    "expect": [
      { "message_count": { "message": "RegisterSlaveMessage", "from": "agent-1", "count": 2,
                           "between": ["0secs", "3secs"] }, "note": "two attempts" },
      { "message_count": { "message": "SlaveRegisteredMessage", "event": "drop", "at_least": 1 } },
      { "message_count": { "message": "PingSlaveMessage", "to": "slave(1)", "event": "deliver", "at_most": 4 } },
      { "message_count": { "message": "PongSlaveMessage", "at_least": 2, "at_most": 5 } },
      { "message_count": { "message": "PongSlaveMessage" } },
      { "message_order": { "messages": ["RegisterSlaveMessage", "SlaveRegisteredMessage"], "to": "agent-2",
                           "event": "deliver" } },
      { "agent_state": { "agent": "agent-1", "state": "RUNNING", "by": "3secs" } },
      { "agent_state": { "agent": "agent-2", "state": "DISCONNECTED", "after": "10secs" } }
    ]
  })j");
  REQUIRE(s.expectations.size() == 8);
  const std::vector<std::pair<std::string, std::string>> want{
      {"message_count", "RegisterSlaveMessage from agent-1 between 0ns and 3secs sent exactly 2 times"},
      {"message_count", "SlaveRegisteredMessage dropped at least 1 times"},
      {"message_count", "PingSlaveMessage to slave(1) delivered at most 4 times"},
      {"message_count", "PongSlaveMessage sent between 2 and 5 times"},
      {"message_count", "PongSlaveMessage sent at least 1 times"},
      {"message_order", "RegisterSlaveMessage, SlaveRegisteredMessage delivered in this order"},
      {"agent_state", "agent agent-1 reaches RUNNING by 3secs"},
      {"agent_state", "agent agent-2 reaches DISCONNECTED by 5mins (after 10secs)"},
  };
  for (std::size_t i = 0; i < want.size(); ++i) {
    CAPTURE(i);
    CHECK(s.expectations[i].kind == want[i].first);
    CHECK(s.expectations[i].summary == want[i].second);
    CHECK(static_cast<bool>(s.expectations[i].evaluate));
  }
}

TEST_CASE("the tables list their kinds by name, with help") {
  std::vector<std::string> actions;
  for (const auto& k : agentsim::harness::actionKinds()) {
    actions.emplace_back(k.name);
    CHECK_FALSE(k.help.empty());
  }
  CHECK(std::is_sorted(actions.begin(), actions.end()));
  CHECK(std::adjacent_find(actions.begin(), actions.end()) == actions.end());
  std::vector<std::string> expectations;
  for (const auto& k : agentsim::harness::expectationKinds()) {
    expectations.emplace_back(k.name);
    CHECK_FALSE(k.help.empty());
  }
  CHECK(std::adjacent_find(expectations.begin(), expectations.end()) == expectations.end());
}

// ---------------------------------------------------------------------------------
// (c) Expectation evaluation on hand-made trace records.

namespace {

// A two-agent cluster; `entry` is one element of "expect".
Expectation expectation(const std::string& entry) {
  const Scenario s = loadOk(R"j({ "name": "eval", "until": "1mins", "cluster": { "agents": 2 }, "expect": [ )j" +
                            entry + " ] }");
  REQUIRE(s.expectations.size() == 1);
  return s.expectations[0];
}

sim::Time ms(std::int64_t n) { return sim::Time{} + sim::Milliseconds(n); }

Record record(RecordKind kind, std::int64_t at_ms, std::string process, std::string host, std::string name,
              sim::Fields fields) {
  Record r;
  r.at = ms(at_ms);
  r.kind = kind;
  r.process = std::move(process);
  r.host = std::move(host);
  r.name = std::move(name);
  r.fields = std::move(fields);
  return r;
}

// As the kernel records them: sends and deliveries carry both full addresses, a drop
// both too.
std::string address(const std::string& process, const std::string& host) {
  return process + "@" + host + (host.rfind("master", 0) == 0 ? ":5050" : ":5051");
}
Record send(std::int64_t at_ms, std::string process, std::string host, std::string name, std::string to) {
  std::string from = address(process, host);
  return record(RecordKind::Send, at_ms, std::move(process), std::move(host), std::move(name),
                {{"from", std::move(from)}, {"to", std::move(to)}});
}
Record deliver(std::int64_t at_ms, std::string process, std::string host, std::string name, std::string from) {
  std::string to = address(process, host);
  return record(RecordKind::Deliver, at_ms, std::move(process), std::move(host), std::move(name),
                {{"from", std::move(from)}, {"to", std::move(to)}});
}
Record drop(std::int64_t at_ms, std::string host, std::string name, std::string from, std::string to) {
  return record(RecordKind::Drop, at_ms, "", std::move(host), std::move(name),
                {{"from", std::move(from)}, {"to", std::move(to)}, {"reason", "partition"}});
}
Record state(std::int64_t at_ms, std::string host, std::string value) {
  return record(RecordKind::State, at_ms, "slave(1)", std::move(host), "Slave::State", {{"state", std::move(value)}});
}

// agent-1 registers twice (the first acknowledgement is lost), agent-2 once.
std::vector<Record> registrationTrace() {
  const std::string master = "master@master-1:5050";
  const std::string slave1 = "slave(1)@agent-1:5051";
  const std::string slave2 = "slave(1)@agent-2:5051";
  return {
      state(0, "agent-1", "RECOVERING"),
      state(0, "agent-2", "RECOVERING"),
      state(500, "agent-1", "DISCONNECTED"),
      send(1000, "slave(1)", "agent-1", "RegisterSlaveMessage", master),
      deliver(1001, "master", "master-1", "RegisterSlaveMessage", slave1),
      send(1001, "master", "master-1", "SlaveRegisteredMessage", slave1),
      drop(1002, "agent-1", "SlaveRegisteredMessage", master, slave1),
      send(2000, "slave(1)", "agent-2", "RegisterSlaveMessage", master),
      deliver(2001, "master", "master-1", "RegisterSlaveMessage", slave2),
      send(3000, "slave(1)", "agent-1", "RegisterSlaveMessage", master),
      deliver(3001, "master", "master-1", "RegisterSlaveMessage", slave1),
      send(3001, "master", "master-1", "SlaveRegisteredMessage", slave1),
      deliver(3002, "slave(1)", "agent-1", "SlaveRegisteredMessage", master),
      state(3002, "agent-1", "RUNNING"),
      record(RecordKind::State, 4000, "slave(1)", "agent-1", "Other::State", {{"state", "DISCONNECTED"}}),
  };
}

Outcome evaluate(const std::string& entry) { return expectation(entry).evaluate(registrationTrace()); }

bool holds(const std::string& entry) { return evaluate(entry).held; }

}  // namespace

TEST_CASE("message_count counts sends by default, deliveries and drops on request") {
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage", "count": 3 } })j"));
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage", "event": "send", "count": 3 } })j"));
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage", "event": "deliver", "count": 3 } })j"));
  CHECK(holds(R"j({ "message_count": { "message": "SlaveRegisteredMessage", "event": "deliver", "count": 1 } })j"));
  CHECK(holds(R"j({ "message_count": { "message": "SlaveRegisteredMessage", "event": "drop", "count": 1 } })j"));
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage", "event": "drop", "count": 0 } })j"));

  const Outcome o = evaluate(R"j({ "message_count": { "message": "RegisterSlaveMessage", "count": 3 } })j");
  CHECK(o.evidence == "3 sent at 1.000000s, 2.000000s, 3.000000s");
  const Outcome none = evaluate(R"j({ "message_count": { "message": "PingSlaveMessage", "count": 1 } })j");
  CHECK_FALSE(none.held);
  CHECK(none.evidence == "none seen");
}

TEST_CASE("message_count matches an endpoint by host, process id or full address") {
  // By host.
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage", "from": "agent-1", "count": 2 } })j"));
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage", "from": "agent-2", "count": 1 } })j"));
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage", "to": "master-1", "count": 3 } })j"));
  CHECK(holds(R"j({ "message_count": { "message": "SlaveRegisteredMessage", "to": "agent-2", "count": 0 } })j"));
  // By process id, on any host.
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage", "from": "slave(1)", "count": 3 } })j"));
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage", "to": "master", "count": 3 } })j"));
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage", "from": "slave(2)", "count": 0 } })j"));
  // By full address: the receiver of a send, the sender of a delivery, either end of a drop.
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage", "to": "master@master-1:5050",
                                       "count": 3 } })j"));
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage", "event": "deliver",
                                       "from": "slave(1)@agent-2:5051", "count": 1 } })j"));
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage", "event": "deliver",
                                       "from": "slave(1)@agent-1:5052", "count": 0 } })j"));
  CHECK(holds(R"j({ "message_count": { "message": "SlaveRegisteredMessage", "event": "drop",
                                       "from": "master@master-1:5050", "to": "slave(1)@agent-1:5051",
                                       "count": 1 } })j"));
  // Both ends must match.
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage", "from": "agent-2", "to": "master",
                                       "count": 1 } })j"));
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage", "from": "agent-2", "to": "agent-1",
                                       "count": 0 } })j"));
  // By the process that sent or received, when the record names only the other end.
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage", "event": "deliver", "to": "master-1",
                                       "count": 3 } })j"));
  CHECK(holds(R"j({ "message_count": { "message": "SlaveRegisteredMessage", "event": "deliver",
                                       "to": "slave(1)", "count": 1 } })j"));
}

TEST_CASE("message_count windows are inclusive at both ends") {
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage", "between": ["0secs", "2secs"],
                                       "count": 2 } })j"));
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage", "between": ["2secs", "3secs"],
                                       "count": 2 } })j"));
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage", "between": ["1001ms", "1999ms"],
                                       "count": 0 } })j"));
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage", "between": ["3secs", "3secs"],
                                       "count": 1 } })j"));
}

TEST_CASE("message_count bounds: count, at_least, at_most") {
  const std::string base = R"j({ "message_count": { "message": "RegisterSlaveMessage", )j";
  CHECK(holds(base + R"j("count": 3 } })j"));
  CHECK_FALSE(holds(base + R"j("count": 2 } })j"));
  CHECK_FALSE(holds(base + R"j("count": 4 } })j"));
  CHECK(holds(base + R"j("at_least": 3 } })j"));
  CHECK_FALSE(holds(base + R"j("at_least": 4 } })j"));
  CHECK(holds(base + R"j("at_most": 3 } })j"));
  CHECK_FALSE(holds(base + R"j("at_most": 2 } })j"));
  CHECK(holds(base + R"j("at_least": 1, "at_most": 3 } })j"));
  CHECK_FALSE(holds(base + R"j("at_least": 4, "at_most": 9 } })j"));
  CHECK(holds(R"j({ "message_count": { "message": "RegisterSlaveMessage" } })j"));  // at least one by default
  CHECK_FALSE(holds(R"j({ "message_count": { "message": "PingSlaveMessage" } })j"));
  // With only at_most, zero is enough: "at_most": 0 says "never".
  CHECK(holds(R"j({ "message_count": { "message": "PingSlaveMessage", "at_most": 0 } })j"));
  CHECK(holds(R"j({ "message_count": { "message": "PingSlaveMessage", "at_most": 2 } })j"));
}

TEST_CASE("message_order holds when the messages appear in order, others in between") {
  const Outcome o = evaluate(
      R"j({ "message_order": { "messages": ["RegisterSlaveMessage", "RegisterSlaveMessage",
                                            "SlaveRegisteredMessage"] } })j");
  CHECK(o.held);
  CHECK(o.evidence == "RegisterSlaveMessage at 1.000000s, RegisterSlaveMessage at 2.000000s, "
                      "SlaveRegisteredMessage at 3.001000s");

  // Restricted to agent-1's sends: its two attempts, then nothing it sent after.
  CHECK(holds(R"j({ "message_order": { "messages": ["RegisterSlaveMessage", "RegisterSlaveMessage"],
                                       "from": "agent-1" } })j"));
  CHECK(holds(R"j({ "message_order": { "messages": ["RegisterSlaveMessage", "SlaveRegisteredMessage"],
                                       "event": "deliver", "between": ["2secs", "4secs"] } })j"));
}

TEST_CASE("message_order fails with the evidence of how far it got") {
  const Outcome o = evaluate(
      R"j({ "message_order": { "messages": ["SlaveRegisteredMessage", "RegisterSlaveMessage",
                                            "PingSlaveMessage"] } })j");
  CHECK_FALSE(o.held);
  CHECK(o.evidence == "SlaveRegisteredMessage at 1.001000s, RegisterSlaveMessage at 2.000000s; "
                      "never saw PingSlaveMessage after that");

  const Outcome none = evaluate(R"j({ "message_order": { "messages": ["PingSlaveMessage", "PongSlaveMessage"] } })j");
  CHECK_FALSE(none.held);
  CHECK(none.evidence == "never saw PingSlaveMessage after that");

  const Outcome agent2 = evaluate(
      R"j({ "message_order": { "messages": ["RegisterSlaveMessage", "RegisterSlaveMessage"], "from": "agent-2" } })j");
  CHECK_FALSE(agent2.held);
  CHECK(agent2.evidence == "RegisterSlaveMessage at 2.000000s; never saw RegisterSlaveMessage after that");

  // The window cuts off agent-1's first attempt, so the order fails.
  CHECK_FALSE(holds(R"j({ "message_order": { "messages": ["RegisterSlaveMessage", "RegisterSlaveMessage"],
                                             "from": "agent-1", "between": ["2secs", "1mins"] } })j"));
}

TEST_CASE("agent_state: the state is reached within [after, by]") {
  const Outcome o = evaluate(R"j({ "agent_state": { "agent": "agent-1", "state": "RUNNING", "by": "5secs" } })j");
  CHECK(o.held);
  CHECK(o.evidence == "RUNNING at 3.002000s");
  CHECK(holds(R"j({ "agent_state": { "agent": "agent-1", "state": "RUNNING" } })j"));  // by: until
  CHECK(holds(R"j({ "agent_state": { "agent": "agent-1", "state": "RUNNING", "by": "3002ms" } })j"));

  const Outcome late = evaluate(R"j({ "agent_state": { "agent": "agent-1", "state": "RUNNING", "by": "3secs" } })j");
  CHECK_FALSE(late.held);
  CHECK(late.evidence == "last state DISCONNECTED at 0.500000s");

  CHECK(holds(R"j({ "agent_state": { "agent": "agent-1", "state": "DISCONNECTED", "after": "500ms" } })j"));
  const Outcome after = evaluate(R"j({ "agent_state": { "agent": "agent-1", "state": "DISCONNECTED",
                                                        "after": "1secs" } })j");
  CHECK_FALSE(after.held);  // a state change of another machine at 4secs does not count
  CHECK(after.evidence == "last state RUNNING at 3.002000s");

  const Outcome other = evaluate(R"j({ "agent_state": { "agent": "agent-2", "state": "RUNNING" } })j");
  CHECK_FALSE(other.held);
  CHECK(other.evidence == "last state RECOVERING at 0.000000s");

  const Outcome empty = expectation(R"j({ "agent_state": { "agent": "agent-1", "state": "RUNNING" } })j").evaluate({});
  CHECK_FALSE(empty.held);
  CHECK(empty.evidence == "no state change recorded");
}

// ---------------------------------------------------------------------------------
// (d) Frameworks with tasks; the agent-process and framework actions; task_state.

namespace {

using agentsim::model::AcknowledgePolicy;
using agentsim::model::TaskState;
using agentsim::model::TaskUpdateStep;

std::string withFrameworks(const std::string& frameworks, const std::string& rest = "") {
  return R"j({ "name": "tasks", "cluster": { "masters": 1, "agents": 2 }, "frameworks": )j" + frameworks + rest + " }";
}

bool sameSteps(const std::vector<TaskUpdateStep>& got, const std::vector<TaskUpdateStep>& want) {
  if (got.size() != want.size()) return false;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i].state != want[i].state || got[i].after != want[i].after || got[i].task_id != want[i].task_id) {
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("framework keys: checkpoint, partition_aware, acknowledge, with their defaults") {
  const Scenario s = loadOk(withFrameworks(R"j([
    { "id": "f1" },
    { "id": "f2", "checkpoint": true, "partition_aware": true, "acknowledge": "never" },
    { "id": "f3", "acknowledge": "2.5secs" },
    { "id": "f4", "acknowledge": "at_once" }
  ])j"));
  REQUIRE(s.frameworks.size() == 4);
  CHECK_FALSE(s.frameworks[0].flags.checkpoint);
  CHECK_FALSE(s.frameworks[0].flags.partition_aware);
  CHECK(s.frameworks[0].flags.acknowledge.kind == AcknowledgePolicy::Kind::AT_ONCE);
  CHECK(s.frameworks[0].flags.tasks.empty());
  CHECK(s.frameworks[1].flags.checkpoint);
  CHECK(s.frameworks[1].flags.partition_aware);
  CHECK(s.frameworks[1].flags.acknowledge.kind == AcknowledgePolicy::Kind::NEVER);
  CHECK(s.frameworks[2].flags.acknowledge.kind == AcknowledgePolicy::Kind::AFTER);
  CHECK(s.frameworks[2].flags.acknowledge.after == sim::Milliseconds(2500));
  CHECK(s.frameworks[3].flags.acknowledge.kind == AcknowledgePolicy::Kind::AT_ONCE);
  // A count gives default frameworks.
  const Scenario counted = loadOk(withFrameworks("2"));
  REQUIRE(counted.frameworks.size() == 2);
  CHECK(counted.frameworks[1].id == "framework-2");
  CHECK(counted.frameworks[1].flags.tasks.empty());
}

TEST_CASE("tasks: command executor defaults, run_time and end") {
  const Scenario s = loadOk(withFrameworks(R"j([ { "id": "framework-1", "tasks": [
    { "id": "sleeper", "agent": "agent-1" },
    { "id": "short", "agent": "agent-2", "at": "1secs", "run_time": "10secs", "resources": "cpus:1;mem:128",
      "note": "finishes" },
    { "id": "broken", "agent": "agent-1", "run_time": "3secs", "end": "TASK_FAILED" }
  ] } ])j"));
  const auto& tasks = s.frameworks[0].flags.tasks;
  REQUIRE(tasks.size() == 3);

  const auto& sleeper = tasks[0];
  CHECK(sleeper.at == sim::Seconds(5));
  CHECK(sleeper.agent == "agent-1");
  CHECK(sleeper.info.task_id == "sleeper");
  CHECK(sleeper.info.name == "sleeper");
  CHECK(sleeper.info.resources == "cpus:0.1;mem:32");
  CHECK(sleeper.info.executor.command);
  CHECK(sleeper.info.executor.executor_id == "sleeper");
  CHECK_FALSE(sleeper.info.executor.shutdown_grace_period.has_value());
  CHECK_FALSE(sleeper.info.executor.ignore_shutdown);
  // STARTING and RUNNING at once; no end: it runs until killed.
  CHECK(sameSteps(sleeper.info.steps, {{TaskState::TASK_STARTING, {}, ""}, {TaskState::TASK_RUNNING, {}, ""}}));

  const auto& shortTask = tasks[1];
  CHECK(shortTask.at == sim::Seconds(1));
  CHECK(shortTask.agent == "agent-2");
  CHECK(shortTask.info.resources == "cpus:1;mem:128");
  CHECK(sameSteps(shortTask.info.steps, {{TaskState::TASK_STARTING, {}, ""},
                                         {TaskState::TASK_RUNNING, {}, ""},
                                         {TaskState::TASK_FINISHED, sim::Seconds(10), ""}}));

  CHECK(sameSteps(tasks[2].info.steps, {{TaskState::TASK_STARTING, {}, ""},
                                        {TaskState::TASK_RUNNING, {}, ""},
                                        {TaskState::TASK_FAILED, sim::Seconds(3), ""}}));
}

TEST_CASE("tasks: a custom executor, and updates that replace the defaults") {
  const Scenario s = loadOk(withFrameworks(R"j([ { "id": "framework-1", "tasks": [
    { "id": "t1", "agent": "agent-1",
      "executor": { "id": "exec", "shutdown_grace_period": "3secs", "ignore_shutdown": true, "note": "stubborn" } },
    { "id": "t2", "agent": "agent-1", "executor": { "id": "exec", "shutdown_grace_period": "3secs",
                                                    "ignore_shutdown": true }, "run_time": "1mins" },
    { "id": "t3", "agent": "agent-2", "executor": { "id": "exec" } },
    { "id": "t4", "agent": "agent-2", "updates": [
        "TASK_RUNNING",
        { "state": "TASK_FINISHED", "after": "2secs" },
        { "state": "TASK_RUNNING", "after": "3secs", "task": "ghost", "note": "an update for another task" } ] },
    { "id": "t5", "agent": "agent-2", "updates": [] }
  ] } ])j"));
  const auto& tasks = s.frameworks[0].flags.tasks;
  REQUIRE(tasks.size() == 5);
  const auto& e1 = tasks[0].info.executor;
  CHECK_FALSE(e1.command);
  CHECK(e1.executor_id == "exec");
  CHECK(e1.shutdown_grace_period == sim::Seconds(3));
  CHECK(e1.ignore_shutdown);
  // A custom executor sends RUNNING only.
  CHECK(sameSteps(tasks[0].info.steps, {{TaskState::TASK_RUNNING, {}, ""}}));
  CHECK(sameSteps(tasks[1].info.steps,
                  {{TaskState::TASK_RUNNING, {}, ""}, {TaskState::TASK_FINISHED, sim::Minutes(1), ""}}));
  // The same executor id on another agent may be described otherwise.
  CHECK_FALSE(tasks[2].info.executor.ignore_shutdown);
  CHECK(sameSteps(tasks[3].info.steps, {{TaskState::TASK_RUNNING, {}, ""},
                                        {TaskState::TASK_FINISHED, sim::Seconds(2), ""},
                                        {TaskState::TASK_RUNNING, sim::Seconds(3), "ghost"}}));
  CHECK(tasks[3].info.executor.command);
  CHECK(tasks[4].info.steps.empty());  // sends nothing at all
}

TEST_CASE("tasks: what the loader refuses") {
  auto err = [](const std::string& tasks) {
    return loadError(withFrameworks(R"j([ { "id": "framework-1", "tasks": )j" + tasks + " } ]"));
  };
  CHECK(err(R"j([ { "id": "t1" } ])j").find("/frameworks/0/tasks/0: missing required key \"agent\"") !=
        std::string::npos);
  CHECK(err(R"j([ { "agent": "agent-1" } ])j").find("missing required key \"id\"") != std::string::npos);
  CHECK(err(R"j([ { "id": "t1", "agent": "master-1" } ])j")
            .find("/frameworks/0/tasks/0/agent: \"master-1\" is not an agent; a task runs on an agent of the cluster") !=
        std::string::npos);
  CHECK(err(R"j([ { "id": "t1", "agent": "agent-1", "end": "TASK_FAILED" } ])j")
            .find("/frameworks/0/tasks/0/end: \"end\" needs \"run_time\"") != std::string::npos);
  CHECK(err(R"j([ { "id": "t1", "agent": "agent-1", "end": "TASK_KILLED", "updates": [] } ])j")
            .find("give either \"updates\" or \"run_time\"/\"end\", not both") != std::string::npos);
  CHECK(err(R"j([ { "id": "t1", "agent": "agent-1", "updates": ["TASK_NOPE"] } ])j")
            .find("/frameworks/0/tasks/0/updates/0: expected a task state (TASK_STAGING, ") != std::string::npos);
  CHECK(err(R"j([ { "id": "t1", "agent": "agent-1", "updates": [ { "after": "1secs" } ] } ])j")
            .find("/frameworks/0/tasks/0/updates/0: missing required key \"state\"") != std::string::npos);
  CHECK(err(R"j([ { "id": "t1", "agent": "agent-1", "updates": [ 7 ] } ])j")
            .find("expected a task state name or an object {state, after, task}, got the number 7") !=
        std::string::npos);
  CHECK(err(R"j([ { "id": "t1", "agent": "agent-1", "run_time": "-1secs" } ])j")
            .find("/frameworks/0/tasks/0/run_time: expected a duration within [0ns, 52weeks]") != std::string::npos);
  CHECK(err(R"j([ { "id": "t1", "agent": "agent-1", "executor": { "shutdown_grace_period": "1secs" } } ])j")
            .find("/frameworks/0/tasks/0/executor: missing required key \"id\"") != std::string::npos);
  CHECK(err(R"j({ "id": "t1" })j").find("/frameworks/0/tasks: expected an array, got an object") != std::string::npos);
  // At most 10000 tasks per framework.
  std::string many = "[";
  for (int i = 0; i <= 10'000; ++i) many += std::string(i == 0 ? "" : ",") + "{}";
  many += "]";
  CHECK(err(many).find("/frameworks/0/tasks: too many items: 10001 (agentsim accepts at most 10000)") !=
        std::string::npos);
  CHECK(loadError(withFrameworks(R"j([ { "id": "f", "acknowledge": 5 } ])j"))
            .find("/frameworks/0/acknowledge: expected \"at_once\", \"never\" or a Mesos duration") != std::string::npos);
  CHECK(loadError(withFrameworks(R"j([ { "id": "f", "acknowledge": "-1secs" } ])j"))
            .find("/frameworks/0/acknowledge: expected a duration within [0ns, 52weeks]") != std::string::npos);
  CHECK(loadError(withFrameworks(R"j([ { "id": "f", "checkpoint": "yes" } ])j"))
            .find("/frameworks/0/checkpoint: expected true or false") != std::string::npos);
}

TEST_CASE("agent-process and framework actions: summaries and references") {
  const Scenario s = loadOk(withFrameworks(R"j([ { "id": "framework-1", "tasks": [
      { "id": "t1", "agent": "agent-1" }, { "id": "t2", "agent": "agent-2" } ] } ])j",
                                           R"j(, "timeline": [
    { "at": "10secs", "restart_agent": "agent-1" },
    { "at": "11secs", "stop_agent": "agent-2" },
    { "at": "12secs", "start_agent": "agent-2" },
    { "at": "13secs", "kill_task": { "task": "t1" } },
    { "at": "14secs", "kill_task": { "framework": "framework-1", "task": "t2" } },
    { "at": "15secs", "reconcile": {} },
    { "at": "16secs", "reconcile": { "framework": "framework-1", "tasks": ["t1", "unknown-task"] } }
  ])j"));
  const std::vector<std::pair<std::string, std::string>> want{
      {"restart_agent", "restart the agent process on agent-1"},
      {"stop_agent", "stop the agent process on agent-2"},
      {"start_agent", "start the agent process on agent-2"},
      {"kill_task", "framework-1 kills task t1"},
      {"kill_task", "framework-1 kills task t2"},
      {"reconcile", "framework-1 reconciles every task (implicit)"},
      {"reconcile", "framework-1 reconciles tasks t1, unknown-task"},
  };
  REQUIRE(s.timeline.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CAPTURE(i);
    CHECK(s.timeline[i].kind == want[i].first);
    CHECK(s.timeline[i].summary == want[i].second);
    CHECK(static_cast<bool>(s.timeline[i].apply));
  }

  auto err = [](const std::string& frameworks, const std::string& entry) {
    return loadError(withFrameworks(frameworks, R"j(, "timeline": [ )j" + entry + " ]"));
  };
  const std::string one = R"j([ { "id": "framework-1", "tasks": [ { "id": "t1", "agent": "agent-1" } ] } ])j";
  CHECK(err(one, R"j({ "at": "1secs", "restart_agent": "framework-1" })j")
            .find("/timeline/0/restart_agent: \"framework-1\" is not an agent") != std::string::npos);
  CHECK(err(one, R"j({ "at": "1secs", "stop_agent": "agent-9" })j")
            .find("/timeline/0/stop_agent: no agent named \"agent-9\" in the cluster") != std::string::npos);
  CHECK(err(one, R"j({ "at": "1secs", "kill_task": { "framework": "framework-2", "task": "t1" } })j")
            .find("/timeline/0/kill_task/framework: no framework named \"framework-2\" in the scenario; expected one "
                  "of: framework-1") != std::string::npos);
  CHECK(err(one, R"j({ "at": "1secs", "kill_task": { "framework": "framework-1" } })j")
            .find("/timeline/0/kill_task: missing required key \"task\"") != std::string::npos);
  CHECK(err("2", R"j({ "at": "1secs", "kill_task": { "task": "t1" } })j")
            .find("/timeline/0/kill_task: missing required key \"framework\" (the scenario has 2 frameworks)") !=
        std::string::npos);
  CHECK(err("0", R"j({ "at": "1secs", "reconcile": {} })j")
            .find("/timeline/0/reconcile: the scenario has no frameworks") != std::string::npos);
  CHECK(err(one, R"j({ "at": "1secs", "reconcile": { "tasks": [] } })j")
            .find("/timeline/0/reconcile/tasks: an empty list of tasks; leave \"tasks\" out for implicit "
                  "reconciliation") != std::string::npos);
}

namespace {

// A framework on framework-1 with task-1 on agent-1; `entry` is one element of "expect".
Expectation taskExpectation(const std::string& entry, const std::string& timeline = "") {
  const Scenario s = loadOk(R"j({ "name": "eval", "until": "1mins", "cluster": { "agents": 1 },
    "frameworks": [ { "id": "framework-1", "tasks": [ { "id": "task-1", "agent": "agent-1" } ] } ])j" +
                            timeline + R"j(, "expect": [ )j" + entry + " ] }");
  REQUIRE(s.expectations.size() == 1);
  return s.expectations[0];
}

Record schedulerUpdate(std::int64_t at_ms, std::string task, std::string state, std::string source,
                       std::string reason = "", std::string host = "framework-1") {
  return record(RecordKind::State, at_ms, "scheduler(1)", std::move(host), "Scheduler::statusUpdate",
                {{"state", std::move(state)}, {"framework_id", "fw-0000"}, {"task_id", std::move(task)},
                 {"uuid", "u"}, {"source", std::move(source)}, {"reason", std::move(reason)}});
}

std::vector<Record> taskTrace() {
  std::vector<Record> t{
      schedulerUpdate(5100, "task-1", "TASK_STARTING", "SOURCE_EXECUTOR"),
      schedulerUpdate(5200, "task-1", "TASK_RUNNING", "SOURCE_EXECUTOR"),
      schedulerUpdate(5300, "task-2", "TASK_RUNNING", "SOURCE_EXECUTOR"),                    // another task
      schedulerUpdate(5400, "task-1", "TASK_LOST", "SOURCE_SLAVE", "", "framework-2"),        // another framework
      schedulerUpdate(9000, "task-1", "TASK_RUNNING", "SOURCE_MASTER", "REASON_RECONCILIATION"),
  };
  Record fault = record(RecordKind::Fault, 8000, "", "", "reconcile", {{"action", "reconcile"}, {"label", "timeline[0]"}});
  t.insert(t.begin() + 3, fault);
  return t;
}

}  // namespace

TEST_CASE("task_state: summaries, and what the loader refuses") {
  CHECK(taskExpectation(R"j({ "task_state": { "task": "task-1", "state": "TASK_RUNNING" } })j").summary ==
        "framework-1 sees task task-1 TASK_RUNNING at least 1 times");
  CHECK(taskExpectation(R"j({ "task_state": { "framework": "framework-1", "task": "task-1", "state": "TASK_LOST",
                                              "reason": "REASON_RECONCILIATION", "source": "SOURCE_MASTER",
                                              "after": "10secs", "by": "20secs", "count": 0 } })j")
            .summary == "framework-1 sees task task-1 TASK_LOST REASON_RECONCILIATION from SOURCE_MASTER after 10secs "
                        "by 20secs exactly 0 times");

  auto err = [](const std::string& entry) {
    return loadError(R"j({ "name": "eval", "cluster": { "agents": 1 },
      "frameworks": [ { "id": "framework-1", "tasks": [ { "id": "task-1", "agent": "agent-1" } ] } ],
      "expect": [ )j" + entry + " ] }");
  };
  CHECK(err(R"j({ "task_state": { "task": "task-9", "state": "TASK_RUNNING" } })j")
            .find("/expect/0/task_state/task: framework framework-1 has no task \"task-9\"") != std::string::npos);
  CHECK(err(R"j({ "task_state": { "task": "task-1" } })j").find("missing required key \"state\"") !=
        std::string::npos);
  CHECK(err(R"j({ "task_state": { "task": "task-1", "state": "TASK_RUNNING", "reason": "RECONCILIATION" } })j")
            .find("/expect/0/task_state/reason: unknown TaskStatus reason \"RECONCILIATION\" (did you mean "
                  "\"REASON_RECONCILIATION\"?); expected one of: REASON_") != std::string::npos);
  CHECK(err(R"j({ "task_state": { "task": "task-1", "state": "TASK_RUNNING", "source": "SOURCE_AGENT" } })j")
            .find("/expect/0/task_state/source: unknown TaskStatus source \"SOURCE_AGENT\"") !=
        std::string::npos);
  CHECK(err(R"j({ "task_state": { "task": "task-1", "state": "TASK_RUNNING", "after": "timeline[3]" } })j")
            .find("no timeline entry labelled \"timeline[3]\"") != std::string::npos);
  CHECK(err(R"j({ "task_state": { "task": "task-1", "state": "TASK_RUNNING", "after": "10secs", "by": "5secs" } })j")
            .find("/expect/0/task_state/by: by (5secs) is before after (10secs)") != std::string::npos);
  CHECK(err(R"j({ "task_state": { "task": "task-1", "state": "TASK_RUNNING", "count": 1, "at_most": 2 } })j")
            .find("give either \"count\" or \"at_least\"/\"at_most\", not both") != std::string::npos);
  // Task ids named by updates and by reconcile actions are known too.
  loadOk(R"j({ "name": "eval", "cluster": { "agents": 1 },
    "frameworks": [ { "id": "framework-1", "tasks": [ { "id": "task-1", "agent": "agent-1",
                      "updates": [ { "state": "TASK_RUNNING", "task": "other" } ] } ] } ],
    "timeline": [ { "at": "10secs", "reconcile": { "tasks": ["asked-about"] } } ],
    "expect": [ { "task_state": { "task": "other", "state": "TASK_RUNNING" } },
                { "task_state": { "task": "asked-about", "state": "TASK_LOST" } } ] })j");
}

TEST_CASE("task_state evaluates the scheduler's Scheduler::statusUpdate records of the task") {
  const auto trace = taskTrace();
  auto eval = [&](const std::string& entry, const std::string& timeline = "") {
    return taskExpectation(entry, timeline).evaluate(trace);
  };
  const Outcome running = eval(R"j({ "task_state": { "task": "task-1", "state": "TASK_RUNNING" } })j");
  CHECK(running.held);
  CHECK(running.evidence == "TASK_RUNNING at 5.200000s, 9.000000s");
  CHECK(eval(R"j({ "task_state": { "task": "task-1", "state": "TASK_RUNNING", "count": 2 } })j").held);
  CHECK(eval(R"j({ "task_state": { "task": "task-1", "state": "TASK_RUNNING", "source": "SOURCE_EXECUTOR",
                                   "count": 1 } })j")
            .held);
  CHECK(eval(R"j({ "task_state": { "task": "task-1", "state": "TASK_RUNNING", "reason": "REASON_RECONCILIATION",
                                   "count": 1 } })j")
            .held);
  CHECK(eval(R"j({ "task_state": { "task": "task-1", "state": "TASK_RUNNING", "by": "6secs", "count": 1 } })j").held);
  CHECK(eval(R"j({ "task_state": { "task": "task-1", "state": "TASK_RUNNING", "after": "6secs", "count": 1 } })j")
            .held);
  // "after" a timeline entry: from the time its fault record says it ran.
  const std::string timeline = R"j(, "timeline": [ { "at": "8secs", "reconcile": {} } ])j";
  const Outcome reconciled =
      eval(R"j({ "task_state": { "task": "task-1", "state": "TASK_RUNNING", "after": "timeline[0]" } })j", timeline);
  CHECK(reconciled.held);
  CHECK(reconciled.evidence == "TASK_RUNNING at 9.000000s");
  // Another framework's TASK_LOST for a task of the same id does not count; "count": 0 says never.
  CHECK(eval(R"j({ "task_state": { "task": "task-1", "state": "TASK_LOST", "count": 0 } })j").held);

  const Outcome lost = eval(R"j({ "task_state": { "task": "task-1", "state": "TASK_LOST" } })j");
  CHECK_FALSE(lost.held);
  CHECK(lost.evidence == "no TASK_LOST for task-1; the scheduler saw for task-1: TASK_STARTING from SOURCE_EXECUTOR at "
                         "5.100000s, TASK_RUNNING from SOURCE_EXECUTOR at 5.200000s, TASK_RUNNING "
                         "REASON_RECONCILIATION from SOURCE_MASTER at 9.000000s");
  const Outcome tooMany = eval(R"j({ "task_state": { "task": "task-1", "state": "TASK_RUNNING", "at_most": 1 } })j");
  CHECK_FALSE(tooMany.held);
  CHECK(tooMany.evidence.rfind("TASK_RUNNING at 5.200000s, 9.000000s; the scheduler saw for task-1: ", 0) == 0);

  const Outcome nothing =
      taskExpectation(R"j({ "task_state": { "task": "task-1", "state": "TASK_RUNNING" } })j").evaluate({});
  CHECK_FALSE(nothing.held);
  CHECK(nothing.evidence == "no TASK_RUNNING for task-1; the scheduler saw no update for task-1");
  const Outcome never = taskExpectation(R"j({ "task_state": { "task": "task-1", "state": "TASK_RUNNING",
                                                              "after": "timeline[0]" } })j",
                                        timeline)
                            .evaluate({});
  CHECK_FALSE(never.held);
  CHECK(never.evidence == "timeline[0] never happened");
}

// ---------------------------------------------------------------------------------
// (e) Issue 6: an agent's modules, ACLs and disk; revocable frameworks and tasks,
// sandbox growth; the load and fill_disk actions, restart_agent with flags; gc_removed.

TEST_CASE("agent modules, acls and disk load into the agent's flags and options") {
  using agentsim::model::ACLEntity;
  const Scenario s = loadOk(R"j({ "name": "extras", "cluster": { "agents": [
    { "id": "a1",
      "modules": [
        { "name": "org_apache_mesos_FixedResourceEstimator", "parameters": { "resources": "cpus:2;mem:512" },
          "note": "2 revocable cpus" },
        { "name": "org_apache_mesos_LoadQoSController",
          "parameters": { "load_threshold_5min": "2", "load_threshold_15min": "1.5" } },
        { "name": "org_apache_mesos_TestHook" } ],
      "flags": { "resource_estimator": "org_apache_mesos_FixedResourceEstimator" },
      "acls": { "permissive": false, "note": "only ops may run tasks, as anyone but root",
                "run_tasks": [ { "principals": { "values": ["ops", "dev"] }, "users": { "type": "ANY" } },
                               { "principals": { "type": "ANY" }, "users": { "type": "NONE" } } ] },
      "disk": { "capacity": "100GB", "note": "a small disk" } },
    { "id": "a2" }
  ] } })j");
  REQUIRE(s.agents.size() == 2);
  const auto& a1 = s.agents[0];
  // --modules names the manifest's modules, in order; their parameters are kept by module.
  CHECK(a1.flags.modules ==
        "org_apache_mesos_FixedResourceEstimator,org_apache_mesos_LoadQoSController,org_apache_mesos_TestHook");
  const std::vector<std::pair<std::string, std::string>> written{
      {"resource_estimator", "org_apache_mesos_FixedResourceEstimator"}, {"modules", a1.flags.modules}};
  CHECK(a1.flags_set == written);
  const auto& params = a1.options.module_parameters;
  REQUIRE(params.size() == 2);  // a module without parameters has no entry
  CHECK(params.at("org_apache_mesos_FixedResourceEstimator") ==
        std::map<std::string, std::string>{{"resources", "cpus:2;mem:512"}});
  CHECK(params.at("org_apache_mesos_LoadQoSController") ==
        std::map<std::string, std::string>{{"load_threshold_15min", "1.5"}, {"load_threshold_5min", "2"}});
  // --acls: permissive and the RUN_TASK entries in order.
  const auto& acls = a1.options.acls;
  CHECK_FALSE(acls.permissive);
  REQUIRE(acls.run_tasks.size() == 2);
  CHECK(acls.run_tasks[0].principals.type == ACLEntity::Type::SOME);
  CHECK(acls.run_tasks[0].principals.values == std::vector<std::string>{"ops", "dev"});
  CHECK(acls.run_tasks[0].users.type == ACLEntity::Type::ANY);
  CHECK(acls.run_tasks[1].principals.type == ACLEntity::Type::ANY);
  CHECK(acls.run_tasks[1].users.type == ACLEntity::Type::NONE);
  CHECK(acls.run_tasks[1].users.values.empty());
  // The disk's capacity, in bytes.
  REQUIRE(a1.disk_capacity.has_value());
  CHECK(*a1.disk_capacity == 100ULL * 1024 * 1024 * 1024);

  // Defaults: no modules, permissive with no ACLs, the simulated disk's own size.
  const auto& a2 = s.agents[1];
  CHECK(a2.flags.modules.empty());
  CHECK(a2.flags_set.empty());
  CHECK(a2.options.module_parameters.empty());
  CHECK(a2.options.acls.permissive);
  CHECK(a2.options.acls.run_tasks.empty());
  CHECK(a2.options.acls.empty());
  CHECK_FALSE(a2.disk_capacity.has_value());

  // "acls" with only "permissive"; a capacity in another unit.
  const Scenario t = loadOk(R"j({ "name": "extras", "cluster": { "agents": [
    { "id": "a1", "acls": { "permissive": true }, "disk": { "capacity": "512MB" } } ] } })j");
  CHECK(t.agents[0].options.acls.empty());
  CHECK(*t.agents[0].disk_capacity == 512ULL * 1024 * 1024);
}

TEST_CASE("agent modules, acls and disk: what the loader refuses") {
  auto err = [](const std::string& fields) {
    return loadError(R"j({ "name": "extras", "cluster": { "agents": [ { "id": "a1", )j" + fields + " } ] } }");
  };
  CHECK(err(R"j("modules": [ { "parameters": {} } ])j")
            .find("/cluster/agents/0/modules/0: missing required key \"name\"") != std::string::npos);
  CHECK(err(R"j("modules": [ { "name": "m", "parameters": "resources=cpus:2" } ])j")
            .find("/cluster/agents/0/modules/0/parameters: expected an object of parameters") != std::string::npos);
  CHECK(err(R"j("modules": { "name": "m" })j").find("/cluster/agents/0/modules: expected an array") !=
        std::string::npos);
  CHECK(err(R"j("acls": { "run_tasks": [ { "principals": { "type": "ANY" } } ] })j")
            .find("/cluster/agents/0/acls/run_tasks/0: missing required key \"users\"") != std::string::npos);
  CHECK(err(R"j("acls": { "run_tasks": [ { "principals": {}, "users": { "type": "ANY" } } ] })j")
            .find("/cluster/agents/0/acls/run_tasks/0/principals: expected either \"values\" (a list) or \"type\"") !=
        std::string::npos);
  CHECK(err(R"j("acls": { "permissive": "no" })j").find("/cluster/agents/0/acls/permissive: expected true or false") !=
        std::string::npos);
  CHECK(err(R"j("disk": {})j").find("/cluster/agents/0/disk: missing required key \"capacity\"") != std::string::npos);
  CHECK(err(R"j("disk": { "capacity": "1.5GB" })j")
            .find("/cluster/agents/0/disk/capacity: Fractional bytes '1.5GB'") != std::string::npos);
}

TEST_CASE("frameworks and tasks: revocable_resources, user, principal, revocable, sandbox_growth") {
  const Scenario s = loadOk(withFrameworks(R"j([
    { "id": "f1", "revocable_resources": true, "user": "nobody", "principal": "ops",
      "tasks": [ { "id": "rev", "agent": "agent-1", "revocable": true, "resources": "cpus:1;mem:128",
                   "sandbox_growth": "2GB" },
                 { "id": "reg", "agent": "agent-1", "resources": "cpus:0.25" } ] },
    { "id": "f2" }
  ])j"));
  REQUIRE(s.frameworks.size() == 2);
  const auto& f1 = s.frameworks[0].flags;
  CHECK(f1.revocable_resources);
  CHECK(f1.user == "nobody");
  CHECK(f1.principal == "ops");
  REQUIRE(f1.tasks.size() == 2);
  CHECK_FALSE(f1.tasks[0].info.revocable_resources.empty());
  CHECK(f1.tasks[0].info.resources == "cpus:1;mem:128");
  CHECK(f1.tasks[0].info.sandbox_growth_bytes_per_minute == 2ULL * 1024 * 1024 * 1024);
  CHECK(f1.tasks[1].info.revocable_resources.empty());
  CHECK(f1.tasks[1].info.resources == "cpus:0.25");
  CHECK(f1.tasks[1].info.sandbox_growth_bytes_per_minute == 0);
  // Defaults: no capability, root, no principal.
  const auto& f2 = s.frameworks[1].flags;
  CHECK_FALSE(f2.revocable_resources);
  CHECK(f2.user == "root");
  CHECK(f2.principal.empty());

  auto err = [](const std::string& task) {
    return loadError(withFrameworks(R"j([ { "id": "f1", "tasks": [ { "id": "t", "agent": "agent-1", )j" + task +
                                    " } ] } ]"));
  };
  CHECK(err(R"j("resources": "cpus")j").find("/frameworks/0/tasks/0/resources: Failed to parse resource 'cpus'") !=
        std::string::npos);
  CHECK(err(R"j("resources": "cpus:0.0001")j").find("At most 3 decimal places in 'cpus:0.0001'") != std::string::npos);
  CHECK(err(R"j("revocable": 1)j").find("/frameworks/0/tasks/0/revocable: expected a boolean or a resources string") !=
        std::string::npos);
  // A part of the task's resources (Resource.revocable per resource), not more.
  CHECK(loadOk(withFrameworks(R"j([ { "id": "f1", "tasks": [ { "id": "t", "agent": "agent-1", "resources": "cpus:1;mem:32",
                                     "revocable": "cpus:1" } ] } ])j"))
            .frameworks[0].flags.tasks[0].info.revocable_resources == "cpus:1");
  CHECK(err(R"j("resources": "cpus:1", "revocable": "cpus:2")j").find("are not part of the task's resources") !=
        std::string::npos);
  CHECK(err(R"j("sandbox_growth": "2G")j").find("/frameworks/0/tasks/0/sandbox_growth: Unknown bytes unit 'G'") !=
        std::string::npos);
  CHECK(loadError(withFrameworks(R"j([ { "id": "f1", "user": 0 } ])j")).find("/frameworks/0/user: expected a string") !=
        std::string::npos);
  CHECK(loadError(withFrameworks(R"j([ { "id": "f1", "revocable_resources": "yes" } ])j"))
            .find("/frameworks/0/revocable_resources: expected true or false") != std::string::npos);
}

TEST_CASE("load, fill_disk and restart_agent with flags: summaries and what the loader refuses") {
  const Scenario s = loadOk(withFrameworks("0", R"j(, "timeline": [
    { "at": "0secs", "load": { "agent": "agent-1", "runnable": "0.5" } },
    { "at": "1mins", "load": { "agent": "agent-1", "runnable": 6, "over": "2mins" } },
    { "at": "2mins", "load": { "agent": "agent-2", "runnable": "100", "for": "5secs" } },
    { "at": "3mins", "fill_disk": { "agent": "agent-1", "usage": "95%" } },
    { "at": "3mins", "fill_disk": { "agent": "agent-2", "bytes": "50GB" } },
    { "at": "4mins", "restart_agent": { "agent": "agent-1", "flags": { "recover": "cleanup", "strict": false } } },
    { "at": "4mins", "restart_agent": { "agent": "agent-2" } }
  ])j"));
  const std::vector<std::pair<std::string, std::string>> want{
      {"load", "load of agent-1: 0.5 runnable"},
      {"load", "load of agent-1: 6 runnable over 2mins"},
      {"load", "load of agent-2: 100 runnable for 5secs"},
      {"fill_disk", "fill the disk of agent-1 to 95%"},
      {"fill_disk", "write 50GB of ballast on agent-2"},
      {"restart_agent", "restart the agent process on agent-1 with --recover=cleanup --strict=false"},
      {"restart_agent", "restart the agent process on agent-2"},
  };
  REQUIRE(s.timeline.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CAPTURE(i);
    CHECK(s.timeline[i].kind == want[i].first);
    CHECK(s.timeline[i].summary == want[i].second);
    CHECK(static_cast<bool>(s.timeline[i].apply));
  }

  auto err = [](const std::string& entry) {
    return loadError(withFrameworks("0", R"j(, "timeline": [ )j" + entry + " ]"));
  };
  CHECK(err(R"j({ "at": "1secs", "load": { "agent": "agent-1" } })j")
            .find("/timeline/0/load: missing required key \"runnable\"") != std::string::npos);
  CHECK(err(R"j({ "at": "1secs", "load": { "agent": "master-1", "runnable": "1" } })j")
            .find("/timeline/0/load/agent: \"master-1\" is not an agent") != std::string::npos);
  CHECK(err(R"j({ "at": "1secs", "load": { "agent": "agent-1", "runnable": "100001" } })j")
            .find("/timeline/0/load/runnable: expected a number of runnable tasks from 0 to 100000") !=
        std::string::npos);
  CHECK(err(R"j({ "at": "1secs", "load": { "agent": "agent-1", "runnable": "1", "over": "0secs" } })j")
            .find("/timeline/0/load/over: expected a duration within [1ms, 52weeks]") != std::string::npos);
  CHECK(err(R"j({ "at": "1secs", "fill_disk": { "agent": "agent-1", "usage": "95%", "bytes": "1GB" } })j")
            .find("/timeline/0/fill_disk: give either \"usage\" (e.g. \"95%\") or \"bytes\" (e.g. \"50GB\")") !=
        std::string::npos);
  CHECK(err(R"j({ "at": "1secs", "fill_disk": { "agent": "agent-1", "usage": "0.95" } })j")
            .find("/timeline/0/fill_disk/usage: expected a percentage from 0% to 100%, e.g. \"95%\", got \"0.95\"") !=
        std::string::npos);
  CHECK(err(R"j({ "at": "1secs", "fill_disk": { "agent": "agent-1", "bytes": "lots" } })j")
            .find("/timeline/0/fill_disk/bytes: expected a size such as \"2GB\" or \"512MB\", got \"lots\"") !=
        std::string::npos);
  CHECK(err(R"j({ "at": "1secs", "restart_agent": { "flags": { "recover": "cleanup" } } })j")
            .find("/timeline/0/restart_agent: missing required key \"agent\"") != std::string::npos);
  CHECK(err(R"j({ "at": "1secs", "restart_agent": { "agent": "agent-1",
                                                    "flags": { "registration_backoff_factor": "0secs" } } })j")
            .find("/timeline/0/restart_agent/flags/registration_backoff_factor: ") != std::string::npos);
  // A value Mesos's flags.load refuses ("soon") is the restarted agent's exit, not an error.
  CHECK(err(R"j({ "at": "1secs", "restart_agent": { "agent": "agent-1",
                                                    "flags": { "docker_socket": "/x" } } })j")
            .find("is a Mesos 1.1 agent flag agentsim does not model") != std::string::npos);
  CHECK(err(R"j({ "at": "1secs", "restart_agent": { "agent": "agent-1", "flags": "recover=cleanup" } })j")
            .find("/timeline/0/restart_agent/flags: expected an object of flags, got the string \"recover=cleanup\"") != std::string::npos);
}

namespace {

Record gcRemoved(std::int64_t at_ms, std::string host, std::string path, std::string reason) {
  return record(RecordKind::State, at_ms, "agent-garbage-collector(1)", std::move(host), "GarbageCollector",
                {{"state", "REMOVED"}, {"path", std::move(path)}, {"files", std::int64_t{1}}, {"reason", std::move(reason)}});
}

// As Slave::checkDiskUsage and GarbageCollector::prune word it.
constexpr const char* kPruned =
    "pruned 6.99days ahead of its time: disk usage 95.00% leaves a max allowed age of 0ns (gc_delay 1weeks, "
    "gc_disk_headroom 0.1)";

std::vector<Record> gcTrace() {
  const std::string run = "/var/lib/mesos/slaves/S0/frameworks/F0/executors/job-1/runs/R0";
  return {
      gcRemoved(1000, "agent-2", run, "its gc delay elapsed"),  // another agent
      record(RecordKind::Fault, 5000, "", "", "fill_disk", {{"action", "fill_disk"}, {"label", "timeline[0]"}}),
      gcRemoved(6000, "agent-1", run, kPruned),
      gcRemoved(6000, "agent-1", "/var/lib/mesos/slaves/S0/frameworks/F0/executors/job-1", kPruned),
      gcRemoved(6000, "agent-1", "/var/lib/mesos/slaves/S0/frameworks/F0", kPruned),
      record(RecordKind::State, 7000, "slave(1)", "agent-1", "Slave::State", {{"state", "RUNNING"}}),
  };
}

Expectation gcExpectation(const std::string& entry) {
  const Scenario s = loadOk(R"j({ "name": "eval", "until": "1mins", "cluster": { "agents": 2 },
    "timeline": [ { "at": "5secs", "fill_disk": { "agent": "agent-1", "usage": "95%" } } ],
    "expect": [ )j" + entry + " ] }");
  REQUIRE(s.expectations.size() == 1);
  return s.expectations[0];
}

}  // namespace

TEST_CASE("gc_removed: summaries, evaluation, and what the loader refuses") {
  CHECK(gcExpectation(R"j({ "gc_removed": { "agent": "agent-1" } })j").summary ==
        "the garbage collector of agent-1 removes a path at least 1 times");
  CHECK(gcExpectation(R"j({ "gc_removed": { "agent": "agent-1", "path": "/runs/", "reason": "disk usage 95",
                                            "after": "timeline[0]", "by": "10secs", "count": 1 } })j")
            .summary == "the garbage collector of agent-1 removes a path containing \"/runs/\" (reason containing "
                        "\"disk usage 95\") after timeline[0] by 10secs exactly 1 times");

  const auto trace = gcTrace();
  auto eval = [&](const std::string& entry) { return gcExpectation(entry).evaluate(trace); };
  const Outcome any = eval(R"j({ "gc_removed": { "agent": "agent-1", "count": 3 } })j");
  CHECK(any.held);
  CHECK(any.evidence.rfind("3 removal(s) at 6.000000s", 0) == 0);
  CHECK(eval(R"j({ "gc_removed": { "agent": "agent-2", "count": 1 } })j").held);
  CHECK(eval(R"j({ "gc_removed": { "agent": "agent-1", "path": "/runs/", "count": 1 } })j").held);
  CHECK(eval(R"j({ "gc_removed": { "agent": "agent-1", "path": "/frameworks/", "at_least": 3 } })j").held);
  CHECK(eval(R"j({ "gc_removed": { "agent": "agent-1", "reason": "max allowed age of 0ns", "at_least": 2,
                                   "at_most": 3 } })j")
            .held);
  CHECK(eval(R"j({ "gc_removed": { "agent": "agent-1", "reason": "gc delay elapsed", "count": 0 } })j").held);
  CHECK(eval(R"j({ "gc_removed": { "agent": "agent-1", "by": "5secs", "count": 0 } })j").held);
  CHECK(eval(R"j({ "gc_removed": { "agent": "agent-1", "after": "timeline[0]", "by": "6secs", "count": 3 } })j").held);
  CHECK(eval(R"j({ "gc_removed": { "agent": "agent-1", "after": "6001ms", "count": 0 } })j").held);

  const Outcome none = eval(R"j({ "gc_removed": { "agent": "agent-1", "path": "/no/such/path" } })j");
  CHECK_FALSE(none.held);
  CHECK(none.evidence.rfind("no matching removal; removals seen: /var/lib/mesos/slaves/S0/frameworks/F0/executors/"
                            "job-1/runs/R0 at 6.000000s (pruned 6.99days ahead of its time: disk usage 95.00% leaves a max "
                            "allowed age of 0ns (gc_delay 1weeks, gc_disk_headroom 0.1))",
                            0) == 0);
  const Outcome never = gcExpectation(R"j({ "gc_removed": { "agent": "agent-1", "after": "timeline[0]" } })j")
                            .evaluate({});
  CHECK_FALSE(never.held);
  CHECK(never.evidence == "timeline[0] never happened");

  auto err = [](const std::string& entry) {
    return loadError(R"j({ "name": "eval", "cluster": { "agents": 1 }, "expect": [ )j" + entry + " ] }");
  };
  CHECK(err(R"j({ "gc_removed": { "path": "/frameworks/" } })j")
            .find("/expect/0/gc_removed: missing required key \"agent\"") != std::string::npos);
  CHECK(err(R"j({ "gc_removed": { "agent": "master-1" } })j")
            .find("/expect/0/gc_removed/agent: \"master-1\" is not an agent") != std::string::npos);
  CHECK(err(R"j({ "gc_removed": { "agent": "agent-1", "count": 1, "at_least": 1 } })j")
            .find("give either \"count\" or \"at_least\"/\"at_most\", not both") != std::string::npos);
  CHECK(err(R"j({ "gc_removed": { "agent": "agent-1", "after": "timeline[0]" } })j")
            .find("no timeline entry labelled \"timeline[0]\"") != std::string::npos);
  CHECK(err(R"j({ "gc_removed": { "agent": "agent-1", "by": "53weeks" } })j")
            .find("/expect/0/gc_removed/by: expected a duration within [0ns, 52weeks]") != std::string::npos);
}

TEST_CASE("the world's memory is budgeted: 100,000 agents load, with 60,000 tasks more they are refused") {
  // Tasks as a file can hold them (3 JSON values a task): 10 frameworks of 6,000.
  const auto scenario = [](std::size_t tasksPerFramework) {
    std::string frameworks = "[";
    for (int f = 1; f <= 10; ++f) {
      frameworks += fmt::format("{}{{ \"id\": \"framework-{}\", \"tasks\": [", f > 1 ? "," : "", f);
      for (std::size_t t = 1; t <= tasksPerFramework; ++t) {
        frameworks += fmt::format("{}{{\"id\":\"t{}\",\"agent\":\"agent-1\"}}", t > 1 ? "," : "", t);
      }
      frameworks += "] }";
    }
    return R"j({ "name": "big", "cluster": { "agents": 100000 }, "frameworks": )j" + frameworks + "] }";
  };
  const Scenario agents = loadOk(scenario(0));
  CHECK(agents.agents.size() == 100'000);
  CHECK(worldBytes(agents) <= agentsim::harness::ScenarioLimits::kMaxWorldBytes);
  CHECK(loadError(scenario(6'000))
            .find("/cluster/agents: this scenario's world would need about 3.1 GiB of memory (100000 agents at about "
                  "24 KiB each, 60000 tasks at about 14 KiB each), more than the 3 GiB agentsim allows "
                  "(docs/limits.md): use fewer agents or tasks") != std::string::npos);
}
