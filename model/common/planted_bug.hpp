#pragma once
// Planted bugs: realistic ordering bugs compiled into the model and off by default, so
// that `agentsim fuzz --bug NAME` can show the fuzzer finds them and `agentsim run --bug
// NAME` replays a reproducer with the bug on (docs/fuzzing.md). A run turns on at most
// one; model code asks whether it is on where the bug would change what Mesos does.
#include <string_view>
#include <vector>

namespace agentsim::model {

struct PlantedBugSpec {
  std::string_view name;  // e.g. "backoff-does-not-double"
  std::string_view help;  // one sentence: what the model then does wrong, and where
};

// Every planted bug, in a fixed order.
const std::vector<PlantedBugSpec>& plantedBugs();
// The bug of that name, or null.
const PlantedBugSpec* findPlantedBug(std::string_view name);

}  // namespace agentsim::model
