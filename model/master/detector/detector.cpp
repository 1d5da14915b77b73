#include "model/master/detector/detector.hpp"

#include <cstdint>
#include <optional>

#include <fmt/format.h>

#include "model/zookeeper/group.hpp"
#include "model/zookeeper/detector.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

std::uint64_t MasterDetector::detect(std::optional<MasterInfo> previous, sim::Process& requester,
                                     Callback callback) {
  const std::uint64_t handle = next_handle_++;
  dispatch("detect", [this, handle, previous = std::move(previous), requester = requester.self(),
                      cb = std::move(callback)] {
    Request request{previous, requester, cb};
    if (failure_) {
      complete(std::move(request), Detection{Detection::Kind::Failed, std::nullopt, *failure_});
      return;
    }
    if (leader_ != previous) {
      complete(std::move(request), leader_ ? Detection{Detection::Kind::Leader, leader_, {}}
                                           : Detection{Detection::Kind::None, std::nullopt, {}});
      return;
    }
    pending_.emplace(handle, std::move(request));
  });
  return handle;
}

void MasterDetector::discard(std::uint64_t handle) {
  // A dispatch, as Future::discard reaches the detector's process: it runs after the
  // detect() it discards, which was dispatched first.
  dispatch("discard", [this, handle] {
    auto it = pending_.find(handle);
    if (it == pending_.end()) return;
    Request request = std::move(it->second);
    pending_.erase(it);
    complete(std::move(request), Detection{Detection::Kind::Discarded, std::nullopt, {}});
  });
}

void MasterDetector::setLeader(std::optional<MasterInfo> leader, bool all) {
  leader_ = std::move(leader);
  std::map<std::uint64_t, Request> waiting;
  waiting.swap(pending_);
  for (auto& [handle, request] : waiting) {
    if (!all && request.previous == leader_) {
      pending_.emplace(handle, std::move(request));
      continue;
    }
    complete(std::move(request), leader_ ? Detection{Detection::Kind::Leader, leader_, {}}
                                         : Detection{Detection::Kind::None, std::nullopt, {}});
  }
}

void MasterDetector::fail(std::string failure, bool permanent) {
  leader_ = std::nullopt;
  if (permanent) failure_ = failure;
  std::map<std::uint64_t, Request> waiting;
  waiting.swap(pending_);
  for (auto& [handle, request] : waiting) {
    complete(std::move(request), Detection{Detection::Kind::Failed, std::nullopt, failure});
  }
}

void MasterDetector::complete(Request request, Detection detection) {
  // The requester is looked up now: one that has gone away gets nothing.
  sim::Process* requester = sim().process(request.requester);
  if (requester == nullptr) return;
  requester->dispatch("detected", [cb = std::move(request.callback), d = std::move(detection)] { cb(d); });
}

StandaloneMasterDetector::StandaloneMasterDetector(std::optional<MasterInfo> leader)
    : MasterDetector(sim::ProcessName::generated("standalone-master-detector")), initial_(std::move(leader)) {}

void StandaloneMasterDetector::initialize() { setLeader(initial_); }

void StandaloneMasterDetector::appoint(std::optional<MasterInfo> leader) {
  dispatch("appoint", [this, leader = std::move(leader)] {
    log(leader ? fmt::format("Appointed leading master {}", leader->pid) : std::string("Appointed no leader"));
    setLeader(leader);
  });
}

namespace {

// stout's strings::trim with its WHITESPACE, " \t\n\r".
std::string trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\n\r");
  if (first == std::string_view::npos) return {};
  return std::string(s.substr(first, s.find_last_not_of(" \t\n\r") - first + 1));
}

// How many file:// deep agentsim follows --master (Mesos: no bound).
constexpr int kMaxMasterFileDepth = 16;

}  // namespace

namespace {

// libprocess's operator>>(istream&, UPID&) (3rdparty/libprocess/src/pid.cpp): the first
// whitespace-separated word; the id up to its first '@'; the host up to the next ':'
// (resolved by net::getIP: agentsim takes any name without '@'); the port as sscanf's
// %hu reads it (leading digits, the rest ignored, modulo 65536). None where the stream
// goes bad (no '@', no ':', no host, no digit).
std::optional<MasterInfo> readUpidWord(std::string_view text) {
  const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  std::size_t b = 0;
  while (b < text.size() && isSpace(text[b])) ++b;
  std::size_t e = b;
  while (e < text.size() && !isSpace(text[e])) ++e;
  const std::string_view word = text.substr(b, e - b);
  const auto at = word.find('@');
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view id = word.substr(0, at);
  const std::string_view rest = word.substr(at + 1);
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string_view host = rest.substr(0, colon);
  if (host.empty() || host.find('@') != std::string_view::npos) return std::nullopt;
  std::string_view port = rest.substr(colon + 1);
  bool negative = false;
  if (!port.empty() && (port.front() == '+' || port.front() == '-')) {
    negative = port.front() == '-';
    port.remove_prefix(1);
  }
  if (port.empty() || port.front() < '0' || port.front() > '9') return std::nullopt;
  std::uint64_t value = 0;
  bool overflow = false;
  for (char c : port) {
    if (c < '0' || c > '9') break;
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    overflow = overflow || value > (UINT64_MAX - digit) / 10;
    value = overflow ? UINT64_MAX : value * 10 + digit;
  }
  // strtoul: an overflow is ULONG_MAX whatever the sign; otherwise '-' negates.
  if (negative && !overflow) value = 0 - value;
  const auto p = static_cast<std::uint16_t>(value);
  MasterInfo info;
  info.pid = fmt::format("{}@{}:{}", id, host, p);
  info.hostname = std::string(host);
  info.port = p;
  return info;
}

}  // namespace

