#pragma once
// `agentsim view` and the run flags --svg/--perfetto: one trace drawn in one format,
// through the shared filters (viz/filter.hpp). docs/views.md.
#include <iosfwd>
#include <optional>
#include <string_view>
#include <vector>

#include "sim/trace.hpp"
#include "viz/filter.hpp"

namespace agentsim::viz {

enum class ViewFormat { Text, Svg, Html, Perfetto, Mermaid };
std::optional<ViewFormat> parseViewFormat(std::string_view text);

struct ViewOptions {
  ViewFilter filter;
  bool refs = true;  // text: the modelled Mesos source on each line
  bool truncated = false;  // a trace read back without its end record: the explorer says so
};

// Whether a view in `format` needs the record (read a big trace keeping only these).
bool viewKeeps(ViewFormat format, const sim::Record& r, const ViewFilter& filter);

// Writes the view. Html is not built in this layer yet: the caller refuses it.
void writeView(std::ostream& out, ViewFormat format, const sim::Fields& header, const std::vector<sim::Record>& records,
               const ViewOptions& options);

}  // namespace agentsim::viz
