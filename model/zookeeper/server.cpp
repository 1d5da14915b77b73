#include "model/zookeeper/server.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/assert.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

namespace zk {

std::string_view codeName(int code) {
  switch (code) {
    case ZOK: return "ZOK";
    case ZCONNECTIONLOSS: return "ZCONNECTIONLOSS";
    case ZOPERATIONTIMEOUT: return "ZOPERATIONTIMEOUT";
    case ZINVALIDSTATE: return "ZINVALIDSTATE";
    case ZNONODE: return "ZNONODE";
    case ZNOAUTH: return "ZNOAUTH";
    case ZNODEEXISTS: return "ZNODEEXISTS";
    case ZNOTEMPTY: return "ZNOTEMPTY";
    case ZSESSIONEXPIRED: return "ZSESSIONEXPIRED";
    case ZSESSIONMOVED: return "ZSESSIONMOVED";
    case ZINVALIDACL: return "ZINVALIDACL";
    case ZAUTHFAILED: return "ZAUTHFAILED";
    default: return "ZSYSTEMERROR";
  }
}

std::string_view aclName(Acl acl) {
  switch (acl) {
    case Acl::OPEN: return "ZOO_OPEN_ACL_UNSAFE";
    case Acl::EVERYONE_READ_CREATOR_ALL: return "EVERYONE_READ_CREATOR_ALL";
    case Acl::CREATOR_ALL: return "ZOO_CREATOR_ALL_ACL";
  }
  return "?";
}

bool retryable(int code) {
  return code == ZCONNECTIONLOSS || code == ZOPERATIONTIMEOUT || code == ZSESSIONEXPIRED || code == ZSESSIONMOVED;
}

}  // namespace zk

namespace {

std::string parentOf(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == 0 ? std::string("/") : path.substr(0, slash);
}

// PrepRequestProcessor.fixupACL: the "auth" entries of `acl` become the creator's ids;
// false when the ACL names the creator and the creator has none (ZINVALIDACL).
bool resolveAcl(zk::Acl acl, const std::vector<std::string>& ids, std::vector<ZooKeeperEnsemble::AclEntry>& out) {
  out.clear();
  if (acl == zk::Acl::OPEN) {
    out.push_back({zk::ALL, "world:anyone"});
    return true;
  }
  if (ids.empty()) return false;
  if (acl == zk::Acl::EVERYONE_READ_CREATOR_ALL) out.push_back({zk::READ, "world:anyone"});
  for (const std::string& id : ids) out.push_back({zk::ALL, id});
  return true;
}

std::int64_t ms(sim::Duration d) { return d.ns() / 1'000'000; }

// SessionTrackerImpl's refs: the tracker is its own class in ZooKeeper.
constexpr std::string_view kTrackerRun = "ZooKeeper 3.4 org/apache/zookeeper/server: SessionTrackerImpl::run";

}  // namespace

// ---------------------------------------------------------------------------------
// ZooKeeperEnsemble

ZooKeeperEnsemble::ZooKeeperEnsemble(int servers) : servers_(servers) {
  AGENTSIM_ASSERT(servers >= 1);
  tree_["/"] = Znode{};
}

std::string ZooKeeperEnsemble::hostName(int myid) { return fmt::format("zk-{}", myid); }

std::string ZooKeeperEnsemble::connectString() const {
  std::vector<std::string> out;
  for (int i = 1; i <= servers_; ++i) out.push_back(fmt::format("{}:{}", hostName(i), zk::kClientPort));
  return fmt::format("{}", fmt::join(out, ","));
}

namespace {
std::size_t sessionSequence(std::int64_t id) {
  return static_cast<std::size_t>(static_cast<std::uint64_t>(id) & ((std::uint64_t{1} << 56) - 1));
}
}  // namespace

ZooKeeperEnsemble::Session* ZooKeeperEnsemble::session(std::int64_t id) {
  const std::size_t seq = sessionSequence(id);
  if (seq < session_index_.size() && session_index_[seq] != nullptr && session_index_[seq]->id == id) {
    return session_index_[seq];
  }
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : &it->second;
}

