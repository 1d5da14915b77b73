#include "sim/simulation.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <iterator>

#include <fmt/format.h>

#include "sim/assert.hpp"

namespace agentsim::sim {

namespace {
constexpr std::uint32_t kNone = UINT32_MAX;

void printContext(void* arg) {
  const auto* s = static_cast<const Simulation*>(arg);
  const auto& c = s->context();
  std::fprintf(stderr, "  seed %llu, simulated time %s, event %llu, in %s %.*s\n",
               static_cast<unsigned long long>(s->seed()), formatSeconds(s->now()).c_str(),
               static_cast<unsigned long long>(s->eventsRun()),
               c.process != nullptr ? c.process->self().str().c_str() : "(harness)",
               static_cast<int>(c.function.size()), c.function.data());
}
}  // namespace

Simulation::Simulation(std::uint64_t seed, Limits limits)
    : seed_(seed), limits_(limits), network_(std::make_unique<Network>(*this)), ties_(seed, "ties") {
  setAssertContext(&printContext, this);
}

Simulation::~Simulation() { setAssertContext(nullptr, nullptr); }

std::vector<Process*> Host::processes() const {
  std::vector<Process*> out;
  for (std::uint32_t slot : slots_) {
    Process* p = sim_->processes_[slot].process.get();
    if (p->alive()) out.push_back(p);
  }
  return out;
}

std::vector<Process*> Host::processesOf(std::string_view program) const {
  std::vector<Process*> out;
  for (std::uint32_t slot : slots_) {
    Process* p = sim_->processes_[slot].process.get();
    if (p->alive() && p->program() == program) out.push_back(p);
  }
  return out;
}

Host::Program& Host::program(const std::string& name) {
  auto it = programs_.find(name);
  if (it != programs_.end()) return it->second;
  auto [at, inserted] = programs_.emplace(name, Program{});
  Program& p = at->second;
  p.name = &at->first;
  if (name.empty()) {
    p.port = port_;
  } else {
    // An ephemeral port of its own: the host's port plus one per program started.
    if (next_port_ == 0) next_port_ = port_;
    p.port = ++next_port_;
  }
  return p;
}

std::uint32_t& Host::Program::counter(std::string_view prefix) {
  for (auto& [text, last] : counters) {
    if (text == prefix) return last;
  }
  return counters.emplace_back(std::string(prefix), 0).second;
}

Host& Simulation::addHost(std::string name, std::uint16_t port) {
  if (hosts_.size() >= limits_.max_hosts) {
    limitExceeded(fmt::format("more than {} hosts", limits_.max_hosts));
  }
  AGENTSIM_ASSERT(host_index_.find(name) == host_index_.end());
  Host& h = hosts_.emplace_back();
  h.name_ = std::move(name);
  h.port_ = port;
  h.sim_ = this;
  h.disk_.setClock(&now_);
  host_index_.emplace(h.name_, &h);
  return h;
}

Host* Simulation::host(std::string_view name) {
  auto it = host_index_.find(name);
  return it == host_index_.end() ? nullptr : it->second;
}

const Host* Simulation::host(std::string_view name) const {
  auto it = host_index_.find(name);
  return it == host_index_.end() ? nullptr : it->second;
}

Host* Simulation::lookUpHost(const Upid& upid) {
  auto* entry = const_cast<detail::UpidEntry*>(upid.entry());
  entry->host_cache = host(entry->host());
  return static_cast<Host*>(entry->host_cache);
}

namespace {
std::uint64_t hashOf(std::string_view text) { return std::hash<std::string_view>{}(text); }
std::uint32_t tagOf(std::uint64_t hash) { return static_cast<std::uint32_t>(hash >> 32); }
// An address's first slot in the index: from its tag (the hash's high 32 bits, which its
// slot keeps), so that growing the index moves the slots without reading an entry.
std::size_t homeOf(std::uint32_t tag, std::size_t mask) { return tag & mask; }
// Puts an index slot (tag, entry) at the first free place from its home.
void placeSlot(std::vector<std::uint64_t>& index, std::uint64_t slot) {
  const std::size_t mask = index.size() - 1;
  std::size_t i = homeOf(static_cast<std::uint32_t>(slot >> 32), mask);
  while (index[i] != 0) i = (i + 1) & mask;
  index[i] = slot;
}
}  // namespace

const detail::UpidEntry* Simulation::findUpid(std::string_view text, std::uint64_t hash) const {
  if (upid_index_.empty()) return nullptr;
  const std::size_t mask = upid_index_.size() - 1;
  for (std::size_t i = homeOf(tagOf(hash), mask);; i = (i + 1) & mask) {
    const std::uint64_t slot = upid_index_[i];
    if (slot == 0) return nullptr;
    if (static_cast<std::uint32_t>(slot >> 32) != tagOf(hash)) continue;
    const detail::UpidEntry& e = upids_[static_cast<std::uint32_t>(slot) - 1];
    if (e.full == text) return &e;
  }
}

void Simulation::indexUpid(std::uint32_t index, std::uint64_t hash) {
  placeSlot(upid_index_, (std::uint64_t{tagOf(hash)} << 32) | (std::uint64_t{index} + 1));
}

void Simulation::growUpidIndex() {
  // The old slots move as they are (tag and entry): no entry is read or hashed again (at
  // 100,000 agents, a million addresses, two cache misses each at every doubling).
  std::vector<std::uint64_t> old(std::max<std::size_t>(upid_index_.size() * 2, 1024), 0);
  old.swap(upid_index_);
  for (const std::uint64_t slot : old) {
    if (slot != 0) placeSlot(upid_index_, slot);
  }
}

Upid Simulation::upid(std::string_view id, std::string_view host, std::uint16_t port) {
  char digits[8];
  const auto end = std::to_chars(digits, digits + sizeof(digits), port).ptr;
  std::string& text = upid_text_;
  text.clear();
  text.append(id).append(1, '@').append(host).append(1, ':').append(digits, end);
  const std::uint64_t hash = hashOf(text);
  if (const detail::UpidEntry* found = findUpid(text, hash)) return Upid(found);
  AGENTSIM_ASSERT(upids_.size() < UINT32_MAX - 1);
  if ((upids_.size() + 1) * 2 > upid_index_.size()) growUpidIndex();
  const auto index = static_cast<std::uint32_t>(upids_.size());
  detail::UpidEntry& e = upids_.emplace_back();
  e.full = text;
  e.id_size = static_cast<std::uint32_t>(id.size());
  e.host_size = static_cast<std::uint32_t>(host.size());
  e.port = port;
  indexUpid(index, hash);
  return Upid(&e);
}

Process* Simulation::process(const Upid& upid) const {
  if (upid.isNone() || upid.entry()->slot == kNone) return nullptr;
  return processes_[upid.entry()->slot].process.get();
}

bool Simulation::inject(Host& host, std::string_view id, std::string_view function, std::function<void(Process&)> fn) {
  if (!host.up()) return false;
  for (Process* p : host.processesOf("")) {
    if (p->id() != id) continue;
    p->dispatch(function, [p, fn = std::move(fn)] { fn(*p); });
    return true;
  }
  return false;
}

void Simulation::adopt(Host& host, std::unique_ptr<Process> p, std::optional<std::string> program) {
  AGENTSIM_ASSERT(host.up_);
  if (live_processes_ >= limits_.max_processes) {
    limitExceeded(fmt::format("more than {} processes", limits_.max_processes));
  }
  if (!program) {
    program = (context_.process != nullptr && context_.process->host_ == &host) ? context_.process->program()
                                                                                  : std::string();
  }
  Host::Program& prog = host.program(*program);
  std::string id = p->name_.text;
  if (p->name_.generate) id = id + '(' + std::to_string(++prog.counter(id)) + ')';
  Upid self = upid(id, host.name_, prog.port);
  p->program_ = prog.name;
  p->binding_ = ++const_cast<detail::UpidEntry*>(self.entry())->bindings;
  AGENTSIM_ASSERT(self.entry()->slot == kNone);  // one live process per address

  std::uint32_t slot;
  if (!free_processes_.empty()) {
    slot = free_processes_.back();
    free_processes_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(processes_.size());
    processes_.emplace_back();
  }
  Process* raw = p.get();
  raw->self_ = self;
  raw->host_ = &host;
  raw->sim_ = this;
  raw->slot_ = slot;
  processes_[slot].process = std::move(p);
  const_cast<detail::UpidEntry*>(self.entry())->slot = slot;
  host.slots_.push_back(slot);
  ++live_processes_;
  schedule(now_, raw, "initialize", [raw] {
    raw->initialize();
    raw->sealHandlers();
  });
}

const std::vector<Process::Handler>& Simulation::internHandlers(std::vector<Process::Handler> table) {
  // Only looked up, never iterated: its order (which compares function addresses) decides nothing.
  return *handler_tables_.insert(std::move(table)).first;
}

bool Simulation::HandlerTableLess::operator()(const std::vector<Process::Handler>& a,
                                              const std::vector<Process::Handler>& b) const {
  // By the texts' addresses, not their characters (every process's creation looks its
  // table up): a name is its message type's kName, a function a literal, so a table of
  // the same handlers has the same addresses; were two copies of a text ever apart, the
  // same table would only be kept twice. Field by field, the first that differs decides
  // (a tuple of each pair of handlers cost a fifth of a process's creation).
  auto compare = [](const Process::Handler& x, const Process::Handler& y) {
    const std::uintptr_t xs[] = {reinterpret_cast<std::uintptr_t>(x.name.data()), x.name.size(),
                                 reinterpret_cast<std::uintptr_t>(x.function.data()), x.function.size(),
                                 reinterpret_cast<std::uintptr_t>(x.invoke)};
    const std::uintptr_t ys[] = {reinterpret_cast<std::uintptr_t>(y.name.data()), y.name.size(),
                                 reinterpret_cast<std::uintptr_t>(y.function.data()), y.function.size(),
                                 reinterpret_cast<std::uintptr_t>(y.invoke)};
    for (std::size_t k = 0; k < std::size(xs); ++k) {
      if (xs[k] != ys[k]) return xs[k] < ys[k] ? -1 : 1;
    }
    return std::memcmp(x.pmf, y.pmf, sizeof(x.pmf));
  };
  if (a.size() != b.size()) return a.size() < b.size();
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (const int c = compare(a[i], b[i]); c != 0) return c < 0;
  }
  return false;
}

