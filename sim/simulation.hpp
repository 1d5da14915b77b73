#pragma once
// The kernel: one clock, one event queue ordered by (time, sequence), hosts with
// processes and disks, the network, seeded randomness and the trace. It knows
// nothing of Mesos.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/callback.hpp"
#include "sim/disk.hpp"
#include "sim/event_queue.hpp"
#include "sim/load.hpp"
#include "sim/message.hpp"
#include "sim/network.hpp"
#include "sim/process.hpp"
#include "sim/rng.hpp"
#include "sim/time.hpp"
#include "sim/trace.hpp"

namespace agentsim::sim {

// Every queue and count has a limit; exceeding one stops the run with a message.
struct Limits {
  std::uint64_t max_events = 200'000'000;
  Duration max_time = Weeks(520);
  std::size_t max_hosts = 200'000;
  std::size_t max_processes = 2'000'000;
  std::size_t max_pending_events = 50'000'000;
  std::uint64_t max_trace_records = 5'000'000;  // kept in memory by sinks: bounds memory
  // ... and their size (approximateBytes): records with long texts or many fields
  // reach this before the count.
  std::uint64_t max_trace_bytes = std::uint64_t{2} << 30;
};

class Host {
 public:
  const std::string& name() const { return name_; }
  std::uint16_t port() const { return port_; }
  bool up() const { return up_; }
  // Counts crashes: work scheduled for this host outside its processes checks it to
  // know whether the host it was scheduled for is still the same boot.
  std::uint64_t incarnation() const { return incarnation_; }
  Disk& disk() { return disk_; }
  const Disk& disk() const { return disk_; }
  // The host's runnable tasks over time and its load averages (/proc/loadavg).
  LoadSignal& load() { return load_; }
  Simulation& sim() const { return *sim_; }
  // What a (re)start of this host runs: spawns its processes.
  std::function<void(Host&)> startup;
  // Live processes on this host, in spawn order.
  std::vector<Process*> processes() const;
  // Live processes of one program (an OS process: "" is the one the host boots), in
  // spawn order.
  std::vector<Process*> processesOf(std::string_view program) const;
  // How many process slots the host holds: its live processes (a terminated one is
  // dropped at once, not when it is freed), so a scan costs what is alive.
  std::size_t slotsHeld() const { return slots_.size(); }

 private:
  friend class Simulation;
  std::string name_;
  std::uint16_t port_ = 0;
  bool up_ = true;
  std::uint64_t incarnation_ = 0;  // bumped by each crash
  std::uint64_t last_crash_ = 0;   // Simulation::crashes_ just after this host's last crash (0: none)
  Disk disk_;
  LoadSignal load_;
  // An OS process on the host: its libprocess port and per-prefix id counters. The
  // program the host boots is "" and listens on the host's port.
  struct Program {
    std::uint16_t port = 0;
    // (prefix, the last id given): a dozen prefixes at most (the model's process names),
    // searched in order, never iterated into the trace.
    std::vector<std::pair<std::string, std::uint32_t>> counters;
    const std::string* name = nullptr;  // its key in programs_ (stable: entries go only with a crash)
    // Simulation::crashes_ just after this program's last kill (0: none): a message sent to
    // one of its processes before the kill is lost with the OS process's sockets.
    std::uint64_t last_kill = 0;
    std::uint32_t& counter(std::string_view prefix);
  };
  Program& program(const std::string& name);
  std::map<std::string, Program> programs_;
  std::uint16_t next_port_ = 0;  // the last port given to a program that is not ""
  std::vector<std::uint32_t> slots_;
  Simulation* sim_ = nullptr;
};

enum class StopReason { Idle, TimeReached, Stopped, LimitExceeded };

struct RunResult {
  StopReason reason = StopReason::Idle;
  std::string message;  // why, for Stopped and LimitExceeded
};

class Simulation {
 public:
  explicit Simulation(std::uint64_t seed, Limits limits = {});
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  std::uint64_t seed() const { return seed_; }
  Time now() const { return now_; }
  const Limits& limits() const { return limits_; }
  Trace& trace() { return trace_; }
  Network& network() { return *network_; }
  Rng rng(std::string_view stream) const { return Rng(seed_, stream); }

