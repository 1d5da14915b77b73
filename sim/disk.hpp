#pragma once
// A host's simulated disk: paths to bytes. Writes are durable once synced; a crash
// loses unsynced data. Write failures can be injected (a modelled fault, in the trace).
// Directories are implicit (a path's prefixes up to a '/'), with a modification time as
// a POSIX directory has one (mtime): the last time an entry in it was created, replaced
// or removed. A whole-file write replaces the entry (a checkpoint is a rename); an append
// changes the directory only when it creates the file; a growth never does (a sandbox's
// output files are made with it: makeDirectory). Metadata is durable at once.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/time.hpp"
#include "sim/try.hpp"

namespace agentsim::sim {

class Disk {
 public:
  // Writes the whole file. Fails (and changes nothing) while a write fault is armed
  // for a matching path.
  Try<Nothing> write(const std::string& path, std::string bytes, bool sync = true);
  // Appends to the file (creating it), as checkpointed update logs do.
  Try<Nothing> append(const std::string& path, std::string_view bytes, bool sync = true);
  std::optional<std::string> read(const std::string& path) const;
  bool exists(const std::string& path) const;
  bool remove(const std::string& path);
  // Removes every path under the prefix ("dir/"); returns how many.
  std::size_t removeTree(const std::string& prefix);
  // Paths under a prefix, sorted.
  std::vector<std::string> list(const std::string& prefix = "") const;
  // Adds `bytes` to a file's size without storing them (a sandbox's output, a ballast
  // file), creating it if need be; durable at once. Reads see only stored bytes.
  void grow(const std::string& path, std::uint64_t bytes);
  void sync();
  // Drops whatever was written since the last sync.
  void crash();
  std::uint64_t usedBytes() const;
  // The bytes of the files under a prefix ("dir/"), as du counts a directory.
  std::uint64_t usedBytes(const std::string& prefix) const;
  // The filesystem's size (100GB unless set) and the used fraction in millionths, as
  // fs::usage reports it (capped at 1).
  void setCapacity(std::uint64_t bytes) { capacity_ = bytes; }
  std::uint64_t capacity() const { return capacity_; }
  std::int64_t usageMillionths() const;

  // The next `count` writes whose path starts with `prefix` fail.
  void failWrites(std::string prefix, std::uint64_t count);

  // The clock the mtimes read (the simulation's; none: every mtime is time 0).
  void setClock(const Time* now) { clock_ = now; }
  // mkdir: the directory exists (even with no file under it) from now; its parent
  // changes if it is new.
  void makeDirectory(const std::string& dir);
  // os::stat::mtime of a directory (no trailing '/'): the latest creation, replacement
  // or removal of an entry directly in it, a subdirectory's entry being its creation;
  // none if the directory does not exist (nothing under it, never made).
  std::optional<Time> mtime(const std::string& dir) const;

 private:
  struct File {
    std::optional<std::string> durable;  // what survives a crash
    std::optional<std::string> current;  // what a read sees
    std::uint64_t grown = 0;             // size beyond the stored bytes (grow)
    std::int64_t entry_ns = -1;          // when its entry was made or replaced; -1: at its directory's making
  };
  bool shouldFail(const std::string& path);
  Time now() const { return clock_ != nullptr ? *clock_ : Time{}; }
  // An entry of `path`'s directory changed now.
  void touchParent(const std::string& path);

  std::map<std::string, File> files_;
  std::vector<std::string> dirty_;
  std::string fail_prefix_;
  std::uint64_t fail_count_ = 0;
  std::uint64_t capacity_ = 100ULL * 1024 * 1024 * 1024;
  const Time* clock_ = nullptr;
  // Directories made with makeDirectory (path -> when), and directories an entry was
  // removed from (path -> when): what the files' entries do not tell.
  std::map<std::string, Time> made_;
  std::map<std::string, Time> changed_;
};

}  // namespace agentsim::sim