ZooKeeperEnsemble::Session& ZooKeeperEnsemble::createSession(int myid, sim::Duration timeout, sim::Time now) {
  // SessionTrackerImpl::initializeNextSession: the server id in the top byte.
  const std::int64_t id = (static_cast<std::int64_t>(myid) << 56) | ++next_session_;
  Session& s = sessions_[id];
  s.id = id;
  const std::size_t seq = sessionSequence(id);
  if (seq >= session_index_.size()) session_index_.resize(seq + 1, nullptr);
  session_index_[seq] = &s;
  s.timeout = timeout;
  touch(s, now);
  return s;
}

void ZooKeeperEnsemble::touch(Session& s, sim::Time now) {
  // ExpiryQueue::roundToNextInterval: expiry falls on the next multiple of tickTime.
  const std::int64_t interval = zk::kTickTime.ns();
  const std::int64_t at = ((now.ns() + s.timeout.ns()) / interval + 1) * interval;
  if (at == s.expires_ns) return;
  s.expires_ns = at;  // its entry in the old bucket is now stale
  expiry_[at].push_back(s.id);
}

std::vector<std::int64_t> ZooKeeperEnsemble::due(sim::Time now) {
  std::vector<std::int64_t> out;
  for (auto it = expiry_.begin(); it != expiry_.end() && it->first <= now.ns();) {
    // The bucket's live entries, in id order; the stale ones are dropped.
    std::vector<std::int64_t>& ids = it->second;
    std::erase_if(ids, [&](std::int64_t id) {
      const Session* s = session(id);
      return s == nullptr || s->expires_ns != it->first;
    });
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    out.insert(out.end(), ids.begin(), ids.end());
    it = ids.empty() ? expiry_.erase(it) : std::next(it);
  }
  return out;
}

void ZooKeeperEnsemble::renewAll(sim::Time now) {
  for (auto& [id, s] : sessions_) touch(s, now);
}

std::vector<std::string> ZooKeeperEnsemble::closeSession(std::int64_t id) {
  std::vector<std::string> changed;
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return changed;
  const std::set<std::string> ephemerals = it->second.ephemerals;
  for (const std::string& path : ephemerals) (void)remove(path, changed);
  for (auto w = child_watches_.begin(); w != child_watches_.end();) {
    w->second.erase(id);
    w = w->second.empty() ? child_watches_.erase(w) : std::next(w);
  }
  const std::size_t seq = sessionSequence(id);
  if (seq < session_index_.size() && session_index_[seq] == &it->second) session_index_[seq] = nullptr;
  sessions_.erase(it);  // its bucket entry is stale now
  return changed;
}

int ZooKeeperEnsemble::create(const std::string& path, const std::string& data, bool ephemeral, bool sequence,
                              std::int64_t owner, std::string& created, std::vector<std::string>& changedParents,
                              zk::Acl acl, const std::vector<std::string>& ids) {
  if (path.empty() || path[0] != '/' || path == "/") return zk::ZNODEEXISTS;
  const std::string parentPath = parentOf(path);
  auto parent = tree_.find(parentPath);
  if (parent == tree_.end()) return zk::ZNONODE;
  if (!permitted(parentPath, zk::CREATE, ids)) return zk::ZNOAUTH;
  std::vector<AclEntry> entries;
  if (!resolveAcl(acl, ids, entries)) return zk::ZINVALIDACL;
  if (parent->second.ephemeral_owner != 0) return zk::ZNOAUTH;  // ZNOCHILDRENFOREPHEMERALS
  std::string name = path.substr(path.rfind('/') + 1);
  // PrepRequestProcessor: a sequential node's suffix is the parent's cversion, 10 digits.
  if (sequence) name += fmt::format("{:010d}", parent->second.cversion);
  created = parentPath == "/" ? "/" + name : parentPath + "/" + name;
  if (tree_.count(created) != 0) return zk::ZNODEEXISTS;
  Znode node;
  node.data = data;
  node.acl = std::move(entries);
  node.ephemeral_owner = ephemeral ? owner : 0;
  parent->second.children.insert(name);
  ++parent->second.cversion;
  parent->second.pzxid = ++zxid_;
  tree_.emplace(created, std::move(node));
  if (ephemeral) sessions_[owner].ephemerals.insert(created);
  changedParents.push_back(parentPath);
  return zk::ZOK;
}

