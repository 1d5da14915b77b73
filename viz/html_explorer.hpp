#pragma once
// The HTML explorer: one self-contained HTML file for a run, to open in a browser. The
// page (viz/explorer/: HTML, CSS and JS, embedded at build time) holds the trace as JSON
// and loads nothing over the network: a timeline list and a sequence diagram side by
// side, filters, search, keyboard stepping, each event's fields with a link to the Mesos
// 1.1.0 source it models, and the run's verdicts, each highlighting the records its
// evidence names (`evidence_seqs`). docs/views.md describes it.
#include <iosfwd>
#include <string>
#include <vector>

#include "sim/trace.hpp"

namespace agentsim::viz {

// `header` is the trace header (docs/trace-format.md), `records` every record of the run,
// the `check` records of expectations and invariants included.
std::string renderHtmlExplorer(const sim::Fields& header, const std::vector<sim::Record>& records);
// The same, written piece by piece: the page is never held whole in memory. `truncated`:
// the records come from a trace cut short (no end record), which the page says.
void writeHtmlExplorer(std::ostream& out, const sim::Fields& header, const std::vector<sim::Record>& records,
                       bool truncated = false);

// JSON text made safe inside an HTML <script> element: every '<' becomes \u003c (it only
// occurs inside JSON strings, where the escape means the same), so no "</script>" or
// "<!--" in a trace can end or change the element.
std::string scriptSafeJson(std::string json);

}  // namespace agentsim::viz
