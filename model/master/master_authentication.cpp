// Master: agent authentication (src/master/master.cpp: Master::authenticate,
// _authenticate, authenticationTimeout, and the first checks of registerSlave and
// reregisterSlave). Promises:
//  - every AuthenticateMessage forgets the pid's earlier authentication and starts a
//    CRAM-MD5 session (crammd5-authenticator-session(N)) with the sender, which must
//    answer within 5secs (Mesos 1.1's hard-coded timeout; later Mesos reads
//    --authentication_v0_timeout) or is discarded; a second AuthenticateMessage while a
//    session for the same pid is in flight discards it and is handled once it ends;
//  - a (re)registration from a pid being authenticated waits for that session and is
//    handled again if it ends with an answer (success or refusal), dropped if it fails;
//  - with --authenticate_agents, a (re)registration from a pid that is not
//    authenticated is refused: dropped, the agent's retries go on (later Mesos);
//  - an agent's authentication is forgotten when it disconnects, is marked unreachable
//    or is removed (Master::disconnect, _markUnreachable, _removeSlave).
#include <fmt/format.h>

#include "model/authentication/records.hpp"
#include "model/master/master.hpp"
#include "sim/assert.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

namespace {
// Master::authenticate: "Don't wait for authentication to complete forever."
constexpr sim::Duration kAuthenticationTimeout = sim::Seconds(5);
}  // namespace

void Master::authenticate(const sim::Upid& from, const AuthenticateMessage& message) {
  authenticate(from, message.pid);
}

void Master::authenticate(const sim::Upid& from, const std::string& pid) {
  count("master/messages_authenticate");
  authenticated_.erase(pid);
  if (auto it = authenticating_.find(pid); it != authenticating_.end()) {
    log(fmt::format("Queuing up authentication request from {} because authentication is still in progress", pid));
    it->second.session->discard();
    it->second.waiting.push_back({false, "Master::authenticate", [this, from, pid] { authenticate(from, pid); }});
    return;
  }
  log(fmt::format("Authenticating {}", pid));
  if (!credentials_) {
    auto parsed = parseCredentials(flags_.credentials);
    AGENTSIM_ASSERT(!parsed.isError());  // the flag's parser checked it
    credentials_ = std::make_shared<const Credentials>(std::move(*parsed));
  }
  const std::uint64_t id = ++next_session_;
  Reply<AuthenticatorResult> done{self(), "Master::_authenticate",
                                  [this, pid, id](const AuthenticatorResult& r) { finishAuthentication(pid, id, r); }};
  Authenticating& a = authenticating_[pid];
  a.id = id;
  a.session = &sim().spawn<CRAMMD5AuthenticatorSession>(host(), from, credentials_, std::move(done));
  delay(kAuthenticationTimeout, "Master::authenticationTimeout", [this, pid, id] { authenticationTimeout(pid, id); });
}

void Master::authenticationTimeout(const std::string& pid, std::uint64_t session) {
  // A no-op if the session answered already.
  auto it = authenticating_.find(pid);
  if (it == authenticating_.end() || it->second.id != session) return;
  log("Authentication timed out", {{"pid", pid}});
  it->second.session->discard();
}

void Master::finishAuthentication(const std::string& pid, std::uint64_t session, const AuthenticatorResult& result) {
  auto it = authenticating_.find(pid);
  AGENTSIM_ASSERT(it != authenticating_.end() && it->second.id == session);
  if (result.kind == AuthenticatorResult::Kind::Completed) {
    log(fmt::format("Successfully authenticated principal '{}' at {}", result.principal, pid),
        {{"principal", result.principal}});
    authenticated_[pid] = result.principal;
  } else {
    log(fmt::format("Failed to authenticate {}: {}", pid,
                    result.kind == AuthenticatorResult::Kind::Refused ? "Refused authentication" : result.failure));
  }
  // The authenticator's _authenticate drops the session: its process ends.
  sim().terminate(*it->second.session);
  const bool ready = result.kind != AuthenticatorResult::Kind::Failed;
  auto waiting = std::move(it->second.waiting);
  authenticating_.erase(it);
  // Each continuation the future held runs as its own event, in the order it was added.
  for (Authenticating::Waiting& w : waiting) {
    if (w.onReadyOnly && !ready) continue;
    dispatch(w.function, std::move(w.fn));
  }
}

bool Master::authenticationAllows(const sim::Upid& from, std::string_view what, std::string_view function,
                                  const std::function<std::function<void()>()>& retry) {
  if (auto it = authenticating_.find(from.str()); it != authenticating_.end()) {
    log(fmt::format("Queuing up {} request from {} because authentication is still in progress", what, from.str()));
    it->second.waiting.push_back({true, function, retry()});
    return false;
  }
  if (flags_.authenticate_agents && authenticated_.count(from.str()) == 0) {
    // "This could happen if another authentication request came through before we are
    // here or if a slave tried to register without authentication." Later Mesos (1.7,
    // commit e4ea236da, which AuthenticationTest.UnauthenticatedSlave observes) drops the
    // message; 1.1 answered ShutdownMessage "Agent is not authenticated" (docs/model.md).
    log(fmt::format("Refusing {} of agent at {} because it is not authenticated", what, from.str()),
        {{std::string(kAuthenticationEvent), "refused"}, {"agent", std::string(from.host())}}, kAgentAuthenticationTopic);
    return false;
  }
  return true;
}

}  // namespace agentsim::model
