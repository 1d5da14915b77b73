#include "sim/disk.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>  // memrchr

#include "sim/uint128.hpp"

namespace agentsim::sim {

namespace {

// Paths up to this long are kept whole (no directory part). An agent's own files
// (meta/boot_id, meta/slaves/latest, meta/slaves/S/slave.info under /var/lib/mesos: 27 to
// about 85 characters) are few on each disk and each in a directory of its own, so
// interning their directories cost a table node and a copy of the text per file (24 MiB
// at 100,000 agents); the executors' paths (100 to 200 characters) share theirs.
constexpr std::size_t kWholeUpTo = 96;

// Where a path splits: after the '/' before its last three components; 0 (no directory
// part) when it has fewer, or is short (kWholeUpTo).
std::size_t splitAt(std::string_view path) {
  if (path.size() <= kWholeUpTo) return 0;
  std::size_t end = path.size();
  for (int slashes = 0; slashes < 3; ++slashes) {
    // memrchr (glibc's, vectorised): the last '/' before `end`.
    const void* slash = end == 0 ? nullptr : memrchr(path.data(), '/', end);
    if (slash == nullptr) return 0;
    end = static_cast<std::size_t>(static_cast<const char*>(slash) - path.data());
  }
  return end + 1;
}

// Compares a1 + a2 with b1 + b2 as texts (negative, zero, positive).
int compareJoined(std::string_view a1, std::string_view a2, std::string_view b1, std::string_view b2) {
  // Most keys' directories differ before either ends: one comparison decides.
  if (const std::size_t n = std::min(a1.size(), b1.size()); n > 0) {
    if (const int c = std::char_traits<char>::compare(a1.data(), b1.data(), n); c != 0) return c;
    a1.remove_prefix(n);
    b1.remove_prefix(n);
  }
  // Then walk both in pieces: each step compares the longest run both have left in one piece.
  while (true) {
    if (a1.empty()) {
      a1 = a2;
      a2 = {};
    }
    if (b1.empty()) {
      b1 = b2;
      b2 = {};
    }
    if (a1.empty() || b1.empty()) return a1.empty() ? (b1.empty() ? 0 : -1) : 1;
    const std::size_t n = std::min(a1.size(), b1.size());
    if (const int c = std::char_traits<char>::compare(a1.data(), b1.data(), n); c != 0) return c;
    a1.remove_prefix(n);
    b1.remove_prefix(n);
  }
}

// `dir` + "/", a directory's prefix, built on the stack when it is short (every path
// here): isDirectory, makeDirectory and mtime each ask for one.
class DirPrefix {
 public:
  explicit DirPrefix(std::string_view dir) {
    if (dir.size() < sizeof(small_)) {
      std::memcpy(small_, dir.data(), dir.size());
      small_[dir.size()] = '/';
      view_ = std::string_view(small_, dir.size() + 1);
    } else {
      big_.reserve(dir.size() + 1);
      big_.append(dir).push_back('/');
      view_ = big_;
    }
  }
  DirPrefix(const DirPrefix&) = delete;
  DirPrefix& operator=(const DirPrefix&) = delete;
  std::string_view view() const { return view_; }
  std::size_t size() const { return view_.size(); }

