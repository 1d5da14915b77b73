#pragma once
// os::utime of a directory (stout): its modification time becomes now, as
// Slave::removeExecutor, removeFramework and __recover (an old agent's directories) do
// before they garbage collect a path, so it goes the whole --gc_delay from then.
// sim::Disk::touch is the call: the directory's mtime becomes now, failing as writing an
// entry in it would under an injected write fault (os::utime's error, which the callers
// ignore, as Mesos logs it). A path that does not exist stays so (os::utime fails; the
// caller's garbageCollect then finds what it finds).
// os::utime changes only the directory's mtime: a file in it (even one named ".utime")
// stays as it is.
// Returns the directory's mtime after the call (what disk.mtime(dir) would answer): `now`
// if it was touched, its old mtime if the touch failed, none if it does not exist, so the
// caller's garbageCollect need not ask the disk again.
#include <optional>
#include <string>

#include "sim/disk.hpp"
#include "sim/time.hpp"

namespace agentsim::model {

inline std::optional<sim::Time> utime(sim::Disk& disk, const std::string& dir, sim::Time now) {
  const sim::Try<bool> touched = disk.touch(dir);
  if (touched.isError()) return disk.mtime(dir);
  if (!*touched) return std::nullopt;
  return now;
}

}  // namespace agentsim::model
