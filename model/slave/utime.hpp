#pragma once
// os::utime of a directory (stout): its modification time becomes now, as
// Slave::removeExecutor, removeFramework and __recover (an old agent's directories) do
// before they garbage collect a path, so it goes the whole --gc_delay from then.
// sim::Disk keeps a directory's mtime from its entries: an entry made and removed at once
// stands for the call. A path that does not exist stays so (os::utime fails; the
// caller's garbageCollect then finds what it finds).
// Returns the directory's mtime after the call (what disk.mtime(dir) would answer): `now`
// if it exists, none otherwise, so the caller's garbageCollect need not ask the disk again.
#include <optional>
#include <string>

#include "sim/disk.hpp"
#include "sim/time.hpp"

namespace agentsim::model {

inline std::optional<sim::Time> utime(sim::Disk& disk, const std::string& dir, sim::Time now) {
  if (!disk.mtime(dir)) return std::nullopt;
  const std::string entry = dir + "/.utime";
  (void)disk.write(entry, std::string());
  disk.remove(entry);
  return now;
}

}  // namespace agentsim::model
