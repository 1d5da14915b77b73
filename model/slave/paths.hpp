#pragma once
// Checkpoint and sandbox paths of the agent's work directory (src/slave/paths.hpp,
// paths.cpp), with Mesos's file names.
#include <initializer_list>
#include <string>
#include <string_view>

namespace agentsim::model::paths {

// A path of `parts`, built with one allocation (a chain of + grew the text at each part).
inline std::string join(std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (std::string_view part : parts) size += part.size();
  std::string path;
  path.reserve(size);
  for (std::string_view part : parts) path.append(part);
  return path;
}

inline std::string metaDir(const std::string& workDir) { return workDir + "/meta"; }
// meta/slaves/latest: in Mesos a symlink to the current agent's directory; here a
// file holding its SlaveID. runs/latest likewise holds a ContainerID.
inline std::string latestSlavePath(const std::string& metaDir) { return metaDir + "/slaves/latest"; }
inline std::string bootIdPath(const std::string& metaDir) { return metaDir + "/boot_id"; }
inline std::string slavePath(const std::string& metaDir, const std::string& slaveId) {
  return join({metaDir, "/slaves/", slaveId});
}
inline std::string slaveInfoPath(const std::string& metaDir, const std::string& slaveId) {
  return slavePath(metaDir, slaveId) + "/slave.info";
}
inline std::string frameworkPath(const std::string& root, const std::string& slaveId, const std::string& frameworkId) {
  return join({root, "/slaves/", slaveId, "/frameworks/", frameworkId});
}
inline std::string frameworkInfoPath(const std::string& meta, const std::string& s, const std::string& f) {
  return frameworkPath(meta, s, f) + "/framework.info";
}
inline std::string frameworkPidPath(const std::string& meta, const std::string& s, const std::string& f) {
  return frameworkPath(meta, s, f) + "/framework.pid";
}
// `tail` (a file under it) is appended.
inline std::string executorPath(const std::string& root, const std::string& s, const std::string& f,
                                const std::string& e, std::string_view tail = {}) {
  return join({root, "/slaves/", s, "/frameworks/", f, "/executors/", e, tail});
}
inline std::string executorInfoPath(const std::string& meta, const std::string& s, const std::string& f,
                                    const std::string& e) {
  return executorPath(meta, s, f, e, "/executor.info");
}
inline std::string latestRunPath(const std::string& meta, const std::string& s, const std::string& f,
                                 const std::string& e) {
  return executorPath(meta, s, f, e, "/runs/latest");
}
// The run directory; under the work_dir (not meta) it is the executor's sandbox.
inline std::string runPath(const std::string& root, const std::string& s, const std::string& f, const std::string& e,
                           const std::string& c) {
  return join({root, "/slaves/", s, "/frameworks/", f, "/executors/", e, "/runs/", c});
}
inline std::string forkedPidPath(const std::string& meta, const std::string& s, const std::string& f,
                                 const std::string& e, const std::string& c) {
  return runPath(meta, s, f, e, c) + "/pids/forked.pid";
}
inline std::string libprocessPidPath(const std::string& meta, const std::string& s, const std::string& f,
                                     const std::string& e, const std::string& c) {
  return runPath(meta, s, f, e, c) + "/pids/libprocess.pid";
}
inline std::string sentinelPath(const std::string& meta, const std::string& s, const std::string& f,
                                const std::string& e, const std::string& c) {
  return runPath(meta, s, f, e, c) + "/executor.sentinel";
}
inline std::string taskInfoPath(const std::string& meta, const std::string& s, const std::string& f,
                                const std::string& e, const std::string& c, const std::string& t) {
  return runPath(meta, s, f, e, c) + "/tasks/" + t + "/task.info";
}
inline std::string taskUpdatesPath(const std::string& meta, const std::string& s, const std::string& f,
                                   const std::string& e, const std::string& c, const std::string& t) {
  return runPath(meta, s, f, e, c) + "/tasks/" + t + "/task.updates";
}

}  // namespace agentsim::model::paths
