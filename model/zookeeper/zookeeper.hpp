#pragma once
// ZooKeeper (src/zookeeper/zookeeper.cpp): the process zookeeper(N) that wraps the
// ZooKeeper C client handle (zookeeper_init). It promises, as the C client of
// ZooKeeper 3.4 does (docs/zookeeper.md):
//  - it connects to the servers of its connect string in an order shuffled with its
//    own random stream; a connection attempt that hears nothing for 2/3 of the
//    session timeout is abandoned for the next server, and after every server failed
//    in a row it waits timeout/60 ("Delaying connection after exhaustively trying
//    all servers");
//  - once connected it sends zookeeper.Ping whenever it has sent nothing for a third
//    of the negotiated timeout, and declares the connection lost when it has received
//    nothing for two thirds of it, or when the server closes the connection;
//  - losing a connection fails outstanding calls with ZCONNECTIONLOSS and reports
//    "reconnecting" to the watcher; it then reconnects with the same session, which
//    the server either keeps ("connected", reconnect) or declares expired ("expired":
//    the handle is dead and a new one must be created);
//  - it remembers the child watches the server accepted (a getChildren with a watch that
//    succeeded) until their event arrives, and the last zxid of any reply; after a
//    reconnect with its session it sends them in a SetWatches (send_set_watches), so an
//    event lost with the old connection fires again;
//  - a gap in the packets received on a connection (TCP's sequence numbers: a packet a
//    partition dropped) breaks the connection, as TCP loses nothing without breaking;
//  - a call made while not connected fails at once with ZCONNECTIONLOSS (the C client
//    would queue it; Mesos's group only calls while connected, see docs).
// Every call and every watcher event completes as a dispatch on the owner process.
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "model/zookeeper/messages.hpp"
#include "sim/process.hpp"
#include "sim/state_machine.hpp"

namespace agentsim::model {

// The client handle's session state (ZooKeeperProcess).
namespace machines {
inline constexpr std::string_view kZooKeeperProcessStates[]{"CONNECTING", "CONNECTED", "EXPIRED_SESSION"};
inline constexpr sim::StateMachine kZooKeeperProcess{"ZooKeeperProcess::State", kZooKeeperProcessStates};
}  // namespace machines

class ZooKeeperProcess final : public sim::Process {
 public:
  // The C client's states (zookeeper.h ZOO_*_STATE) that matter here.
  enum class State { CONNECTING, CONNECTED, EXPIRED_SESSION };

  // ProcessWatcher (src/zookeeper/watcher.hpp): dispatches the handle's events to the
  // owner (as GroupProcess::connected, ::reconnecting, ::expired, ::updated). Each
  // carries the session id, so the owner can ignore a stale handle.
  struct Watcher {
    std::function<void(std::int64_t sessionId, bool reconnect)> connected;
    std::function<void(std::int64_t sessionId)> reconnecting;
    std::function<void(std::int64_t sessionId)> expired;
    std::function<void(std::int64_t sessionId, const std::string& path)> updated;
  };

  using CreateDone = std::function<void(int code, const std::string& created)>;
  using RemoveDone = std::function<void(int code)>;
  using GetDone = std::function<void(int code, const std::string& data)>;
  using ChildrenDone = std::function<void(int code, const std::vector<std::string>& children)>;

  // `servers` is the host:port list of a zk:// URL; `owner` runs the callbacks.
  ZooKeeperProcess(std::string servers, sim::Duration sessionTimeout, sim::Upid owner, Watcher watcher);
  std::string_view source() const override { return "src/zookeeper/zookeeper.cpp"; }
  std::string_view className() const override { return "ZooKeeperProcess"; }

  State state() const { return state_; }
  std::int64_t sessionId() const { return session_id_; }
  // The negotiated timeout once connected; the requested one before.
  sim::Duration sessionTimeout() const { return timeout_; }

