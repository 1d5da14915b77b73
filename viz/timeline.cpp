#include "viz/timeline.hpp"

#include <ostream>

#include <fmt/format.h>

namespace agentsim::viz {

namespace {

std::string valueText(const sim::Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return std::get<sim::RawJson>(v).text;
}

std::string extras(const sim::Record& r, std::initializer_list<std::string_view> skip) {
  std::string out;
  for (const auto& f : r.fields) {
    bool skipped = false;
    for (auto s : skip) skipped = skipped || f.key == s;
    if (skipped) continue;
    out += fmt::format(" {}={}", f.key, valueText(f.value));
  }
  return out;
}

}  // namespace

std::string describeRecord(const sim::Record& r) {
  std::string what;
  switch (r.kind) {
    case sim::RecordKind::Send:
      what = fmt::format("send     {} -> {}{}", r.name, r.text("to"), extras(r, {"from", "to"}));
      break;
    case sim::RecordKind::Deliver:
      what = fmt::format("deliver  {} <- {}{}", r.name, r.text("from"), extras(r, {"from", "to"}));
      break;
    case sim::RecordKind::Drop:
      what = fmt::format("DROP     {} {} -> {} ({})", r.name, r.text("from"), r.text("to"), r.text("reason"));
      break;
    case sim::RecordKind::Timer:
      what = fmt::format("timer    {}", r.name);
      break;
    case sim::RecordKind::State:
      what = fmt::format("state    {} = {}{}", r.name, r.text("state"), extras(r, {"state"}));
      break;
    case sim::RecordKind::Fault:
      // A timeline action reads as the scenario wrote it: "timeline[0]: drop ...".
      what = r.field("action") != nullptr
                 ? fmt::format("FAULT    {}: {}{}", r.text("label"), r.text("action"), extras(r, {"action", "label"}))
                 : fmt::format("FAULT    {}{}", r.name, extras(r, {}));
      break;
    case sim::RecordKind::Check:
      what = fmt::format("check    {} {}: {}", r.name,
                         std::get_if<bool>(r.field("held")) != nullptr && std::get<bool>(*r.field("held")) ? "held"
                                                                                                        : "FAILED",
                         r.text("evidence"));
      break;
    case sim::RecordKind::Log:
      what = fmt::format("log      {}{}", r.text("message"), extras(r, {"message"}));
      break;
    case sim::RecordKind::End:
      what = fmt::format("end      {} records", r.integer("records"));
      break;
    case sim::RecordKind::Startup: {
      const sim::Value* failed = r.field("failed");
      const std::int64_t position = r.integer("position");
      if (failed != nullptr && std::get_if<bool>(failed) != nullptr && std::get<bool>(*failed)) {
        what = fmt::format("startup  {}{} FAILED, exit {}: {}{}",
                           position > 0 ? fmt::format("[{}/{}] ", position, r.integer("steps")) : std::string(), r.name,
                           r.integer("exit_code", 1), r.text("message"),
                           extras(r, {"failed", "exit_code", "message", "position", "steps"}));
        break;
      }
      if (r.field("exit_code") != nullptr) {
        // main() returned after the Slave terminated itself (model::agentReturned), or at
        // a step (--help, --version: EXIT_SUCCESS).
        what = fmt::format("startup  {}{} exited {}: {}{}",
                           position > 0 ? fmt::format("[{}/{}] ", position, r.integer("steps")) : std::string(), r.name,
                           r.integer("exit_code"), r.text("message"),
                           extras(r, {"failed", "exit_code", "message", "position", "steps"}));
        break;
      }
      what = fmt::format("startup  {}{}: {}{}{}",
                         position > 0 ? fmt::format("[{}/{}] ", position, r.integer("steps")) : std::string(), r.name,
                         r.text("builds"), r.text("processes").empty() ? "" : " -> " + r.text("processes"),
                         extras(r, {"position", "steps", "builds", "processes"}));
      break;
    }
  }
  return what;
}

std::string renderLine(const sim::Record& r, const TimelineOptions& options) {
  std::string line =
      fmt::format("{:>14}  {:<10} {:<24} {}", sim::formatSeconds(r.at), r.host, r.process, describeRecord(r));
  if (options.refs && !r.ref.empty()) line += fmt::format("  [{}]", r.ref);
  return line;
}

bool isHeartbeat(const sim::Record& r) {
  if (r.kind != sim::RecordKind::Send && r.kind != sim::RecordKind::Deliver && r.kind != sim::RecordKind::Drop) {
    return false;
  }
  return r.name == "zookeeper.Ping" || r.name == "zookeeper.PingResponse" || r.name == "zookeeper.quorum.Ping";
}

namespace {
bool shown(const sim::Record& r, const TimelineOptions& options) {
  if (r.kind == sim::RecordKind::Deliver && !options.deliveries) return false;
  if (r.kind == sim::RecordKind::Check && !options.checks) return false;
  return options.heartbeats || !isHeartbeat(r);
}
}  // namespace

std::string renderTimeline(const std::vector<sim::Record>& records, const TimelineOptions& options) {
  std::string out;
  for (const auto& r : records) {
    if (!shown(r, options)) continue;
    out += renderLine(r, options);
    out += '\n';
  }
  return out;
}

void writeTimeline(std::ostream& out, const std::vector<sim::Record>& records, const TimelineOptions& options) {
  for (const auto& r : records) {
    if (shown(r, options)) out << renderLine(r, options) << '\n';
  }
}

}  // namespace agentsim::viz
