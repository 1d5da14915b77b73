#include "model/authentication/cram_md5/authenticatee.hpp"

#include <fmt/format.h>

#include "sim/simulation.hpp"

namespace agentsim::model {

std::string cramMd5Digest(std::string_view secret, std::string_view challenge) {
  // FNV-1a over secret, a separator and the challenge: deterministic, keyed by the
  // secret; not a cryptographic MAC (the model checks only that both ends agree).
  std::uint64_t h = 14695981039346656037ULL;
  auto mix = [&h](std::string_view text) {
    for (const char c : text) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ULL;
    }
  };
  mix(secret);
  mix("\n");
  mix(challenge);
  return fmt::format("{:016x}", h);
}

CRAMMD5Authenticatee::CRAMMD5Authenticatee(Credential credential, sim::Upid client, sim::Upid master,
                                           Reply<AuthenticationResult> done)
    : sim::Process(sim::ProcessName::generated("crammd5-authenticatee")),
      credential_(std::move(credential)),
      client_(std::move(client)),
      master_(std::move(master)),
      done_(std::move(done)) {}

void CRAMMD5Authenticatee::initialize() {
  install(&CRAMMD5Authenticatee::mechanisms, "CRAMMD5AuthenticateeProcess::mechanisms");
  install(&CRAMMD5Authenticatee::step, "CRAMMD5AuthenticateeProcess::step");
  install(&CRAMMD5Authenticatee::completed, "CRAMMD5AuthenticateeProcess::completed");
  install(&CRAMMD5Authenticatee::failed, "CRAMMD5AuthenticateeProcess::failed");
  install(&CRAMMD5Authenticatee::error, "CRAMMD5AuthenticateeProcess::error");
  // CRAMMD5AuthenticateeProcess::authenticate: a new client SASL connection, then
  // AuthenticateMessage to the master.
  log("Creating new client SASL connection");
  AuthenticateMessage message;
  message.pid = client_.str();
  send(master_, message);
  status_ = Status::STARTING;
}

void CRAMMD5Authenticatee::finalize() {
  if (!answered_) finish(Status::DISCARDED, {AuthenticationResult::Kind::Failed, "Authentication discarded"});
}

void CRAMMD5Authenticatee::discard() {
  // The promise's onDiscard(defer(self(), &Self::discarded)): an event of this process.
  dispatch("CRAMMD5AuthenticateeProcess::discarded", [this] {
    if (!answered_) finish(Status::DISCARDED, {AuthenticationResult::Kind::Failed, "Authentication discarded"});
  });
}

void CRAMMD5Authenticatee::finish(Status status, AuthenticationResult result) {
  status_ = status;
  if (answered_) return;
  answered_ = true;
  done_(sim(), std::move(result));
}

void CRAMMD5Authenticatee::mechanisms(const sim::Upid& from, const AuthenticationMechanismsMessage& message) {
  if (status_ != Status::STARTING) {
    finish(Status::ERROR, {AuthenticationResult::Kind::Failed, "Unexpected authentication 'mechanisms' received"});
    return;
  }
  std::string list;
  for (const std::string& m : message.mechanisms) list += (list.empty() ? "" : ",") + m;
  log("Received SASL authentication mechanisms: " + list);
  // sasl_client_start picks CRAM-MD5 (the only mechanism either side offers); its
  // client start sends no data.
  log("Attempting to authenticate with mechanism 'CRAM-MD5'");
  AuthenticationStartMessage start;
  start.mechanism = "CRAM-MD5";
  send(from, start);  // reply(message)
  status_ = Status::STEPPING;
}

void CRAMMD5Authenticatee::step(const sim::Upid& from, const AuthenticationStepMessage& message) {
  if (status_ != Status::STEPPING) {
    finish(Status::ERROR, {AuthenticationResult::Kind::Failed, "Unexpected authentication 'step' received"});
    return;
  }
  log("Received SASL authentication step");
  AuthenticationStepMessage response;
  response.data = credential_.principal + " " + cramMd5Digest(credential_.secret, message.data);
  send(from, response);
}

void CRAMMD5Authenticatee::completed(const sim::Upid& /*from*/, const AuthenticationCompletedMessage& /*message*/) {
  if (status_ != Status::STEPPING) {
    finish(Status::ERROR, {AuthenticationResult::Kind::Failed, "Unexpected authentication 'completed' received"});
    return;
  }
  log("Authentication success");
  finish(Status::COMPLETED, {AuthenticationResult::Kind::Completed, {}});
}

void CRAMMD5Authenticatee::failed(const sim::Upid& /*from*/, const AuthenticationFailedMessage& /*message*/) {
  finish(Status::FAILED, {AuthenticationResult::Kind::Refused, {}});
}

void CRAMMD5Authenticatee::error(const sim::Upid& /*from*/, const AuthenticationErrorMessage& message) {
  finish(Status::ERROR, {AuthenticationResult::Kind::Failed, "Authentication error: " + message.error});
}

}  // namespace agentsim::model