  // The calls of ZooKeeper (src/zookeeper/zookeeper.hpp). Call them from an event of
  // the owner; each runs on this process and completes on the owner.
  // `then` names the owner's continuation (for the trace).
  // `acl` is the new znode's (and, with `recursive`, its missing parents').
  void create(std::string path, std::string data, bool ephemeral, bool sequence, bool recursive,
              std::string_view then, CreateDone done, zk::Acl acl = zk::Acl::OPEN);
  // zoo_add_auth: adds an id of `scheme` to the session; answers the server's code.
  void authenticate(std::string scheme, std::string credentials, std::string_view then, RemoveDone done);
  void remove(std::string path, std::string_view then, RemoveDone done);
  void get(std::string path, std::string_view then, GetDone done);
  void getChildren(std::string path, bool watch, std::string_view then, ChildrenDone done);

 protected:
  void initialize() override;

 private:
  // What a response hands back: its code, its text (created path or data), children.
  using Reply = std::function<void(int code, const std::string& text, const std::vector<std::string>& children)>;

  void connectNext();
  void armReceiveCheck();
  void armPingCheck();
  void receiveCheck(std::int64_t conn);
  void pingCheck(std::int64_t conn);
  void connectionLost(const std::string& reason);
  bool current(std::int64_t conn) const { return conn == conn_ && state_ != State::EXPIRED_SESSION; }
  void received();
  std::int64_t request();
  void toOwner(std::string_view function, std::function<void()> fn);
  // The calls as they run on this process; `k` runs here.
  void sendCreate(const std::string& path, const std::string& data, bool ephemeral, bool sequence, zk::Acl acl,
                  Reply k);
  void createRecursive(const std::string& path, const std::string& data, bool ephemeral, bool sequence, zk::Acl acl,
                       Reply k);
  void sendExists(const std::string& path, Reply k);
  // A packet of connection `conn` numbered `seq` is the next one: false for a closed
  // connection's or a duplicate; after a gap (a lost packet) the connection is lost.
  bool inSequence(std::int64_t conn, std::int64_t seq);
  void complete(std::int64_t conn, std::int64_t seq, std::int64_t xid, std::int64_t zxid, int err,
                const std::string& text, const std::vector<std::string>& children);
  // Sends a packet on the current connection, numbered.
  template <typename M>
  void sendPacket(M& m) {
    m.seq = ++sent_seq_;
    send(server_, m);
  }
  void sendSetWatches();
  void existsResponse(const sim::Upid& from, const zk::ExistsResponse& m);

  void connectResponse(const sim::Upid& from, const zk::ConnectResponse& m);
  void connectionClosed(const sim::Upid& from, const zk::ConnectionClosed& m);
  void createResponse(const sim::Upid& from, const zk::CreateResponse& m);
  void deleteResponse(const sim::Upid& from, const zk::DeleteResponse& m);
  void getDataResponse(const sim::Upid& from, const zk::GetDataResponse& m);
  void getChildrenResponse(const sim::Upid& from, const zk::GetChildrenResponse& m);
  void authResponse(const sim::Upid& from, const zk::AuthResponse& m);
  void pingResponse(const sim::Upid& from, const zk::PingResponse& m);
  void watcherEvent(const sim::Upid& from, const zk::WatcherEvent& m);

  std::string servers_text_;
  std::vector<sim::Upid> servers_;
  sim::Duration requested_;
  sim::Duration timeout_;
  sim::Upid owner_;
  Watcher watcher_;
  State state_ = State::CONNECTING;
  std::int64_t session_id_ = 0;
  std::int64_t conn_ = 0;          // this process's binding << 32, plus its connection attempts so far
  std::size_t next_server_ = 0;
  std::size_t failed_in_row_ = 0;  // attempts since the last successful connection
  sim::Upid server_;
  sim::Time last_recv_;
  sim::Time last_send_;
  std::int64_t sent_seq_ = 0;  // packets sent on the current connection
  std::int64_t recv_seq_ = 0;  // packets received on it, in order
  std::int64_t next_xid_ = 0;
  std::int64_t last_zxid_ = 0;        // zh->last_zxid: the highest zxid of a reply
  std::set<std::string> child_watches_;  // zh->active_child_watchers' paths
  std::map<std::int64_t, Reply> pending_;
  sim::TimerId receive_timer_;
  sim::TimerId ping_timer_;
};

std::string_view toString(ZooKeeperProcess::State state);

}  // namespace agentsim::model
