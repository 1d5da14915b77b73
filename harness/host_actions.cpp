// Timeline actions on hosts, through the kernel: crash and restart (a host's processes
// and timers are lost, its synced disk survives; a restarted host runs its main() again),
// its disk and its load, and the ZooKeeper servers with their sessions.
#include <fmt/format.h>

#include "harness/actions.hpp"
#include "harness/world.hpp"
#include "model/common/flags.hpp"
#include "model/zookeeper/server.hpp"
#include "sim/uint128.hpp"

namespace agentsim::harness {

// A host, or "leading-master".
void parseCrash(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  const std::string id = hostOrLeaderArg(c, p);
  out.summary = "crash " + id;
  out.apply = [id, label = c.label](World& w) {
    const auto host = resolveHost(w, id);
    if (!host) return;
    sim::Host& h = w.host(*host);
    if (h.up()) w.sim().crash(h, label);
  };
}

// A host, or "leading-master".
void parseRestart(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  const std::string id = hostOrLeaderArg(c, p);
  out.summary = "restart " + id;
  out.apply = [id, label = c.label](World& w) {
    const auto host = resolveHost(w, id);
    if (host) w.sim().restart(w.host(*host), label);
  };
}

// "all": every host that is down, and every master host whose mesos-master exited.
void parseRestartCrashed(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  if (!c.reader.at(p).is_string() || c.reader.at(p).get<std::string>() != "all") {
    c.reader.fail(p, fmt::format("expected \"all\", got {}", typeName(c.reader.at(p))));
  }
  out.summary = "restart every crashed host";
  out.apply = [label = c.label](World& w) {
    for (const auto& h : w.sim().hosts()) {
      sim::Host& host = w.host(h.name());
      const bool exited = w.scenario().isMaster(h.name()) && host.processesOf("").empty();
      if (!host.up() || exited) w.sim().restart(host, label);
    }
  };
}

// {agent, runnable, over (a ramp), for (a spike)}: the load signal the load averages follow.
void parseLoad(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  c.reader.object(p, {"agent", "runnable", "over", "for"}, {"agent", "runnable"});
  const std::string id = agentHostArg(c, p + "/agent");
  auto level = model::parseDecimal(c.reader.flagValue(p + "/runnable"));
  if (level.isError() || level->millionths < 0 || level->millionths > 100'000'000'000) {
    c.reader.fail(p + "/runnable", "expected a number of runnable tasks from 0 to 100000, e.g. \"4\" or \"0.5\"");
  }
  const std::int64_t milli = level->millionths / 1000;
  std::optional<sim::Duration> over;
  std::optional<sim::Duration> spike;
  if (c.reader.has(p + "/over")) over = c.reader.duration(p + "/over", sim::Milliseconds(1), ScenarioLimits::kMaxUntil);
  if (c.reader.has(p + "/for")) spike = c.reader.duration(p + "/for", sim::Milliseconds(1), ScenarioLimits::kMaxUntil);
  if (over && spike) c.reader.fail(p, "give \"over\" (a ramp) or \"for\" (a spike), not both");
  out.summary = fmt::format("load of {}: {} runnable{}", id, model::format(*level),
                            over ? " over " + sim::format(*over) : spike ? " for " + sim::format(*spike) : "");
  out.apply = [id, milli, over, spike](World& w) {
    sim::LoadSignal& load = w.host(id).load();
    const sim::Time now = w.sim().now();
    if (over) {
      load.set({now, load.runnableAt(now), false});
      load.set({now + *over, milli, true});
    } else {
      const std::int64_t before = load.runnableAt(now);
      load.set({now, milli, false});
      if (spike) load.set({now + *spike, before, false});
    }
  };
}

// {agent, matching}: every file of the host's disk whose path contains the text.
void parseDeleteFiles(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  c.reader.object(p, {"agent", "matching"}, {"agent", "matching"});
  const std::string id = agentHostArg(c, p + "/agent");
  const std::string matching = c.reader.string(p + "/matching", 1000);
  if (matching.empty()) c.reader.fail(p + "/matching", "expected a non-empty part of a path");
  out.summary = fmt::format("delete the files of {} whose path contains \"{}\"", id, matching);
  out.apply = [id, matching](World& w) {
    sim::Disk& disk = w.host(id).disk();
    std::size_t n = 0;
    for (const std::string& path : disk.list()) {
      if (path.find(matching) != std::string::npos && disk.remove(path)) ++n;
    }
    note(w, id, fmt::format("deleted {} file(s) matching \"{}\"", n, matching));
  };
}

// {agent, usage ("95%") or bytes ("50GB")}: a ballast file outside the work_dir.
void parseFillDisk(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  c.reader.object(p, {"agent", "usage", "bytes"}, {"agent"});
  const std::string id = agentHostArg(c, p + "/agent");
  if (c.reader.has(p + "/usage") == c.reader.has(p + "/bytes")) {
    c.reader.fail(p, "give either \"usage\" (e.g. \"95%\") or \"bytes\" (e.g. \"50GB\")");
  }
  std::optional<std::int64_t> usage;
  std::uint64_t bytes = 0;
  if (c.reader.has(p + "/usage")) {
    const std::string text = c.reader.string(p + "/usage", 20);
    auto pct = text.empty() || text.back() != '%' ? sim::Try<model::Decimal>(sim::Error{"no %"})
                                                   : model::parseDecimal(text.substr(0, text.size() - 1));
    if (pct.isError() || pct->millionths < 0 || pct->millionths > 100'000'000) {
      c.reader.fail(p + "/usage", fmt::format("expected a percentage from 0% to 100%, e.g. \"95%\", got \"{}\"", text));
    }
    usage = pct->millionths / 100;  // millionths of the capacity
  } else {
    auto b = model::parseBytes(c.reader.string(p + "/bytes", 40));
    if (b.isError()) c.reader.fail(p + "/bytes", b.error());
    bytes = b->bytes;
  }
  out.summary = usage ? fmt::format("fill the disk of {} to {}", id, c.reader.string(p + "/usage", 20))
                      : fmt::format("write {} of ballast on {}", c.reader.string(p + "/bytes", 40), id);
  out.apply = [id, usage, bytes](World& w) {
    sim::Disk& disk = w.host(id).disk();
    std::uint64_t add = bytes;
    if (usage) {
      const sim::u128 target = static_cast<sim::u128>(disk.capacity()) * static_cast<sim::u128>(*usage) / 1'000'000u;
      add = target > disk.usedBytes() ? static_cast<std::uint64_t>(target - disk.usedBytes()) : 0;
    }
    disk.grow("/var/ballast", add);
  };
}

// "zk-N", a list of them, or "all": the servers that are down start again.
void parseStartZooKeeper(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  const std::vector<std::string> hosts = zookeeperHostsArg(c, p);
  out.summary = fmt::format("start ZooKeeper {}", fmt::join(hosts, ", "));
  out.apply = [hosts, label = c.label](World& w) {
    for (const std::string& h : hosts) {
      if (!w.host(h).up()) w.sim().restart(w.host(h), label);
    }
  };
}

// "zk-N", a list of them, or "all": the servers that are up go down.
void parseStopZooKeeper(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  const std::vector<std::string> hosts = zookeeperHostsArg(c, p);
  out.summary = fmt::format("stop ZooKeeper {}", fmt::join(hosts, ", "));
  out.apply = [hosts, label = c.label](World& w) {
    for (const std::string& h : hosts) {
      if (w.host(h).up()) w.sim().crash(w.host(h), label);
    }
  };
}

// {host (a host or "leading-master"), client}: the server expires the sessions through
// its own expiry path, as ZooKeeperTestServer::expireSession.
void parseExpireSession(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  c.reader.object(p, {"host", "client"}, {"host"});
  if (c.scenario.zookeeper.servers == 0) {
    c.reader.fail(p, "the cluster has no ZooKeeper ensemble (add \"zookeeper\": {\"servers\": 3} to \"cluster\")");
  }
  const std::string id = hostOrLeaderArg(c, p + "/host");
  std::string client;
  if (c.reader.has(p + "/client")) client = c.reader.string(p + "/client", 100);
  out.summary = fmt::format("expire the ZooKeeper session(s) of {}{}", id, client.empty() ? "" : " " + client);
  out.apply = [id, client](World& w) {
    const auto host = resolveHost(w, id);
    if (!host) return;
    model::ZooKeeperServer* server = w.zookeeperServer();
    if (server == nullptr || w.zookeeper() == nullptr) {
      note(w, "", "no ZooKeeper server is serving: no session can be expired");
      return;
    }
    server->dispatch("src/tests/zookeeper_test_server.cpp: ZooKeeperTestServer::expireSession",
                     [server, ensemble = w.zookeeper(), h = *host, client] {
                       for (std::int64_t id : ensemble->sessionsOf(h, client)) {
                         server->expire(id, "expired by ZooKeeperTestServer::expireSession");
                       }
                     });
  };
}

}  // namespace agentsim::harness
