// Master::Http (src/master/http.cpp): what the master's endpoints answer to a GET.
//  - /health: OK, always (Master::Http::health);
//  - /state: OK from the elected master; another redirects to the leader it knows
//    (Master::Http::redirect: TemporaryRedirect to //hostname:port/state), or answers
//    ServiceUnavailable "No leader elected" when it knows none.
#include <fmt/format.h>

#include "model/master/master.hpp"

namespace agentsim::model {

HttpAnswer Master::httpGet(std::string_view endpoint) const {
  if (endpoint != "/state" || elected()) return {200, ""};
  if (!leader_) return {503, "No leader elected"};
  return {307, fmt::format("//{}:{}{}", leader_->hostname, leader_->port, endpoint)};
}

}  // namespace agentsim::model
