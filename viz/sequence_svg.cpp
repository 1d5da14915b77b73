#include "viz/sequence_svg.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

namespace agentsim::viz {

namespace {

constexpr int kLeft = 100;      // the time axis
constexpr int kCol = 150;       // a lifeline's column
constexpr int kHostGap = 14;    // between hosts
constexpr int kTop = 64;        // title and legend
constexpr int kHeader = 50;     // host box and process names
constexpr int kRow = 18;
constexpr int kFold = 26;
constexpr std::int64_t kFoldNs = 1'000'000'000;  // a quiet stretch this long is folded
constexpr int kCharW = 6;                         // an estimate of a character's width at 10px

std::string esc(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 allows no control characters but tab, newline and carriage return.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

// "27.3 s": a gap in tenths of a second, from integers.
std::string gapText(std::int64_t ns) {
  const std::int64_t tenths = ns / 100'000'000;
  return fmt::format("\u2026 {}.{} s \u2026", tenths / 10, tenths % 10);
}

// "38.005s": seconds with the trailing zeros of the millisecond part dropped.
std::string timeText(sim::Time t) {
  std::string s = sim::formatSeconds(t);
  if (!s.empty() && s.back() == 's') s.pop_back();
  while (s.size() > 1 && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s + "s";
}

struct Anchor {
  sim::Time at;
  std::uint64_t seq = 0;
  int sub = 0;              // 1: a drop's cross, after its send when both are one record's time
  std::vector<int> lanes;   // the lifelines it occupies
  auto key() const { return std::make_tuple(at.ns(), seq, sub); }
};

struct Row {
  sim::Time at;
  int y = 0;
  std::set<int> used;
};

class Layout {
 public:
  explicit Layout(const Sequence& s) : s_(s) {
    int host = -1;
    for (std::size_t i = 0; i < s.lifelines.size(); ++i) {
      if (i == 0 || s.lifelines[i].host != s.lifelines[i - 1].host) ++host;
      x_.push_back(kLeft + static_cast<int>(i) * kCol + host * kHostGap + kCol / 2);
      host_index_.push_back(host);
    }
    width_ = kLeft + static_cast<int>(s.lifelines.size()) * kCol + (host + 1) * kHostGap + 20;
    placeRows();
  }

  int x(int lane) const { return x_[static_cast<std::size_t>(lane)]; }
  int width() const { return std::max(width_, 1040); }  // the legend's
  int bottom() const { return bottom_; }
  int top() const { return kTop + kHeader; }
  const std::vector<Row>& rows() const { return rows_; }
  const std::vector<std::pair<int, std::int64_t>>& folds() const { return folds_; }
  int y(sim::Time at, std::uint64_t seq, int sub = 0) const {
    const auto it = row_of_.find({seq, sub});
    if (it != row_of_.end()) return rows_[static_cast<std::size_t>(it->second)].y;
    // Not placed (a band's open end): the nearest row at or after the time.
    for (const Row& r : rows_) {
      if (r.at >= at) return r.y - kRow / 2;
    }
    return bottom_;
  }
  std::vector<int> lanesOf(const std::string& host) const {
    std::vector<int> out;
    for (std::size_t i = 0; i < s_.lifelines.size(); ++i) {
      if (host.empty() || s_.lifelines[i].host == host) out.push_back(static_cast<int>(i));
    }
    return out;
  }
  // The lifelines' span of a host, as [left, right] x.
  std::pair<int, int> span(const std::string& host) const {
    const std::vector<int> lanes = lanesOf(host);
    if (lanes.empty()) return {0, 0};
    return {x(lanes.front()) - kCol / 2 + 4, x(lanes.back()) + kCol / 2 - 4};
  }

 private:
  void placeRows() {
    std::vector<Anchor> anchors;
    for (const SequenceEvent& e : s_.events) {
      switch (e.kind) {
        case SequenceEvent::Kind::Arrow:
          anchors.push_back(Anchor{e.sent_at, e.sent_seq, 0, {e.from}});
          anchors.push_back(Anchor{e.at, e.seq, e.seq == e.sent_seq ? 1 : 0, {e.to}});
          break;
        case SequenceEvent::Kind::Drop:
          anchors.push_back(Anchor{e.sent_at, e.sent_seq, 0, {e.from}});
          anchors.push_back(Anchor{e.at, e.seq, 1, {e.to}});
          break;
        case SequenceEvent::Kind::State:
        case SequenceEvent::Kind::Note: anchors.push_back(Anchor{e.at, e.seq, 0, {e.from}}); break;
        case SequenceEvent::Kind::Fault: anchors.push_back(Anchor{e.at, e.seq, 0, lanesOf(e.host)}); break;
      }
    }
    for (const SequenceBand& b : s_.bands) {
      anchors.push_back(Anchor{b.start, b.start_seq, 0, lanesOf(b.host)});
      if (b.end_seq != UINT64_MAX) anchors.push_back(Anchor{b.end, b.end_seq, 0, lanesOf(b.host)});
    }
    std::stable_sort(anchors.begin(), anchors.end(), [](const Anchor& a, const Anchor& b) { return a.key() < b.key(); });
    int y = top() + kRow;
    for (const Anchor& a : anchors) {
      if (row_of_.count({a.seq, a.sub}) != 0) continue;
      const bool fits = !rows_.empty() && rows_.back().at == a.at &&
                        std::none_of(a.lanes.begin(), a.lanes.end(), [&](int l) { return rows_.back().used.count(l); });
      if (!fits) {
        if (!rows_.empty()) {
          const std::int64_t gap = (a.at - rows_.back().at).ns();
          y += kRow;
          if (gap >= kFoldNs) {
            folds_.emplace_back(y - kRow / 2, gap);
            y += kFold;
          }
        }
        rows_.push_back(Row{a.at, y, {}});
      }
      rows_.back().used.insert(a.lanes.begin(), a.lanes.end());
      row_of_[{a.seq, a.sub}] = static_cast<int>(rows_.size()) - 1;
    }
    bottom_ = y + kRow * 2;
  }

  const Sequence& s_;
  std::vector<int> x_;
  std::vector<int> host_index_;
  int width_ = 0;
  int bottom_ = 0;
  std::vector<Row> rows_;
  std::map<std::pair<std::uint64_t, int>, int> row_of_;
  std::vector<std::pair<int, std::int64_t>> folds_;  // (y, gap ns)
};

const char* kStyle = R"css(
  text { font-family: sans-serif; font-size: 10px; fill: #222; }
  .title { font-size: 14px; font-weight: bold; }
  .host rect { fill: #e8eef7; stroke: #4a6a9a; }
  .host text { font-size: 12px; font-weight: bold; text-anchor: middle; }
  .proc { text-anchor: middle; fill: #333; }
  .life { stroke: #9aa; stroke-dasharray: 3 3; }
  .time { text-anchor: end; fill: #666; font-size: 9px; }
  .fold rect { fill: #fff; stroke: #bbb; stroke-dasharray: 2 2; }
  .fold text { fill: #666; font-style: italic; text-anchor: middle; }
  .arrow line, .arrow path { stroke: #1f5fa8; stroke-width: 1.2; fill: none; }
  .arrow.dup line, .arrow.dup path { stroke-dasharray: 4 2; }
  .arrow text { fill: #1f5fa8; text-anchor: middle; font-size: 9px; }
  .drop line { stroke: #c0392b; stroke-width: 1.2; stroke-dasharray: 3 2; }
  .drop path { stroke: #c0392b; stroke-width: 2; fill: none; }
  .drop text { fill: #c0392b; text-anchor: middle; font-size: 9px; }
  .state rect { fill: #fff7d6; stroke: #b8860b; }
  .state text { text-anchor: middle; font-size: 9px; }
  .fault rect { fill: #fde2e2; stroke: #c0392b; }
  .fault text { text-anchor: middle; font-size: 9px; fill: #c0392b; }
  .note circle { fill: #888; }
  .band.crash rect { fill: #c0392b; fill-opacity: 0.12; stroke: #c0392b; stroke-opacity: 0.4; }
  .band.partition rect { fill: #8e44ad; fill-opacity: 0.10; stroke: #8e44ad; stroke-opacity: 0.4; }
  .band text { font-size: 10px; font-weight: bold; }
  .band.crash text { fill: #c0392b; }
  .band.partition text { fill: #8e44ad; }
  .evidence circle { fill: none; stroke: #16a085; stroke-width: 2; }
  .evidence text { fill: #16a085; font-weight: bold; font-size: 9px; }
  .check.held text { fill: #16a085; }
  .check.failed text { fill: #c0392b; font-weight: bold; }
)css";

class SvgWriter {
 public:
  SvgWriter(const Sequence& s, const Layout& l) : s_(s), l_(l) {}

  std::string render() {
    const int checksH = static_cast<int>(s_.checks.size()) * 14 + (s_.checks.empty() ? 0 : 24);
    const int height = l_.bottom() + checksH + 10;
    out_ += fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" "
        "height=\"{1}\" viewBox=\"0 0 {0} {1}\">\n<title>{2}</title>\n<style>{3}</style>\n",
        l_.width(), height, esc("agentsim sequence diagram: " + s_.title), kStyle);
    out_ += "<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
            "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1f5fa8\"/>"
            "</marker></defs>\n";
    out_ += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#fff\"/>\n", l_.width(), height);
    out_ += fmt::format("<text class=\"title\" x=\"10\" y=\"20\">{}</text>\n", esc(s_.title));
    legend();
    bands();
    lifelines();
    folds();
    for (const SequenceEvent& e : s_.events) event(e);
    evidence();
    checks(l_.bottom() + 10);
    out_ += "</svg>\n";
    return std::move(out_);
  }

 private:
  void legend() {
    int x = 10;
    const int y = 44;
    out_ += "<g class=\"legend\">\n";
    out_ += fmt::format("<g class=\"arrow\"><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" marker-end=\"url(#head)\"/>"
                        "</g><text x=\"{}\" y=\"{}\">message delivered</text>\n",
                        x, y - 4, x + 30, y - 4, x + 36, y);
    x += 140;
    out_ += fmt::format("<g class=\"drop\"><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>{}</g>"
                        "<text x=\"{}\" y=\"{}\">message lost (reason on hover)</text>\n",
                        x, y - 4, x + 26, y - 4, cross(x + 30, y - 4), x + 40, y);
    x += 230;
    out_ += fmt::format("<g class=\"state\"><rect x=\"{}\" y=\"{}\" width=\"44\" height=\"12\" rx=\"3\"/>"
                        "<text x=\"{}\" y=\"{}\">STATE</text></g><text x=\"{}\" y=\"{}\">state change</text>\n",
                        x, y - 11, x + 22, y - 2, x + 50, y);
    x += 120;
    out_ += fmt::format("<g class=\"band crash\"><rect x=\"{}\" y=\"{}\" width=\"20\" height=\"12\"/></g>"
                        "<text x=\"{}\" y=\"{}\">host down</text>\n",
                        x, y - 11, x + 26, y);
    x += 80;
    out_ += fmt::format("<g class=\"band partition\"><rect x=\"{}\" y=\"{}\" width=\"20\" height=\"12\"/></g>"
                        "<text x=\"{}\" y=\"{}\">partitioned</text>\n",
                        x, y - 11, x + 26, y);
    x += 100;
    out_ += fmt::format("<g class=\"evidence\"><circle cx=\"{}\" cy=\"{}\" r=\"6\"/></g>"
                        "<text x=\"{}\" y=\"{}\">evidence of expectation N</text>\n",
                        x + 6, y - 4, x + 16, y);
    x += 190;
    out_ += fmt::format("<text x=\"{}\" y=\"{}\">{} quiet time folded</text>\n", x, y, esc(gapText(27'300'000'000)));
    out_ += "</g>\n";
  }

  static std::string cross(int x, int y) {
    return fmt::format("<path d=\"M{},{} l8,8 M{},{} l-8,8\"/>", x - 4, y - 4, x + 4, y - 4);
  }

  void lifelines() {
    const int top = kTop;
    for (std::size_t i = 0; i < s_.lifelines.size();) {
      std::size_t j = i;
      while (j < s_.lifelines.size() && s_.lifelines[j].host == s_.lifelines[i].host) ++j;
      const int left = l_.x(static_cast<int>(i)) - kCol / 2 + 4;
      const int right = l_.x(static_cast<int>(j) - 1) + kCol / 2 - 4;
      out_ += fmt::format("<g class=\"host\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"20\" rx=\"4\"/>"
                          "<text x=\"{}\" y=\"{}\">{}</text></g>\n",
                          left, top, right - left, (left + right) / 2, top + 14, esc(s_.lifelines[i].host));
      for (std::size_t k = i; k < j; ++k) {
        const int x = l_.x(static_cast<int>(k));
        out_ += fmt::format("<text class=\"proc\" x=\"{}\" y=\"{}\">{}</text>\n", x, top + 36,
                            esc(s_.lifelines[k].process));
        out_ += fmt::format("<line class=\"life\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>\n", x, top + 42,
                            l_.bottom());
      }
      i = j;
    }
    sim::Time last = sim::Time::fromNanoseconds(-1);
    for (const Row& r : l_.rows()) {
      if (r.at != last) {
        out_ += fmt::format("<text class=\"time\" x=\"{}\" y=\"{}\">{}</text>\n", kLeft - 6, r.y + 3, timeText(r.at));
      }
      last = r.at;
    }
  }

  void folds() {
    for (const auto& [y, gap] : l_.folds()) {
      const std::string label = gapText(gap);
      const int w = static_cast<int>(label.size()) * kCharW + 10;
      out_ += fmt::format("<g class=\"fold\"><rect x=\"10\" y=\"{}\" width=\"{}\" height=\"{}\"/>"
                          "<text x=\"{}\" y=\"{}\">{}</text></g>\n",
                          y + 2, l_.width() - 20, kFold - 4, l_.width() / 2, y + kFold / 2 + 4, esc(label));
      (void)w;
    }
  }

  void bands() {
    for (const SequenceBand& b : s_.bands) {
      const auto [left, right] = l_.span(b.host);
      if (right == 0) continue;
      const int y1 = l_.y(b.start, b.start_seq) - kRow / 2;
      const int y2 = b.end_seq == UINT64_MAX ? l_.bottom() : l_.y(b.end, b.end_seq) + kRow / 2;
      const char* cls = b.kind == SequenceBand::Kind::Crash ? "crash" : "partition";
      out_ += fmt::format("<g class=\"band {}\"><title>{}: {} to {}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" "
                          "height=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text></g>\n",
                          cls, esc(b.label), timeText(b.start), b.end_seq == UINT64_MAX ? "the end" : timeText(b.end),
                          left, y1, right - left, std::max(y2 - y1, 4), left + 4, y1 + 12, esc(b.label));
    }
  }

  void mark(std::uint64_t seq, int x, int y) { at_[seq] = {x, y}; }

  void event(const SequenceEvent& e) {
    switch (e.kind) {
      case SequenceEvent::Kind::Arrow: arrow(e); break;
      case SequenceEvent::Kind::Drop: drop(e); break;
      case SequenceEvent::Kind::State: label(e, "state"); break;
      case SequenceEvent::Kind::Note: note(e); break;
      case SequenceEvent::Kind::Fault: faultMark(e); break;
    }
  }

  void arrow(const SequenceEvent& e) {
    const int x1 = l_.x(e.from);
    const int x2 = l_.x(e.to);
    const int y1 = l_.y(e.sent_at, e.sent_seq);
    const int y2 = l_.y(e.at, e.seq, e.seq == e.sent_seq ? 1 : 0);
    mark(e.sent_seq, x1, y1);
    mark(e.seq, x2, y2);
    out_ += fmt::format("<g class=\"arrow{}\" data-msg=\"{}\"><title>{}</title>", e.duplicate ? " dup" : "", e.msg,
                        esc(e.detail));
    if (x1 == x2) {
      out_ += fmt::format("<path d=\"M{},{} h24 V{} h-22\" marker-end=\"url(#head)\"/>", x1, y1, y2);
      out_ += fmt::format("<text x=\"{}\" y=\"{}\" style=\"text-anchor:start\">{}</text>", x1 + 28, (y1 + y2) / 2 + 3,
                          esc(e.label));
    } else {
      out_ += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" marker-end=\"url(#head)\"/>", x1, y1,
                          x2 + (x2 > x1 ? -2 : 2), y2);
      out_ += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>", (x1 + x2) / 2, (y1 + y2) / 2 - 3,
                          esc(e.duplicate ? e.label + " (dup)" : e.label));
    }
    out_ += "</g>\n";
  }

  void drop(const SequenceEvent& e) {
    const int x1 = l_.x(e.from);
    const int xTo = l_.x(e.to);
    const int y1 = l_.y(e.sent_at, e.sent_seq);
    const int y2 = l_.y(e.at, e.seq, 1);
    // Lost on the way (when sent): half way; lost on arrival: just before the receiver.
    const int x2 = e.at == e.sent_at ? (x1 + xTo) / 2 : xTo + (xTo > x1 ? -12 : 12);
    mark(e.sent_seq, x1, y1);
    mark(e.seq, x2, y2);
    out_ += fmt::format("<g class=\"drop\" data-msg=\"{}\"><title>{}</title><line x1=\"{}\" y1=\"{}\" x2=\"{}\" "
                        "y2=\"{}\"/>{}<text x=\"{}\" y=\"{}\">{}</text></g>\n",
                        e.msg, esc(e.detail), x1, y1, x2, y2, cross(x2, y2), (x1 + x2) / 2, (y1 + y2) / 2 - 3,
                        esc(e.label));
  }

  void label(const SequenceEvent& e, const char* cls) {
    const int x = l_.x(e.from);
    const int y = l_.y(e.at, e.seq);
    mark(e.seq, x, y);
    const int w = static_cast<int>(e.label.size()) * 6 + 8;
    out_ += fmt::format("<g class=\"{}\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"13\" "
                        "rx=\"3\"/><text x=\"{}\" y=\"{}\">{}</text></g>\n",
                        cls, esc(e.detail), x - w / 2, y - 7, w, x, y + 3, esc(e.label));
  }

  void note(const SequenceEvent& e) {
    const int x = l_.x(e.from);
    const int y = l_.y(e.at, e.seq);
    mark(e.seq, x, y);
    out_ += fmt::format("<g class=\"note\"><title>{}</title><circle cx=\"{}\" cy=\"{}\" r=\"3\"/>"
                        "<text x=\"{}\" y=\"{}\">{}</text></g>\n",
                        esc(e.detail), x, y, x + 6, y + 3, esc(e.label));
  }

  void faultMark(const SequenceEvent& e) {
    const auto [left, right] = l_.span(e.host);
    if (right == 0) return;
    const int y = l_.y(e.at, e.seq);
    mark(e.seq, left, y);
    const int w = static_cast<int>(e.label.size()) * 6 + 10;
    out_ += fmt::format("<g class=\"fault\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"13\"/>"
                        "<text x=\"{}\" y=\"{}\">{}</text></g>\n",
                        esc(e.detail), left, y - 7, w, left + w / 2, y + 3, esc(e.label));
  }

  void evidence() {
    for (std::size_t i = 0; i < s_.checks.size(); ++i) {
      for (std::uint64_t seq : s_.checks[i].evidence) {
        const auto it = at_.find(seq);
        if (it == at_.end()) continue;
        out_ += fmt::format("<g class=\"evidence\"><title>evidence of expectation {}: {}</title><circle cx=\"{}\" "
                            "cy=\"{}\" r=\"7\"/><text x=\"{}\" y=\"{}\">{}</text></g>\n",
                            i + 1, esc(s_.checks[i].text), it->second.first, it->second.second,
                            it->second.first + 8, it->second.second - 6, i + 1);
      }
    }
  }

  void checks(int y) {
    if (s_.checks.empty()) return;
    out_ += fmt::format("<text x=\"10\" y=\"{}\" style=\"font-weight:bold;font-size:11px\">expectations and "
                        "invariants</text>\n",
                        y + 10);
    y += 24;
    for (std::size_t i = 0; i < s_.checks.size(); ++i) {
      const SequenceCheck& c = s_.checks[i];
      // Cut to the picture's width; the whole text is the line's <title>.
      const std::string line = fmt::format("{}. {} {}", i + 1, c.held ? "held" : "FAILED", c.text);
      const auto fits = static_cast<std::size_t>((l_.width() - 20) / 6);
      const std::string shown = line.size() <= fits ? line : cut(line, fits) + "\u2026";
      out_ += fmt::format("<g class=\"check {}\"><title>{}</title><text x=\"10\" y=\"{}\">{}</text></g>\n",
                          c.held ? "held" : "failed", esc(line), y, esc(shown));
      y += 14;
    }
  }

  // The first `n` bytes of `text`, not splitting a UTF-8 character.
  static std::string cut(const std::string& text, std::size_t n) {
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
    return text.substr(0, n);
  }

  const Sequence& s_;
  const Layout& l_;
  std::string out_;
  std::map<std::uint64_t, std::pair<int, int>> at_;  // seq -> where it was drawn
};

}  // namespace

std::string renderSequenceSvg(const Sequence& sequence) {
  const Layout layout(sequence);
  return SvgWriter(sequence, layout).render();
}

}  // namespace agentsim::viz
