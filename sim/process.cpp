#include "sim/process.hpp"

#include <algorithm>

#include "sim/assert.hpp"
#include "sim/simulation.hpp"

namespace agentsim::sim {

Time Process::now() const { return sim_->now(); }

bool Process::tracing() const { return sim_->trace().enabled(); }

bool Process::tracing(RecordKind kind, std::string_view name, std::string_view topic) {
  return sim_->trace_.admit(kind, name, topic);
}

Rng& Process::rng() {
  // A later process at the same address (a restarted agent's slave(1)) draws from a
  // stream of its own: "<host>/<id>#<n>" for its n-th binding, n > 1.
  if (!rng_) {
    const std::uint32_t n = binding_;
    // A process of another program than the host's boot one (an executor in its
    // container) names its program too, so two containers' executor(1) differ.
    rng_ = std::make_unique<Rng>(sim_->seed(), std::string(self_.host()) + "/" +
                                                   (program().empty() ? "" : program() + "/") + std::string(self_.id()) +
                                                   (n > 1 ? "#" + std::to_string(n) : std::string()));
  }
  return *rng_;
}

void Process::addHandler(const Handler& h) {
  const bool sealed = table_ != nullptr;
  if (sealed) {
    building_ = std::make_unique<std::vector<Handler>>(*table_);  // a late install: copied, then sealed again
    table_ = nullptr;
  }
  if (!building_) building_ = std::make_unique<std::vector<Handler>>();
  std::vector<Handler>& b = *building_;
  auto it = std::lower_bound(b.begin(), b.end(), h.name, [](const Handler& a, std::string_view n) { return a.name < n; });
  if (it != b.end() && it->name == h.name) {
    *it = h;
  } else {
    b.insert(it, h);
  }
  if (sealed) sealHandlers();
}

void Process::sealHandlers() {
  if (table_ != nullptr || sim_ == nullptr) return;
  table_ = &sim_->internHandlers(building_ ? std::move(*building_) : std::vector<Handler>());
  building_.reset();
}

const Process::Handler* Process::findHandler(std::string_view name) const {
  const std::vector<Handler>* sealed = table_ != nullptr ? table_ : building_.get();
  if (sealed == nullptr) return nullptr;
  const std::vector<Handler>& table = *sealed;
  // Fast path: a message's name() is its type's kName, the same characters install saw.
  for (const Handler& h : table) {
    if (h.name.data() == name.data() && h.name.size() == name.size()) return &h;
  }
  auto it = std::lower_bound(table.begin(), table.end(), name,
                             [](const Handler& a, std::string_view n) { return a.name < n; });
  return it != table.end() && it->name == name ? &*it : nullptr;
}

// The rarer turns of a delivery, out of line so that the common one stays short.
void Process::traceRejected(const Envelope& envelope, std::string_view name, std::string& reason) {
  if (tracing(RecordKind::Drop, name)) {
    sim_->emitMessage(RecordKind::Drop, this, {}, envelope,
                      {{"from", envelope.from.str()}, {"to", self_.str()}, {"reason", std::move(reason)}},
                      sim_->refOf(this, "visit"));
  }
}

void Process::traceNoHandler(const Envelope& envelope, std::string_view name) {
  if (tracing(RecordKind::Drop, name)) {
    sim_->emitMessage(RecordKind::Drop, this, {}, envelope,
                      {{"from", envelope.from.str()}, {"to", self_.str()}, {"reason", "no handler installed"}}, "");
  }
}

void Process::traceDeliver(const Envelope& envelope, std::string_view name, const Handler& handler) {
  if (sim_->trace_.admit(RecordKind::Deliver, name)) {
    Fields f{{"from", envelope.from.str()}, {"to", envelope.to.str()}};
    envelope.body->describe(f);
    sim_->emitMessage(RecordKind::Deliver, this, {}, envelope, std::move(f), sim_->refOf(this, handler.function));
  }
}

void Process::deliver(Envelope& envelope) {
  const std::string_view name = envelope.body->name();
  // The kernel's one reason text, emptied for each delivery (accept runs no event).
  std::string& reason = sim_->reject_reason_;
  reason.clear();
  if (!accept(envelope, reason)) {
    traceRejected(envelope, name, reason);
    return;
  }
  // Fast path, inline: a message's name() is its type's kName, the same characters
  // install saw, so a sealed table is searched by the text's address first.
  const Handler* it = nullptr;
  if (table_ != nullptr) {
    for (const Handler& h : *table_) {
      if (h.name.data() == name.data() && h.name.size() == name.size()) {
        it = &h;
        break;
      }
    }
  }
  if (it == nullptr) it = findHandler(name);
  if (it == nullptr) {
    traceNoHandler(envelope, name);
    return;
  }
  sim_->context_.function = it->function;
  if (sim_->trace_.enabled()) traceDeliver(envelope, name, *it);
  // A sealed table never moves or goes (the kernel keeps every one; a late install
  // seals a new one), so its handler is called where it lies; one still being built
  // may move when the handler installs another, so it is copied first.
  if (table_ != nullptr) {
    it->invoke(this, *it, envelope.from, *envelope.body);
    return;
  }
  const Handler h = *it;
  h.invoke(this, h, envelope.from, *envelope.body);
}

void Process::sendMessage(const Upid& to, Message* message) {
  sim_->network().send(Envelope{self_, to, std::unique_ptr<Message>(message)});
}

TimerId Process::delay(Duration after, std::string_view function, Callback fn) {
  return sim_->schedule(sim_->now() + after, this, function, std::move(fn), /*traced=*/true);
}

void Process::dispatch(std::string_view function, Callback fn) {
  sim_->schedule(sim_->now(), this, function, std::move(fn));
}

bool Process::cancel(TimerId& id) { return sim_->cancel(id); }

void Process::traceState(std::string_view machine, std::string_view state, Fields fields) {
  if (!tracing(RecordKind::State, machine)) return;
  fields.insert(fields.begin(), Field{"state", std::string(state)});
  sim_->emit(RecordKind::State, this, {}, std::string(machine), std::move(fields),
             sim_->refOf(this, sim_->context().function));
}

void Process::traceState(const StateMachine& machine, std::string_view state, Fields fields) {
  AGENTSIM_ASSERT(machine.has(state));
  traceState(machine.name, state, std::move(fields));
}

void Process::log(std::string text, Fields fields, std::string_view topic) {
  if (!sim_->trace_.admit(RecordKind::Log, "log", topic)) return;
  fields.insert(fields.begin(), Field{"message", std::move(text)});
  sim_->trace_.emit(
      sim_->makeRecord(RecordKind::Log, this, {}, "log", std::move(fields), sim_->refOf(this, sim_->context().function)));
}

void Process::terminate() { sim_->terminate(*this); }

void Process::link(const Upid& to) { sim_->link(*this, to); }

}  // namespace agentsim::sim
