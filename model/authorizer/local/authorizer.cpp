#include "model/authorizer/local/authorizer.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace agentsim::model {

bool ACLEntity::matches(const std::string& value) const {
  switch (type) {
    case Type::ANY: return true;
    case Type::NONE: return false;
    case Type::SOME: return std::find(values.begin(), values.end(), value) != values.end();
  }
  return false;
}

bool LocalAuthorizer::authorizedRunTask(const std::string& principal, const std::string& user, std::string& why) const {
  for (std::size_t i = 0; i < acls_.run_tasks.size(); ++i) {
    const ACLs::RunTask& acl = acls_.run_tasks[i];
    // An ACL with NONE matches a request it names on the other side, and denies it.
    const bool principalNone = acl.principals.type == ACLEntity::Type::NONE;
    const bool userNone = acl.users.type == ACLEntity::Type::NONE;
    const bool principalMatch = principalNone ? true : acl.principals.matches(principal);
    const bool userMatch = userNone ? true : acl.users.matches(user);
    if (!principalMatch || !userMatch) continue;
    const bool allowed = !principalNone && !userNone;
    why = fmt::format("run_tasks ACL #{} {} principal '{}' running tasks as user '{}'", i, allowed ? "allows" : "denies",
                      principal, user);
    return allowed;
  }
  why = fmt::format("no run_tasks ACL matches principal '{}' and user '{}'; permissive is {}", principal, user,
                    acls_.permissive ? "true" : "false");
  return acls_.permissive;
}

}  // namespace agentsim::model
