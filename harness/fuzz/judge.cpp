#include "harness/fuzz/judge.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <fmt/format.h>

#include "harness/fuzz/observer.hpp"
#include "harness/runner.hpp"

namespace agentsim::harness::fuzz {

namespace {

std::vector<CaseTarget> targetsOf(const Json& doc, const std::vector<std::string>& agents) {
  std::vector<CaseTarget> out;
  if (!doc.contains("timeline")) return out;
  for (const Json& e : doc.at("timeline")) {
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

std::optional<Verdict> judgeDocument(const Json& doc, bool permuteTies, const JudgeOptions& options) {
  auto loaded = loadScenarioText(doc.dump(), "fuzz-case.json");
  if (std::holds_alternative<LoadError>(loaded)) return std::nullopt;
  const Scenario& scenario = std::get<Scenario>(loaded);
  std::vector<std::string> agents;
  for (const AgentSpec& a : scenario.agents) agents.push_back(a.id);
  CaseObserver observer(targetsOf(doc, agents), everyFrameworkAcknowledges(scenario));
  RunOptions run;
  run.bug = options.bug;
  run.permute_ties = permuteTies;
  run.sinks.push_back(&observer);
  run.keep = sim::Interest();  // the checks and the observer stream; no record is kept
  const RunReport report = runScenario(scenario, run);
  Verdict v;
  v.events = report.events;
  v.exits = observer.exits();
  v.coverage = observer.coverage();
  v.sites = report.fault_sites;
  judge(report, observer, options, v);
  if (v.failed) v.signature = fmt::format("{} | {}", v.rule, normalizedEvidence(v.evidence));
  return v;
}

Verdict judgeCase(const FuzzCase& c, const JudgeOptions& options) {
  CaseOptions co;
  co.expectations = options.expectations;
  auto v = judgeDocument(caseDocument(c, co), c.permute_ties, options);
  if (!v) throw std::runtime_error(fmt::format("fuzz case {} of {} does not load", c.seed, c.base.value("name", "")));
  return *v;
}

}  // namespace agentsim::harness::fuzz
