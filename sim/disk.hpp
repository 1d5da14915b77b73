#pragma once
// A host's simulated disk: paths to bytes. Writes are durable once synced; a crash
// loses unsynced data. Write failures can be injected (a modelled fault, in the trace).
// Directories are implicit (a path's prefixes up to a '/'), with a modification time as
// a POSIX directory has one (mtime): the last time an entry in it was created, replaced
// or removed. A whole-file write replaces the entry (a checkpoint is a rename); an append
// changes the directory only when it creates the file; a growth never does (a sandbox's
// output files are made with it: makeDirectory). Metadata is durable at once.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>  // lookup only: the interned directories (dirs_)
#include <utility>
#include <vector>

#include "sim/time.hpp"
#include "sim/try.hpp"

namespace agentsim::sim {

class Disk {
 public:
  Disk() = default;
  Disk(const Disk&) = delete;  // keys point into this disk's interned directories
  Disk& operator=(const Disk&) = delete;
  Disk(Disk&&) = default;  // the directories' nodes move with their table
  Disk& operator=(Disk&&) = default;
  ~Disk() = default;

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
  // A directory's modification time becomes now (utime of a directory), as making and
  // removing an entry in it at once would: fails (changing nothing) as writing that entry
  // ("dir/.utime") would, using up one injected write fault. False (nothing done, no
  // fault used up): the directory does not exist (mtime(dir) has no value).
  Try<bool> touch(const std::string& dir);
  // os::stat::mtime of a directory (no trailing '/'): the latest creation, replacement
  // or removal of an entry directly in it, a subdirectory's entry being its creation;
  // none if the directory does not exist (nothing under it, never made).
  std::optional<Time> mtime(const std::string& dir) const;

  // A path as the maps hold it: the interned text of its directory up to its last three
  // components (the paths of many files share it: an agent's executors' files all start
  // ".../frameworks/F/executors/") and the rest ("E/runs/latest"), ordered as the whole
  // text; a path of at most 96 characters is kept whole (splitAt, disk.cpp). Public for
  // the comparator; not part of the disk's interface.
  // An interned directory: its text and how many keys hold it (a node of dirs_).
  using Interned = std::pair<const std::string, std::size_t>;
  struct Key {
    Interned* dir = nullptr;  // in dirs_; null: no directory part
    std::string rest;
  };
  // A key or a probe: the directory (interned, or null) with its text, and the rest.
  struct View {
    const std::string* dir;
    std::string_view dirText;
    std::string_view rest;
    std::size_t size() const { return dirText.size() + rest.size(); }
    std::string joined() const;
    bool startsWith(std::string_view prefix) const;
    // The text from `from` to the next '/' (or the end); `from` < size().
    std::string_view component(std::size_t from, bool* hasSlash) const;
  };
  struct KeyLess {
    using is_transparent = void;
    bool operator()(const Key& a, const Key& b) const { return less(view(a), view(b)); }
    bool operator()(const Key& a, const View& b) const { return less(view(a), b); }
    bool operator()(const View& a, const Key& b) const { return less(a, view(b)); }
    static View view(const Key& k) {
      if (k.dir == nullptr) return {nullptr, {}, k.rest};
      return {&k.dir->first, k.dir->first, k.rest};
    }
    static bool less(const View& a, const View& b);
  };

 private:
  // A file's durable copy (what survives a crash) when it differs from the current one,
  // and its growth: both rare (most files are written synced; only sandbox outputs grow).
  struct Apart {
    std::optional<std::string> durable;
    std::uint64_t grown = 0;  // size beyond the stored bytes (grow)
  };
  struct File {
    std::string current;               // what a read sees
    std::unique_ptr<Apart> apart;      // none: durable == current, nothing grown
    std::int64_t entry_ns = -1;        // when its entry was made or replaced; -1: at its directory's making
    bool has_current = false;
    std::optional<std::string> durable() const;
    void setDurable(std::optional<std::string> durable);
    void durableIsCurrent();  // durable = current (a sync)
    std::uint64_t grown() const { return apart ? apart->grown : 0; }
  };
  using Files = std::map<Key, File, KeyLess>;
  using Dirs = std::map<Key, Time, KeyLess>;
  // A directory made with makeDirectory: when, and when a touch (utime) last changed it
  // (-1: never), kept here rather than in changed_ so a touch of a made directory (an
  // executor's sandbox) searches one map, not two.
  struct Made {
    Time at;
    std::int64_t touched_ns = -1;
  };
  using MadeDirs = std::map<Key, Made, KeyLess>;

  bool shouldFail(const std::string& path);
  Time now() const { return clock_ != nullptr ? *clock_ : Time{}; }
  // An entry of `path`'s directory changed now.
  void touchParent(std::string_view path);
  // An entry of `dir` changed now (its mtime is now).
  void touchDirectory(std::string_view dir);
  // Whether `dir` exists (what mtime(dir) tells by having a value), asked without it:
  // `self` is made_'s first entry at or after `dir` (made_.lower_bound of its probe).
  bool isDirectory(const std::string& dir, MadeDirs::const_iterator self, const View& selfProbe) const;
  // `path` split as a key would be, its directory the interned one if there is one, else
  // null with its text (a probe: it holds nothing; `path` must outlive it).
  View probe(std::string_view path) const;
  // A key for a new entry: its directory interned (one more holder).
  Key hold(std::string_view path);
  void release(const Key& key);  // an entry with `key` went
  File& fileAt(const std::string& path);  // made (empty, no current) if missing
  template <typename Map>
  typename Map::iterator eraseEntry(Map& map, typename Map::iterator it) {
    release(it->first);
    return map.erase(it);
  }

  Files files_;
  std::vector<std::string> dirty_;
  std::string fail_prefix_;
  std::uint64_t fail_count_ = 0;
  std::uint64_t capacity_ = 100ULL * 1024 * 1024 * 1024;
  const Time* clock_ = nullptr;
  // Directories made with makeDirectory (path -> when, and when last touched), and
  // directories an entry was removed from or that were touched without being made (path ->
  // when): what the files' entries do not tell.
  MadeDirs made_;
  Dirs changed_;
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // The keys' directories -> how many keys hold each (one text per directory).
  std::unordered_map<std::string, std::size_t, TextHash, std::equal_to<>> dirs_;  // lookup only
  // The interned directory of `dir`'s text, or null; the four directories found last are
  // compared first (consecutive operations name the same executor's directories, a path
  // and its parent splitting at different ones), so most look-ups hash nothing.
  Interned* interned(std::string_view dir) const;
  // The directories found last (most recent first), in dirs_; a move leaves none in the
  // disk moved from.
  struct LastFound {
    static constexpr std::size_t kSize = 4;
    Interned* dirs[kSize] = {};
    LastFound() = default;
    LastFound(LastFound&& other) noexcept { *this = std::move(other); }
    LastFound& operator=(LastFound&& other) noexcept {
      for (std::size_t i = 0; i < kSize; ++i) dirs[i] = std::exchange(other.dirs[i], nullptr);
      return *this;
    }
    void forget(const Interned* dir) {
      for (auto*& d : dirs) {
        if (d == dir) d = nullptr;
      }
    }
  };
  mutable LastFound last_found_;
};

}  // namespace agentsim::sim
