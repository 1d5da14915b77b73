// TEMPORARY, delete once sim/ defines them: sim/message.hpp declares Upid::id(),
// Upid::host() and Upid::str(), but no file in sim/ defines them, so nothing that
// touches a Upid links. These definitions are weak: a strong definition added to
// sim/ (e.g. a new sim/message.cpp) replaces them without a duplicate-symbol error.
#include <string>

#include "sim/message.hpp"

namespace agentsim::sim {

namespace {
const std::string kNoText;
}  // namespace

__attribute__((weak)) const std::string& Upid::id() const {
  return entry() != nullptr ? entry()->id : kNoText;
}

__attribute__((weak)) const std::string& Upid::host() const {
  return entry() != nullptr ? entry()->host : kNoText;
}

__attribute__((weak)) const std::string& Upid::str() const {
  return entry() != nullptr ? entry()->full : kNoText;
}

}  // namespace agentsim::sim
