#pragma once
// A look-up-only table keyed by text, for a check's state per agent (a host name, or a
// host and a process): `std::unordered_map<std::string, V>`'s role, flat. The entries sit
// in a vector in the order they were made; an open-addressing index (linear probing, a
// power-of-two array at most half full) holds each entry's hash's high 32 bits beside its
// position, so a look-up reads one index slot and then the entry, where a node-based table
// reads a bucket, the node before and the node, each a cache miss at 100,000 agents, and
// rehashes by walking every node. A key's probe run starts at its tag's slot, so growing
// the index moves its slots as they are, reading no entry and no key's text (a heap block
// apiece, once longer than 15 characters). Nothing is erased. Never iterated by its index; `size`
// is all a check reads at the end (docs/performance.md).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agentsim::harness {

// `Hash` hashes a key (tests count its calls).
template <typename V, typename Hash = std::hash<std::string_view>>
class TextTable {
 public:
  // The value of `key`, made (value-initialized) if absent. The reference lives until the
  // next entry is made.
  V& operator[](std::string_view key) {
    const std::uint64_t hash = Hash{}(key);
    if (V* v = find(key, hash)) return *v;
    // A slot keeps the position in its low 32 bits: one more would spill into the tag.
    if (entries_.size() >= 0xffffffffULL) throw std::length_error("TextTable: 2^32 - 1 entries");
    if ((entries_.size() + 1) * 2 > slots_.size()) grow();
    entries_.push_back(Entry{std::string(key), V{}});
    place(hash, entries_.size() - 1);
    return entries_.back().value;
  }
  // The value of `key`, or nullptr if absent.
  V* find(std::string_view key) { return find(key, Hash{}(key)); }
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string key;
    V value;
  };
  static std::uint64_t tagOf(std::uint64_t hash) { return hash & 0xffffffff00000000ULL; }
  std::size_t mask() const { return slots_.size() - 1; }
  V* find(std::string_view key, std::uint64_t hash) {
    if (slots_.empty()) return nullptr;
    const std::uint64_t tag = tagOf(hash);
    for (std::size_t i = startOf(tag);; i = (i + 1) & mask()) {
      const std::uint64_t slot = slots_[i];
      if (slot == 0) return nullptr;
      if ((slot & 0xffffffff00000000ULL) == tag) {
        Entry& e = entries_[(slot & 0xffffffffULL) - 1];
        if (e.key == key) return &e.value;
      }
    }
  }
  // A key's probe run starts at its tag's slot (the hash's high bits), so the slots move
  // into a larger index as they are: growing reads no entry and hashes no key again.
  std::size_t startOf(std::uint64_t tag) const { return (tag >> 32) & mask(); }
  // Slots hold the tag and the entry's position plus one (0 is empty).
  void place(std::uint64_t slot) {
    std::size_t i = startOf(slot);
    while (slots_[i] != 0) i = (i + 1) & mask();
    slots_[i] = slot;
  }
  void place(std::uint64_t hash, std::size_t index) { place(tagOf(hash) | (static_cast<std::uint64_t>(index) + 1)); }
  void grow() {
    // The larger array is made before the index lets go of its slots.
    std::vector<std::uint64_t> old(slots_.empty() ? 16 : slots_.size() * 2, 0);
    old.swap(slots_);
    for (const std::uint64_t slot : old) {
      if (slot != 0) place(slot);
    }
  }

  std::vector<Entry> entries_;
  std::vector<std::uint64_t> slots_;
};

}  // namespace agentsim::harness
