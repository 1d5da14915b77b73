#pragma once
// The kernel's pending events and their run order. Promise: events run in (time,
// sequence) order, the sequence being the order in which they were scheduled; nothing
// else breaks ties, unless permuteTies is on (then events due at the same time run in an
// order drawn from a seeded stream, keeping the order libprocess keeps: see
// permuteTies). A cancelled timer never runs. Knows nothing of processes beyond the
// numbers it is given.
//
// Layout. Each event lives in a slot, of one of two kinds: a timer (a process's timer or
// dispatch, or a harness event: a callback) or a delivery (a message in flight: its
// envelope). Slots sit in chunked stores (they never move) and are reused through a free
// list. The order is kept apart, in small tickets: most events are scheduled a fixed
// delay ahead (0 for dispatches, the network's latency for deliveries, a timer's period),
// and since the clock never goes back, the events scheduled with one delay come in run
// order as they are scheduled. So each such delay gets a lane, a FIFO of 8-byte tickets
// (slot and generation; time and sequence are read from the slot), where a push and a pop
// cost O(1); the other events go to a 4-ary min-heap of (time, sequence, slot,
// generation). A delay gets a lane only once it recurs (it is among the last delays that
// found none), and then the empty lane used longest ago: a delay drawn at random (a
// backoff) would hold a lane it never uses again, and the next one taken from the
// dispatches' lane while it was empty sent every dispatch to the heap. The lanes and the heap with events are kept sorted by the key of their
// first event, so the next event is the first one of the first of them; after a pop that
// source usually stays first, or moves down a place or two. Cancelling a timer frees its
// slot at once; its ticket stays queued until it comes up, when its generation shows it
// is stale.
#include <cstdint>
#include <map>
#include <memory>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/assert.hpp"
#include "sim/callback.hpp"
#include "sim/message.hpp"
#include "sim/rng.hpp"
#include "sim/time.hpp"
#include "sim/uint128.hpp"

namespace agentsim::sim {

class EventQueue {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  // A slot reference: a timer slot's index, or a delivery slot's with this bit set.
  static constexpr std::uint32_t kDeliveryBit = 1U << 31;

  struct Timer {
    std::int64_t at = 0;
    std::uint64_t seq = 0;  // while the slot is free: the next free slot
    std::uint32_t gen = 0;  // bumped when the event leaves the queue (runs or is cancelled)
    std::uint32_t owner = kNone;  // the owning process's slot; none for harness events
    std::uint32_t owner_gen = 0;
    bool traced = false;  // leaves a `timer` record when it fires
    std::string_view function;
    Time armed;  // when it was scheduled
    Callback fn;
  };
  struct Delivery {
    std::int64_t at = 0;
    std::uint64_t seq = 0;  // while the slot is free: the next free slot
    Envelope envelope;
    std::uint64_t crash_epoch = 0;  // Simulation::crashEpoch() when it was sent
  };

  EventQueue() {
    front_[kSources] = kNoKey;
    for (std::int64_t& d : missed_) d = -1;
  }
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  // Scheduling, in two steps: take a slot and fill it, then queue it at `at` (>= now).
  __attribute__((always_inline)) std::uint32_t newTimer() { return timers_.take(); }
  __attribute__((always_inline)) std::uint32_t newDelivery() {
    const std::uint32_t slot = deliveries_.take();
    AGENTSIM_ASSERT(slot < kDeliveryBit);
    return slot | kDeliveryBit;
  }
  // Inline where it is called (Simulation::schedule, scheduleDelivery): out of line,
  // its register saves cost a fifth of it.
  __attribute__((always_inline)) void push(std::uint32_t ref, std::int64_t at, std::int64_t now);
  Timer& timer(std::uint32_t ref) { return timers_[ref]; }
  Delivery& delivery(std::uint32_t ref) { return deliveries_[ref & ~kDeliveryBit]; }
  static bool isDelivery(std::uint32_t ref) { return (ref & kDeliveryBit) != 0; }
  std::int64_t timeOf(std::uint32_t ref) { return isDelivery(ref) ? delivery(ref).at : timer(ref).at; }

