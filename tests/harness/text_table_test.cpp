#include "harness/text_table.hpp"

#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace agentsim::harness {
namespace {

// std::hash, counting its calls.
struct CountingHash {
  static inline std::size_t calls = 0;
  std::size_t operator()(std::string_view key) const {
    ++calls;
    return std::hash<std::string_view>{}(key);
  }
};

// Every key of one length shares a hash: one probe run, every tag equal.
struct WeakHash {
  std::size_t operator()(std::string_view key) const { return key.size() * 0x9e3779b97f4a7c15ULL; }
};

// Every key's hash has its top 32 bits all ones: each probe run starts at the index's
// last slot and wraps to its first, at every size; the low bits differ by key.
struct TopOnesHash {
  std::size_t operator()(std::string_view key) const {
    return 0xffffffff00000000ULL | (std::hash<std::string_view>{}(key) & 0xffffffffULL);
  }
};

// Keys whose hashes agree in their low 32 bits and differ in the top ones (the bits a
// probe run starts from): spread over the index, each at its own slot.
struct TopBitsHash {
  std::size_t operator()(std::string_view key) const {
    return (std::hash<std::string_view>{}(key) & 0xffffffff00000000ULL) | 0x1234ULL;
  }
};

std::string hostKey(int i) { return fmt::format("{}agent-{}/slave(1)", std::string(4, '\0'), i); }

}  // namespace

TEST_CASE("TextTable: a key is hashed once, when asked; growing reads no key again") {
  CountingHash::calls = 0;
  TextTable<int, CountingHash> table;
  for (int i = 0; i < 5000; ++i) table[hostKey(i)] = i;  // past nine doublings of the index
  CHECK(CountingHash::calls == 5000);
  CHECK(table.size() == 5000);
  for (int i = 0; i < 5000; ++i) {
    const int* v = table.find(hostKey(i));
    REQUIRE(v != nullptr);
    CHECK(*v == i);
  }
  CHECK(table.find("agent-5000") == nullptr);
  CHECK(CountingHash::calls == 10001);
}

TEST_CASE("TextTable: keys that share a hash are told apart by their text") {
  TextTable<std::string, WeakHash> table;
  for (int i = 0; i < 300; ++i) table[fmt::format("agent-{:04}", i)] = fmt::format("state-{}", i);
  CHECK(table.size() == 300);
  for (int i = 0; i < 300; ++i) CHECK(table[fmt::format("agent-{:04}", i)] == fmt::format("state-{}", i));
  CHECK(table.size() == 300);  // looked up, none made
  CHECK(table.find("agent-0300") == nullptr);
  table["agent-0300"] = "new";
  CHECK(table.size() == 301);
  CHECK(*table.find("agent-0300") == "new");
}

TEST_CASE("TextTable: a probe run that wraps past the last slot is found, before and after doublings") {
  TextTable<int, TopOnesHash> table;
  for (int i = 0; i < 200; ++i) {
    table[fmt::format("agent-{}", i)] = i;
    // Every key made so far is still found, at every size the index passes through.
    for (int j = 0; j <= i; j += 37) {
      const int* v = table.find(fmt::format("agent-{}", j));
      REQUIRE(v != nullptr);
      CHECK(*v == j);
    }
  }
  CHECK(table.size() == 200);
  for (int i = 0; i < 200; ++i) CHECK(*table.find(fmt::format("agent-{}", i)) == i);
  CHECK(table.find("agent-200") == nullptr);
}

TEST_CASE("TextTable: keys told apart by the top bits of their hash, odd and empty texts") {
  TextTable<int, TopBitsHash> table;
  const std::string nul(1, '\0');
  const std::vector<std::string> keys{"", nul, nul + nul, "a", std::string("a") + nul, "agent-1", "agent-1/slave(1)",
                                      "agent-1/slave(1) ", "\xff\xfe", "agent-1" + nul + "x"};
  for (std::size_t i = 0; i < keys.size(); ++i) table[keys[i]] = static_cast<int>(i) + 1;
  CHECK(table.size() == keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const int* v = table.find(keys[i]);
    REQUIRE(v != nullptr);
    CHECK(*v == static_cast<int>(i) + 1);
  }
  for (int i = 0; i < 1000; ++i) table[fmt::format("host-{}", i)] = -i;  // doublings past the odd keys
  for (std::size_t i = 0; i < keys.size(); ++i) CHECK(*table.find(keys[i]) == static_cast<int>(i) + 1);
  CHECK(table.find(nul + nul + nul) == nullptr);
  CHECK(table.size() == keys.size() + 1000);
}

}  // namespace agentsim::harness
