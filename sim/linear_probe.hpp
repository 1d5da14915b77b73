#pragma once
// Backward-shift deletion for linear-probing tables in a power-of-two array (sim::UpidMap,
// model::IndexedMap's index, model::Id's intern table). Promise: after the call, slot `i`
// is free and every key left in the table is still reachable by probing from its home,
// with no tombstone.
#include <cstddef>
#include <utility>
#include <vector>

namespace agentsim::sim {

// Empties slot `i` of `slots` and moves each later slot of its probe run whose home is
// not in (i, j] into the hole. `empty(slot)` says a slot is free; `home(slot)` is its
// first probe place (taken modulo the array's size, so a hash serves).
template <typename Slot, typename Empty, typename Home>
void eraseFromProbeRun(std::vector<Slot>& slots, std::size_t i, Empty empty, Home home) {
  const std::size_t mask = slots.size() - 1;
  for (std::size_t j = (i + 1) & mask;; j = (j + 1) & mask) {
    Slot& s = slots[j];
    if (empty(s)) break;
    const std::size_t h = home(s) & mask;
    const bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
    if (stays) continue;
    slots[i] = std::move(s);
    i = j;
  }
  slots[i] = Slot{};
}

}  // namespace agentsim::sim
