#pragma once
// The sequence (Lamport) diagram as SVG (docs/views.md): time runs down, one lifeline
// per process grouped by host; an arrow (class "arrow", data-msg the message id) from
// each send to its delivery, a cross (class "drop") where a message was lost with the
// reason in its <title>; crash and partition bands; state labels; the expectations'
// evidence ringed and numbered; stretches of more than a second where nothing selected
// happens folded into one labelled gap ("… 27.3 s …"). Valid XML, no script, a legend.
#include <string>

#include "viz/sequence.hpp"

namespace agentsim::viz {

std::string renderSequenceSvg(const Sequence& sequence);

}  // namespace agentsim::viz
