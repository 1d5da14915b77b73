#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "model/common/id.hpp"
#include "model/common/indexed_map.hpp"

using agentsim::model::Id;
using agentsim::model::IndexedMap;

namespace {

// Every entry of `expected` found, in its order, and a few absent keys not found.
template <typename Map>
void checkSame(const Map& map, const std::map<std::string, int>& expected) {
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
    const Id id(key);  // by the interned text: its kept hash (the default Hash) or the map's
    CHECK(map.find(id) == it);
    CHECK(map.count(id) == 1);
    ++it;
  }
  CHECK(it == map.end());
  for (const char* absent : {"", "task-0", "task-x", "zzz", "a-key-longer-than-fifteen-task-0"}) {
    if (expected.count(absent) != 0) continue;
    CHECK(map.find(absent) == map.end());
    CHECK(map.count(absent) == 0);
  }
}

// Weak hashes, so that keys collide: the whole hash of every key with the same first
// character (different lengths, embedded NULs, 15 and 16 characters) and the same home
// slot for many, in long probe runs that wrap around the array's end.
struct FirstChar {
  std::size_t operator()(std::string_view s) const { return s.empty() ? 0 : static_cast<unsigned char>(s[0]); }
};
struct ThirteenHomes {  // the last slot, and every third one before it: the runs wrap
  std::size_t operator()(std::string_view s) const { return ~std::size_t{0} - std::hash<std::string_view>{}(s) % 13 * 3; }
};

// The same fixed pseudo-random walk of inserts, erases (by key and by iterator) and
// re-inserts, checked against a std::map every `every` steps and at the end.
template <typename Map>
void churn(Map& map, std::map<std::string, int>& expected, int steps, int every) {
  std::uint64_t x = 88172645463325252ULL;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (int step = 0; step < steps; ++step) {
    std::string key = fmt::format("task-{}-{}", next() % 20 + 1, next() % 30 + 1);
    if (next() % 3 == 0) key = "a-key-longer-than-fifteen-" + key;
    switch (next() % 4) {
      case 0:
        map[key] = step;
        expected[key] = step;
        break;
      case 1:
        map.insert_or_assign(key, step);
        expected.insert_or_assign(key, step);
        break;
      case 2:
        REQUIRE(map.erase(key) == expected.erase(key));
        break;
      default:
        if (const auto it = map.find(key); it != map.end()) {
          REQUIRE(expected.count(key) == 1);
          map.erase(it);
          expected.erase(key);
        }
    }
    if (step % every == 0) checkSame(map, expected);
  }
  checkSame(map, expected);
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

TEST_CASE("IndexedMap: keys whose whole hashes collide are told apart by length and every byte") {
  IndexedMap<int, FirstChar> map;
  std::map<std::string, int> expected;
  using namespace std::string_literals;
  const std::vector<std::string> keys = {
      ""s, "\0"s, "\0\0"s, "a"s, "a\0"s, "a\0\0"s, "ab"s, "a\0b"s,
      std::string(14, 'a'), std::string(15, 'a'), std::string(16, 'a'), std::string(17, 'a'),
      std::string(14, 'a') + "\0"s, std::string(15, 'a') + "\0"s, std::string(14, 'a') + "b",
      std::string(15, 'a') + "b", std::string(255, 'a'), std::string(256, 'a')};
  for (std::size_t i = 0; i < keys.size(); ++i) {
    CHECK(map.try_emplace(keys[i], static_cast<int>(i)).second);
    expected[keys[i]] = static_cast<int>(i);
    checkSame(map, expected);
    for (std::size_t j = i + 1; j < keys.size(); ++j) CHECK(map.find(keys[j]) == map.end());
  }
  CHECK_FALSE(map.try_emplace(keys[3], 99).second);  // there: not made, not changed
  CHECK(map.at(keys[3]) == 3);
  // Erase every other key, the first of each collision run included, then make them again.
  for (std::size_t i = 0; i < keys.size(); i += 2) {
    CHECK(map.erase(keys[i]) == 1);
    expected.erase(keys[i]);
    checkSame(map, expected);
    for (std::size_t j = 0; j <= i; j += 2) CHECK(map.find(keys[j]) == map.end());
  }
  for (std::size_t i = 0; i < keys.size(); i += 2) {
    map[keys[i]] = static_cast<int>(i) + 100;
    expected[keys[i]] = static_cast<int>(i) + 100;
  }
  checkSame(map, expected);
}

TEST_CASE("IndexedMap: churn through long colliding probe runs (backward-shift deletion, wrap-around, growth)") {
  IndexedMap<int, ThirteenHomes> map;
  std::map<std::string, int> expected;
  churn(map, expected, 4000, 40);
}

TEST_CASE("IndexedMap: erasing while walking, emptying, move-assignment over a full map, swap") {
  IndexedMap<int> a;
  std::map<std::string, int> ea;
  churn(a, ea, 3000, 1000);
  // Erase every other entry in a walk, by the iterator erase returns.
  bool drop = true;
  for (auto it = a.begin(); it != a.end();) {
    if (drop) {
      ea.erase(it->first);
      it = a.erase(it);
    } else {
      ++it;
    }
    drop = !drop;
  }
  checkSame(a, ea);

  IndexedMap<int> b;
  std::map<std::string, int> eb;
  for (int i = 0; i < 300; ++i) {
    b[fmt::format("other-{}", i)] = i;
    eb[fmt::format("other-{}", i)] = i;
  }
  std::swap(a, b);
  checkSame(a, eb);
  checkSame(b, ea);
  for (const auto& [key, value] : ea) CHECK(a.find(key) == a.end());

  a = std::move(b);  // over a full map: a's old entries go, b's are found in a
  checkSame(a, ea);
  for (const auto& [key, value] : eb) CHECK(a.find(key) == a.end());
  // The moved-from map is empty and usable.
  CHECK(b.empty());  // NOLINT(bugprone-use-after-move)
  CHECK(b.find("task-1-1") == b.end());
  b["task-1-1"] = 5;
  CHECK(b.at("task-1-1") == 5);

  // Emptied by erasing every entry (the index's slots all empty again), then refilled.
  while (!a.empty()) a.erase(a.begin());
  ea.clear();
  checkSame(a, ea);
  churn(a, ea, 2000, 1000);
}

TEST_CASE("IndexedMap: a look-up by Id (the hash kept with its text) finds what its text finds, odd texts too") {
  using namespace std::string_literals;
  IndexedMap<int> map;  // the default hash: the one an Id keeps
  const std::vector<std::string> keys = {
      ""s, "\0"s, "a\0b"s, "task-1-2"s, std::string(15, 't'), std::string(16, 't'),
      "ffe89c30-dbf9-4a14-a644-46d1e705cbce-S12"s, "\xff\xfe"s, " spaced id "s};
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const Id id(keys[i]);
    CHECK(map.find(id) == map.end());
    CHECK(map.count(id) == 0);
    map[keys[i]] = static_cast<int>(i);
    REQUIRE(map.find(id) != map.end());
    CHECK(map.find(id) == map.find(keys[i]));
    CHECK(map.find(id)->first == keys[i]);
    CHECK(std::as_const(map).find(id)->second == static_cast<int>(i));
  }
  for (const std::string& absent : {"task-1-3"s, std::string(17, 't'), "a\0c"s}) {
    CHECK(map.find(Id(absent)) == map.end());
  }
  CHECK(map.erase("task-1-2") == 1);
  CHECK(map.find(Id("task-1-2")) == map.end());
  CHECK(map.find(Id(std::string(16, 't'))) != map.end());
}

