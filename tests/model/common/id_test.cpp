#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
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

TEST_CASE("Id: the intern table through erase-heavy churn (each kept text still found, each forgotten one anew)") {
  // Texts forgotten in a fixed pseudo-random order, several rounds, so that some erase
  // shifts a probe run that wraps around the table's end. A text the table lost would be
  // interned a second time: an Id of it would then not equal (by pointer) the kept one.
  const std::size_t before = Id::interned();
  std::uint64_t x = 88172645463325252ULL;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (int round = 0; round < 8; ++round) {
    std::vector<Id> ids;
    std::vector<std::string> texts;
    for (int i = 0; i < 6000; ++i) {
      texts.push_back(fmt::format("churn-{}-{}", round, i));
      ids.emplace_back(texts.back());
    }
    std::vector<std::size_t> order(ids.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[next() % (i + 1)]);
    for (std::size_t k = 0; k < order.size(); ++k) {
      ids[order[k]] = Id();
      if (k % 500 != 499) continue;
      CHECK(Id::interned() == before + order.size() - k - 1);
      for (std::size_t i = 0; i < ids.size(); ++i) {
        if (ids[i].empty()) continue;
        const Id again = texts[i];
        REQUIRE(again == ids[i]);
      }
    }
    CHECK(Id::interned() == before);
  }
}

TEST_CASE("Id: the hash kept with its text is the text's std::hash<std::string_view>, odd texts too") {
  using namespace std::string_literals;
  const std::vector<std::string> texts = {
      ""s, "\0"s, "a\0b"s, "task-0-0"s, std::string(15, 'x'), std::string(16, 'x'),
      "ffe89c30-dbf9-4a14-a644-46d1e705cbce-0000"s, "\xff\xfe UPPER {braces}"s, std::string(300, 'q')};
  for (const std::string& text : texts) {
    const Id id(text);
    CHECK(id.str() == text);  // kept as it came, NULs and all
    CHECK(id.hash() == std::hash<std::string_view>{}(text));
    CHECK(std::hash<Id>{}(id) == std::hash<std::string_view>{}(text));
    const Id again{std::string_view(text)};  // the same interned text: the same kept hash
    CHECK(again.hash() == id.hash());
  }
  CHECK(Id().hash() == std::hash<std::string_view>{}(std::string_view()));
}
