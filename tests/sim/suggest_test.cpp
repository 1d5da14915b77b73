// "Did you mean ...?" (sim/suggest.hpp): typos find their word, unrelated words find nothing.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "sim/suggest.hpp"

using namespace agentsim::sim;

TEST_CASE("editDistance counts insertions, deletions, substitutions and swaps, ignoring case") {
  CHECK(editDistance("frameworks", "frameworks") == 0);
  CHECK(editDistance("framework", "frameworks") == 1);
  CHECK(editDistance("framwork", "framework") == 1);
  CHECK(editDistance("fraemwork", "framework") == 1);  // a swap of neighbours is one edit
  CHECK(editDistance("MINS", "mins") == 0);
  CHECK(editDistance("", "abc") == 3);
  CHECK(editDistance("kill", "call") == 2);
}

TEST_CASE("didYouMean names the close candidates, nearest first, and nothing for an unrelated word") {
  const std::vector<std::string_view> keys{"name", "seed", "until", "cluster", "frameworks", "timeline", "expect"};
  CHECK(didYouMean("framework", keys) == " (did you mean \"frameworks\"?)");
  CHECK(didYouMean("untill", keys) == " (did you mean \"until\"?)");
  CHECK(didYouMean("zebra", keys).empty());
  // A third of the word: "kill" is not a typo of "call", but it begins "kill_task".
  const std::vector<std::string_view> actions{"call", "crash", "kill_task", "kill_executors"};
  CHECK(didYouMean("kill", actions) == " (did you mean \"kill_task\" or \"kill_executors\"?)");
  const std::vector<std::string> units{"weeks", "days", "hrs", "mins", "secs", "ms", "us", "ns"};
  CHECK(didYouMean("min", units) == " (did you mean \"mins\"?)");
  CHECK(closest("sec", units, 1) == std::vector<std::string_view>{"secs"});
}
