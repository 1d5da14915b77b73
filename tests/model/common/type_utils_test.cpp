// operator==(SlaveInfo) of 1.1's src/common/type_utils.cpp, as Slave::recover uses it.
#include <doctest/doctest.h>

#include "model/common/type_utils.hpp"

namespace agentsim::model {
namespace {

constexpr std::string_view kProbed = "cpus:1;mem:1024;disk:10240;ports:[31000-32000]";

SlaveInfo info(std::string resources, std::string attributes = "") {
  SlaveInfo i;
  i.id = "S0";
  i.hostname = "agent-1";
  i.resources = std::move(resources);
  i.attributes = std::move(attributes);
  return i;
}

TEST_CASE("Resources compare as a set: order, decimals, adjacent ranges, repeats and empty resources do not count") {
  CHECK(equivalent(info("cpus:2;mem:512"), info("mem:512;cpus:2.000"), kProbed));
  CHECK(equivalent(info("cpus:1;cpus:1;mem:512"), info("cpus:2;mem:512"), kProbed));
  CHECK(equivalent(info("ports:[31000-31499,31500-32000]"), info("ports:[31000-32000]"), kProbed));
  CHECK(equivalent(info("cpus:2;gpus:0"), info("cpus:2"), kProbed));
  CHECK(equivalent(info("cpus(role1):2;cpus:1"), info("cpus:1;cpus(role1):2"), kProbed));
  CHECK_FALSE(equivalent(info("cpus(role1):2"), info("cpus:2"), kProbed));
  CHECK_FALSE(equivalent(info("cpus:2;mem:512"), info("cpus:2;mem:1024"), kProbed));
  CHECK_FALSE(equivalent(info("cpus:2;mem:512"), info("cpus:4;mem:1024"), kProbed));  // larger: 1.1 has no additive policy
  CHECK_FALSE(equivalent(info("ports:[31000-31499]"), info("ports:[31000-32000]"), kProbed));
}

TEST_CASE("A name the text leaves out of cpus, mem, disk and ports counts as probed") {
  CHECK(equivalent(info(std::string(kProbed)), info("cpus:1;mem:1024"), kProbed));
  CHECK_FALSE(equivalent(info(std::string(kProbed)), info("cpus:2"), kProbed));
  // A name given as 0 is not probed: it is an empty resource.
  CHECK_FALSE(equivalent(info(std::string(kProbed)), info("cpus:1;mem:1024;disk:10240;ports:0"), kProbed));
}

TEST_CASE("Attributes compare in any order; hostname, port and id exactly") {
  CHECK(equivalent(info("cpus:1", "rack:r1;zone:z1"), info("cpus:1", "zone:z1;rack:r1"), kProbed));
  CHECK(equivalent(info("cpus:1", "level:2"), info("cpus:1", "level:2.0"), kProbed));
  CHECK_FALSE(equivalent(info("cpus:1", "rack:r1"), info("cpus:1", "rack:r2"), kProbed));
  CHECK_FALSE(equivalent(info("cpus:1", "rack:r1"), info("cpus:1"), kProbed));
  SlaveInfo other = info("cpus:1");
  other.hostname = "agent-2";
  CHECK_FALSE(equivalent(info("cpus:1"), other, kProbed));
  other = info("cpus:1");
  other.port = 5052;
  CHECK_FALSE(equivalent(info("cpus:1"), other, kProbed));
  other = info("cpus:1");
  other.id = "S1";
  CHECK_FALSE(equivalent(info("cpus:1"), other, kProbed));
}

TEST_CASE("A text that does not parse is compared as written") {
  CHECK(normalResources("cpus;mem") == "cpus;mem");
  CHECK(normalResources("mem:512;cpus:2") == "cpus(*):2000;mem(*):512000");
}

}  // namespace
}  // namespace agentsim::model
