#pragma once
// Fetcher (src/slave/containerizer/fetcher.cpp), process fetcher(1): downloads a
// container's URIs into its sandbox before the container starts. It promises:
//  - URIs are fetched one after the other, in the order given; the result comes back
//    as one event on the caller, after the last URI (or the first failure);
//  - a download takes kFetchLatency + size / kFetchBandwidth of simulated time;
//  - a URI with `cache` set goes through the fetcher cache (--fetcher_cache_size,
//    --fetcher_cache_dir): a hit copies from the cache in kCacheCopyLatency; a miss
//    downloads into the cache, evicting least recently used entries until it fits (a
//    URI larger than the whole cache is downloaded straight into the sandbox);
//  - an unreachable URI fails the fetch with Mesos's message, and nothing after it is
//    fetched.
// The file written into the sandbox holds a placeholder, not the bytes.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "model/common/flags.hpp"
#include "sim/fault_site.hpp"
#include "sim/process.hpp"
#include "sim/try.hpp"

namespace agentsim::model {

// agentsim's network model for downloads (not Mesos constants).
inline constexpr sim::Duration kFetchLatency = sim::Milliseconds(10);
inline constexpr std::uint64_t kFetchBandwidthBytesPerSecond = 100 * kMegabyte;
inline constexpr sim::Duration kCacheCopyLatency = sim::Milliseconds(1);

// mesos.proto CommandInfo.URI, with what the simulation needs to know of the file.
struct CommandURI {
  std::string value;       // "http://repo/app.tar.gz"
  std::uint64_t size_bytes = 0;
  bool cache = false;
  bool reachable = true;   // false: the download fails
  bool operator==(const CommandURI&) const = default;
};

class Fetcher final : public sim::Process {
 public:
  using Done = std::function<void(const sim::Try<sim::Nothing>&)>;

  explicit Fetcher(Bytes cacheSize = Bytes{2 * kGigabyte}, std::string cacheDir = "/tmp/mesos/fetch");
  std::string_view source() const override { return "src/slave/containerizer/fetcher.cpp"; }
  std::string_view className() const override { return "FetcherProcess"; }

  // The run's fault sites (model/slave/fault_sites.hpp); none: every site is off.
  void setFaults(std::shared_ptr<sim::FaultSites> faults) { faults_ = std::move(faults); }

  // Fetcher::fetch: `done` runs as an event on the process at `caller`.
  void fetch(std::string containerId, std::vector<CommandURI> uris, std::string sandbox, sim::Upid caller, Done done);

  std::uint64_t cacheHits() const { return hits_; }
  std::uint64_t cacheMisses() const { return misses_; }
  std::uint64_t cacheBytes() const { return cacheBytes_; }
  // URIs now in the cache, sorted.
  std::vector<std::string> cached() const;

  // Simulated time to download `bytes`.
  static sim::Duration downloadTime(std::uint64_t bytes);

 private:
  std::shared_ptr<sim::FaultSites> faults_;
  struct Job {
    std::string containerId;
    std::vector<CommandURI> uris;
    std::string sandbox;
    sim::Upid caller;
    Done done;
    std::size_t next = 0;
  };
  struct CacheEntry {
    std::uint64_t size = 0;
    std::uint64_t lastUse = 0;  // a counter, for LRU
  };
  void step(std::shared_ptr<Job> job);
  void finish(const std::shared_ptr<Job>& job, sim::Try<sim::Nothing> result);
  bool reserve(std::uint64_t bytes);

  std::uint64_t cacheSize_;
  std::string cacheDir_;
  std::map<std::string, CacheEntry> cache_;  // by URI
  std::uint64_t cacheBytes_ = 0;
  std::uint64_t uses_ = 0;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

}  // namespace agentsim::model
