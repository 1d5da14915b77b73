#include "sim/disk.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sim/uint128.hpp"

namespace agentsim::sim {

bool Disk::shouldFail(const std::string& path) {
  if (fail_count_ == 0 || path.rfind(fail_prefix_, 0) != 0) return false;
  --fail_count_;
  return true;
}

Try<Nothing> Disk::write(const std::string& path, std::string bytes, bool sync) {
  if (shouldFail(path)) return Error{fmt::format("write to '{}' failed (injected disk fault)", path)};
  File& f = files_[path];
  f.current = std::move(bytes);
  f.entry_ns = now().ns();
  if (sync) {
    f.durable = f.current;
  } else {
    dirty_.push_back(path);
  }
  return Nothing{};
}

Try<Nothing> Disk::append(const std::string& path, std::string_view bytes, bool sync) {
  std::optional<std::string> existing = read(path);
  const bool created = !existing.has_value();
  std::string content = std::move(existing).value_or("");
  content.append(bytes);
  const std::int64_t entry = created ? now().ns() : files_.at(path).entry_ns;
  auto written = write(path, std::move(content), sync);
  if (!written.isError()) files_.at(path).entry_ns = entry;  // an append keeps the entry
  return written;
}

std::optional<std::string> Disk::read(const std::string& path) const {
  auto it = files_.find(path);
  if (it == files_.end()) return std::nullopt;
  return it->second.current;
}

bool Disk::exists(const std::string& path) const {
  auto it = files_.find(path);
  return it != files_.end() && it->second.current.has_value();
}

bool Disk::remove(const std::string& path) {
  auto it = files_.find(path);
  if (it == files_.end() || !it->second.current) return false;
  // Removal is a metadata operation; it is durable at once (as rename/unlink in Mesos).
  files_.erase(it);
  touchParent(path);
  return true;
}

std::size_t Disk::removeTree(const std::string& prefix) {
  std::size_t n = 0;
  for (auto it = files_.lower_bound(prefix); it != files_.end() && it->first.rfind(prefix, 0) == 0;) {
    it = files_.erase(it);
    ++n;
  }
  // The tree's own directory goes too (prefix is "dir/"), which changes its parent.
  const std::string dir = prefix.empty() || prefix.back() != '/' ? prefix : prefix.substr(0, prefix.size() - 1);
  for (auto* dirs : {&made_, &changed_}) {
    dirs->erase(dir);
    for (auto it = dirs->lower_bound(prefix); it != dirs->end() && it->first.rfind(prefix, 0) == 0;) {
      it = dirs->erase(it);
    }
  }
  if (!dir.empty()) touchParent(dir);
  return n;
}

void Disk::touchParent(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return;
  changed_[path.substr(0, slash)] = now();
}

namespace {

// The first entry of a map by path at or after `dir + "/"`, from `from` (the first at or
// after `dir`): the few keys between them ("dir-x", "dir.x") are walked, not searched.
template <typename Map>
typename Map::const_iterator underDirectory(const Map& map, typename Map::const_iterator from,
                                            const std::string& prefix) {
  for (int steps = 0; from != map.end() && from->first < prefix; ++from) {
    if (++steps > 8) return map.lower_bound(prefix);
  }
  return from;
}

bool startsWith(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

}  // namespace

void Disk::makeDirectory(const std::string& dir) {
  // Made unless it exists (mtime(dir) would have a value): made, or something under it.
  auto m = made_.lower_bound(dir);
  if (m != made_.end() && m->first == dir) return;
  const std::string prefix = dir + "/";
  if (auto sub = underDirectory(made_, m, prefix); sub != made_.end() && startsWith(sub->first, prefix)) return;
  for (auto it = files_.lower_bound(prefix); it != files_.end() && startsWith(it->first, prefix); ++it) {
    if (it->second.current) return;
  }
  made_.emplace_hint(m, dir, now());
}

std::optional<Time> Disk::mtime(const std::string& dir) const {
  // The directory's entries: its files (when made or replaced) and its subdirectories
  // (made: their makeDirectory, else the earliest entry under them).
  const std::string prefix = dir + "/";
  const auto self = made_.lower_bound(dir);  // one search finds the directory and what is under it
  const bool madeItself = self != made_.end() && self->first == dir;
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
  for (auto it = files_.lower_bound(prefix); it != files_.end() && it->first.rfind(prefix, 0) == 0; ++it) {
    if (!it->second.current) continue;
    exists = true;
    if (it->second.entry_ns < 0) continue;  // a grown output file: made with its directory
    const std::string_view rest = std::string_view(it->first).substr(prefix.size());
    const Time entry = Time::fromNanoseconds(it->second.entry_ns);
    if (const auto slash = rest.find('/'); slash == std::string_view::npos) {
      later(entry);
    } else {
      made(rest.substr(0, slash), entry);
    }
  }
  for (auto it = underDirectory(made_, self, prefix); it != made_.end() && it->first.rfind(prefix, 0) == 0; ++it) {
    exists = true;
    const std::string_view rest = std::string_view(it->first).substr(prefix.size());
    made(rest.substr(0, rest.find('/')), it->second);
  }
  if (!exists) return std::nullopt;
  for (const auto& [sub, t] : subs) later(t);
  if (madeItself) later(self->second);
  if (auto c = changed_.find(dir); c != changed_.end()) later(c->second);
  return latest.value_or(Time{});
}

std::vector<std::string> Disk::list(const std::string& prefix) const {
  std::vector<std::string> out;
  for (auto it = files_.lower_bound(prefix); it != files_.end() && it->first.rfind(prefix, 0) == 0; ++it) {
    if (it->second.current) out.push_back(it->first);
  }
  return out;
}

void Disk::sync() {
  for (const std::string& path : dirty_) {
    auto it = files_.find(path);
    if (it != files_.end()) it->second.durable = it->second.current;
  }
  dirty_.clear();
}

void Disk::crash() {
  for (const std::string& path : dirty_) {
    auto it = files_.find(path);
    if (it == files_.end()) continue;
    it->second.current = it->second.durable;
    if (!it->second.current) files_.erase(it);
  }
  dirty_.clear();
}

std::uint64_t Disk::usedBytes() const {
  std::uint64_t n = 0;
  for (const auto& [path, f] : files_) n += (f.current ? f.current->size() : 0) + f.grown;
  return n;
}

std::uint64_t Disk::usedBytes(const std::string& prefix) const {
  std::uint64_t n = 0;
  for (auto it = files_.lower_bound(prefix); it != files_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
       ++it) {
    n += (it->second.current ? it->second.current->size() : 0) + it->second.grown;
  }
  return n;
}

void Disk::grow(const std::string& path, std::uint64_t bytes) {
  File& f = files_[path];
  if (!f.current) f.current = std::string();
  if (!f.durable) f.durable = std::string();
  f.grown += bytes;
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