void Simulation::destroy(std::uint32_t slot) {
  ProcessSlot& ps = processes_[slot];
  if (!ps.process) return;
  auto* entry = const_cast<detail::UpidEntry*>(ps.process->self_.entry());
  if (entry->slot == slot) entry->slot = kNone;
  Host& host = *ps.process->host_;
  host.slots_.erase(std::remove(host.slots_.begin(), host.slots_.end(), slot), host.slots_.end());
  ps.process.reset();
  ++ps.gen;
  free_processes_.push_back(slot);
  --live_processes_;
}

void Simulation::terminate(Process& p) {
  if (processes_[p.slot_].process.get() != &p || p.terminating_) return;
  p.terminating_ = true;
  p.finalize();
  unbind(p);
}

void Simulation::terminateNoFinalize(Process& p) {
  if (processes_[p.slot_].process.get() != &p || p.terminating_) return;
  p.terminating_ = true;
  unbind(p);
}

void Simulation::unbind(Process& p) {
  const std::uint32_t slot = p.slot_;
  // Unbind now so nothing more reaches it; free it once the current event is over.
  auto* entry = const_cast<detail::UpidEntry*>(p.self_.entry());
  if (entry->slot == slot) entry->slot = kNone;
  // Its host forgets it at once: a host's slots are its live processes only, so many
  // restarts at one instant do not make every look-up scan the dead (processesOf).
  std::vector<std::uint32_t>& slots = p.host_->slots_;
  slots.erase(std::remove(slots.begin(), slots.end(), slot), slots.end());
  const std::uint32_t gen = ++processes_[slot].gen;  // its queued events are now stale
  at(now_, "terminate", [this, slot, gen] {
    if (processes_[slot].gen == gen) destroy(slot);
  });
  // Its sockets close: every process linked to it learns it exited.
  if (entry->links != kNone && !link_sets_[entry->links].refs.empty()) {
    notifyExited(p.self_, link_sets_[entry->links], [](const LinkRef&) { return true; });
  }
}

