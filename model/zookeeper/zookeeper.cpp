#include "model/zookeeper/zookeeper.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "model/zookeeper/server.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

namespace {

// The C client's own functions, named with their file so the trace points at them.
constexpr std::string_view kInterest = "ZooKeeper 3.4 C client src/c/src/zookeeper.c: zookeeper_interest";
constexpr std::string_view kPrimeConnection = "ZooKeeper 3.4 C client src/c/src/zookeeper.c: prime_connection";
constexpr std::string_view kCheckEvents = "ZooKeeper 3.4 C client src/c/src/zookeeper.c: check_events";
constexpr std::string_view kSendPing = "ZooKeeper 3.4 C client src/c/src/zookeeper.c: send_ping";
constexpr std::string_view kHandleError = "ZooKeeper 3.4 C client src/c/src/zookeeper.c: handle_error";

std::int64_t ms(sim::Duration d) { return d.ns() / 1'000'000; }

}  // namespace

std::string_view toString(ZooKeeperProcess::State state) {
  switch (state) {
    case ZooKeeperProcess::State::CONNECTING: return "CONNECTING";
    case ZooKeeperProcess::State::CONNECTED: return "CONNECTED";
    case ZooKeeperProcess::State::EXPIRED_SESSION: return "EXPIRED_SESSION";
  }
  return "?";
}

ZooKeeperProcess::ZooKeeperProcess(std::string servers, sim::Duration sessionTimeout, sim::Upid owner,
                                   Watcher watcher)
    : sim::Process(sim::ProcessName::generated("zookeeper")),
      servers_text_(std::move(servers)),
      requested_(sessionTimeout),
      timeout_(sessionTimeout),
      owner_(owner),
      watcher_(std::move(watcher)) {}

void ZooKeeperProcess::initialize() {
  // Connection attempts are numbered apart from those of an earlier process at this
  // address (a restarted host's handle): a packet the server sends to the old client's
  // connection, such as the expiry of its session, is not this process's (a socket of
  // its own would never carry it).
  conn_ = static_cast<std::int64_t>(binding()) << 32;
  install(&ZooKeeperProcess::connectResponse, kPrimeConnection);
  install(&ZooKeeperProcess::connectionClosed, kHandleError);
  install(&ZooKeeperProcess::createResponse, kCheckEvents);
  install(&ZooKeeperProcess::deleteResponse, kCheckEvents);
  install(&ZooKeeperProcess::existsResponse, kCheckEvents);
  install(&ZooKeeperProcess::getDataResponse, kCheckEvents);
  install(&ZooKeeperProcess::getChildrenResponse, kCheckEvents);
  install(&ZooKeeperProcess::authResponse, kCheckEvents);
  install(&ZooKeeperProcess::pingResponse, kCheckEvents);
  install(&ZooKeeperProcess::watcherEvent, kCheckEvents);

  // getaddrs: "host:port,host:port"; the C client shuffles the addresses.
  std::size_t start = 0;
  while (start <= servers_text_.size()) {
    std::size_t comma = servers_text_.find(',', start);
    if (comma == std::string::npos) comma = servers_text_.size();
    const std::string item = servers_text_.substr(start, comma - start);
    start = comma + 1;
    if (item.empty()) continue;
    const auto colon = item.rfind(':');
    std::uint32_t port = zk::kClientPort;
    std::string host = item;
    if (colon != std::string::npos) {
      host = item.substr(0, colon);
      port = 0;
      for (char c : item.substr(colon + 1)) {
        if (c < '0' || c > '9' || port > 65535) {
          port = 0;
          break;
        }
        port = port * 10 + static_cast<std::uint32_t>(c - '0');
      }
    }
    if (host.empty() || port == 0 || port > 65535) continue;
    servers_.push_back(sim().upid(zk::kServerId, host, static_cast<std::uint16_t>(port)));
  }
  for (std::size_t i = servers_.size(); i > 1; --i) std::swap(servers_[i - 1], servers_[rng().below(i)]);

  // ZooKeeperProcess::initialize calls zookeeper_init, which logs this.
  log(fmt::format("Initiating client connection, host={} sessionTimeout={}", servers_text_, ms(requested_)),
      {{"owner", owner_.str()}});
  traceState(machines::kZooKeeperProcess, toString(state_));
  if (servers_.empty()) {
    log("No valid ZooKeeper server in '" + servers_text_ + "'");
    return;
  }
  connectNext();
}

