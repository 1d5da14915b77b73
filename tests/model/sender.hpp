#pragma once
// A process that sends whatever message a test tells it to (a spoofed or stray sender).
#include <utility>

#include "sim/process.hpp"

namespace agentsim::testing {

class Sender final : public sim::Process {
 public:
  Sender() : sim::Process(sim::ProcessName::generated("sender")) {}
  template <typename M>
  void sendTo(const sim::Upid& to, M m) {
    send(to, std::move(m));
  }
};

}  // namespace agentsim::testing
