#include "viz/perfetto.hpp"

#include <map>
#include <ostream>
#include <unordered_map>

#include <fmt/format.h>

#include "viz/sequence.hpp"

namespace agentsim::viz {

namespace {

std::string json(std::string_view text) {
  std::string out;
  sim::appendJsonString(out, text);
  return out;
}

// Simulated ns as trace-event microseconds: "38005.000123".
std::string ts(sim::Time t) { return fmt::format("{}.{:03}", t.ns() / 1000, t.ns() % 1000); }

// The instance of a state machine a state record moves: its process and name, and the
// first identifying field it carries.
std::string machineKey(const sim::Record& r) {
  std::string key = r.host + " " + r.process + " " + r.name;
  for (const char* f : {"task_id", "executor_id", "container", "slave_id", "path", "framework_id"}) {
    const std::string v = r.text(f);
    if (!v.empty()) return key + " " + v;
  }
  return key;
}

class PerfettoWriter {
 public:
  PerfettoWriter(std::ostream& out, const ViewFilter& filter) : out_(out), filter_(filter) {}

  void add(const sim::Record& r) {
    if (r.at > last_) last_ = r.at;
    if (r.kind == sim::RecordKind::Send && filter_.matchesWho(r)) sends_[r.msg] = Send{r.at, thread(endpointOf(r.text("from")))};
    if (!filter_.selects(r)) return;
    switch (r.kind) {
      case sim::RecordKind::Deliver: deliver(r); break;
      case sim::RecordKind::Drop: drop(r); break;
      case sim::RecordKind::State: state(r); break;
      case sim::RecordKind::Fault: fault(r); break;
      case sim::RecordKind::Timer:
      case sim::RecordKind::Log:
        if (!r.process.empty()) instant(r.at, thread(Endpoint{r.process, r.host}), r.name, "t", r);
        break;
      case sim::RecordKind::Send:
      case sim::RecordKind::Check:
      case sim::RecordKind::Startup:
      case sim::RecordKind::End: break;
    }
  }

  void finish() {
    const sim::Time end = filter_.to ? std::min(*filter_.to, last_) : last_;
    for (const auto& [key, open] : open_) endSlice(open, end);
    for (const auto& [host, pid] : pids_) {
      event(fmt::format(R"({{"ph":"M","name":"process_name","pid":{},"tid":0,"args":{{"name":{}}}}})", pid, json(host)));
      event(fmt::format(R"({{"ph":"M","name":"process_sort_index","pid":{},"tid":0,"args":{{"sort_index":{}}}}})", pid,
                        pid));
    }
    for (const auto& [who, t] : tids_) {
      event(fmt::format(R"({{"ph":"M","name":"thread_name","pid":{},"tid":{},"args":{{"name":{}}}}})", t.first,
                        t.second, json(who.second)));
    }
  }

  void event(const std::string& e) {
    out_ << (first_ ? "\n" : ",\n") << e;
    first_ = false;
  }

 private:
  using Thread = std::pair<int, int>;  // pid, tid
  struct Send {
    sim::Time at;
    Thread thread;
  };
  struct Open {
    sim::Time at;
    Thread thread;
    std::string name;
    std::uint64_t id = 0;
  };

  int pid(const std::string& host) {
    auto it = pids_.find(host);
    if (it == pids_.end()) it = pids_.emplace(host, static_cast<int>(pids_.size()) + 1).first;
    return it->second;
  }
  Thread thread(const Endpoint& e) {
    const auto key = std::make_pair(e.host, e.process);
    auto it = tids_.find(key);
    if (it == tids_.end()) it = tids_.emplace(key, Thread{pid(e.host), static_cast<int>(tids_.size()) + 1}).first;
    return it->second;
  }

  void slice(sim::Time at, Thread t, const std::string& name, const std::string& args) {
    event(fmt::format(R"({{"ph":"X","cat":"message","name":{},"ts":{},"dur":0.001,"pid":{},"tid":{},"args":{}}})",
                      json(name), ts(at), t.first, t.second, args));
  }

  void deliver(const sim::Record& r) {
    const Thread to = thread(endpointOf(r.text("to")));
    const auto it = sends_.find(r.msg);
    const Send send = it != sends_.end() ? it->second : Send{r.at, thread(endpointOf(r.text("from")))};
    const std::uint64_t flow = ++flows_;
    const std::string args = fmt::format(R"({{"msg":{},"duplicate":{},"from":{},"to":{}}})", r.msg,
                                         r.duplicate ? "true" : "false", json(r.text("from")), json(r.text("to")));
    slice(send.at, send.thread, "send " + r.name, args);
    event(fmt::format(R"({{"ph":"s","cat":"message","name":{},"id":{},"ts":{},"pid":{},"tid":{}}})", json(r.name), flow,
                      ts(send.at), send.thread.first, send.thread.second));
    slice(r.at, to, r.name, args);
    event(fmt::format(R"({{"ph":"f","bp":"e","cat":"message","name":{},"id":{},"ts":{},"pid":{},"tid":{}}})",
                      json(r.name), flow, ts(r.at), to.first, to.second));
  }

