#pragma once
// VersionProcess (src/version/version.cpp): the process "version", spawned by main()
// right after libprocess is initialised. In Mesos it serves GET /version; here it
// only exists, so that a student sees it in the host's process list.
#include "sim/process.hpp"

namespace agentsim::model {

inline constexpr std::string_view kMesosVersion = "1.1.0";

class VersionProcess final : public sim::Process {
 public:
  VersionProcess() : sim::Process(sim::ProcessName::fixed("version")) {}
  std::string_view source() const override { return "src/version/version.cpp"; }
  std::string_view className() const override { return "VersionProcess"; }
};

}  // namespace agentsim::model
