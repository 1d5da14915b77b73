#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "model/common/indexed_map.hpp"

using agentsim::model::IndexedMap;

namespace {

// Every entry of `expected` found, in its order, and a few absent keys not found.
void checkSame(const IndexedMap<int>& map, const std::map<std::string, int>& expected) {
  REQUIRE(map.size() == expected.size());
  auto it = map.begin();
  for (const auto& [key, value] : expected) {
    REQUIRE(it != map.end());
    CHECK(it->first == key);
    CHECK(it->second == value);
    const auto found = map.find(key);
    REQUIRE(found != map.end());
    CHECK(found == it);
    CHECK(map.count(key) == 1);
    ++it;
  }
  CHECK(it == map.end());
  for (const char* absent : {"", "task-0", "task-x", "zzz", "a-key-longer-than-fifteen-task-0"}) {
    CHECK(map.find(absent) == map.end());
    CHECK(map.count(absent) == 0);
  }
}

}  // namespace

TEST_CASE("IndexedMap: finds what a std::map holds, in its order, through inserts, erases and growth") {
  IndexedMap<int> map;
  std::map<std::string, int> expected;
  checkSame(map, expected);
  CHECK(map.erase("task-1") == 0);  // an empty index
  // A fixed pseudo-random walk of inserts and erases (by key and by iterator) over 1,200 keys:
  // the index grows past several sizes, and erasing shifts its probe runs back.
  std::uint64_t x = 88172645463325252ULL;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (int step = 0; step < 20000; ++step) {
    // Keys of up to 15 characters are kept in the index's slots; longer ones only in the map.
    std::string key = fmt::format("task-{}-{}", next() % 20 + 1, next() % 30 + 1);
    if (next() % 3 == 0) key = "a-key-longer-than-fifteen-" + key;
    switch (next() % 4) {
      case 0:
      case 1:
        map[key] = step;
        expected[key] = step;
        break;
      case 2:
        CHECK(map.erase(key) == expected.erase(key));
        break;
      default: {
        const auto it = map.find(key);
        if (it == map.end()) {
          CHECK(expected.count(key) == 0);
          break;
        }
        const auto nextInOrder = std::next(expected.find(key));
        const auto after = map.erase(it);
        expected.erase(key);
        if (nextInOrder == expected.end()) {
          CHECK(after == map.end());
        } else {
          REQUIRE(after != map.end());
          CHECK(after->first == nextInOrder->first);
        }
      }
    }
    if (step % 1000 == 0) checkSame(map, expected);
  }
  checkSame(map, expected);
  CHECK(map.at(expected.begin()->first) == expected.begin()->second);
  CHECK_THROWS_AS((void)map.at("zzz"), std::out_of_range);

  // A move keeps the index: the moved-to map finds every entry.
  IndexedMap<int> moved = std::move(map);
  checkSame(moved, expected);
  while (!moved.empty()) moved.erase(moved.begin());
  expected.clear();
  checkSame(moved, expected);
  moved["task-1-1"] = 7;
  CHECK(moved.at("task-1-1") == 7);
}