namespace {
constexpr std::size_t kLinkScan = 8;  // a link set this small is scanned, not indexed
std::size_t linkHome(std::uint32_t slot, std::size_t mask) {
  return static_cast<std::size_t>((std::uint64_t{slot} * 0x9E3779B97F4A7C15ULL) >> 32) & mask;
}
}  // namespace

Simulation::LinkRef* Simulation::LinkSet::find(std::uint32_t slot) {
  if (index.empty()) {
    for (LinkRef& r : refs) {
      if (r.slot == slot) return &r;
    }
    return nullptr;
  }
  const std::size_t mask = index.size() - 1;
  for (std::size_t i = linkHome(slot, mask);; i = (i + 1) & mask) {
    const std::uint64_t e = index[i];
    if (e == 0) return nullptr;
    if (static_cast<std::uint32_t>(e >> 32) == slot) return &refs[static_cast<std::uint32_t>(e) - 1];
  }
}

void Simulation::LinkSet::place(std::uint32_t slot, std::size_t position) {
  const std::size_t mask = index.size() - 1;
  std::size_t i = linkHome(slot, mask);
  while (index[i] != 0) i = (i + 1) & mask;
  index[i] = (std::uint64_t{slot} << 32) | (position + 1);
}

void Simulation::LinkSet::add(const LinkRef& ref) {
  refs.push_back(ref);
  if (refs.size() <= kLinkScan) return;
  if (refs.size() * 2 > index.size()) {
    reindex();
  } else {
    place(ref.slot, refs.size() - 1);
  }
}

