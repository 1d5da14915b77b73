#include <doctest/doctest.h>

#include <string>

#include "model/common/uuid_bytes.hpp"
#include "model/messages/status_update.hpp"
#include "sim/rng.hpp"

using agentsim::model::UuidBytes;

TEST_CASE("UuidBytes: 16 bytes that give back the UUID's text, character for character") {
  static_assert(sizeof(UuidBytes) == 16);
  agentsim::sim::Rng rng(7, "uuid");
  for (int i = 0; i < 200; ++i) {
    const std::string text = agentsim::model::randomUuid(rng);
    const auto bytes = UuidBytes::parse(text);
    REQUIRE(bytes.has_value());
    CHECK(bytes->str() == text);
  }
  const auto a = UuidBytes::parse("0123abcd-4567-89ef-a0b1-c2d3e4f5a6b7");
  REQUIRE(a.has_value());
  CHECK(a->str() == "0123abcd-4567-89ef-a0b1-c2d3e4f5a6b7");
  CHECK(*a == *UuidBytes::parse("0123abcd-4567-89ef-a0b1-c2d3e4f5a6b7"));
  CHECK_FALSE(*a == *UuidBytes::parse("0123abcd-4567-89ef-a0b1-c2d3e4f5a6b8"));
  CHECK(UuidBytes().str() == "00000000-0000-0000-0000-000000000000");
}

TEST_CASE("UuidBytes: a text str() could not give back does not parse") {
  CHECK_FALSE(UuidBytes::parse("").has_value());
  CHECK_FALSE(UuidBytes::parse("uuid-1").has_value());
  CHECK_FALSE(UuidBytes::parse("0123ABCD-4567-89ef-a0b1-c2d3e4f5a6b7").has_value());   // upper case
  CHECK_FALSE(UuidBytes::parse("0123abcd-4567-89ef-a0b1-c2d3e4f5a6b").has_value());    // short
  CHECK_FALSE(UuidBytes::parse("0123abcd-4567-89ef-a0b1-c2d3e4f5a6b77").has_value());  // long
  CHECK_FALSE(UuidBytes::parse("0123abcd04567-89ef-a0b1-c2d3e4f5a6b7").has_value());   // no dash
  CHECK_FALSE(UuidBytes::parse("0123abcd-4567-89ef-a0b1-c2d3e4f5a6g7").has_value());   // not hex
}