TEST_CASE("IndexedMap: a key whose Id was forgotten, found by its text interned anew (kept hash and the map's own)") {
  using namespace std::string_literals;
  IndexedMap<int> map;                 // the kept hash
  IndexedMap<int, FirstChar> colliding;  // the map's own hash, not the kept one
  const std::size_t before = Id::interned();
  for (int i = 0; i < 300; ++i) {
    const Id id(fmt::format("ffe89c30-dbf9-4a14-a644-46d1e705cbce-S{}", i));  // made at run time
    map[id] = i;
    colliding[id] = i;
  }
  CHECK(Id::interned() == before);  // the maps keep text: every Id above went with its text
  // A literal or a std::string takes the text overloads (the Id templates are for an Id).
  CHECK(map.count("ffe89c30-dbf9-4a14-a644-46d1e705cbce-S7") == 1);
  CHECK(map.find("ffe89c30-dbf9-4a14-a644-46d1e705cbce-S7"s) != map.end());
  CHECK(std::as_const(colliding).count("ffe89c30-dbf9-4a14-a644-46d1e705cbce-S300") == 0);
  // Other texts interned and forgotten between (the intern table grows and shifts its
  // probe runs), then each key's text interned anew: a new Text, the same kept hash.
  std::vector<Id> others;
  for (int i = 0; i < 5000; ++i) others.emplace_back(fmt::format("other-{}", i));
  std::vector<Id> kept;
  for (int i = 0; i < 300; ++i) {
    const Id id(fmt::format("ffe89c30-dbf9-4a14-a644-46d1e705cbce-S{}", i));
    REQUIRE(map.find(id) != map.end());
    CHECK(map.find(id)->second == i);
    CHECK(colliding.find(id) == colliding.find(id.str()));
    CHECK(colliding.count(id) == 1);
    if (i % 2 == 0) kept.push_back(id);
  }
  others.clear();  // the kept ids' texts stay where they are while the others go
  for (const Id& id : kept) {
    CHECK(map.find(id) == map.find(id.str()));
    CHECK(map.erase(id) == 1);  // by text (an Id converts): found by Id no more
    CHECK(map.count(id) == 0);
    CHECK(colliding.count(id) == 1);
  }
  CHECK(map.size() == 150);
  CHECK(map.count(Id()) == 0);  // the empty id: the empty text, absent
  map[""] = -1;
  CHECK(map.find(Id()) == map.find(""s));
  CHECK(map.count(Id()) == 1);
  kept.clear();
  CHECK(Id::interned() == before);
}
