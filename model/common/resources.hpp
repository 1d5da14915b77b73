#pragma once
// Resources (include/mesos/resources.hpp), as far as oversubscription needs them:
// scalar cpus and mem, and whether they are revocable (Resource.revocable). cpus are held
// in thousandths so no floating point decides anything.
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/try.hpp"

namespace agentsim::model {

struct Resources {
  std::int64_t cpus_milli = 0;
  std::int64_t mem_mb = 0;
  bool operator==(const Resources&) const = default;
  bool empty() const { return cpus_milli == 0 && mem_mb == 0; }
  Resources& operator+=(const Resources& o) {
    cpus_milli += o.cpus_milli;
    mem_mb += o.mem_mb;
    return *this;
  }
  // Resources::operator-: never below zero.
  Resources minus(const Resources& o) const {
    return {cpus_milli > o.cpus_milli ? cpus_milli - o.cpus_milli : 0, mem_mb > o.mem_mb ? mem_mb - o.mem_mb : 0};
  }
  bool contains(const Resources& o) const { return cpus_milli >= o.cpus_milli && mem_mb >= o.mem_mb; }
};

// "cpus:2;mem:512" (other names are ignored; at most 3 decimal places for cpus).
sim::Try<Resources> parseResources(std::string_view text);
// The `disk` of a resources text in bytes (Resources::disk(): MB, whole numbers here),
// 0 if it names none or not a whole number: the sandbox quota of the disk/du isolator.
std::uint64_t diskBytes(std::string_view text);
// "cpus:2;mem:512", with "(*){REV}" after each name when revocable, as Mesos prints them.
std::string format(const Resources& r, bool revocable = false);

// resource::validateRevocableAndNonRevocableResources (src/master/validation.cpp): the
// error for resources of one name that are partly revocable (`revocable` is the revocable
// part of `all`), or empty when every name is wholly revocable or wholly regular.
std::string mixedRevocableError(const Resources& all, const Resources& revocable);

}  // namespace agentsim::model
