#pragma once
// Backward-shift deletion for the model's linear-probing tables (model::IndexedMap's index,
// model::Id's intern table). Promise: after the call, slot `i` is free and every key left
// in the table is still reachable by probing from its home, with no tombstone.
#include <cstddef>
#include <vector>

namespace agentsim::model {

// Empties slot `i` of `slots` (a power-of-two size) and moves each later slot of its
// probe run whose home is not in (i, j] into the hole. `empty(slot)` says a slot is free;
// `home(slot)` is its hash, whose low bits are its first probe place.
template <typename Slot, typename Empty, typename Home>
void eraseFromProbeRun(std::vector<Slot>& slots, std::size_t i, Empty empty, Home home) {
  const std::size_t mask = slots.size() - 1;
  for (std::size_t j = (i + 1) & mask;; j = (j + 1) & mask) {
    const Slot& s = slots[j];
    if (empty(s)) break;
    const std::size_t h = home(s) & mask;
    const bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
    if (stays) continue;
    slots[i] = s;
    i = j;
  }
  slots[i] = Slot{};
}

}  // namespace agentsim::model