int ZooKeeperEnsemble::remove(const std::string& path, std::vector<std::string>& changedParents) {
  auto it = tree_.find(path);
  if (it == tree_.end() || path == "/") return zk::ZNONODE;
  if (!it->second.children.empty()) return zk::ZNOTEMPTY;
  if (it->second.ephemeral_owner != 0) {
    auto s = sessions_.find(it->second.ephemeral_owner);
    if (s != sessions_.end()) s->second.ephemerals.erase(path);
  }
  const std::string parentPath = parentOf(path);
  Znode& parent = tree_[parentPath];
  parent.children.erase(path.substr(path.rfind('/') + 1));
  ++parent.cversion;
  parent.pzxid = ++zxid_;
  tree_.erase(it);
  changedParents.push_back(parentPath);
  return zk::ZOK;
}

bool ZooKeeperEnsemble::permitted(const std::string& path, int perm, const std::vector<std::string>& ids) const {
  auto it = tree_.find(path);
  if (it == tree_.end()) return true;
  for (const AclEntry& e : it->second.acl) {
    if ((e.perms & perm) == 0) continue;
    if (e.id == "world:anyone" || std::find(ids.begin(), ids.end(), e.id) != ids.end()) return true;
  }
  return false;
}

std::string ZooKeeperEnsemble::digestId(const std::string& credentials) {
  std::uint64_t h = 14695981039346656037ULL;  // FNV-1a, standing for base64(SHA-1)
  for (unsigned char c : credentials) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return fmt::format("digest:{}:{:016x}", credentials.substr(0, credentials.find(':')), h);
}

int ZooKeeperEnsemble::seed(const std::string& path, const std::string& data, zk::Acl acl,
                            const std::string& creator) {
  const std::vector<std::string> ids = creator.empty() ? std::vector<std::string>{} : std::vector{digestId(creator)};
  std::vector<std::string> changed;
  std::string created;
  for (std::size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    const std::string parent = path.substr(0, slash);
    if (tree_.count(parent) == 0) create(parent, "", false, false, 0, created, changed, zk::Acl::OPEN, ids);
  }
  return create(path, data, false, false, 0, created, changed, acl, ids);
}

std::vector<std::int64_t> ZooKeeperEnsemble::takeWatchers(const std::string& path) {
  std::vector<std::int64_t> out;
  auto it = child_watches_.find(path);
  if (it == child_watches_.end()) return out;
  out.assign(it->second.begin(), it->second.end());
  child_watches_.erase(it);
  return out;
}

// ---------------------------------------------------------------------------------
// ZooKeeperServer

std::string_view toString(ZooKeeperServer::State state) {
  switch (state) {
    case ZooKeeperServer::State::LOOKING: return "LOOKING";
    case ZooKeeperServer::State::FOLLOWING: return "FOLLOWING";
    case ZooKeeperServer::State::LEADING: return "LEADING";
  }
  return "?";
}

ZooKeeperServer::ZooKeeperServer(std::shared_ptr<ZooKeeperEnsemble> ensemble, int myid)
    : sim::Process(sim::ProcessName::fixed(std::string(zk::kServerId))), ensemble_(std::move(ensemble)), myid_(myid) {}

void ZooKeeperServer::initialize() {
  install(&ZooKeeperServer::quorumPing, "QuorumPeer::processPing");
  install(&ZooKeeperServer::connect, "NIOServerCnxn::readConnectRequest");
  install(&ZooKeeperServer::create, "FinalRequestProcessor::processRequest");
  install(&ZooKeeperServer::remove, "FinalRequestProcessor::processRequest");
  install(&ZooKeeperServer::exists, "FinalRequestProcessor::processRequest");
  install(&ZooKeeperServer::getData, "FinalRequestProcessor::processRequest");
  install(&ZooKeeperServer::getChildren, "FinalRequestProcessor::processRequest");
  install(&ZooKeeperServer::auth, "ZooKeeperServer::processPacket");
  install(&ZooKeeperServer::ping, "FinalRequestProcessor::processRequest");
  install(&ZooKeeperServer::setWatches, "FinalRequestProcessor::processRequest");
  log(fmt::format("ZooKeeper server myid={} of {} started on {}:{}", myid_, ensemble_->size(), self().host(),
                  self().port()));
  traceState(machines::kZooKeeperServer, toString(state_));
  peers_.clear();
  for (int peer = 1; peer <= ensemble_->size(); ++peer)
    peers_.push_back(sim().upid(zk::kServerId, ZooKeeperEnsemble::hostName(peer), zk::kClientPort));
  tick();
}

