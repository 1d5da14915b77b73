// Slave: authentication with the master (src/slave/slave.cpp: Slave::authenticate,
// _authenticate; the timeout of each attempt). With --credential, a detected master is
// authenticated with before every (re)registration:
//  - Slave::detected waits U[0, registration_backoff_factor], then authenticates with a
//    timeout drawn from [authentication_timeout_min, min + 2 * backoff_factor];
//  - an attempt that fails (an error, the timeout discarding it, or a newer master
//    detected meanwhile: "master changed") is retried at once with the range's width
//    doubled, up to authentication_timeout_max;
//  - a refusal (AuthenticationFailedMessage) exits the agent with status 1, "Master
//    <pid> refused authentication" (an exit, not a shutdown: executors live on);
//  - success: doReliableRegistration(2 * registration_backoff_factor) at once.
// This is Mesos 1.8's rule (commit 2b8955632), which the catalog's tests observe (R4:
// U[5secs, 7secs], growing); Mesos 1.1 authenticated as soon as it detected the master,
// timed each attempt out after 5secs, and retried after U[0, b * 2^failures]
// (docs/model.md).
#include <algorithm>

#include <fmt/format.h>

#include "model/authentication/records.hpp"
#include "model/slave/main.hpp"
#include "model/slave/slave.hpp"
#include "sim/assert.hpp"
#include "sim/simulation.hpp"

namespace agentsim::model {

void Slave::authenticate(sim::Duration minTimeout, sim::Duration maxTimeout) {
  authenticated_ = false;
  if (!master_) return;
  if (authenticatee_ != nullptr) {
    // "Authentication is in progress. Try to cancel it": the discarded attempt answers,
    // and _authenticate retries because of `reauthenticate`.
    authenticatee_->discard();
    reauthenticate_ = true;
    return;
  }
  const sim::Upid master = masterPid();
  log(fmt::format("Authenticating with master {}", master.str()));
  link(master);  // "Ensure there is a link to the master before we start communicating with it."
  if (flags_.authenticatee != "crammd5") {
    // ModuleManager::create<Authenticatee>: no module of that name was loaded.
    exitAgent(host(), "slave",
              fmt::format("Could not create authenticatee module '{}': Module '{}' unknown", flags_.authenticatee,
                          flags_.authenticatee),
              "src/slave/slave.cpp: Slave::authenticate", this);
    return;
  }
  log("Using default CRAM-MD5 authenticatee");
  const auto credential = parseCredential(flags_.credential);
  AGENTSIM_ASSERT(!credential.isError());  // the flag's parser checked it
  // "We pick a random duration between `minTimeout` and `maxTimeout`."
  const sim::Duration timeout = minTimeout + rng().uniform(maxTimeout - minTimeout);
  const std::uint64_t attempt = ++authentication_attempt_;
  Reply<AuthenticationResult> done{self(), "Slave::_authenticate",
                                   [this, attempt, minTimeout, maxTimeout](const AuthenticationResult& r) {
                                     finishAuthentication(attempt, minTimeout, maxTimeout, r);
                                   }};
  authenticatee_ = &sim().spawn<CRAMMD5Authenticatee>(host(), *credential, self(), master, std::move(done));
  authentication_timer_ =
      delay(timeout, "Slave::authenticationTimeout", [this, attempt] { authenticationTimeout(attempt); });
}

void Slave::authenticationTimeout(std::uint64_t attempt) {
  // Future::after: discard the attempt (a no-op once it answered).
  authentication_timer_ = sim::TimerId{};
  if (attempt != authentication_attempt_ || authenticatee_ == nullptr) return;
  log("Authentication timed out");
  authenticatee_->discard();
}

void Slave::finishAuthentication(std::uint64_t attempt, sim::Duration minTimeout, sim::Duration maxTimeout,
                                 const AuthenticationResult& result) {
  AGENTSIM_ASSERT(attempt == authentication_attempt_ && authenticatee_ != nullptr);
  // "delete authenticatee": its process ends.
  sim().terminate(*authenticatee_);
  authenticatee_ = nullptr;
  cancel(authentication_timer_);
  if (!master_) {
    log("Ignoring _authenticate because the master is lost");
    reauthenticate_ = false;
    return;
  }
  const sim::Upid master = masterPid();
  if (reauthenticate_ || result.kind == AuthenticationResult::Kind::Failed) {
    log(fmt::format("Failed to authenticate with master {}: {}", master.str(),
                    reauthenticate_ ? std::string("master changed") : result.failure));
    reauthenticate_ = false;
    // "Grow the timeout range using exponential backoff": [min, min + factor * 2^N],
    // stopping at max.
    const sim::Duration grown = minTimeout + (maxTimeout - minTimeout) * 2;
    authenticate(minTimeout, std::min(grown, flags_.authentication_timeout_max));
    return;
  }
  if (result.kind == AuthenticationResult::Kind::Refused) {
    // "For refused authentication, we exit instead of doing a shutdown to keep possibly
    // active executors running."
    exitAgent(host(), "slave", fmt::format("Master {} refused authentication", master.str()),
              "src/slave/slave.cpp: Slave::_authenticate", this);
    return;
  }
  log(fmt::format("Successfully authenticated with master {}", master.str()),
      {{std::string(kAuthenticationEvent), "authenticated"}, {"master", master.str()}}, kAgentAuthenticationTopic);
  authenticated_ = true;
  doReliableRegistration(flags_.registration_backoff_factor * 2);
}

}  // namespace agentsim::model
