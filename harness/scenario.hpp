#pragma once
// A scenario: what cluster to build, what faults to inject when, what must be observed
// (scenarios/schema.json; docs/scenario-format.md).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "harness/reader.hpp"
#include "model/slave/main.hpp"
#include "model/common/flags.hpp"
#include "model/sched/sched.hpp"
#include "model/zookeeper/messages.hpp"
#include "sim/network.hpp"
#include "sim/time.hpp"
#include "sim/trace.hpp"

namespace agentsim::harness {

class World;

struct MasterSpec {
  std::string id;  // also the host name
  model::MasterFlags flags;
  std::vector<std::pair<std::string, std::string>> flags_set;  // as the scenario wrote them
  model::ACLs acls;  // "acls": --acls, for the master's LocalAuthorizer (run_tasks)
};

struct AgentSpec {
  std::string id;
  model::SlaveFlags flags;
  std::vector<std::pair<std::string, std::string>> flags_set;
  // The host's docker daemon and systemd, and the startup order ("startup": {"order"}),
  // already checked against the agent's startup graph.
  model::AgentOptions options;
  std::optional<std::uint64_t> disk_capacity;  // "disk": {"capacity": "100GB"}
  std::vector<std::pair<std::string, std::string>> disk_files;  // "disk": {"files": {path: content}}
};

// A scripted framework (model::SchedulerProcess) on its own host, port 8080, with its
// tasks (flags.tasks) and how it acknowledges their updates.
struct FrameworkSpec {
  std::string id;  // also the host name
  model::FrameworkFlags flags;
};

// The fake ZooKeeper ensemble: hosts zk-1..zk-N, port 2181 (docs/zookeeper.md).
struct ZooKeeperSpec {
  // A znode that exists before the run (`zookeeper.znodes`), created by a client
  // authenticated with digest credentials `creator` ("" for none).
  struct Znode {
    std::string path;
    std::string data;
    model::zk::Acl acl = model::zk::Acl::OPEN;
    std::string creator;
  };
  int servers = 0;  // 0: no ensemble; masters are standalone
  std::vector<Znode> znodes;
  std::vector<std::string> hosts() const;
  // "zk://zk-1:2181,zk-2:2181,zk-3:2181/mesos"
  std::string url() const;
};

struct TimelineEntry {
  sim::Duration at;
  std::string kind;
  std::string summary;  // one line, for the timeline and the docs
  std::string label;    // "timeline[3]"
  std::function<void(World&)> apply;
};

struct Outcome {
  bool held = false;
  std::string evidence;
  // The seqs of the records the evidence names (the check record's `evidence_seqs`), so
  // a viewer can point at them.
  std::vector<std::uint64_t> seqs = {};
  bool undecided = false;  // the run ended before the expectation's horizon (not held)
};

// An expectation as an observer of one run: it is handed, as they are emitted, the
// records its Expectation::interest names, keeps only what its verdict needs (a count,
// the hits' times and seqs, the last state), and gives the verdict at the end.
class ExpectationCheck {
 public:
  virtual ~ExpectationCheck() = default;
  virtual void observe(const sim::Record& record) = 0;
  // `end`: when the run stopped.
  virtual Outcome finish(sim::Time end) = 0;
};

struct Expectation {
  std::string kind;
  std::string summary;
  std::string note;  // the author's `note`, if any
  // The latest simulated time the verdict depends on: the end of its window, its `by`, its
  // `at`, its reference plus `within`; the scenario's `until` when it names none (a count
  // over the whole run). A run that ends before it cannot decide the expectation: the
  // runner reports it UNDECIDED, never held.
  sim::Duration horizon;
  // The records the check reads (by kind and name): no other record reaches it.
  sim::Interest interest;
  // A fresh observer for one run.
  std::function<std::unique_ptr<ExpectationCheck>()> check;
  // The verdict over a whole trace (a saved one; tests): a fresh check fed the records
  // it subscribed to, so there is one implementation of each kind.
  std::function<Outcome(const std::vector<sim::Record>&)> evaluate;
  // What the world runs at given times so that the check has records to read about what
  // the trace does not show (disk_file: the disk's files); none for most kinds.
  std::vector<TimelineEntry> probes = {};
};

struct Scenario {
  std::string file;
  std::string name;
  std::string description;
  std::vector<std::string> notes;
  std::uint64_t seed = 1;
  sim::Duration until = sim::Minutes(5);
  sim::LatencyModel latency;
  ZooKeeperSpec zookeeper;
  std::vector<MasterSpec> masters;
  std::vector<AgentSpec> agents;
  std::vector<FrameworkSpec> frameworks;
  std::vector<TimelineEntry> timeline;
  std::vector<Expectation> expectations;