  // Cancels the timer in `slot` if it is still queued as generation `gen`.
  bool cancel(std::uint32_t slot, std::uint32_t gen);

  // Takes the next event due at or before `until` out of the queue (kNone if there is
  // none); a timer's generation moves on, so cancelling it now does nothing. The slot
  // stays the caller's until it calls release.
  // Both inline in the run loop (every event takes them).
  __attribute__((always_inline)) std::uint32_t popNext(std::int64_t until);
  __attribute__((always_inline)) void release(std::uint32_t ref);
  // The same, with the slot at hand (delivery(ref) or timer(ref)).
  __attribute__((always_inline)) void releaseDelivery(Delivery& d, std::uint32_t ref) {
    d.envelope.body.reset();  // the addresses are plain pointers: left as they are
    d.seq = deliveries_.giveTo(ref & ~kDeliveryBit);
  }
  __attribute__((always_inline)) void releaseTimer(Timer& e, std::uint32_t ref) {
    e.fn.reset();
    e.owner = kNone;
    e.seq = timers_.giveTo(ref);
  }

  // Events queued (cancelled ones excluded).
  std::size_t size() const { return size_; }

  // Hints for the run loop, which prefetches what the next events will read while this
  // one runs (at 100,000 agents each event's slot, target address and process are cache
  // misses). peek(k): the k-th queued ticket of the source whose first event runs next
  // (k = 0: the next event, as far as the queue knows now), kNone past what is at hand
  // (the heap gives only its top). A hint only: an event scheduled by the one running may
  // come first, and a ticket may be of a timer cancelled since (its slot is still memory
  // of the store, maybe free or reused): nothing may be decided on what it reads.
  __attribute__((always_inline)) std::uint32_t peek(std::size_t k) {
    if (ordered_ == 0) return kNone;
    const std::size_t source = order_[0];
    if (source == kHeap) return k == 0 ? heap_.front().ticket.ref : kNone;
    const Ticket* t = lanes_[source].at(k);
    return t != nullptr ? t->ref : kNone;
  }
  // Prefetches a slot's cache lines.
  __attribute__((always_inline)) void prefetchSlot(std::uint32_t ref) {
    const char* p;
    std::size_t size;
    if (isDelivery(ref)) {
      p = reinterpret_cast<const char*>(&delivery(ref));
      size = sizeof(Delivery);
    } else {
      p = reinterpret_cast<const char*>(&timers_[ref]);
      size = sizeof(Timer);
    }
    __builtin_prefetch(p);
    __builtin_prefetch(p + size - 1);
  }
  // Whether refreshFront prefetches the slot of the ticket after a lane's new front (read
  // for its key as soon as it is the front). Off until the run loop turns it on (from
  // kPrefetchFromProcesses process slots on: Simulation::runUntil).
  void prefetchLanes(bool on) { lane_prefetch_ = on; }

  // Off (nullptr) by default. On: among the events due at the same time, the next to run
  // is drawn uniformly, with `rng`, from the first events of their order-keeping groups:
  // the deliveries from one address to another, the events of one process (its timers
  // and dispatches), and the harness's events. So two messages between the same pair of
  // processes, and two events of one process, keep their order, as in libprocess; the
  // draw is a pure function of the seed. Turning it off puts the rest of a batch back in
  // (time, sequence) order.
  void permuteTies(Rng* rng);

  // The queued events' references in the order they will run (with permuteTies on,
  // those already due now in sequence order: their order is drawn as they run).
  std::vector<std::uint32_t> pendingInOrder();

