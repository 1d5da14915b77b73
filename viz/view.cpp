#include "viz/view.hpp"

#include <ostream>

#include "viz/html_explorer.hpp"
#include "viz/mermaid.hpp"
#include "viz/perfetto.hpp"
#include "viz/sequence.hpp"
#include "viz/sequence_svg.hpp"
#include "viz/timeline.hpp"

namespace agentsim::viz {

std::optional<ViewFormat> parseViewFormat(std::string_view text) {
  if (text == "text") return ViewFormat::Text;
  if (text == "svg") return ViewFormat::Svg;
  if (text == "html") return ViewFormat::Html;
  if (text == "perfetto") return ViewFormat::Perfetto;
  if (text == "mermaid") return ViewFormat::Mermaid;
  return std::nullopt;
}

namespace {
// The text view shows deliveries when asked (--all, or --kinds naming deliver): as the
// run's timeline, a message is one line, its send.
bool textShows(const sim::Record& r, const ViewFilter& f) {
  if (r.kind == sim::RecordKind::Deliver && !f.all && f.kinds.empty()) return false;
  return f.selects(r);
}
}  // namespace

bool viewKeeps(ViewFormat format, const sim::Record& r, const ViewFilter& filter) {
  switch (format) {
    case ViewFormat::Text: return textShows(r, filter);
    case ViewFormat::Html: return filter.matchesWho(r) && filter.wantsKind(r.kind) && filter.inWindow(r.at);
    case ViewFormat::Svg:
    case ViewFormat::Mermaid: return keepForSequence(r, filter);
    case ViewFormat::Perfetto:
      return filter.selects(r) || (r.kind == sim::RecordKind::Send && filter.matchesWho(r));
  }
  return true;
}

void writeView(std::ostream& out, ViewFormat format, const sim::Fields& header, const std::vector<sim::Record>& records,
               const ViewOptions& options) {
  switch (format) {
    case ViewFormat::Text: {
      TimelineOptions t;
      t.refs = options.refs;
      for (const auto& r : records) {
        if (textShows(r, options.filter)) out << renderLine(r, t) << '\n';
      }
      return;
    }
    case ViewFormat::Svg: out << renderSequenceSvg(buildSequence(header, records, options.filter)); return;
    case ViewFormat::Mermaid: out << renderSequenceMermaid(buildSequence(header, records, options.filter)); return;
    case ViewFormat::Perfetto: writePerfetto(out, header, records, options.filter); return;
    case ViewFormat::Html: writeHtmlExplorer(out, header, records, options.truncated); return;
  }
}

}  // namespace agentsim::viz
