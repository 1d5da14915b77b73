#pragma once
// A `std::map<std::string, V>` found through a hash index: iterated in key order as the
// map is (every walk over it keeps its order), looked up in one probe. For the master's
// agents by SlaveID: at 100,000 agents a look-up in the map walks 17 levels, each a node
// and its key's heap text ("<uuid>-S<n>": 38 characters of common prefix compared at
// every level), a cache miss apiece; the index reads a slot and the entry's node. The same
// for the master's tasks of a framework by TaskID (100,000 at bench_tasks A=1000) and an
// agent's executors of a framework by ExecutorID.
//
// The index is flat (open addressing with linear probing in a power-of-two array at most
// four fifths full, as sim::UpidMap): a slot holds the key's hash beside the entry's map
// iterator and, for a key of at most 15 characters (a task or executor id such as
// "task-12-34"), the key's text itself, so a look-up reads one slot (a node-based hash table
// read a bucket, then a node, then the map node's key, each a miss at 100,000 tasks) and
// compares the text there; a longer key is compared in the map node, only when the whole
// hash matches. Erasing shifts the probe run back (no tombstones). The index is only looked
// up, never iterated (its order follows hashes: docs/performance.md). Map iterators stay
// valid (a move keeps them too), so the index holds them. A look-up by `Id` (a SlaveID,
// FrameworkID) takes the hash kept with the id's interned text (`Id::hash`, the same
// std::hash<std::string_view> of the same text) and hashes no bytes.
#include <concepts>
#include <cstddef>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "model/common/id.hpp"
#include "sim/linear_probe.hpp"

namespace agentsim::model {

// `Hash` is the index's hash of a key (tests give a weak one to force collisions).
template <typename V, typename Hash = std::hash<std::string_view>>
class IndexedMap {
  using Map = std::map<std::string, V>;

 public:
  using iterator = typename Map::iterator;
  using const_iterator = typename Map::const_iterator;

  IndexedMap() = default;
  IndexedMap(const IndexedMap&) = delete;  // the index holds the map's iterators
  IndexedMap& operator=(const IndexedMap&) = delete;
  IndexedMap(IndexedMap&&) noexcept = default;  // a map's nodes move with it: the index holds
  IndexedMap& operator=(IndexedMap&&) noexcept = default;
  ~IndexedMap() = default;

  iterator find(const std::string& key) {
    const std::size_t i = slotOf(key);
    return i == kNone ? map_.end() : slots_[i].it;
  }
  const_iterator find(const std::string& key) const { return const_cast<IndexedMap*>(this)->find(key); }
  // By an interned id: its kept hash (a template, so that a text or a literal still takes
  // the overload above, not a conversion to Id).
  template <std::same_as<Id> K>
  iterator find(const K& key) {
    const std::size_t i = slotOf(key.str(), hashOf(key));
    return i == kNone ? map_.end() : slots_[i].it;
  }
  template <std::same_as<Id> K>
  const_iterator find(const K& key) const {
    return const_cast<IndexedMap*>(this)->find(key);
  }
  std::size_t count(const std::string& key) const { return find(key) == map_.end() ? 0 : 1; }
  template <std::same_as<Id> K>
  std::size_t count(const K& key) const {
    return find(key) == map_.end() ? 0 : 1;
  }
  V& at(const std::string& key) {
    const iterator it = find(key);
    if (it == map_.end()) throw std::out_of_range("IndexedMap::at");
    return it->second;
  }
  const V& at(const std::string& key) const {
    const const_iterator it = find(key);
    if (it == map_.end()) throw std::out_of_range("IndexedMap::at");
    return it->second;
  }
  // The value of `key`, made (value-initialized) if absent.
  V& operator[](const std::string& key) { return try_emplace(key).first->second; }
  // As std::map's: the entry of `key`, made from `args` if absent (and whether it was).
  template <typename... Args>
  std::pair<iterator, bool> try_emplace(const std::string& key, Args&&... args) {
    if (const iterator it = find(key); it != map_.end()) return {it, false};
    // Grown before the entry is made, so a failed allocation leaves no entry unindexed.
    if ((map_.size() + 1) * 5 > slots_.size() * 4) grow();
    const iterator made = map_.try_emplace(key, std::forward<Args>(args)...).first;
    place(slot(hash(key), made));
    return {made, true};
  }
  template <typename M>
  std::pair<iterator, bool> insert_or_assign(const std::string& key, M&& value) {
    auto [it, made] = try_emplace(key, std::forward<M>(value));
    if (!made) it->second = std::forward<M>(value);
    return {it, made};
  }
  // Erases the entry; returns the next in key order.
  iterator erase(iterator it) {
    std::size_t i = hash(it->first) & mask();
    while (slots_[i].hash == 0 || slots_[i].it != it) i = (i + 1) & mask();
    unindex(i);
    return map_.erase(it);
  }
  std::size_t erase(const std::string& key) {
    const std::size_t i = slotOf(key);
    if (i == kNone) return 0;
    const iterator it = slots_[i].it;
    unindex(i);
    map_.erase(it);
    return 1;
  }

