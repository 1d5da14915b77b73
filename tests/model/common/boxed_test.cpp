#include <doctest/doctest.h>

#include <string>
#include <utility>

#include "model/common/boxed.hpp"

using agentsim::model::Boxed;

TEST_CASE("Boxed: one pointer wide, empty until set, reads as an optional") {
  static_assert(sizeof(Boxed<std::string>) == sizeof(void*));
  Boxed<std::string> b;
  CHECK_FALSE(b);
  CHECK_FALSE(b.has_value());
  b = std::string("Container preempted by QoS correction");
  REQUIRE(b);
  CHECK(*b == "Container preempted by QoS correction");
  CHECK(b->size() == 37);
  const std::string* held = &*b;
  b = std::string("again");  // assigned in place: the same box
  CHECK(&*b == held);
  CHECK(*b == "again");
  b.reset();
  CHECK_FALSE(b);
}

TEST_CASE("Boxed: a copy holds its own value; a move takes the box") {
  Boxed<std::string> a;
  a = std::string("error");
  Boxed<std::string> c = a;
  REQUIRE(c);
  CHECK(*c == "error");
  CHECK(&*c != &*a);  // not the same box
  *c = "changed";
  CHECK(*a == "error");
  Boxed<std::string> empty;
  c = empty;  // copying an empty box empties
  CHECK_FALSE(c);
  const std::string* held = &*a;
  Boxed<std::string> m = std::move(a);
  REQUIRE(m);
  CHECK(&*m == held);
  CHECK_FALSE(a);  // NOLINT(bugprone-use-after-move): a moved-from Boxed is empty
}
