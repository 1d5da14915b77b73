#pragma once
// CRAMMD5Authenticatee (src/authentication/cram_md5/authenticatee.cpp): the process
// crammd5-authenticatee(N) that Slave::authenticate spawns for one attempt and
// _authenticate deletes. It promises one answer, through `done`, as the future of
// Authenticatee::authenticate:
//  - Completed (ready, true) on AuthenticationCompletedMessage;
//  - Refused (ready, false) on AuthenticationFailedMessage;
//  - Failed with a text on AuthenticationErrorMessage ("Authentication error: ..."), on a
//    message out of turn ("Unexpected authentication 'step' received"), or when the
//    future is discarded or the process ends first ("Authentication discarded").
// The exchange: AuthenticateMessage{pid} to the master; the session's
// AuthenticationMechanismsMessage is answered with AuthenticationStartMessage
// (mechanism CRAM-MD5); its challenge (an AuthenticationStepMessage) with an
// AuthenticationStepMessage carrying "principal digest".
// Simplification (docs/model.md): SASL's client is not run; the digest is
// cramMd5Digest(secret, challenge), agentsim's own keyed hash in place of HMAC-MD5.
#include <cstdint>
#include <string>
#include <string_view>

#include "model/authentication/credential.hpp"
#include "model/common/reply.hpp"
#include "model/messages/authentication_messages.hpp"
#include "sim/process.hpp"

namespace agentsim::model {

// The answer of one authentication attempt (the Future<bool> of Authenticatee).
struct AuthenticationResult {
  enum class Kind { Completed, Refused, Failed };
  Kind kind = Kind::Failed;
  std::string failure;  // for Failed
};

// CRAM-MD5's response to a challenge, stood in for by a keyed hash (see above).
std::string cramMd5Digest(std::string_view secret, std::string_view challenge);

class CRAMMD5Authenticatee final : public sim::Process {
 public:
  CRAMMD5Authenticatee(Credential credential, sim::Upid client, sim::Upid master, Reply<AuthenticationResult> done);
  std::string_view source() const override { return "src/authentication/cram_md5/authenticatee.cpp"; }
  std::string_view className() const override { return "CRAMMD5AuthenticateeProcess"; }

  // Future::discard: the attempt fails with "Authentication discarded" (a no-op once
  // answered).
  void discard();

 protected:
  void initialize() override;  // installs the handlers and sends AuthenticateMessage
  void finalize() override;    // discarded(): fail the promise

 private:
  enum class Status { READY, STARTING, STEPPING, COMPLETED, FAILED, ERROR, DISCARDED };
  void mechanisms(const sim::Upid& from, const AuthenticationMechanismsMessage& message);
  void step(const sim::Upid& from, const AuthenticationStepMessage& message);
  void completed(const sim::Upid& from, const AuthenticationCompletedMessage& message);
  void failed(const sim::Upid& from, const AuthenticationFailedMessage& message);
  void error(const sim::Upid& from, const AuthenticationErrorMessage& message);
  void finish(Status status, AuthenticationResult result);  // promise.set / promise.fail, once

  Credential credential_;
  sim::Upid client_;
  sim::Upid master_;
  Reply<AuthenticationResult> done_;
  Status status_ = Status::READY;
  bool answered_ = false;
};

}  // namespace agentsim::model