  iterator begin() { return map_.begin(); }
  iterator end() { return map_.end(); }
  const_iterator begin() const { return map_.begin(); }
  const_iterator end() const { return map_.end(); }
  std::size_t size() const { return map_.size(); }
  bool empty() const { return map_.empty(); }

 private:
  static constexpr std::size_t kInline = 15;    // the longest key a slot holds as text
  static constexpr unsigned char kLong = 0xff;   // `size` of a longer key's slot
  struct Slot {
    std::size_t hash = 0;  // 0: empty (a key's hash is never 0)
    iterator it{};
    char text[kInline] = {};  // the key, if it is short
    unsigned char size = 0;   // its length, or kLong
    bool holds(std::size_t h, const std::string& key) const {
      if (hash != h) return false;
      if (size == kLong) return it->first == key;
      return size == key.size() && std::char_traits<char>::compare(text, key.data(), size) == 0;
    }
  };
  static Slot slot(std::size_t h, iterator it) {
    Slot s;
    s.hash = h;
    s.it = it;
    const std::string& key = it->first;
    if (key.size() <= kInline) {
      std::char_traits<char>::copy(s.text, key.data(), key.size());
      s.size = static_cast<unsigned char>(key.size());
    } else {
      s.size = kLong;
    }
    return s;
  }
  static std::size_t hash(std::string_view key) {
    const std::size_t h = Hash{}(key);
    return h == 0 ? 1 : h;
  }
  // hash(id.str()), from the hash kept with the id's text when the index's hash is the
  // default one (the one Id keeps).
  static std::size_t hashOf(const Id& id) {
    if constexpr (std::is_same_v<Hash, std::hash<std::string_view>>) {
      const std::size_t h = id.hash();
      return h == 0 ? 1 : h;
    } else {
      return hash(id.str());
    }
  }
  std::size_t mask() const { return slots_.size() - 1; }
  void place(Slot s) {
    std::size_t i = s.hash & mask();
    while (slots_[i].hash != 0) i = (i + 1) & mask();
    slots_[i] = s;
  }
  void grow() {
    // The larger array is allocated before the index lets go of its slots.
    std::vector<Slot> old(slots_.empty() ? 8 : slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.hash != 0) place(s);
    }
  }
  static constexpr std::size_t kNone = ~std::size_t{0};
  // The slot of `key`'s entry, or kNone.
  std::size_t slotOf(const std::string& key) const { return slots_.empty() ? kNone : slotOf(key, hash(key)); }
  std::size_t slotOf(const std::string& key, std::size_t h) const {
    if (slots_.empty()) return kNone;
    for (std::size_t i = h & mask();; i = (i + 1) & mask()) {
      const Slot& s = slots_[i];
      if (s.holds(h, key)) return i;
      if (s.hash == 0) return kNone;
    }
  }
  // Empties slot `i`.
  void unindex(std::size_t i) {
    sim::eraseFromProbeRun(
        slots_, i, [](const Slot& s) { return s.hash == 0; }, [](const Slot& s) { return s.hash; });
  }

  Map map_;
  std::vector<Slot> slots_;  // lookup only: the index, never iterated but to rebuild it
};

}  // namespace agentsim::model