 private:
  char small_[256];
  std::string big_;
  std::string_view view_;
};

}  // namespace

bool Disk::KeyLess::less(const View& a, const View& b) {
  // The same interned directory, or none on both sides (a probe's directory that is not
  // interned is null too, but has a text).
  if (a.dir == b.dir && (a.dir != nullptr || (a.dirText.empty() && b.dirText.empty()))) return a.rest < b.rest;
  return compareJoined(a.dirText, a.rest, b.dirText, b.rest) < 0;
}

std::string Disk::View::joined() const {
  std::string out;
  out.reserve(size());
  out.append(dirText).append(rest);
  return out;
}

bool Disk::View::startsWith(std::string_view prefix) const {
  if (prefix.size() > size()) return false;
  const std::size_t inDir = std::min(prefix.size(), dirText.size());
  return dirText.substr(0, inDir) == prefix.substr(0, inDir) &&
         rest.substr(0, prefix.size() - inDir) == prefix.substr(inDir);
}

std::string_view Disk::View::component(std::size_t from, bool* hasSlash) const {
  // A directory part ends with '/', so no component spans both parts.
  const std::string_view part = from < dirText.size() ? dirText.substr(from) : rest.substr(from - dirText.size());
  const auto slash = part.find('/');
  *hasSlash = slash != std::string_view::npos;
  return part.substr(0, slash);
}

namespace {

// The directory in `last` (the directories found last, most recent first) with `dir`'s
// text, moved to the front; null if none has it.
template <typename LastFound>
Disk::Interned* foundLast(LastFound& last, std::string_view dir) {
  for (std::size_t i = 0; i < LastFound::kSize; ++i) {
    Disk::Interned* d = last.dirs[i];
    if (d == nullptr || d->first.size() != dir.size() ||
        std::char_traits<char>::compare(d->first.data(), dir.data(), dir.size()) != 0) {
      continue;
    }
    std::rotate(last.dirs, last.dirs + i, last.dirs + i + 1);
    return d;
  }
  return nullptr;
}

// `dir` is the directory found last: at the front, the oldest dropped.
template <typename LastFound>
void remember(LastFound& last, Disk::Interned* dir) {
  std::rotate(last.dirs, last.dirs + LastFound::kSize - 1, last.dirs + LastFound::kSize);
  last.dirs[0] = dir;
}

}  // namespace

Disk::Interned* Disk::interned(std::string_view dir) const {
  if (Interned* d = foundLast(last_found_, dir)) return d;
  auto it = dirs_.find(dir);
  if (it == dirs_.end()) return nullptr;
  // dirs_ is ours: its nodes are not const (find on a const table gives const ones).
  auto* found = const_cast<Interned*>(&*it);
  remember(last_found_, found);
  return found;
}

Disk::View Disk::probe(std::string_view path) const {
  const std::size_t at = splitAt(path);
  if (at == 0) return {nullptr, {}, path};
  const std::string_view dir = path.substr(0, at);
  const Interned* found = interned(dir);
  return {found != nullptr ? &found->first : nullptr, dir, path.substr(at)};
}

Disk::Key Disk::hold(std::string_view path) {
  const std::size_t at = splitAt(path);
  if (at == 0) return {nullptr, std::string(path)};
  const std::string_view dir = path.substr(0, at);
  // A new entry's path was just probed: its directory is among those found last, or
  // is not interned (one search, which inserts it).
  Interned* found = foundLast(last_found_, dir);
  if (found == nullptr) {
    found = &*dirs_.emplace(std::string(dir), 0).first;
    remember(last_found_, found);
  }
  ++found->second;
  return {found, std::string(path.substr(at))};
}

void Disk::release(const Key& key) {
  if (key.dir == nullptr || --key.dir->second > 0) return;
  last_found_.forget(key.dir);
  dirs_.erase(dirs_.find(std::string_view(key.dir->first)));
}

std::optional<std::string> Disk::File::durable() const {
  if (apart) return apart->durable;
  if (has_current) return current;
  return std::nullopt;
}

void Disk::File::durableIsCurrent() {
  if (!apart) return;
  if (apart->grown == 0) {
    apart.reset();
  } else {
    apart->durable = has_current ? std::optional(current) : std::nullopt;
  }
}

void Disk::File::setDurable(std::optional<std::string> durable) {
  const bool same = durable.has_value() == has_current && (!durable || *durable == current);
  if (same) {
    durableIsCurrent();
    return;
  }
  if (!apart) apart = std::make_unique<Apart>();
  apart->durable = std::move(durable);
}

Disk::File& Disk::fileAt(const std::string& path) {
  const View at = probe(path);
  auto it = files_.lower_bound(at);
  if (it != files_.end() && !KeyLess{}(at, it->first)) return it->second;
  return files_.emplace_hint(it, hold(path), File{})->second;
}

namespace {

// What a write that an injected fault fails answers (write, and touch's entry).
Error injectedWriteFault(std::string_view path) {
  return Error{fmt::format("write to '{}' failed (injected disk fault)", path)};
}

}  // namespace

bool Disk::shouldFail(const std::string& path) {
  if (fail_count_ == 0 || path.rfind(fail_prefix_, 0) != 0) return false;
  --fail_count_;
  return true;
}

Try<Nothing> Disk::write(const std::string& path, std::string bytes, bool sync) {
  if (shouldFail(path)) return injectedWriteFault(path);
  File& f = fileAt(path);
  std::optional<std::string> durable = sync ? std::nullopt : f.durable();
  f.current = std::move(bytes);
  f.has_current = true;
  f.entry_ns = now().ns();
  if (sync) {
    f.durableIsCurrent();
  } else {
    f.setDurable(std::move(durable));  // what survives a crash is unchanged
    dirty_.push_back(path);
  }
  return Nothing{};
}

Try<Nothing> Disk::append(const std::string& path, std::string_view bytes, bool sync) {
  std::optional<std::string> existing = read(path);
  const bool created = !existing.has_value();
  std::string content = std::move(existing).value_or("");
  content.append(bytes);
  const std::int64_t entry = created ? now().ns() : files_.find(probe(path))->second.entry_ns;
  auto written = write(path, std::move(content), sync);
  if (!written.isError()) files_.find(probe(path))->second.entry_ns = entry;  // an append keeps the entry
  return written;
}

std::optional<std::string> Disk::read(const std::string& path) const {
  auto it = files_.find(probe(path));
  if (it == files_.end() || !it->second.has_current) return std::nullopt;
  return it->second.current;
}

bool Disk::exists(const std::string& path) const {
  auto it = files_.find(probe(path));
  return it != files_.end() && it->second.has_current;
}

bool Disk::remove(const std::string& path) {
  auto it = files_.find(probe(path));
  if (it == files_.end() || !it->second.has_current) return false;
  // Removal is a metadata operation; it is durable at once (as rename/unlink in Mesos).
  eraseEntry(files_, it);
  touchParent(path);
  return true;
}

std::size_t Disk::removeTree(const std::string& prefix) {
  std::size_t n = 0;
  for (auto it = files_.lower_bound(probe(prefix)); it != files_.end() && KeyLess::view(it->first).startsWith(prefix);) {
    it = eraseEntry(files_, it);
    ++n;
  }
  // The tree's own directory goes too (prefix is "dir/"), which changes its parent.
  const std::string dir = prefix.empty() || prefix.back() != '/' ? prefix : prefix.substr(0, prefix.size() - 1);
  auto eraseUnder = [&](auto& dirs) {
    if (auto self = dirs.find(probe(dir)); self != dirs.end()) eraseEntry(dirs, self);
    for (auto it = dirs.lower_bound(probe(prefix)); it != dirs.end() && KeyLess::view(it->first).startsWith(prefix);) {
      it = eraseEntry(dirs, it);
    }
  };
  eraseUnder(made_);
  eraseUnder(changed_);
  if (!dir.empty()) touchParent(dir);
  return n;
}

void Disk::touchParent(std::string_view path) {
  const auto slash = path.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return;
  touchDirectory(path.substr(0, slash));
}

void Disk::touchDirectory(std::string_view dir) {
  const View at = probe(dir);
  auto it = changed_.lower_bound(at);
  if (it != changed_.end() && !KeyLess{}(at, it->first)) {
    it->second = now();
    return;
  }
  changed_.emplace_hint(it, hold(dir), now());
}

Try<bool> Disk::touch(const std::string& dir) {
  const View selfProbe = probe(dir);
  const auto self = made_.lower_bound(selfProbe);
  const bool madeItself = self != made_.end() && !KeyLess{}(selfProbe, self->first);
  if (!madeItself && !isDirectory(dir, self, selfProbe)) return false;
  // The entry a write and a remove would make: a fault armed for it fails the call.
  if (fail_count_ > 0) {
    const std::string entry = dir + "/.utime";
    if (shouldFail(entry)) return injectedWriteFault(entry);
  }
  // The entry's removal changes the directory (its making is older, or as old): a made
  // directory keeps the time in its own entry (found above), another in changed_.
  if (dir.empty()) return true;
  if (madeItself) {
    self->second.touched_ns = now().ns();
  } else {
    touchDirectory(dir);
  }
  return true;
}

namespace {

// The first entry of a map by path at or after `dir + "/"`, from `from` (the first at or
// after `dir`): the few keys between them ("dir-x", "dir.x") are walked, not searched.
template <typename Map>
typename Map::const_iterator underDirectory(const Map& map, typename Map::const_iterator from,
                                            const Disk::View& prefix) {
  const Disk::KeyLess less;
  for (int steps = 0; from != map.end() && less(from->first, prefix); ++from) {
    if (++steps > 8) return map.lower_bound(prefix);
  }
  return from;
}

}  // namespace

void Disk::makeDirectory(const std::string& dir) {
  // Made unless it exists (mtime(dir) would have a value): made, or something under it.
  const View self = probe(dir);
  auto m = made_.lower_bound(self);
  if (m != made_.end() && !KeyLess{}(self, m->first)) return;
  const DirPrefix prefix(dir);
  const View under = probe(prefix.view());
  if (auto sub = underDirectory(made_, m, under);
      sub != made_.end() && KeyLess::view(sub->first).startsWith(prefix.view())) {
    return;
  }
  for (auto it = files_.lower_bound(under); it != files_.end() && KeyLess::view(it->first).startsWith(prefix.view());
       ++it) {
    if (it->second.has_current) return;
  }
  made_.emplace_hint(m, hold(dir), Made{now()});
}

bool Disk::isDirectory(const std::string& dir, MadeDirs::const_iterator self, const View& selfProbe) const {
  // As mtime: made itself, a file under it, or a directory made under it.
  if (self != made_.end() && !KeyLess{}(selfProbe, self->first)) return true;
  const DirPrefix prefix(dir);
  const View under = probe(prefix.view());
  // A directory made under it is a few steps from `self` (an executor's directory and
  // its run's sandbox), so asked before the files, which take a search.
  if (const auto sub = underDirectory(made_, self, under);
      sub != made_.end() && KeyLess::view(sub->first).startsWith(prefix.view())) {
    return true;
  }
  for (auto it = files_.lower_bound(under); it != files_.end(); ++it) {
    if (!KeyLess::view(it->first).startsWith(prefix.view())) break;
    if (it->second.has_current) return true;
  }
  return false;
}

std::optional<Time> Disk::mtime(const std::string& dir) const {
  // The directory's entries: its files (when made or replaced) and its subdirectories
  // (made: their makeDirectory, else the earliest entry under them).
  const DirPrefix prefixText(dir);
  const std::string_view prefix = prefixText.view();
  const View selfProbe = probe(dir);
  const View under = probe(prefix);
  const auto self = made_.lower_bound(selfProbe);  // one search finds the directory and what is under it
  const bool madeItself = self != made_.end() && !KeyLess{}(selfProbe, self->first);
  bool exists = madeItself;
  std::optional<Time> latest;
  auto later = [&](Time t) {
    if (!latest || *latest < t) latest = t;
  };
  std::map<std::string_view, Time> subs;  // subdirectory -> when made
  auto made = [&](std::string_view sub, Time t) {
    auto [it, inserted] = subs.emplace(sub, t);
    if (!inserted && t < it->second) it->second = t;
  };
  for (auto it = files_.lower_bound(under); it != files_.end(); ++it) {
    const View path = KeyLess::view(it->first);
    if (!path.startsWith(prefix)) break;
    if (!it->second.has_current) continue;
    exists = true;
    if (it->second.entry_ns < 0) continue;  // a grown output file: made with its directory
    const Time entry = Time::fromNanoseconds(it->second.entry_ns);
    bool deeper = false;
    const std::string_view name = path.component(prefix.size(), &deeper);
    if (!deeper) {
      later(entry);
    } else {
      made(name, entry);
    }
  }
  for (auto it = underDirectory(made_, self, under); it != made_.end(); ++it) {
    const View path = KeyLess::view(it->first);
    if (!path.startsWith(prefix)) break;
    exists = true;
    bool deeper = false;
    made(path.component(prefix.size(), &deeper), it->second.at);
  }
  if (!exists) return std::nullopt;
  for (const auto& [sub, t] : subs) later(t);
  if (madeItself) {
    later(self->second.at);
    if (self->second.touched_ns >= 0) later(Time::fromNanoseconds(self->second.touched_ns));
  }
  if (auto c = changed_.find(selfProbe); c != changed_.end()) later(c->second);
  return latest.value_or(Time{});
}

std::vector<std::string> Disk::list(const std::string& prefix) const {
  std::vector<std::string> out;
  for (auto it = files_.lower_bound(probe(prefix)); it != files_.end(); ++it) {
    const View path = KeyLess::view(it->first);
    if (!path.startsWith(prefix)) break;
    if (it->second.has_current) out.push_back(path.joined());
  }
  return out;
}

void Disk::sync() {
  for (const std::string& path : dirty_) {
    auto it = files_.find(probe(path));
    if (it != files_.end()) it->second.durableIsCurrent();
  }
  dirty_.clear();
}

void Disk::crash() {
  for (const std::string& path : dirty_) {
    auto it = files_.find(probe(path));
    if (it == files_.end()) continue;
    File& f = it->second;
    std::optional<std::string> durable = f.durable();
    f.has_current = durable.has_value();
    f.current = std::move(durable).value_or("");
    f.durableIsCurrent();
    if (!f.has_current) eraseEntry(files_, it);
  }
  dirty_.clear();
}

std::uint64_t Disk::usedBytes() const {
  std::uint64_t n = 0;
  for (const auto& [path, f] : files_) n += (f.has_current ? f.current.size() : 0) + f.grown();
  return n;
}

std::uint64_t Disk::usedBytes(const std::string& prefix) const {
  std::uint64_t n = 0;
  for (auto it = files_.lower_bound(probe(prefix)); it != files_.end() && KeyLess::view(it->first).startsWith(prefix);
       ++it) {
    n += (it->second.has_current ? it->second.current.size() : 0) + it->second.grown();
  }
  return n;
}

void Disk::grow(const std::string& path, std::uint64_t bytes) {
  File& f = fileAt(path);
  std::optional<std::string> durable = f.durable();
  if (!f.has_current) {
    f.has_current = true;
    f.current.clear();
  }
  if (!durable) durable = std::string();
  if (!f.apart) f.apart = std::make_unique<Apart>();
  f.apart->grown += bytes;
  f.setDurable(std::move(durable));
}

std::int64_t Disk::usageMillionths() const {
  if (capacity_ == 0) return 1'000'000;
  const u128 used = usedBytes();
  const u128 m = used * 1'000'000u / capacity_;
  return m > 1'000'000u ? 1'000'000 : static_cast<std::int64_t>(m);
}

void Disk::failWrites(std::string prefix, std::uint64_t count) {
  fail_prefix_ = std::move(prefix);
  fail_count_ = count;
}

}  // namespace agentsim::sim
