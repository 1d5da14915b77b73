#pragma once
// The network: delivers messages between processes after a latency, and is the one
// place where faults act on messages (drop, delay, duplicate, hold and release, rewrite,
// partitions). Model code sends and receives; it does not know faults exist.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/message.hpp"
#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace agentsim::sim {

class Simulation;

// Which messages a rule acts on. Empty means any. `from`/`to` match a process id
// ("slave(1)"), a host ("agent-1") or a full address ("slave(1)@agent-1:5051").
struct MessageMatch {
  std::string name;
  std::string from;
  std::string to;
  // Optional extra predicate (benchmarks, tests); decides nothing if empty.
  std::function<bool(const Envelope&)> where;

  bool matches(const Envelope& e) const;
  std::string describe() const;

  // The address of a message name found equal to `name`: a message's name() is its
  // type's kName, whose characters never move, so the next message of the type matches
  // on the address alone (a cache: it decides nothing the text would not).
  mutable const char* name_seen = nullptr;
};

enum class FaultAction { Drop, Delay, Duplicate, Hold, Rewrite };
std::string_view toString(FaultAction a);

struct FaultRule {
  MessageMatch match;
  FaultAction action = FaultAction::Drop;
  std::uint64_t count = 0;      // act on the first `count` matches; 0 = every match
  Ratio probability{1, 1};      // each match is acted on with this probability
  Duration delay;               // extra latency, for Delay
  bool keep_order = false;      // Delay only: as a slow TCP link, later messages on the link wait
  std::string label;            // shown in the trace, e.g. "timeline[0]"
  // Rewrite only: changes the matching message in flight, before any later rule sees it
  // and before delivery, and returns what it set (field -> new value) for the trace's
  // `rewrite` record. The kernel knows no message's fields: the caller supplies this.
  std::function<Fields(Message&)> rewrite;
};

using RuleId = std::uint64_t;

struct LatencyModel {
  Duration base = Milliseconds(1);
  Duration jitter;  // extra U[0, jitter] per message; per-link FIFO order is kept
};

class Network {
 public:
  explicit Network(Simulation& sim);

  void setLatency(LatencyModel model) { latency_ = model; }
  const LatencyModel& latency() const { return latency_; }

  RuleId addRule(FaultRule rule);
  // Removes a rule; held messages are released (delivered after the usual latency).
  void removeRule(RuleId id);
  // Delivers the messages a Hold rule is holding; the rule stays.
  std::size_t release(RuleId id);
  // Messages from hosts `a` to `b` are lost; both ways unless `oneWay`.
  void partition(const std::string& a, const std::string& b, bool oneWay, std::string label = {});
  void heal(const std::string& a, const std::string& b);
  void healAll();
  bool anyPartition() const { return !cuts_.empty(); }
  bool partitioned(const std::string& from, const std::string& to) const {
    return !cuts_.empty() && cuts_.count({from, to}) != 0;
  }

  // Called by Process::send.
  void send(Envelope envelope);
  // As the Mesos tests' spoof (process::post with a sender's address): carries a message
  // from `envelope.from` as if the process there had sent it. That process does not run
  // and never knows; the receiver cannot tell. For scenario actions and tests only.
  void spoof(Envelope envelope) { send(std::move(envelope)); }
  std::uint64_t messagesSent() const { return sent_; }

 private:
  // A held message, with the kernel's crash epoch when it was sent (crashEpoch): released
  // after its destination host crashed or its program was killed, it is dropped as any
  // message to a crashed process.
  struct Held {
    Envelope envelope;
    std::uint64_t epoch = 0;
  };
  struct ActiveRule {
    FaultRule rule;
    std::uint64_t matched = 0;
    std::vector<Held> held;
  };
  __attribute__((always_inline)) void schedule(Envelope&& envelope, Duration extra, std::uint64_t epoch,
                                               bool keepOrder = false);
  void traceDrop(const Envelope& e, std::string reason);
  void traceFault(const Envelope& e, std::string_view what, const std::string& label);
  void traceRewrite(const Envelope& e, Fields set, const std::string& label);

  Simulation& sim_;
  LatencyModel latency_;
  Rng rng_;
  // In id order (ids only grow), as a flat vector: every send walks it.
  std::vector<std::pair<RuleId, ActiveRule>> rules_;
  ActiveRule* findRule(RuleId id);
  RuleId next_rule_ = 1;
  std::map<std::pair<std::string, std::string>, std::string> cuts_;  // (from, to) -> label
  // FIFO under jitter, and on every link an order-keeping delay slowed (its later messages wait).
  std::map<std::pair<std::string, std::string>, Time> last_arrival_;
  std::uint64_t sent_ = 0;
};

}  // namespace agentsim::sim