void Simulation::LinkSet::reindex() {
  std::vector<std::uint64_t>().swap(index);
  if (refs.size() <= kLinkScan) return;
  std::size_t n = 32;
  while (n < refs.size() * 2) n *= 2;
  index.assign(n, 0);
  for (std::size_t k = 0; k < refs.size(); ++k) place(refs[k].slot, k);
}

void Simulation::link(Process& linker, const Upid& to) {
  if (to.isNone()) return;
  // One entry per linker slot: linking twice is one link, and a process that reuses the
  // slot of a gone linker replaces it, so the map stays bounded by the live processes.
  auto* entry = const_cast<detail::UpidEntry*>(to.entry());
  if (entry->links == kNone) {
    entry->links = static_cast<std::uint32_t>(link_sets_.size());
    link_sets_.emplace_back().address = entry;
  }
  LinkSet& set = link_sets_[entry->links];
  const LinkRef ref{linker.self_, linker.slot_, processes_[linker.slot_].gen};
  if (LinkRef* found = set.find(linker.slot_)) {
    *found = ref;
  } else {
    set.add(ref);
  }
}

void Simulation::notifyExited(const Upid& to, LinkSet& set, const std::function<bool(const LinkRef&)>& which) {
  // In linker slot order (a slot is in the set once). The set changes only at the end,
  // so a limit that stops the run in schedule leaves it whole, as the map was.
  std::vector<LinkRef> refs = set.refs;
  std::sort(refs.begin(), refs.end(), [](const LinkRef& x, const LinkRef& y) { return x.slot < y.slot; });
  std::vector<LinkRef> kept;
  for (const LinkRef& r : refs) {
    if (processes_[r.slot].gen != r.gen || !processes_[r.slot].process) continue;  // linker gone
    if (!which(r)) {
      kept.push_back(r);
      continue;
    }
    Process* linker = processes_[r.slot].process.get();
    // The broken connection is noticed one network latency later.
    schedule(now_ + network_->latency().base, linker, "exited", [linker, to] { linker->exited(to); },
             /*traced=*/true);
  }
  set.refs.swap(kept);
  set.reindex();
}

void Simulation::breakLinks(const std::string& a, const std::string& b) {
  // In address order, as the processes learn of it.
  std::vector<const detail::UpidEntry*> affected;
  for (const LinkSet& set : link_sets_) {
    if (set.refs.empty()) continue;
    if (set.address->host() == a || set.address->host() == b) affected.push_back(set.address);
  }
  std::sort(affected.begin(), affected.end(),
            [](const detail::UpidEntry* x, const detail::UpidEntry* y) { return x->full < y->full; });
  for (const detail::UpidEntry* address : affected) {
    const Upid to(address);
    const std::string& other = address->host() == a ? b : a;
    notifyExited(to, link_sets_[address->links], [&other](const LinkRef& r) { return r.linker.host() == other; });
  }
}

void Simulation::crash(Host& host, std::string_view label) {
  Fields f{{"processes", static_cast<std::int64_t>(host.slots_.size())}};
  if (!label.empty()) f.push_back({"label", std::string(label)});
  emit(RecordKind::Fault, nullptr, host.name_, "crash", std::move(f), "");
  // The host's list is emptied first, so each destroy finds nothing to erase: a master
  // with a process per agent (its SlaveObservers) would otherwise be scanned once per process.
  std::vector<std::uint32_t> slots;
  slots.swap(host.slots_);
  for (std::uint32_t slot : slots) destroy(slot);
  host.programs_.clear();
  host.next_port_ = 0;
  ++host.incarnation_;
  host.last_crash_ = ++crashes_;
  host.disk_.crash();
  host.up_ = false;
}

