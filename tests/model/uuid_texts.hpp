#pragma once
// Texts in a status update's uuid field that are not a UUID's canonical lower-case text,
// so model::Uuid keeps each as it came (the tests of model/common/uuid.hpp and of each
// hop that carries one: model/slave, model/master, model/sched).
#include <string>
#include <vector>

namespace agentsim::testing {

inline const std::vector<std::string>& offFormUuidTexts() {
  static const std::vector<std::string> texts = {
      "0123ABCD-4567-89EF-A0B1-C2D3E4F5A6B7",           // upper case
      "0123abcd-4567-89ef-a0b1-C2d3e4f5a6b7",           // mixed case
      "{0123abcd-4567-89ef-a0b1-c2d3e4f5a6b7}",         // braces
      "urn:uuid:0123abcd-4567-89ef-a0b1-c2d3e4f5a6b7",  // a URN
      "0123abcd45670-89ef-a0b1-c2d3e4f5a6b7",           // 36 characters, a dash moved
      "0123abcd-4567-89ef-a0b1-c2d3e4f5a6g7",           // 36 characters, not hex
      "00000000-0000-0000-0000-000000000000",           // the nil UUID: bytes all zero
      "not-a-uuid",
      std::string("0123abcd-4567-89ef-a0b1-c2d3e4f5a6b\0", 36),  // an embedded NUL
  };
  return texts;
}

}  // namespace agentsim::testing
