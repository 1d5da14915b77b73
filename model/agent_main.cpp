#include "model/agent_main.hpp"

#include <fmt/format.h>

#include "model/master.hpp"
#include "model/master_detector.hpp"
#include "model/slave.hpp"

namespace agentsim::model {

sim::Try<sim::Nothing> agentMain(sim::Host& host, const SlaveFlags& flags) {
  // MasterDetector::create (src/master/detector/detector.cpp).
  if (flags.master.empty()) return sim::Error{"Missing required option `--master` or `--master_detector`."};
  auto leader = masterInfoFromPid(flags.master);
  if (leader.isError()) return sim::Error{fmt::format("Failed to create a master detector: {}", leader.error())};
  sim::Simulation& sim = host.sim();
  auto& detector = sim.spawn<StandaloneMasterDetector>(host, *leader);
  sim.spawn<Slave>(host, flags, detector);
  return sim::Nothing{};
}

void masterMain(sim::Host& host, const MasterFlags& flags) { host.sim().spawn<Master>(host, flags); }

}  // namespace agentsim::model