void Simulation::kill(Host& host, const std::string& program, std::string_view label) {
  const std::vector<Process*> victims = host.processesOf(program);
  Fields f{{"program", program.empty() ? std::string("(boot program)") : program},
           {"processes", static_cast<std::int64_t>(victims.size())}};
  if (!label.empty()) f.push_back({"label", std::string(label)});
  emit(RecordKind::Fault, nullptr, host.name_, "kill", std::move(f), "");
  for (Process* p : victims) {
    terminateNoFinalize(*p);  // SIGKILL: no finalize
  }
  auto it = host.programs_.find(program);
  if (it != host.programs_.end()) {
    it->second.counters.clear();
    // Its sockets die with it: what was sent to its processes and is still in flight is
    // lost, even if the program starts again before it arrives (deliver).
    it->second.last_kill = ++crashes_;
  }
}

void Simulation::restart(Host& host, std::string_view label) {
  if (host.up_) crash(host, label);
  Fields f;
  if (!label.empty()) f.push_back({"label", std::string(label)});
  emit(RecordKind::Fault, nullptr, host.name_, "restart", std::move(f), "");
  host.up_ = true;
  if (host.startup) host.startup(host);
}

void Simulation::pendingLimitExceeded() {
  limitExceeded(fmt::format("more than {} queued events", limits_.max_pending_events));
}

TimerId Simulation::at(Time when, std::string_view name, Callback fn) {
  return schedule(std::max(when, now_), nullptr, name, std::move(fn));
}

void Simulation::permuteTies(bool on) { queue_.permuteTies(on ? &ties_ : nullptr); }

void Simulation::stop(std::string why) { stop_ = std::move(why); }

void Simulation::limitExceeded(std::string what) {
  throw LimitExceededError{fmt::format("run stopped: {} (a limit of agentsim; see docs/limits.md)", what)};
}

std::string Simulation::refOf(const Process* p, std::string_view function) const {
  if (p == nullptr || function.find(": ") != std::string_view::npos) return std::string(function);
  // "<source>: <Class>::<function>", the class only for an unqualified function; built
  // in one allocation (a delivery's or state record's ref, when one is built).
  const std::string_view src = p->source();
  const std::string_view cls = p->className();
  const bool qualify = !function.empty() && function.find("::") == std::string_view::npos && !cls.empty();
  std::string ref;
  ref.reserve(src.size() + 2 + (qualify ? cls.size() + 2 : 0) + function.size());
  if (!src.empty()) ref.append(src).append(": ");
  if (qualify) ref.append(cls).append("::");
  ref.append(function);
  return ref;
}

Record Simulation::makeRecord(RecordKind kind, const Process* p, std::string_view hostName, std::string name,
                              Fields fields, std::string ref) const {
  Record r;
  r.at = now_;
  r.kind = kind;
  if (p != nullptr) {
    r.process = p->id();
    r.host = p->self().host();
  } else {
    r.host = std::string(hostName);
  }
  r.name = std::move(name);
  r.fields = std::move(fields);
  r.ref = std::move(ref);
  return r;
}

void Simulation::emit(RecordKind kind, const Process* p, std::string_view hostName, std::string name,
                      Fields fields, std::string ref, std::string_view topic) {
  if (!trace_.admit(kind, name, topic)) return;
  trace_.emit(makeRecord(kind, p, hostName, std::move(name), std::move(fields), std::move(ref)));
}

void Simulation::emitMessage(RecordKind kind, const Process* p, std::string_view hostName, const Envelope& envelope,
                             Fields fields, std::string ref, std::string name) {
  if (!trace_.admit(kind, name.empty() ? envelope.body->name() : std::string_view(name))) return;
  if (name.empty()) name = envelope.body->name();
  Record r = makeRecord(kind, p, hostName, std::move(name), std::move(fields), std::move(ref));
  r.msg = envelope.msg;
  r.duplicate = envelope.duplicate;
  trace_.emit(std::move(r));
}

