#include "model/slave/containerizer/mesos/isolation.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <set>

#include <fmt/format.h>

namespace agentsim::model {

namespace {

// MesosContainerizer::create's `creators` on Linux (no WITH_NETWORK_ISOLATOR, no
// ENABLE_XFS_DISK_ISOLATOR).
constexpr std::array<std::string_view, 21> kCreators{
    "filesystem/posix", "filesystem/linux", "filesystem/shared", "posix/cpu",      "posix/mem",
    "posix/disk",       "disk/du",          "volume/sandbox_path", "cgroups/cpu",  "cgroups/devices",
    "cgroups/mem",      "cgroups/net_cls",  "cgroups/perf_event", "appc/runtime",  "docker/runtime",
    "docker/volume",    "linux/capabilities", "volume/image",     "gpu/nvidia",    "namespaces/pid",
    "network/cni"};

// CgroupsIsolatorProcess::create's isolatorMap.
constexpr std::array<std::string_view, 5> kCgroupsSubsystems{"cpu", "devices", "mem", "net_cls", "perf_event"};

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

// strings::tokenize(s, ","): the non-empty pieces.
std::vector<std::string> tokenize(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto comma = s.find(',', start);
    const auto end = comma == std::string_view::npos ? s.size() : comma;
    if (end > start) out.emplace_back(s.substr(start, end - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

// CgroupsIsolatorProcess::create: every cgroups/ entry, in the flag's order, must name
// a known subsystem (preparing the hierarchies: not modelled, it succeeds).
sim::Try<sim::Nothing> createCgroups(const std::string& flag) {
  for (const std::string& token : tokenize(flag)) {
    if (token.rfind("cgroups/", 0) != 0) continue;
    const std::string_view name = std::string_view(token).substr(8);
    if (std::find(kCgroupsSubsystems.begin(), kCgroupsSubsystems.end(), name) == kCgroupsSubsystems.end()) {
      return sim::Error{fmt::format("Unknown or unsupported isolator 'cgroups/{}'", name)};
    }
  }
  return sim::Nothing{};
}

}  // namespace

std::string stringifyList(const std::vector<std::string>& items) {
  return fmt::format("[ {} ]", fmt::join(items, ", "));
}

sim::Try<Isolation> createIsolation(std::string_view isolation, std::vector<std::string>& warnings) {
  Isolation out;
  out.flag = std::string(isolation);
  if (isolation == "process") {
    warnings.emplace_back(
        "The 'process' isolation flag is deprecated, please update your flags to "
        "'--isolation=posix/cpu,posix/mem'.");
    out.flag = "posix/cpu,posix/mem";
  } else if (isolation == "cgroups") {
    warnings.emplace_back(
        "The 'cgroups' isolation flag is deprecated, please update your flags to "
        "'--isolation=cgroups/cpu,cgroups/mem'.");
    out.flag = "cgroups/cpu,cgroups/mem";
  }
  if (!contains(out.flag, "filesystem/")) out.flag += ",filesystem/posix";
  if (contains(out.flag, "posix/disk")) {
    warnings.emplace_back("'posix/disk' has been renamed as 'disk/du', please update your --isolation flag to use "
                              "'disk/du'");
    if (contains(out.flag, "disk/du")) {
      return sim::Error{"Using 'posix/disk' and 'disk/du' simultaneously is disallowed"};
    }
  }
  // __linux__: a network isolator is required, network/cni by default; filesystem/linux
  // brings volume/image.
  if (!contains(out.flag, "network/")) out.flag += ",network/cni";
  if (contains(out.flag, "filesystem/linux") && !contains(out.flag, "volume/image")) out.flag += ",volume/image";

  const std::vector<std::string> tokens = tokenize(out.flag);
  const std::set<std::string> isolations(tokens.begin(), tokens.end());
  if (tokens.size() != isolations.size()) {
    return sim::Error{fmt::format("Duplicate entries found in --isolation flag '{}'", stringifyList(tokens))};
  }
  bool cgroupsCreated = false;
  for (const std::string& name : isolations) {
    if (name.rfind("cgroups/", 0) == 0) {
      if (cgroupsCreated) continue;  // one CgroupsIsolatorProcess for them all
      cgroupsCreated = true;
    }
    auto failed = [&](std::string_view why) {
      return sim::Error{fmt::format("Failed to create isolator '{}': {}", name, why)};
    };
    if (std::find(kCreators.begin(), kCreators.end(), name) == kCreators.end()) {
      return failed("Unknown or unsupported isolator");
    }
    if (name == "gpu/nvidia") return failed("Cannot create the Nvidia GPU isolator: NVML is not available");
    if (name.rfind("cgroups/", 0) == 0) {
      auto cgroups = createCgroups(out.flag);
      if (cgroups.isError()) return failed(cgroups.error());
    }
    if (name == "disk/du" || name == "posix/disk") out.disk = true;
    // The filesystem isolator goes first (MesosContainerizer::create's "temporary hack").
    if (contains(name, "filesystem/")) {
      out.isolators.insert(out.isolators.begin(), name);
    } else {
      out.isolators.push_back(name);
    }
  }
  return out;
}

const CreatedIsolation& createdIsolation(std::string_view isolation) {
  thread_local std::optional<CreatedIsolation> last;
  if (!last || last->value != isolation) {
    std::vector<std::string> warnings;
    auto created = createIsolation(isolation, warnings);
    last.emplace(CreatedIsolation{std::string(isolation), std::move(created), std::move(warnings)});
  }
  return *last;
}

}  // namespace agentsim::model
