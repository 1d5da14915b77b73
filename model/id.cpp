#include "model/id.hpp"

#include <unordered_set>  // lookup only: the intern table

namespace agentsim::model {
namespace {

struct Hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

// Never iterated, so its order cannot reach a trace; node-based, so texts never move.
using Texts = std::unordered_set<std::string, Hash, std::equal_to<>>;  // lookup only

Texts& table() {
  static Texts texts;
  return texts;
}

}  // namespace

Id::Id(std::string_view text) {
  if (text.empty()) {
    s_ = &none();
    return;
  }
  auto& texts = table();
  auto it = texts.find(text);
  if (it == texts.end()) it = texts.emplace(text).first;
  s_ = &*it;
}

const std::string& Id::none() {
  static const std::string kEmpty;
  return kEmpty;
}

}  // namespace agentsim::model
