#pragma once
// CRAMMD5AuthenticatorSession (src/authentication/cram_md5/authenticator.cpp): the
// process crammd5-authenticator-session(N) the master's authenticator runs for one
// AuthenticateMessage. It links to the authenticatee, offers its mechanisms and
// promises one answer, through `done`, as the Future<Option<string>> of
// Authenticator::authenticate:
//  - Completed with the principal: the response matches a credential of --credentials
//    (AuthenticationCompletedMessage);
//  - Refused: unknown principal (SASL_NOUSER) or wrong digest (SASL_BADAUTH)
//    (AuthenticationFailedMessage);
//  - Failed: a message out of turn (AuthenticationErrorMessage "Unexpected
//    authentication 'start' received"), a mechanism other than CRAM-MD5
//    (AuthenticationErrorMessage), the authenticatee gone ("Failed to communicate with
//    authenticatee"), or the future discarded ("Authentication discarded": the master's
//    authenticationTimeout, or a newer AuthenticateMessage from the same pid).
// Simplification (docs/model.md): SASL's server is not run; the challenge is
// "<N.T@host>" from the session's own stream, and the response is checked with
// cramMd5Digest.
#include <memory>
#include <string>
#include <string_view>

#include "model/authentication/credential.hpp"
#include "model/common/reply.hpp"
#include "model/messages/authentication_messages.hpp"
#include "sim/process.hpp"

namespace agentsim::model {

// The answer of one session.
struct AuthenticatorResult {
  enum class Kind { Completed, Refused, Failed };
  Kind kind = Kind::Failed;
  std::string principal;  // for Completed
  std::string failure;    // for Failed
};

class CRAMMD5AuthenticatorSession final : public sim::Process {
 public:
  CRAMMD5AuthenticatorSession(sim::Upid authenticatee, std::shared_ptr<const Credentials> credentials,
                              Reply<AuthenticatorResult> done);
  std::string_view source() const override { return "src/authentication/cram_md5/authenticator.cpp"; }
  std::string_view className() const override { return "CRAMMD5AuthenticatorSessionProcess"; }

  // Future::discard: the session fails with "Authentication discarded" (a no-op once
  // answered).
  void discard();

 protected:
  void initialize() override;  // link, install, AuthenticationMechanismsMessage
  void finalize() override;    // discarded()
  void exited(const sim::Upid& pid) override;

 private:
  enum class Status { READY, STARTING, STEPPING, COMPLETED, FAILED, ERROR, DISCARDED };
  void start(const sim::Upid& from, const AuthenticationStartMessage& message);
  void step(const sim::Upid& from, const AuthenticationStepMessage& message);
  void sendError(const std::string& text);
  void finish(Status status, AuthenticatorResult result);

  sim::Upid authenticatee_;
  std::shared_ptr<const Credentials> credentials_;
  Reply<AuthenticatorResult> done_;
  Status status_ = Status::READY;
  std::string challenge_;
  bool answered_ = false;
};

}  // namespace agentsim::model
