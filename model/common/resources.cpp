#include "model/common/resources.hpp"

#include <fmt/format.h>

namespace agentsim::model {

std::uint64_t diskBytes(std::string_view text) {
  std::uint64_t total = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto semi = text.find(';', start);
    const std::string_view item = text.substr(start, semi == std::string_view::npos ? std::string_view::npos : semi - start);
    start = semi == std::string_view::npos ? text.size() : semi + 1;
    if (item.substr(0, 5) != "disk:") continue;
    std::uint64_t mb = 0;
    const std::string_view value = item.substr(5);
    if (value.empty() || value.size() > 9) continue;
    bool digits = true;
    for (char c : value) {
      if (c < '0' || c > '9') digits = false;
      else mb = mb * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (digits) total += mb * 1024 * 1024;
  }
  return total;
}

sim::Try<Resources> parseResources(std::string_view text) {
  Resources out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto semi = text.find(';', start);
    const std::string_view item = text.substr(start, semi == std::string_view::npos ? std::string_view::npos : semi - start);
    start = semi == std::string_view::npos ? text.size() + 1 : semi + 1;
    if (item.empty()) continue;
    const auto colon = item.find(':');
    if (colon == std::string_view::npos) {
      return sim::Error{fmt::format("Failed to parse resource '{}': expected name:value", item.substr(0, 40))};
    }
    const std::string_view name = item.substr(0, colon);
    const std::string_view value = item.substr(colon + 1);
    std::int64_t whole = 0;
    std::int64_t frac = 0;
    int fracDigits = 0;
    std::size_t i = 0;
    for (; i < value.size() && value[i] >= '0' && value[i] <= '9'; ++i) {
      if (whole > 1'000'000'000) return sim::Error{fmt::format("Resource value too large in '{}'", item.substr(0, 40))};
      whole = whole * 10 + (value[i] - '0');
    }
    if (i < value.size() && value[i] == '.') {
      for (++i; i < value.size() && value[i] >= '0' && value[i] <= '9'; ++i) {
        if (++fracDigits > 3) return sim::Error{fmt::format("At most 3 decimal places in '{}'", item.substr(0, 40))};
        frac = frac * 10 + (value[i] - '0');
      }
    }
    if (i == 0 || i != value.size()) {
      if (name == "cpus" || name == "mem") {
        return sim::Error{fmt::format("Failed to parse resource '{}': expected a number", item.substr(0, 40))};
      }
      continue;  // ranges and sets (ports:[31000-32000]) are not scalars
    }
    for (int k = fracDigits; k < 3; ++k) frac *= 10;
    if (name == "cpus") out.cpus_milli += whole * 1000 + frac;
    if (name == "mem") out.mem_mb += whole;
  }
  return out;
}

std::string format(const Resources& r, bool revocable) {
  const std::string tag = revocable ? "(*){REV}" : "";
  std::string cpus = fmt::format("{}", r.cpus_milli / 1000);
  if (r.cpus_milli % 1000 != 0) {
    std::string frac = fmt::format("{:03}", r.cpus_milli % 1000);
    while (frac.back() == '0') frac.pop_back();
    cpus += "." + frac;
  }
  return fmt::format("cpus{}:{};mem{}:{}", tag, cpus, tag, r.mem_mb);
}

std::string mixedRevocableError(const Resources& all, const Resources& revocable) {
  // Resources::names() in order: cpus, then mem.
  if (revocable.cpus_milli != 0 && revocable.cpus_milli != all.cpus_milli) {
    return "Cannot use both revocable and non-revocable 'cpus' at the same time";
  }
  if (revocable.mem_mb != 0 && revocable.mem_mb != all.mem_mb) {
    return "Cannot use both revocable and non-revocable 'mem' at the same time";
  }
  return {};
}

}  // namespace agentsim::model
