#pragma once
// The authentication messages (src/messages/messages.proto): the v0 exchange between an
// authenticatee (the agent's crammd5-authenticatee(N)) and the master, whose
// crammd5-authenticator-session(N) answers once AuthenticateMessage reached the master.
// Order on success (model/authentication/cram_md5/):
//   AuthenticateMessage -> master; AuthenticationMechanismsMessage -> authenticatee;
//   AuthenticationStartMessage -> session; AuthenticationStepMessage (challenge) ->
//   authenticatee; AuthenticationStepMessage (response) -> session;
//   AuthenticationCompletedMessage (or AuthenticationFailedMessage) -> authenticatee.
#include <string>
#include <string_view>
#include <vector>

#include "sim/message.hpp"

namespace agentsim::model {

struct AuthenticateMessage : sim::MessageOf<AuthenticateMessage> {
  static constexpr std::string_view kName = "AuthenticateMessage";
  std::string pid;  // the process being authenticated (the agent's slave(1)@...)
  void describe(sim::Fields& out) const override { out.push_back({"pid", pid}); }
};

struct AuthenticationMechanismsMessage : sim::MessageOf<AuthenticationMechanismsMessage> {
  static constexpr std::string_view kName = "AuthenticationMechanismsMessage";
  std::vector<std::string> mechanisms;
  void describe(sim::Fields& out) const override {
    std::string text;
    for (const std::string& m : mechanisms) text += (text.empty() ? "" : ",") + m;
    out.push_back({"mechanisms", text});
  }
};

struct AuthenticationStartMessage : sim::MessageOf<AuthenticationStartMessage> {
  static constexpr std::string_view kName = "AuthenticationStartMessage";
  std::string mechanism;
  std::string data;  // CRAM-MD5's client start carries none
  void describe(sim::Fields& out) const override { out.push_back({"mechanism", mechanism}); }
};

struct AuthenticationStepMessage : sim::MessageOf<AuthenticationStepMessage> {
  static constexpr std::string_view kName = "AuthenticationStepMessage";
  std::string data;  // the server's challenge, or the client's "principal digest"
  void describe(sim::Fields& out) const override { out.push_back({"data", data}); }
};

struct AuthenticationCompletedMessage : sim::MessageOf<AuthenticationCompletedMessage> {
  static constexpr std::string_view kName = "AuthenticationCompletedMessage";
};

struct AuthenticationFailedMessage : sim::MessageOf<AuthenticationFailedMessage> {
  static constexpr std::string_view kName = "AuthenticationFailedMessage";
};

struct AuthenticationErrorMessage : sim::MessageOf<AuthenticationErrorMessage> {
  static constexpr std::string_view kName = "AuthenticationErrorMessage";
  std::string error;
  void describe(sim::Fields& out) const override { out.push_back({"error", error}); }
};

}  // namespace agentsim::model
