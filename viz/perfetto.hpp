#pragma once
// A run as Chrome / Perfetto trace-event JSON (docs/views.md says what is emitted), for
// ui.perfetto.dev and chrome://tracing: one process track per host, one thread per
// simulated process; each state machine instance as consecutive async slices (ph b/e,
// cat "state", one id per instance, so one track) of its host, e.g. "Slave::State RUNNING" from t1 to t2; each delivered
// message as a zero-length slice at its send and at its delivery joined by a flow (ph
// s/f, cat "message"), every flow start with its end; drops and faults as instant
// events. Timestamps are simulated time in microseconds (ns precision, fractional).
#include <iosfwd>
#include <vector>

#include "sim/trace.hpp"
#include "viz/filter.hpp"

namespace agentsim::viz {

void writePerfetto(std::ostream& out, const sim::Fields& header, const std::vector<sim::Record>& records,
                   const ViewFilter& filter);

}  // namespace agentsim::viz
