#include "sim/disk.hpp"

#include <fmt/format.h>

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
  if (sync) {
    f.durable = f.current;
  } else {
    dirty_.push_back(path);
  }
  return Nothing{};
}

Try<Nothing> Disk::append(const std::string& path, std::string_view bytes, bool sync) {
  std::string content = read(path).value_or("");
  content.append(bytes);
  return write(path, std::move(content), sync);
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
  return true;
}

std::size_t Disk::removeTree(const std::string& prefix) {
  std::size_t n = 0;
  for (auto it = files_.lower_bound(prefix); it != files_.end() && it->first.rfind(prefix, 0) == 0;) {
    it = files_.erase(it);
    ++n;
  }
  return n;
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
