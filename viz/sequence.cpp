#include "viz/sequence.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "viz/trace_reader.hpp"

namespace agentsim::viz {

namespace {

std::string valueText(const sim::Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return std::get<sim::RawJson>(v).text;
}

// The kernel's record of a crash, restart, partition or heal (the timeline's own record
// of the action, with `action` and no host, is a mark).
bool isBandFault(const sim::Record& r) {
  return r.kind == sim::RecordKind::Fault && r.field("action") == nullptr &&
         (!r.host.empty() || r.name == "heal") &&
         (r.name == "crash" || r.name == "restart" || r.name == "partition" || r.name == "heal");
}

// Builds a Sequence in one pass over the records.
class Builder {
 public:
  Builder(const ViewFilter& filter, Sequence& out) : filter_(filter), out_(out) {}

  void add(const sim::Record& r) {
    if (r.kind == sim::RecordKind::Send && filter_.matchesWho(r)) sends_[r.msg] = &r;
    if (isBandFault(r) && filter_.matchesWho(r)) band(r);
    last_ = std::max(last_, r.at);
    if (!filter_.selects(r)) return;
    switch (r.kind) {
      case sim::RecordKind::Deliver:
      case sim::RecordKind::Drop: message(r); break;
      case sim::RecordKind::State: onLifeline(r, SequenceEvent::Kind::State, r.text("state")); break;
      case sim::RecordKind::Timer:
      case sim::RecordKind::Log:
        // Many and small: drawn only when --kinds names them.
        if (!filter_.kinds.empty()) {
          onLifeline(r, SequenceEvent::Kind::Note, r.kind == sim::RecordKind::Log ? r.text("message") : r.name);
        }
        break;
      case sim::RecordKind::Fault:
        if (!isBandFault(r)) fault(r);
        break;
      case sim::RecordKind::Check: check(r); break;
      case sim::RecordKind::Send:
      case sim::RecordKind::Startup:  // a send is drawn with its delivery; startup is main()'s
      case sim::RecordKind::End: break;    // only a trace file has one; the reader keeps it apart
    }
  }

  void finish() {
    const sim::Time end = filter_.to ? std::min(*filter_.to, last_) : last_;
    for (auto& [host, band] : crashes_) close(band, end, UINT64_MAX);
    for (auto& [hosts, band] : partitions_) close(band, end, UINT64_MAX);
    // A host with a band but nothing else selected still gets a lifeline (its name
    // only), so the band shows.
    for (const SequenceBand& b : out_.bands) {
      if (host_order_.count(b.host) == 0) lane(b.host, "");
    }
    regroup();
  }

 private:
  int lane(const std::string& host, const std::string& process) {
    const auto key = std::make_pair(host, process);
    auto it = lanes_.find(key);
    if (it != lanes_.end()) return it->second;
    if (host_order_.count(host) == 0) host_order_.emplace(host, host_order_.size());
    const int index = static_cast<int>(out_.lifelines.size());
    out_.lifelines.push_back(Lifeline{host, process});
    lanes_.emplace(key, index);
    return index;
  }

  void message(const sim::Record& r) {
    SequenceEvent e;
    e.kind = r.kind == sim::RecordKind::Deliver ? SequenceEvent::Kind::Arrow : SequenceEvent::Kind::Drop;
    e.at = r.at;
    e.seq = r.seq;
    e.msg = r.msg;
    e.duplicate = r.duplicate;
    e.label = r.name;
    const auto it = sends_.find(r.msg);
    const sim::Record* send = it == sends_.end() ? nullptr : it->second;
    e.sent_at = send != nullptr ? send->at : r.at;
    e.sent_seq = send != nullptr ? send->seq : r.seq;
    const Endpoint from = endpointOf(r.text("from"));
    const Endpoint to = endpointOf(r.text("to"));
    e.from = lane(from.host, from.process);
    e.to = lane(to.host, to.process);
    e.detail = fmt::format("{} #{}{}: {} -> {}, sent {}, {} {}", r.name, r.msg, r.duplicate ? " (duplicate)" : "",
                           r.text("from"), r.text("to"), sim::formatSeconds(e.sent_at),
                           e.kind == SequenceEvent::Kind::Arrow ? "delivered" : "LOST", sim::formatSeconds(r.at));
    if (e.kind == SequenceEvent::Kind::Drop) e.detail += fmt::format(": {}", r.text("reason"));
    const std::string rest = fieldsText(r);
    if (!rest.empty()) e.detail += "\n" + rest;
    out_.events.push_back(std::move(e));
  }

  void onLifeline(const sim::Record& r, SequenceEvent::Kind kind, std::string label) {
    if (r.process.empty()) return;  // the harness's or main()'s, not a process's
    SequenceEvent e;
    e.kind = kind;
    e.at = r.at;
    e.seq = r.seq;
    e.from = lane(r.host, r.process);
    e.label = std::move(label);
    e.detail = fmt::format("{} {} at {} on {}: {}", toString(r.kind), r.name, sim::formatSeconds(r.at), r.process,
                           fieldsText(r));
    if (!r.ref.empty()) e.detail += fmt::format(" [{}]", r.ref);
    out_.events.push_back(std::move(e));
  }

