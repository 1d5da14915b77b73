#include "viz/filter.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "viz/timeline.hpp"

namespace agentsim::viz {

namespace {

// '*' matches any run of characters; everything else itself.
bool globMatch(std::string_view pattern, std::string_view text) {
  const std::size_t star = pattern.find('*');
  if (star == std::string_view::npos) return pattern == text;
  if (text.substr(0, star) != pattern.substr(0, star)) return false;
  const std::string_view rest = pattern.substr(star + 1);
  for (std::size_t i = star; i <= text.size(); ++i) {
    if (globMatch(rest, text.substr(i))) return true;
  }
  return false;
}

bool anyMatch(const std::vector<std::string>& patterns, std::string_view text) {
  if (patterns.empty()) return true;
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return globMatch(p, text); });
}

bool endMatches(const ViewFilter& f, const Endpoint& e) {
  return anyMatch(f.hosts, e.host) && anyMatch(f.processes, e.process);
}

// A fault acting on one message (hold, release, delay, duplicate) carries its name.
bool isMessageFault(const sim::Record& r) { return r.kind == sim::RecordKind::Fault && r.field("message") != nullptr; }

}  // namespace

Endpoint endpointOf(std::string_view address) {
  const std::size_t at = address.find('@');
  if (at == std::string_view::npos) return Endpoint{std::string(address), {}};
  std::string_view host = address.substr(at + 1);
  host = host.substr(0, host.rfind(':'));
  return Endpoint{std::string(address.substr(0, at)), std::string(host)};
}

bool isChatter(const sim::Record& r) {
  if (isHeartbeat(r)) return true;
  return isMessageRecord(r) && (r.name == "PingSlaveMessage" || r.name == "PongSlaveMessage");
}

bool isMessageRecord(const sim::Record& r) {
  return r.kind == sim::RecordKind::Send || r.kind == sim::RecordKind::Deliver || r.kind == sim::RecordKind::Drop;
}

bool ViewFilter::wantsKind(sim::RecordKind kind) const {
  return kinds.empty() || std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

bool ViewFilter::inWindow(sim::Time t) const { return (!from || t >= *from) && (!to || t <= *to); }

bool ViewFilter::matchesWho(const sim::Record& r) const {
  if (isMessageRecord(r) || isMessageFault(r)) {
    if (!anyMatch(messages, isMessageFault(r) ? r.text("message") : r.name)) return false;
    return endMatches(*this, endpointOf(r.text("from"))) || endMatches(*this, endpointOf(r.text("to")));
  }
  if (r.kind == sim::RecordKind::Check) return true;
  if (r.kind == sim::RecordKind::Fault && (r.name == "partition" || r.name == "heal")) {
    if (r.field("all") != nullptr) return true;
    return anyMatch(hosts, r.text("from")) || anyMatch(hosts, r.text("to"));
  }
  // A fault on a host (a crash, a restart, a kill) is of no one process.
  if (r.kind == sim::RecordKind::Fault && r.process.empty()) return anyMatch(hosts, r.host);
  return anyMatch(hosts, r.host) && anyMatch(processes, r.process);
}

namespace {

// The texts one of which a line holds if a pattern matches a host (or a process) in it:
// the literal part before any '*', quoted or in an address. Empty: no test possible.
std::vector<std::string> tokens(const std::vector<std::string>& patterns, bool host) {
  std::vector<std::string> out;
  for (const std::string& p : patterns) {
    const std::string literal = p.substr(0, p.find('*'));
    if (literal.empty() || literal.find_first_of("\"\\") != std::string::npos) return {};
    if (std::any_of(literal.begin(), literal.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; })) return {};
    const bool whole = literal.size() == p.size();
    out.push_back("\"" + literal + (whole && host ? "\"" : ""));
    if (host) out.push_back("@" + literal + (whole ? ":" : ""));
  }
  return out;
}

bool holdsAny(std::string_view line, const std::vector<std::string>& tokens) {
  return tokens.empty() ||
         std::any_of(tokens.begin(), tokens.end(), [&](const std::string& t) { return line.find(t) != std::string_view::npos; });
}

}  // namespace

std::function<bool(std::string_view)> ViewFilter::lineTest() const {
  return [h = tokens(hosts, true), p = tokens(processes, false)](std::string_view line) {
    if (h.empty() && p.empty()) return true;
    if (line.find("\"kind\":\"check\"") != std::string_view::npos) return true;
    // Faults are few, and a host's is of no process: never skipped.
    if (line.find("\"kind\":\"fault\"") != std::string_view::npos) return true;
    return holdsAny(line, h) && holdsAny(line, p);
  };
}

bool ViewFilter::mayMatchLine(std::string_view line) const { return lineTest()(line); }

bool ViewFilter::selects(const sim::Record& r) const {
  // The verdicts come after the run: a time window does not hide them.
  if (!wantsKind(r.kind) || (r.kind != sim::RecordKind::Check && !inWindow(r.at))) return false;
  if (!all && isChatter(r)) return false;
  return matchesWho(r);
}

std::vector<std::string> splitList(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view part = text.substr(0, comma);
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

sim::Try<std::vector<sim::RecordKind>> parseKinds(std::string_view text) {
  std::vector<sim::RecordKind> out;
  for (const std::string& part : splitList(text)) {
    sim::RecordKind kind{};
    if (!sim::parseRecordKind(part, kind)) {
      return sim::Error{fmt::format("unknown record kind '{}' (expected send, deliver, drop, timer, state, fault, "
                                    "check, log or startup)",
                                    part)};
    }
    out.push_back(kind);
  }
  return out;
}

sim::Try<sim::Time> parseViewTime(std::string_view text) {
  auto d = sim::parseDuration(text);
  if (d.isError()) return sim::Error{d.error()};
  if (*d < sim::Duration{}) return sim::Error{fmt::format("expected a time since the start, got '{}'", text)};
  return sim::Time{} + *d;
}

}  // namespace agentsim::viz
