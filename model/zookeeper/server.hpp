#pragma once
// A fake ZooKeeper 3.4 ensemble (docs/zookeeper.md): N servers (1, 3 or 5) on hosts
// zk-1..zk-N, port 2181, process `zookeeper-server`. It promises:
//  - a server serves clients only while it has heard, within syncLimit x tickTime
//    (10secs), from a majority of the ensemble, itself included; servers tell each
//    other they are alive with zookeeper.quorum.Ping every tickTime/2 (1secs), so
//    crashes and partitions act on the quorum through the network;
//  - sessions: the requested timeout is clamped to [2, 20] x tickTime (4secs to
//    40secs); every packet from the client touches its session; the session tracker
//    (SessionTrackerImpl, run by the serving server with the highest id it can see)
//    expires sessions in tickTime buckets (expiry at the next multiple of tickTime
//    after last touch + timeout), deletes their ephemeral znodes, fires the watches
//    this triggers, and closes their connections;
//  - a watch event is sent on the connection the session has when it fires; with no
//    connection, or lost with its connection, it is gone from the server, and the
//    client's SetWatches on reconnect fires it again (the znode's pzxid is past the
//    client's last zxid);
//  - a client that reconnects with a live session keeps it; with an expired one it
//    is told so (ConnectResponse with timeout 0);
//  - znodes: persistent, ephemeral, sequential (a 10-digit suffix from the parent's
//    cversion), children watches that fire once (NodeChildrenChanged);
//  - ACLs: a session adds "digest" ids (zookeeper.AuthPacket, which never fails for
//    digest); a znode keeps the ACL it was created with, the "auth" entries resolved to
//    the creator's ids (none: ZINVALIDACL); create and delete need CREATE and DELETE on
//    the parent, getData and getChildren READ on the znode, else ZNOAUTH; exists needs
//    nothing (PrepRequestProcessor and FinalRequestProcessor checkACL).
//  - when the ensemble regains a quorum after having none, every session's timeout
//    starts afresh (a new leader rebuilds its session tracker).
// Simplification: a digest id is "digest:<user>:<FNV-1a of user:password, hex>", not
// ZooKeeper's base64 SHA-1; ids belong to the session rather than to its connection
// (the C client adds them again on every reconnection, so the two agree).
// Simplification: the data tree and the session table are one replicated state
// (ZooKeeperEnsemble) shared by the servers; a write is applied to it at once, as if
// Zab had replicated it to the quorum instantly.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/zookeeper/messages.hpp"
#include "sim/message.hpp"
#include "sim/process.hpp"
#include "sim/state_machine.hpp"
#include "sim/time.hpp"
#include "sim/upid_map.hpp"

namespace agentsim::sim {
class Simulation;
}

namespace agentsim::model {

// A server's role in the ensemble (ZooKeeper's QuorumPeer.ServerState).
namespace machines {
inline constexpr std::string_view kZooKeeperServerStates[]{"LOOKING", "FOLLOWING", "LEADING"};
inline constexpr sim::StateMachine kZooKeeperServer{"ZooKeeperServer::State", kZooKeeperServerStates};
}  // namespace machines

class ZooKeeperServer;

namespace zk {
// zoo.cfg values of ZooKeeper's sample configuration.
inline constexpr sim::Duration kTickTime = sim::Seconds(2);
inline constexpr std::int64_t kSyncLimit = 5;  // ticks a follower may lag
inline constexpr sim::Duration kMinSessionTimeout = kTickTime * 2;
inline constexpr sim::Duration kMaxSessionTimeout = kTickTime * 20;
inline constexpr std::uint16_t kClientPort = 2181;
inline constexpr std::string_view kServerId = "zookeeper-server";
}  // namespace zk

// The replicated state of the ensemble: the data tree (DataTree) and the sessions
// (SessionTrackerImpl's table), shared by the server processes. Survives server
// crashes, as ZooKeeper's snapshot and transaction log do.
class ZooKeeperEnsemble {
 public:
  // One ACL entry: permissions (zk::Perm bits) for an id ("world:anyone",
  // "digest:user:hash").
  struct AclEntry {
    int perms = zk::ALL;
    std::string id;
  };
  struct Znode {
    std::string data;
    std::vector<AclEntry> acl{AclEntry{zk::ALL, "world:anyone"}};
    std::int64_t ephemeral_owner = 0;  // session id; 0 for a persistent znode
    std::int32_t cversion = 0;         // child creates and deletes; names sequential children
    std::int64_t pzxid = 0;            // the zxid of the last change to its children
    std::set<std::string> children;
  };
  struct Session {
    std::int64_t id = 0;
    sim::Duration timeout;
    std::int64_t expires_ns = 0;  // its ExpiryQueue bucket
    int server = 0;               // myid of the server holding its connection; 0 if none
    sim::Upid client;             // the connected client's address
    std::int64_t conn = 0;        // the client's connection attempt
    std::int64_t sent_seq = 0;    // packets sent to the client on that connection
    std::int64_t recv_seq = 0;    // packets received from it, in order (a gap breaks it)
    std::set<std::string> ephemerals;
    std::vector<std::string> auth_ids;  // ids added by zookeeper.AuthPacket
  };