 private:
  // (time, sequence) as one number, so that one comparison orders two events.
  using Key = u128;
  static constexpr Key kNoKey = ~Key{0};
  static Key keyOf(std::int64_t at, std::uint64_t seq) {
    return (static_cast<Key>(static_cast<std::uint64_t>(at)) << 64) | seq;
  }
  static std::int64_t timeOfKey(Key key) { return static_cast<std::int64_t>(key >> 64); }
  Key keyOf(std::uint32_t ref) {
    if (isDelivery(ref)) {
      const Delivery& d = delivery(ref);
      return keyOf(d.at, d.seq);
    }
    const Timer& e = timers_[ref];
    return keyOf(e.at, e.seq);
  }
  struct Ticket {
    std::uint32_t ref;
    std::uint32_t gen;
  };
  struct HeapEntry {
    std::int64_t at;
    std::uint64_t seq;
    Ticket ticket;
    Key key() const { return keyOf(at, seq); }
  };

  // Slots in fixed chunks: they never move, and the store grows without the copy and
  // the doubled capacity of a vector. Free slots are linked through their `seq`.
  template <typename Slot>
  class Store {
   public:
    static constexpr std::uint32_t kChunkBits = 12;
    static constexpr std::uint32_t kChunk = 1U << kChunkBits;
    Slot& operator[](std::uint32_t i) { return chunks_[i >> kChunkBits][i & (kChunk - 1)]; }
    std::uint32_t size() const { return size_; }
    __attribute__((always_inline)) std::uint32_t take() {
      if (free_ != kNone) {
        const std::uint32_t i = free_;
        free_ = static_cast<std::uint32_t>((*this)[i].seq);
        return i;
      }
      return grow();
    }
    void give(std::uint32_t i) { (*this)[i].seq = giveTo(i); }
    // Puts slot i first in the free list; returns what the slot's `seq` must hold (the
    // next free slot), for a caller that has the slot at hand to store.
    std::uint32_t giveTo(std::uint32_t i) {
      const std::uint32_t next = free_;
      free_ = i;
      return next;
    }

   private:
    __attribute__((noinline)) std::uint32_t grow() {
      if ((size_ & (kChunk - 1)) == 0) chunks_.push_back(std::make_unique<Slot[]>(kChunk));
      return size_++;
    }
    std::vector<std::unique_ptr<Slot[]>> chunks_;
    std::uint32_t size_ = 0;
    std::uint32_t free_ = kNone;
  };

  // A lane's tickets: a FIFO in blocks, which grows and shrinks a block at a time and
  // never copies a ticket.
  class Fifo {
   public:
    static constexpr std::uint32_t kBlock = 4096;
    bool empty() const { return first_ == nullptr; }
    Ticket& front() { return first_[head_]; }
    // The k-th ticket if it is in the first block, else null.
    const Ticket* at(std::size_t k) const {
      if (first_ == nullptr) return nullptr;
      const std::size_t i = head_ + k;
      return i < (first_ == last_ ? tail_ : kBlock) ? &first_[i] : nullptr;
    }
    __attribute__((always_inline)) void push(const Ticket& t) {
      if (tail_ == kBlock) addBlock();
      last_[tail_++] = t;
    }
    void pop() {
      if (++head_ == kBlock || (head_ == tail_ && first_ == last_)) dropBlock();
    }
    template <typename F>
    void forEach(F&& f) const {
      for (std::size_t b = 0; b < blocks_.size(); ++b) {
        const std::uint32_t end = b + 1 == blocks_.size() ? tail_ : kBlock;
        for (std::uint32_t i = b == 0 ? head_ : 0; i < end; ++i) f(blocks_[b][i]);
      }
    }

   private:
    __attribute__((noinline)) void addBlock() {
      blocks_.push_back(spare_ ? std::move(spare_) : std::make_unique<Ticket[]>(kBlock));
      tail_ = 0;
      last_ = blocks_.back().get();
      first_ = blocks_.front().get();
    }
    __attribute__((noinline)) void dropBlock() {
      spare_ = std::move(blocks_.front());
      blocks_.erase(blocks_.begin());
      head_ = 0;
      if (blocks_.empty()) tail_ = kBlock;
      first_ = blocks_.empty() ? nullptr : blocks_.front().get();
      last_ = blocks_.empty() ? nullptr : blocks_.back().get();
    }
    // The first and last blocks (null when there is none), read without the vector.
    Ticket* first_ = nullptr;
    Ticket* last_ = nullptr;
    std::vector<std::unique_ptr<Ticket[]>> blocks_;
    std::unique_ptr<Ticket[]> spare_;  // the last block dropped, for the next one needed
    std::uint32_t head_ = 0;           // the first ticket, in the first block
    std::uint32_t tail_ = kBlock;      // past the last ticket, in the last block
  };

