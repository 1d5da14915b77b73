#include "model/master/main.hpp"

#include <fmt/format.h>

#include "model/master/contender/zookeeper.hpp"
#include "model/master/detector/detector.hpp"
#include "model/zookeeper/group.hpp"

namespace agentsim::model {

sim::Try<Master*> masterMainWith(sim::Host& host, const MasterFlags& flags, std::shared_ptr<ReplicatedLog> log,
                                 std::shared_ptr<sim::FaultSites> faults, std::shared_ptr<const PlantedBugs> bugs,
                                 bool gauges, bool taskRecords, const ACLs& acls) {
  MasterEnvironment env;
  if (!acls.empty()) env.authorizer = std::make_shared<const LocalAuthorizer>(acls);
  env.gauges = gauges;
  env.task_records = taskRecords;
  env.log = std::move(log);
  env.faults = std::move(faults);
  env.bugs = std::move(bugs);
  if (!flags.zk.empty()) {
    // MasterContender::create and MasterDetector::create with --zk.
    auto url = parseZooKeeperUrl(flags.zk);
    if (url.isError()) return sim::Error{fmt::format("Failed to create a master contender: {}", url.error())};
    if (url->path == "/") {
      return sim::Error{"Failed to create a master contender: Expecting a (chroot) path for ZooKeeper ('/' is not "
                        "supported)"};
    }
    // --zk_session_timeout for both, as Mesos 1.3+ (1.1: kMasterContenderZkSessionTimeout and
    // kMasterDetectorZkSessionTimeout, both 10secs, the flag's default).
    auto& group = host.sim().spawn<GroupProcess>(host, url->servers, flags.zk_session_timeout, url->path,
                                                    url->credentials);
    env.contender = &host.sim().spawn<ZooKeeperMasterContender>(host, group);
    env.detector = &spawnZooKeeperMasterDetector(host, *url, flags.zk_session_timeout);
  }
  return &host.sim().spawn<Master>(host, flags, std::move(env));
}

void masterMain(sim::Host& host, const MasterFlags& flags) { host.sim().spawn<Master>(host, flags); }

}  // namespace agentsim::model
