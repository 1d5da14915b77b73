#include "harness/fuzz/judge.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <fmt/format.h>

#include "harness/fuzz/observer.hpp"
#include "harness/runner.hpp"

namespace agentsim::harness::fuzz {

namespace {

std::vector<CaseTarget> targetsOf(const Json& timeline, const std::vector<std::string>& agents) {
  std::vector<CaseTarget> out;
  for (const Json& e : timeline) {
    const std::string text = e.dump();
    CaseTarget t{familyOf(e), agents.empty() ? std::string() : agents.front()};
    for (const std::string& a : agents) {
      if (text.find('"' + a + '"') != std::string::npos) {
        t.agent = a;
        break;
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

bool everyFrameworkAcknowledges(const Scenario& s) {
  return std::none_of(s.frameworks.begin(), s.frameworks.end(), [](const FrameworkSpec& f) {
    return f.flags.acknowledge.kind == model::AcknowledgePolicy::Kind::NEVER;
  });
}

// The first violated rule, in a fixed order: limits, invariants, expectations, liveness.
void judge(const RunReport& report, const CaseObserver& observer, const JudgeOptions& options, Verdict& v) {
  auto fail = [&v](std::string rule, std::string evidence) {
    v.failed = true;
    v.rule = std::move(rule);
    v.evidence = std::move(evidence);
  };
  if (report.limitExceeded()) return fail("limit", report.stop.message);
  for (const InvariantResult& i : report.invariants) {
    if (!i.held) return fail(i.name, i.evidence);
  }
  if (options.expectations) {
    for (std::size_t i = 0; i < report.results.size(); ++i) {
      const auto& r = report.results[i];
      if (!r.outcome.held) return fail(fmt::format("expect[{}] {}", i, r.kind), r.outcome.evidence);
    }
  }
  if (std::string why = observer.livenessViolation(); !why.empty()) fail("liveness", std::move(why));
}

}  // namespace

std::string normalizedEvidence(const std::string& evidence) {
  std::string out;
  std::string word;
  auto flush = [&] {
    const bool digit = std::any_of(word.begin(), word.end(), [](unsigned char ch) { return std::isdigit(ch); });
    out += digit ? "#" : word;
    word.clear();
  };
  for (char ch : evidence) {
    if (std::isspace(static_cast<unsigned char>(ch)) || ch == ',' || ch == ':' || ch == '(' || ch == ')' ||
        ch == '[' || ch == ']' || ch == '=' || ch == '\'') {
      flush();
      out += ch;
    } else {
      word += ch;
    }
  }
  flush();
  return out.size() > 160 ? out.substr(0, 160) : out;
}

namespace {

// Runs a loaded case (`timeline`: its document's timeline, for the coverage table's targets).
Verdict judgeScenario(const Scenario& scenario, const Json& timeline, bool permuteTies, const JudgeOptions& options) {
  std::vector<std::string> agents;
  for (const AgentSpec& a : scenario.agents) agents.push_back(a.id);
  CaseObserver observer(targetsOf(timeline, agents), everyFrameworkAcknowledges(scenario), unadmittedAgents(scenario));
  RunOptions run;
  run.bug = options.bug;
  run.permute_ties = permuteTies;
  run.sinks.push_back(&observer);
  run.keep = sim::Interest();  // the checks and the observer stream; no record is kept
  const RunReport report = runScenario(scenario, run);
  Verdict v;
  v.events = report.events;
  v.exits = observer.exits();
  for (std::string& o : observer.livenessOutcomes()) v.exits.push_back(std::move(o));
  v.coverage = observer.coverage();
  v.sites = report.fault_sites;
  judge(report, observer, options, v);
  if (v.failed) v.signature = fmt::format("{} | {}", v.rule, normalizedEvidence(v.evidence));
  return v;
}

// The scenario caseDocument(c) loads to, built from the base's bare scenario (loaded
// once) and the case's own parts: its header, startup orders, `until` and timeline, the
// timeline's entries read one by one as loadScenarioText reads them. Only without
// expectations (their horizons depend on the timeline and `until`).
std::optional<Scenario> caseScenario(const Base& base, const FuzzCase& c, const Json& timeline) {
  Scenario s = *base.bare;
  const CaseHeader h = caseHeader(c);
  s.name = h.name;
  s.description = h.description;
  s.notes = h.notes;
  s.seed = c.seed;
  s.until = c.heal + c.bound;
  for (AgentSpec& a : s.agents) {
    const auto it = c.orders.find(a.id);
    if (it != c.orders.end()) a.options.order = it->second;
  }
  for (const Json& e : timeline) {
    auto entry = parseTimelineEntry(e.dump(), s, s.timeline.size());
    if (std::holds_alternative<LoadError>(entry)) return std::nullopt;
    s.timeline.push_back(std::move(std::get<TimelineEntry>(entry)));
  }
  return s;
}

}  // namespace

std::optional<Verdict> judgeDocument(const Json& doc, bool permuteTies, const JudgeOptions& options) {
  auto loaded = loadScenarioText(doc.dump(), "fuzz-case.json");
  if (std::holds_alternative<LoadError>(loaded)) return std::nullopt;
  return judgeScenario(std::get<Scenario>(loaded), doc.contains("timeline") ? doc.at("timeline") : Json::array(),
                       permuteTies, options);
}

Verdict judgeCase(const FuzzCase& c, const JudgeOptions& options) {
  CaseOptions co;
  co.expectations = options.expectations;
  auto v = judgeDocument(caseDocument(c, co), c.permute_ties, options);
  if (!v) throw std::runtime_error(fmt::format("fuzz case {} of {} does not load", c.seed, c.base.value("name", "")));
  return *v;
}

Verdict judgeCase(const Base& base, const FuzzCase& c, const JudgeOptions& options) {
  if (!base.bare || options.expectations) return judgeCase(c, options);
  const Json timeline = caseTimeline(c);
  const auto scenario = caseScenario(base, c, timeline);
  if (!scenario) throw std::runtime_error(fmt::format("fuzz case {} of {} does not load", c.seed, base.file));
  return judgeScenario(*scenario, timeline, c.permute_ties, options);
}

}  // namespace agentsim::harness::fuzz
