#pragma once
// Reply<T>: how an answer reaches the process that asked, as a libprocess Future
// completed with onAny(defer(caller, ...)): the continuation runs as an event of the
// caller, looked up by address when the answer is ready, and is dropped if the caller
// is gone by then.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "sim/simulation.hpp"
#include "sim/try.hpp"

namespace agentsim::model {

template <typename T>
struct Reply {
  sim::Upid caller;
  std::string_view function;  // the caller's continuation, e.g. "Master::detected"
  std::function<void(const T&)> fn;

  void operator()(sim::Simulation& sim, T value) const {
    if (!fn) return;
    sim::Process* p = sim.process(caller);
    if (p == nullptr) return;
    p->dispatch(function, [f = fn, v = std::move(value)] { f(v); });
  }
};

// A libprocess future discarded instead of completed (Promise::discard, as a destructor
// does with the promises it still holds): its onAny callbacks still run, and the caller
// tells it apart with isDiscarded(). A Reply<sim::Try<T>> carries it as this error text.
inline constexpr std::string_view kDiscarded = "discarded";

template <typename T>
sim::Try<T> discarded() {
  return sim::Error{std::string(kDiscarded)};
}

template <typename T>
bool isDiscarded(const sim::Try<T>& t) {
  return t.isError() && t.error() == kDiscarded;
}

// stout's Result<T>: None (try again later), an error, or a value.
template <typename T>
using Result = std::optional<sim::Try<T>>;

}  // namespace agentsim::model