void ZooKeeperServer::scheduleTick() {
  // Ticks fall on multiples of tickTime/2 of the simulated clock, whenever the server
  // started, so every server's session tracker sees the same buckets.
  const std::int64_t half = (zk::kTickTime / 2).ns();
  const sim::Time next = sim::Time::fromNanoseconds((now().ns() / half + 1) * half);
  sim().schedule(next, this, "Leader::lead", [this] { tick(); });
}

void ZooKeeperServer::tick() {
  // Leader::lead / Follower: every tickTime/2 each server tells its peers it is alive.
  for (int peer = 1; peer <= ensemble_->size(); ++peer) {
    if (peer == myid_) continue;
    zk::QuorumPing m;
    m.myid = myid_;
    send(peers_[static_cast<std::size_t>(peer - 1)], m);
  }
  evaluateQuorum();
  if (state_ == State::LEADING && now().ns() % zk::kTickTime.ns() == 0) runSessionTracker();
  scheduleTick();
}

void ZooKeeperServer::quorumPing(const sim::Upid& /*from*/, const zk::QuorumPing& message) {
  heard_[message.myid] = now();
  evaluateQuorum();
}

void ZooKeeperServer::evaluateQuorum() {
  const sim::Duration window = zk::kTickTime * zk::kSyncLimit;
  int alive = 1;
  int highest = myid_;
  for (const auto& [peer, at] : heard_) {
    if (now() - at < window) {
      ++alive;
      highest = std::max(highest, peer);
    }
  }
  const bool quorum = alive * 2 > ensemble_->size();
  const State next = !quorum ? State::LOOKING : highest == myid_ ? State::LEADING : State::FOLLOWING;
  if (next == state_) return;
  const State previous = state_;
  state_ = next;
  traceState(machines::kZooKeeperServer, toString(state_),
             {{"previous", std::string(toString(previous))}, {"quorum", fmt::format("{}/{}", alive, ensemble_->size())}});
  if (next == State::LOOKING) {
    closeAll("ZooKeeperServer not running: the server lost its quorum");
    return;
  }
  if (previous == State::LOOKING) {
    // A new quorum: if no other server was serving, a new leader rebuilds the session
    // tracker from the database, and every session's timeout starts afresh.
    bool othersServing = false;
    for (int peer = 1; peer <= ensemble_->size(); ++peer) {
      if (peer == myid_) continue;
      const ZooKeeperServer* p = this->peer(peer);
      othersServing = othersServing || (p != nullptr && p->serving());
    }
    if (!othersServing && !ensemble_->sessions().empty()) {
      ensemble_->renewAll(now());
      log(fmt::format("The ensemble has a quorum again: the timeouts of {} session(s) start afresh",
                      ensemble_->sessions().size()));
    }
  }
}

void ZooKeeperServer::runSessionTracker() {
  for (std::int64_t id : ensemble_->due(now())) {
    const auto* s = ensemble_->session(id);
    if (s == nullptr) continue;
    expire(id, fmt::format("timeout of {}ms exceeded", ms(s->timeout)));
  }
}

void ZooKeeperServer::expire(std::int64_t id, const std::string& why) {
  ZooKeeperEnsemble::Session* s = ensemble_->session(id);
  if (s == nullptr) return;
  const sim::Upid client = s->client;
  const std::int64_t conn = s->conn;
  const int holder = s->server;
  std::vector<std::string> ephemerals(s->ephemerals.begin(), s->ephemerals.end());
  if (tracing()) {
    sim().emit(sim::RecordKind::Log, this, {}, "log",
               {{"message", fmt::format("Expiring session {}, {}", zk::sessionText(id), why)},
                {"session_id", zk::sessionText(id)},
                {"client", client.str()},
                {"ephemerals", fmt::format("[{}]", fmt::join(ephemerals, ","))}},
               std::string(kTrackerRun));
  }
  const std::vector<std::string> changed = ensemble_->closeSession(id);
  ++ensemble_->expired_;
  // NIOServerCnxnFactory::closeSession: the server holding the connection closes it;
  // the client learns of the expiry when it reconnects. Only that session's connection:
  // a new process at the client's address (a restarted agent or master, whose
  // `zookeeper(1)` has the old one's address) holds a connection of its own, with a
  // session of its own, which the old session's expiry leaves alone (the client
  // ignores a close of a connection that is not its current one).
  if (ZooKeeperServer* server = holder != 0 ? peer(holder) : nullptr; server != nullptr && !client.isNone()) {
    server->dispatch("NIOServerCnxnFactory::closeSession", [server, client, conn, id] {
      if (const std::int64_t* current = server->connections_.find(client); current != nullptr && *current == id) {
        server->connections_.erase(client);
      }
      server->closeConnection(client, conn, "session expired");
    });
  }
  fireWatches(changed);
}

