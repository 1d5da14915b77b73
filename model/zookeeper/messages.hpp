#pragma once
// The ZooKeeper protocol as simulated messages (docs/zookeeper.md). Names follow
// ZooKeeper 3.4's wire records (org.apache.zookeeper.proto: ConnectRequest,
// CreateRequest, ..., WatcherEvent; OpCode.ping) under a "zookeeper." prefix, so a
// scenario can drop or delay them and a partition acts on them like on any message.
// Two are not ZooKeeper packets:
//  - zookeeper.ConnectionClosed stands for the server closing the TCP connection
//    (a server without a quorum, or a session the server expired);
//  - zookeeper.quorum.Ping stands for Zab's QuorumPacket PING between servers.
// Every server-to-client message carries `conn`, the client's connection attempt, so a
// late packet from an earlier connection is ignored as a closed socket would be.
// Every message on an established connection but the close carries `seq`, its place in
// that direction of the connection (1, 2, ...), as TCP's sequence numbers: a TCP
// connection loses nothing without breaking, so a receiver that sees a gap (a packet a
// partition dropped) treats the connection as broken (a reset), and a duplicate as
// already received. Simplification: after a short partition TCP would retransmit and
// deliver the lost packets late; here the connection breaks at the first packet after
// the gap, and the session, its watches (SetWatches) and the calls (retried on
// ZCONNECTIONLOSS) carry on over a new connection.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "sim/message.hpp"

