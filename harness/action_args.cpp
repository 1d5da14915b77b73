// The argument readers and run-time helpers the timeline action files share
// (harness/actions.hpp).
#include <fmt/format.h>

#include "harness/actions.hpp"
#include "harness/agent_flags.hpp"
#include "harness/world.hpp"
#include "model/master/master.hpp"
#include "model/slave/slave.hpp"

namespace agentsim::harness {

namespace {

constexpr std::string_view kLeadingMaster = "leading-master";

}  // namespace

sim::Ratio probabilityArg(const ParseContext& c, const std::string& pointer) {
  if (!c.reader.at(pointer).is_string()) {
    c.reader.fail(pointer, fmt::format("expected a probability as a string \"N/D\" (e.g. \"1/3\") or \"P%\" (e.g. "
                                       "\"25%\"), got {}",
                                       typeName(c.reader.at(pointer))));
  }
  const std::string text = c.reader.string(pointer, 40);
  auto bad = [&] {
    c.reader.fail(pointer, fmt::format("expected a probability as \"N/D\" (e.g. \"1/3\") or a percentage (e.g. "
                                       "\"25%\"), got \"{}\"",
                                       text));
  };
  auto number = [&](std::string_view s) -> std::uint64_t {
    if (s.empty() || s.size() > 12) bad();
    std::uint64_t n = 0;
    for (char ch : s) {
      if (ch < '0' || ch > '9') bad();
      n = n * 10 + static_cast<std::uint64_t>(ch - '0');
    }
    return n;
  };
  sim::Ratio r;
  if (!text.empty() && text.back() == '%') {
    r = {number(std::string_view(text).substr(0, text.size() - 1)), 100};
  } else if (auto slash = text.find('/'); slash != std::string::npos) {
    r = {number(std::string_view(text).substr(0, slash)), number(std::string_view(text).substr(slash + 1))};
  } else {
    bad();
  }
  if (r.den == 0) c.reader.fail(pointer, fmt::format("the probability \"{}\" divides by zero", text));
  if (r.num > r.den) {
    c.reader.fail(pointer, fmt::format("a probability is at most 1 (\"1/1\" or \"100%\"), got \"{}\"", text));
  }
  return r;
}

std::optional<sim::Duration> forArg(const ParseContext& c, const std::string& pointer) {
  if (!c.reader.has(pointer)) return std::nullopt;
  return c.reader.duration(pointer, sim::Nanoseconds(1), ScenarioLimits::kMaxUntil);
}

std::pair<std::string, std::string> betweenArg(const ParseContext& c, const std::string& p) {
  const auto& v = c.reader.at(p);
  if (!v.is_array() || v.size() != 2) {
    c.reader.fail(p, fmt::format("expected two host names, e.g. [\"agent-1\", \"master-1\"], got {}",
                                 v.is_array() ? fmt::format("{} item(s)", v.size()) : typeName(v)));
  }
  auto a = hostArg(c, p + "/0");
  auto b = hostArg(c, p + "/1");
  if (a == b) c.reader.fail(p + "/1", "a partition needs two different hosts");
  return {a, b};
}

std::string hostOrLeaderArg(const ParseContext& c, const std::string& p) {
  if (c.reader.at(p).is_string() && c.reader.at(p).get<std::string>() == kLeadingMaster) {
    return std::string(kLeadingMaster);
  }
  return hostArg(c, p);
}

std::vector<std::string> zookeeperHostsArg(const ParseContext& c, const std::string& p) {
  if (c.scenario.zookeeper.servers == 0) {
    c.reader.fail(p, "the cluster has no ZooKeeper ensemble (add \"zookeeper\": {\"servers\": 3} to \"cluster\")");
  }
  const auto& v = c.reader.at(p);
  if (v.is_string() && v.get<std::string>() == "all") return c.scenario.zookeeper.hosts();
  std::vector<std::string> out;
  auto one = [&](const std::string& q) {
    const std::string id = c.reader.identifier(q);
    if (!c.scenario.isZooKeeper(id)) {
      c.reader.fail(q, fmt::format("\"{}\" is not a ZooKeeper server; expected one of: {}, or \"all\"", id,
                                   fmt::join(c.scenario.zookeeper.hosts(), ", ")));
    }
    out.push_back(id);
  };
  if (v.is_array()) {
    const std::size_t n = c.reader.array(p, 5);
    if (n == 0) c.reader.fail(p, "expected at least one ZooKeeper server");
    for (std::size_t i = 0; i < n; ++i) one(Reader::child(p, i));
  } else {
    one(p);
  }
  return out;
}

model::SlaveFlags changedAgentFlags(const ParseContext& c, const std::string& p, const std::string& agent,
                                    std::string& changed) {
  model::SlaveFlags flags;
  for (const AgentSpec& a : c.scenario.agents) {
    if (a.id == agent) flags = a.flags;
  }
  // FlagsBase::load of the changed flags: the agent's own are replaced by these, not
  // loaded beside them.
  loadAgentFlags(c.reader, p, flags, "",
                 [&](const std::string& name, const std::string& text) { changed += fmt::format(" --{}={}", name, text); });
  return flags;
}

std::optional<std::string> resolveHost(World& w, const std::string& id) {
  if (id != kLeadingMaster) return id;
  const model::Master* leader = w.leadingMaster();
  if (leader == nullptr) {
    note(w, "", "no master leads now: nothing to do");
    return std::nullopt;
  }
  return std::string(leader->self().host());
}

void note(World& w, const std::string& host, std::string message) {
  w.sim().emit(sim::RecordKind::Log, nullptr, host, "log", {{"message", std::move(message)}}, "");
}

// Found by its type: the agent's main() spawns it late in its startup graph, so the world
// keeps no handle.
model::Slave* agentProcess(World& w, const std::string& host) {
  sim::Host& h = w.host(host);
  if (!h.up()) return nullptr;
  for (sim::Process* proc : h.processesOf("")) {
    if (auto* slave = dynamic_cast<model::Slave*>(proc)) return slave;
  }
  return nullptr;
}

void endAfter(World& w, const std::optional<sim::Duration>& window, const char* name, std::function<void()> end) {
  if (window) w.sim().at(w.sim().now() + *window, name, std::move(end));
}

}  // namespace agentsim::harness