  // Hosts. The name is also the network address.
  Host& addHost(std::string name, std::uint16_t port);
  Host* host(std::string_view name);
  const Host* host(std::string_view name) const;
  // The host of an address, looked up once per address and remembered.
  Host* hostOf(const Upid& upid) {
    if (upid.isNone()) return nullptr;
    void* cached = upid.entry()->host_cache;
    return cached != nullptr ? static_cast<Host*>(cached) : lookUpHost(upid);
  }
  const std::deque<Host>& hosts() const { return hosts_; }
  // Crash: processes and timers are gone, unsynced disk data is lost, messages to it
  // are dropped. Restart: runs the host's startup again (ids count from 1 again).
  void crash(Host& host, std::string_view label = {});
  void restart(Host& host, std::string_view label = {});
  // SIGKILL of one program on a host: its processes are gone (no finalize) and their
  // sockets close, so linked processes learn they exited, and what was sent to them and
  // is still in flight (or held) is lost, even if the program starts again at the same
  // addresses before it arrives (deliver); the host, its disk (synced or not) and its
  // other programs stay. A later spawn into it counts ids from 1 again.
  void kill(Host& host, const std::string& program, std::string_view label = {});

  // Creates a process on a host; its initialize() runs as the next event.
  // The process joins the program of the process now running if that one is on the
  // same host, else the host's boot program "".
  template <typename P, typename... Args>
  P& spawn(Host& host, Args&&... args) {
    auto p = std::make_unique<P>(std::forward<Args>(args)...);
    P& ref = *p;
    adopt(host, std::move(p), std::nullopt);
    return ref;
  }
  // Spawns into a named program (created on first use with a port of its own), as a
  // fork/exec'd child with its own libprocess: an executor in its container.
  template <typename P, typename... Args>
  P& spawnIn(Host& host, const std::string& program, Args&&... args) {
    auto p = std::make_unique<P>(std::forward<Args>(args)...);
    P& ref = *p;
    adopt(host, std::move(p), program);
    return ref;
  }
  Process* process(const Upid& upid) const;
  // A test's call into a component it holds, as a Mesos test calls gc.schedule() on the
  // process it built: runs `fn` with the live process `id` of the host's boot program, as
  // an event of that process at the current time (after what is already queued for
  // now). Returns false, and runs nothing, when the host runs no such process.
  bool inject(Host& host, std::string_view id, std::string_view function, std::function<void(Process&)> fn);
  void terminate(Process& process);
  // Process::link; and what a partition calls: every link between a process on host
  // `a` and one on host `b`, either way, breaks (exited runs on the linker).
  void link(Process& linker, const Upid& to);
  void breakLinks(const std::string& a, const std::string& b);

  // Addresses, interned: equal text gives an equal Upid.
  Upid upid(std::string_view id, std::string_view host, std::uint16_t port);

  // Harness-level events (timeline actions): run at `at`, outside any process.
  TimerId at(Time when, std::string_view name, Callback fn);
  bool cancel(TimerId& id) {
    const TimerId t = id;
    id = TimerId{};
    return t.valid() && queue_.cancel(t.slot, t.gen);
  }

  RunResult runUntil(Time until);
  RunResult runFor(Duration d) { return runUntil(now_ + d); }
  // Runs every event due at or before now.
  RunResult settle() { return runUntil(now_); }
  // Asks the running loop to stop after the current event.
  void stop(std::string why);
  std::uint64_t eventsRun() const { return events_run_; }
  std::size_t pendingEvents() const { return queue_.size(); }
  // Off by default (events of equal time run in scheduling order). On, for the fuzzer:
  // events due at the same time run in an order drawn from the kernel's own stream
  // "ties" (a pure function of the seed), except where libprocess keeps order: two
  // messages from one process to another keep their send order, the events a process
  // scheduled for itself (dispatches, timers) keep theirs, and so do harness events.
  void permuteTies(bool on);

  // For the kernel's own components (Process, Network).
  struct Context {
    Process* process = nullptr;
    std::string_view function;
  };
  const Context& context() const { return context_; }
  std::string refOf(const Process* p, std::string_view function) const;
  // `traced` timers leave a `timer` record when they fire.
  // Both inline where they are called (every timer and message takes them).
  __attribute__((always_inline)) TimerId schedule(Time when, Process* owner, std::string_view function,
                                                  Callback&& fn, bool traced = false);
  // `epoch` is crashEpoch() when the message was sent: if the destination host has
  // crashed since, or the destination's program (OS process) was killed since, the
  // message is dropped on arrival (the connection was to the boot the host had then, to
  // the program's sockets then: a restarted agent's new slave(1) never gets it).
  __attribute__((always_inline)) void scheduleDelivery(Time when, Envelope&& envelope, std::uint64_t epoch);
  // How many host crashes and program kills the run has had. A host crashed after a send
  // exactly when its last crash came at a later count than the send's (Host::last_crash_),
  // and a program was killed after it when its last kill did (Program::last_kill), so a message
  // remembers this count, not its destination host's incarnation: a send reads neither
  // the destination's address entry nor its host (two cache misses per message at
  // 100,000 agents), and a delivery reads the host only when a crash came since.
  std::uint64_t crashEpoch() const { return crashes_; }
  // Asks before a record is built: true when a sink wants a record of this kind and
  // name (then emit it); false counts it as emitted without building it (Trace::admit).
  bool tracing(RecordKind kind, std::string_view name) { return trace_.admit(kind, name); }
  // `topic` marks the record for readers of that topic too (Interest::topic).
  void emit(RecordKind kind, const Process* p, std::string_view hostName, std::string name, Fields fields,
            std::string ref, std::string_view topic = {});
  // A record about `envelope` (a send, deliver or drop, or a fault acting on it): with its
  // id and whether it is a duplicated copy; named after the message unless `name` is given.
  void emitMessage(RecordKind kind, const Process* p, std::string_view hostName, const Envelope& envelope,
                   Fields fields, std::string ref, std::string name = {});