void ZooKeeperProcess::connectNext() {
  if (state_ == State::EXPIRED_SESSION) return;
  if (failed_in_row_ >= servers_.size()) {
    failed_in_row_ = 0;
    const sim::Duration wait = timeout_ / 60;
    log(fmt::format("Delaying connection after exhaustively trying all servers [{}]", servers_text_),
        {{"delay", sim::format(wait)}});
    const std::int64_t conn = conn_;
    delay(wait, kInterest, [this, conn] {
      if (current(conn) && state_ == State::CONNECTING) connectNext();
    });
    return;
  }
  server_ = servers_[next_server_++ % servers_.size()];
  ++failed_in_row_;
  ++conn_;
  sent_seq_ = 0;
  recv_seq_ = 0;
  zk::ConnectRequest request;
  request.conn = conn_;
  request.session_id = session_id_;
  request.timeout_ms = ms(requested_);
  send(server_, request);
  last_recv_ = now();
  last_send_ = now();
  armReceiveCheck();
}

void ZooKeeperProcess::armReceiveCheck() {
  if (receive_timer_.valid()) return;  // the pending check re-arms from last_recv_
  const sim::Time at = last_recv_ + timeout_ * 2 / 3;
  receive_timer_ = sim().schedule(std::max(at, now()), this, kInterest, [this] {
    receive_timer_ = sim::TimerId{};
    receiveCheck(conn_);
  });
}

void ZooKeeperProcess::receiveCheck(std::int64_t conn) {
  if (!current(conn)) return;
  const sim::Duration limit = timeout_ * 2 / 3;
  if (now() - last_recv_ >= limit) {
    connectionLost(fmt::format("connection to {}:{} timed out (exceeded timeout by {}ms)", server_.host(),
                               server_.port(), ms(now() - last_recv_ - limit)));
    return;
  }
  armReceiveCheck();
}

void ZooKeeperProcess::armPingCheck() {
  if (ping_timer_.valid() || state_ != State::CONNECTED) return;
  const sim::Time at = last_send_ + timeout_ / 3;
  ping_timer_ = sim().schedule(std::max(at, now()), this, kSendPing, [this] {
    ping_timer_ = sim::TimerId{};
    pingCheck(conn_);
  });
}

void ZooKeeperProcess::pingCheck(std::int64_t conn) {
  if (!current(conn) || state_ != State::CONNECTED) return;
  if (now() - last_send_ >= timeout_ / 3) {
    zk::Ping ping;
    sendPacket(ping);
    last_send_ = now();
  }
  armPingCheck();
}

void ZooKeeperProcess::connectionLost(const std::string& reason) {
  const bool wasConnected = state_ == State::CONNECTED;
  log(reason, {{"server", server_.str()}});
  std::map<std::int64_t, Reply> pending;
  pending.swap(pending_);
  for (auto& [xid, k] : pending) k(zk::ZCONNECTIONLOSS, {}, {});
  state_ = State::CONNECTING;
  cancel(ping_timer_);
  if (wasConnected) {
    failed_in_row_ = 0;
    traceState(machines::kZooKeeperProcess, toString(state_), {{"session_id", zk::sessionText(session_id_)}});
    const std::int64_t session = session_id_;
    toOwner("GroupProcess::reconnecting", [cb = watcher_.reconnecting, session] { cb(session); });
  }
  connectNext();
}

void ZooKeeperProcess::received() { last_recv_ = now(); }

void ZooKeeperProcess::connectResponse(const sim::Upid& /*from*/, const zk::ConnectResponse& m) {
  if (m.conn != conn_ || state_ != State::CONNECTING) return;
  received();
  if (m.timeout_ms <= 0) {
    state_ = State::EXPIRED_SESSION;
    cancel(receive_timer_);
    cancel(ping_timer_);
    log(fmt::format("Session {} has expired", zk::sessionText(session_id_)));
    traceState(machines::kZooKeeperProcess, toString(state_), {{"session_id", zk::sessionText(session_id_)}});
    const std::int64_t session = session_id_;
    toOwner("GroupProcess::expired", [cb = watcher_.expired, session] { cb(session); });
    return;
  }
  const bool reconnect = session_id_ != 0;
  if (reconnect && m.session_id != session_id_) child_watches_.clear();
  session_id_ = m.session_id;
  timeout_ = sim::Milliseconds(m.timeout_ms);
  state_ = State::CONNECTED;
  failed_in_row_ = 0;
  last_send_ = now();
  traceState(machines::kZooKeeperProcess, toString(state_),
             {{"session_id", zk::sessionText(session_id_)}, {"server", std::string(server_.host())},
              {"timeout", sim::format(timeout_)}});
  armReceiveCheck();
  armPingCheck();
  if (reconnect) sendSetWatches();
  const std::int64_t session = session_id_;
  toOwner("GroupProcess::connected", [cb = watcher_.connected, session, reconnect] { cb(session, reconnect); });
}