__attribute__((always_inline)) inline void Simulation::deliver(EventQueue::Delivery& d) {
  Envelope& env = d.envelope;
  // The empty address (UPID() in libprocess: a leader's unparsable pid) names no process.
  const std::uint32_t target = env.to.isNone() ? kNone : env.to.entry()->slot;
  Process* p = target == kNone ? nullptr : processes_[target].process.get();
  // The connection died with the host if the host crashed after the send, or with the
  // program if it was killed after the send (scheduleDelivery).
  if (d.crash_epoch != crashes_) {
    const Host* h = hostOf(env.to);
    if (h != nullptr && h->last_crash_ > d.crash_epoch) p = nullptr;
    if (p != nullptr && h != nullptr) {
      const auto prog = h->programs_.find(p->program());
      if (prog != h->programs_.end() && prog->second.last_kill > d.crash_epoch) p = nullptr;
    }
  }
  if (p == nullptr) {
    if (tracing(RecordKind::Drop, env.body->name())) {
      emitMessage(RecordKind::Drop, nullptr, env.to.host(), env,
                  {{"from", env.from.str()}, {"to", env.to.str()}, {"reason", "no process at the address"}}, "");
    }
    return;
  }
  if (network_->anyPartition() && network_->partitioned(std::string(env.from.host()), std::string(env.to.host()))) {
    if (tracing(RecordKind::Drop, env.body->name())) {
      emitMessage(RecordKind::Drop, nullptr, env.to.host(), env,
                  {{"from", env.from.str()}, {"to", env.to.str()}, {"reason", "partition"}}, "");
    }
    return;
  }
  context_ = Context{p, {}};
  p->deliver(env);
  context_ = Context{};
}

// A timer's work, inline in runEvent.
__attribute__((always_inline)) inline void Simulation::runTimer(EventQueue::Timer& e) {
  Process* owner = nullptr;
  if (e.owner != kNone) {
    ProcessSlot& ps = processes_[e.owner];
    if (ps.gen != e.owner_gen || !ps.process) return;  // its process is gone (crashed or terminated)
    owner = ps.process.get();
  }
  context_ = Context{owner, e.function};
  if (e.traced && trace_.admit(RecordKind::Timer, e.function)) {
    Record r = makeRecord(RecordKind::Timer, owner, {}, std::string(e.function), {}, refOf(owner, e.function));
    r.armed = e.armed;
    trace_.emit(std::move(r));
  }
  e.fn();
  context_ = Context{};
}

void Simulation::eventLimitExceeded(std::uint32_t ref) {
  queue_.release(ref);
  if (now_.sinceStart() > limits_.max_time) {
    limitExceeded(fmt::format("simulated time passed {}", format(limits_.max_time)));
  }
  limitExceeded(fmt::format("more than {} events", limits_.max_events));
}

// Inline in the run loop (runUntil; step runs it too). The slot is found once: slots
// never move, and it stays the event's until it is released after it (or a limit ends
// it), so the event runs from where it lies.
__attribute__((always_inline)) inline void Simulation::runEvent(std::uint32_t ref) {
  if (EventQueue::isDelivery(ref)) {
    EventQueue::Delivery& d = queue_.delivery(ref);
    now_ = Time::fromNanoseconds(d.at);
    if (now_.sinceStart() > limits_.max_time || ++events_run_ > limits_.max_events) eventLimitExceeded(ref);
    try {
      if (d.envelope.body) deliver(d);  // empty: taken by the stepper (deliverNow, dropPending)
    } catch (...) {
      queue_.releaseDelivery(d, ref);
      throw;
    }
    queue_.releaseDelivery(d, ref);
  } else {
    EventQueue::Timer& e = queue_.timer(ref);
    now_ = Time::fromNanoseconds(e.at);
    if (now_.sinceStart() > limits_.max_time || ++events_run_ > limits_.max_events) eventLimitExceeded(ref);
    try {
      runTimer(e);
    } catch (...) {
      queue_.releaseTimer(e, ref);
      throw;
    }
    queue_.releaseTimer(e, ref);
  }
  checkTraceLimits();
}

void Simulation::traceLimitExceeded() {
  if (trace_.retained() > limits_.max_trace_records) {
    limitExceeded(fmt::format("more than {} trace records", limits_.max_trace_records));
  }
  limitExceeded(fmt::format("trace records of more than {} in memory (an estimate)",
                            formatBytes(limits_.max_trace_bytes)));
}

