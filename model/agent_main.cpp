#include "model/agent_main.hpp"

#include <fmt/format.h>

#include "model/master.hpp"
#include "model/master_detector.hpp"
#include "model/slave.hpp"

namespace agentsim::model {

sim::Try<sim::Nothing> agentMain(sim::Host& host, const SlaveFlags& flags) {
  auto detector = createMasterDetector(host, flags.master);
  if (detector.isError()) return sim::Error{detector.error()};
  host.sim().spawn<Slave>(host, flags, **detector);
  return sim::Nothing{};
}

void masterMain(sim::Host& host, const MasterFlags& flags) { host.sim().spawn<Master>(host, flags); }

}  // namespace agentsim::model
