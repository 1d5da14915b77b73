#include "model/master_detector.hpp"

#include <fmt/format.h>

#include "sim/simulation.hpp"

namespace agentsim::model {

std::uint64_t MasterDetector::detect(std::optional<MasterInfo> previous, sim::Process& requester,
                                     Callback callback) {
  const std::uint64_t handle = next_handle_++;
  dispatch("detect", [this, handle, previous = std::move(previous), &requester, cb = std::move(callback)] {
    Request request{previous, &requester, cb};
    if (leader_ != previous) {
      complete(std::move(request), leader_ ? Detection{Detection::Kind::Leader, leader_, {}}
                                           : Detection{Detection::Kind::None, std::nullopt, {}});
      return;
    }
    pending_.emplace(handle, std::move(request));
  });
  return handle;
}

void MasterDetector::discard(std::uint64_t handle) {
  auto it = pending_.find(handle);
  if (it == pending_.end()) return;
  Request request = std::move(it->second);
  pending_.erase(it);
  complete(std::move(request), Detection{Detection::Kind::Discarded, std::nullopt, {}});
}

void MasterDetector::setLeader(std::optional<MasterInfo> leader) {
  leader_ = std::move(leader);
  std::map<std::uint64_t, Request> waiting;
  waiting.swap(pending_);
  for (auto& [handle, request] : waiting) {
    if (request.previous == leader_) {
      pending_.emplace(handle, std::move(request));
      continue;
    }
    complete(std::move(request), leader_ ? Detection{Detection::Kind::Leader, leader_, {}}
                                         : Detection{Detection::Kind::None, std::nullopt, {}});
  }
}

void MasterDetector::fail(std::string failure) {
  std::map<std::uint64_t, Request> waiting;
  waiting.swap(pending_);
  for (auto& [handle, request] : waiting) {
    complete(std::move(request), Detection{Detection::Kind::Failed, std::nullopt, failure});
  }
}

void MasterDetector::complete(Request request, Detection detection) {
  request.requester->dispatch("detected", [cb = std::move(request.callback), d = std::move(detection)] { cb(d); });
}

StandaloneMasterDetector::StandaloneMasterDetector(std::optional<MasterInfo> leader)
    : MasterDetector(sim::ProcessName::generated("standalone-master-detector")), initial_(std::move(leader)) {}

void StandaloneMasterDetector::initialize() { setLeader(initial_); }

void StandaloneMasterDetector::appoint(std::optional<MasterInfo> leader) {
  dispatch("appoint", [this, leader = std::move(leader)] {
    log(leader ? fmt::format("Appointed leading master {}", leader->pid) : std::string("Appointed no leader"));
    setLeader(leader);
  });
}

sim::Try<MasterDetector*> createMasterDetector(sim::Host& host, const std::string& master) {
  if (master.empty()) return sim::Error{"Missing required option `--master` or `--master_detector`."};
  auto leader = masterInfoFromPid(master);
  if (leader.isError()) return sim::Error{fmt::format("Failed to create a master detector: {}", leader.error())};
  return static_cast<MasterDetector*>(&host.sim().spawn<StandaloneMasterDetector>(host, *leader));
}

sim::Try<MasterInfo> masterInfoFromPid(std::string_view text) {
  std::string pid(text);
  if (pid.find('@') == std::string::npos) pid = "master@" + pid;
  const auto at = pid.find('@');
  const auto colon = pid.rfind(':');
  auto bad = [&] {
    return sim::Error{fmt::format("Failed to parse '{}': expected host:port or id@host:port", text)};
  };
  if (at == 0 || colon == std::string::npos || colon < at + 2 || colon + 1 == pid.size()) return bad();
  std::uint32_t port = 0;
  for (char c : pid.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) return bad();
    port = port * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (port == 0 || port > 65535) return bad();
  MasterInfo info;
  info.pid = pid;
  info.hostname = pid.substr(at + 1, colon - at - 1);
  info.port = port;
  return info;
}

}  // namespace agentsim::model