void ZooKeeperServer::fireWatches(const std::vector<std::string>& changedParents) {
  for (const std::string& parent : changedParents) {
    for (std::int64_t session : ensemble_->takeWatchers(parent)) deliverEvent(session, parent);
  }
}

void ZooKeeperServer::deliverEvent(std::int64_t session, const std::string& path) {
  ZooKeeperEnsemble::Session* s = ensemble_->session(session);
  if (s == nullptr) return;
  ZooKeeperServer* holder = s->server != 0 ? peer(s->server) : nullptr;
  // No live connection: the watch is gone with it (WatchManager::removeWatcher of the
  // closed connection); the client's SetWatches fires it when it reconnects.
  if (holder == nullptr || !holder->serving()) return;
  holder->dispatch("WatchManager::triggerWatch", [holder, session, path] {
    ZooKeeperEnsemble::Session* live = holder->ensemble_->session(session);
    if (live == nullptr || live->server != holder->myid_ || !holder->serving()) return;
    zk::WatcherEvent e;
    e.conn = live->conn;
    e.seq = ++live->sent_seq;
    e.path = path;
    holder->send(live->client, e);
  });
}

ZooKeeperServer* ZooKeeperServer::peer(int myid) const {
  sim::Process* p = sim().process(peers_.at(static_cast<std::size_t>(myid - 1)));
  return p == nullptr ? nullptr : static_cast<ZooKeeperServer*>(p);
}

void ZooKeeperServer::closeConnection(const sim::Upid& client, std::int64_t conn, const std::string& reason) {
  if (client.isNone()) return;
  zk::ConnectionClosed m;
  m.conn = conn;
  m.reason = reason;
  send(client, m);
}

void ZooKeeperServer::closeAll(const std::string& reason) {
  // The connections in address order: each session this server holds whose client's
  // connection still names it (connections_ is looked up, never iterated).
  std::vector<std::pair<sim::Upid, std::int64_t>> connections;
  for (const auto& [id, s] : ensemble_->sessions()) {
    const std::int64_t* conn = s.server == myid_ ? connections_.find(s.client) : nullptr;
    if (conn != nullptr && *conn == id) connections.emplace_back(s.client, id);
  }
  std::sort(connections.begin(), connections.end());
  connections_.clear();
  for (const auto& [client, id] : connections) {
    ZooKeeperEnsemble::Session* s = ensemble_->session(id);
    if (s == nullptr || s->server != myid_ || !(s->client == client)) continue;
    s->server = 0;
    closeConnection(client, s->conn, reason);
  }
}

void ZooKeeperServer::connect(const sim::Upid& from, const zk::ConnectRequest& message) {
  if (!serving()) {
    closeConnection(from, message.conn, "ZooKeeperServer not running");
    return;
  }
  zk::ConnectResponse reply;
  reply.conn = message.conn;
  if (message.session_id != 0) {
    ZooKeeperEnsemble::Session* s = ensemble_->session(message.session_id);
    if (s == nullptr) {
      // ZooKeeperServer::reopenSession: an unknown session has expired.
      log(fmt::format("Invalid session {} for client {}, probably expired", zk::sessionText(message.session_id),
                      from.str()));
      reply.session_id = message.session_id;
      reply.timeout_ms = 0;
      send(from, reply);
      return;
    }
    s->server = myid_;
    s->client = from;
    s->conn = message.conn;
    s->sent_seq = 0;
    s->recv_seq = 0;
    ensemble_->touch(*s, now());
    connections_[from] = s->id;
    log(fmt::format("Established session {} with negotiated timeout {} for client {} (reconnect)",
                    zk::sessionText(s->id), ms(s->timeout), from.str()));
    reply.session_id = s->id;
    reply.timeout_ms = ms(s->timeout);
    send(from, reply);
    return;
  }
  // ZooKeeperServer::processConnectRequest: the timeout is clamped to the server's
  // [minSessionTimeout, maxSessionTimeout].
  const sim::Duration requested = sim::Milliseconds(message.timeout_ms);
  const sim::Duration timeout = std::clamp(requested, zk::kMinSessionTimeout, zk::kMaxSessionTimeout);
  ZooKeeperEnsemble::Session& s = ensemble_->createSession(myid_, timeout, now());
  s.server = myid_;
  s.client = from;
  s.conn = message.conn;
  s.sent_seq = 0;
  s.recv_seq = 0;
  connections_[from] = s.id;
  log(fmt::format("Established session {} with negotiated timeout {} for client {}", zk::sessionText(s.id),
                  ms(timeout), from.str()),
      {{"session_id", zk::sessionText(s.id)}});
  reply.session_id = s.id;
  reply.timeout_ms = ms(timeout);
  send(from, reply);
}

