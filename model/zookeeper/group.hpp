#pragma once
// GroupProcess (src/zookeeper/group.cpp): process zookeeper-group(N), Mesos's group
// membership over one ZooKeeper session. It promises, as Mesos 1.1 does:
//  - join() creates an ephemeral sequential znode <path>/<label>_NNNNNNNNNN holding the
//    data; cancel() deletes it; data() reads a member's data; watch(expected) answers
//    once the memberships differ from `expected`;
//  - calls made before the group is READY (connected, path created) wait in queues and
//    run, in order, when it is;
//  - an operation that fails with a retryable ZooKeeper error (connection loss,
//    operation timeout, session expired or moved) is retried by sync(): first after
//    RETRY_INTERVAL = 2secs, then after twice the last interval, capped at 1mins
//    (GroupProcess::retry); a non-retryable error fails the call, and an error in the
//    group's own upkeep aborts the group (every later call fails);
//  - when the connection is lost it arms a timer of the negotiated session timeout;
//    if that fires before it reconnects it expires the session locally: every watcher
//    sees an empty membership, owned memberships are cancelled (false), and a new
//    ZooKeeper handle (a new session) is created. A session the server expired is
//    handled the same way. If no connection is made within the session timeout after
//    a handle is created, it too is replaced (MESOS-4546).
// Each ZooKeeper call blocks the group until it returns, as Mesos's synchronous calls
// block its thread: events that arrive meanwhile wait, in order.
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/common/reply.hpp"
#include "model/zookeeper/zookeeper.hpp"
#include "sim/process.hpp"
#include "sim/state_machine.hpp"

namespace agentsim::model {

// GroupProcess's state (src/zookeeper/group.hpp).
namespace machines {
inline constexpr std::string_view kGroupProcessStates[]{"DISCONNECTED", "CONNECTING", "CONNECTED", "AUTHENTICATED",
                                                        "READY"};
inline constexpr sim::StateMachine kGroupProcess{"GroupProcess::State", kGroupProcessStates};
}  // namespace machines

// Group::Membership: a sequence number and an optional label; equal by sequence.
struct Membership {
  std::int32_t sequence = 0;
  std::optional<std::string> label;
  std::int32_t id() const { return sequence; }
  bool operator==(const Membership& o) const { return sequence == o.sequence; }
  bool operator<(const Membership& o) const { return sequence < o.sequence; }
};

// GroupProcess::zkBasename: "json.info_0000000012".
std::string zkBasename(const Membership& membership);

class GroupProcess final : public sim::Process {
 public:
  enum class State { DISCONNECTED, CONNECTING, CONNECTED, AUTHENTICATED, READY };
  static constexpr sim::Duration kRetryInterval = sim::Seconds(2);

  // `servers` and `znode` come from a zk:// URL (a trailing '/' of znode is removed),
  // and so do `credentials` ("user:password" of zk://user:password@...): with them the
  // group authenticates with scheme "digest" once connected (GroupProcess::authenticate)
  // and creates its znodes EVERYONE_READ_CREATOR_ALL, without them ZOO_OPEN_ACL_UNSAFE.
  GroupProcess(std::string servers, sim::Duration sessionTimeout, std::string znode,
               std::optional<std::string> credentials = std::nullopt);
  std::string_view source() const override { return "src/zookeeper/group.cpp"; }
  std::string_view className() const override { return "GroupProcess"; }

  State state() const { return state_; }
  const std::string& znode() const { return znode_; }

  // Group's API (src/zookeeper/group.hpp). Each call runs as an event of the group and
  // answers through its Reply.
  void join(std::string data, std::optional<std::string> label, Reply<sim::Try<Membership>> done);
  void cancel(Membership membership, Reply<sim::Try<bool>> done);
  void data(Membership membership, Reply<sim::Try<std::optional<std::string>>> done);
  void watch(std::set<Membership> expected, Reply<sim::Try<std::set<Membership>>> done);
  // Membership::cancelled(): true once cancelled on request, false once lost (session
  // expired, or the znode went away).
  void cancelled(Membership membership, Reply<sim::Try<bool>> done);