MasterInfo readUpid(std::string_view text) {
  if (auto info = readUpidWord(text)) return *info;
  // The empty UPID operator>> leaves: no id, 0.0.0.0, port 0 (operator<<: "@0.0.0.0:0").
  MasterInfo info;
  info.pid = "@0.0.0.0:0";
  info.hostname = "0.0.0.0";
  info.port = 0;
  return info;
}

// UPID(text), then `if (!pid)` (UPID::operator bool: an id, an IP that is not INADDR_ANY,
// a port that is not 0).
std::optional<MasterInfo> parseUpid(std::string_view text) {
  auto info = readUpidWord(text);
  if (!info || info->pid.front() == '@' || info->hostname == "0.0.0.0" || info->port == 0) return std::nullopt;
  return info;
}

namespace {

// MasterDetector::create for a --master that is given (Option<string> zk is Some),
// `depth` files deep.
sim::Try<MasterDetector*> create(sim::Host& host, const std::string& master, sim::Duration sessionTimeout,
                                 int depth) {
  if (master.rfind("zk://", 0) == 0) {
    auto url = parseZooKeeperUrl(master);
    if (url.isError()) return sim::Error{fmt::format("Failed to create a master detector: {}", url.error())};
    if (url->path == "/") {
      return sim::Error{"Failed to create a master detector: Expecting a (chroot) path for ZooKeeper ('/' is not "
                        "supported)"};
    }
    return static_cast<MasterDetector*>(&spawnZooKeeperMasterDetector(host, *url, sessionTimeout));
  }
  if (master.rfind("file://", 0) == 0) {
    // MasterDetector::create: read the configuration out of a file (deprecated in Mesos,
    // still supported), and create the detector it names: create(strings::trim(read)),
    // which may be another file://.
    host.sim().emit(sim::RecordKind::Log, nullptr, host.name(), "log",
                    {{"message", "Specifying master detection mechanism / ZooKeeper URL to be read out of a file "
                                 "via 'file://' is deprecated inside Mesos and will be removed in a future release."}},
                    "src/master/detector/detector.cpp: MasterDetector::create");
    const std::string path = master.substr(7);
    const auto read = host.disk().read(path);
    if (!read) return sim::Error{fmt::format("Failed to create a master detector: Failed to read from file at '{}'", path)};
    // Mesos recurses without a bound: a cycle of files overflows its stack (a crash, not
    // an exit). agentsim stops at a depth no sane setup reaches and exits instead.
    if (depth >= kMaxMasterFileDepth) {
      return sim::Error{fmt::format("Failed to create a master detector: '{}' is {} file:// deep (a cycle? Mesos "
                                    "1.1 recurses until its stack overflows)",
                                    path, depth + 1)};
    }
    return create(host, trimmed(*read), sessionTimeout, depth + 1);
  }
  // "Okay, try and parse what we got as a PID": "master@" goes before anything that does
  // not start with it.
  auto leader = parseUpid(master.rfind("master@", 0) == 0 ? master : "master@" + master);
  if (!leader) return sim::Error{fmt::format("Failed to create a master detector: Failed to parse '{}'", master)};
  return static_cast<MasterDetector*>(&host.sim().spawn<StandaloneMasterDetector>(host, *leader));
}

}  // namespace

sim::Try<MasterDetector*> createMasterDetector(sim::Host& host, const std::string& master,
                                               sim::Duration sessionTimeout) {
  // main() has already insisted on --master (its None never gets here in the agent).
  if (master.empty()) return sim::Error{"Missing required option `--master` or `--master_detector`."};
  return create(host, master, sessionTimeout, 0);
}

MasterInfo masterInfoFromOldFormat(std::string_view data) { return readUpid(data); }

