#include "model/slave/containerizer/composing.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace agentsim::model {

void ComposingContainerizer::launch(ContainerConfig config, sim::Upid caller, Launched done) {
  dispatch("launch", [this, config = std::move(config), caller, done = std::move(done)]() mutable {
    if (owners_.count(config.container_id) != 0) {
      const std::string error = fmt::format("Duplicate container found");
      reply(caller, "Containerizer::launch", [done, error] { done(sim::Error{error}); });
      return;
    }
    tryLaunch(std::move(config), 0, caller, std::move(done));
  });
}

void ComposingContainerizer::tryLaunch(ContainerConfig config, std::size_t index, sim::Upid caller, Launched done) {
  if (index == containerizers_.size()) {
    log(fmt::format("No containerizer can run container {}", config.container_id));
    reply(caller, "Containerizer::launch", [done] { done(false); });
    return;
  }
  Containerizer* next = containerizers_[index];
  const std::string id = config.container_id;
  owners_[id] = next;
  ContainerConfig copy = config;
  next->launch(std::move(copy), self(),
               [this, config = std::move(config), index, caller, done, id](const sim::Try<bool>& r) mutable {
                 if (r.isError() || *r) {
                   if (r.isError()) owners_.erase(id);
                   reply(caller, "Containerizer::launch", [done, r] { done(r); });
                   return;
                 }
                 owners_.erase(id);
                 tryLaunch(std::move(config), index + 1, caller, std::move(done));
               });
}

void ComposingContainerizer::wait(std::string containerId, sim::Upid caller, Waited done) {
  dispatch("wait", [this, containerId = std::move(containerId), caller, done = std::move(done)] {
    auto it = owners_.find(containerId);
    if (it == owners_.end()) {
      const std::string error = std::string(kUnknownContainer) + containerId;
      reply(caller, "Containerizer::wait", [done, error] { done(sim::Error{error}); });
      return;
    }
    it->second->wait(containerId, caller, done);
  });
}

void ComposingContainerizer::destroy(std::string containerId) {
  dispatch("destroy", [this, containerId = std::move(containerId)] {
    auto it = owners_.find(containerId);
    if (it != owners_.end()) it->second->destroy(containerId);
  });
}

void ComposingContainerizer::usage(std::string containerId, sim::Upid caller, Usage done) {
  dispatch("usage", [this, containerId = std::move(containerId), caller, done = std::move(done)] {
    auto it = owners_.find(containerId);
    if (it == owners_.end()) {
      const std::string error = "Unknown container: " + containerId;
      reply(caller, "Containerizer::usage", [done, error] { done(sim::Error{error}); });
      return;
    }
    it->second->usage(containerId, caller, done);
  });
}

std::vector<std::string> ComposingContainerizer::containers() const {
  std::vector<std::string> out;
  for (Containerizer* c : containerizers_) {
    for (auto& id : c->containers()) out.push_back(id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void ComposingContainerizer::recover(std::vector<RecoveredContainer> containers, sim::Upid caller,
                                     std::function<void()> done) {
  dispatch("recover", [this, containers = std::move(containers), caller, done = std::move(done)]() mutable {
    if (containerizers_.empty()) {
      reply(caller, "Slave::_recover", done);
      return;
    }
    for (const RecoveredContainer& r : containers) owners_[r.container_id] = containerizers_.front();
    containerizers_.front()->recover(std::move(containers), caller, std::move(done));
  });
}

std::string ComposingContainerizer::owner(const std::string& containerId) const {
  auto it = owners_.find(containerId);
  return it == owners_.end() ? std::string() : std::string(it->second->id());
}

}  // namespace agentsim::model