  explicit ZooKeeperEnsemble(int servers);
  ZooKeeperEnsemble(const ZooKeeperEnsemble&) = delete;  // session_index_ points into sessions_
  ZooKeeperEnsemble& operator=(const ZooKeeperEnsemble&) = delete;
  int size() const { return servers_; }
  static std::string hostName(int myid);  // "zk-1"
  // "zk-1:2181,zk-2:2181,zk-3:2181"
  std::string connectString() const;

  const std::map<std::string, Znode>& tree() const { return tree_; }
  const std::map<std::int64_t, Session>& sessions() const { return sessions_; }
  Session* session(std::int64_t id);
  // The ids of the sessions whose client runs on `host` (and, if given, is the process
  // `client`, e.g. "zookeeper(1)"), in id order.
  std::vector<std::int64_t> sessionsOf(const std::string& host, const std::string& client = {}) const;
  std::uint64_t expiredSessions() const { return expired_; }
  // DigestAuthenticationProvider: the id of digest credentials "user:password".
  static std::string digestId(const std::string& credentials);
  // A znode that exists before the run (a scenario's `zookeeper.znodes`), created by a
  // client authenticated with digest `creator` ("" for none), with its missing parents
  // (open). Returns the create's code (ZINVALIDACL: a creator ACL without a creator).
  int seed(const std::string& path, const std::string& data, zk::Acl acl, const std::string& creator);
  // The last transaction applied (DataTree.lastProcessedZxid): every create and delete
  // is one.
  std::int64_t zxid() const { return zxid_; }

 private:
  friend class ZooKeeperServer;
  Session& createSession(int myid, sim::Duration timeout, sim::Time now);
  void touch(Session& s, sim::Time now);
  // Sessions whose bucket is due at `now`, oldest bucket first (in id order within a
  // bucket); drops the due buckets' stale entries.
  std::vector<std::int64_t> due(sim::Time now);
  // Renews every session's timeout from `now` (a new leader's session tracker).
  void renewAll(sim::Time now);
  // Removes the session; returns the parents whose children changed.
  std::vector<std::string> closeSession(std::int64_t id);

  int create(const std::string& path, const std::string& data, bool ephemeral, bool sequence, std::int64_t owner,
             std::string& created, std::vector<std::string>& changedParents, zk::Acl acl = zk::Acl::OPEN,
             const std::vector<std::string>& ids = {});
  // Unchecked: the server checks DELETE on the parent first (a session's close does not).
  int remove(const std::string& path, std::vector<std::string>& changedParents);
  // checkACL: whether `ids` (plus world:anyone) may do `perm` on the znode at `path`.
  bool permitted(const std::string& path, int perm, const std::vector<std::string>& ids) const;
  // One-shot children watches: who watches `path`, removed as they fire.
  std::vector<std::int64_t> takeWatchers(const std::string& path);

