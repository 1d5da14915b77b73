#pragma once
// "Did you mean ...?" for names a user misspelt: the candidates closest to what was
// written, by edit distance (insertions, deletions, substitutions and swaps of two
// neighbours, each costing 1), case-insensitive. Deterministic: ties keep the
// candidates' order.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace agentsim::sim {

// The optimal-string-alignment distance between `a` and `b`, ignoring ASCII case.
std::size_t editDistance(std::string_view a, std::string_view b);

// Up to `most` candidates within a distance a reader would call a typo (a third of the
// longer word, at least 1), nearest first; then those that begin with what was written
// (at least 3 characters: "kill" finds "kill_task").
std::vector<std::string_view> closest(std::string_view written, std::span<const std::string_view> candidates,
                                      std::size_t most = 3);
std::vector<std::string_view> closest(std::string_view written, std::span<const std::string> candidates,
                                      std::size_t most = 3);

// " (did you mean \"frameworks\"?)" or " (did you mean \"a\" or \"b\"?)"; empty when
// nothing is close.
std::string didYouMean(std::string_view written, std::span<const std::string_view> candidates);
std::string didYouMean(std::string_view written, std::span<const std::string> candidates);
// The same phrase for names already chosen.
std::string didYouMeanOneOf(const std::vector<std::string_view>& names);

}  // namespace agentsim::sim