  // Sources of events: lanes 0 .. kLanes-1, and the heap.
  static constexpr std::size_t kLanes = 16;
  // How many of the last delays that found no lane are remembered (see findLane).
  static constexpr std::size_t kMissed = 16;
  static constexpr std::size_t kHeap = kLanes;
  static constexpr std::size_t kSources = kLanes + 1;

  bool live(const Ticket& t) { return isDelivery(t.ref) || timers_[t.ref].gen == t.gen; }
  std::uint32_t popped(const Ticket& t);
  std::size_t laneFor(std::int64_t delay, bool delivery);
  std::size_t findLane(std::int64_t delay, bool delivery);
  bool recurs(std::int64_t delay);
  // The source with the first event (and its key), or kSources if there is none.
  std::size_t firstSource(Key& key) const {
    if (ordered_ == 0) return kSources;
    const std::size_t source = order_[0];
    key = front_[source];
    return source;
  }
  __attribute__((always_inline)) Ticket take(std::size_t source);
  // Takes the next live event due at or before `until` in (time, sequence) order.
  __attribute__((always_inline)) bool takeNext(std::int64_t until, Ticket& out);
  // The order of the sources: one comes in (it had no events), or the first one's key
  // went up (it lost its first event), or the heap's went down (a new first event).
  void enter(std::size_t source);
  __attribute__((always_inline)) void firstMoved();
  void heapMovedUp();
  __attribute__((always_inline)) void refreshFront(std::size_t lane);
  void pushHeap(const HeapEntry& entry);
  HeapEntry popHeap();
  void pushBackToHeap(const Ticket& t);  // (time, sequence) read from its slot

  // permuteTies: the events due at the batch's time, in groups that keep their order.
  using GroupKey = std::tuple<int, std::uint64_t, std::uint64_t>;
  std::uint32_t popPermuted(std::int64_t until);
  GroupKey groupOf(const Ticket& t);
  void gather();
  void addToBatch(const Ticket& t);
  std::uint32_t drawFromBatch();
  void endBatch();
  struct Batch {
    std::int64_t at = 0;
    struct Entry {
      Ticket ticket;
      std::uint32_t next = kNone;
    };
    struct Group {
      std::uint32_t head = kNone;
      std::uint32_t tail = kNone;
    };
    std::vector<Entry> entries;  // in sequence order
    std::vector<Group> groups;
    std::vector<std::uint32_t> active;  // groups with events left
    std::map<GroupKey, std::uint32_t> index;  // looked up only: its order decides nothing
    bool empty() const { return active.empty(); }
  };

