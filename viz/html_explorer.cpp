#include "viz/html_explorer.hpp"

#include <ostream>
#include <sstream>
#include <string_view>

#include <fmt/format.h>

#include "viz/explorer_assets.hpp"  // generated from viz/explorer/ by embed.py
#include "viz/timeline_story.hpp"

namespace agentsim::viz {

namespace {

constexpr std::string_view kDataMarker = "/*@EXPLORER_DATA@*/";

// Replaces the one placeholder `marker` in `page` by `text`.
void fill(std::string& page, std::string_view marker, std::string_view text) {
  const auto at = page.find(marker);
  if (at != std::string::npos) page.replace(at, marker.size(), text);
}

// The embedded trace: {"header": ..., "records": [...], "milestones": [seqs]}, and
// "truncated": true for a trace cut short, written record by record.
void writeData(std::ostream& out, const sim::Fields& header, const std::vector<sim::Record>& records, bool truncated) {
  out << "{\"header\":" << scriptSafeJson(sim::toJsonLine(header)) << ",\"records\":[\n";
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (i > 0) out << ",\n";
    out << scriptSafeJson(sim::toJsonLine(records[i]));
  }
  // The records the text timeline's story shows (viz::storySeqs): the milestones view.
  out << fmt::format("\n],\"milestones\":[{}]{}}}", fmt::join(storySeqs(records), ","),
                     truncated ? ",\"truncated\":true" : "");
}

}  // namespace

std::string scriptSafeJson(std::string json) {
  if (json.find('<') == std::string::npos) return json;
  std::string out;
  out.reserve(json.size() + 16);
  for (char c : json) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

void writeHtmlExplorer(std::ostream& out, const sim::Fields& header, const std::vector<sim::Record>& records,
                       bool truncated) {
  std::string page(explorer_assets::kHtml);
  fill(page, "/*@EXPLORER_CSS@*/", explorer_assets::kCss);
  fill(page, "/*@EXPLORER_JS@*/", explorer_assets::kJs);
  const auto at = page.find(kDataMarker);
  out << std::string_view(page).substr(0, at);
  writeData(out, header, records, truncated);
  if (at != std::string::npos) out << std::string_view(page).substr(at + kDataMarker.size());
}

std::string renderHtmlExplorer(const sim::Fields& header, const std::vector<sim::Record>& records) {
  std::ostringstream out;
  writeHtmlExplorer(out, header, records);
  return out.str();
}

}  // namespace agentsim::viz
