#include "sim/suggest.hpp"

#include <algorithm>
#include <utility>

namespace agentsim::sim {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool startsWith(std::string_view text, std::string_view prefix) {
  if (prefix.size() > text.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(text[i]) != lower(prefix[i])) return false;
  }
  return true;
}

std::vector<std::string_view> nearest(std::string_view written, std::vector<std::string_view> candidates,
                                      std::size_t most) {
  std::vector<std::pair<std::size_t, std::string_view>> scored;
  for (std::string_view c : candidates) {
    if (c.empty() || c == written) continue;
    const std::size_t limit = std::max<std::size_t>(1, std::max(written.size(), c.size()) / 3);
    const std::size_t d = editDistance(written, c);
    if (d <= limit) {
      scored.emplace_back(d, c);
    } else if (written.size() >= 3 && startsWith(c, written)) {
      scored.emplace_back(limit + 1, c);  // "kill" for "kill_task": after the typos
    }
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string_view> out;
  for (const auto& [d, c] : scored) {
    if (out.size() == most) break;
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  }
  return out;
}

std::string phrase(const std::vector<std::string_view>& names) {
  if (names.empty()) return {};
  std::string out = " (did you mean ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += '"';
    out += names[i];
    out += '"';
  }
  return out + "?)";
}

}  // namespace

std::size_t editDistance(std::string_view a, std::string_view b) {
  // Rows i-2, i-1 and i of the optimal-string-alignment table.
  std::vector<std::size_t> older(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])) {
        cur[j] = std::min(cur[j], older[j - 2] + 1);
      }
    }
    std::swap(older, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::vector<std::string_view> closest(std::string_view written, std::span<const std::string_view> candidates,
                                      std::size_t most) {
  return nearest(written, {candidates.begin(), candidates.end()}, most);
}

std::vector<std::string_view> closest(std::string_view written, std::span<const std::string> candidates,
                                      std::size_t most) {
  return nearest(written, {candidates.begin(), candidates.end()}, most);
}

std::string didYouMeanOneOf(const std::vector<std::string_view>& names) { return phrase(names); }

std::string didYouMean(std::string_view written, std::span<const std::string_view> candidates) {
  return phrase(closest(written, candidates));
}

std::string didYouMean(std::string_view written, std::span<const std::string> candidates) {
  return phrase(closest(written, candidates));
}

}  // namespace agentsim::sim
