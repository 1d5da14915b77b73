#pragma once
// ModuleManager (src/module/manager.hpp): the modules an agent loaded with --modules,
// and create<T>(name) with Mesos's errors. In Mesos it is process-wide static state;
// here each agent's startup owns one, so simulated agents do not share modules.
//
// Simplification: Mesos's --modules is a JSON manifest of shared libraries; agentsim's
// is a comma-separated list of module names from a fixed catalogue (kModuleCatalogue).
// A name outside the catalogue fails as a library without that symbol would.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim/try.hpp"

namespace agentsim::model {

// A module the simulation can load: its name and kind (Mesos's kind<T>() string).
struct ModuleInfo {
  std::string_view name;
  std::string_view kind;  // "Hook", "ResourceEstimator", "QoSController", "Authorizer", ...
  std::string_view source;
};

// Every module agentsim knows, sorted by name.
const std::vector<ModuleInfo>& moduleCatalogue();

class ModuleManager {
 public:
  // ModuleManager::load: loads each named module; the first unknown one fails (and,
  // as in Mesos, the modules before it stay loaded).
  sim::Try<sim::Nothing> load(std::string_view modules);

  // ModuleManager::contains<T>: loaded, and of that kind.
  bool contains(std::string_view name, std::string_view kind) const;
  // ModuleManager::create<T>: "Module 'x' unknown", or the kind mismatch.
  sim::Try<const ModuleInfo*> create(std::string_view name, std::string_view kind) const;
  // Loaded modules, sorted by name.
  std::vector<std::string> loaded() const;
  // A module's parameters (the manifest's "parameters": key/value pairs).
  void setParameters(std::map<std::string, std::map<std::string, std::string>> parameters) {
    parameters_ = std::move(parameters);
  }
  std::map<std::string, std::string> parameters(std::string_view name) const {
    auto it = parameters_.find(std::string(name));
    return it == parameters_.end() ? std::map<std::string, std::string>{} : it->second;
  }

 private:
  std::map<std::string, const ModuleInfo*, std::less<>> loaded_;
  std::map<std::string, std::map<std::string, std::string>> parameters_;
};

// Splits a comma-separated flag value as strings::split (empty tokens kept).
std::vector<std::string> splitList(std::string_view text);

}  // namespace agentsim::model