ZooKeeperEnsemble::Session* ZooKeeperServer::sessionOf(const sim::Upid& from, std::int64_t seq) {
  const std::int64_t* conn = connections_.find(from);
  ZooKeeperEnsemble::Session* s = conn == nullptr ? nullptr : ensemble_->session(*conn);
  if (!serving() || s == nullptr || s->server != myid_ || !(s->client == from)) {
    if (conn != nullptr) connections_.erase(from);
    closeConnection(from, s != nullptr ? s->conn : 0, serving() ? "no session on this connection"
                                                                  : "ZooKeeperServer not running");
    return nullptr;
  }
  if (seq <= s->recv_seq) return nullptr;  // a duplicate: TCP delivered it already
  if (seq != s->recv_seq + 1) {
    // A packet of the connection was lost (a partition): TCP loses nothing without
    // breaking, so the connection is reset; the session lives on until its timeout.
    const std::string reason = fmt::format("packet {} of the connection after {}: packets were lost, the TCP "
                                           "connection broke",
                                           seq, s->recv_seq);
    log(fmt::format("Closing the connection of session {}: {}", zk::sessionText(s->id), reason));
    connections_.erase(from);
    s->server = 0;
    closeConnection(from, s->conn, reason);
    return nullptr;
  }
  s->recv_seq = seq;
  ensemble_->touch(*s, now());
  return s;
}

void ZooKeeperServer::create(const sim::Upid& from, const zk::CreateRequest& message) {
  ZooKeeperEnsemble::Session* s = sessionOf(from, message.seq);
  if (s == nullptr) return;
  zk::CreateResponse reply;
  reply.conn = s->conn;
  reply.seq = ++s->sent_seq;
  reply.zxid = ensemble_->zxid();
  reply.xid = message.xid;
  std::vector<std::string> changed;
  reply.err = ensemble_->create(message.path, message.data, message.ephemeral, message.sequence, s->id, reply.path,
                                changed, message.acl, s->auth_ids);
  if (reply.err != zk::ZOK) reply.path.clear();
  send(from, reply);
  fireWatches(changed);
}

void ZooKeeperServer::remove(const sim::Upid& from, const zk::DeleteRequest& message) {
  ZooKeeperEnsemble::Session* s = sessionOf(from, message.seq);
  if (s == nullptr) return;
  zk::DeleteResponse reply;
  reply.conn = s->conn;
  reply.seq = ++s->sent_seq;
  reply.zxid = ensemble_->zxid();
  reply.xid = message.xid;
  std::vector<std::string> changed;
  reply.err = ensemble_->tree().count(message.path) != 0 && !ensemble_->permitted(parentOf(message.path), zk::DELETE,
                                                                                     s->auth_ids)
                  ? zk::ZNOAUTH
                  : ensemble_->remove(message.path, changed);
  send(from, reply);
  fireWatches(changed);
}

void ZooKeeperServer::exists(const sim::Upid& from, const zk::ExistsRequest& message) {
  ZooKeeperEnsemble::Session* s = sessionOf(from, message.seq);
  if (s == nullptr) return;
  zk::ExistsResponse reply;
  reply.conn = s->conn;
  reply.seq = ++s->sent_seq;
  reply.zxid = ensemble_->zxid();
  reply.xid = message.xid;
  reply.err = ensemble_->tree().count(message.path) != 0 ? zk::ZOK : zk::ZNONODE;
  send(from, reply);
}

