#pragma once
// An interned identifier (a FrameworkID or SlaveID value, mesos.proto): equal ids share
// one text, so a copy is a pointer and a count, and equality is a pointer comparison.
// A text is kept while an Id names it, with its hash (std::hash<std::string_view> of the
// text, computed once at interning): std::hash<Id> and a look-up by Id in an IndexedMap
// read it and hash no bytes. Ordering is by text, as std::string's. Not for use from more
// than one thread (the model runs on one).
#include <compare>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace agentsim::model {

class Id {
 public:
  struct Text {
    std::string text;
    std::size_t hash = 0;  // std::hash<std::string_view>{}(text)
    mutable std::size_t refs = 0;
  };

  Id() = default;
  Id(std::string_view text);  // NOLINT(google-explicit-constructor): ids are read as text
  Id(const std::string& text) : Id(std::string_view(text)) {}  // NOLINT
  Id(const char* text) : Id(std::string_view(text)) {}         // NOLINT
  Id(const Id& o) : t_(o.t_) { retain(); }
  Id(Id&& o) noexcept : t_(std::exchange(o.t_, nullptr)) {}
  Id& operator=(const Id& o) {
    if (t_ != o.t_) {
      release();
      t_ = o.t_;
      retain();
    }
    return *this;
  }
  Id& operator=(Id&& o) noexcept {
    if (this != &o) {
      release();
      t_ = std::exchange(o.t_, nullptr);
    }
    return *this;
  }
  ~Id() { release(); }

  operator const std::string&() const { return str(); }  // NOLINT
  const std::string& str() const { return t_ != nullptr ? t_->text : none(); }
  bool empty() const { return t_ == nullptr; }
  std::size_t size() const { return str().size(); }
  // std::hash<std::string_view>{}(str()), kept since the text was interned.
  std::size_t hash() const { return t_ != nullptr ? t_->hash : emptyHash(); }
  static std::size_t interned();  // how many texts are held now

  friend bool operator==(const Id& a, const Id& b) { return a.t_ == b.t_; }
  friend bool operator==(const Id& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const Id& a, const char* b) { return a.str() == b; }
  friend std::strong_ordering operator<=>(const Id& a, const Id& b) {
    return a.t_ == b.t_ ? std::strong_ordering::equal : a.str().compare(b.str()) <=> 0;
  }
  friend std::string operator+(const Id& a, std::string_view b) { return a.str() + std::string(b); }
  friend std::string operator+(std::string_view a, const Id& b) { return std::string(a) + b.str(); }

 private:
  static const std::string& none();
  static std::size_t emptyHash();
  void retain() const {
    if (t_ != nullptr) ++t_->refs;
  }
  void release() {
    if (t_ != nullptr && --t_->refs == 0) forget(*t_);
    t_ = nullptr;
  }
  static void forget(const Text& text);  // the last Id of `text` went
  const Text* t_ = nullptr;  // null: the empty id
};

}  // namespace agentsim::model

template <>
struct std::hash<agentsim::model::Id> {
  std::size_t operator()(const agentsim::model::Id& id) const noexcept { return id.hash(); }
};

template <>
struct fmt::formatter<agentsim::model::Id> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const agentsim::model::Id& id, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(std::string_view(id.str()), ctx);
  }
};
