#pragma once
// os::utime of a directory (stout): its modification time becomes now, as
// Slave::removeExecutor, removeFramework and __recover (an old agent's directories) do
// before they garbage collect a path, so it goes the whole --gc_delay from then.
// sim::Disk keeps a directory's mtime from its entries: an entry made and removed at once
// stands for the call. A path that does not exist stays so (os::utime fails; the
// caller's garbageCollect then finds what it finds).
#include <string>

#include "sim/disk.hpp"

namespace agentsim::model {

inline void utime(sim::Disk& disk, const std::string& dir) {
  if (!disk.mtime(dir)) return;
  const std::string entry = dir + "/.utime";
  (void)disk.write(entry, std::string());
  disk.remove(entry);
}

}  // namespace agentsim::model
