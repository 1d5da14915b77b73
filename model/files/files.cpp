#include "model/files/files.hpp"

namespace agentsim::model {

void Files::attach(std::string path, std::string virtualPath) {
  dispatch("FilesProcess::attach", [this, path = std::move(path), virtualPath = std::move(virtualPath)] {
    log("Attached '" + path + "' to '" + virtualPath + "'", {{"path", path}, {"virtual", virtualPath}});
    paths_[virtualPath] = path;
  });
}

void Files::detach(std::string virtualPath) {
  dispatch("FilesProcess::detach", [this, virtualPath = std::move(virtualPath)] {
    if (paths_.erase(virtualPath) != 0) log("Detached '" + virtualPath + "'", {{"virtual", virtualPath}});
  });
}

std::optional<std::string> Files::resolve(const std::string& virtualPath) const {
  auto it = paths_.find(virtualPath);
  if (it == paths_.end()) return std::nullopt;
  return it->second;
}

}  // namespace agentsim::model