 protected:
  void initialize() override;

 private:
  using Sync = std::function<void(const sim::Try<bool>&)>;
  struct Join {
    std::string data;
    std::optional<std::string> label;
    Reply<sim::Try<Membership>> done;
  };
  struct Cancel {
    Membership membership;
    Reply<sim::Try<bool>> done;
  };
  struct Data {
    Membership membership;
    Reply<sim::Try<std::optional<std::string>>> done;
  };
  struct Watch {
    std::set<Membership> expected;
    Reply<sim::Try<std::set<Membership>>> done;
  };

  void startConnection();
  void setState(State state);
  // Runs `work` now, or after the ZooKeeper call in progress returns.
  void enqueue(std::function<void()> work);
  void drain();
  // ZooKeeper calls: the group blocks until `k` runs.
  // `then` names the continuation, for the trace.
  void zkCreate(std::string path, std::string data, bool ephemeral, bool sequence, bool recursive,
                std::string_view then, std::function<void(int, const std::string&)> k);
  void zkRemove(std::string path, std::string_view then, std::function<void(int)> k);
  void zkAuthenticate(std::function<void(int)> k);
  void zkGet(std::string path, std::string_view then, std::function<void(int, const std::string&)> k);
  void zkGetChildren(std::string path, std::string_view then,
                     std::function<void(int, const std::vector<std::string>&)> k);
  void unblocked();

  void joinNow(Join join);
  void cancelNow(Cancel cancel);
  void dataNow(Data data);
  void watchNow(Watch watch);
  void doJoin(const std::string& data, const std::optional<std::string>& label,
              std::function<void(const Result<Membership>&)> k);
  void doCancel(const Membership& membership, std::function<void(const Result<bool>&)> k);
  void doData(const Membership& membership, std::function<void(const Result<std::optional<std::string>>&)> k);
  void cache(Sync k);
  void update();
  void sync(Sync k);
  void syncStep(Sync k);
  void scheduleRetry();
  void retry(sim::Duration duration);
  void abort(const std::string& message);

  void connected(std::int64_t sessionId, bool reconnect);
  void reconnecting(std::int64_t sessionId);
  void timedout(std::int64_t sessionId, std::uint64_t timer);
  void expired(std::int64_t sessionId);
  void updated(std::int64_t sessionId, const std::string& path);
  void armConnectTimer();
  void cancelConnectTimer();
  std::int64_t zkSession() const;
  void setCancelled(std::map<std::int32_t, std::vector<Reply<sim::Try<bool>>>>& map, std::int32_t sequence,
                    bool value);

  std::string servers_;
  sim::Duration session_timeout_;
  std::string znode_;
  std::optional<std::string> credentials_;
  zk::Acl acl_;
  State state_ = State::DISCONNECTED;
  bool retrying_ = false;
  std::optional<std::string> error_;
  ZooKeeperProcess* zk_ = nullptr;
  sim::Upid zk_pid_;
  sim::TimerId connect_timer_;
  std::uint64_t connect_timer_id_ = 0;  // which arming of the connect timer is current

  std::optional<std::set<Membership>> memberships_;
  // Owned (joined through this group) and unowned memberships, with the callers
  // waiting for each to be cancelled.
  std::map<std::int32_t, std::vector<Reply<sim::Try<bool>>>> owned_;
  std::map<std::int32_t, std::vector<Reply<sim::Try<bool>>>> unowned_;

  // Lists, not deques: every agent has a group, and an empty libstdc++ deque allocates
  // 576 bytes (an empty list, nothing).
  std::list<Join> joins_;
  std::list<Cancel> cancels_;
  std::list<Data> datas_;
  std::list<Watch> watches_;

  bool blocked_ = false;
  std::list<std::function<void()>> mailbox_;
};

std::string_view toString(GroupProcess::State state);

}  // namespace agentsim::model
