#pragma once
// A libprocess address in its text form ("slave(1)@agent-1:5051", as UPID's operator<<
// prints it and checkpoints keep it), read back into the kernel's interned address.
#include <optional>
#include <string>

#include "sim/simulation.hpp"

namespace agentsim::model {

// None for text that is not "id@host:port" with a port in [0, 65535]. The id may be
// empty: the empty UPID prints "@0.0.0.0:0" (a leader's unparsable ZooKeeper data), an
// address on no host, where a message is lost.
inline std::optional<sim::Upid> parseUpid(sim::Simulation& sim, const std::string& text) {
  const auto at = text.find('@');
  const auto colon = text.rfind(':');
  if (at == std::string::npos || colon == std::string::npos || colon < at || colon + 1 >= text.size()) {
    return std::nullopt;
  }
  std::uint32_t port = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) return std::nullopt;
    port = port * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (port > 65535) return std::nullopt;
  return sim.upid(text.substr(0, at), text.substr(at + 1, colon - at - 1), static_cast<std::uint16_t>(port));
}

// The leading master's address, parsed once per MasterInfo pid: the agent and the
// scheduler send to it on every message.
class MasterPid {
 public:
  sim::Upid get(sim::Simulation& sim, const std::string& pid) {
    if (pid != text_) {
      upid_ = parseUpid(sim, pid).value_or(sim::Upid{});
      text_ = pid;
    }
    return upid_;
  }

 private:
  std::string text_;
  sim::Upid upid_;
};

}  // namespace agentsim::model
