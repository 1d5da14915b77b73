#pragma once
// DockerContainerizer (src/slave/containerizer/docker.cpp), process
// docker-containerizer(1) (the id is inferred, see docs/startup.md): runs DOCKER
// containers only. DockerContainerizer::create first asks the docker daemon for its
// version (Docker::validateVersion, `docker -H unix:///var/run/docker.sock --version`)
// and gives up after DOCKER_VERSION_WAIT_TIMEOUT (5secs) when no daemon answers.
#include "model/slave/containerizer/containerizer.hpp"

namespace agentsim::model {

// agentsim's choice (image already pulled, `docker run`): not a Mesos constant.
inline constexpr sim::Duration kDockerContainerizerLaunchLatency = sim::Milliseconds(500);

class DockerContainerizer final : public FakeContainerizer {
 public:
  explicit DockerContainerizer(Fetcher* fetcher)
      : FakeContainerizer(sim::ProcessName::generated("docker-containerizer"), fetcher,
                          kDockerContainerizerLaunchLatency) {}
  std::string_view source() const override { return "src/slave/containerizer/docker.cpp"; }
  std::string_view className() const override { return "DockerContainerizerProcess"; }
  bool supports(ContainerType type) const override { return type == ContainerType::DOCKER; }
};

}  // namespace agentsim::model
