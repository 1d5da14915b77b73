#include "model/module/manager.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace agentsim::model {

const std::vector<ModuleInfo>& moduleCatalogue() {
  static const std::vector<ModuleInfo> catalogue{
      {"org_apache_mesos_FixedResourceEstimator", "ResourceEstimator", "src/slave/resource_estimators/fixed.cpp"},
      {"org_apache_mesos_MockResourceEstimator", "ResourceEstimator", "src/tests/mesos.hpp"},
      {"org_apache_mesos_LoadQoSController", "QoSController", "src/slave/qos_controllers/load.cpp"},
      {"org_apache_mesos_TestHook", "Hook", "src/examples/test_hook_module.cpp"},
  };
  return catalogue;
}

std::vector<std::string> splitList(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto comma = text.find(',', start);
    out.emplace_back(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

sim::Try<sim::Nothing> ModuleManager::load(std::string_view modules) {
  for (const std::string& name : splitList(modules)) {
    const auto& catalogue = moduleCatalogue();
    auto it = std::find_if(catalogue.begin(), catalogue.end(), [&](const ModuleInfo& m) { return m.name == name; });
    if (it == catalogue.end()) {
      std::vector<std::string_view> known;
      for (const auto& m : catalogue) known.push_back(m.name);
      return sim::Error{fmt::format("Error loading module '{}': no module of that name in agentsim's catalogue "
                                    "(known: {})",
                                    name, fmt::join(known, ", "))};
    }
    loaded_[name] = &*it;
  }
  return sim::Nothing{};
}

bool ModuleManager::contains(std::string_view name, std::string_view kind) const {
  auto it = loaded_.find(name);
  return it != loaded_.end() && it->second->kind == kind;
}

sim::Try<const ModuleInfo*> ModuleManager::create(std::string_view name, std::string_view kind) const {
  auto it = loaded_.find(name);
  if (it == loaded_.end()) return sim::Error{fmt::format("Module '{}' unknown", name)};
  if (it->second->kind != kind) {
    return sim::Error{fmt::format("Error creating module instance for '{}': module is of kind '{}', but the requested "
                                  "kind is '{}'",
                                  name, it->second->kind, kind)};
  }
  return it->second;
}

std::vector<std::string> ModuleManager::loaded() const {
  std::vector<std::string> out;
  for (const auto& [name, info] : loaded_) out.push_back(name);
  return out;
}

}  // namespace agentsim::model
