#include "viz/html_explorer.hpp"

#include <string_view>

#include <fmt/format.h>

#include "viz/explorer_assets.hpp"  // generated from viz/explorer/ by embed.py
#include "viz/timeline_story.hpp"

namespace agentsim::viz {

namespace {

// Replaces the one placeholder `marker` in `page` by `text`.
void fill(std::string& page, std::string_view marker, std::string_view text) {
  const auto at = page.find(marker);
  if (at != std::string::npos) page.replace(at, marker.size(), text);
}

}  // namespace

std::string scriptSafeJson(std::string json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

std::string renderHtmlExplorer(const sim::Fields& header, const std::vector<sim::Record>& records) {
  std::string data = "{\"header\":" + sim::toJsonLine(header) + ",\"records\":[\n";
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (i > 0) data += ",\n";
    data += sim::toJsonLine(records[i]);
  }
  // The records the text timeline's story shows (viz::storySeqs): the milestones view.
  data += fmt::format("\n],\"milestones\":[{}]}}", fmt::join(storySeqs(records), ","));
  std::string page(explorer_assets::kHtml);
  // The data goes in last, so a marker inside a trace's text is never replaced.
  fill(page, "/*@EXPLORER_CSS@*/", explorer_assets::kCss);
  fill(page, "/*@EXPLORER_JS@*/", explorer_assets::kJs);
  fill(page, "/*@EXPLORER_DATA@*/", scriptSafeJson(std::move(data)));
  return page;
}

}  // namespace agentsim::viz
