#pragma once
// The sequence diagram as Mermaid text (`sequenceDiagram`), for Markdown and notebooks
// (docs/views.md): one participant per lifeline, boxed by host; a message as `->>` (a
// duplicate `-->>`), a lost one as `-x` with its reason; state changes and faults as
// notes; a crash or partition as a note over the host's participants where it starts and
// ends; a quiet stretch of a second or more as a note "… 27.3 s …". Mermaid orders
// messages, it does not place them in time: each message is written at its delivery.
#include <string>

#include "viz/sequence.hpp"

namespace agentsim::viz {

std::string renderSequenceMermaid(const Sequence& sequence);

}  // namespace agentsim::viz
