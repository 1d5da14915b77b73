#pragma once
// Planted bugs: realistic ordering bugs compiled into the model and off by default, so
// that `agentsim fuzz --bug NAME` can show the fuzzer finds them and `agentsim run --bug
// NAME` replays a reproducer with the bug on (docs/fuzzing.md). A run turns on at most
// one; model code asks whether it is on where the bug would change what Mesos does.
//
// The bug a run turned on reaches the model as its fault sites do: the harness makes one
// PlantedBugs per run and hands it down (MasterEnvironment, AgentOptions), never through
// a global, so cases on several threads do not see each other's bug. Each bug is one
// small branch in the model function it breaks, and each is caught by a named invariant
// (tests/regressions/bug-NAME.json replays one that is).
#include <memory>
#include <string_view>
#include <vector>

namespace agentsim::model {

enum class PlantedBugId {
  None,
  StatusUpdateRetryUncapped,
  TerminalAckKeepsStream,
  ReplayIgnoresAcknowledgements,
  ResumeWithoutRetryTimer,
  UpdateForwardedBeforeCheckpoint,
  ContenderIgnoresSessionExpiry,
  ReregisteredWhileTerminating,
  ReconciliationLostWithoutReason,
};

struct PlantedBugSpec {
  std::string_view name;  // e.g. "status-update-retry-uncapped"
  std::string_view help;  // one sentence: what the model then does wrong, and where
  PlantedBugId id = PlantedBugId::None;
  std::string_view invariant = {};  // the rule that catches it
};

// Every planted bug, in a fixed order.
const std::vector<PlantedBugSpec>& plantedBugs();
// The bug of that name, or null.
const PlantedBugSpec* findPlantedBug(std::string_view name);

// The planted bug one run turned on (none by default); shared by the processes of that
// run that ask.
class PlantedBugs {
 public:
  PlantedBugs() = default;
  explicit PlantedBugs(const PlantedBugSpec* bug) : bug_(bug) {}
  bool on(PlantedBugId id) const { return bug_ != nullptr && bug_->id == id; }
  const PlantedBugSpec* active() const { return bug_; }

 private:
  const PlantedBugSpec* bug_ = nullptr;
};

// Whether `bugs` (possibly none) has `id` on.
inline bool bugOn(const std::shared_ptr<const PlantedBugs>& bugs, PlantedBugId id) { return bugs && bugs->on(id); }

}  // namespace agentsim::model
