#pragma once
// HookManager (src/hook/manager.cpp): the hook modules installed with --hooks, and the
// hook points the agent calls. Hooks fire where Mesos calls them; this slice has one
// such place, Slave::initialize, which asks slaveResourcesDecorator and
// slaveAttributesDecorator to decorate the SlaveInfo (the task and executor hooks come
// with tasks). org_apache_mesos_TestHook decorates as Mesos's test hook does: cpus
// forced to 4, a set resource foo:{bar,baz} added, attribute rack:rack1 added.
#include <string>
#include <string_view>
#include <vector>

#include "model/module/manager.hpp"
#include "sim/try.hpp"

namespace agentsim::model {

class HookManager {
 public:
  // HookManager::initialize(--hooks), in list order.
  sim::Try<sim::Nothing> initialize(std::string_view hookList, const ModuleManager& modules);
  bool hooksAvailable() const { return !hooks_.empty(); }
  const std::vector<std::string>& hooks() const { return hooks_; }

  // HookManager::slaveResourcesDecorator: every hook in turn may rewrite the resources
  // ("cpus:1;mem:1024;..."). Returns the decorated text.
  std::string slaveResourcesDecorator(std::string resources) const;
  // HookManager::slaveAttributesDecorator: attributes as "name:value;..." text.
  std::string slaveAttributesDecorator(std::string attributes) const;

 private:
  std::vector<std::string> hooks_;
};

}  // namespace agentsim::model