namespace agentsim::model::zk {

// ZooKeeper C client return codes (zookeeper.h ZOO_ERRORS).
enum Code : int {
  ZOK = 0,
  ZCONNECTIONLOSS = -4,
  ZOPERATIONTIMEOUT = -7,
  ZINVALIDSTATE = -9,
  ZNONODE = -101,
  ZNOAUTH = -102,
  ZNODEEXISTS = -110,
  ZNOTEMPTY = -111,
  ZSESSIONEXPIRED = -112,
  ZINVALIDACL = -114,
  ZAUTHFAILED = -115,
  ZSESSIONMOVED = -118,
};

// The ACLs Mesos creates znodes with (src/zookeeper/authentication.hpp): ZooKeeper's
// ZOO_OPEN_ACL_UNSAFE (anyone may do anything: a group without credentials),
// EVERYONE_READ_CREATOR_ALL (anyone reads, the creator's authenticated ids may do
// anything: a group with credentials) and ZOO_CREATOR_ALL_ACL (only the creator's ids).
enum class Acl { OPEN, EVERYONE_READ_CREATOR_ALL, CREATOR_ALL };
std::string_view aclName(Acl acl);
// ZooDefs.Perms.
enum Perm : int { READ = 1, WRITE = 2, CREATE = 4, DELETE = 8, ADMIN = 16, ALL = 31 };

std::string_view codeName(int code);
// ZooKeeper::retryable (src/zookeeper/zookeeper.cpp): connection loss, operation
// timeout, session expired, session moved.
bool retryable(int code);
// Session ids print as ZooKeeper logs them: 0x followed by hex digits.
inline std::string sessionText(std::int64_t id) { return fmt::format("{:#x}", static_cast<std::uint64_t>(id)); }

struct ConnectRequest : sim::MessageOf<ConnectRequest> {
  static constexpr std::string_view kName = "zookeeper.ConnectRequest";
  std::int64_t conn = 0;
  std::int64_t session_id = 0;  // 0 asks for a new session
  std::int64_t timeout_ms = 0;  // requested session timeout
  void describe(sim::Fields& out) const override {
    out.push_back({"session_id", sessionText(session_id)});
    out.push_back({"timeout_ms", timeout_ms});
  }
};

struct ConnectResponse : sim::MessageOf<ConnectResponse> {
  static constexpr std::string_view kName = "zookeeper.ConnectResponse";
  std::int64_t conn = 0;
  std::int64_t session_id = 0;
  std::int64_t timeout_ms = 0;  // negotiated; 0 means the session has expired
  void describe(sim::Fields& out) const override {
    out.push_back({"session_id", sessionText(session_id)});
    out.push_back({"timeout_ms", timeout_ms});
  }
};

struct CreateRequest : sim::MessageOf<CreateRequest> {
  static constexpr std::string_view kName = "zookeeper.CreateRequest";
  std::int64_t seq = 0;  // its place on the connection (TCP), from 1
  std::int64_t xid = 0;
  std::string path;
  std::string data;
  bool ephemeral = false;
  bool sequence = false;
  Acl acl = Acl::OPEN;
  void describe(sim::Fields& out) const override {
    out.push_back({"path", path});
    if (ephemeral || sequence) {
      out.push_back({"flags", std::string(ephemeral && sequence ? "ZOO_EPHEMERAL|ZOO_SEQUENCE"
                                          : ephemeral         ? "ZOO_EPHEMERAL"
                                                              : "ZOO_SEQUENCE")});
    }
    if (acl != Acl::OPEN) out.push_back({"acl", std::string(aclName(acl))});
  }
};

struct CreateResponse : sim::MessageOf<CreateResponse> {
  static constexpr std::string_view kName = "zookeeper.CreateResponse";
  std::int64_t seq = 0;  // its place on the connection (TCP), from 1
  std::int64_t conn = 0;
  std::int64_t xid = 0;
  std::int64_t zxid = 0;  // ReplyHeader.zxid: the last transaction the server applied
  int err = ZOK;
  std::string path;  // the created path (with the sequence suffix)
  void describe(sim::Fields& out) const override {
    out.push_back({"err", std::string(codeName(err))});
    if (!path.empty()) out.push_back({"path", path});
  }
};

struct DeleteRequest : sim::MessageOf<DeleteRequest> {
  static constexpr std::string_view kName = "zookeeper.DeleteRequest";
  std::int64_t seq = 0;  // its place on the connection (TCP), from 1
  std::int64_t xid = 0;
  std::string path;
  void describe(sim::Fields& out) const override { out.push_back({"path", path}); }
};

struct DeleteResponse : sim::MessageOf<DeleteResponse> {
  static constexpr std::string_view kName = "zookeeper.DeleteResponse";
  std::int64_t seq = 0;  // its place on the connection (TCP), from 1
  std::int64_t conn = 0;
  std::int64_t xid = 0;
  std::int64_t zxid = 0;  // ReplyHeader.zxid: the last transaction the server applied
  int err = ZOK;
  void describe(sim::Fields& out) const override { out.push_back({"err", std::string(codeName(err))}); }
};

struct ExistsRequest : sim::MessageOf<ExistsRequest> {
  static constexpr std::string_view kName = "zookeeper.ExistsRequest";
  std::int64_t seq = 0;  // its place on the connection (TCP), from 1
  std::int64_t xid = 0;
  std::string path;
  void describe(sim::Fields& out) const override { out.push_back({"path", path}); }
};

struct ExistsResponse : sim::MessageOf<ExistsResponse> {
  static constexpr std::string_view kName = "zookeeper.ExistsResponse";
  std::int64_t seq = 0;  // its place on the connection (TCP), from 1
  std::int64_t conn = 0;
  std::int64_t xid = 0;
  std::int64_t zxid = 0;  // ReplyHeader.zxid: the last transaction the server applied
  int err = ZOK;
  void describe(sim::Fields& out) const override { out.push_back({"err", std::string(codeName(err))}); }
};

struct GetDataRequest : sim::MessageOf<GetDataRequest> {
  static constexpr std::string_view kName = "zookeeper.GetDataRequest";
  std::int64_t seq = 0;  // its place on the connection (TCP), from 1
  std::int64_t xid = 0;
  std::string path;
  void describe(sim::Fields& out) const override { out.push_back({"path", path}); }
};

struct GetDataResponse : sim::MessageOf<GetDataResponse> {
  static constexpr std::string_view kName = "zookeeper.GetDataResponse";
  std::int64_t seq = 0;  // its place on the connection (TCP), from 1
  std::int64_t conn = 0;
  std::int64_t xid = 0;
  std::int64_t zxid = 0;  // ReplyHeader.zxid: the last transaction the server applied
  int err = ZOK;
  std::string data;
  void describe(sim::Fields& out) const override {
    out.push_back({"err", std::string(codeName(err))});
    if (err == ZOK) out.push_back({"bytes", static_cast<std::int64_t>(data.size())});
  }
};

struct GetChildrenRequest : sim::MessageOf<GetChildrenRequest> {
  static constexpr std::string_view kName = "zookeeper.GetChildrenRequest";
  std::int64_t seq = 0;  // its place on the connection (TCP), from 1
  std::int64_t xid = 0;
  std::string path;
  bool watch = false;
  void describe(sim::Fields& out) const override {
    out.push_back({"path", path});
    out.push_back({"watch", watch});
  }
};

struct GetChildrenResponse : sim::MessageOf<GetChildrenResponse> {
  static constexpr std::string_view kName = "zookeeper.GetChildrenResponse";
  std::int64_t seq = 0;  // its place on the connection (TCP), from 1
  std::int64_t conn = 0;
  std::int64_t xid = 0;
  std::int64_t zxid = 0;  // ReplyHeader.zxid: the last transaction the server applied
  int err = ZOK;
  std::vector<std::string> children;  // sorted
  void describe(sim::Fields& out) const override {
    out.push_back({"err", std::string(codeName(err))});
    if (err == ZOK) out.push_back({"children", fmt::format("[{}]", fmt::join(children, ","))});
  }
};

// OpCode.auth (zoo_add_auth): the session adds an authenticated id of `scheme`
// ("digest": credentials "user:password"). The trace shows the scheme and the user only.
struct AuthPacket : sim::MessageOf<AuthPacket> {
  static constexpr std::string_view kName = "zookeeper.AuthPacket";
  std::int64_t seq = 0;  // its place on the connection (TCP), from 1
  std::int64_t xid = 0;
  std::string scheme;
  std::string auth;
  void describe(sim::Fields& out) const override {
    out.push_back({"scheme", scheme});
    out.push_back({"user", auth.substr(0, auth.find(':'))});
  }
};

struct AuthResponse : sim::MessageOf<AuthResponse> {
  static constexpr std::string_view kName = "zookeeper.AuthResponse";
  std::int64_t seq = 0;  // its place on the connection (TCP), from 1
  std::int64_t conn = 0;
  std::int64_t xid = 0;
  std::int64_t zxid = 0;  // ReplyHeader.zxid: the last transaction the server applied
  int err = ZOK;
  void describe(sim::Fields& out) const override { out.push_back({"err", std::string(codeName(err))}); }
};

// OpCode.ping: the client's heartbeat, sent when it has sent nothing for a third of
// the session timeout.
struct Ping : sim::MessageOf<Ping> {
  static constexpr std::string_view kName = "zookeeper.Ping";
  std::int64_t seq = 0;  // its place on the connection (TCP), from 1
};

struct PingResponse : sim::MessageOf<PingResponse> {
  static constexpr std::string_view kName = "zookeeper.PingResponse";
  std::int64_t seq = 0;  // its place on the connection (TCP), from 1
  std::int64_t conn = 0;
  std::int64_t zxid = 0;  // ReplyHeader.zxid
};

// OpCode.setWatches, sent by the C client once it has reconnected with its session
// (check_events -> send_set_watches): the watches it holds that have not fired, and
// relativeZxid, the last zxid it saw in a reply header. The server fires at once each
// watch whose znode changed after relativeZxid or is gone (DataTree::setWatches), so an
// event lost with its connection is not lost for good, and re-registers the others.
// Simplification: only child watches (the only kind agentsim's clients set); the
// server's reply to it (a bare header) is not modelled.
struct SetWatches : sim::MessageOf<SetWatches> {
  static constexpr std::string_view kName = "zookeeper.SetWatches";
  std::int64_t seq = 0;  // its place on the connection (TCP), from 1
  std::int64_t relative_zxid = 0;
  std::vector<std::string> child_watches;  // sorted
  void describe(sim::Fields& out) const override {
    out.push_back({"relative_zxid", relative_zxid});
    out.push_back({"child_watches", fmt::format("[{}]", fmt::join(child_watches, ","))});
  }
};

// A one-time watch fired: here always NodeChildrenChanged for a getChildren watch.
struct WatcherEvent : sim::MessageOf<WatcherEvent> {
  static constexpr std::string_view kName = "zookeeper.WatcherEvent";
  std::int64_t seq = 0;  // its place on the connection (TCP), from 1
  std::int64_t conn = 0;
  std::string path;
  void describe(sim::Fields& out) const override {
    out.push_back({"type", std::string("NodeChildrenChanged")});
    out.push_back({"path", path});
  }
};

struct ConnectionClosed : sim::MessageOf<ConnectionClosed> {
  static constexpr std::string_view kName = "zookeeper.ConnectionClosed";
  std::int64_t conn = 0;
  std::string reason;
  void describe(sim::Fields& out) const override { out.push_back({"reason", reason}); }
};

struct QuorumPing : sim::MessageOf<QuorumPing> {
  static constexpr std::string_view kName = "zookeeper.quorum.Ping";
  int myid = 0;
  void describe(sim::Fields& out) const override { out.push_back({"myid", static_cast<std::int64_t>(myid)}); }
};

// Every name above, sorted, for scenarios that match messages by name.
inline const std::vector<std::string_view>& messageNames() {
  static const std::vector<std::string_view> names{
      AuthPacket::kName,          AuthResponse::kName,
      ConnectRequest::kName,      ConnectResponse::kName,      ConnectionClosed::kName, CreateRequest::kName,
      CreateResponse::kName,      DeleteRequest::kName,        DeleteResponse::kName,   ExistsRequest::kName,
      ExistsResponse::kName,      GetChildrenRequest::kName,   GetChildrenResponse::kName,
      GetDataRequest::kName,      GetDataResponse::kName,      Ping::kName,
      PingResponse::kName,        SetWatches::kName,           WatcherEvent::kName,     QuorumPing::kName,
  };
  return names;
}

}  // namespace agentsim::model::zk