void ZooKeeperProcess::sendSetWatches() {
  if (child_watches_.empty()) return;
  zk::SetWatches m;
  m.relative_zxid = last_zxid_;
  m.child_watches.assign(child_watches_.begin(), child_watches_.end());
  sendPacket(m);
  last_send_ = now();
}

void ZooKeeperProcess::connectionClosed(const sim::Upid& /*from*/, const zk::ConnectionClosed& m) {
  if (!current(m.conn)) return;
  connectionLost(fmt::format("{}:{} closed the connection: {}", server_.host(), server_.port(), m.reason));
}

bool ZooKeeperProcess::inSequence(std::int64_t conn, std::int64_t seq) {
  if (!current(conn) || seq <= recv_seq_) return false;  // a closed connection's, or a duplicate
  if (seq != recv_seq_ + 1) {
    connectionLost(fmt::format("{}:{} sent packet {} of the connection after {}: packets were lost, the TCP "
                               "connection broke",
                               server_.host(), server_.port(), seq, recv_seq_));
    return false;
  }
  recv_seq_ = seq;
  return true;
}

void ZooKeeperProcess::complete(std::int64_t conn, std::int64_t seq, std::int64_t xid, std::int64_t zxid, int err,
                                const std::string& text, const std::vector<std::string>& children) {
  if (!inSequence(conn, seq)) return;
  received();
  last_zxid_ = std::max(last_zxid_, zxid);
  auto it = pending_.find(xid);
  if (it == pending_.end()) return;
  Reply k = std::move(it->second);
  pending_.erase(it);
  k(err, text, children);
}

void ZooKeeperProcess::createResponse(const sim::Upid&, const zk::CreateResponse& m) {
  complete(m.conn, m.seq, m.xid, m.zxid, m.err, m.path, {});
}
void ZooKeeperProcess::deleteResponse(const sim::Upid&, const zk::DeleteResponse& m) {
  complete(m.conn, m.seq, m.xid, m.zxid, m.err, {}, {});
}
void ZooKeeperProcess::existsResponse(const sim::Upid&, const zk::ExistsResponse& m) {
  complete(m.conn, m.seq, m.xid, m.zxid, m.err, {}, {});
}
void ZooKeeperProcess::getDataResponse(const sim::Upid&, const zk::GetDataResponse& m) {
  complete(m.conn, m.seq, m.xid, m.zxid, m.err, m.data, {});
}
void ZooKeeperProcess::getChildrenResponse(const sim::Upid&, const zk::GetChildrenResponse& m) {
  complete(m.conn, m.seq, m.xid, m.zxid, m.err, {}, m.children);
}
void ZooKeeperProcess::authResponse(const sim::Upid&, const zk::AuthResponse& m) {
  complete(m.conn, m.seq, m.xid, m.zxid, m.err, {}, {});
}
void ZooKeeperProcess::pingResponse(const sim::Upid&, const zk::PingResponse& m) {
  if (!inSequence(m.conn, m.seq)) return;
  received();
  last_zxid_ = std::max(last_zxid_, m.zxid);
}

void ZooKeeperProcess::watcherEvent(const sim::Upid&, const zk::WatcherEvent& m) {
  if (!inSequence(m.conn, m.seq)) return;
  received();
  child_watches_.erase(m.path);
  const std::int64_t session = session_id_;
  toOwner("GroupProcess::updated", [cb = watcher_.updated, session, path = m.path] { cb(session, path); });
}

std::int64_t ZooKeeperProcess::request() {
  last_send_ = now();
  return ++next_xid_;
}

void ZooKeeperProcess::toOwner(std::string_view function, std::function<void()> fn) {
  sim::Process* owner = sim().process(owner_);
  if (owner != nullptr) owner->dispatch(function, std::move(fn));
}

void ZooKeeperProcess::sendCreate(const std::string& path, const std::string& data, bool ephemeral, bool sequence,
                                  zk::Acl acl, Reply k) {
  if (state_ != State::CONNECTED) {
    k(zk::ZCONNECTIONLOSS, {}, {});
    return;
  }
  zk::CreateRequest m;
  m.xid = request();
  m.path = path;
  m.data = data;
  m.ephemeral = ephemeral;
  m.sequence = sequence;
  m.acl = acl;
  pending_[m.xid] = std::move(k);
  sendPacket(m);
}

void ZooKeeperProcess::sendExists(const std::string& path, Reply k) {
  if (state_ != State::CONNECTED) {
    k(zk::ZCONNECTIONLOSS, {}, {});
    return;
  }
  zk::ExistsRequest m;
  m.xid = request();
  m.path = path;
  pending_[m.xid] = std::move(k);
  sendPacket(m);
}

