#include "harness/text_table.hpp"

#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <string_view>

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

}  // namespace agentsim::harness