void ZooKeeperServer::getData(const sim::Upid& from, const zk::GetDataRequest& message) {
  ZooKeeperEnsemble::Session* s = sessionOf(from, message.seq);
  if (s == nullptr) return;
  zk::GetDataResponse reply;
  reply.conn = s->conn;
  reply.seq = ++s->sent_seq;
  reply.zxid = ensemble_->zxid();
  reply.xid = message.xid;
  auto it = ensemble_->tree().find(message.path);
  if (it == ensemble_->tree().end()) {
    reply.err = zk::ZNONODE;
  } else if (!ensemble_->permitted(message.path, zk::READ, s->auth_ids)) {
    reply.err = zk::ZNOAUTH;
  } else {
    reply.data = it->second.data;
  }
  send(from, reply);
}

void ZooKeeperServer::getChildren(const sim::Upid& from, const zk::GetChildrenRequest& message) {
  ZooKeeperEnsemble::Session* s = sessionOf(from, message.seq);
  if (s == nullptr) return;
  zk::GetChildrenResponse reply;
  reply.conn = s->conn;
  reply.seq = ++s->sent_seq;
  reply.zxid = ensemble_->zxid();
  reply.xid = message.xid;
  auto it = ensemble_->tree().find(message.path);
  if (it == ensemble_->tree().end()) {
    reply.err = zk::ZNONODE;
  } else if (!ensemble_->permitted(message.path, zk::READ, s->auth_ids)) {
    reply.err = zk::ZNOAUTH;
  } else {
    reply.children.assign(it->second.children.begin(), it->second.children.end());
    if (message.watch) ensemble_->child_watches_[message.path].insert(s->id);
  }
  send(from, reply);
}

void ZooKeeperServer::auth(const sim::Upid& from, const zk::AuthPacket& message) {
  ZooKeeperEnsemble::Session* s = sessionOf(from, message.seq);
  if (s == nullptr) return;
  zk::AuthResponse reply;
  reply.conn = s->conn;
  reply.seq = ++s->sent_seq;
  reply.xid = message.xid;
  reply.zxid = ensemble_->zxid();
  if (message.scheme != "digest") {
    // ProviderRegistry has no such provider: auth failed (ZooKeeper then closes the
    // connection; the fake server only answers).
    log(fmt::format("No authentication provider for scheme: {}", message.scheme));
    reply.err = zk::ZAUTHFAILED;
    send(from, reply);
    return;
  }
  const std::string id = ZooKeeperEnsemble::digestId(message.auth);
  if (std::find(s->auth_ids.begin(), s->auth_ids.end(), id) == s->auth_ids.end()) s->auth_ids.push_back(id);
  send(from, reply);
}

void ZooKeeperServer::ping(const sim::Upid& from, const zk::Ping& message) {
  ZooKeeperEnsemble::Session* s = sessionOf(from, message.seq);
  if (s == nullptr) return;
  zk::PingResponse reply;
  reply.conn = s->conn;
  reply.seq = ++s->sent_seq;
  reply.zxid = ensemble_->zxid();
  send(from, reply);
}

void ZooKeeperServer::setWatches(const sim::Upid& from, const zk::SetWatches& message) {
  ZooKeeperEnsemble::Session* s = sessionOf(from, message.seq);
  if (s == nullptr) return;
  // DataTree::setWatches: a child watch fires at once (NodeChildrenChanged, or
  // NodeDeleted for a gone znode: here both are the one event type) when its znode
  // changed after the client's last zxid; otherwise it is registered again.
  for (const std::string& path : message.child_watches) {
    auto node = ensemble_->tree().find(path);
    auto& watchers = ensemble_->child_watches_[path];
    if (node != ensemble_->tree().end() && node->second.pzxid <= message.relative_zxid) {
      watchers.insert(s->id);
      continue;
    }
    watchers.erase(s->id);
    if (watchers.empty()) ensemble_->child_watches_.erase(path);
    zk::WatcherEvent e;
    e.conn = s->conn;
    e.seq = ++s->sent_seq;
    e.path = path;
    send(from, e);
  }
}

std::vector<std::int64_t> ZooKeeperEnsemble::sessionsOf(const std::string& host, const std::string& client) const {
  std::vector<std::int64_t> ids;
  for (const auto& [id, s] : sessions_) {
    if (s.client.host() == host && (client.empty() || client == s.client.id())) ids.push_back(id);
  }
  return ids;
}

ZooKeeperServer* zookeeperMain(sim::Host& host, std::shared_ptr<ZooKeeperEnsemble> ensemble, int myid) {
  return &host.sim().spawn<ZooKeeperServer>(host, std::move(ensemble), myid);
}

}  // namespace agentsim::model
