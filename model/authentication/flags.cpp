// The agent's and the master's authentication flags (src/slave/flags.cpp,
// src/master/flags.cpp), added to their tables by model/common/flags.cpp.
#include <fmt/format.h>

#include "model/authentication/credential.hpp"
#include "model/common/flags.hpp"

namespace agentsim::model {

void addAuthenticationFlags(FlagTable<SlaveFlags>& t) {
  t.add("credential",
        "The credential to use to authenticate with the master, as the text of Mesos's credential file: "
        "\"principal secret\" (Mesos takes a path to that file). Empty: none, the agent registers without "
        "authentication",
        "Slave::authenticate",
        [](SlaveFlags& f, std::string_view v) -> sim::Try<sim::Nothing> {
          if (!v.empty()) {
            auto c = parseCredential(v);
            if (c.isError()) return sim::Error{c.error()};
          }
          f.credential = std::string(v);
          return sim::Nothing{};
        },
        [](const SlaveFlags& f) { return f.credential; });
  t.text("authenticatee", &SlaveFlags::authenticatee,
         "Authenticatee implementation to use when authenticating against the master. Use the default crammd5, or "
         "load an alternate authenticatee module using --modules (an unknown one: the agent exits when it first "
         "authenticates)",
         "Slave::authenticate");
  t.duration("authentication_backoff_factor", &SlaveFlags::authentication_backoff_factor,
             "The agent will time out its authentication with the master based on exponential backoff. The timeout "
             "will be randomly chosen within the range [min, min + factor*2^n] where n is the number of failed "
             "attempts (Mesos 1.8's rule, which the catalog's tests observe)",
             "Slave::authenticate");
  t.duration("authentication_timeout_min", &SlaveFlags::authentication_timeout_min,
             "The minimum amount of time the agent waits before retrying authenticating with the master. See "
             "authentication_backoff_factor",
             "Slave::authenticate");
  t.duration("authentication_timeout_max", &SlaveFlags::authentication_timeout_max,
             "The maximum amount of time the agent waits before retrying authenticating with the master. See "
             "authentication_backoff_factor",
             "Slave::authenticate");
}

void addAuthenticationFlags(FlagTable<MasterFlags>& t) {
  t.boolean("authenticate_agents", &MasterFlags::authenticate_agents,
            "If true only authenticated agents are allowed to register. If false unauthenticated agents are also "
            "allowed to register (Mesos 1.1 also reads the deprecated --authenticate_slaves)",
            "Master::registerSlave, Master::reregisterSlave");
  t.add("credentials",
        "The credentials the CRAM-MD5 authenticator accepts, as the text of Mesos's credentials file: one "
        "\"principal secret\" line each (Mesos takes a path to that file). Empty: none, every authentication is "
        "refused",
        "CRAMMD5Authenticator",
        [](MasterFlags& f, std::string_view v) -> sim::Try<sim::Nothing> {
          auto c = parseCredentials(v);
          if (c.isError()) return sim::Error{c.error()};
          f.credentials = std::string(v);
          return sim::Nothing{};
        },
        [](const MasterFlags& f) { return f.credentials; });
}

}  // namespace agentsim::model