  void fault(const sim::Record& r) {
    SequenceEvent e;
    e.kind = SequenceEvent::Kind::Fault;
    e.at = r.at;
    e.seq = r.seq;
    e.host = r.host;
    e.msg = r.msg;
    e.label = r.field("action") != nullptr ? r.text("action") : r.name;
    e.detail = fmt::format("fault {} at {} on {}: {}", r.name, sim::formatSeconds(r.at), r.host, fieldsText(r));
    out_.events.push_back(std::move(e));
  }

  void check(const sim::Record& r) {
    const sim::Value* held = r.field("held");
    SequenceCheck c;
    c.held = held != nullptr && std::get_if<bool>(held) != nullptr && std::get<bool>(*held);
    c.name = r.name;
    const std::string what = r.field("expectation") != nullptr ? r.text("expectation") : r.text("invariant");
    c.text = fmt::format("{}: {}: {}", r.name, what, r.text("evidence"));
    c.evidence = evidenceSeqsOf(r);
    out_.checks.push_back(std::move(c));
  }

  void band(const sim::Record& r) {
    if (r.name == "crash") {
      crashes_.emplace(r.host, SequenceBand{SequenceBand::Kind::Crash, r.host, r.at, r.seq, r.at, r.seq,
                                            fmt::format("{} crashed", r.host)});
    } else if (r.name == "restart") {
      auto it = crashes_.find(r.host);
      if (it == crashes_.end()) return;
      close(it->second, r.at, r.seq);
      crashes_.erase(it);
    } else if (r.name == "partition") {
      const std::string a = r.text("from");
      const std::string b = r.text("to");
      partitions_.emplace(std::make_pair(a, b), SequenceBand{SequenceBand::Kind::Partition, a, r.at, r.seq, r.at,
                                                             r.seq, fmt::format("partition {} | {}", a, b)});
    } else if (r.field("all") != nullptr) {  // heal all
      for (auto& [hosts, b] : partitions_) close(b, r.at, r.seq);
      partitions_.clear();
    } else {
      for (const auto& key : {std::make_pair(r.text("from"), r.text("to")), std::make_pair(r.text("to"), r.text("from"))}) {
        auto it = partitions_.find(key);
        if (it == partitions_.end()) continue;
        close(it->second, r.at, r.seq);
        partitions_.erase(it);
      }
    }
  }

  // Ends a band and keeps the part of it inside the window (a partition: one per side).
  void close(SequenceBand b, sim::Time end, std::uint64_t endSeq) {
    b.end = end;
    b.end_seq = endSeq;
    if (filter_.to && b.start > *filter_.to) return;
    if (filter_.from && b.end < *filter_.from) return;
    if (filter_.from && b.start < *filter_.from) {
      b.start = *filter_.from;
      b.start_seq = 0;
    }
    if (b.kind == SequenceBand::Kind::Partition) {
      const auto sep = b.label.find(" | ");
      SequenceBand other = b;
      other.host = b.label.substr(sep + 3);
      out_.bands.push_back(std::move(other));
    }
    out_.bands.push_back(std::move(b));
  }

  // Lifelines grouped by host (hosts in order of appearance), then the events' indices.
  void regroup() {
    std::vector<int> order(out_.lifelines.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return host_order_.at(out_.lifelines[a].host) < host_order_.at(out_.lifelines[b].host);
    });
    std::vector<int> position(order.size());
    std::vector<Lifeline> sorted;
    for (std::size_t i = 0; i < order.size(); ++i) {
      position[order[i]] = static_cast<int>(i);
      sorted.push_back(out_.lifelines[order[i]]);
    }
    out_.lifelines = std::move(sorted);
    for (SequenceEvent& e : out_.events) {
      if (e.from >= 0) e.from = position[e.from];
      if (e.to >= 0) e.to = position[e.to];
    }
  }

  const ViewFilter& filter_;
  Sequence& out_;
  std::unordered_map<std::uint64_t, const sim::Record*> sends_;  // look-up only
  std::map<std::pair<std::string, std::string>, int> lanes_;
  std::map<std::string, std::size_t> host_order_;
  std::map<std::string, SequenceBand> crashes_;
  std::map<std::pair<std::string, std::string>, SequenceBand> partitions_;
  sim::Time last_;
};

}  // namespace

std::string fieldsText(const sim::Record& r) {
  std::string out;
  for (const auto& f : r.fields) {
    if (!out.empty()) out += ' ';
    out += fmt::format("{}={}", f.key, valueText(f.value));
  }
  return out;
}

bool keepForSequence(const sim::Record& r, const ViewFilter& filter) {
  if (filter.selects(r)) return true;
  return (r.kind == sim::RecordKind::Send || isBandFault(r)) && filter.matchesWho(r);
}

Sequence buildSequence(const sim::Fields& header, const std::vector<sim::Record>& records, const ViewFilter& filter) {
  Sequence s;
  std::string scenario;
  std::string seed;
  for (const auto& f : header) {
    if (f.key == "scenario") scenario = valueText(f.value);
    if (f.key == "seed") seed = valueText(f.value);
  }
  s.title = fmt::format("{} (seed {})", scenario, seed);
  Builder b(filter, s);
  for (const auto& r : records) b.add(r);
  b.finish();
  return s;
}

}  // namespace agentsim::viz
