#pragma once
// A simulated libprocess actor: an id on a host, one event at a time, and the
// libprocess verbs send, dispatch and delay (timers that can be cancelled).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>
#include <string>
#include <string_view>

#include "sim/callback.hpp"
#include "sim/message.hpp"
#include "sim/rng.hpp"
#include "sim/state_machine.hpp"
#include "sim/time.hpp"
#include "sim/trace.hpp"

namespace agentsim::sim {

class Simulation;
class Host;

struct TimerId {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t gen = 0;
  bool valid() const { return slot != UINT32_MAX; }
};

// How a process is named: "slave" generates "slave(1)", "slave(2)", ... per host (as
// process::ID::generate); a fixed id such as "master" is used as is.
struct ProcessName {
  std::string text;
  bool generate = true;
  static ProcessName generated(std::string prefix) { return {std::move(prefix), true}; }
  static ProcessName fixed(std::string id) { return {std::move(id), false}; }
};

class Process {
 public:
  explicit Process(ProcessName name) : name_(std::move(name)) {}
  virtual ~Process() = default;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  const Upid& self() const { return self_; }
  std::string_view id() const { return self_.id(); }
  Host& host() const { return *host_; }
  // The OS process this actor lives in ("" is the one its host boots).
  const std::string& program() const { return program_ != nullptr ? *program_ : kBootProgram; }
  // False once terminated (or killed), even before the kernel frees it.
  bool alive() const { return !terminating_; }
  std::uint32_t binding() const { return binding_; }  // the n-th process bound to its address
  Simulation& sim() const { return *sim_; }
  Time now() const;

  // The modelled source file, e.g. "src/slave/slave.cpp"; every record names it.
  virtual std::string_view source() const { return {}; }
  // The modelled class, e.g. "Slave"; bare function names are prefixed with it.
  virtual std::string_view className() const { return {}; }

  // Called by the kernel for a message addressed to this process.
  void deliver(Envelope& envelope);

  // Enqueues `fn` as an event of this process at the current time, as
  // process::dispatch; other processes on the same host use it to call in.
  void dispatch(std::string_view function, Callback fn);

 protected:
  // Runs as the first event of the process, as libprocess's initialize().
  virtual void initialize() {}

  template <typename M>
  void send(const Upid& to, M&& message) {
    sendMessage(to, new std::decay_t<M>(std::forward<M>(message)));
  }
  // Takes `message` over (a raw pointer: no smart pointer to move and test on the way).
  void sendMessage(const Upid& to, Message* message);

  // `function` names the modelled function the timer calls, e.g. "Slave::pingTimeout".
  TimerId delay(Duration after, std::string_view function, Callback fn);
  // Cancels a pending timer; returns whether it was still pending. Resets `id`.
  bool cancel(TimerId& id);

  // Installs a handler for messages named M::kName, as ProtobufProcess::install.
  // Installing again for the same name replaces the handler.
  template <typename M, typename P>
  void install(void (P::*handler)(const Upid& from, const M& message), std::string_view function) {
    installMember<const M&, M>(handler, function);
  }
  // The same for a handler that takes the delivered message over (it may move from it:
  // the message is the delivery's own, and nothing reads it after the handler).
  template <typename M, typename P>
  void install(void (P::*handler)(const Upid& from, M& message), std::string_view function) {
    installMember<M&, M>(handler, function);
  }

  // Trace helpers; `function` defaults to the one now running.
  void traceState(std::string_view machine, std::string_view state, Fields fields = {});
  // A move of a declared machine; `state` must be one of its states (asserted).
  void traceState(const StateMachine& machine, std::string_view state, Fields fields = {});
  // A `log` record; `topic` marks it for readers of that topic only (Interest::topic;
  // e.g. the master's registry operations). When its text is formatted, guard the call
  // with tracing(RecordKind::Log, "log") (or the topic's) so nothing is built unread.
  void log(std::string text, Fields fields = {}, std::string_view topic = {});
  // A function name that already names its source ("src/x.cpp: X::f", any text
  // holding ": ") is used as the record's ref as is; others are prefixed with
  // source() and className().
  // Whether some sink listens (a record's fields are worth building), and, for a
  // record of `kind` and `name`, whether one wants it (Simulation::tracing: false counts
  // the record without building it, so ask once per record).
  bool tracing() const;
  bool tracing(RecordKind kind, std::string_view name, std::string_view topic = {});
  Rng& rng();  // this process's own stream: (seed, "<host>/<id>")

  // Ends this process (finalize runs first), as process::terminate.
  void terminate();
  virtual void finalize() {}

  // As libprocess's link(): watch the process at `to`. exited(to) then runs on this
  // process, once, when the connection to it breaks: the process at `to` terminates
  // (its sockets close), or a partition between the two hosts starts (the kernel
  // breaks the connection at once, where TCP would give up after its retransmission
  // timeout). A host crash by itself breaks nothing: a machine that loses power sends
  // no FIN or RST. Linking again to a linked address does nothing.
  void link(const Upid& to);
  virtual void exited(const Upid& /*pid*/) {}

  // Runs before a message reaches its handler, as libprocess's visit(MessageEvent):
  // returning false drops the message, and the trace records a drop with `reason`.
  virtual bool accept(const Envelope& /*envelope*/, std::string& /*reason*/) { return true; }

 private:
  friend class Simulation;
  // A handler without a heap-allocated closure: the member function pointer's bytes and
  // a thunk that casts back to it. The table is a small vector sorted by name.
  struct Handler {
    std::string_view name;
    std::string_view function;
    void (*invoke)(Process*, const Handler&, const Upid&, Message&) = nullptr;
    alignas(std::max_align_t) unsigned char pmf[2 * sizeof(void*)] = {};
  };
  template <typename Arg, typename M, typename P>
  void installMember(void (P::*handler)(const Upid&, Arg), std::string_view function) {
    using Pmf = void (P::*)(const Upid&, Arg);
    static_assert(sizeof(Pmf) <= sizeof(Handler::pmf));
    Handler h;
    h.name = M::kName;
    h.function = function;
    h.invoke = [](Process* self, const Handler& hd, const Upid& from, Message& m) {
      Pmf f;
      std::memcpy(&f, hd.pmf, sizeof(Pmf));
      (static_cast<P*>(self)->*f)(from, static_cast<Arg>(m));
    };
    std::memcpy(h.pmf, &handler, sizeof(Pmf));
    addHandler(h);
  }
  void addHandler(const Handler& h);
  const Handler* findHandler(std::string_view name) const;
  __attribute__((noinline)) void traceRejected(const Envelope& envelope, std::string_view name, std::string& reason);
  __attribute__((noinline)) void traceNoHandler(const Envelope& envelope, std::string_view name);
  __attribute__((noinline)) void traceDeliver(const Envelope& envelope, std::string_view name, const Handler& handler);
  // After initialize(): the table is shared with every process that installed the same
  // handlers (Simulation::internHandlers), so 100,000 executors hold one table.
  void sealHandlers();

  ProcessName name_;
  const std::string* program_ = nullptr;  // Host::Program's name; none: the boot program
  static inline const std::string kBootProgram;
  std::uint32_t binding_ = 0;  // the n-th process at this address
  Upid self_;
  Host* host_ = nullptr;
  Simulation* sim_ = nullptr;
  std::uint32_t slot_ = UINT32_MAX;
  bool terminating_ = false;
  std::unique_ptr<std::vector<Handler>> building_;  // sorted by name, until sealed
  const std::vector<Handler>* table_ = nullptr;  // the sealed table (the kernel owns it)
  std::unique_ptr<Rng> rng_;
};

}  // namespace agentsim::sim