  bool hasHost(const std::string& id) const;
  bool isAgent(const std::string& id) const;
  bool isMaster(const std::string& id) const;
  bool isZooKeeper(const std::string& id) const;
  bool isFramework(const std::string& id) const;
  const FrameworkSpec* framework(const std::string& id) const;
};

// Limits on what a scenario may ask for (docs/limits.md).
struct ScenarioLimits {
  static constexpr std::size_t kMaxFileBytes = 4 * 1024 * 1024;
  static constexpr std::size_t kMaxMasters = 16;
  static constexpr std::size_t kMaxAgents = 100'000;
  static constexpr std::size_t kMaxFrameworks = 1'000;
  static constexpr std::size_t kMaxTasksPerFramework = 10'000;
  static constexpr std::size_t kMaxTaskUpdates = 100;  // a task's "updates"
  static constexpr std::size_t kMaxTimeline = 10'000;
  static constexpr std::size_t kMaxExpectations = 10'000;
  // A scenario's name: room for a Mesos test's full name and a variant
  // ("ZooKeeperMasterContenderDetectorTest.MasterDetectorExpireSlaveZKSessionNewMaster" is
  // 82 bytes); host ids stay at 64.
  static constexpr std::size_t kMaxNameBytes = 128;
  static constexpr sim::Duration kMaxUntil = sim::Weeks(52);
  // The world's memory (worldBytes): a scenario whose world would need more is refused
  // before anything is built. With a run's kept trace (sim::Limits::max_trace_bytes, 2 GiB)
  // a run stays under about 5 GiB.
  static constexpr std::uint64_t kMaxWorldBytes = std::uint64_t{3} << 30;
  // What the world takes, measured (docs/performance.md): an agent host with its processes
  // (four of them for ZooKeeper), flags and startup graph about 23 KiB; a task launched,
  // run and its updates streamed about 13 KiB (1.3 GiB for 100,000 tasks).
  static constexpr std::uint64_t kAgentBytes = 24 * 1024;
  static constexpr std::uint64_t kTaskBytes = 14 * 1024;
  static constexpr std::uint64_t kMasterBytes = 256 * 1024;
};

// The memory the world of `s` is estimated to take: its agents, masters and tasks at the
// measured costs of ScenarioLimits.
std::uint64_t worldBytes(const Scenario& s);

std::variant<Scenario, LoadError> loadScenarioText(std::string_view text, const std::string& file);
std::variant<Scenario, LoadError> loadScenarioFile(const std::string& path);
// One timeline action written as its JSON without "at" ({"crash": "agent-1"}), read by the
// same rows as a scenario's timeline (references checked against `scenario`), as the entry
// `label` at `at`: what `agentsim step`'s inject applies.
std::variant<TimelineEntry, LoadError> parseTimelineAction(std::string_view text, const Scenario& scenario,
                                                        sim::Duration at, const std::string& label);
// One entry of a scenario's "timeline" ({"at": "5secs", "crash": "agent-1"}), the
// `index`th, read as loadScenarioText reads it against `scenario`, whose timeline holds the
// entries before it (a release names an earlier hold): the fuzzer adds a case's entries to
// a scenario it loaded once (harness/fuzz/judge.cpp).
std::variant<TimelineEntry, LoadError> parseTimelineEntry(std::string_view text, const Scenario& scenario,
                                                       std::size_t index);

}  // namespace agentsim::harness
