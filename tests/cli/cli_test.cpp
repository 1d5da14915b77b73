// Runs the built agentsim binary as a user would and checks what it prints and returns.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include <sys/stat.h>
#include <sys/wait.h>

#include "tests/cli/run_cli.hpp"
#include "viz/timeline.hpp"
#include "viz/timeline_story.hpp"
#include "viz/trace_reader.hpp"

namespace {

using agentsim_cli_test::Result;
using agentsim_cli_test::runAgentsim;
using agentsim_cli_test::slurp;

std::string lastLine(const std::string& text) {
  std::string t = text;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  const auto nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

}  // namespace

TEST_CASE("run: the registration scenario passes and prints its seed first") {
  const Result r = runAgentsim("run scenarios/registration.json");
  CHECK(r.code == 0);
  CHECK(r.out.rfind("agentsim: seed 7\n", 0) == 0);
  CHECK(r.out.find("5 of 5 expectations held") != std::string::npos);
  CHECK(r.out.find("send RegisterSlaveMessage -> master@master-1:5050") != std::string::npos);
  CHECK(r.out.find("[Slave::doReliableRegistration]") != std::string::npos);
  const Result all = runAgentsim("run scenarios/registration.json --all");
  CHECK(all.out.find("send     RegisterSlaveMessage -> master@master-1:5050") != std::string::npos);
  CHECK(all.out.find("[src/slave/slave.cpp: Slave::doReliableRegistration]") != std::string::npos);
  CHECK(r.out.find("replay:") == std::string::npos);
}

TEST_CASE("run: --seed replaces the scenario's seed; --quiet hides the timeline") {
  const Result r = runAgentsim("run scenarios/registration.json --seed 8 --quiet");
  CHECK(r.out.rfind("agentsim: seed 8\n", 0) == 0);
  CHECK(r.out.find("timeline (") == std::string::npos);
  CHECK(r.out.find("expectations:") != std::string::npos);
}

TEST_CASE("invariants: a saved trace with status updates gets the run's verdicts; an unreadable one exits 2") {
  // A run with a task, its updates retried, acknowledged and a terminal one: every rule
  // has something to judge, so a broken rule would show.
  const std::string path = std::string(AGENTSIM_BUILD_DIR) + "/invariants.jsonl";
  const Result run = runAgentsim("run scenarios/status_update_retries.json --quiet --trace '" + path + "'");
  REQUIRE(run.code == 0);
  const Result r = runAgentsim("invariants '" + path + "'");
  CHECK(r.code == 0);
  CHECK(r.out.find("VIOLATED") == std::string::npos);
  // The verdicts judge updates, not an empty trace: counts past zero.
  for (const char* held : {"  held     updates_in_order: ", "  held     retried_until_acknowledged: ",
                           "  held     no_resend_after_acknowledgement: "}) {
    CAPTURE(held);
    const auto at = r.out.find(held);
    REQUIRE(at != std::string::npos);
    const char first = r.out[at + std::string(held).size()];
    CHECK(first >= '1');
    CHECK(first <= '9');
  }
  // The same evidence as the run's own verdicts (it judges what is owed at the run's end,
  // which the end record gives).
  for (const char* name : {"updates_in_order", "retried_until_acknowledged", "no_resend_after_acknowledgement"}) {
    CAPTURE(name);
    const auto at = r.out.find(std::string(name) + ": ");
    REQUIRE(at != std::string::npos);
    const std::string evidence = r.out.substr(at, r.out.find('\n', at) - at);
    CHECK(slurp(path).find(evidence.substr(evidence.find(": ") + 2)) != std::string::npos);
  }
  CHECK(r.out.find("records, the run ended at ") != std::string::npos);

  // The same trace cut exactly at a record boundary (its end record gone) is refused.
  const std::string text = slurp(path);
  const std::string cut = std::string(AGENTSIM_BUILD_DIR) + "/invariants-cut.jsonl";
  std::ofstream(cut, std::ios::binary) << text.substr(0, text.rfind('\n', text.size() - 2) + 1);
  const Result truncated = runAgentsim("invariants '" + cut + "'");
  CHECK(truncated.code == 2);
  CHECK(truncated.out.find("the trace is truncated: it ends after line ") != std::string::npos);

  const std::string bad = std::string(AGENTSIM_BUILD_DIR) + "/not-a-trace.jsonl";
  std::ofstream(bad) << "hello\n";
  CHECK(runAgentsim("invariants '" + bad + "'").code == 2);
  CHECK(runAgentsim("invariants '" + std::string(AGENTSIM_BUILD_DIR) + "/no-such-trace.jsonl'").code == 2);
}

TEST_CASE("invariants: a trace that breaks one invariant fails that one, and only that one, for each invariant") {
  // tests/cli/invariants/NAME.jsonl: hand-made traces, each breaking the invariant NAME
  // and keeping the others (a legal Slave::State path, every update acknowledged).
  const std::vector<std::string> names{"updates_in_order",
                                       "retried_until_acknowledged",
                                       "no_resend_after_acknowledgement",
                                       "nothing_after_terminal_acknowledgement",
                                       "checkpointed_updates_survive_restarts",
                                       "agent_state_transitions",
                                       "one_leader_per_view",
                                       "task_lost_with_reason"};
  for (const std::string& broken : names) {
    CAPTURE(broken);
    const Result r = runAgentsim("invariants tests/cli/invariants/" + broken + ".jsonl");
    CHECK(r.code == 1);
    for (const std::string& name : names) {
      CAPTURE(name);
      CHECK(r.out.find((name == broken ? "  VIOLATED " : "  held     ") + name + ": ") != std::string::npos);
    }
  }
}

TEST_CASE("run: the invariants follow the expectations, one line each") {
  const Result r = runAgentsim("run scenarios/registration.json --quiet");
  CHECK(r.code == 0);
  const auto expectations = r.out.find("expectations:");
  const auto invariants = r.out.find("invariants (checked on every run):");
  REQUIRE(invariants != std::string::npos);
  CHECK(expectations < invariants);
  for (const char* name : {"updates_in_order", "retried_until_acknowledged", "no_resend_after_acknowledgement",
                           "nothing_after_terminal_acknowledgement", "checkpointed_updates_survive_restarts",
                           "agent_state_transitions", "one_leader_per_view", "task_lost_with_reason"}) {
    CAPTURE(name);
    CHECK(r.out.find(std::string("  held     ") + name + ": ") != std::string::npos);
  }
  CHECK(r.out.find("VIOLATED") == std::string::npos);
  CHECK(r.out.find("9 of 9 invariants held") != std::string::npos);
}

TEST_CASE("run: the fault sites the model reached follow the invariants, with how often") {
  // C43: AdmitSlave, then the MarkSlaveUnreachable its hold parks; the unregistration
  // that races it never reaches the registrar.
  const Result held = runAgentsim("run tests/conformance/C43-unreachable-then-unregister.json --quiet");
  CHECK(held.code == 0);
  const std::string section =
      "\nfault sites reached, with how often (places in model code where a scenario's hold or fire_site may act):\n";
  const auto invariants = held.out.find("invariants (checked on every run):");
  // The agent's firing sites (model/slave/fault_sites.hpp) are listed too, by name.
  const auto sites = held.out.find(section);
  // The list wraps; a site and its count may stand on two lines.
  std::string unwrapped = held.out.substr(sites == std::string::npos ? 0 : sites);
  for (std::size_t at = 0; (at = unwrapped.find("\n  ", at)) != std::string::npos;) unwrapped.replace(at, 3, " ");
  for (const char* site : {"Containerizer::launch 1", "Containerizer::recover 1", "MasterDetector::detect 1",
                           "Registrar::apply 2", "StatusUpdateManager::recover 1", "fs::usage 1", "state::checkpoint 1",
                           "state::recover 1"}) {
    CAPTURE(site);
    CHECK(unwrapped.find(site) != std::string::npos);
  }
  const auto summary = held.out.find("12 of 12 expectations held");
  REQUIRE(sites != std::string::npos);
  CHECK(invariants < sites);
  CHECK(sites < summary);

  // Registration alone: the registrar admits the agent, once.
  const Result once = runAgentsim("run scenarios/registration.json --quiet");
  CHECK(once.out.find("Registrar::apply 1") != std::string::npos);

  // No master: no site is reached.
  const Result none = runAgentsim("run tests/startup/no-master.json --quiet");
  CHECK(none.out.find(section + "  (none reached)\n") != std::string::npos);
  CHECK(none.out.find("fault site Registrar::apply") == std::string::npos);
}

TEST_CASE("run: a failed expectation exits 1 and ends with the replay command") {
  const Result r = runAgentsim("run tests/cli/failing.json --seed 5");
  CHECK(r.code == 1);
  CHECK(r.out.find("FAILED  agent_state") != std::string::npos);
  CHECK(lastLine(r.out) == "replay: ./agentsim run tests/cli/failing.json --seed 5");
}

TEST_CASE("run: the same seed writes byte-identical traces, another seed a different one") {
  const std::string dir = AGENTSIM_BUILD_DIR;
  REQUIRE(runAgentsim("run scenarios/registration.json --quiet --trace '" + dir + "/a.jsonl'").code == 0);
  REQUIRE(runAgentsim("run scenarios/registration.json --quiet --trace '" + dir + "/b.jsonl'").code == 0);
  REQUIRE(runAgentsim("run scenarios/registration.json --quiet --seed 99 --trace '" + dir + "/c.jsonl'").code == 0);
  const std::string a = slurp(dir + "/a.jsonl");
  CHECK(a.size() > 1000);
  CHECK(a == slurp(dir + "/b.jsonl"));
  CHECK(a != slurp(dir + "/c.jsonl"));
  CHECK(a.rfind("{\"format\":\"agentsim-trace\",\"format_version\":3,", 0) == 0);
}

TEST_CASE("run: a trace read back from disk renders the same timelines as the live run") {
  const std::string path = std::string(AGENTSIM_BUILD_DIR) + "/live.jsonl";
  const Result r = runAgentsim("run scenarios/registration.json --trace '" + path + "'");
  REQUIRE(r.code == 0);
  std::ifstream in(path);
  auto file = agentsim::viz::readTrace(in);
  REQUIRE(!file.isError());
  std::ostringstream story;
  agentsim::viz::writeStory(story, file->records);
  CHECK(story.str().size() > 500);
  CHECK(r.out.find(story.str()) != std::string::npos);
  // --all: every record but the verdicts, as viz::renderTimeline shows them.
  const Result all = runAgentsim("run scenarios/registration.json --all");
  std::vector<agentsim::sim::Record> shown;
  for (const auto& rec : file->records) {
    if (rec.kind != agentsim::sim::RecordKind::Check) shown.push_back(rec);
  }
  agentsim::viz::TimelineOptions everything;
  everything.deliveries = true;
  everything.heartbeats = true;
  const std::string rendered = agentsim::viz::renderTimeline(shown, everything);
  CHECK(rendered.size() > 5000);
  CHECK(all.out.find(rendered) != std::string::npos);
}

TEST_CASE("bad input exits 2 with FILE:LINE:COL and a JSON pointer") {
  const Result r = runAgentsim("run tests/harness/malformed/does-not-exist.json");
  CHECK(r.code == 2);
  CHECK(r.out.find("agentsim: error: tests/harness/malformed/does-not-exist.json:") == 0);

  const std::string bad = std::string(AGENTSIM_BUILD_DIR) + "/bad.json";
  std::ofstream(bad) << "{\n  \"name\": \"x\",\n  \"cluster\": { \"agents\": 1 },\n  \"until\": \"soon\"\n}\n";
  const Result b = runAgentsim("check '" + bad + "'");
  CHECK(b.code == 2);
  CHECK(b.out.find(":4:12: /until: \"soon\" has no number") != std::string::npos);
}

TEST_CASE("usage: --help and --version exit 0; a bad option exits 2") {
  CHECK(runAgentsim("--help").code == 0);
  const Result v = runAgentsim("--version");
  CHECK(v.code == 0);
  CHECK(v.out.find("agentsim 0.1.0") != std::string::npos);
  CHECK(runAgentsim("run --help").code == 0);
  CHECK(runAgentsim("frobnicate").code == 2);
  CHECK(runAgentsim("run scenarios/registration.json --seed banana").code == 2);
  CHECK(runAgentsim("run scenarios/registration.json --until 3weeksish").code == 2);
}

TEST_CASE("check validates without running; flags lists Mesos flags with defaults") {
  const Result c = runAgentsim("check scenarios/registration.json");
  CHECK(c.code == 0);
  CHECK(c.out.find("ok: scenario registration, 1 master(s), 1 agent(s)") != std::string::npos);
  const std::string tasks = std::string(AGENTSIM_BUILD_DIR) + "/tasks.json";
  std::ofstream(tasks) << R"({ "name": "tasks", "cluster": { "agents": 1 }, "frameworks": [ { "id": "f1", "tasks": [)"
                          R"( { "id": "t1", "agent": "agent-1" }, { "id": "t2", "agent": "agent-1" } ] } ] })";
  const Result t = runAgentsim("check '" + tasks + "'");
  CHECK(t.code == 0);
  CHECK(t.out.find("ok: scenario tasks, 1 master(s), 1 agent(s), 1 framework(s), 2 task(s)") != std::string::npos);
  const Result f = runAgentsim("flags");
  CHECK(f.code == 0);
  CHECK(f.out.find("--registration_backoff_factor=1secs") != std::string::npos);
  CHECK(f.out.find("--agent_ping_timeout=15secs") != std::string::npos);
}

TEST_CASE("run: a run that hits a limit stops, says which, and exits 1") {
  const Result r = runAgentsim("run scenarios/registration.json --quiet --max-events 10");
  CHECK(r.code == 1);
  CHECK(r.out.find("agentsim: run stopped: more than 10 events") != std::string::npos);
  CHECK(lastLine(r.out) == "replay: ./agentsim run scenarios/registration.json --seed 7 --max-events 10");
  CHECK(runAgentsim("run scenarios/registration.json --max-events 0").code == 2);
}

TEST_CASE("run scenarios/failover.json: exit 0, and the timeline reads as the failover story") {
  const Result r = runAgentsim("run scenarios/failover.json");
  CHECK(r.code == 0);
  const auto at = [&](const std::string& text) { return r.out.find(text); };
  // Told in order: master-1 elected, the crash, the session expiry, master-2 elected,
  // the agents reregistering with it.
  const auto elected1 = at("master-1    master            state Master::Leadership = ELECTED");
  const auto crash = at("FAULT timeline[0]: crash leading-master");
  const auto expiry = at("zookeeper-server  log Expiring session 0x200000000000001, timeout of 10000ms exceeded");
  const auto elected2 = at("master-2    master            state Master::Leadership = ELECTED");
  const auto rereg = at("agent-1     slave(1)          deliver SlaveReregisteredMessage <- master@master-2:5050");
  REQUIRE(elected1 != std::string::npos);
  REQUIRE(crash != std::string::npos);
  REQUIRE(expiry != std::string::npos);
  REQUIRE(elected2 != std::string::npos);
  REQUIRE(rereg != std::string::npos);
  CHECK(elected1 < crash);
  CHECK(crash < expiry);
  CHECK(expiry < elected2);
  CHECK(elected2 < rereg);
  CHECK(r.out.find("FAILED") == std::string::npos);
  // Heartbeats are left out unless asked for.
  CHECK(r.out.find("zookeeper.Ping") == std::string::npos);
  const Result all = runAgentsim("run scenarios/failover.json --all");
  const auto inAll = [&](const std::string& text) { return all.out.find(text); };
  CHECK(inAll("master-1   master                   log      Elected as the leading master!") <
        inAll("FAULT    timeline[0]: crash leading-master"));
  CHECK(inAll("Expiring session") < inAll("master-2   master                   log      Elected as the leading master!"));
  CHECK(runAgentsim("run scenarios/failover.json --all --until 20secs").out.find("zookeeper.Ping") !=
        std::string::npos);
}

TEST_CASE("run: a framework with the default failover_timeout (0) lets simulated time advance") {
  const std::string path = std::string(AGENTSIM_BUILD_DIR) + "/fw.json";
  std::ofstream(path) << R"({"name":"fw","until":"10secs","cluster":{"agents":1},"frameworks":1})";
  const Result r = runAgentsim("run '" + path + "' --quiet");
  CHECK(r.code == 0);
  CHECK(r.out.find("simulated 10secs") != std::string::npos);
  CHECK(r.out.find("run stopped") == std::string::npos);
}

TEST_CASE("run: --seed is a whole number from 0 to 2^64 - 1; anything else is a usage error") {
  for (const char* bad : {"-1", "18446744073709551616", "99999999999999999999999", "0x10", "+5", "' 5'", "''"}) {
    CAPTURE(bad);
    const Result r = runAgentsim(std::string("run scenarios/registration.json --quiet --seed ") + bad);
    CHECK(r.code == 2);
    CHECK(r.out.find("agentsim: error: --seed: expected a whole number from 0 to 18446744073709551615") == 0);
  }
  CHECK(runAgentsim("run scenarios/registration.json --quiet --seed=-1").code == 2);
  const Result max = runAgentsim("run scenarios/registration.json --quiet --seed 18446744073709551615");
  CHECK(max.out.rfind("agentsim: seed 18446744073709551615\n", 0) == 0);
  CHECK(runAgentsim("run scenarios/registration.json --quiet --seed 0").out.rfind("agentsim: seed 0\n", 0) == 0);
}

TEST_CASE("run: a trace that cannot be written is an error, not a silent loss") {
  const Result r = runAgentsim("run scenarios/registration.json --quiet --trace /dev/full");
  CHECK(r.code == 2);
  CHECK(r.out.find("agentsim: error: --trace: writing '/dev/full' failed") != std::string::npos);
  CHECK(r.out.find("trace written to") == std::string::npos);
}

TEST_CASE("run: control characters in the scenario's name and description are printed escaped") {
  const std::string path = std::string(AGENTSIM_BUILD_DIR) + "/controls.json";
  std::ofstream(path) << R"({ "name": "controls", "until": "1secs", "cluster": { "agents": 1 },)"
                         R"( "description": "red \u001b[31malarm\u0007\nnext line\u009b2J\u007f, caf\u00e9" })";
  const Result r = runAgentsim("run '" + path + "' --quiet");
  CHECK(r.code == 0);
  CHECK(r.out.find("  red \\u001b[31malarm\\u0007\\nnext line\\u009b2J\\u007f, caf\u00e9\n") != std::string::npos);
  for (const char c : {'\x1b', '\x07', '\x7f'}) CHECK(r.out.find(c) == std::string::npos);
  CHECK(r.out.find("\xc2\x9b") == std::string::npos);
}

TEST_CASE("run: the replay command quotes a path with spaces and quotes, and replays the run") {
  const std::string dir = std::string(AGENTSIM_BUILD_DIR) + "/it's a \"dir\"";
  const std::string path = dir + "/failing $x.json";
  REQUIRE(std::system(("mkdir -p '" + std::string(AGENTSIM_BUILD_DIR) + "/it'\\''s a \"dir\"'").c_str()) == 0);
  std::ofstream(path) << slurp(std::string(AGENTSIM_SOURCE_ROOT) + "/tests/cli/failing.json");
  const std::string quoted = "'" + std::string(AGENTSIM_BUILD_DIR) + "/it'\\''s a \"dir\"/failing $x.json'";
  const Result r = runAgentsim("run " + quoted + " --seed 5 --until 20secs --quiet");
  CHECK(r.code == 1);
  const std::string replay = "replay: ./agentsim run " + quoted + " --seed 5 --until 20secs";
  CHECK(lastLine(r.out) == replay);
  // The printed command, given to a shell, runs the same scenario with the same seed.
  const Result again = runAgentsim(replay.substr(std::string("replay: ./agentsim ").size()) + " --quiet");
  CHECK(again.code == 1);
  CHECK(lastLine(again.out) == replay);
  // A path that starts with '-' gets "./" so that it does not read as an option.
  std::ofstream(std::string(AGENTSIM_BUILD_DIR) + "/-failing.json")
      << slurp(std::string(AGENTSIM_SOURCE_ROOT) + "/tests/cli/failing.json");
  const Result dash = runAgentsim("run --seed 5 --quiet -- -failing.json", AGENTSIM_BUILD_DIR);
  CHECK(dash.code == 1);
  CHECK(lastLine(dash.out) == "replay: ./agentsim run ./-failing.json --seed 5");
}

TEST_CASE("run --html writes the explorer; view --format html writes the same page from the saved trace") {
  const std::string dir = AGENTSIM_BUILD_DIR;
  const std::string html = dir + "/cli-registration.html";
  const std::string trace = dir + "/cli-registration-for-html.jsonl";
  const Result r =
      runAgentsim("run scenarios/registration.json --quiet --html '" + html + "' --trace '" + trace + "'");
  CHECK(r.code == 0);
  CHECK(r.out.find("explorer written to " + html) != std::string::npos);
  const std::string page = slurp(html);
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(page.find("\"kind\":\"check\"") != std::string::npos);
  CHECK(page.find("\"evidence_seqs\":[") != std::string::npos);
  const std::string viewed = dir + "/cli-registration-view.html";
  const Result v = runAgentsim("view '" + trace + "' --format html -o '" + viewed + "'");
  CHECK(v.code == 0);
  CHECK(slurp(viewed) == page);
  const Result out = runAgentsim("view '" + trace + "' --format html");
  CHECK(out.code == 0);
  CHECK(out.out == page);
}

TEST_CASE("view: a missing or malformed trace is a located error, exit 2") {
  const Result missing = runAgentsim("view no-such-trace.jsonl");
  CHECK(missing.code == 2);
  CHECK(missing.out.find("agentsim: error: no-such-trace.jsonl: cannot open the trace") != std::string::npos);
  const Result bad = runAgentsim("view scenarios/registration.json");
  CHECK(bad.code == 2);
  CHECK(bad.out.find("agentsim: error: scenarios/registration.json: line ") != std::string::npos);
  const Result unwritable = runAgentsim("run scenarios/registration.json --quiet --html /no-such-dir/x.html");
  CHECK(unwritable.code == 2);
  CHECK(unwritable.out.find("cannot write the explorer to '/no-such-dir/x.html'") != std::string::npos);
}

TEST_CASE("run scenarios/failover.json: the default view fits 160 lines of 160 columns and shows every evidence event") {
  const std::string path = std::string(AGENTSIM_BUILD_DIR) + "/failover-story.jsonl";
  const Result r = runAgentsim("run scenarios/failover.json --trace '" + path + "'");
  REQUIRE(r.code == 0);
  std::size_t lines = 0;
  std::size_t widest = 0;
  std::istringstream text(r.out);
  for (std::string line; std::getline(text, line);) {
    ++lines;
    std::size_t columns = 0;
    for (char c : line) columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    widest = std::max(widest, columns);
  }
  CHECK(lines <= 160);  // 150, a line for each of the three streaming rules and the agent's fault sites
  CHECK(widest <= 160);
  // No UUID in full: each is cut to 8 characters, as the heading says.
  CHECK(r.out.find("UUIDs cut to 8 characters") != std::string::npos);
  CHECK(r.out.find("91ee5bf0-c26c") == std::string::npos);
  CHECK(r.out.find("slave_id=91ee5bf0-S0") != std::string::npos);
  // One line per agent for its startup, not 17.
  CHECK(r.out.find("[1/17]") == std::string::npos);
  CHECK(r.out.find("agent-2                       startup main() ran its 17 steps") != std::string::npos);
  // Every record an expectation names as evidence has its line: its time, host and name.
  std::ifstream in(path);
  auto file = agentsim::viz::readTrace(in);
  REQUIRE(!file.isError());
  std::size_t named = 0;
  for (const auto& check : file->records) {
    if (check.kind != agentsim::sim::RecordKind::Check || check.field("expectation") == nullptr) continue;
    const auto& seqs = std::get<agentsim::sim::RawJson>(*check.field("evidence_seqs")).text;
    std::istringstream list(seqs.substr(1, seqs.size() - 2));
    for (std::string seq; std::getline(list, seq, ',');) {
      const auto& rec = file->records.at(std::stoull(seq));
      CAPTURE(agentsim::sim::toJsonLine(rec));
      ++named;
      bool found = false;
      std::istringstream out(r.out);
      for (std::string line; std::getline(out, line) && !found;) {
        found = line.find(agentsim::sim::formatSeconds(rec.at)) != std::string::npos &&
                line.find(rec.host) != std::string::npos &&
                (line.find(rec.name) != std::string::npos || rec.kind == agentsim::sim::RecordKind::Log);
      }
      CHECK(found);
    }
  }
  CHECK(named >= 25);
}

TEST_CASE("run --until before an expectation's horizon: UNDECIDED, never held, and exit 1") {
  // failover.json's leader expectation looks at 2mins; a run stopped at 40secs saw none of
  // it. Before this rule it printed "held ... at 120.000000s".
  const Result r = runAgentsim("run scenarios/failover.json --until 40secs --quiet");
  CHECK(r.code == 1);
  CHECK(r.out.find("UNDECIDED leader: master-2 leads at 2mins") != std::string::npos);
  CHECK(r.out.find("held    leader: master-2 leads at 2mins") == std::string::npos);
  CHECK(r.out.find("it needs --until 2mins or more") != std::string::npos);
  // A window that ends before 40secs is decided, and holds.
  CHECK(r.out.find("held    leader: no master leads at 37secs") != std::string::npos);
  // "agent_reregistered ... within 13.02secs after timeline[0]" ends at 43.02secs.
  CHECK(r.out.find("it needs --until 43.02secs or more") != std::string::npos);
  // A count over the whole run (no window) needs the scenario's until.
  CHECK(r.out.find("UNDECIDED message_count: PingSlaveMessage from master-2 to agent-1") != std::string::npos);
  // The trace says so too.
  const std::string trace = std::string(AGENTSIM_BUILD_DIR) + "/cli-undecided.jsonl";
  CHECK(runAgentsim("run scenarios/failover.json --until 40secs --quiet --trace '" + trace + "'").code == 1);
  std::ifstream in(trace);
  std::string line, all;
  while (std::getline(in, line)) all += line + "\n";
  CHECK(all.find("\"held\":false,\"undecided\":true") != std::string::npos);
  // The full run decides everything and holds.
  CHECK(runAgentsim("run scenarios/failover.json --quiet").code == 0);
}

TEST_CASE("hostile input: a named pipe is refused, not waited on; a trace nested a million deep is a located error") {
  const std::string dir = AGENTSIM_BUILD_DIR;
  const std::string fifo = dir + "/cli-hostile.fifo";
  std::remove(fifo.c_str());
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);  // no writer: opening it would block for ever
  Result r = runAgentsim("run '" + fifo + "'");
  CHECK(r.code == 2);
  CHECK(r.out.find("not a regular file") != std::string::npos);
  std::remove(fifo.c_str());
  r = runAgentsim("run '" + dir + "'");
  CHECK(r.code == 2);
  CHECK(r.out.find("is a directory") != std::string::npos);
  const std::string deep = dir + "/cli-hostile-deep.jsonl";
  {
    std::ofstream out(deep);
    out << "{\"format\":\"agentsim-trace\",\"format_version\":3}\n"
        << std::string(1'000'000, '[') << std::string(1'000'000, ']') << "\n";
  }
  r = runAgentsim("invariants '" + deep + "'");
  CHECK(r.code == 2);  // not a stack overflow (exit 139)
  CHECK(r.out.find("line 2: nested deeper than 64 levels") != std::string::npos);
}

TEST_CASE("run --results writes every verdict as JSON: held, failed, undecided, with notes and the exit code") {
  const std::string path = std::string(AGENTSIM_BUILD_DIR) + "/cli-results.json";
  std::remove(path.c_str());
  const Result r = runAgentsim("run scenarios/failover.json --until 40secs --quiet --results '" + path + "'");
  CHECK(r.code == 1);
  std::ifstream in(path);
  REQUIRE(in);
  const nlohmann::json d = nlohmann::json::parse(in);
  CHECK(d["format"] == "agentsim-results");
  CHECK(d["exit_code"] == 1);
  CHECK(d["seed"] == "7");
  CHECK(d["end"] == "40secs");
  REQUIRE(d["expectations"].size() == 20);
  const auto& leader = d["expectations"][3];
  CHECK(leader["index"] == 3);
  CHECK(leader["kind"] == "leader");
  CHECK(leader["verdict"] == "undecided");
  CHECK(leader["note"].get<std::string>().find("Elected once") == 0);
  CHECK(d["expectations"][0]["verdict"] == "held");
  CHECK(d["invariants"].size() == 9);
  CHECK(d["invariants"][0]["verdict"] == "held");
  // A run that holds: exit 0 in the file too.
  CHECK(runAgentsim("run scenarios/registration.json --quiet --results '" + path + "'").code == 0);
  std::ifstream again(path);
  CHECK(nlohmann::json::parse(again)["exit_code"] == 0);
  // An unwritable file is bad input.
  CHECK(runAgentsim("run scenarios/registration.json --quiet --results /nonexistent-dir/r.json").code == 2);
}

TEST_CASE("errors a student understands: an unknown subcommand names itself, suggests, lists the rest") {
  auto r = runAgentsim("rnu scenarios/failover.json");
  CHECK(r.code == 2);
  CHECK(r.out.find("unknown subcommand 'rnu' (did you mean \"run\"?); the subcommands are: run, view, diff") !=
        std::string::npos);
  r = runAgentsim("frobnicate");
  CHECK(r.code == 2);
  CHECK(r.out.find("unknown subcommand 'frobnicate'; the subcommands are: run,") != std::string::npos);
}

TEST_CASE("errors a student understands: a missing file in the system's words; check skips the schema") {
  auto r = runAgentsim("run scenarios/no-such-scenario.json");
  CHECK(r.code == 2);
  CHECK(r.out == "agentsim: error: scenarios/no-such-scenario.json: No such file or directory\n");
  r = runAgentsim("check scenarios/schema.json scenarios/failover.json");
  CHECK(r.code == 0);
  CHECK(r.out.find("scenarios/schema.json: skipped: a JSON Schema") != std::string::npos);
  CHECK(r.out.find("scenarios/failover.json: ok") != std::string::npos);
}

TEST_CASE("--help of every subcommand ends with two examples and the docs/ page to read") {
  for (const char* sub :
       {"run", "view", "diff", "check", "invariants", "flags", "graph", "explain", "step", "fuzz", "fuzz-merge"}) {
    CAPTURE(sub);
    const auto r = runAgentsim(std::string(sub) + " --help");
    CHECK(r.code == 0);
    const auto examples = r.out.find("\nExamples:\n  agentsim " + std::string(sub));
    REQUIRE(examples != std::string::npos);
    const auto second = r.out.find("\n  agentsim ", examples + 12);
    CHECK(second != std::string::npos);
    CHECK(r.out.find("\nRead: docs/", second) != std::string::npos);
  }
}

TEST_CASE("run --bug NAME: a planted bug's reproducer fails with it and holds without; an unknown name exits 2") {
  const std::string file = "tests/regressions/bug-terminal-ack-keeps-stream.json";
  const Result clean = runAgentsim("run " + file + " --quiet");
  CHECK(clean.code == 0);
  const Result buggy = runAgentsim("run " + file + " --quiet --bug terminal-ack-keeps-stream");
  CHECK(buggy.code == 1);
  CHECK(buggy.out.find("planted bug terminal-ack-keeps-stream is on") != std::string::npos);
  CHECK(buggy.out.find("VIOLATED no_resend_after_acknowledgement") != std::string::npos);
  CHECK(buggy.out.find("--bug terminal-ack-keeps-stream") != std::string::npos);  // the replay command keeps it
  const Result unknown = runAgentsim("run " + file + " --bug no-such-bug");
  CHECK(unknown.code == 2);
  CHECK(unknown.out.find("unknown planted bug 'no-such-bug'") != std::string::npos);
  CHECK(unknown.out.find("  reregistered-while-terminating\n") != std::string::npos);
}