sim::Try<ZooKeeperUrl> parseZooKeeperUrl(std::string_view url) {
  // zookeeper::URL::parse.
  std::string s = trimmed(url);
  if (s.rfind("zk://", 0) != 0) return sim::Error{"Expecting 'zk://' at the beginning of the URL"};
  s = s.substr(5);
  // The path starts at the first '/' (the URL's trailing '/'s are part of it).
  const auto slash = s.find('/');
  const std::string path = slash == std::string::npos ? std::string(1, '/') : s.substr(slash);
  if (slash != std::string::npos) s.resize(slash);
  // Credentials end at the last '@'; zookeeper::URL takes them as they are (digest
  // authentication: ZooKeeper's server reads "user" up to the first ':', if any).
  const auto at = s.rfind('@');
  std::optional<std::string> auth;
  if (at != std::string::npos) {
    auth = s.substr(0, at);
    s = s.substr(at + 1);
  }
  // Mesos 1.1 builds the detector with no server and aborts later, when zookeeper_init
  // fails (PLOG(FATAL) in ZooKeeperProcess::initialize); agentsim refuses it here.
  if (s.empty()) return sim::Error{"Expecting at least one ZooKeeper server in the URL"};
  return ZooKeeperUrl{s, path, auth};
}

ZooKeeperMasterDetector::ZooKeeperMasterDetector(GroupProcess& group, LeaderDetectorProcess& detector)
    : MasterDetector(sim::ProcessName::generated("zookeeper-master-detector")), group_(group), detector_(detector) {}

void ZooKeeperMasterDetector::initialize() {
  detector_.detect(std::nullopt, Reply<sim::Try<std::optional<Membership>>>{
                                     self(), "ZooKeeperMasterDetectorProcess::detected",
                                     [this](const sim::Try<std::optional<Membership>>& l) { detected(l); }});
}

void ZooKeeperMasterDetector::detected(const sim::Try<std::optional<Membership>>& leader) {
  if (leader.isError()) {
    log("Failed to detect the leader: " + leader.error());
    // The detection loop stops: every later detect() fails.
    fail(leader.error(), /*permanent=*/true);
    return;
  }
  if (!leader.get()) {
    setLeader(std::nullopt, /*all=*/true);
  } else {
    const Membership membership = *leader.get();
    group_.data(membership, Reply<sim::Try<std::optional<std::string>>>{
                                self(), "ZooKeeperMasterDetectorProcess::fetched",
                                [this, membership](const sim::Try<std::optional<std::string>>& data) {
                                  fetched(membership, data);
                                }});
  }
  // Keep detecting leadership changes.
  detector_.detect(leader.get(), Reply<sim::Try<std::optional<Membership>>>{
                                     self(), "ZooKeeperMasterDetectorProcess::detected",
                                     [this](const sim::Try<std::optional<Membership>>& l) { detected(l); }});
}

void ZooKeeperMasterDetector::fetched(const Membership& membership,
                                      const sim::Try<std::optional<std::string>>& data) {
  if (data.isError()) {
    fail(data.error());
    return;
  }
  if (!data.get()) {
    // The membership went away before its data could be read.
    setLeader(std::nullopt, /*all=*/true);
    return;
  }
  const std::string& bytes = *data.get();
  std::optional<MasterInfo> leader;
  if (!membership.label) {
    // Data in the old format: `UPID pid = UPID(data)`, which never fails (the empty UPID).
    leader = masterInfoFromOldFormat(bytes);
    log(fmt::format("Leading master {} has data in old format", leader->pid));
  } else if (*membership.label == "json.info") {
    // MASTER_INFO_JSON_LABEL: JSON::parse<JSON::Object>, then
    // ::protobuf::parse<MasterInfo> (the required id, ip, port; each field's JSON type).
    auto info = masterInfoFromJson(bytes);
    if (info.isError()) {
      fail(info.error());
      return;
    }
    leader = *info;
  } else if (*membership.label == "info") {
    // MASTER_INFO_LABEL: a binary MasterInfo (written by masters before 0.24; no 1.1
    // master writes it, a scenario's znode may): MasterInfo::ParseFromString.
    std::string rawPid;
    auto info = masterInfoFromBinary(bytes, &rawPid);
    if (!info) {
      fail("Failed to parse data into MasterInfo");
      return;
    }
    leader = *info;
    // LOG(WARNING) << "Leading master " << info.pid(): the string as written, not a UPID.
    log(fmt::format("Leading master {} is using a Protobuf binary format when registering with ZooKeeper ({}): "
                    "this will be deprecated as of Mesos 0.24 (see MESOS-2340)",
                    rawPid, *membership.label));
  } else {
    fail(fmt::format("Failed to parse data of unknown label '{}'", *membership.label));
    return;
  }
  // LOG(INFO) << "A new leading master (UPID=" << UPID(leader->pid()) << ") is detected"
  // (the model's MasterInfo keeps the pid as UPID prints it).
  log(fmt::format("A new leading master (UPID={}) is detected", leader->pid), {{"master", leader->pid}});
  setLeader(leader, /*all=*/true);
}

ZooKeeperMasterDetector& spawnZooKeeperMasterDetector(sim::Host& host, const ZooKeeperUrl& url,
                                                     sim::Duration sessionTimeout) {
  auto& group = host.sim().spawn<GroupProcess>(host, url.servers, sessionTimeout, url.path,
                                                  url.credentials);
  auto& leaders = host.sim().spawn<LeaderDetectorProcess>(host, group);
  return host.sim().spawn<ZooKeeperMasterDetector>(host, group, leaders);
}

}  // namespace agentsim::model
