#pragma once
// MasterDetector (src/master/detector/detector.hpp): tells its users who leads.
// detect(previous) completes, as an event on the requester, once the leader differs
// from `previous`: with Some(leader), None (no leader), or Discarded (the requester
// gave up on it, as Future::discard).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "model/messages.hpp"
#include "sim/process.hpp"
#include "sim/try.hpp"

namespace agentsim::sim {
class Host;
}

namespace agentsim::model {

struct Detection {
  enum class Kind { Leader, None, Discarded, Failed };
  Kind kind = Kind::None;
  std::optional<MasterInfo> leader;
  std::string failure;
};

class MasterDetector : public sim::Process {
 public:
  using Callback = std::function<void(const Detection&)>;
  using sim::Process::Process;

  // Returns a handle for discard().
  std::uint64_t detect(std::optional<MasterInfo> previous, sim::Process& requester, Callback callback);
  // Completes the request with Discarded, at once, on its requester.
  void discard(std::uint64_t handle);

  const std::optional<MasterInfo>& leader() const { return leader_; }

 protected:
  // Completes every pending request whose `previous` differs from the new leader.
  void setLeader(std::optional<MasterInfo> leader);
  void fail(std::string failure);

 private:
  struct Request {
    std::optional<MasterInfo> previous;
    sim::Process* requester;
    Callback callback;
  };
  void complete(Request request, Detection detection);

  std::optional<MasterInfo> leader_;
  std::map<std::uint64_t, Request> pending_;
  std::uint64_t next_handle_ = 1;
};

// StandaloneMasterDetector (src/master/detector/standalone.cpp): a fixed leader, given
// by --master, or none; appoint() changes it (tests use it to simulate a new election).
class StandaloneMasterDetector final : public MasterDetector {
 public:
  explicit StandaloneMasterDetector(std::optional<MasterInfo> leader);
  std::string_view source() const override { return "src/master/detector/standalone.cpp"; }
  std::string_view className() const override { return "StandaloneMasterDetector"; }
  void appoint(std::optional<MasterInfo> leader);

 protected:
  void initialize() override;

 private:
  std::optional<MasterInfo> initial_;
};

// MasterDetector::create (src/master/detector/detector.cpp): spawns the detector the
// --master flag asks for on `host`, or fails with Mesos's message.
sim::Try<MasterDetector*> createMasterDetector(sim::Host& host, const std::string& master);

// Parses --master as MasterDetector::create does for a plain UPID: "master@" is
// prepended when missing ("master-1:5050" -> "master@master-1:5050").
sim::Try<MasterInfo> masterInfoFromPid(std::string_view text);

}  // namespace agentsim::model
