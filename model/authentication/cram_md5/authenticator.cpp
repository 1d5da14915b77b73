#include "model/authentication/cram_md5/authenticator.hpp"

#include <fmt/format.h>

#include "model/authentication/cram_md5/authenticatee.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

CRAMMD5AuthenticatorSession::CRAMMD5AuthenticatorSession(sim::Upid authenticatee,
                                                         std::shared_ptr<const Credentials> credentials,
                                                         Reply<AuthenticatorResult> done)
    : sim::Process(sim::ProcessName::generated("crammd5-authenticator-session")),
      authenticatee_(std::move(authenticatee)),
      credentials_(std::move(credentials)),
      done_(std::move(done)) {}

void CRAMMD5AuthenticatorSession::initialize() {
  link(authenticatee_);  // "Don't bother waiting for a lost authenticatee."
  install(&CRAMMD5AuthenticatorSession::start, "CRAMMD5AuthenticatorSessionProcess::start");
  install(&CRAMMD5AuthenticatorSession::step, "CRAMMD5AuthenticatorSessionProcess::step");
  // CRAMMD5AuthenticatorSessionProcess::authenticate: a new server SASL connection,
  // whose mechanisms (CRAM-MD5 only: mech_list) go to the authenticatee.
  log("Creating new server SASL connection");
  AuthenticationMechanismsMessage message;
  message.mechanisms = {"CRAM-MD5"};
  send(authenticatee_, message);
  status_ = Status::STARTING;
}

void CRAMMD5AuthenticatorSession::finalize() {
  if (!answered_) finish(Status::DISCARDED, {AuthenticatorResult::Kind::Failed, {}, "Authentication discarded"});
}

void CRAMMD5AuthenticatorSession::discard() {
  // The promise's onDiscard(defer(self(), &Self::discarded)): an event of this process.
  dispatch("CRAMMD5AuthenticatorSessionProcess::discarded", [this] {
    if (!answered_) finish(Status::DISCARDED, {AuthenticatorResult::Kind::Failed, {}, "Authentication discarded"});
  });
}

void CRAMMD5AuthenticatorSession::exited(const sim::Upid& pid) {
  if (pid != authenticatee_) return;
  finish(Status::ERROR, {AuthenticatorResult::Kind::Failed, {}, "Failed to communicate with authenticatee"});
}

void CRAMMD5AuthenticatorSession::finish(Status status, AuthenticatorResult result) {
  status_ = status;
  if (answered_) return;
  answered_ = true;
  done_(sim(), std::move(result));
}

void CRAMMD5AuthenticatorSession::sendError(const std::string& text) {
  AuthenticationErrorMessage message;
  message.error = text;
  send(authenticatee_, message);
  finish(Status::ERROR, {AuthenticatorResult::Kind::Failed, {}, text});
}

void CRAMMD5AuthenticatorSession::start(const sim::Upid& /*from*/, const AuthenticationStartMessage& message) {
  if (status_ != Status::STARTING) {
    sendError("Unexpected authentication 'start' received");
    return;
  }
  log("Received SASL authentication start");
  if (message.mechanism != "CRAM-MD5") {
    // sasl_server_start: SASL_NOMECH, an error rather than a failure.
    log("Authentication error: mechanism too weak for this user");
    sendError(fmt::format("No worthy mechs found ({})", message.mechanism));
    return;
  }
  // sasl_server_start for CRAM-MD5: SASL_CONTINUE with a challenge.
  log("Authentication requires more steps");
  challenge_ = fmt::format("<{}.{}@{}>", rng().next() % 1'000'000'000ULL, now().ns() / 1'000'000'000, self().host());
  AuthenticationStepMessage challenge;
  challenge.data = challenge_;
  send(authenticatee_, challenge);
  status_ = Status::STEPPING;
}

void CRAMMD5AuthenticatorSession::step(const sim::Upid& /*from*/, const AuthenticationStepMessage& message) {
  if (status_ != Status::STEPPING) {
    sendError("Unexpected authentication 'step' received");
    return;
  }
  log("Received SASL authentication step");
  // sasl_server_step: the response is "principal digest".
  const std::size_t space = message.data.find(' ');
  const std::string principal = message.data.substr(0, space);
  const std::string digest = space == std::string::npos ? std::string() : message.data.substr(space + 1);
  const auto known = credentials_ ? credentials_->find(principal) : Credentials::const_iterator{};
  if (!credentials_ || known == credentials_->end() || cramMd5Digest(known->second, challenge_) != digest) {
    const bool noUser = !credentials_ || known == credentials_->end();
    log(fmt::format("Authentication failure: {}", noUser ? "user not found" : "authentication failure"),
        {{"principal", principal}});
    send(authenticatee_, AuthenticationFailedMessage{});
    finish(Status::FAILED, {AuthenticatorResult::Kind::Refused, {}, {}});
    return;
  }
  log("Authentication success", {{"principal", principal}});
  send(authenticatee_, AuthenticationCompletedMessage{});
  finish(Status::COMPLETED, {AuthenticatorResult::Kind::Completed, principal, {}});
}

}  // namespace agentsim::model
