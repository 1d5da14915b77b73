#pragma once
// A look-up-only table keyed by process address, for a model's tables of connections or
// peers by address (the role of a hash map keyed by Upid, but flat): open addressing
// with linear probing in a power-of-two array at most half full, one slot per address
// (its entry's pointer beside the value), so a look-up reads one slot where a node-based
// table reads a bucket and then a node, each a cache miss when the table holds 100,000
// addresses. Erasing shifts the probe run back (no tombstones).
// Never iterated: its order would follow pointer values (docs/performance.md).
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/linear_probe.hpp"
#include "sim/message.hpp"

namespace agentsim::sim {

template <typename V>
class UpidMap {
 public:
  // The value of `u`, or nullptr if absent.
  V* find(const Upid& u) {
    if (slots_.empty() || u.isNone()) return nullptr;
    for (std::size_t i = home(u.entry());; i = (i + 1) & mask()) {
      Slot& s = slots_[i];
      if (s.key == u.entry()) return &s.value;
      if (s.key == nullptr) return nullptr;
    }
  }
  const V* find(const Upid& u) const { return const_cast<UpidMap*>(this)->find(u); }
  bool contains(const Upid& u) const { return find(u) != nullptr; }

  // The value of `u`, made (value-initialized) if absent. `u` is not none.
  V& operator[](const Upid& u) {
    if (V* v = find(u)) return *v;
    if ((size_ + 1) * 2 > slots_.size()) grow();
    ++size_;
    return place(u.entry(), V{});
  }

  // Removes `u`'s value; whether there was one.
  bool erase(const Upid& u) {
    if (slots_.empty() || u.isNone()) return false;
    std::size_t i = home(u.entry());
    while (slots_[i].key != u.entry()) {
      if (slots_[i].key == nullptr) return false;
      i = (i + 1) & mask();
    }
    eraseFromProbeRun(
        slots_, i, [](const Slot& s) { return s.key == nullptr; }, [this](const Slot& s) { return home(s.key); });
    --size_;
    return true;
  }

  void clear() {
    slots_.clear();
    size_ = 0;
  }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  struct Slot {
    const detail::UpidEntry* key = nullptr;
    V value{};
  };
  std::size_t mask() const { return slots_.size() - 1; }
  std::size_t home(const detail::UpidEntry* key) const {
    // Entries are 64-byte aligned blocks of a deque: mix the pointer's bits.
    std::uint64_t x = reinterpret_cast<std::uintptr_t>(key);
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return static_cast<std::size_t>(x) & mask();
  }
  V& place(const detail::UpidEntry* key, V value) {
    std::size_t i = home(key);
    while (slots_[i].key != nullptr) i = (i + 1) & mask();
    slots_[i].key = key;
    slots_[i].value = std::move(value);
    return slots_[i].value;
  }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
    for (Slot& s : old) {
      if (s.key != nullptr) place(s.key, std::move(s.value));
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace agentsim::sim