  Store<Timer> timers_;
  Store<Delivery> deliveries_;
  std::int64_t lane_delay_[kLanes] = {};
  Fifo lanes_[kLanes];
  std::size_t lane_count_ = 0;
  std::size_t lane_hint_[2] = {0, 0};  // the lane of the last timer, and delivery, pushed
  std::uint64_t lane_used_[kLanes] = {};  // the sequence of each lane's last event
  std::int64_t missed_[kMissed] = {};     // the last delays that found no lane (-1: none)
  std::size_t missed_next_ = 0;
  std::vector<HeapEntry> heap_;
  // The key of each source's first ticket (a lane's may be of a ticket cancelled since:
  // it still comes no later than the lane's live tickets, so taking it first, and
  // dropping it, is right), and the sources with tickets in the order of those keys.
  // order_[ordered_] is always kSources, a sentinel whose key (kNoKey) comes after any
  // event's, so that walking the order needs no bound check.
  Key front_[kSources + 1] = {};
  std::uint8_t order_[kSources + 1] = {static_cast<std::uint8_t>(kSources)};
  std::size_t ordered_ = 0;
  std::uint64_t next_seq_ = 0;
  std::size_t size_ = 0;
  Rng* ties_ = nullptr;
  Batch batch_;
  bool lane_prefetch_ = false;  // prefetchLanes
};

// The hot paths (every event takes them), inline.

inline void EventQueue::push(std::uint32_t ref, std::int64_t at, std::int64_t now) {
  AGENTSIM_ASSERT(at >= now);  // now >= 0: the clock starts at 0 and never goes back
  const std::uint64_t seq = next_seq_++;
  Ticket t{ref, 0};
  if (isDelivery(ref)) {
    Delivery& d = delivery(ref);
    d.at = at;
    d.seq = seq;
  } else {
    Timer& e = timers_[ref];
    e.at = at;
    e.seq = seq;
    t.gen = e.gen;
  }
  ++size_;
  const std::size_t lane = laneFor(at - now, isDelivery(ref));
  if (lane == kHeap) {
    pushHeap(HeapEntry{at, seq, t});
    return;
  }
  Fifo& q = lanes_[lane];
  const bool entering = q.empty();
  q.push(t);
  lane_used_[lane] = seq;
  if (entering) {
    front_[lane] = keyOf(at, seq);
    enter(lane);
  }
}

inline EventQueue::Ticket EventQueue::take(std::size_t source) {
  if (source == kHeap) return popHeap().ticket;
  const Ticket t = lanes_[source].front();
  lanes_[source].pop();
  refreshFront(source);
  return t;
}

// Drops the cancelled tickets at the lane's front and notes the key of the first live
// one; the lane is the first source.
inline void EventQueue::refreshFront(std::size_t lane) {
  Fifo& q = lanes_[lane];
  while (!q.empty() && !live(q.front())) q.pop();
  if (lane_prefetch_) {
    if (const Ticket* t = q.at(1)) prefetchSlot(t->ref);
  }
  front_[lane] = q.empty() ? kNoKey : keyOf(q.front().ref);
  firstMoved();
}

inline void EventQueue::firstMoved() {
  const std::uint8_t first = order_[0];
  const Key key = front_[first];
  std::size_t i = 0;
  if (key == kNoKey) {  // it has no events left
    --ordered_;
    for (; i <= ordered_; ++i) order_[i] = order_[i + 1];  // the sentinel moves down too
    return;
  }
  while (front_[order_[i + 1]] < key) {  // the sentinel ends it
    order_[i] = order_[i + 1];
    ++i;
  }
  order_[i] = first;
}

inline bool EventQueue::cancel(std::uint32_t slot, std::uint32_t gen) {
  if (slot >= timers_.size()) return false;
  Timer& e = timers_[slot];
  if (e.gen != gen) return false;
  ++e.gen;  // its ticket is stale now
  releaseTimer(e, slot);
  --size_;
  return true;
}

inline std::uint32_t EventQueue::popNext(std::int64_t until) {
  if (ties_ != nullptr) return popPermuted(until);
  Ticket t{};
  if (!takeNext(until, t)) return kNone;
  return popped(t);
}

inline void EventQueue::release(std::uint32_t ref) {
  if (isDelivery(ref)) {
    releaseDelivery(delivery(ref), ref);
  } else {
    releaseTimer(timers_[ref], ref);
  }
}

inline std::uint32_t EventQueue::popped(const Ticket& t) {
  --size_;
  if (!isDelivery(t.ref)) ++timers_[t.ref].gen;  // out of the queue: cancel does nothing now
  return t.ref;
}

inline std::size_t EventQueue::laneFor(std::int64_t delay, bool delivery) {
  const std::size_t hint = lane_hint_[delivery ? 1 : 0];
  if (hint < lane_count_ && lane_delay_[hint] == delay) return hint;
  return findLane(delay, delivery);
}

inline bool EventQueue::takeNext(std::int64_t until, Ticket& out) {
  for (;;) {
    Key key;
    const std::size_t source = firstSource(key);
    if (source == kSources || timeOfKey(key) > until) return false;
    out = take(source);
    if (live(out)) return true;
  }
}

}  // namespace agentsim::sim
