#pragma once
// ComposingContainerizer (src/slave/containerizer/composing.cpp), process
// composing-containerizer(1): main() builds it when --containerizers names more than
// one. launch asks each containerizer in turn, in the order it was given, until one
// answers true (none: false); wait, destroy and usage go to the one that launched the
// container. Containerizer::create hands it the containerizers in std::set order, so
// "mesos,docker" composes docker first (reference/mesos-agent.md §1, step 15: an
// inference from the code; the flag's help text says the flag's order).
#include <map>
#include <string>
#include <vector>

#include "model/slave/containerizer/containerizer.hpp"

namespace agentsim::model {

class ComposingContainerizer final : public Containerizer {
 public:
  explicit ComposingContainerizer(std::vector<Containerizer*> containerizers)
      : Containerizer(sim::ProcessName::generated("composing-containerizer")), containerizers_(std::move(containerizers)) {}
  std::string_view source() const override { return "src/slave/containerizer/composing.cpp"; }
  std::string_view className() const override { return "ComposingContainerizerProcess"; }

  void launch(ContainerConfig config, sim::Upid caller, Launched done) override;
  void wait(std::string containerId, sim::Upid caller, Waited done) override;
  void destroy(std::string containerId) override;
  void usage(std::string containerId, sim::Upid caller, Usage done) override;
  std::vector<std::string> containers() const override;
  // Simplified: the first containerizer recovers every checkpointed container (Mesos's
  // each recover their own kind).
  void recover(std::vector<RecoveredContainer> containers, sim::Upid caller, std::function<void()> done) override;

  const std::vector<Containerizer*>& containerizers() const { return containerizers_; }
  // Which containerizer launched a container (its process id), or "".
  std::string owner(const std::string& containerId) const;

 private:
  void tryLaunch(ContainerConfig config, std::size_t index, sim::Upid caller, Launched done);

  std::vector<Containerizer*> containerizers_;
  std::map<std::string, Containerizer*> owners_;
};

}  // namespace agentsim::model
