// agentsim step's session, driven as its --script mode drives it: stepping, back, why,
// inject, deliver and drop, save, and the saved scenario replayed by the runner to the
// same trace; and the story of issue 16 (stop the failover before the crash, kill the
// new leader too, watch the agents, save it for the class).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness/runner.hpp"
#include "harness/scenario.hpp"
#include "harness/step_session.hpp"

using namespace agentsim;
using harness::StepSession;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

harness::Scenario load(const std::string& path) {
  auto loaded = harness::loadScenarioFile(path);
  if (auto* err = std::get_if<harness::LoadError>(&loaded)) FAIL(err->format());
  return std::get<harness::Scenario>(std::move(loaded));
}

std::string scenarioPath(const std::string& name) { return std::string(AGENTSIM_SCENARIOS_DIR) + "/" + name; }

struct Session {
  explicit Session(const std::string& name, std::uint64_t seed = 0)
      : session(load(scenarioPath(name)), slurp(scenarioPath(name)), seed != 0 ? seed : load(scenarioPath(name)).seed,
                out) {}
  // Runs a command; its output.
  std::string run(const std::string& line, bool ok = true) {
    out.str("");
    CAPTURE(line);
    CHECK(session.command(line) == ok);
    return out.str();
  }
  std::vector<std::string> trace() const {
    std::vector<std::string> lines;
    for (const auto& r : session.records()) lines.push_back(sim::toJsonLine(r));
    return lines;
  }
  std::ostringstream out;
  StepSession session;
};

std::vector<std::string> traceOf(const harness::RunReport& report) {
  std::vector<std::string> lines;
  for (const auto& r : report.records) lines.push_back(sim::toJsonLine(r));
  return lines;
}

