#pragma once
// MesosContainerizer (src/slave/containerizer/mesos/containerizer.cpp), process
// mesos-containerizer(1): runs containers without a ContainerInfo or of type MESOS,
// and answers false for DOCKER ones (so a ComposingContainerizer asks the next).
#include "model/slave/containerizer/containerizer.hpp"

namespace agentsim::model {

// agentsim's choice (fork, isolators' prepare): not a Mesos constant.
inline constexpr sim::Duration kMesosContainerizerLaunchLatency = sim::Milliseconds(50);

class MesosContainerizer final : public FakeContainerizer {
 public:
  explicit MesosContainerizer(Fetcher* fetcher)
      : FakeContainerizer(sim::ProcessName::generated("mesos-containerizer"), fetcher, kMesosContainerizerLaunchLatency) {}
  std::string_view source() const override { return "src/slave/containerizer/mesos/containerizer.cpp"; }
  std::string_view className() const override { return "MesosContainerizerProcess"; }
  bool supports(ContainerType type) const override { return type != ContainerType::DOCKER; }
};

}  // namespace agentsim::model
