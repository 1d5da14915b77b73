#include "harness/scenario.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "harness/agent_flags.hpp"
#include "harness/tables.hpp"
#include "model/common/resources.hpp"
#include "model/common/task_state.hpp"
#include "sim/suggest.hpp"
#include "sim/trace.hpp"

namespace agentsim::harness {

bool Scenario::hasHost(const std::string& id) const {
  return isMaster(id) || isAgent(id) || isZooKeeper(id) || isFramework(id);
}

bool Scenario::isFramework(const std::string& id) const {
  for (const auto& f : frameworks) {
    if (f.id == id) return true;
  }
  return false;
}

const FrameworkSpec* Scenario::framework(const std::string& id) const {
  for (const auto& f : frameworks) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

std::vector<std::string> ZooKeeperSpec::hosts() const {
  std::vector<std::string> out;
  for (int i = 1; i <= servers; ++i) out.push_back(fmt::format("zk-{}", i));
  return out;
}

std::string ZooKeeperSpec::url() const {
  std::vector<std::string> out;
  for (const std::string& h : hosts()) out.push_back(h + ":2181");
  return fmt::format("zk://{}/mesos", fmt::join(out, ","));
}

bool Scenario::isMaster(const std::string& id) const {
  for (const auto& m : masters) {
    if (m.id == id) return true;
  }
  return false;
}

bool Scenario::isZooKeeper(const std::string& id) const {
  // One of ZooKeeperSpec::hosts ("zk-1" .. "zk-N"), read without formatting them: asked
  // of every host of a scenario.
  constexpr std::string_view kPrefix = "zk-";
  if (id.size() <= kPrefix.size() || id.compare(0, kPrefix.size(), kPrefix) != 0 || id[kPrefix.size()] == '0') {
    return false;
  }
  long long n = 0;
  for (std::size_t i = kPrefix.size(); i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9') return false;
    n = n * 10 + (id[i] - '0');
    if (n > zookeeper.servers) return false;
  }
  return n >= 1;
}

bool Scenario::isAgent(const std::string& id) const {
  for (const auto& a : agents) {
    if (a.id == id) return true;
  }
  return false;
}

namespace {

// Words that actions and expectations give a meaning of their own; no host may be called so.
void notReserved(const Reader& r, const std::string& pointer, const std::string& id) {
  for (const char* word : {"leading-master", "new-leader", "none", "all"}) {
    if (id == word) {
      r.fail(pointer, fmt::format("\"{}\" cannot name a host: actions and expectations use it (leading-master, "
                                  "new-leader, none, all)",
                                  id));
    }
  }
}

template <typename Flags>
void readFlags(const Reader& r, const std::string& pointer, const model::FlagTable<Flags>& table, Flags& flags,
               std::vector<std::pair<std::string, std::string>>& set) {
  const auto& v = r.at(pointer);
  if (!v.is_object()) r.fail(pointer, fmt::format("expected an object of flags, got {}", typeName(v)));
  for (const auto& [name, value] : v.items()) {
    const std::string p = Reader::child(pointer, name);
    if (!table.has(name)) {
      r.failAtKey(p, fmt::format("unknown flag \"{}\"{}; `agentsim flags` lists the modelled flags: {}",
                                 name.substr(0, 60), sim::didYouMean(name, table.names()), fmt::join(table.names(), ", ")));
    }
    const std::string text = r.flagValue(p);
    auto ok = table.set(flags, name, text);
    if (ok.isError()) r.fail(p, ok.error());
    set.emplace_back(name, text);
  }
}

}  // namespace

void loadAgentFlags(const Reader& r, const std::string& pointer, model::SlaveFlags& flags,
                    const std::string& unmodelled_tail,
                    const std::function<void(const std::string&, const std::string&)>& given) {
  const auto& v = r.at(pointer);
  if (!v.is_object()) r.fail(pointer, fmt::format("expected an object of flags, got {}", typeName(v)));
  const auto& table = model::slaveFlagTable();
  std::set<std::string> loaded;  // FlagsBase::load's loaded_name: --no-NAME and --NAME both
  for (const auto& [name, value] : v.items()) {
    const std::string p = Reader::child(pointer, name);
    const std::string flag = name.rfind("no-", 0) == 0 ? name.substr(3) : name;
    if (!table.has(flag) && model::isMesosAgentFlag(flag)) {
      r.failAtKey(p, fmt::format("flag \"{}\" is a Mesos 1.1 agent flag agentsim does not model; `agentsim flags` "
                                 "lists the modelled flags{}",
                                 flag, unmodelled_tail));
    }
    const std::string text = r.flagValue(p);
    given(name, text);
    if (table.has(flag) && !loaded.insert(flag).second) {
      // Mesos: "Flag 'F' is already loaded via name 'F'" (a flag's loaded_name is its own).
      flags.load_errors[name] = fmt::format("Flag '{}' is already loaded via name '{}'", flag, flag);
      continue;
    }
    auto ok = model::loadAgentFlag(flags, name, text);
    if (ok.isError()) r.fail(p, ok.error());
  }
}

namespace {

// An agent's flags (loadAgentFlags), each kept as the scenario gave it.
void readFlags(const Reader& r, const std::string& pointer, const model::FlagTable<model::SlaveFlags>& table,
               model::SlaveFlags& flags, std::vector<std::pair<std::string, std::string>>& set) {
  loadAgentFlags(r, pointer, flags, fmt::format(": {}", fmt::join(table.names(), ", ")),
                 [&](const std::string& name, const std::string& text) { set.emplace_back(name, text); });
}

// Keys a host object may have besides id, flags and note; agents describe their host
// and may choose a startup order.
std::vector<std::string> hostKeys(const MasterSpec*) { return {"id", "flags", "note", "acls"}; }
std::vector<std::string> hostKeys(const AgentSpec*) {
  return {"id", "flags", "note", "docker", "systemd", "startup", "modules", "acls", "disk"};
}

// An ACL entity as in Mesos's --acls JSON: {"values": [...]} or {"type": "ANY" | "NONE"}.
model::ACLEntity aclEntity(const Reader& r, const std::string& p) {
  r.object(p, {"values", "type"});
  model::ACLEntity e;
  if (r.has(p + "/values") == r.has(p + "/type")) {
    r.fail(p, "expected either \"values\" (a list) or \"type\" (\"ANY\" or \"NONE\")");
  }
  if (r.has(p + "/type")) {
    const std::string t = r.string(p + "/type", 10);
    if (t != "ANY" && t != "NONE") r.fail(p + "/type", fmt::format("expected \"ANY\" or \"NONE\", got \"{}\"", t));
    e.type = t == "ANY" ? model::ACLEntity::Type::ANY : model::ACLEntity::Type::NONE;
    return e;
  }
  e.type = model::ACLEntity::Type::SOME;
  const std::size_t n = r.array(p + "/values", 1000);
  for (std::size_t i = 0; i < n; ++i) e.values.push_back(r.string(Reader::child(p + "/values", i), 200));
  return e;
}

// "acls": {"permissive": ..., "run_tasks": [{"principals": ..., "users": ...}]} (--acls),
// an agent's or a master's.
void readAcls(const Reader& r, const std::string& p, model::ACLs& out) {
  const std::string acls = Reader::child(p, "acls");
  if (!r.has(acls)) return;
  r.object(acls, {"permissive", "run_tasks", "note"});
  if (r.has(acls + "/permissive")) out.permissive = r.boolean(acls + "/permissive");
  if (r.has(acls + "/run_tasks")) {
    const std::size_t n = r.array(acls + "/run_tasks", 1000);
    for (std::size_t i = 0; i < n; ++i) {
      const std::string e = Reader::child(acls + "/run_tasks", i);
      r.object(e, {"principals", "users"}, {"principals", "users"});
      out.run_tasks.push_back({aclEntity(r, e + "/principals"), aclEntity(r, e + "/users")});
    }
  }
}

// "files": {"/etc/mesos/master": "master@master-1:5050"}: files on the agent's host
// before it boots (as a Mesos test writes the master's pid for MasterDetector's file://).
void readDiskFiles(const Reader& r, const std::string& p, AgentSpec& a) {
  if (!r.at(p).is_object()) r.fail(p, "expected an object of absolute paths to their contents");
  if (r.at(p).size() > 100) r.fail(p, fmt::format("at most 100 files, got {}", r.at(p).size()));
  for (const auto& [path, value] : r.at(p).items()) {
    const std::string at = Reader::child(p, path);
    if (path.empty() || path.front() != '/' || path.size() > 1000) {
      r.fail(at, "expected an absolute path (at most 1000 characters), such as \"/etc/mesos/master\"");
    }
    a.disk_files.emplace_back(path, r.string(at, 10000));
  }
}


// "modules": [{"name": ..., "parameters": {"key": "value"}}] (the --modules JSON manifest's
// modules), "acls": {"permissive": ..., "run_tasks": [{"principals": ..., "users": ...}]}
// (--acls), "disk": {"capacity": "100GB"} (the work_dir filesystem's size).
void readAgentExtras(const Reader& r, const std::string& p, AgentSpec& a) {
  const std::string m = Reader::child(p, "modules");
  if (r.has(m)) {
    for (const auto& [name, value] : a.flags_set) {
      if (name == "modules") r.fail(m, "give the modules either here or in \"flags\"/\"modules\", not both");
    }
    const std::size_t n = r.array(m, 20);
    std::vector<std::string> names;
    for (std::size_t i = 0; i < n; ++i) {
      const std::string e = Reader::child(m, i);
      r.object(e, {"name", "parameters", "note"}, {"name"});
      const std::string name = r.string(e + "/name", 200);
      names.push_back(name);
      if (!r.has(e + "/parameters")) continue;
      const std::string params = e + "/parameters";
      if (!r.at(params).is_object()) {
        r.fail(params, fmt::format("expected an object of parameters, e.g. {{\"resources\": \"cpus:2\"}}, got {}",
                                   typeName(r.at(params))));
      }
      for (const auto& [key, value] : r.at(params).items()) {
        a.options.module_parameters[name][key] = r.string(Reader::child(params, key), 1000);
      }
    }
    a.flags.modules = fmt::format("{}", fmt::join(names, ","));
    a.flags_set.emplace_back("modules", a.flags.modules);
  }
  readAcls(r, p, a.options.acls);
  const std::string disk = Reader::child(p, "disk");
  if (r.has(disk)) {
    r.object(disk, {"capacity", "files", "note"});
    if (!r.has(disk + "/capacity") && !r.has(disk + "/files")) {
      r.fail(disk, "missing required key \"capacity\" (or \"files\")");
    }
    if (r.has(disk + "/capacity")) {
      auto bytes = model::parseBytes(r.string(disk + "/capacity", 40));
      if (bytes.isError()) r.fail(disk + "/capacity", bytes.error());
      if (bytes->bytes == 0) r.fail(disk + "/capacity", "a disk needs a capacity above 0B");
      a.disk_capacity = bytes->bytes;
    }
    if (r.has(disk + "/files")) readDiskFiles(r, disk + "/files", a);
  }
}

// A master's "acls" (--acls): Master::authorizeTask's run_tasks ACLs.
void readHostOptions(const Reader& r, const std::string& p, MasterSpec& m) { readAcls(r, p, m.acls); }

// "docker": true, "systemd": true, "startup": { "order": [...] }; the order must be a
// topological order of the agent's startup graph (model/slave/startup_graph.hpp).
void readHostOptions(const Reader& r, const std::string& p, AgentSpec& a) {
  readAgentExtras(r, p, a);
  if (r.has(Reader::child(p, "docker"))) a.options.env.docker = r.boolean(Reader::child(p, "docker"));
  if (r.has(Reader::child(p, "systemd"))) a.options.env.systemd = r.boolean(Reader::child(p, "systemd"));
  const std::string startup = Reader::child(p, "startup");
  if (!r.has(startup)) return;
  r.object(startup, {"order", "note"}, {"order"});
  if (r.has(Reader::child(startup, "note"))) r.string(Reader::child(startup, "note"));
  const std::string order = Reader::child(startup, "order");
  const std::size_t n = r.array(order, 64);
  std::vector<std::string> names;
  for (std::size_t i = 0; i < n; ++i) names.push_back(r.string(Reader::child(order, i), 64));
  const model::StartupGraph graph = model::StartupGraph::forAgent(a.flags, a.options.env);
  auto checked = graph.validate(names);
  if (auto* err = std::get_if<model::OrderError>(&checked)) {
    r.fail(err->index < n ? Reader::child(order, err->index) : order, err->message);
  }
  a.options.order = std::move(names);
}

// "masters": 2 or [{ "id": "master-1", "flags": {...} }, ...]; same for agents.
template <typename Spec, typename Flags>
std::vector<Spec> readHosts(const Reader& r, const std::string& pointer, std::string_view prefix, std::size_t min,
                            std::size_t max, const model::FlagTable<Flags>& table) {
  std::vector<Spec> out;
  const auto& v = r.at(pointer);
  if (v.is_number()) {
    const auto n = r.unsignedInteger(pointer, min, max);
    for (std::uint64_t i = 1; i <= n; ++i) {
      Spec spec;
      spec.id = fmt::format("{}-{}", prefix, i);
      out.push_back(std::move(spec));
    }
    return out;
  }
  if (!v.is_array()) {
    r.fail(pointer, fmt::format("expected a count or an array of {} objects, got {}", prefix, typeName(v)));
  }
  const std::size_t n = r.array(pointer, max);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string p = Reader::child(pointer, i);
    Spec spec;
    std::vector<std::string> keys = hostKeys(&spec);
    r.object(p, keys);
    if (!r.has(Reader::child(p, "id"))) r.fail(p, "missing required key \"id\"");
    spec.id = r.identifier(Reader::child(p, "id"));
    notReserved(r, Reader::child(p, "id"), spec.id);
    if (r.has(Reader::child(p, "note"))) r.string(Reader::child(p, "note"));
    if (r.has(Reader::child(p, "flags"))) readFlags(r, Reader::child(p, "flags"), table, spec.flags, spec.flags_set);
    readHostOptions(r, p, spec);
    out.push_back(std::move(spec));
  }
  return out;
}

// `zookeeper.znodes`: znodes the ensemble holds before the run, each with the ACL a
// client authenticated as `creator` created it with (ZooKeeperTest.Auth's set-up).
std::vector<ZooKeeperSpec::Znode> readZnodes(const Reader& r, const std::string& p) {
  std::vector<ZooKeeperSpec::Znode> out;
  const std::size_t n = r.array(p, 20);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string q = Reader::child(p, i);
    r.object(q, {"path", "data", "acl", "creator", "note"}, {"path"});
    if (r.has(q + "/note")) r.string(q + "/note");
    ZooKeeperSpec::Znode z;
    z.path = r.string(q + "/path", 200);
    if (z.path.size() < 2 || z.path.front() != '/' || z.path.back() == '/' || z.path.find("//") != std::string::npos) {
      r.fail(q + "/path", fmt::format("expected an absolute znode path other than \"/\", with no trailing or "
                                      "double '/', got \"{}\"", z.path));
    }
    for (const auto& other : out) {
      if (other.path == z.path) r.fail(q + "/path", fmt::format("znode \"{}\" is listed twice", z.path));
    }
    if (r.has(q + "/data")) z.data = r.string(q + "/data", 1000);
    if (r.has(q + "/acl")) {
      const std::string acl = r.string(q + "/acl", 100);
      const model::zk::Acl acls[]{model::zk::Acl::OPEN, model::zk::Acl::EVERYONE_READ_CREATOR_ALL,
                                  model::zk::Acl::CREATOR_ALL};
      const auto* it = std::find_if(std::begin(acls), std::end(acls),
                                    [&acl](model::zk::Acl a) { return model::zk::aclName(a) == acl; });
      if (it == std::end(acls)) {
        r.fail(q + "/acl", fmt::format("unknown ACL \"{}\"; expected ZOO_OPEN_ACL_UNSAFE, "
                                       "EVERYONE_READ_CREATOR_ALL or ZOO_CREATOR_ALL_ACL", acl));
      }
      z.acl = *it;
    }
    if (r.has(q + "/creator")) {
      z.creator = r.string(q + "/creator", 200);
      const auto colon = z.creator.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == z.creator.size()) {
        r.fail(q + "/creator", fmt::format("expected digest credentials \"user:password\", got \"{}\"", z.creator));
      }
    }
    if (z.acl != model::zk::Acl::OPEN && z.creator.empty()) {
      r.fail(q, fmt::format("the ACL {} gives the creator's ids, so it needs \"creator\" (ZooKeeper answers "
                            "ZINVALIDACL to a client without ids)", model::zk::aclName(z.acl)));
    }
    out.push_back(std::move(z));
  }
  return out;
}