 private:
  friend class Host;
  friend class Process;  // internHandlers, and its log records (trace_, makeRecord)
  struct ProcessSlot {
    std::unique_ptr<Process> process;
    std::uint32_t gen = 0;
  };
  struct LinkRef {
    Upid linker;
    std::uint32_t slot = UINT32_MAX;
    std::uint32_t gen = 0;
  };

  Host* lookUpHost(const Upid& upid);  // hostOf's first look-up of an address
  void adopt(Host& host, std::unique_ptr<Process> p, std::optional<std::string> program);
  void terminateNoFinalize(Process& p);
  void unbind(Process& p);  // the second half of terminate
  void checkPendingLimit() {
    if (queue_.size() >= limits_.max_pending_events) pendingLimitExceeded();
  }
  [[noreturn]] void pendingLimitExceeded();
  // Runs one event taken from the queue: the clock moves to it, the limits are checked.
  void runEvent(std::uint32_t ref);
  // Before an event runs: prefetches what the next events will read (runUntil).
  void prefetchAhead(unsigned mode);
  // After an event: the limits on records kept and their size.
  void checkTraceLimits() {
    // Nothing retained (no sink keeps records): nothing to check.
    if (trace_.retained() != 0 &&
        (trace_.retained() > limits_.max_trace_records || trace_.bytes() > limits_.max_trace_bytes)) {
      traceLimitExceeded();
    }
  }
  [[noreturn]] void traceLimitExceeded();
  void runTimer(EventQueue::Timer& e);
  // A limit reached as event `ref` comes up: its slot is freed and the run stops.
  [[noreturn]] __attribute__((noinline)) void eventLimitExceeded(std::uint32_t ref);
  void deliver(EventQueue::Delivery& d);
  void destroy(std::uint32_t slot);
  // Schedules exited(to), in linker slot order, on every live linker in `set` accepted by
  // `which`; the rest stay (in slot order), the gone ones leave.
  struct LinkSet;
  void notifyExited(const Upid& to, LinkSet& set, const std::function<bool(const LinkRef&)>& which);
  [[noreturn]] void limitExceeded(std::string what);
  Record makeRecord(RecordKind kind, const Process* p, std::string_view hostName, std::string name, Fields fields,
                    std::string ref) const;

  std::uint64_t seed_;
  Limits limits_;
  Time now_;
  Trace trace_;
  std::unique_ptr<Network> network_;
  std::uint64_t crashes_ = 0;  // host crashes and program kills so far (crashEpoch)
  std::deque<Host> hosts_;
  std::map<std::string, Host*, std::less<>> host_index_;
  std::vector<ProcessSlot> processes_;
  std::vector<std::uint32_t> free_processes_;
  std::size_t live_processes_ = 0;
  // The links to an address: linkers by process slot (a slot reused by a later process
  // replaces the stale entry). An address's set is link_sets_[entry->links], made at its
  // first link and kept (empty when no link is left), so a link or an exit finds it
  // without a search; breakLinks walks the sets in the order they were made, then sorts
  // what it found by the address text.
  // A set holds its linkers in the order they first linked (a linker slot once: a later
  // link from the slot overwrites its entry; after notifyExited, the kept ones in slot
  // order, then later linkers in link order), and, past a few, an index of them by linker
  // slot: open addressing, at most half full, looked up only (its layout decides
  // nothing). A link from a linker already in the set (every registration try of every
  // agent links to the master again) reads an index slot and the entry, where a
  // std::map of 100,000 linkers was walked 17 levels down. notifyExited visits the
  // linkers in slot order, as the map did.
  struct LinkSet {
    const detail::UpidEntry* address = nullptr;
    std::vector<LinkRef> refs;
    std::vector<std::uint64_t> index;  // (linker slot << 32) | (position in refs + 1); 0: free
    LinkRef* find(std::uint32_t slot);
    void add(const LinkRef& ref);
    void reindex();  // after refs changed wholesale (notifyExited)
   private:
    void place(std::uint32_t slot, std::size_t position);
  };
  std::vector<LinkSet> link_sets_;
  std::deque<detail::UpidEntry> upids_;
  // "id@host:port" -> its entry, looked up only: open addressing with linear probing, at
  // most half full; a slot is the text's hash's high 32 bits and its entry's index in
  // upids_ plus one (0: empty), so a probe reads an entry's text only when the tags match.
  std::vector<std::uint64_t> upid_index_;
  std::string upid_text_;  // upid()'s scratch: the text it looks up
  const detail::UpidEntry* findUpid(std::string_view text, std::uint64_t hash) const;
  void indexUpid(std::uint32_t index, std::uint64_t hash);
  void growUpidIndex();
  // Sealed handler tables, shared by the processes that installed the same handlers.
  struct HandlerTableLess {
    bool operator()(const std::vector<Process::Handler>& a, const std::vector<Process::Handler>& b) const;
  };
  std::set<std::vector<Process::Handler>, HandlerTableLess> handler_tables_;
  const std::vector<Process::Handler>& internHandlers(std::vector<Process::Handler> table);
  // Pending events and their order (sim/event_queue.hpp).
  EventQueue queue_;
  Rng ties_;  // the stream permuteTies draws from
  std::uint64_t events_run_ = 0;
  Context context_;
  std::string reject_reason_;  // Process::deliver's reason for accept to fill
  std::optional<std::string> stop_;