// Saves the session, runs the saved file as `agentsim run` does, and checks the run's
// trace begins with every record the session made.
harness::RunReport saveAndReplay(Session& s, const std::string& file) {
  const std::string path = std::string(AGENTSIM_BUILD_DIR) + "/" + file;
  const std::string said = s.run("save " + path);
  CHECK(said.find("saved " + path) != std::string::npos);
  const harness::Scenario saved = load(path);
  harness::RunReport report = harness::runScenario(saved);
  const std::vector<std::string> session = s.trace();
  const std::vector<std::string> replay = traceOf(report);
  REQUIRE(replay.size() >= session.size());
  for (std::size_t i = 0; i < session.size(); ++i) {
    CAPTURE(i);
    REQUIRE(replay[i] == session[i]);
  }
  return report;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("next runs one event at a time, in the order agentsim run runs them") {
  Session s("registration.json");
  const std::string first = s.run("next");  // master-1's boot: it leaves no record, and says so
  CHECK(has(first, "0.000000s"));
  CHECK(has(first, "boot"));
  CHECK(s.session.sim().eventsRun() == 1);
  s.run("next 40");  // before the scenario's end (1mins): the whole run has them all
  CHECK(s.session.sim().eventsRun() == 41);
  // The same records, in the same order, as the whole run's first ones.
  const auto whole = traceOf(harness::runScenario(load(scenarioPath("registration.json"))));
  const auto stepped = s.trace();
  REQUIRE(whole.size() >= stepped.size());
  CHECK(std::equal(stepped.begin(), stepped.end(), whole.begin()));
}

TEST_CASE("back re-runs from the start to an earlier event, with the same records") {
  Session s("registration.json");
  s.run("next 40");
  const auto at40 = s.trace();
  const auto now40 = s.session.sim().now();
  s.run("next 25");
  CHECK(s.trace().size() > at40.size());
  const std::string said = s.run("back 25");
  CHECK(has(said, "back at event 40"));
  CHECK(s.trace() == at40);
  CHECK(s.session.sim().now() == now40);
  s.run("back 1000");
  CHECK(s.session.sim().eventsRun() == 0);
}

TEST_CASE("back into a run-to stops inside it, at the same records as stepping there") {
  Session s("registration.json");
  s.run("run-to 1secs");  // run at full speed: one journal entry
  const std::uint64_t ran = s.session.sim().eventsRun();
  REQUIRE(ran > 10);
  s.run("next 3");
  s.run("back 8");
  CHECK(s.session.sim().eventsRun() == ran - 5);
  Session stepped("registration.json");
  stepped.run("next " + std::to_string(ran - 5));
  CHECK(s.trace() == stepped.trace());
  CHECK(s.session.sim().now() == stepped.session.sim().now());
}

TEST_CASE("run-to, run-until and pending") {
  Session s("registration.json");
  s.run("run-to 100ms");
  CHECK(s.session.sim().now() == sim::Time{} + sim::Milliseconds(100));
  const std::string until = s.run("run-until SlaveRegisteredMessage");
  CHECK(has(until, "SlaveRegisteredMessage"));
  const std::string queued = s.run("pending");
  CHECK(has(queued, "queued event(s)"));
  CHECK(has(s.run("run-to 1ms", false), "in the past"));
}

TEST_CASE("why says each component's state and what it waits for") {
  Session s("registration.json");
  s.run("run-to 5ms");
  const std::string why = s.run("why slave(1)");
  CHECK(has(why, "slave(1)@agent-1"));
  CHECK(has(why, "Slave::State"));
  CHECK(has(why, " in "));  // something due, and when
  CHECK(has(s.run("why nobody", false), "no live process or host"));
}

TEST_CASE("bad commands say what is wrong and the session goes on") {
  Session s("registration.json");
  CHECK(has(s.run("frobnicate", false), "unknown command \"frobnicate\""));
  CHECK(has(s.run("next zero", false), "next takes a count"));
  CHECK(has(s.run("inject {\"crash\": \"nowhere\"}", false), "error: /crash"));
  CHECK(has(s.run("inject {\"at\": \"1secs\", \"crash\": \"agent-1\"}", false), "no \"at\""));
  CHECK(has(s.run("inject {nope", false), "error:"));
  CHECK(has(s.run("deliver m999999", false), "not queued"));
  CHECK(has(s.run("run-to soon", false), "run-to takes a time"));
  CHECK(s.session.sim().eventsRun() == 0);  // nothing moved
  s.run("next");
  CHECK(s.session.sim().eventsRun() == 1);
}

TEST_CASE("inject, deliver and drop apply now, and the saved scenario replays to the same trace") {
  Session s("registration.json");
  s.run("run-until RegisterSlaveMessage");
  // The first queued non-heartbeat delivery is dropped, the next delivered at once.
  std::vector<std::uint64_t> ids;
  for (const auto& p : s.session.sim().pending()) {
    if (p.kind == sim::Simulation::EventKind::Delivery) ids.push_back(p.msg);
  }
  REQUIRE(ids.size() >= 1);
  const std::string dropped = s.run("drop m" + std::to_string(ids[0]));
  CHECK(has(dropped, "DROP"));
  s.run("run-to 2secs");
  const std::string injected = s.run("inject {\"crash\": \"agent-1\"}");
  CHECK(has(injected, "FAULT    timeline[2]: crash agent-1"));  // after the scenario's one entry
  CHECK_FALSE(has(injected, "instant is finished first"));  // run-to stopped before 2secs' events
  s.run("next 3");
  const std::string restarted = s.run("inject {\"restart\": \"agent-1\"}");
  CHECK(has(restarted, "instant is finished first"));
  s.run("run-to 20secs");
  const auto report = saveAndReplay(s, "step-session-test.json");
  const harness::Scenario saved = load(std::string(AGENTSIM_BUILD_DIR) + "/step-session-test.json");
  REQUIRE(saved.timeline.size() == 4);
  CHECK(saved.timeline[1].kind == "drop_message");
  CHECK(saved.timeline[2].kind == "crash");
  CHECK(saved.timeline[3].kind == "restart");

  // back forgets the choices made after the point it goes back to.
  s.run("back 100000");
  CHECK(s.trace().size() == 0);
}

TEST_CASE("deliver runs a queued message ahead of its turn") {
  Session s("registration.json");
  s.run("run-until RegisterSlaveMessage");
  std::vector<sim::Simulation::PendingEvent> deliveries;
  for (const auto& p : s.session.sim().pending()) {
    if (p.kind == sim::Simulation::EventKind::Delivery) deliveries.push_back(p);
  }
  REQUIRE(!deliveries.empty());
  const auto last = deliveries.back();
  const std::string said = s.run("deliver " + std::to_string(last.msg));
  CHECK(has(said, "deliver now " + last.message));
  CHECK(has(said, "deliver  " + last.message));
  s.run("next 50");
  saveAndReplay(s, "step-deliver-test.json");
}

TEST_CASE("predict runs to a process's next record and keeps score") {
  Session s("registration.json");
  s.run("run-to 1ms");
  s.run("predict master RegisterSlaveMessage");
  const std::string wrong = s.run("predict slave(1) NoSuchThing");
  CHECK(has(wrong, "wrong"));
  CHECK(s.session.score().second == 2);
  CHECK(has(s.run("predict slave(1)", false), "predict takes"));
}

// Issue 16's story: a student stops the failover before the crash, lets master-2 take
// over, kills it too, watches what the agents do, and saves that for the class.
TEST_CASE("the failover story: stop before the crash, kill the new leader too, save, replay") {
  Session s("failover.json");
  s.run("run-to 29secs");
  const std::string before = s.run("why agent-1");
  CHECK(has(before, "Slave::State RUNNING"));
  s.run("run-until ELECTED");  // master-2, once master-1's ZooKeeper session expires
  CHECK(has(s.run("why master-2"), "Master::Leadership ELECTED"));
  const std::string killed = s.run("inject {\"crash\": \"leading-master\"}");
  CHECK(has(killed, "crash leading-master"));
  CHECK(has(killed, "master-2"));
  s.run("run-to 60secs");
  const std::string after = s.run("why agent-1");
  CHECK(has(after, "Slave::State DISCONNECTED"));
  const auto report = saveAndReplay(s, "step-failover-story.json");
  // The replay crashed both masters: the scenario's own crash, then the session's.
  std::vector<std::string> crashed;
  for (const auto& r : report.records) {
    if (r.kind == sim::RecordKind::Fault && r.name == "crash" && !r.host.empty()) crashed.push_back(r.host);
  }
  CHECK(crashed == std::vector<std::string>{"master-1", "master-2"});
}
