#include "sim/event_queue.hpp"

#include <algorithm>
#include <cstdint>

namespace agentsim::sim {

namespace {
constexpr std::size_t kArity = 4;
}  // namespace

// The lane of this delay; else, if the delay recurs, the empty lane used longest ago (or
// one not used yet), taken over; else none (kHeap).
std::size_t EventQueue::findLane(std::int64_t delay, bool delivery) {
  std::size_t& hint = lane_hint_[delivery ? 1 : 0];
  for (std::size_t i = 0; i < lane_count_; ++i) {
    if (lane_delay_[i] == delay) return hint = i;
  }
  if (!recurs(delay)) return kHeap;
  std::size_t lane = kHeap;
  if (lane_count_ < kLanes) {
    lane = lane_count_++;
  } else {
    for (std::size_t i = 0; i < lane_count_; ++i) {
      if (lanes_[i].empty() && (lane == kHeap || lane_used_[i] < lane_used_[lane])) lane = i;
    }
  }
  if (lane != kHeap) {
    lane_delay_[lane] = delay;
    hint = lane;
  }
  return lane;
}

// Whether the delay is among the last kMissed that found no lane; if not, it is now.
bool EventQueue::recurs(std::int64_t delay) {
  for (const std::int64_t d : missed_) {
    if (d == delay) return true;
  }
  missed_[missed_next_] = delay;
  missed_next_ = (missed_next_ + 1) % kMissed;
  return false;
}

void EventQueue::enter(std::size_t source) {
  const Key key = front_[source];
  std::size_t i = ordered_++;
  while (i > 0 && key < front_[order_[i - 1]]) {
    order_[i] = order_[i - 1];
    --i;
  }
  order_[i] = static_cast<std::uint8_t>(source);
  order_[ordered_] = static_cast<std::uint8_t>(kSources);
}

void EventQueue::heapMovedUp() {
  std::size_t i = 0;
  while (order_[i] != kHeap) ++i;
  const Key key = front_[kHeap];
  while (i > 0 && key < front_[order_[i - 1]]) {
    order_[i] = order_[i - 1];
    --i;
  }
  order_[i] = static_cast<std::uint8_t>(kHeap);
}

void EventQueue::pushHeap(const HeapEntry& entry) {
  std::size_t i = heap_.size();
  heap_.push_back(entry);
  const Key key = entry.key();
  while (i > 0) {
    const std::size_t parent = (i - 1) / kArity;
    if (!(key < heap_[parent].key())) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = entry;
  if (i != 0) return;
  const bool entering = heap_.size() == 1;
  front_[kHeap] = key;
  if (entering) {
    enter(kHeap);
  } else {
    heapMovedUp();
  }
}

// Pops the heap's top; the heap is the first source.
EventQueue::HeapEntry EventQueue::popHeap() {
  const HeapEntry top = heap_.front();
  const HeapEntry last = heap_.back();
  heap_.pop_back();
  const std::size_t n = heap_.size();
  if (n > 0) {
    const Key lastKey = last.key();
    std::size_t i = 0;
    for (;;) {
      const std::size_t first = i * kArity + 1;
      if (first >= n) break;
      std::size_t best = first;
      const std::size_t end = std::min(first + kArity, n);
      for (std::size_t c = first + 1; c < end; ++c) {
        if (heap_[c].key() < heap_[best].key()) best = c;
      }
      if (!(heap_[best].key() < lastKey)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = last;
  }
  front_[kHeap] = n > 0 ? heap_.front().key() : kNoKey;
  firstMoved();
  return top;
}

void EventQueue::pushBackToHeap(const Ticket& t) {
  if (isDelivery(t.ref)) {
    const Delivery& d = delivery(t.ref);
    pushHeap(HeapEntry{d.at, d.seq, t});
  } else {
    const Timer& e = timers_[t.ref];
    pushHeap(HeapEntry{e.at, e.seq, t});
  }
}

std::vector<std::uint32_t> EventQueue::pendingInOrder() {
  std::vector<std::pair<Key, std::uint32_t>> all;
  auto add = [&](const Ticket& t) {
    if (live(t)) all.emplace_back(keyOf(t.ref), t.ref);
  };
  for (std::size_t i = 0; i < lane_count_; ++i) lanes_[i].forEach(add);
  for (const HeapEntry& e : heap_) add(e.ticket);
  for (const std::uint32_t g : batch_.active) {
    for (std::uint32_t i = batch_.groups[g].head; i != kNone; i = batch_.entries[i].next) add(batch_.entries[i].ticket);
  }
  std::sort(all.begin(), all.end());
  std::vector<std::uint32_t> refs;
  refs.reserve(all.size());
  for (const auto& e : all) refs.push_back(e.second);
  return refs;
}

// --- permuteTies -------------------------------------------------------------------

void EventQueue::permuteTies(Rng* rng) {
  if (rng == nullptr && ties_ != nullptr) {
    // What is left of the batch goes back in (time, sequence) order.
    for (const std::uint32_t g : batch_.active) {
      for (std::uint32_t i = batch_.groups[g].head; i != kNone; i = batch_.entries[i].next) {
        if (live(batch_.entries[i].ticket)) pushBackToHeap(batch_.entries[i].ticket);
      }
    }
    endBatch();
  }
  ties_ = rng;
}

std::uint32_t EventQueue::popPermuted(std::int64_t until) {
  for (;;) {
    if (batch_.empty()) {
      endBatch();
      Ticket first{};
      if (!takeNext(until, first)) return kNone;
      batch_.at = timeOf(first.ref);
      addToBatch(first);
    } else if (batch_.at > until) {
      return kNone;
    }
    gather();
    const std::uint32_t ref = drawFromBatch();
    if (ref != kNone) return popped(Ticket{ref, 0});
    // The rest of the batch was cancelled: on to the next time.
  }
}

EventQueue::GroupKey EventQueue::groupOf(const Ticket& t) {
  if (isDelivery(t.ref)) {
    const Envelope& env = delivery(t.ref).envelope;
    return {2, reinterpret_cast<std::uintptr_t>(env.from.entry()), reinterpret_cast<std::uintptr_t>(env.to.entry())};
  }
  const Timer& e = timers_[t.ref];
  if (e.owner == kNone) return {0, 0, 0};  // the harness's events
  return {1, e.owner, e.owner_gen};
}

void EventQueue::addToBatch(const Ticket& t) {
  const auto [it, added] = batch_.index.emplace(groupOf(t), static_cast<std::uint32_t>(batch_.groups.size()));
  if (added) batch_.groups.emplace_back();
  const std::uint32_t g = it->second;
  const auto entry = static_cast<std::uint32_t>(batch_.entries.size());
  batch_.entries.push_back(Batch::Entry{t, kNone});
  Batch::Group& group = batch_.groups[g];
  if (group.head == kNone) {
    group.head = entry;
    batch_.active.push_back(g);
  } else {
    batch_.entries[group.tail].next = entry;
  }
  group.tail = entry;
}

// Moves the events due at the batch's time into it: those scheduled since it began
// come after the batch's own in sequence order, so each group stays in order.
void EventQueue::gather() {
  for (;;) {
    Key key;
    const std::size_t source = firstSource(key);
    if (source == kSources || timeOfKey(key) != batch_.at) return;
    const Ticket t = take(source);
    if (live(t)) addToBatch(t);
  }
}

// Draws the next event from the heads of the batch's groups; kNone if none is left.
std::uint32_t EventQueue::drawFromBatch() {
  while (!batch_.active.empty()) {
    const std::size_t n = batch_.active.size();
    const std::size_t pick = n == 1 ? 0 : static_cast<std::size_t>(ties_->below(n));
    Batch::Group& group = batch_.groups[batch_.active[pick]];
    const Ticket t = batch_.entries[group.head].ticket;
    group.head = batch_.entries[group.head].next;
    if (group.head == kNone) {  // the group is done
      group.tail = kNone;
      batch_.active[pick] = batch_.active.back();
      batch_.active.pop_back();
    }
    if (live(t)) return t.ref;
  }
  return kNone;
}

void EventQueue::endBatch() {
  batch_.entries.clear();
  batch_.groups.clear();
  batch_.active.clear();
  batch_.index.clear();
}

}  // namespace agentsim::sim
