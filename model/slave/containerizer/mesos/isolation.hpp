#pragma once
// What MesosContainerizer::create (src/slave/containerizer/mesos/containerizer.cpp, Mesos
// 1.1) makes of --isolation before it builds the containerizer: the deprecated values
// rewritten, the default filesystem and network isolators added, the list checked for
// duplicates, and each isolator created in std::set order (one CgroupsIsolatorProcess for
// every cgroups/ entry). It promises:
//  - Mesos 1.1's error text for each way the list fails (without the "Could not create
//    MesosContainerizer: " that Containerizer::create puts before it), the first in
//    Mesos's order;
//  - the warnings Mesos logs, in its order, also before an error;
//  - `disk` when the PosixDiskIsolatorProcess is created (`disk/du`, or `posix/disk`,
//    its old name).
// Simplified: the isolators are those of a Linux build without the port-mapping network
// isolator and XFS (Mesos's default ./configure); each isolator's own create (root,
// cgroups hierarchies, the provisioner's backends) succeeds, except gpu/nvidia, which
// fails as on a host without NVML. No isolator module exists in agentsim's catalogue, so
// ModuleManager::contains<Isolator> is always false.
#include <string>
#include <string_view>
#include <vector>

#include "sim/try.hpp"

namespace agentsim::model {

struct Isolation {
  std::string flag;                    // flags_.isolation after the rewrites ("Using isolation: ...")
  std::vector<std::string> isolators;  // created, filesystem/ first, then std::set order
  bool disk = false;                   // PosixDiskIsolatorProcess (disk/du or posix/disk)
};

// `warnings` gets what MesosContainerizer::create LOG(WARNING)s, also when it then fails.
sim::Try<Isolation> createIsolation(std::string_view isolation, std::vector<std::string>& warnings);

// createIsolation's answer and warnings for one --isolation value.
struct CreatedIsolation {
  std::string value;  // the --isolation value asked
  sim::Try<Isolation> isolation;
  std::vector<std::string> warnings;
};

// createIsolation of `isolation`, kept for the last value asked (per thread, for the
// fuzzer's workers): every agent of a cluster usually has the same flag, so 100,000 agents
// parse it once. The reference holds until the next call with another value.
const CreatedIsolation& createdIsolation(std::string_view isolation);

// stout's stringify(std::vector<std::string>): "[ a, b ]".
std::string stringifyList(const std::vector<std::string>& items);

}  // namespace agentsim::model
