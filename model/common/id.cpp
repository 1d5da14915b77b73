#include "model/common/id.hpp"

#include <functional>
#include <unordered_set>  // lookup only: the intern table

namespace agentsim::model {
namespace {

struct Hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  std::size_t operator()(const Id::Text& t) const noexcept { return (*this)(std::string_view(t.text)); }
};

struct Equal {
  using is_transparent = void;
  static std::string_view view(std::string_view s) { return s; }
  static std::string_view view(const Id::Text& t) { return t.text; }
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return view(a) == view(b);
  }
};

// Never iterated, so its order cannot reach a trace; node-based, so texts never move.
using Texts = std::unordered_set<Id::Text, Hash, Equal>;  // lookup only

Texts& table() {
  static auto* texts = new Texts;  // never destroyed: an Id may outlive static destruction
  return *texts;
}

}  // namespace

Id::Id(std::string_view text) {
  if (text.empty()) return;
  Texts& texts = table();
  auto it = texts.find(text);
  if (it == texts.end()) it = texts.insert(Text{std::string(text)}).first;
  t_ = &*it;
  retain();
}

void Id::forget(const Text& text) {
  Texts& texts = table();
  texts.erase(texts.find(std::string_view(text.text)));
}

std::size_t Id::interned() { return table().size(); }

const std::string& Id::none() {
  static const std::string kEmpty;
  return kEmpty;
}

}  // namespace agentsim::model
