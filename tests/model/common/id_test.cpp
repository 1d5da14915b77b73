#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "model/common/id.hpp"

using agentsim::model::Id;

TEST_CASE("Id: equal texts share one interned text, which is forgotten with its last Id") {
  const std::size_t before = Id::interned();
  {
    Id a = std::string("ffe89c30-dbf9-4a14-a644-46d1e705cbce-0000");
    Id b = "ffe89c30-dbf9-4a14-a644-46d1e705cbce-0000";
    CHECK(Id::interned() == before + 1);
    CHECK(a == b);
    CHECK(&a.str() == &b.str());  // one text
    Id c = a;
    Id d = std::move(b);
    CHECK(d == c);
    CHECK(b.empty());  // NOLINT(bugprone-use-after-move): a moved-from Id is empty
    Id e = "ffe89c30-dbf9-4a14-a644-46d1e705cbce-S0";
    CHECK(Id::interned() == before + 2);
    CHECK(e != a);
    e = a;  // the agent id's last Id goes
    CHECK(Id::interned() == before + 1);
  }
  CHECK(Id::interned() == before);
}

TEST_CASE("Id: the empty id, comparisons with text, order by text, formatting") {
  Id none;
  CHECK(none.empty());
  CHECK(none == Id(""));
  CHECK(none.str().empty());
  Id a = "fw-2";
  Id b = "fw-10";
  CHECK(a == std::string("fw-2"));
  CHECK(a == "fw-2");
  CHECK(a != "fw-10");
  CHECK(b < a);  // by text, as std::string
  CHECK((a <=> Id("fw-2")) == std::strong_ordering::equal);
  std::map<std::string, int> byText{{"fw-2", 7}};
  CHECK(byText.at(a) == 7);  // looks up a std::string-keyed map as its text
  CHECK(fmt::format("[{}]", a) == "[fw-2]");
  CHECK(a + "/x" == "fw-2/x");
  CHECK("x/" + a == "x/fw-2");
}

TEST_CASE("Id: the intern table through growth and forgetting (each text once, found again after others go)") {
  const std::size_t before = Id::interned();
  std::vector<Id> ids;
  for (int i = 0; i < 5000; ++i) ids.emplace_back(fmt::format("container-{}", i));
  CHECK(Id::interned() == before + 5000);
  // Forget every third, then find every text again: the kept ones are the same texts, the
  // forgotten ones are interned anew.
  for (std::size_t i = 0; i < ids.size(); i += 3) ids[i] = Id();
  CHECK(Id::interned() == before + 5000 - 1667);
  for (int i = 0; i < 5000; ++i) {
    const Id again = fmt::format("container-{}", i);
    CHECK(again.str() == fmt::format("container-{}", i));
    if (i % 3 != 0) CHECK(&again.str() == &ids[static_cast<std::size_t>(i)].str());
  }
  CHECK(Id::interned() == before + 5000 - 1667);  // each `again` of a forgotten text went with it
  ids.clear();
  CHECK(Id::interned() == before);
}