void ZooKeeperProcess::createRecursive(const std::string& path, const std::string& data, bool ephemeral,
                                       bool sequence, zk::Acl acl, Reply k) {
  // ZooKeeperProcess::create(..., recursive): exists? else create the parent path
  // (ignoring ZNODEEXISTS), then the znode.
  sendExists(path, [this, path, data, ephemeral, sequence, acl, k](int code, const std::string&,
                                                             const std::vector<std::string>&) {
    if (code == zk::ZOK) {
      k(zk::ZNODEEXISTS, {}, {});
      return;
    }
    if (code != zk::ZNONODE) {
      k(code, {}, {});
      return;
    }
    const std::size_t index = path.find_last_of('/');
    if (index == 0 || index == std::string::npos) {
      sendCreate(path, data, ephemeral, sequence, acl, k);
      return;
    }
    createRecursive(path.substr(0, index), "", false, false, acl,
                    [this, path, data, ephemeral, sequence, acl, k](int parent, const std::string&,
                                                               const std::vector<std::string>&) {
                      if (parent != zk::ZOK && parent != zk::ZNODEEXISTS) {
                        k(parent, {}, {});
                        return;
                      }
                      sendCreate(path, data, ephemeral, sequence, acl, k);
                    });
  });
}

void ZooKeeperProcess::create(std::string path, std::string data, bool ephemeral, bool sequence, bool recursive,
                              std::string_view then, CreateDone done, zk::Acl acl) {
  dispatch("ZooKeeperProcess::create", [this, path = std::move(path), data = std::move(data), ephemeral, sequence,
                                        recursive, then, done = std::move(done), acl] {
    Reply k = [this, then, done](int code, const std::string& created, const std::vector<std::string>&) {
      toOwner(then, [done, code, created] { done(code, created); });
    };
    if (recursive) {
      createRecursive(path, data, ephemeral, sequence, acl, std::move(k));
    } else {
      sendCreate(path, data, ephemeral, sequence, acl, std::move(k));
    }
  });
}

void ZooKeeperProcess::authenticate(std::string scheme, std::string credentials, std::string_view then,
                                    RemoveDone done) {
  dispatch("ZooKeeperProcess::authenticate", [this, scheme = std::move(scheme), credentials = std::move(credentials),
                                              then, done = std::move(done)] {
    Reply k = [this, then, done](int code, const std::string&, const std::vector<std::string>&) {
      toOwner(then, [done, code] { done(code); });
    };
    if (state_ != State::CONNECTED) {
      k(zk::ZCONNECTIONLOSS, {}, {});
      return;
    }
    zk::AuthPacket m;
    m.xid = request();
    m.scheme = scheme;
    m.auth = credentials;
    pending_[m.xid] = std::move(k);
    sendPacket(m);
  });
}

void ZooKeeperProcess::remove(std::string path, std::string_view then, RemoveDone done) {
  dispatch("ZooKeeperProcess::remove", [this, path = std::move(path), then, done = std::move(done)] {
    Reply k = [this, then, done](int code, const std::string&, const std::vector<std::string>&) {
      toOwner(then, [done, code] { done(code); });
    };
    if (state_ != State::CONNECTED) {
      k(zk::ZCONNECTIONLOSS, {}, {});
      return;
    }
    zk::DeleteRequest m;
    m.xid = request();
    m.path = path;
    pending_[m.xid] = std::move(k);
    sendPacket(m);
  });
}

void ZooKeeperProcess::get(std::string path, std::string_view then, GetDone done) {
  dispatch("ZooKeeperProcess::get", [this, path = std::move(path), then, done = std::move(done)] {
    Reply k = [this, then, done](int code, const std::string& data, const std::vector<std::string>&) {
      toOwner(then, [done, code, data] { done(code, data); });
    };
    if (state_ != State::CONNECTED) {
      k(zk::ZCONNECTIONLOSS, {}, {});
      return;
    }
    zk::GetDataRequest m;
    m.xid = request();
    m.path = path;
    pending_[m.xid] = std::move(k);
    sendPacket(m);
  });
}

void ZooKeeperProcess::getChildren(std::string path, bool watch, std::string_view then, ChildrenDone done) {
  dispatch("ZooKeeperProcess::getChildren", [this, path = std::move(path), watch, then, done = std::move(done)] {
    Reply k = [this, path, watch, then, done](int code, const std::string&, const std::vector<std::string>& children) {
      if (watch && code == zk::ZOK) child_watches_.insert(path);
      toOwner(then, [done, code, children] { done(code, children); });
    };
    if (state_ != State::CONNECTED) {
      k(zk::ZCONNECTIONLOSS, {}, {});
      return;
    }
    zk::GetChildrenRequest m;
    m.xid = request();
    m.path = path;
    m.watch = watch;
    pending_[m.xid] = std::move(k);
    sendPacket(m);
  });
}

}  // namespace agentsim::model
