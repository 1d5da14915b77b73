#pragma once
// The filters every view shares (`agentsim view --hosts --processes --messages --kinds
// --from --to --all`, docs/views.md): which trace records a view draws. Read from the
// records alone.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/time.hpp"
#include "sim/trace.hpp"
#include "sim/try.hpp"

namespace agentsim::viz {

// One end of a message: the process id and host of an address "slave(1)@agent-1:5051".
struct Endpoint {
  std::string process;
  std::string host;
  bool operator==(const Endpoint&) const = default;
};
Endpoint endpointOf(std::string_view address);

// Whether a record is periodic chatter a view hides unless asked (--all): the ZooKeeper
// heartbeats (isHeartbeat) and the master's agent health checks, PingSlaveMessage and
// PongSlaveMessage (a SlaveObserver pings every agent every agent_ping_timeout).
bool isChatter(const sim::Record& r);

bool isMessageRecord(const sim::Record& r);  // send, deliver or drop

struct ViewFilter {
  // Host names or process ids; '*' matches any run of characters ("agent-*"). Empty:
  // any. A message record is selected when either end (its `from` or `to` address)
  // matches; a partition or heal when either host does; a check record always (and
  // whatever the time window: the verdicts come after the run).
  std::vector<std::string> hosts;
  std::vector<std::string> processes;
  // Message names: limits the message records (send, deliver, drop, and faults acting
  // on one message) to these; other records are not affected. Empty: any.
  std::vector<std::string> messages;
  std::vector<sim::RecordKind> kinds;  // empty: every kind
  std::optional<sim::Time> from;       // inclusive
  std::optional<sim::Time> to;         // inclusive
  bool all = false;                    // also show periodic chatter (isChatter)

  bool selects(const sim::Record& r) const;
  // Whether the hosts, processes and messages filters (not kinds, not the time window,
  // not chatter) would select the record: a view looks up the send of a selected
  // delivery among these, wherever the send falls.
  bool matchesWho(const sim::Record& r) const;
  // False only when a trace line (a record's JSON) cannot hold a record matchesWho
  // accepts: it names none of the hosts and processes asked for (as `"agent-1"`,
  // `@agent-1:`, `"slave(1)`) and is no check or fault. Lets a reader pass over most of a
  // big trace without parsing it.
  bool mayMatchLine(std::string_view line) const;
  std::function<bool(std::string_view)> lineTest() const;  // the same, its texts worked out once
  bool wantsKind(sim::RecordKind kind) const;
  bool inWindow(sim::Time t) const;
};

// "a,b,c" into its non-empty parts.
std::vector<std::string> splitList(std::string_view text);
// "send,deliver" into kinds; an unknown kind is an error naming the kinds there are.
sim::Try<std::vector<sim::RecordKind>> parseKinds(std::string_view text);
// A simulated time: a Mesos duration since the start ("30secs", "1.5mins", "0ns").
sim::Try<sim::Time> parseViewTime(std::string_view text);

}  // namespace agentsim::viz