  void drop(const sim::Record& r) {
    const Endpoint where = r.process.empty() ? endpointOf(r.text("to")) : Endpoint{r.process, r.host};
    instant(r.at, thread(where), "LOST " + r.name, "t", r);
  }

  void instant(sim::Time at, Thread t, const std::string& name, const char* scope, const sim::Record& r) {
    std::string args = "{";
    sim::appendJsonString(args, "seq");
    args += fmt::format(":{}", r.seq);
    if (r.msg != 0) args += fmt::format(",\"msg\":{}", r.msg);
    for (const auto& f : r.fields) {
      args += ',';
      sim::appendJsonString(args, f.key);
      args += ':';
      sim::appendJsonString(args, fieldsValue(f.value));
    }
    args += '}';
    event(fmt::format(R"({{"ph":"i","s":"{}","cat":{},"name":{},"ts":{},"pid":{},"tid":{},"args":{}}})", scope,
                      json(std::string(toString(r.kind))), json(name), ts(at), t.first, t.second, args));
  }

  static std::string fieldsValue(const sim::Value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    return std::get<sim::RawJson>(v).text;
  }

  void fault(const sim::Record& r) {
    // A fault belongs to its host (a partition to the host it names first).
    const Thread t{pid(r.host.empty() ? "network" : r.host), 0};
    instant(r.at, t, r.field("action") != nullptr ? r.text("action") : r.name,
            r.name == "partition" || r.name == "heal" ? "g" : "p", r);
  }

  void state(const sim::Record& r) {
    if (r.process.empty()) return;
    const std::string key = machineKey(r);
    auto it = open_.find(key);
    if (it != open_.end()) {
      endSlice(it->second, r.at);
      open_.erase(it);
    }
    // One id per machine instance: its states follow one another on one async track.
    const auto [instance, added] = instances_.emplace(key, instances_.size() + 1);
    Open o{r.at, thread(Endpoint{r.process, r.host}), r.name + " " + r.text("state"), instance->second};
    event(fmt::format(R"({{"ph":"b","cat":"state","name":{},"id":{},"ts":{},"pid":{},"tid":{},"args":{{"fields":{}}}}})",
                      json(o.name), o.id, ts(o.at), o.thread.first, o.thread.second, json(fieldsText(r))));
    open_.emplace(key, std::move(o));
  }

  void endSlice(const Open& o, sim::Time at) {
    event(fmt::format(R"({{"ph":"e","cat":"state","name":{},"id":{},"ts":{},"pid":{},"tid":{}}})", json(o.name), o.id,
                      ts(at), o.thread.first, o.thread.second));
  }

  std::ostream& out_;
  const ViewFilter& filter_;
  bool first_ = true;
  sim::Time last_;
  std::uint64_t flows_ = 0;
  std::map<std::string, std::uint64_t> instances_;
  std::unordered_map<std::uint64_t, Send> sends_;  // look-up only
  std::map<std::string, int> pids_;
  std::map<std::pair<std::string, std::string>, Thread> tids_;
  std::map<std::string, Open> open_;
};

}  // namespace

void writePerfetto(std::ostream& out, const sim::Fields& header, const std::vector<sim::Record>& records,
                   const ViewFilter& filter) {
  std::string meta = "{";
  for (const auto& f : header) {
    if (f.key != "scenario" && f.key != "seed" && f.key != "format_version" && f.key != "agentsim_version") continue;
    if (meta.size() > 1) meta += ',';
    sim::appendJsonString(meta, f.key);
    meta += ':';
    if (const auto* i = std::get_if<std::int64_t>(&f.value)) {
      meta += std::to_string(*i);
    } else if (const auto* s = std::get_if<std::string>(&f.value)) {
      sim::appendJsonString(meta, *s);
    } else {
      meta += "null";
    }
  }
  meta += '}';
  out << R"({"displayTimeUnit":"ms","otherData":)" << meta << R"(,"traceEvents":[)";
  PerfettoWriter w(out, filter);
  for (const auto& r : records) w.add(r);
  w.finish();
  out << "\n]}\n";
}

}  // namespace agentsim::viz
