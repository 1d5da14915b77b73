#pragma once
// The uuid of a status update and of its acknowledgement (StatusUpdate.uuid, bytes in
// messages.proto; id::UUID in Mesos), as the model carries it from hop to hop: the 16
// bytes of a UUID's text in UuidBytes' form (every update an executor or agent makes:
// randomUuidBytes), so that a copy is 24 bytes in place, a comparison two words and no hop
// allocates, parses or prints it; any other text (a scenario's spoofed or rewritten
// uuid, "", upper case, the nil UUID's text) kept as it came, boxed. str() and fmt give
// back the text, character for character, so every record, story line and check reads
// what it read when the uuid was a std::string; two Uuids are equal exactly when their
// texts are.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "model/common/boxed.hpp"
#include "model/common/uuid_bytes.hpp"

namespace agentsim::model {

class Uuid {
 public:
  Uuid() = default;  // empty: "" (no acknowledgement expected)
  Uuid(std::string_view text) {  // NOLINT(google-explicit-constructor): a uuid is read as text
    if (text.empty()) return;
    if (const auto bytes = UuidBytes::parse(text); bytes && !bytes->isNil()) {
      bytes_ = *bytes;
    } else {
      text_ = std::string(text);  // the nil UUID's text too: all-zero bytes mean empty
    }
  }
  Uuid(const std::string& text) : Uuid(std::string_view(text)) {}  // NOLINT
  Uuid(const char* text) : Uuid(std::string_view(text)) {}         // NOLINT
  explicit Uuid(const UuidBytes& bytes) {
    if (bytes.isNil()) {
      text_ = bytes.str();
    } else {
      bytes_ = bytes;
    }
  }

  bool empty() const { return !text_ && bytes_.isNil(); }
  void clear() { *this = Uuid(); }
  // The 16 bytes, when the text is a UUID's in UuidBytes' form (not the nil UUID's).
  const UuidBytes* bytes() const { return text_ || bytes_.isNil() ? nullptr : &bytes_; }
  // The text as it came, when it is not a UUID's in UuidBytes' form.
  const std::string* text() const { return text_ ? &*text_ : nullptr; }
  std::string str() const {
    if (text_) return *text_;
    return bytes_.isNil() ? std::string() : bytes_.str();
  }
  operator std::string() const { return str(); }  // NOLINT(google-explicit-constructor)

  friend bool operator==(const Uuid& a, const Uuid& b) {
    if (a.text_ || b.text_) return a.text_ && b.text_ && *a.text_ == *b.text_;
    return a.bytes_ == b.bytes_;
  }
  friend bool operator==(const Uuid& a, std::string_view b) { return a == Uuid(b); }
  friend bool operator==(const Uuid& a, const std::string& b) { return a == Uuid(b); }
  friend bool operator==(const Uuid& a, const char* b) { return a == Uuid(b); }

 private:
  UuidBytes bytes_;          // all zero: no bytes (empty, or the text below)
  Boxed<std::string> text_;  // set: a text UuidBytes cannot give back
};

}  // namespace agentsim::model

template <>
struct fmt::formatter<agentsim::model::Uuid> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const agentsim::model::Uuid& uuid, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(std::string_view(uuid.str()), ctx);
  }
};
