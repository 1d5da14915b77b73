#pragma once
// A UUID's text ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lower-case hex: what
// randomUuid and id::UUID::toString() write) held as its 16 bytes, as Mesos holds a
// UUID (id::UUID, a boost::uuids::uuid) and prints it only when asked. For a record that
// keeps a UUID it made itself for a long time: 16 bytes in place instead of a 36-character
// text on the heap. str() gives back the same text, character for character.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agentsim::model {

class UuidBytes {
 public:
  UuidBytes() = default;  // all zero: "00000000-0000-0000-0000-000000000000"

  // The bytes of `text` if it is a UUID's text as above; none otherwise (other case,
  // length or dashes), since str() could not give it back.
  static std::optional<UuidBytes> parse(std::string_view text) {
    if (text.size() != kLength) return std::nullopt;
    for (std::size_t dash : kDashes) {
      if (text[dash] != '-') return std::nullopt;
    }
    UuidBytes out;
    for (std::size_t b = 0; b < 16; ++b) {
      const int hi = digit(text[kAt[b]]);
      const int lo = digit(text[kAt[b] + 1]);
      if ((hi | lo) < 0) return std::nullopt;
      out.bytes_[b] = static_cast<std::uint8_t>((hi << 4) | lo);
    }
    return out;
  }

  // The UUID whose text is "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" (each field in hex,
  // `e` 48 bits): what randomUuid prints, without the text.
  static UuidBytes fromFields(std::uint32_t a, std::uint16_t b, std::uint16_t c, std::uint16_t d, std::uint64_t e) {
    UuidBytes out;
    for (int i = 0; i < 4; ++i) out.bytes_[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(a >> (24 - 8 * i));
    out.bytes_[4] = static_cast<std::uint8_t>(b >> 8);
    out.bytes_[5] = static_cast<std::uint8_t>(b);
    out.bytes_[6] = static_cast<std::uint8_t>(c >> 8);
    out.bytes_[7] = static_cast<std::uint8_t>(c);
    out.bytes_[8] = static_cast<std::uint8_t>(d >> 8);
    out.bytes_[9] = static_cast<std::uint8_t>(d);
    for (int i = 0; i < 6; ++i) out.bytes_[static_cast<std::size_t>(10 + i)] = static_cast<std::uint8_t>(e >> (40 - 8 * i));
    return out;
  }

  bool isNil() const { return *this == UuidBytes(); }

  std::string str() const {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(kLength, '-');
    for (std::size_t b = 0; b < 16; ++b) {
      out[kAt[b]] = kHex[bytes_[b] >> 4];
      out[kAt[b] + 1] = kHex[bytes_[b] & 0xfU];
    }
    return out;
  }

  friend bool operator==(const UuidBytes&, const UuidBytes&) = default;

 private:
  static constexpr std::size_t kLength = 36;
  static constexpr std::size_t kDashes[] = {8, 13, 18, 23};
  // Where each byte's two digits start in the text.
  static constexpr std::size_t kAt[] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};
  static constexpr int digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  }
  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace agentsim::model
