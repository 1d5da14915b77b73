#pragma once
// An interned identifier (a FrameworkID or SlaveID value, mesos.proto): equal ids share
// one text, so a copy is a pointer and equality is a pointer comparison. The texts are
// kept for the life of the process (there are as many as frameworks and agents).
// Ordering is by text, as std::string's.
#include <compare>
#include <cstddef>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace agentsim::model {

class Id {
 public:
  Id() : s_(&none()) {}
  Id(std::string_view text);  // NOLINT(google-explicit-constructor): ids are read as text
  Id(const std::string& text) : Id(std::string_view(text)) {}  // NOLINT
  Id(const char* text) : Id(std::string_view(text)) {}         // NOLINT

  operator const std::string&() const { return *s_; }  // NOLINT
  const std::string& str() const { return *s_; }
  bool empty() const { return s_->empty(); }
  std::size_t size() const { return s_->size(); }

  friend bool operator==(const Id& a, const Id& b) { return a.s_ == b.s_; }
  friend bool operator==(const Id& a, const std::string& b) { return *a.s_ == b; }
  friend bool operator==(const Id& a, const char* b) { return *a.s_ == b; }
  friend std::strong_ordering operator<=>(const Id& a, const Id& b) {
    return a.s_ == b.s_ ? std::strong_ordering::equal : a.s_->compare(*b.s_) <=> 0;
  }
  friend std::string operator+(const Id& a, std::string_view b) { return *a.s_ + std::string(b); }
  friend std::string operator+(std::string_view a, const Id& b) { return std::string(a) + *b.s_; }

 private:
  static const std::string& none();
  const std::string* s_;
};

}  // namespace agentsim::model

template <>
struct fmt::formatter<agentsim::model::Id> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const agentsim::model::Id& id, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(std::string_view(id.str()), ctx);
  }
};