  int servers_;
  std::map<std::string, Znode> tree_;
  std::map<std::int64_t, Session> sessions_;
  // The live sessions by their id's sequence number (its low 56 bits), for session()'s
  // look-up (every packet asks one; a map of 100,000 sessions missed the cache on each).
  // Only looked up; sessions_ keeps the order.
  std::vector<Session*> session_index_;
  // bucket ns -> the sessions moved into it, in touch order: a session whose bucket has
  // moved on since, or that is closed, stays listed (stale) until its old bucket is due.
  std::map<std::int64_t, std::vector<std::int64_t>> expiry_;
  std::map<std::string, std::set<std::int64_t>> child_watches_;      // path -> watching sessions
  std::int64_t next_session_ = 0;
  std::int64_t zxid_ = 0;
  std::uint64_t expired_ = 0;
};

class ZooKeeperServer final : public sim::Process {
 public:
  // ZooKeeper's QuorumPeer.ServerState.
  enum class State { LOOKING, FOLLOWING, LEADING };

  ZooKeeperServer(std::shared_ptr<ZooKeeperEnsemble> ensemble, int myid);
  std::string_view source() const override { return "ZooKeeper 3.4 org/apache/zookeeper/server"; }
  std::string_view className() const override { return "ZooKeeperServer"; }

  int myid() const { return myid_; }
  State state() const { return state_; }
  bool serving() const { return state_ != State::LOOKING; }

  // The session tracker's expiry (SessionTrackerImpl.run -> expire): the session's
  // ephemeral znodes are deleted, watches fire and its connection is closed. Its timeout
  // passing calls it; so may a test (ZooKeeperTestServer::expireSession).
  void expire(std::int64_t id, const std::string& why);

 protected:
  void initialize() override;

 private:
  void tick();
  void scheduleTick();
  void quorumPing(const sim::Upid& from, const zk::QuorumPing& message);
  void evaluateQuorum();
  void runSessionTracker();
  void fireWatches(const std::vector<std::string>& changedParents);
  void deliverEvent(std::int64_t session, const std::string& path);
  void closeAll(const std::string& reason);

  void connect(const sim::Upid& from, const zk::ConnectRequest& message);
  void create(const sim::Upid& from, const zk::CreateRequest& message);
  void remove(const sim::Upid& from, const zk::DeleteRequest& message);
  void exists(const sim::Upid& from, const zk::ExistsRequest& message);
  void getData(const sim::Upid& from, const zk::GetDataRequest& message);
  void getChildren(const sim::Upid& from, const zk::GetChildrenRequest& message);
  void auth(const sim::Upid& from, const zk::AuthPacket& message);
  void ping(const sim::Upid& from, const zk::Ping& message);
  void setWatches(const sim::Upid& from, const zk::SetWatches& message);
  // The session of a request's connection, touched; null (and the connection closed)
  // if there is none, or if packet `seq` shows a gap (a lost packet breaks TCP); null
  // for a duplicate.
  ZooKeeperEnsemble::Session* sessionOf(const sim::Upid& from, std::int64_t seq);
  void closeConnection(const sim::Upid& client, std::int64_t conn, const std::string& reason);
  ZooKeeperServer* peer(int myid) const;

  std::shared_ptr<ZooKeeperEnsemble> ensemble_;
  int myid_;
  // Every server's address (zk-N's at N-1, this one's too), built once at start: the
  // quorum heartbeat sends to them every tickTime/2.
  std::vector<sim::Upid> peers_;
  State state_ = State::LOOKING;
  std::map<int, sim::Time> heard_;  // peer myid -> when its last quorum ping arrived
  // client address -> session id; closeAll takes them in address order from sessions()
  sim::UpidMap<std::int64_t> connections_;  // lookup only
};

std::string_view toString(ZooKeeperServer::State state);

// Spawns the server of ensemble member `myid` on `host` (zk-<myid>).
ZooKeeperServer* zookeeperMain(sim::Host& host, std::shared_ptr<ZooKeeperEnsemble> ensemble, int myid);

}  // namespace agentsim::model