  // ---- Stepping (agentsim step, harness/step_session.hpp). These read the queue without
  // changing its order, and run events through runEvent() as runUntil does.
 public:
  enum class EventKind { Delivery, Timer, Dispatch, Harness };
  // One queued event, as the stepper lists it.
  struct PendingEvent {
    Time at;
    std::uint64_t seq = 0;  // order among events of equal time
    EventKind kind = EventKind::Harness;
    std::string process;   // the owner ("slave(1)"), a delivery's receiver; "" for the harness
    std::string host;
    std::string function;  // the modelled function it runs (refOf), or the harness event's name
    std::string message;   // a delivery: the message's name, id, sender and receiver
    std::uint64_t msg = 0;
    bool duplicate = false;
    std::string from;
    std::string to;
  };
  // Every live queued event, in the order they will run.
  std::vector<PendingEvent> pending() const;
  // Runs exactly the next event; false when none is queued. A limit stops it with
  // LimitExceededError, as it stops runUntil.
  bool step();
  // Moves the clock to `t` without running anything; false (clock unchanged) when `t` is
  // in the past or an event is queued before it.
  bool advanceTo(Time t);
  // Runs the queued delivery of message `msg` now, ahead of its turn (at the current
  // time); false when no delivery of it is queued.
  bool deliverNow(std::uint64_t msg);
  // Loses the queued delivery of message `msg`, with a `drop` record whose reason names
  // `label`, as the network's drop rules record theirs; false when none is queued.
  bool dropPending(std::uint64_t msg, std::string_view label);

 private:
  // The queued delivery of message `msg` (not one already taken by deliverNow or
  // dropPending, whose slot stays queued, empty, and runs as nothing).
  std::optional<std::uint32_t> pendingDelivery(std::uint64_t msg) const;
};

// Thrown inside the run loop when a limit is exceeded; runUntil turns it into a result.
struct LimitExceededError {
  std::string message;
};

// The send path (every timer and message takes it), inline.

inline TimerId Simulation::schedule(Time when, Process* owner, std::string_view function, Callback&& fn,
                                    bool traced) {
  checkPendingLimit();
  AGENTSIM_ASSERT(when >= now_);
  const std::uint32_t ref = queue_.newTimer();
  EventQueue::Timer& e = queue_.timer(ref);
  e.fn = std::move(fn);
  e.function = function;
  e.traced = traced;
  e.armed = now_;
  if (owner != nullptr) {
    e.owner = owner->slot_;
    e.owner_gen = processes_[owner->slot_].gen;
  } else {
    e.owner = EventQueue::kNone;
  }
  const TimerId id{ref, e.gen};
  queue_.push(ref, when.ns(), now_.ns());
  return id;
}

inline void Simulation::scheduleDelivery(Time when, Envelope&& envelope, std::uint64_t epoch) {
  checkPendingLimit();
  AGENTSIM_ASSERT(when >= now_);
  const std::uint32_t ref = queue_.newDelivery();
  EventQueue::Delivery& d = queue_.delivery(ref);
  d.envelope = std::move(envelope);
  d.crash_epoch = epoch;
  queue_.push(ref, when.ns(), now_.ns());
}

}  // namespace agentsim::sim