// The prefetch stages of prefetchAhead, a bit each (all on in runUntil; one taken off
// at a time to measure what each gives: docs/performance.md, "The run loop, session 35").
constexpr unsigned kPrefetchSlots = 1;      // the slots of the two events after next
constexpr unsigned kPrefetchTargets = 2;    // the first level of the event after next
constexpr unsigned kPrefetchProcesses = 4;  // the second level of the next event
constexpr unsigned kPrefetchAll = kPrefetchSlots | kPrefetchTargets | kPrefetchProcesses;
// From how many process slots on the run loop prefetches (the lane's too): it costs about
// 140 instructions an event, which pay only once the processes and their events outgrow
// the caches. 28,000 at 2,000 agents (and 1,001 in the kernel workload): off; 140,000 at
// 10,000 agents and about 110,000 in bench_tasks' A=1000: on.
constexpr std::size_t kPrefetchFromProcesses = 32768;

// Inline in the run loop, before an event runs: what the next events will read comes in
// while it runs, a stage ahead each (EventQueue::peek's hints; nothing is decided on what
// they read). The two events after next: their slots. The one after next (its slot
// prefetched an event ago, or a pop of its lane ago): its target's first level. The
// next one (its first level prefetched an event ago): the second.
__attribute__((always_inline)) inline void Simulation::prefetchAhead(unsigned mode) {
  // A stage of an event whose slot is in cache (or on its way): its target's first
  // level, the address entry and message of a delivery, the process slot of a timer.
  const auto prefetchTarget = [this](std::uint32_t ref) {
    if (EventQueue::isDelivery(ref)) {
      const EventQueue::Delivery& d = queue_.delivery(ref);
      const detail::UpidEntry* to = d.envelope.to.entry();
      if (to != nullptr) __builtin_prefetch(&to->slot);
      __builtin_prefetch(d.envelope.body.get());
    } else {
      const std::uint32_t owner = queue_.timer(ref).owner;
      if (owner < processes_.size()) __builtin_prefetch(&processes_[owner]);
    }
  };
  // The next stage, a stage later: the process slot of a delivery's target, the
  // process of a timer's owner.
  const auto prefetchProcess = [this](std::uint32_t ref) {
    if (EventQueue::isDelivery(ref)) {
      const detail::UpidEntry* to = queue_.delivery(ref).envelope.to.entry();
      if (to == nullptr) return;
      const std::uint32_t target = to->slot;
      if (target < processes_.size()) __builtin_prefetch(&processes_[target]);
    } else {
      const std::uint32_t owner = queue_.timer(ref).owner;
      if (owner >= processes_.size()) return;
      const char* p = reinterpret_cast<const char*>(processes_[owner].process.get());
      if (p != nullptr) {
        __builtin_prefetch(p);
        __builtin_prefetch(p + 64);
      }
    }
  };
  const std::uint32_t next = queue_.peek(0);
  if (next == EventQueue::kNone) return;
  const std::uint32_t after = queue_.peek(1);
  if ((mode & kPrefetchSlots) != 0 && after != EventQueue::kNone) {
    queue_.prefetchSlot(after);
    const std::uint32_t third = queue_.peek(2);
    if (third != EventQueue::kNone) queue_.prefetchSlot(third);
  }
  if ((mode & kPrefetchTargets) != 0 && after != EventQueue::kNone) prefetchTarget(after);
  if ((mode & kPrefetchProcesses) != 0) prefetchProcess(next);
}

RunResult Simulation::runUntil(Time until) {
  stop_.reset();
  try {
    for (;;) {
      const std::uint32_t ref = queue_.popNext(until.ns());
      if (ref == EventQueue::kNone) break;
      const bool prefetch = processes_.size() >= kPrefetchFromProcesses;
      queue_.prefetchLanes(prefetch);
      if (prefetch) prefetchAhead(kPrefetchAll);
      runEvent(ref);
      if (stop_) return RunResult{StopReason::Stopped, *stop_};
    }
  } catch (const LimitExceededError& err) {
    context_ = Context{};
    return RunResult{StopReason::LimitExceeded, err.message};
  }
  if (until != Time::max() && until > now_) now_ = until;
  return RunResult{queue_.size() == 0 ? StopReason::Idle : StopReason::TimeReached, {}};
}

}  // namespace agentsim::sim

// ---- Stepping ----

