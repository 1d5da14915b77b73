#include "model/common/id.hpp"

#include <cstdint>
#include <functional>
#include <vector>

#include "sim/linear_probe.hpp"

namespace agentsim::model {
namespace {

// The intern table: each text once, on the heap (an Id points at it, so it never moves),
// found through a flat index (open addressing with linear probing in a power-of-two array
// at most four fifths full): a slot holds the text's hash beside its pointer, so a look-up
// reads one slot and compares the text only when the whole hash matches (a node-based
// set read a bucket and then a node: at bench_tasks A=1000 each new container id, a
// random UUID, is looked up among 100,000 live ones). Erasing shifts the probe run back
// (no tombstones). Never iterated, so its order cannot reach a trace.
class Texts {
 public:
  const Id::Text* intern(std::string_view text) {
    const std::size_t h = hash(text);
    std::size_t i = probe(h, text);
    if (slots_[i].text != nullptr) return slots_[i].text;
    if ((size_ + 1) * 5 > slots_.size() * 4) {
      grow();
      i = probe(h, text);
    }
    slots_[i] = Slot{h, new Id::Text{std::string(text), h}};
    ++size_;
    return slots_[i].text;
  }
  void forget(const Id::Text& text) {
    std::size_t i = probe(text.hash, text.text);
    delete slots_[i].text;
    --size_;
    sim::eraseFromProbeRun(
        slots_, i, [](const Slot& s) { return s.text == nullptr; }, [](const Slot& s) { return s.hash; });
  }
  std::size_t size() const { return size_; }

 private:
  struct Slot {
    std::size_t hash = 0;
    Id::Text* text = nullptr;  // null: empty
  };
  static std::size_t hash(std::string_view text) { return std::hash<std::string_view>{}(text); }
  std::size_t mask() const { return slots_.size() - 1; }
  // The slot holding `text`, or the empty slot where it would go.
  std::size_t probe(std::size_t h, std::string_view text) const {
    for (std::size_t i = h & mask();; i = (i + 1) & mask()) {
      const Slot& s = slots_[i];
      if (s.text == nullptr || (s.hash == h && s.text->text == text)) return i;
    }
  }
  void grow() {
    // The larger array is allocated before the table lets go of its slots.
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.text == nullptr) continue;
      std::size_t i = s.hash & mask();
      while (slots_[i].text != nullptr) i = (i + 1) & mask();
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_ = std::vector<Slot>(64);  // lookup only: never iterated but to rebuild it
  std::size_t size_ = 0;
};

Texts& table() {
  static auto* texts = new Texts;  // never destroyed: an Id may outlive static destruction
  return *texts;
}

}  // namespace

Id::Id(std::string_view text) {
  if (text.empty()) return;
  t_ = table().intern(text);
  retain();
}

void Id::forget(const Text& text) { table().forget(text); }

std::size_t Id::interned() { return table().size(); }

std::size_t Id::emptyHash() {
  static const std::size_t kHash = std::hash<std::string_view>{}(std::string_view());
  return kHash;
}

const std::string& Id::none() {
  static const std::string kEmpty;
  return kEmpty;
}

}  // namespace agentsim::model
