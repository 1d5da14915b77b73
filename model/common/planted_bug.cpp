#include "model/common/planted_bug.hpp"

namespace agentsim::model {

const std::vector<PlantedBugSpec>& plantedBugs() {
  static const std::vector<PlantedBugSpec> bugs{};
  return bugs;
}

const PlantedBugSpec* findPlantedBug(std::string_view name) {
  for (const PlantedBugSpec& b : plantedBugs()) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

}  // namespace agentsim::model
