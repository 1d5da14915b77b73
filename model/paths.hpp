#pragma once
// Checkpoint paths of the agent's meta directory (src/slave/paths.hpp, paths.cpp).
#include <string>

namespace agentsim::model::paths {

inline std::string metaDir(const std::string& workDir) { return workDir + "/meta"; }
// meta/slaves/latest: in Mesos a symlink to the current agent's directory; here a
// file holding its SlaveID.
inline std::string latestSlavePath(const std::string& metaDir) { return metaDir + "/slaves/latest"; }
inline std::string slaveInfoPath(const std::string& metaDir, const std::string& slaveId) {
  return metaDir + "/slaves/" + slaveId + "/slave.info";
}

}  // namespace agentsim::model::paths