void readCluster(const Reader& r, Scenario& s) {
  const std::string p = "/cluster";
  r.object(p, {"zookeeper", "masters", "agents", "note"}, {"agents"});
  if (r.has(p + "/zookeeper")) {
    // {"servers": 1 | 3 | 5}: an ensemble serves while a majority of it is up.
    const std::string z = p + "/zookeeper";
    r.object(z, {"servers", "znodes", "note"}, {"servers"});
    if (r.has(z + "/note")) r.string(z + "/note");
    if (r.has(z + "/znodes")) s.zookeeper.znodes = readZnodes(r, z + "/znodes");
    const auto n = r.unsignedInteger(z + "/servers", 1, 5);
    if (n % 2 == 0) {
      r.fail(z + "/servers", fmt::format("expected 1, 3 or 5 servers (an ensemble needs a majority), got {}", n));
    }
    s.zookeeper.servers = static_cast<int>(n);
  }
  if (r.has(p + "/masters")) {
    s.masters = readHosts<MasterSpec>(r, p + "/masters", "master", 1, ScenarioLimits::kMaxMasters,
                                      model::masterFlagTable());
  } else {
    s.masters.push_back(MasterSpec{"master-1", {}, {}, {}});
  }
  s.agents = readHosts<AgentSpec>(r, p + "/agents", "agent", 0, ScenarioLimits::kMaxAgents, model::slaveFlagTable());
  if (s.masters.empty()) r.fail(p + "/masters", "expected at least one master");

  // Host names are unique across the cluster. A host from a count ("masters": 2) or
  // the default master has no "id" of its own: name the count or the default instead.
  std::map<std::string, std::string> seen;
  auto checkAll = [&](const auto& hosts, const std::string& list) {
    const bool written = r.has(list) && r.at(list).is_array();
    for (std::size_t i = 0; i < hosts.size(); ++i) {
      const std::string& id = hosts[i].id;
      const std::string where = written ? fmt::format("{}/{}/id", list, i) : list;
      const std::string first = written        ? "at " + where
                                : r.has(list) ? fmt::format("from the count at {}", list)
                                              : "by the default master";
      auto [it, fresh] = seen.emplace(id, first);
      if (!fresh) r.fail(where, fmt::format("host name \"{}\" is used twice (first {})", id, it->second));
    }
  };
  checkAll(s.masters, p + "/masters");
  checkAll(s.agents, p + "/agents");
  // zk-1 .. zk-N are the ensemble's.
  auto notZooKeeper = [&](const auto& hosts, const std::string& list) {
    const bool written = r.has(list) && r.at(list).is_array();
    for (std::size_t i = 0; i < hosts.size(); ++i) {
      if (!s.isZooKeeper(hosts[i].id)) continue;
      r.fail(written ? fmt::format("{}/{}/id", list, i) : list,
             fmt::format("host name \"{}\" belongs to the ZooKeeper ensemble (zk-1 .. zk-{})", hosts[i].id,
                         s.zookeeper.servers));
    }
  };
  notZooKeeper(s.masters, p + "/masters");
  notZooKeeper(s.agents, p + "/agents");

  // Agents find the leading master through the ensemble when there is one, else the
  // first master, unless their flags say otherwise; masters elect a leader through the
  // ensemble unless their --zk says otherwise.
  // The default --master, formatted once for every agent.
  std::optional<std::string> defaultMaster;
  for (std::size_t i = 0; i < s.agents.size(); ++i) {
    AgentSpec& a = s.agents[i];
    bool masterSet = false;
    for (const auto& [name, value] : a.flags_set) masterSet = masterSet || name == "master";
    if (!masterSet) {
      if (!defaultMaster) {
        defaultMaster = s.zookeeper.servers > 0
                            ? s.zookeeper.url()
                            : fmt::format("{}:{}", s.masters.front().id, s.masters.front().flags.port);
      }
      a.flags.master = *defaultMaster;
    }
  }
  for (MasterSpec& m : s.masters) {
    bool zkSet = false;
    for (const auto& [name, value] : m.flags_set) zkSet = zkSet || name == "zk";
    if (!zkSet && s.zookeeper.servers > 0) m.flags.zk = s.zookeeper.url();
  }

  // --work_dir is required in Mesos 1.1; a scenario's agents get /var/lib/mesos unless
  // their flags set it ("" leaves it out, and the agent exits at startup).
  for (AgentSpec& a : s.agents) {
    bool workDirSet = false;
    for (const auto& [name, value] : a.flags_set) workDirSet = workDirSet || name == "work_dir";
    if (!workDirSet) a.flags.work_dir = "/var/lib/mesos";
  }
}

