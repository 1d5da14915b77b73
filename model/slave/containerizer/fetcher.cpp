#include "model/slave/containerizer/fetcher.hpp"

#include <fmt/format.h>

#include "model/slave/fault_sites.hpp"
#include "sim/simulation.hpp"
#include "sim/uint128.hpp"

namespace agentsim::model {

Fetcher::Fetcher(Bytes cacheSize, std::string cacheDir)
    : sim::Process(sim::ProcessName::generated("fetcher")), cacheSize_(cacheSize.bytes), cacheDir_(std::move(cacheDir)) {}

sim::Duration Fetcher::downloadTime(std::uint64_t bytes) {
  const sim::u128 ns = static_cast<sim::u128>(bytes) * 1'000'000'000u / kFetchBandwidthBytesPerSecond;
  return kFetchLatency + sim::Nanoseconds(static_cast<std::int64_t>(ns));
}

std::vector<std::string> Fetcher::cached() const {
  std::vector<std::string> out;
  for (const auto& [uri, entry] : cache_) out.push_back(uri);
  return out;
}

void Fetcher::fetch(std::string containerId, std::vector<CommandURI> uris, std::string sandbox, sim::Upid caller,
                    Done done) {
  auto job = std::make_shared<Job>(Job{std::move(containerId), std::move(uris), std::move(sandbox), caller,
                                       std::move(done), 0});
  dispatch("FetcherProcess::fetch", [this, job] {
    log(fmt::format("Starting to fetch URIs for container: {}, directory: {}", job->containerId, job->sandbox),
        {{"container", job->containerId}, {"uris", static_cast<std::int64_t>(job->uris.size())}});
    step(job);
  });
}

bool Fetcher::reserve(std::uint64_t bytes) {
  if (bytes > cacheSize_) return false;
  while (cacheBytes_ + bytes > cacheSize_) {
    auto lru = cache_.begin();
    for (auto it = cache_.begin(); it != cache_.end(); ++it) {
      if (it->second.lastUse < lru->second.lastUse) lru = it;
    }
    log(fmt::format("Evicting cache entry '{}'", lru->first), {{"uri", lru->first}});
    cacheBytes_ -= lru->second.size;
    cache_.erase(lru);
  }
  return true;
}

void Fetcher::step(std::shared_ptr<Job> job) {
  if (job->next == job->uris.size()) {
    finish(job, sim::Nothing{});
    return;
  }
  const CommandURI& uri = job->uris[job->next];
  const std::string base = uri.value.substr(uri.value.rfind('/') + 1);
  const std::string target = job->sandbox + "/" + (base.empty() ? "download" : base);
  if (!uri.reachable || siteFires(faults_, *this, kFetcherFetchSite, uri.value)) {
    log(fmt::format("Failed to fetch '{}': the download failed", uri.value), {{"uri", uri.value}});
    finish(job, sim::Error{fmt::format("Failed to fetch all URIs for container '{}' with exit status: 256",
                                       job->containerId)});
    return;
  }

  sim::Duration took;
  std::string how;
  if (uri.cache) {
    auto hit = cache_.find(uri.value);
    if (hit != cache_.end()) {
      ++hits_;
      hit->second.lastUse = ++uses_;
      took = kCacheCopyLatency;
      how = "cache hit";
    } else {
      ++misses_;
      took = downloadTime(uri.size_bytes);
      if (reserve(uri.size_bytes)) {
        cache_[uri.value] = CacheEntry{uri.size_bytes, ++uses_};
        cacheBytes_ += uri.size_bytes;
        how = "cache miss";
      } else {
        how = "cache miss, larger than the cache: fetched directly";
      }
    }
  } else {
    took = downloadTime(uri.size_bytes);
    how = "download";
  }
  log(fmt::format("Fetching URI '{}' ({})", uri.value, how),
      {{"uri", uri.value}, {"bytes", static_cast<std::int64_t>(uri.size_bytes)}, {"takes", sim::format(took)}});
  delay(took, "FetcherProcess::_fetch", [this, job, target, value = uri.value, size = uri.size_bytes] {
    (void)host().disk().write(target, fmt::format("<{} bytes fetched from {}>", size, value));
    ++job->next;
    step(job);
  });
}

void Fetcher::finish(const std::shared_ptr<Job>& job, sim::Try<sim::Nothing> result) {
  if (!result.isError()) log(fmt::format("Fetched URIs for container: {}", job->containerId));
  if (sim::Process* p = sim().process(job->caller)) {
    p->dispatch("Fetcher::fetch", [done = job->done, result = std::move(result)] { done(result); });
  }
}

}  // namespace agentsim::model
