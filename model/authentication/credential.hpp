#pragma once
// Credential and Credentials (include/mesos/mesos.proto) and how src/credentials/
// credentials.hpp reads them. A simulated host has no files to read, so the agent's
// --credential and the master's --credentials flags hold what the file would: Mesos's
// text format, "principal secret" (one line for --credential; one line per credential
// for --credentials). The JSON file format is not modelled (docs/model.md).
#include <map>
#include <string>
#include <string_view>

#include "sim/try.hpp"

namespace agentsim::model {

struct Credential {
  std::string principal;
  std::string secret;
  bool operator==(const Credential&) const = default;
};

// principal -> secret, as the CRAM-MD5 authenticator's in-memory auxprop store.
using Credentials = std::map<std::string, std::string>;

// credentials::readCredential: one "principal secret" line.
sim::Try<Credential> parseCredential(std::string_view text);
// credentials::read: "principal secret" lines (an empty text: no credentials).
sim::Try<Credentials> parseCredentials(std::string_view text);

}  // namespace agentsim::model