// "end": a task's last state: one of the terminal states a command's end can report.
model::TaskState endState(const Reader& r, const std::string& p) {
  const std::string text = r.string(p, 40);
  static const std::vector<std::string_view> kEnds{"TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST"};
  if (std::find(kEnds.begin(), kEnds.end(), text) == kEnds.end()) {
    r.fail(p, fmt::format("expected how the task ends: one of {}, got \"{}\"", fmt::join(kEnds, ", "), text));
  }
  return *model::parseTaskState(text);
}

// Any TaskState by its mesos.proto name.
model::TaskState taskState(const Reader& r, const std::string& p) {
  const std::string text = r.string(p, 40);
  auto state = model::parseTaskState(text);
  if (!state) r.fail(p, fmt::format("expected a task state ({}), got \"{}\"", taskStateNames(), text));
  return *state;
}

// "updates": ["TASK_RUNNING", { "state": "TASK_FINISHED", "after": "10secs", "task": "other" }]
std::vector<model::TaskUpdateStep> readSteps(const Reader& r, const std::string& p) {
  const std::size_t n = r.array(p, ScenarioLimits::kMaxTaskUpdates);
  std::vector<model::TaskUpdateStep> steps;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string q = Reader::child(p, i);
    model::TaskUpdateStep step;
    if (r.at(q).is_string()) {
      step.state = taskState(r, q);
    } else {
      if (!r.at(q).is_object()) {
        r.fail(q, fmt::format("expected a task state name or an object {{state, after, task}}, got {}",
                              typeName(r.at(q))));
      }
      r.object(q, {"state", "after", "task", "note"}, {"state"});
      if (r.has(q + "/note")) r.string(q + "/note");
      step.state = taskState(r, q + "/state");
      if (r.has(q + "/after")) step.after = r.duration(q + "/after", sim::Duration{}, ScenarioLimits::kMaxUntil);
      if (r.has(q + "/task")) step.task_id = r.identifier(q + "/task");
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

// "kill_policy": {"grace_period"} (TaskInfo.kill_policy) and "ignores_sigterm" (agentsim's
// script: only SIGKILL ends the command), which the command executor's kill reads.
void readKillPolicy(const Reader& r, const std::string& t, model::TaskInfo& info) {
  if (r.has(t + "/kill_policy")) {
    const std::string k = t + "/kill_policy";
    r.object(k, {"grace_period", "note"}, {"grace_period"});
    info.kill_policy_grace_period = r.duration(k + "/grace_period", sim::Duration{}, ScenarioLimits::kMaxUntil);
  }
  if (r.has(t + "/ignores_sigterm")) info.ignores_sigterm = r.boolean(t + "/ignores_sigterm");
}

// "tasks": [{ "id", "agent", "at", "executor", "run_time", "end", "updates", "resources", "note" }]
std::vector<model::TaskLaunch> readTasks(const Reader& r, const Scenario& s, const std::string& p) {
  const std::size_t n = r.array(p, ScenarioLimits::kMaxTasksPerFramework);
  std::vector<model::TaskLaunch> out;
  std::map<std::string, std::string> ids;  // task id -> where first
  for (std::size_t i = 0; i < n; ++i) {
    const std::string t = Reader::child(p, i);
    r.object(t, {"id", "agent", "at", "executor", "run_time", "end", "updates", "resources", "revocable", "sandbox_growth",
                 "uris", "kill_policy", "ignores_sigterm", "scripted", "note"},
             {"id", "agent"});
    if (r.has(t + "/note")) r.string(t + "/note");
    model::TaskLaunch launch;
    launch.info.task_id = r.identifier(t + "/id");
    launch.info.name = launch.info.task_id;
    if (auto [it, fresh] = ids.emplace(launch.info.task_id, t + "/id"); !fresh) {
      r.fail(t + "/id", fmt::format("task id \"{}\" is used twice in this framework (first at {})", launch.info.task_id,
                                    it->second));
    }
    launch.agent = r.identifier(t + "/agent");
    if (!s.isAgent(launch.agent)) {
      r.fail(t + "/agent", s.hasHost(launch.agent)
                               ? fmt::format("\"{}\" is not an agent; a task runs on an agent of the cluster",
                                             launch.agent)
                               : fmt::format("no agent named \"{}\" in the cluster", launch.agent));
    }
    for (const AgentSpec& a : s.agents) {
      // The pid an offer of that agent carries (the driver's savedSlavePids).
      if (a.id == launch.agent) launch.agent_pid = fmt::format("slave(1)@{}:{}", a.id, a.flags.port);
    }
    launch.at = sim::Seconds(5);
    if (r.has(t + "/at")) launch.at = r.duration(t + "/at", sim::Duration{}, ScenarioLimits::kMaxUntil);
    // "scripted": false: only a launch_task action launches it (then "at" means nothing).
    if (r.has(t + "/scripted")) launch.scripted = r.boolean(t + "/scripted");
    if (r.has(t + "/resources")) {
      launch.info.resources = r.string(t + "/resources", 1000);
      auto parsed = model::parseResources(launch.info.resources);
      if (parsed.isError()) r.fail(t + "/resources", parsed.error() + " (e.g. \"cpus:0.5;mem:128\")");
    }
    if (r.has(t + "/revocable")) launch.info.revocable_resources = parseTaskRevocable(r, t, launch.info.resources);
    if (r.has(t + "/uris")) {
      // CommandInfo.uris, which the Fetcher downloads into the sandbox first.
      const std::size_t n = r.array(t + "/uris", 100);
      for (std::size_t i = 0; i < n; ++i) {
        const std::string u = Reader::child(t + "/uris", i);
        r.object(u, {"value", "size", "cache", "reachable", "note"}, {"value"});
        model::CommandURI uri;
        uri.value = r.string(u + "/value", 1000);
        if (r.has(u + "/size")) {
          auto bytes = model::parseBytes(r.string(u + "/size", 40));
          if (bytes.isError()) r.fail(u + "/size", bytes.error());
          uri.size_bytes = bytes->bytes;
        }
        if (r.has(u + "/cache")) uri.cache = r.boolean(u + "/cache");
        if (r.has(u + "/reachable")) uri.reachable = r.boolean(u + "/reachable");
        launch.info.uris.push_back(std::move(uri));
      }
    }
    if (r.has(t + "/sandbox_growth")) {
      // What the task writes into its sandbox each minute.
      auto bytes = model::parseBytes(r.string(t + "/sandbox_growth", 40));
      if (bytes.isError()) r.fail(t + "/sandbox_growth", bytes.error() + " (bytes per minute, e.g. \"1GB\")");
      launch.info.sandbox_growth_bytes_per_minute = bytes->bytes;
    }
    readKillPolicy(r, t, launch.info);

    model::ExecutorInfo& executor = launch.info.executor;
    const std::string e = t + "/executor";
    if (r.has(e)) {
      r.object(e, {"id", "shutdown_grace_period", "ignore_shutdown", "exit_after", "note"}, {"id"});
      const std::string note = r.has(e + "/note") ? r.string(e + "/note") : std::string();
      executor.command = false;
      executor.executor_id = r.identifier(e + "/id");
      if (r.has(e + "/shutdown_grace_period")) {
        executor.shutdown_grace_period =
            r.duration(e + "/shutdown_grace_period", sim::Duration{}, ScenarioLimits::kMaxUntil);
      }
      if (r.has(e + "/ignore_shutdown")) executor.ignore_shutdown = r.boolean(e + "/ignore_shutdown");
      if (r.has(e + "/exit_after")) {
        executor.exit_after = r.duration(e + "/exit_after", sim::Duration{}, ScenarioLimits::kMaxUntil);
      }
      // Tasks that name one executor id on one agent with different objects are the
      // master's to refuse (validateCompatibleExecutorInfo: TASK_ERROR), as in Mesos.
    } else {
      executor.command = true;
      executor.executor_id = launch.info.task_id;
    }

    const bool custom = r.has(t + "/updates");
    if (custom && (r.has(t + "/run_time") || r.has(t + "/end"))) {
      r.fail(t + "/updates", "give either \"updates\" or \"run_time\"/\"end\", not both (\"updates\" lists every "
                             "update the task sends)");
    }
    if (custom) {
      launch.info.steps = readSteps(r, t + "/updates");
    } else {
      std::optional<sim::Duration> runTime;
      if (r.has(t + "/run_time")) runTime = r.duration(t + "/run_time", sim::Duration{}, ScenarioLimits::kMaxUntil);
      model::TaskState end = model::TaskState::TASK_FINISHED;
      if (r.has(t + "/end")) {
        end = endState(r, t + "/end");
        if (!runTime) r.fail(t + "/end", "\"end\" needs \"run_time\" (when the task ends)");
      }
      if (executor.command) launch.info.steps.push_back({model::TaskState::TASK_STARTING, sim::Duration{}, ""});
      launch.info.steps.push_back({model::TaskState::TASK_RUNNING, sim::Duration{}, ""});
      if (runTime) launch.info.steps.push_back({end, *runTime, ""});
    }
    out.push_back(std::move(launch));
  }
  return out;
}

// "acknowledge": "at_once" | "never" | a duration (acknowledge that long after delivery).
model::AcknowledgePolicy acknowledgePolicy(const Reader& r, const std::string& p) {
  const auto& v = r.at(p);
  model::AcknowledgePolicy policy;
  if (v.is_string() && v.get<std::string>() == "at_once") return policy;
  if (v.is_string() && v.get<std::string>() == "never") {
    policy.kind = model::AcknowledgePolicy::Kind::NEVER;
    return policy;
  }
  if (!v.is_string() || !sim::parseDuration(v.get<std::string>()).isSome()) {
    r.fail(p, fmt::format("expected \"at_once\", \"never\" or a Mesos duration such as \"5secs\" (acknowledge that "
                          "long after the update arrives), got {}",
                          typeName(v)));
  }
  policy.kind = model::AcknowledgePolicy::Kind::AFTER;
  policy.after = r.duration(p, sim::Duration{}, ScenarioLimits::kMaxUntil);
  return policy;
}

// "frameworks": 1 or [{ "id": "framework-1", "name": ..., "failover_timeout": "1mins",
// "master": ..., "checkpoint", "partition_aware", "acknowledge", "tasks", "note": ... }]:
// scripted schedulers that register, reregister and launch their tasks.
void readFrameworks(const Reader& r, Scenario& s) {
  const std::string p = "/frameworks";
  const auto& v = r.at(p);
  if (v.is_number()) {
    const auto n = r.unsignedInteger(p, 0, ScenarioLimits::kMaxFrameworks);
    for (std::uint64_t i = 1; i <= n; ++i) s.frameworks.push_back(FrameworkSpec{fmt::format("framework-{}", i), {}});
  } else {
    if (!v.is_array()) r.fail(p, fmt::format("expected a count or an array of framework objects, got {}", typeName(v)));
    const std::size_t n = r.array(p, ScenarioLimits::kMaxFrameworks);
    for (std::size_t i = 0; i < n; ++i) {
      const std::string f = Reader::child(p, i);
      r.object(f, {"id", "name", "failover_timeout", "master", "checkpoint", "partition_aware", "revocable_resources",
                   "task_killing_state", "user", "principal", "acknowledge", "tasks", "note"},
               {"id"});
      FrameworkSpec spec;
      spec.id = r.identifier(f + "/id");
      notReserved(r, f + "/id", spec.id);
      if (r.has(f + "/note")) r.string(f + "/note");
      if (r.has(f + "/name")) spec.flags.name = r.string(f + "/name", 200);
      if (r.has(f + "/failover_timeout")) {
        spec.flags.failover_timeout = r.duration(f + "/failover_timeout", sim::Duration{}, sim::Weeks(52));
      }
      if (r.has(f + "/master")) spec.flags.master = r.string(f + "/master", 1000);
      if (s.hasHost(spec.id) || s.isFramework(spec.id)) {
        r.fail(f + "/id", fmt::format("host name \"{}\" is used twice", spec.id));
      }
      if (r.has(f + "/checkpoint")) spec.flags.checkpoint = r.boolean(f + "/checkpoint");
      if (r.has(f + "/partition_aware")) spec.flags.partition_aware = r.boolean(f + "/partition_aware");
      if (r.has(f + "/revocable_resources")) {
        spec.flags.revocable_resources = r.boolean(f + "/revocable_resources");
      }
      if (r.has(f + "/task_killing_state")) spec.flags.task_killing_state = r.boolean(f + "/task_killing_state");
      if (r.has(f + "/user")) spec.flags.user = r.string(f + "/user", 200);
      if (r.has(f + "/principal")) spec.flags.principal = r.string(f + "/principal", 200);
      if (r.has(f + "/acknowledge")) spec.flags.acknowledge = acknowledgePolicy(r, f + "/acknowledge");
      if (r.has(f + "/tasks")) spec.flags.tasks = readTasks(r, s, f + "/tasks");
      s.frameworks.push_back(std::move(spec));
    }
  }
  for (std::size_t i = 0; i < s.frameworks.size(); ++i) {
    FrameworkSpec& f = s.frameworks[i];
    if (f.flags.name == "framework") f.flags.name = f.id;
    if (v.is_number() && (s.isMaster(f.id) || s.isAgent(f.id) || s.isZooKeeper(f.id))) {
      r.fail(p, fmt::format("host name \"{}\" is used twice (the count names it)", f.id));
    }
    if (f.flags.master.empty()) {
      f.flags.master = s.zookeeper.servers > 0
                           ? s.zookeeper.url()
                           : fmt::format("{}:{}", s.masters.front().id, s.masters.front().flags.port);
    }
  }
}

// `keys` and the names of a table's rows (actionKinds(), expectationKinds()): the keys
// an object that holds one row's value may have.
template <typename Kind>
std::vector<std::string> keysWith(std::vector<std::string> keys, const std::vector<Kind>& table) {
  for (const auto& kind : table) keys.emplace_back(kind.name);
  return keys;
}

// The row of `table` whose name is a key of the object at `e`: it names exactly one
// (else `exactly`, e.g. "an entry has exactly one action", or "missing `what`").
template <typename Kind>
const Kind& oneRowOf(const Reader& r, const std::string& e, const std::vector<Kind>& table, std::string_view exactly,
                     std::string_view what) {
  const Kind* found = nullptr;
  const auto& object = r.at(e);  // an object: the caller checked its keys
  for (const auto& kind : table) {
    if (!object.contains(kind.name)) continue;
    if (found != nullptr) r.fail(e, fmt::format("{}, got \"{}\" and \"{}\"", exactly, found->name, kind.name));
    found = &kind;
  }
  if (found == nullptr) {
    std::vector<std::string_view> names;
    for (const auto& kind : table) names.push_back(kind.name);
    r.fail(e, fmt::format("missing {}; expected one of: {}", what, fmt::join(names, ", ")));
  }
  return *found;
}

// The one action of a timeline entry at `e` (its `at` and label already set in `entry`).
void readAction(const Reader& r, const Scenario& s, const std::string& e, TimelineEntry& entry) {
  const ActionKind* found = &oneRowOf(r, e, actionKinds(), "an entry has exactly one action", "the action");
  if (found->name != "fire_site") {
    for (const char* key : {"probability", "for"}) {
      if (r.has(e + "/" + key)) {
        r.failAtKey(e + "/" + key, fmt::format("\"{}\" beside the action belongs to a fire_site entry; a {} action "
                                               "takes its own keys inside its value",
                                               key, found->name));
      }
    }
  }
  entry.kind = std::string(found->name);
  found->parse(ParseContext{r, s, entry.label}, Reader::child(e, found->name), entry);
}

// The keys a timeline entry may have: "at", "note", fire_site's two, and an action's name.
const std::vector<std::string>& entryKeys() {
  static const std::vector<std::string> allowed = keysWith({"at", "note", "probability", "for"}, actionKinds());
  return allowed;
}

// The timeline entry at `e`, the `index`th (s.timeline holds the entries before it).
TimelineEntry readEntry(const Reader& r, const Scenario& s, const std::string& e, std::size_t index) {
  r.object(e, entryKeys());
  if (!r.has(e + "/at")) r.fail(e, "missing required key \"at\" (when the action happens, e.g. \"30secs\")");
  TimelineEntry entry;
  entry.at = r.duration(e + "/at", sim::Duration{}, s.until);
  entry.label = fmt::format("timeline[{}]", index);
  if (r.has(e + "/note")) r.string(e + "/note");
  readAction(r, s, e, entry);
  return entry;
}

void readTimeline(const Reader& r, Scenario& s) {
  const std::string p = "/timeline";
  const std::size_t n = r.array(p, ScenarioLimits::kMaxTimeline);
  for (std::size_t i = 0; i < n; ++i) s.timeline.push_back(readEntry(r, s, Reader::child(p, i), i));
}

// An expectation's horizon (Expectation::horizon), from the keys every kind writes its
// times with (already checked by the kind's parser): the latest of `by`, `at`, the end of
// `between` and `elected_between`, and `after` plus `within` (`after` may name a timeline
// entry, at that entry's time). With none of them, the scenario's `until`.
sim::Duration horizonOf(const Reader& r, const std::string& p, const Scenario& s) {
  std::optional<sim::Duration> latest;
  auto later = [&](sim::Duration d) { latest = latest ? std::max(*latest, d) : d; };
  auto time = [&](const std::string& key) { return r.duration(key, sim::Duration{}, ScenarioLimits::kMaxUntil); };
  for (const char* key : {"/by", "/at"}) {
    if (r.has(p + key) && r.at(p + key).is_string()) later(time(p + key));
  }
  for (const char* key : {"/between", "/elected_between"}) {
    if (r.has(p + key) && r.at(p + key).is_array() && r.at(p + key).size() == 2) later(time(Reader::child(p + key, 1)));
  }
  if (r.has(p + "/within")) {
    sim::Duration from;
    if (r.has(p + "/after")) {
      const std::string after = r.at(p + "/after").get<std::string>();
      bool entry = false;
      for (const auto& e : s.timeline) {
        if (e.label == after) from = e.at, entry = true;
      }
      if (!entry) from = time(p + "/after");
    }
    later(from + time(p + "/within"));
  }
  return latest.value_or(s.until);
}

void readExpectations(const Reader& r, Scenario& s) {
  const std::string p = "/expect";
  const std::size_t n = r.array(p, ScenarioLimits::kMaxExpectations);
  const std::vector<std::string> allowed = keysWith({"note"}, expectationKinds());
  for (std::size_t i = 0; i < n; ++i) {
    const std::string e = Reader::child(p, i);
    r.object(e, allowed);
    const std::string note = r.has(e + "/note") ? r.string(e + "/note") : std::string();
    const ExpectationKind* found =
        &oneRowOf(r, e, expectationKinds(), "an expectation has exactly one kind", "the expectation");
    Expectation x;
    x.kind = std::string(found->name);
    x.note = note;
    found->parse(ParseContext{r, s, fmt::format("expect[{}]", i)}, Reader::child(e, found->name), x);
    x.horizon = horizonOf(r, Reader::child(e, found->name), s);
    s.expectations.push_back(std::move(x));
  }
}

// Refuses a scenario whose world would take more memory than ScenarioLimits allows.
void checkWorldBudget(const Reader& r, const Scenario& s) {
  const std::uint64_t bytes = worldBytes(s);
  if (bytes <= ScenarioLimits::kMaxWorldBytes) return;
  std::size_t tasks = 0;
  for (const FrameworkSpec& f : s.frameworks) tasks += f.flags.tasks.size();
  r.fail("/cluster/agents",
         fmt::format("this scenario's world would need about {:.1f} GiB of memory ({} agents at about {} KiB each, {} "
                     "tasks at about {} KiB each), more than the {} agentsim allows (docs/limits.md): use fewer agents "
                     "or tasks",
                     static_cast<double>(bytes) / static_cast<double>(std::uint64_t{1} << 30), s.agents.size(),
                     ScenarioLimits::kAgentBytes / 1024, tasks, ScenarioLimits::kTaskBytes / 1024,
                     sim::formatBytes(ScenarioLimits::kMaxWorldBytes)));
}

Scenario read(const Reader& r, const std::string& file) {
  Scenario s;
  s.file = file;
  r.object("", {"$schema", "name", "description", "notes", "seed", "until", "network", "cluster", "frameworks",
               "timeline", "expect"},
           {"name", "cluster"});
  s.name = r.identifier("/name", ScenarioLimits::kMaxNameBytes);
  if (r.has("/description")) s.description = r.string("/description");
  if (r.has("/notes")) {
    const std::size_t n = r.array("/notes", 100);
    for (std::size_t i = 0; i < n; ++i) s.notes.push_back(r.string(Reader::child("/notes", i)));
  }
  if (r.has("/$schema")) r.string("/$schema");
  if (r.has("/seed")) s.seed = r.unsignedInteger("/seed", 0, UINT64_MAX);
  if (r.has("/until")) s.until = r.duration("/until", sim::Milliseconds(1), ScenarioLimits::kMaxUntil);
  if (r.has("/network")) {
    r.object("/network", {"latency", "jitter", "note"});
    if (r.has("/network/latency")) s.latency.base = r.duration("/network/latency", sim::Nanoseconds(1), sim::Minutes(1));
    if (r.has("/network/jitter")) s.latency.jitter = r.duration("/network/jitter", sim::Duration{}, sim::Minutes(1));
  }
  readCluster(r, s);
  if (r.has("/frameworks")) readFrameworks(r, s);
  checkWorldBudget(r, s);
  if (r.has("/timeline")) readTimeline(r, s);
  if (r.has("/expect")) readExpectations(r, s);
  return s;
}

}  // namespace

std::uint64_t worldBytes(const Scenario& s) {
  std::uint64_t tasks = 0;
  for (const FrameworkSpec& f : s.frameworks) tasks += f.flags.tasks.size();
  return s.agents.size() * ScenarioLimits::kAgentBytes + s.masters.size() * ScenarioLimits::kMasterBytes +
         tasks * ScenarioLimits::kTaskBytes;
}

std::variant<Scenario, LoadError> loadScenarioText(std::string_view text, const std::string& file) {
  JsonLimits limits;
  limits.max_bytes = ScenarioLimits::kMaxFileBytes;
  auto parsed = parseJson(text, limits);
  if (auto* err = std::get_if<JsonError>(&parsed)) return LoadError{file, err->pos, err->pointer, err->message};
  const JsonDocument& doc = std::get<JsonDocument>(parsed);
  Reader reader(doc, file);
  try {
    return read(reader, file);
  } catch (const LoadError& e) {
    return e;
  }
}

std::variant<TimelineEntry, LoadError> parseTimelineAction(std::string_view text, const Scenario& scenario,
                                                        sim::Duration at, const std::string& label) {
  JsonLimits limits;
  limits.max_bytes = 64 * 1024;
  auto parsed = parseJson(text, limits);
  if (auto* err = std::get_if<JsonError>(&parsed)) return LoadError{"action", err->pos, err->pointer, err->message};
  const JsonDocument& doc = std::get<JsonDocument>(parsed);
  Reader r(doc, "action");
  try {
    const std::vector<std::string> allowed = keysWith({"note"}, actionKinds());
    if (r.has("/at")) r.fail("/at", "an action applied now has no \"at\"");
    r.object("", allowed);
    if (r.has("/note")) r.string("/note");
    TimelineEntry entry;
    entry.at = at;
    entry.label = label;
    readAction(r, scenario, "", entry);
    return entry;
  } catch (const LoadError& e) {
    return e;
  }
}

std::variant<TimelineEntry, LoadError> parseTimelineEntry(std::string_view text, const Scenario& scenario,
                                                       std::size_t index) {
  JsonLimits limits;
  limits.max_bytes = 64 * 1024;
  auto parsed = parseJson(text, limits);
  if (auto* err = std::get_if<JsonError>(&parsed)) return LoadError{"entry", err->pos, err->pointer, err->message};
  const JsonDocument& doc = std::get<JsonDocument>(parsed);
  const Reader r(doc, "entry");
  if (index >= ScenarioLimits::kMaxTimeline) {
    return LoadError{"entry", {}, "", fmt::format("too many timeline entries (at most {})", ScenarioLimits::kMaxTimeline)};
  }
  try {
    return readEntry(r, scenario, "", index);
  } catch (const LoadError& e) {
    return e;
  }
}

std::variant<Scenario, LoadError> loadScenarioFile(const std::string& path) {
  // Only a regular file: a named pipe with no writer would block the open for ever, and a
  // device has no end.
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    return LoadError{path, {}, "",
                     std::filesystem::is_directory(status) ? "is a directory, not a scenario file"
                                                           : "not a regular file (a pipe, socket or device)",
                     true};
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    // The system's own words: "No such file or directory", "Permission denied".
    const int error = errno;
    return LoadError{path, {}, "", error != 0 ? std::strerror(error) : "cannot open the file", true};
  }
  std::string text;
  text.resize(ScenarioLimits::kMaxFileBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) return LoadError{path, {}, "", "cannot read the file (is it a directory?)"};
  if (text.size() > ScenarioLimits::kMaxFileBytes) {
    return LoadError{path, {}, "", fmt::format("file larger than {} bytes", ScenarioLimits::kMaxFileBytes)};
  }
  return loadScenarioText(text, path);
}

}  // namespace agentsim::harness
