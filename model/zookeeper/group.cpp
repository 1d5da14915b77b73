#include "model/zookeeper/group.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "model/zookeeper/server.hpp"
#include "sim/assert.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

namespace {

// strings::tokenize: split on the delimiter, dropping empty tokens.
std::vector<std::string> tokenize(const std::string& s, char delim) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t end = s.find(delim, start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// numify<int32_t> (stout): boost::lexical_cast<int32_t> (an optional sign, then digits,
// within int32), else a hexadecimal "0x"/"-0x" number without '.' or 'p' (read as
// std::hex reads it), else an error: GroupProcess::cache's "non-sequence node".
std::optional<std::int32_t> numify(const std::string& s) {
  const auto parse = [](std::string_view digits, int base, bool negative) -> std::optional<std::int32_t> {
    if (digits.empty()) return std::nullopt;
    std::int64_t n = 0;
    for (char c : digits) {
      int d = -1;
      if (c >= '0' && c <= '9') d = c - '0';
      else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
      if (d < 0) return std::nullopt;
      n = n * base + d;
      if (n > static_cast<std::int64_t>(INT32_MAX) + 1) return std::nullopt;
    }
    // lexical_cast allows INT32_MIN; `ss >> result` of a hex number stops at INT32_MAX.
    if (n > INT32_MAX && !(negative && base == 10)) return std::nullopt;
    return static_cast<std::int32_t>(negative ? -n : n);
  };
  std::string_view v = s;
  bool negative = false;
  if (!v.empty() && (v.front() == '+' || v.front() == '-')) {
    negative = v.front() == '-';
    v.remove_prefix(1);
  }
  if (auto n = parse(v, 10, negative)) return n;
  if (s.rfind("0x", 0) == 0 || s.rfind("0X", 0) == 0 || s.rfind("-0x", 0) == 0 || s.rfind("-0X", 0) == 0) {
    std::string_view hex = std::string_view(s).substr(negative ? 3 : 2);
    if (s.find_first_of(".p") == std::string::npos) return parse(hex, 16, negative);
  }
  return std::nullopt;
}

std::string message(int code) { return std::string(zk::codeName(code)); }

bool retryLater(int code) { return code == zk::ZINVALIDSTATE || (code != zk::ZOK && zk::retryable(code)); }

}  // namespace

std::string zkBasename(const Membership& membership) {
  // strings::format("%.*d", 10, sequence): at least 10 digits, after the sign.
  const std::int64_t n = membership.sequence;
  const std::string sequence = n < 0 ? fmt::format("-{:010d}", -n) : fmt::format("{:010d}", n);
  return membership.label ? *membership.label + "_" + sequence : sequence;
}

std::string_view toString(GroupProcess::State state) {
  switch (state) {
    case GroupProcess::State::DISCONNECTED: return "DISCONNECTED";
    case GroupProcess::State::CONNECTING: return "CONNECTING";
    case GroupProcess::State::CONNECTED: return "CONNECTED";
    case GroupProcess::State::AUTHENTICATED: return "AUTHENTICATED";
    case GroupProcess::State::READY: return "READY";
  }
  return "?";
}

GroupProcess::GroupProcess(std::string servers, sim::Duration sessionTimeout, std::string znode,
                           std::optional<std::string> credentials)
    : sim::Process(sim::ProcessName::generated("zookeeper-group")),
      servers_(std::move(servers)),
      session_timeout_(sessionTimeout),
      znode_(std::move(znode)),
      credentials_(std::move(credentials)),
      acl_(credentials_ ? zk::Acl::EVERYONE_READ_CREATOR_ALL : zk::Acl::OPEN) {
  while (znode_.size() > 1 && znode_.back() == '/') znode_.pop_back();  // strings::remove(SUFFIX)
}

void GroupProcess::initialize() { startConnection(); }

void GroupProcess::setState(State state) {
  if (state == state_) return;
  state_ = state;
  traceState(machines::kGroupProcess, toString(state));
}

std::int64_t GroupProcess::zkSession() const { return zk_ == nullptr ? -1 : zk_->sessionId(); }

void GroupProcess::startConnection() {
  ZooKeeperProcess::Watcher watcher;
  watcher.connected = [this](std::int64_t session, bool reconnect) {
    enqueue([this, session, reconnect] { connected(session, reconnect); });
  };
  watcher.reconnecting = [this](std::int64_t session) { enqueue([this, session] { reconnecting(session); }); };
  watcher.expired = [this](std::int64_t session) { enqueue([this, session] { expired(session); }); };
  watcher.updated = [this](std::int64_t session, const std::string& path) {
    enqueue([this, session, path] { updated(session, path); });
  };
  zk_ = &sim().spawn<ZooKeeperProcess>(host(), servers_, session_timeout_, self(), std::move(watcher));
  zk_pid_ = zk_->self();
  setState(State::CONNECTING);
  // If no connection is made within the session timeout, replace the handle
  // (MESOS-4546: the ZooKeeper 3.4 client never re-resolves host names).
  armConnectTimer();
}

void GroupProcess::armConnectTimer() {
  cancelConnectTimer();
  const std::uint64_t id = ++connect_timer_id_;
  const std::int64_t session = zkSession();
  connect_timer_ = delay(zk_->sessionTimeout(), "GroupProcess::timedout",
                         [this, session, id] { enqueue([this, session, id] { timedout(session, id); }); });
}

void GroupProcess::cancelConnectTimer() {
  if (connect_timer_.valid()) sim::Process::cancel(connect_timer_);
  connect_timer_ = sim::TimerId{};
  ++connect_timer_id_;
}

void GroupProcess::enqueue(std::function<void()> work) {
  if (blocked_) {
    mailbox_.push_back(std::move(work));
    return;
  }
  work();
  drain();
}

void GroupProcess::drain() {
  while (!blocked_ && !mailbox_.empty()) {
    std::function<void()> work = std::move(mailbox_.front());
    mailbox_.pop_front();
    work();
  }
}

void GroupProcess::unblocked() { blocked_ = false; }

void GroupProcess::zkCreate(std::string path, std::string data, bool ephemeral, bool sequence, bool recursive,
                            std::string_view then, std::function<void(int, const std::string&)> k) {
  AGENTSIM_ASSERT(!blocked_ && zk_ != nullptr);
  blocked_ = true;
  zk_->create(
      std::move(path), std::move(data), ephemeral, sequence, recursive, then,
      [this, k = std::move(k)](int code, const std::string& created) {
        unblocked();
        k(code, created);
        drain();
      },
      acl_);
}

void GroupProcess::zkAuthenticate(std::function<void(int)> k) {
  AGENTSIM_ASSERT(!blocked_ && zk_ != nullptr && credentials_);
  blocked_ = true;
  zk_->authenticate("digest", *credentials_, "GroupProcess::authenticate", [this, k = std::move(k)](int code) {
    unblocked();
    k(code);
    drain();
  });
}

void GroupProcess::zkRemove(std::string path, std::string_view then, std::function<void(int)> k) {
  AGENTSIM_ASSERT(!blocked_ && zk_ != nullptr);
  blocked_ = true;
  zk_->remove(std::move(path), then, [this, k = std::move(k)](int code) {
    unblocked();
    k(code);
    drain();
  });
}

void GroupProcess::zkGet(std::string path, std::string_view then, std::function<void(int, const std::string&)> k) {
  AGENTSIM_ASSERT(!blocked_ && zk_ != nullptr);
  blocked_ = true;
  zk_->get(std::move(path), then, [this, k = std::move(k)](int code, const std::string& data) {
    unblocked();
    k(code, data);
    drain();
  });
}

void GroupProcess::zkGetChildren(std::string path, std::string_view then,
                                 std::function<void(int, const std::vector<std::string>&)> k) {
  AGENTSIM_ASSERT(!blocked_ && zk_ != nullptr);
  blocked_ = true;
  zk_->getChildren(std::move(path), /*watch=*/true, then,
                   [this, k = std::move(k)](int code, const std::vector<std::string>& children) {
                     unblocked();
                     k(code, children);
                     drain();
                   });
}

// --- the API ---------------------------------------------------------------------

void GroupProcess::join(std::string data, std::optional<std::string> label, Reply<sim::Try<Membership>> done) {
  dispatch("GroupProcess::join", [this, j = Join{std::move(data), std::move(label), std::move(done)}]() mutable {
    enqueue([this, j] { joinNow(j); });
  });
}

void GroupProcess::cancel(Membership membership, Reply<sim::Try<bool>> done) {
  dispatch("GroupProcess::cancel", [this, c = Cancel{std::move(membership), std::move(done)}] {
    enqueue([this, c] { cancelNow(c); });
  });
}

void GroupProcess::data(Membership membership, Reply<sim::Try<std::optional<std::string>>> done) {
  dispatch("GroupProcess::data", [this, d = Data{std::move(membership), std::move(done)}] {
    enqueue([this, d] { dataNow(d); });
  });
}

void GroupProcess::watch(std::set<Membership> expected, Reply<sim::Try<std::set<Membership>>> done) {
  dispatch("GroupProcess::watch", [this, w = Watch{std::move(expected), std::move(done)}] {
    enqueue([this, w] { watchNow(w); });
  });
}

void GroupProcess::cancelled(Membership membership, Reply<sim::Try<bool>> done) {
  dispatch("GroupProcess::cancelled", [this, membership, done = std::move(done)] {
    enqueue([this, membership, done] {
      if (auto it = owned_.find(membership.id()); it != owned_.end()) {
        it->second.push_back(done);
      } else if (auto u = unowned_.find(membership.id()); u != unowned_.end()) {
        u->second.push_back(done);
      } else {
        done(sim(), sim::Try<bool>(false));  // already gone
      }
    });
  });
}

void GroupProcess::joinNow(Join join) {
  if (error_) {
    join.done(sim(), sim::Error{*error_});
    return;
  }
  if (state_ != State::READY) {
    joins_.push_back(std::move(join));
    return;
  }
  doJoin(join.data, join.label, [this, join](const Result<Membership>& membership) {
    if (!membership) {  // try again later
      scheduleRetry();
      joins_.push_back(join);
    } else if (membership->isError()) {
      join.done(sim(), sim::Error{membership->error()});
    } else {
      join.done(sim(), membership->get());
    }
  });
}

void GroupProcess::cancelNow(Cancel cancel) {
  if (error_) {
    cancel.done(sim(), sim::Error{*error_});
    return;
  }
  if (owned_.count(cancel.membership.id()) == 0) {
    cancel.done(sim(), sim::Try<bool>(false));  // not owned, or already cancelled
    return;
  }
  if (state_ != State::READY) {
    cancels_.push_back(std::move(cancel));
    return;
  }
  doCancel(cancel.membership, [this, cancel](const Result<bool>& cancellation) {
    if (!cancellation) {
      scheduleRetry();
      cancels_.push_back(cancel);
    } else if (cancellation->isError()) {
      cancel.done(sim(), sim::Error{cancellation->error()});
    } else {
      cancel.done(sim(), cancellation->get());
    }
  });
}

void GroupProcess::dataNow(Data data) {
  if (error_) {
    data.done(sim(), sim::Error{*error_});
    return;
  }
  if (state_ != State::READY) {
    datas_.push_back(std::move(data));
    return;
  }
  doData(data.membership, [this, data](const Result<std::optional<std::string>>& result) {
    if (!result) {
      datas_.push_back(data);  // Mesos queues it without arming a retry
    } else if (result->isError()) {
      data.done(sim(), sim::Error{result->error()});
    } else {
      data.done(sim(), result->get());
    }
  });
}

void GroupProcess::watchNow(Watch watch) {
  if (error_) {
    watch.done(sim(), sim::Error{*error_});
    return;
  }
  if (state_ != State::READY) {
    watches_.push_back(std::move(watch));
    return;
  }
  auto answer = [this](Watch w) {
    AGENTSIM_ASSERT(memberships_.has_value());
    if (*memberships_ == w.expected) {
      watches_.push_back(std::move(w));  // just wait for updates
    } else {
      w.done(sim(), *memberships_);
    }
  };
  if (memberships_) {
    answer(std::move(watch));
    return;
  }
  // A "roll call" for every watch after a join or cancel (GroupProcess::watch).
  cache([this, watch, answer](const sim::Try<bool>& cached) {
    if (cached.isError()) {
      watch.done(sim(), sim::Error{cached.error()});
    } else if (!cached.get()) {
      scheduleRetry();
      watches_.push_back(watch);
    } else {
      answer(watch);
    }
  });
}

// --- ZooKeeper operations -------------------------------------------------------

void GroupProcess::doJoin(const std::string& data, const std::optional<std::string>& label,
                          std::function<void(const Result<Membership>&)> k) {
  AGENTSIM_ASSERT(state_ == State::READY);
  const std::string path = znode_ + "/" + (label ? *label + "_" : std::string());
  zkCreate(path, data, /*ephemeral=*/true, /*sequence=*/true, /*recursive=*/false, "GroupProcess::doJoin",
           [this, label, k](int code, const std::string& created) {
             if (retryLater(code)) {
               k(std::nullopt);
               return;
             }
             if (code != zk::ZOK) {
               k(sim::Try<Membership>(sim::Error{
                   fmt::format("Failed to create ephemeral node at '{}' in ZooKeeper: {}", znode_, message(code))}));
               return;
             }
             // Invalidate the cache; the watch's 'updated' will repopulate it.
             memberships_.reset();
             std::string node = created.substr(created.rfind('/') + 1);
             if (label) node = node.substr(label->size() + 1);
             const auto sequence = numify(node);
             AGENTSIM_ASSERT(sequence.has_value());
             owned_[*sequence];
             log(fmt::format("Joined the group at '{}'", created), {{"sequence", static_cast<std::int64_t>(*sequence)}});
             k(sim::Try<Membership>(Membership{*sequence, label}));
           });
}

void GroupProcess::doCancel(const Membership& membership, std::function<void(const Result<bool>&)> k) {
  AGENTSIM_ASSERT(state_ == State::READY);
  const std::string path = znode_ + "/" + zkBasename(membership);
  log(fmt::format("Trying to remove '{}' in ZooKeeper", path));
  zkRemove(path, "GroupProcess::doCancel", [this, membership, path, k](int code) {
    if (retryLater(code)) {
      k(std::nullopt);
      return;
    }
    if (code == zk::ZNONODE) {
      // The membership may have expired before we heard of it.
      k(sim::Try<bool>(false));
      return;
    }
    if (code != zk::ZOK) {
      k(sim::Try<bool>(
          sim::Error{fmt::format("Failed to remove ephemeral node '{}' in ZooKeeper: {}", path, message(code))}));
      return;
    }
    memberships_.reset();
    setCancelled(owned_, membership.id(), true);
    k(sim::Try<bool>(true));
  });
}

void GroupProcess::doData(const Membership& membership,
                          std::function<void(const Result<std::optional<std::string>>&)> k) {
  AGENTSIM_ASSERT(state_ == State::READY);
  const std::string path = znode_ + "/" + zkBasename(membership);
  zkGet(path, "GroupProcess::doData", [path, k](int code, const std::string& data) {
    using R = sim::Try<std::optional<std::string>>;
    if (code == zk::ZNONODE) {
      k(R(std::optional<std::string>{}));
    } else if (retryLater(code)) {
      k(std::nullopt);
    } else if (code != zk::ZOK) {
      k(R(sim::Error{
          fmt::format("Failed to get data for ephemeral node '{}' in ZooKeeper: {}", path, message(code))}));
    } else {
      k(R(std::optional<std::string>(data)));
    }
  });
}

void GroupProcess::setCancelled(std::map<std::int32_t, std::vector<Reply<sim::Try<bool>>>>& map,
                                std::int32_t sequence, bool value) {
  auto it = map.find(sequence);
  if (it == map.end()) return;
  std::vector<Reply<sim::Try<bool>>> waiting = std::move(it->second);
  map.erase(it);
  for (const auto& r : waiting) r(sim(), sim::Try<bool>(value));
}

void GroupProcess::cache(Sync k) {
  memberships_.reset();
  zkGetChildren(znode_, "GroupProcess::cache", [this, k](int code, const std::vector<std::string>& results) {
    if (retryLater(code)) {
      k(sim::Try<bool>(false));
      return;
    }
    if (code != zk::ZOK) {
      k(sim::Try<bool>(sim::Error{fmt::format(
          "Non-retryable error attempting to get children of '{}' in ZooKeeper: {}", znode_, message(code))}));
      return;
    }
    std::map<std::int32_t, std::optional<std::string>> sequences;
    for (const std::string& result : results) {
      const std::vector<std::string> tokens = tokenize(result, '_');
      if (tokens.empty()) continue;
      std::optional<std::string> label;
      if (tokens.size() > 1) label = tokens[0];
      const auto sequence = numify(tokens.back());
      if (!sequence) continue;  // e.g. the replicated log's "log_replicas"
      sequences[*sequence] = label;
    }
    std::set<Membership> current;
    for (auto* map : {&owned_, &unowned_}) {
      std::vector<std::int32_t> known;
      for (const auto& [sequence, waiting] : *map) known.push_back(sequence);
      for (std::int32_t sequence : known) {
        auto it = sequences.find(sequence);
        if (it == sequences.end()) {
          setCancelled(*map, sequence, false);
        } else {
          current.insert(Membership{sequence, it->second});
          sequences.erase(it);
        }
      }
    }
    for (const auto& [sequence, label] : sequences) {
      unowned_[sequence];
      current.insert(Membership{sequence, label});
    }
    memberships_ = std::move(current);
    k(sim::Try<bool>(true));
  });
}

void GroupProcess::update() {
  AGENTSIM_ASSERT(memberships_.has_value());
  const std::size_t size = watches_.size();
  for (std::size_t i = 0; i < size; ++i) {
    Watch w = std::move(watches_.front());
    watches_.pop_front();
    if (*memberships_ != w.expected) {
      w.done(sim(), *memberships_);
    } else {
      watches_.push_back(std::move(w));
    }
  }
}

void GroupProcess::sync(Sync k) {
  log(fmt::format("Syncing group operations: queue size (joins, cancels, datas) = ({}, {}, {})", joins_.size(),
                  cancels_.size(), datas_.size()));
  AGENTSIM_ASSERT(state_ == State::CONNECTED || state_ == State::AUTHENTICATED || state_ == State::READY);
  syncStep(std::move(k));
}

void GroupProcess::syncStep(Sync k) {
  if (state_ == State::CONNECTED && credentials_) {
    // GroupProcess::authenticate.
    log("Authenticating with ZooKeeper using digest");
    zkAuthenticate([this, k](int code) {
      if (retryLater(code)) {
        k(sim::Try<bool>(false));
        return;
      }
      if (code != zk::ZOK) {
        k(sim::Try<bool>(sim::Error{"Failed to authenticate with ZooKeeper: " + message(code)}));
        return;
      }
      setState(State::AUTHENTICATED);
      syncStep(k);
    });
    return;
  }
  if (state_ == State::CONNECTED) setState(State::AUTHENTICATED);  // no credentials
  if (state_ == State::AUTHENTICATED) {
    // GroupProcess::create: the group's path, with intermediate znodes.
    log(fmt::format("Trying to create path '{}' in ZooKeeper", znode_));
    zkCreate(znode_, "", false, false, /*recursive=*/true, "GroupProcess::create", [this, k](int code, const std::string&) {
      if (retryLater(code)) {
        k(sim::Try<bool>(false));
        return;
      }
      if (code != zk::ZOK && code != zk::ZNODEEXISTS) {
        k(sim::Try<bool>(
            sim::Error{fmt::format("Failed to create '{}' in ZooKeeper: {}", znode_, message(code))}));
        return;
      }
      setState(State::READY);
      syncStep(k);
    });
    return;
  }
  if (!joins_.empty()) {
    const Join join = joins_.front();
    doJoin(join.data, join.label, [this, k, join](const Result<Membership>& membership) {
      if (!membership) {
        k(sim::Try<bool>(false));
        return;
      }
      joins_.pop_front();
      if (membership->isError()) {
        join.done(sim(), sim::Error{membership->error()});
      } else {
        join.done(sim(), membership->get());
      }
      syncStep(k);
    });
    return;
  }
  if (!cancels_.empty()) {
    const Cancel cancel = cancels_.front();
    doCancel(cancel.membership, [this, k, cancel](const Result<bool>& cancellation) {
      if (!cancellation) {
        k(sim::Try<bool>(false));
        return;
      }
      cancels_.pop_front();
      if (cancellation->isError()) {
        cancel.done(sim(), sim::Error{cancellation->error()});
      } else {
        cancel.done(sim(), cancellation->get());
      }
      syncStep(k);
    });
    return;
  }
  if (!datas_.empty()) {
    const Data data = datas_.front();
    doData(data.membership, [this, k, data](const Result<std::optional<std::string>>& result) {
      if (!result) {
        k(sim::Try<bool>(false));
        return;
      }
      datas_.pop_front();
      if (result->isError()) {
        data.done(sim(), sim::Error{result->error()});
      } else {
        data.done(sim(), result->get());
      }
      syncStep(k);
    });
    return;
  }
  if (!memberships_) {
    cache([this, k](const sim::Try<bool>& cached) {
      if (cached.isError() || !cached.get()) {
        k(cached);
        return;
      }
      update();
      k(sim::Try<bool>(true));
    });
    return;
  }
  k(sim::Try<bool>(true));
}

void GroupProcess::scheduleRetry() {
  if (retrying_) return;
  retrying_ = true;
  delay(kRetryInterval, "GroupProcess::retry", [this] {
    enqueue([this] { retry(kRetryInterval); });
  });
}

void GroupProcess::retry(sim::Duration duration) {
  if (!retrying_) return;  // cancelled before it ran
  AGENTSIM_ASSERT(!error_);
  AGENTSIM_ASSERT(state_ == State::CONNECTED || state_ == State::AUTHENTICATED || state_ == State::READY);
  retrying_ = false;
  sync([this, duration](const sim::Try<bool>& synced) {
    if (synced.isError()) {
      abort(synced.error());
    } else if (!synced.get()) {
      // Back off and keep retrying: twice the last interval, at most 1mins.
      retrying_ = true;
      const sim::Duration next = std::min(duration * 2, sim::Minutes(1));
      delay(next, "GroupProcess::retry", [this, next] {
        enqueue([this, next] { retry(next); });
      });
    }
  });
}

void GroupProcess::abort(const std::string& message) {
  error_ = message;
  log("Group aborting: " + message);
  retrying_ = false;
  auto failAll = [this, &message](auto& queue) {
    auto items = std::move(queue);
    queue.clear();
    for (auto& item : items) item.done(sim(), sim::Error{message});
  };
  failAll(joins_);
  failAll(cancels_);
  failAll(datas_);
  failAll(watches_);
  std::vector<std::int32_t> owned;
  for (const auto& [sequence, waiting] : owned_) owned.push_back(sequence);
  for (std::int32_t sequence : owned) setCancelled(owned_, sequence, false);
  cancelConnectTimer();
  if (zk_ != nullptr) sim().terminate(*zk_);
  zk_ = nullptr;
}

// --- the watcher's events ------------------------------------------------------------

void GroupProcess::connected(std::int64_t sessionId, bool reconnect) {
  if (error_ || sessionId != zkSession()) return;
  log(fmt::format("Group process ({}) {} to ZooKeeper", self().str(), reconnect ? "reconnected" : "connected"),
      {{"session_id", zk::sessionText(sessionId)}});
  if (!reconnect) {
    AGENTSIM_ASSERT(state_ == State::CONNECTING);
    setState(State::CONNECTED);
  }
  cancelConnectTimer();
  sync([this](const sim::Try<bool>& synced) {
    if (synced.isError()) {
      abort(synced.error());
    } else if (!synced.get()) {
      scheduleRetry();
    }
  });
}

void GroupProcess::reconnecting(std::int64_t sessionId) {
  if (error_ || sessionId != zkSession()) return;
  log("Lost connection to ZooKeeper, attempting to reconnect ...");
  // sync() runs again once the group has reconnected.
  retrying_ = false;
  // ZooKeeper tells of a session expiration only after reconnecting, which may be
  // much later: expire it locally if not reconnected within the session timeout.
  armConnectTimer();
}

void GroupProcess::timedout(std::int64_t sessionId, std::uint64_t timer) {
  if (error_ || zk_ == nullptr) return;
  if (timer == connect_timer_id_ && zkSession() == sessionId) {
    connect_timer_ = sim::TimerId{};
    log(fmt::format("Timed out waiting to connect to ZooKeeper. Forcing ZooKeeper session (sessionId={:x}) "
                    "expiration",
                    static_cast<std::uint64_t>(sessionId)));
    expired(sessionId);
  }
}

void GroupProcess::expired(std::int64_t sessionId) {
  if (error_ || sessionId != zkSession()) return;
  log("ZooKeeper session expired", {{"session_id", zk::sessionText(sessionId)}});
  retrying_ = false;
  cancelConnectTimer();
  // Locally every membership is gone: tell the watchers now; the cache is rebuilt
  // after reconnecting.
  memberships_ = std::set<Membership>{};
  update();
  memberships_.reset();
  std::vector<std::int32_t> owned;
  for (const auto& [sequence, waiting] : owned_) owned.push_back(sequence);
  for (std::int32_t sequence : owned) setCancelled(owned_, sequence, false);
  setState(State::DISCONNECTED);
  sim().terminate(*zk_);
  zk_ = nullptr;
  startConnection();
}

void GroupProcess::updated(std::int64_t sessionId, const std::string& path) {
  if (error_ || sessionId != zkSession()) return;
  AGENTSIM_ASSERT(path == znode_);
  cache([this](const sim::Try<bool>& cached) {
    if (cached.isError()) {
      abort(cached.error());
    } else if (!cached.get()) {
      scheduleRetry();
    } else {
      update();
    }
  });
}

}  // namespace agentsim::model
