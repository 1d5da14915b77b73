#include "viz/mermaid.hpp"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

namespace agentsim::viz {

namespace {

// Mermaid reads ';' and '#' (entity codes) and a newline specially in message text.
std::string text(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ';') {
      out += ',';
    } else if (c == '#') {
      out += "#35;";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string id(int lane) { return fmt::format("p{}", lane + 1); }

struct Line {
  sim::Time at;
  std::uint64_t seq = 0;
  std::string text;
};

// The participants of a host, as "p1,p3" for a note over them.
std::string over(const Sequence& s, const std::string& host) {
  int first = -1;
  int last = -1;
  for (std::size_t i = 0; i < s.lifelines.size(); ++i) {
    if (s.lifelines[i].host != host) continue;
    if (first < 0) first = static_cast<int>(i);
    last = static_cast<int>(i);
  }
  if (first < 0) return {};
  return first == last ? id(first) : id(first) + "," + id(last);
}

std::vector<Line> lines(const Sequence& s) {
  std::vector<Line> out;
  for (const SequenceEvent& e : s.events) {
    switch (e.kind) {
      case SequenceEvent::Kind::Arrow:
        out.push_back({e.at, e.seq,
                       fmt::format("{}{}{}: {}{}", id(e.from), e.duplicate ? "-->>" : "->>", id(e.to), text(e.label),
                                   e.duplicate ? " (duplicate)" : "")});
        break;
      case SequenceEvent::Kind::Drop: {
        const std::string why = e.detail.substr(e.detail.find("LOST"));
        out.push_back({e.at, e.seq,
                       fmt::format("{}-x{}: {} ({})", id(e.from), id(e.to), text(e.label),
                                   text(why.substr(0, why.find('\n'))))});
        break;
      }
      case SequenceEvent::Kind::State:
      case SequenceEvent::Kind::Note:
        out.push_back({e.at, e.seq, fmt::format("Note right of {}: {}", id(e.from), text(e.label))});
        break;
      case SequenceEvent::Kind::Fault: {
        const std::string who = over(s, e.host);
        if (!who.empty()) out.push_back({e.at, e.seq, fmt::format("Note over {}: fault {}", who, text(e.label))});
        break;
      }
    }
  }
  for (const SequenceBand& b : s.bands) {
    const std::string who = over(s, b.host);
    if (who.empty()) continue;
    out.push_back({b.start, b.start_seq, fmt::format("Note over {}: {} (begins)", who, text(b.label))});
    if (b.end_seq != UINT64_MAX) out.push_back({b.end, b.end_seq, fmt::format("Note over {}: {} (ends)", who, text(b.label))});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Line& a, const Line& b) { return std::tie(a.at, a.seq) < std::tie(b.at, b.seq); });
  return out;
}

}  // namespace

std::string renderSequenceMermaid(const Sequence& s) {
  std::string out = "sequenceDiagram\n";
  out += fmt::format("    %% agentsim: {}\n", text(s.title));
  for (std::size_t i = 0; i < s.lifelines.size();) {
    std::size_t j = i;
    while (j < s.lifelines.size() && s.lifelines[j].host == s.lifelines[i].host) ++j;
    out += fmt::format("    box {}\n", text(s.lifelines[i].host));
    for (std::size_t k = i; k < j; ++k) {
      out += fmt::format("        participant {} as {}\n", id(static_cast<int>(k)), text(s.lifelines[k].process));
    }
    out += "    end\n";
    i = j;
  }
  const std::string everyone = s.lifelines.empty() ? std::string()
                                                   : (s.lifelines.size() == 1 ? id(0)
                                                                               : id(0) + "," +
                                                                                     id(static_cast<int>(s.lifelines.size()) - 1));
  bool first = true;
  sim::Time last;
  for (const Line& l : lines(s)) {
    const std::int64_t gap = (l.at - last).ns();
    if (!first && gap >= 1'000'000'000 && !everyone.empty()) {
      const std::int64_t tenths = gap / 100'000'000;
      out += fmt::format("    Note over {}: \u2026 {}.{} s \u2026\n", everyone, tenths / 10, tenths % 10);
    }
    first = false;
    last = l.at;
    out += "    " + l.text + "\n";
  }
  return out;
}

}  // namespace agentsim::viz
