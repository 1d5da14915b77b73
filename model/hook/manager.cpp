#include "model/hook/manager.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace agentsim::model {

sim::Try<sim::Nothing> HookManager::initialize(std::string_view hookList, const ModuleManager& modules) {
  for (const std::string& hook : splitList(hookList)) {
    if (std::find(hooks_.begin(), hooks_.end(), hook) != hooks_.end()) {
      return sim::Error{fmt::format("Hook module '{}' already loaded", hook)};
    }
    if (!modules.contains(hook, "Hook")) return sim::Error{fmt::format("No hook module named '{}' available", hook)};
    auto created = modules.create(hook, "Hook");
    if (created.isError()) {
      return sim::Error{fmt::format("Failed to instantiate hook module '{}': {}", hook, created.error())};
    }
    hooks_.push_back(hook);
  }
  return sim::Nothing{};
}

std::string HookManager::slaveResourcesDecorator(std::string resources) const {
  for (const std::string& hook : hooks_) {
    if (hook != "org_apache_mesos_TestHook") continue;
    // TestHook: drop "cpus", keep the rest, add "cpus:4;foo:{bar,baz}".
    std::string kept;
    for (const std::string& r : [&] {
           std::vector<std::string> parts;
           std::size_t start = 0;
           while (start <= resources.size()) {
             const auto semi = resources.find(';', start);
             parts.push_back(resources.substr(start, semi == std::string::npos ? std::string::npos : semi - start));
             if (semi == std::string::npos) break;
             start = semi + 1;
           }
           return parts;
         }()) {
      if (r.empty() || r.rfind("cpus:", 0) == 0 || r.rfind("cpus(", 0) == 0) continue;
      kept += (kept.empty() ? "" : ";") + r;
    }
    resources = kept + (kept.empty() ? "" : ";") + "cpus:4;foo:{bar,baz}";
  }
  return resources;
}

std::string HookManager::slaveAttributesDecorator(std::string attributes) const {
  for (const std::string& hook : hooks_) {
    if (hook != "org_apache_mesos_TestHook") continue;
    attributes += (attributes.empty() ? "" : ";") + std::string("rack:rack1");
  }
  return attributes;
}

}  // namespace agentsim::model
