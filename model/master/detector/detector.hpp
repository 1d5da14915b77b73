#pragma once
// MasterDetector (src/master/detector/detector.hpp): tells its users who leads.
// detect(previous) completes, as an event on the requester, once the leader differs
// from `previous`: with Some(leader), None (no leader), or Discarded (the requester
// gave up on it, as Future::discard).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "model/messages/messages.hpp"
#include "sim/process.hpp"
#include "sim/try.hpp"

// (ZooKeeperMasterDetector at the end of this file.)

namespace agentsim::sim {
class Host;
}

namespace agentsim::model {

struct Detection {
  enum class Kind { Leader, None, Discarded, Failed };
  Kind kind = Kind::None;
  std::optional<MasterInfo> leader;
  std::string failure;
};

class MasterDetector : public sim::Process {
 public:
  using Callback = std::function<void(const Detection&)>;
  using sim::Process::Process;

  // Returns a handle for discard(). Once the detector has failed for good (a
  // non-retryable ZooKeeper error), every request completes with Failed.
  std::uint64_t detect(std::optional<MasterInfo> previous, sim::Process& requester, Callback callback);
  // Completes the request with Discarded, at once, on its requester.
  void discard(std::uint64_t handle);

  const std::optional<MasterInfo>& leader() const { return leader_; }

 protected:
  // Completes every pending request whose `previous` differs from the new leader, or,
  // with `all` (the ZooKeeper detector's setPromises), every pending request.
  void setLeader(std::optional<MasterInfo> leader, bool all = false);
  // Forgets the leader and fails the pending requests, whatever their `previous` (Mesos:
  // leader = None() and failPromises); `permanent` also fails every later detect().
  void fail(std::string failure, bool permanent = false);

 private:
  struct Request {
    std::optional<MasterInfo> previous;
    sim::Upid requester;
    Callback callback;
  };
  void complete(Request request, Detection detection);

  std::optional<MasterInfo> leader_;
  std::optional<std::string> failure_;
  std::map<std::uint64_t, Request> pending_;
  std::uint64_t next_handle_ = 1;
};

// StandaloneMasterDetector (src/master/detector/standalone.cpp): a fixed leader, given
// by --master, or none; appoint() changes it (tests use it to simulate a new election).
class StandaloneMasterDetector final : public MasterDetector {
 public:
  explicit StandaloneMasterDetector(std::optional<MasterInfo> leader);
  std::string_view source() const override { return "src/master/detector/standalone.cpp"; }
  std::string_view className() const override { return "StandaloneMasterDetector"; }
  void appoint(std::optional<MasterInfo> leader);

 protected:
  void initialize() override;

 private:
  std::optional<MasterInfo> initial_;
};

// MasterDetector::create (src/master/detector/detector.cpp): spawns the detector the
// --master flag asks for on `host`, or fails with Mesos's message: a
// zk://host:port,.../path URL gives a ZooKeeperMasterDetector, whose ZooKeeper session
// has `sessionTimeout` (--zk_session_timeout, Mesos 1.3+); file:///path reads the file
// and starts over with its trimmed text (another file:// too); anything else is a UPID
// ("master@" put before it unless it starts so) for a StandaloneMasterDetector, or
// "Failed to parse '<master>'".
sim::Try<MasterDetector*> createMasterDetector(sim::Host& host, const std::string& master,
                                               sim::Duration sessionTimeout = sim::Seconds(10));

// zookeeper::URL (src/zookeeper/url.cpp): "zk://[user:pass@]h1:2181,h2:2181/path".
struct ZooKeeperUrl {
  std::string servers;  // "h1:2181,h2:2181"
  std::string path;     // "/mesos"; "/" when the URL has none
  std::optional<std::string> credentials;  // "user:password" of zk://user:password@...: digest authentication
};
sim::Try<ZooKeeperUrl> parseZooKeeperUrl(std::string_view url);

// The data of a `json.info_` znode (model/master/detector/master_info.cpp): MasterInfo
// as JSON (JSON::protobuf(MasterInfo) of createMasterInfo's fields, `ip` and `address`
// naming 127.0.0.1), and back: JSON::parse<JSON::Object> (picojson's "syntax error at
// line N near: ...", trailing text, "Unexpected JSON type parsed"), then
// ::protobuf::parse<MasterInfo> ("Not expecting a JSON string for field 'port'",
// "Missing required fields: ip"), each error with fetched's prefix.
std::string masterInfoToJson(const MasterInfo& info);
sim::Try<MasterInfo> masterInfoFromJson(std::string_view json);
// The data of an `info_` znode: MasterInfo::ParseFromString of a binary MasterInfo; None
// where it returns false (a malformed stream, a required field missing). `rawPid`, if
// given, receives info.pid() as written (fetched's warning prints it unparsed).
std::optional<MasterInfo> masterInfoFromBinary(std::string_view data, std::string* rawPid = nullptr);

// libprocess's UPID(const std::string&) (3rdparty/libprocess/src/pid.cpp operator>>),
// the one parser of a master's address in the detector: readUpid is what it leaves (the
// empty UPID, "@0.0.0.0:0", where the stream goes bad), as a leader's data in the old
// format and a MasterInfo's `pid` are read; parseUpid is --master's UPID (after
// "master@" is put before it), None where `!pid` (no id, INADDR_ANY, port 0).
MasterInfo readUpid(std::string_view text);
std::optional<MasterInfo> parseUpid(std::string_view text);

// A leader's data in the old format (no label): ZooKeeperMasterDetectorProcess::fetched's
// `UPID pid = UPID(data)` and createMasterInfo(pid). It never fails: text UPID cannot
// parse is the empty UPID, "@0.0.0.0:0", a leader no message reaches.
MasterInfo masterInfoFromOldFormat(std::string_view data);

class GroupProcess;
class LeaderDetectorProcess;
struct Membership;

// ZooKeeperMasterDetector (src/master/detector/zookeeper.cpp): process
// zookeeper-master-detector(N), over its own group (10secs session,
// MASTER_DETECTOR_ZK_SESSION_TIMEOUT) and leader detector. It reports the master whose
// membership has the smallest sequence, after reading its data (json.info: JSON
// MasterInfo; info: binary MasterInfo; no label: a bare pid); None when the group has no member, the leader's
// znode vanished before its data was read, or the session expired; and fails for good
// when the leader detector fails.
class ZooKeeperMasterDetector final : public MasterDetector {
 public:
  ZooKeeperMasterDetector(GroupProcess& group, LeaderDetectorProcess& detector);
  std::string_view source() const override { return "src/master/detector/zookeeper.cpp"; }
  std::string_view className() const override { return "ZooKeeperMasterDetectorProcess"; }

 protected:
  void initialize() override;

 private:
  void detected(const sim::Try<std::optional<Membership>>& leader);
  void fetched(const Membership& membership, const sim::Try<std::optional<std::string>>& data);

  GroupProcess& group_;
  LeaderDetectorProcess& detector_;
};

// MASTER_DETECTOR_ZK_SESSION_TIMEOUT (src/master/detector/zookeeper.cpp).
inline constexpr sim::Duration kMasterDetectorZkSessionTimeout = sim::Seconds(10);

// Spawns a ZooKeeperMasterDetector with its group and leader detector on `host`:
// zookeeper-group(N), then zookeeper-leader-detector(N), then
// zookeeper-master-detector(N).
ZooKeeperMasterDetector& spawnZooKeeperMasterDetector(sim::Host& host, const ZooKeeperUrl& url,
                                                     sim::Duration sessionTimeout = kMasterDetectorZkSessionTimeout);

}  // namespace agentsim::model
