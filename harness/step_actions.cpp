// The stepper's choices as timeline actions (agentsim step, docs/stepper.md): a saved
// session replays `deliver ID` and `drop ID` through these rows. Both act through the
// kernel on a message already queued for delivery, named by its trace id.
#include <fmt/format.h>

#include "harness/actions.hpp"
#include "harness/world.hpp"

namespace agentsim::harness {

namespace {

struct QueuedMessage {
  std::uint64_t msg = 0;
  std::string name;  // "" for any
};

QueuedMessage queuedArg(const ParseContext& c, const std::string& p) {
  c.reader.object(p, {"msg", "message"}, {"msg"});
  QueuedMessage m;
  m.msg = c.reader.unsignedInteger(p + "/msg", 1, UINT64_MAX);
  if (c.reader.has(p + "/message")) m.name = c.reader.string(p + "/message", 200);
  return m;
}

std::string describe(const QueuedMessage& m) {
  return m.name.empty() ? fmt::format("message {}", m.msg) : fmt::format("{} (message {})", m.name, m.msg);
}

// Whether message `m` is queued for delivery now, under its name; else a log record says
// why nothing is done.
bool queued(World& w, const QueuedMessage& m) {
  for (const auto& e : w.sim().pending()) {
    if (e.kind != sim::Simulation::EventKind::Delivery || e.msg != m.msg) continue;
    if (m.name.empty() || e.message == m.name) return true;
    break;
  }
  note(w, "", fmt::format("{} is not queued for delivery: nothing to do", describe(m)));
  return false;
}

}  // namespace

// {msg, message}: delivered now, ahead of its turn.
void parseDeliverMessage(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  const QueuedMessage m = queuedArg(c, p);
  out.summary = "deliver now " + describe(m);
  out.apply = [m](World& w) {
    if (queued(w, m)) w.sim().deliverNow(m.msg);
  };
}

// {msg, message}: lost.
void parseDropMessage(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  const QueuedMessage m = queuedArg(c, p);
  out.summary = "drop " + describe(m);
  out.apply = [m, label = c.label](World& w) {
    if (queued(w, m)) w.sim().dropPending(m.msg, label);
  };
}

}  // namespace agentsim::harness
