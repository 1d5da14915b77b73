// The `endpoint` expectation: what a master's or an agent's HTTP endpoint answers to a GET
// at a time, before its body: status code and reason (Master::httpGet, Slave::httpGet:
// src/master/http.cpp, src/slave/http.cpp), as a Mesos test's http::get and
// AWAIT_EXPECT_RESPONSE_STATUS_EQ read it (SlaveTest.StateEndpointUnavailableDuringRecovery:
// 503 "Agent has not finished recovery" while the restarted agent recovers).
// {host, endpoint ("/state", "/health"), at, status, reason (default: any)}.
// The answer is not in the trace, so the expectation carries a probe that the world runs
// at `at`, after the events already due then: it asks the host's mesos-master or
// mesos-agent process and writes one `log` record named `endpoint`; with no such process
// (the host down, the program exited or not started yet) nothing answers: status 0
// ("connection refused").
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "harness/actions.hpp"
#include "harness/tables.hpp"
#include "harness/world.hpp"
#include "model/common/http.hpp"
#include "model/master/master.hpp"
#include "model/slave/slave.hpp"

namespace agentsim::harness {

namespace {

constexpr std::string_view kEndpointRecord = "endpoint";

struct Request {
  std::string host;
  bool master = false;
  std::string endpoint;
  std::string label;
  sim::Duration at;
};

std::optional<model::HttpAnswer> ask(World& w, const Request& q) {
  if (!q.master) {
    const model::Slave* slave = agentProcess(w, q.host);
    if (slave == nullptr) return std::nullopt;
    return slave->httpGet(q.endpoint);
  }
  for (const model::Master* m : w.masters()) {
    if (m->self().host() == q.host) return m->httpGet(q.endpoint);
  }
  return std::nullopt;
}

void probe(World& w, const Request& q) {
  const auto answer = ask(w, q).value_or(model::HttpAnswer{0, "connection refused"});
  w.sim().emit(sim::RecordKind::Log, nullptr, q.host, std::string(kEndpointRecord),
               {{"message", fmt::format("GET {} -> {} {}", q.endpoint, answer.status, answer.reason)},
                {"label", q.label},
                {"endpoint", q.endpoint},
                {"status", static_cast<std::int64_t>(answer.status)},
                {"reason", answer.reason}},
               "");
}

struct EndpointCheck final : ExpectationCheck {
  std::string label;
  std::int64_t status;
  std::optional<std::string> reason;
  std::optional<std::int64_t> seenStatus;
  std::string seenReason;
  std::uint64_t seq = 0;
  EndpointCheck(std::string l, std::int64_t s, std::optional<std::string> r)
      : label(std::move(l)), status(s), reason(std::move(r)) {}
  void observe(const sim::Record& r) override {
    if (r.kind != sim::RecordKind::Log || r.name != kEndpointRecord || r.text("label") != label) return;
    seenStatus = r.integer("status");
    seenReason = r.text("reason");
    seq = r.seq;
  }
  Outcome finish(sim::Time) override {
    if (!seenStatus) return Outcome{false, "the endpoint was never asked", {}, true};
    const bool held = *seenStatus == status && (!reason || *reason == seenReason);
    return Outcome{held, fmt::format("{} \"{}\"", *seenStatus, seenReason), {seq}};
  }
};

}  // namespace

void parseEndpoint(const ParseContext& c, const std::string& p, Expectation& out) {
  c.reader.object(p, {"host", "endpoint", "at", "status", "reason"}, {"host", "endpoint", "at", "status"});
  Request q;
  q.host = hostArg(c, p + "/host");
  q.master = c.scenario.isMaster(q.host);
  if (!q.master && !c.scenario.isAgent(q.host)) {
    c.reader.fail(p + "/host", fmt::format("\"{}\" is neither a master nor an agent", q.host));
  }
  const auto& endpoints = q.master ? model::kMasterHttpEndpoints : model::kSlaveHttpEndpoints;
  q.endpoint = nameArg(c, p + "/endpoint", q.master ? "master endpoint" : "agent endpoint", endpoints);
  q.at = c.reader.duration(p + "/at", sim::Duration{}, ScenarioLimits::kMaxUntil);
  q.label = c.label;
  const std::int64_t status = static_cast<std::int64_t>(c.reader.unsignedInteger(p + "/status", 0, 599));
  std::optional<std::string> reason;
  if (c.reader.has(p + "/reason")) reason = c.reader.string(p + "/reason", 200);
  out.summary = fmt::format("GET {}{} at {} answers {}{}", q.host, q.endpoint, sim::format(q.at), status,
                            reason ? " \"" + *reason + "\"" : std::string());
  out.probes.push_back(TimelineEntry{q.at, "endpoint", out.summary, q.label, [q](World& w) { probe(w, q); }});
  out.interest = sim::Interest().name(sim::RecordKind::Log, std::string(kEndpointRecord));
  out.check = [label = q.label, status, reason] { return std::make_unique<EndpointCheck>(label, status, reason); };
  out.evaluate = [label = q.label, status, reason](const std::vector<sim::Record>& records) {
    EndpointCheck check(label, status, reason);
    for (const sim::Record& r : records) check.observe(r);
    return check.finish(records.empty() ? sim::Time{} : records.back().at);
  };
}

}  // namespace agentsim::harness
