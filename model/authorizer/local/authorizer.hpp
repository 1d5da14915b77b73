#pragma once
// LocalAuthorizer (src/authorizer/local/authorizer.cpp) with the ACLs of --acls
// (include/mesos/authorizer/acls.proto), for the action the model asks about: RUN_TASK
// (a principal running a task as a user). It promises, as Mesos 1.1 does:
//  - ACLs are tried in order; the first whose principals and users both match the
//    request decides: allowed, unless its users are NONE or its principals NONE;
//  - with no matching ACL, the answer is `permissive` (true by default);
//  - an entity is ANY (matches everything), NONE (matches nothing) or a list of values
//    (matches a request naming one of them).
#include <optional>
#include <string>
#include <vector>

namespace agentsim::model {

struct ACLEntity {
  enum class Type { ANY, NONE, SOME };
  Type type = Type::ANY;
  std::vector<std::string> values;  // for SOME
  bool matches(const std::string& value) const;
};

struct ACLs {
  bool permissive = true;
  struct RunTask {
    ACLEntity principals;
    ACLEntity users;
  };
  std::vector<RunTask> run_tasks;
  bool empty() const { return run_tasks.empty() && permissive; }
};

class LocalAuthorizer {
 public:
  explicit LocalAuthorizer(ACLs acls) : acls_(std::move(acls)) {}
  // Authorizer::authorized(RUN_TASK, subject=principal, object=user), with the reason.
  bool authorizedRunTask(const std::string& principal, const std::string& user, std::string& why) const;

 private:
  ACLs acls_;
};

}  // namespace agentsim::model