namespace agentsim::sim {

std::vector<Simulation::PendingEvent> Simulation::pending() const {
  auto& queue = const_cast<EventQueue&>(queue_);
  std::vector<PendingEvent> out;
  for (const std::uint32_t ref : queue.pendingInOrder()) {
    PendingEvent p;
    if (EventQueue::isDelivery(ref)) {
      const EventQueue::Delivery& d = queue.delivery(ref);
      if (!d.envelope.body) continue;  // taken by deliverNow or dropPending
      p.at = Time::fromNanoseconds(d.at);
      p.seq = d.seq;
      p.kind = EventKind::Delivery;
      p.process = d.envelope.to.id();
      p.host = d.envelope.to.host();
      p.message = std::string(d.envelope.body->name());
      p.msg = d.envelope.msg;
      p.duplicate = d.envelope.duplicate;
      p.from = d.envelope.from.str();
      p.to = d.envelope.to.str();
      // The handler it will reach, if a process is there and installed one.
      const Process* target = process(d.envelope.to);
      const Process::Handler* h = target != nullptr ? target->findHandler(p.message) : nullptr;
      if (h != nullptr) p.function = refOf(target, h->function);
      out.push_back(std::move(p));
      continue;
    }
    const EventQueue::Timer& e = queue.timer(ref);
    const Process* owner = nullptr;
    if (e.owner != kNone) {
      const ProcessSlot& ps = processes_[e.owner];
      if (ps.gen != e.owner_gen || !ps.process) continue;  // its process is gone: it will not run
      owner = ps.process.get();
    }
    p.at = Time::fromNanoseconds(e.at);
    p.seq = e.seq;
    // A timer is armed for later (a traced delay, or any event scheduled ahead of its
    // time); a dispatch runs at the time it was queued.
    const bool later = e.at > e.armed.ns();
    p.kind = owner == nullptr ? EventKind::Harness : e.traced || later ? EventKind::Timer : EventKind::Dispatch;
    if (owner != nullptr) {
      p.process = owner->id();
      p.host = owner->self().host();
    }
    p.function = owner != nullptr ? refOf(owner, e.function) : std::string(e.function);
    out.push_back(std::move(p));
  }
  return out;
}

bool Simulation::step() {
  for (;;) {
    const std::uint32_t ref = queue_.popNext(INT64_MAX);
    if (ref == EventQueue::kNone) return false;
    if (EventQueue::isDelivery(ref) && !queue_.delivery(ref).envelope.body) {
      queue_.release(ref);  // taken earlier by deliverNow or dropPending
      continue;
    }
    runEvent(ref);
    return true;
  }
}

bool Simulation::advanceTo(Time t) {
  if (t < now_) return false;
  const std::vector<PendingEvent> queued = pending();
  if (!queued.empty() && queued.front().at < t) return false;
  now_ = t;
  return true;
}

std::optional<std::uint32_t> Simulation::pendingDelivery(std::uint64_t msg) const {
  auto& queue = const_cast<EventQueue&>(queue_);
  for (const std::uint32_t ref : queue.pendingInOrder()) {
    if (!EventQueue::isDelivery(ref)) continue;
    const EventQueue::Delivery& d = queue.delivery(ref);
    if (d.envelope.body && d.envelope.msg == msg) return ref;
  }
  return std::nullopt;
}

bool Simulation::deliverNow(std::uint64_t msg) {
  const auto ref = pendingDelivery(msg);
  if (!ref) return false;
  // The envelope leaves its slot, which stays queued and runs as nothing.
  EventQueue::Delivery& queued = queue_.delivery(*ref);
  EventQueue::Delivery now;
  now.at = now_.ns();
  now.seq = queued.seq;
  now.envelope = std::move(queued.envelope);
  queued.envelope = Envelope{};
  now.crash_epoch = queued.crash_epoch;
  if (++events_run_ > limits_.max_events) limitExceeded(fmt::format("more than {} events", limits_.max_events));
  deliver(now);
  checkTraceLimits();
  return true;
}

bool Simulation::dropPending(std::uint64_t msg, std::string_view label) {
  const auto ref = pendingDelivery(msg);
  if (!ref) return false;
  EventQueue::Delivery& queued = queue_.delivery(*ref);
  const Envelope env = std::move(queued.envelope);
  queued.envelope = Envelope{};
  emitMessage(RecordKind::Drop, process(env.from), env.from.host(), env,
              {{"from", env.from.str()}, {"to", env.to.str()}, {"reason", fmt::format("fault: {}", label)}}, "");
  return true;
}

}  // namespace agentsim::sim
