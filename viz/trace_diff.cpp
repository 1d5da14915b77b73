#include "viz/trace_diff.hpp"

#include <deque>
#include <ostream>
#include <vector>

#include <fmt/format.h>

#include "viz/timeline.hpp"
#include "viz/trace_reader.hpp"

namespace agentsim::viz {

namespace {

std::string headerValue(const sim::Fields& h, std::string_view key) {
  for (const auto& f : h) {
    if (f.key != key) continue;
    if (const auto* s = std::get_if<std::string>(&f.value)) return *s;
    if (const auto* i = std::get_if<std::int64_t>(&f.value)) return std::to_string(*i);
  }
  return {};
}

// A record's line for the report: its seq and message id, then the timeline's line.
std::string line(const sim::Record& r, const DiffOptions& o) {
  TimelineOptions t;
  t.refs = o.refs;
  return fmt::format("  #{:<7} {}{}", r.seq, renderLine(r, t), r.msg != 0 ? fmt::format("  (msg {})", r.msg) : "");
}

// Up to `n` more records of a stream, after `first`.
sim::Try<std::vector<sim::Record>> more(TraceStream& s, const sim::Record& first, std::size_t n) {
  std::vector<sim::Record> out{first};
  sim::Record r;
  while (out.size() < n) {
    auto next = s.next(r);
    if (next.isError()) return sim::Error{next.error()};
    if (!*next) break;
    out.push_back(r);
  }
  return out;
}

}  // namespace

sim::Try<DiffResult> diffTraces(std::istream& a, std::istream& b, const std::string& nameA, const std::string& nameB,
                                std::ostream& out, const DiffOptions& options) {
  TraceStream sa(a);
  TraceStream sb(b);
  auto ha = sa.header();
  if (ha.isError()) return sim::Error{nameA + ": " + ha.error()};
  auto hb = sb.header();
  if (hb.isError()) return sim::Error{nameB + ": " + hb.error()};
  for (const char* key : {"scenario", "seed", "agentsim_version"}) {
    const std::string va = headerValue(*ha, key);
    const std::string vb = headerValue(*hb, key);
    if (va != vb) out << fmt::format("{} differs: {} in A, {} in B\n", key, va, vb);
  }
  DiffResult result;
  std::deque<sim::Record> context;
  sim::Record ra;
  sim::Record rb;
  for (;;) {
    auto na = sa.next(ra);
    if (na.isError()) return sim::Error{nameA + ": " + na.error()};
    auto nb = sb.next(rb);
    if (nb.isError()) return sim::Error{nameB + ": " + nb.error()};
    if (!*na && !*nb) break;
    if (*na && *nb && sim::toJsonLine(ra) == sim::toJsonLine(rb)) {
      ++result.records;
      context.push_back(ra);
      if (context.size() > options.context) context.pop_front();
      continue;
    }
    result.same = false;
    out << fmt::format("the runs diverge after {} common records", result.records);
    if (*na && *nb) out << fmt::format(", at {} in A and {} in B", sim::formatSeconds(ra.at), sim::formatSeconds(rb.at));
    out << "\n\nboth runs, just before:\n";
    for (const auto& r : context) out << line(r, options) << '\n';
    if (context.empty()) out << "  (nothing: they differ from the first record)\n";
    for (auto [name, label, stream, has, first] :
         {std::make_tuple(&nameA, "A", &sa, *na, &ra), std::make_tuple(&nameB, "B", &sb, *nb, &rb)}) {
      out << fmt::format("\nthen {} ({}):\n", label, *name);
      if (!has) {
        out << "  (the trace ends here)\n";
        continue;
      }
      auto next = more(*stream, *first, options.context);
      if (next.isError()) return sim::Error{*name + ": " + next.error()};
      for (const auto& r : *next) out << line(r, options) << '\n';
    }
    return result;
  }
  // Both read to their end records (a trace cut short is an error above).
  if (sa.end()->at != sb.end()->at) {
    result.same = false;
    out << fmt::format("the runs have the same {} records but end at different times: {} in A, {} in B\n",
                       result.records, sim::formatSeconds(sa.end()->at), sim::formatSeconds(sb.end()->at));
    return result;
  }
  out << fmt::format("the runs are the same: {} records\n", result.records);
  return result;
}

}  // namespace agentsim::viz
