#include "viz/startup_graph_render.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace agentsim::viz {

namespace {

using model::StartupGraphData;

std::string dotString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// Greedy word wrap to `width` columns, for text printed after a prefix as wide as
// `indent`: continuation lines start with `indent`, and every line, the first too,
// counts the indent's width.
std::string wrap(std::string_view text, std::size_t width, std::string_view indent) {
  std::string out;
  std::size_t column = indent.size();
  bool lineStart = true;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = text.find(' ', i);
    if (j == std::string_view::npos) j = text.size();
    const std::string_view word = text.substr(i, j - i);
    if (!lineStart && column + 1 + word.size() > width) {
      out += '\n';
      out += indent;
      column = indent.size();
      lineStart = true;
    }
    if (!lineStart) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    lineStart = false;
    i = j + 1;
  }
  return out;
}

std::map<std::string, std::size_t> positions(const StartupGraphData& g) {
  std::map<std::string, std::size_t> pos;
  for (std::size_t i = 0; i < g.order.size(); ++i) pos[g.order[i]] = i + 1;
  return pos;
}

std::vector<std::string> needsOf(const StartupGraphData& g, const std::string& step) {
  std::vector<std::string> out;
  for (const auto& e : g.edges) {
    if (e.to == step) out.push_back(e.from);
  }
  return out;
}

const model::StartupStepData* stepNamed(const StartupGraphData& g, const std::string& name) {
  for (const auto& s : g.steps) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::string title(const StartupGraphData& g) {
  return fmt::format("the startup of {} (src/slave/main.cpp, fn main; Mesos 1.1): {} steps, {}",
                     g.agent.empty() ? "an agent with default flags" : g.agent, g.steps.size(),
                     g.custom_order ? "in the scenario's order" : "in main.cpp's order");
}

}  // namespace

std::string renderStartupDot(const StartupGraphData& g) {
  const auto pos = positions(g);
  std::string out = "digraph startup {\n";
  out += fmt::format("  graph [label={}, labelloc=t, fontname=\"Helvetica\", fontsize=12, rankdir=LR, "
                     "nodesep=0.25, ranksep=0.45];\n",
                     dotString("agentsim: " + title(g) +
                               "\nan arrow: is needed to build (dashed: the flags, needed by every step); "
                               "orange: a step that can make the agent exit"));
  out += "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#eef3fb\", color=\"#4a6fa5\", "
         "fontname=\"Helvetica\", fontsize=10];\n";
  out += "  edge [color=\"#4a6fa5\", arrowsize=0.7];\n";
  for (const auto& name : g.order) {
    const model::StartupStepData* s = stepNamed(g, name);
    if (s == nullptr) continue;
    const std::string label =
        fmt::format("{}. {}\n{}\n[{}]", pos.at(name), s->name, wrap(s->builds, 44, ""), wrap(s->ref, 52, ""));
    const bool fails = !s->failures.empty();
    out += fmt::format("  {} [label={}, tooltip={}{}];\n", dotString(s->name), dotString(label), dotString(s->call),
                       fails ? ", fillcolor=\"#fbefe6\", color=\"#b5651d\"" : "");
  }
  for (const auto& e : g.edges) {
    const bool fromFlags = e.from == "flags";
    out += fmt::format("  {} -> {} [tooltip={}{}];\n", dotString(e.from), dotString(e.to), dotString(e.why),
                       fromFlags ? ", color=\"#c8c8c8\", style=dashed, arrowsize=0.5" : "");
  }
  out += "}\n";
  return out;
}

std::string renderStartupText(const StartupGraphData& g) {
  const auto pos = positions(g);
  std::string out = "agentsim graph: " + title(g) + "\n\n";
  out += "   #  step                   needs (every step also needs flags)\n";
  for (const auto& name : g.order) {
    const model::StartupStepData* s = stepNamed(g, name);
    if (s == nullptr) continue;
    std::vector<std::string> needs;
    for (const auto& n : needsOf(g, name)) {
      if (n != "flags") needs.push_back(n);
    }
    const std::string needText = needs.empty() ? "-" : fmt::format("{}", fmt::join(needs, ", "));
    out += fmt::format("  {:>2}  {:<22} {}\n", pos.at(name), s->name, wrap(needText, 98, std::string(29, ' ')));
    out += fmt::format("      builds: {}\n", wrap(s->builds, 98, std::string(14, ' ')));
    out += fmt::format("      [{}]\n", s->ref);
  }
  out += "\nedges (\"is needed to build\"; the flags' edges to every step are left out):\n";
  for (const auto& e : g.edges) {
    if (e.from == "flags") continue;
    out += fmt::format("  {:<22} -> {:<22} {}\n", e.from, e.to, e.why);
  }
  out += "\nnotes:\n";
  for (const auto& n : g.notes) out += "  - " + wrap(n, 96, "    ") + "\n";
  return out;
}

std::string renderStartupJson(const StartupGraphData& g) {
  nlohmann::ordered_json j;
  j["format"] = "agentsim-startup-graph";
  j["format_version"] = 1;
  j["agent"] = g.agent;
  j["order"] = g.order;
  j["custom_order"] = g.custom_order;
  j["steps"] = nlohmann::ordered_json::array();
  for (const auto& s : g.steps) {
    nlohmann::ordered_json step;
    step["name"] = s.name;
    step["call"] = s.call;
    step["ref"] = s.ref;
    step["builds"] = s.builds;
    step["about"] = s.about;
    step["flags"] = s.flags;
    step["processes"] = s.processes;
    step["failures"] = nlohmann::ordered_json::array();
    for (const auto& f : s.failures) step["failures"].push_back({{"when", f.when}, {"message", f.message}});
    j["steps"].push_back(std::move(step));
  }
  j["edges"] = nlohmann::ordered_json::array();
  for (const auto& e : g.edges) j["edges"].push_back({{"from", e.from}, {"to", e.to}, {"why", e.why}});
  j["notes"] = g.notes;
  return j.dump(2) + "\n";
}

sim::Try<StartupGraphData> readStartupJson(std::string_view text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return sim::Error{"not a JSON object"};
  if (j.value("format", "") != "agentsim-startup-graph" || j.value("format_version", 0) != 1) {
    return sim::Error{"not an agentsim-startup-graph, format_version 1"};
  }
  try {
    StartupGraphData g;
    g.agent = j.at("agent").get<std::string>();
    g.order = j.at("order").get<std::vector<std::string>>();
    g.custom_order = j.at("custom_order").get<bool>();
    for (const auto& s : j.at("steps")) {
      model::StartupStepData step;
      step.name = s.at("name").get<std::string>();
      step.call = s.at("call").get<std::string>();
      step.ref = s.at("ref").get<std::string>();
      step.builds = s.at("builds").get<std::string>();
      step.about = s.at("about").get<std::string>();
      step.flags = s.at("flags").get<std::vector<std::string>>();
      step.processes = s.at("processes").get<std::vector<std::string>>();
      for (const auto& f : s.at("failures")) {
        step.failures.push_back({f.at("when").get<std::string>(), f.at("message").get<std::string>()});
      }
      g.steps.push_back(std::move(step));
    }
    for (const auto& e : j.at("edges")) {
      g.edges.push_back({e.at("from").get<std::string>(), e.at("to").get<std::string>(), e.at("why").get<std::string>()});
    }
    g.notes = j.at("notes").get<std::vector<std::string>>();
    return g;
  } catch (const nlohmann::json::exception& e) {
    return sim::Error{std::string("malformed startup graph: ") + e.what()};
  }
}

std::string renderStartupExplain(const StartupGraphData& g) {
  const auto pos = positions(g);
  std::string out = "agentsim explain: " + title(g) + "\n\n";
  out += wrap("main() builds every component of the agent before it spawns the Slave, each from what the earlier "
              "steps built. An arrow of `agentsim graph` is \"is needed to build\"; every step needs the flags. "
              "When a step fails, main() prints the message below and the agent exits with status 1.",
              92, "") +
         "\n";
  const std::string pad = "              ";
  for (const auto& name : g.order) {
    const model::StartupStepData* s = stepNamed(g, name);
    if (s == nullptr) continue;
    out += fmt::format("\nStep {} of {}: {}\n", pos.at(name), g.order.size(), s->name);
    out += fmt::format("  Mesos:      {}\n", wrap(s->call, 92, pad));
    out += fmt::format("  Source:     {}\n", s->ref);
    out += fmt::format("  Builds:     {}\n", wrap(s->builds, 92, pad));
    std::vector<std::string> needs;
    for (const auto& e : g.edges) {
      if (e.to == name) needs.push_back(fmt::format("{} ({})", e.from, e.why));
    }
    if (needs.empty()) {
      out += "  Needs:      nothing: it comes first\n";
    } else {
      out += "  Needs:      " + wrap(needs.front(), 92, pad) + "\n";
      for (std::size_t i = 1; i < needs.size(); ++i) out += pad + wrap(needs[i], 92, pad) + "\n";
    }
    if (!s->flags.empty()) {
      std::vector<std::string> flags;
      for (const auto& f : s->flags) flags.push_back("--" + f);
      out += fmt::format("  Reads:      {}\n", wrap(fmt::format("{}", fmt::join(flags, ", ")), 92, pad));
    }
    if (!s->processes.empty()) out += fmt::format("  Spawns:     {}\n", fmt::join(s->processes, ", "));
    out += fmt::format("  Why:        {}\n", wrap(s->about, 92, pad));
    if (s->failures.empty()) {
      out += "  Can fail:   no (not in agentsim's model)\n";
    } else {
      for (std::size_t i = 0; i < s->failures.size(); ++i) {
        out += fmt::format("{}if {}:\n", i == 0 ? "  Can fail:   " : pad, wrap(s->failures[i].when, 92, pad + "   "));
        out += pad + "  " + s->failures[i].message + "\n";  // exact, unwrapped
      }
    }
  }
  out += "\nNot in the graph:\n";
  for (const auto& n : g.notes) out += "  - " + wrap(n, 90, "    ") + "\n";
  return out;
}

}  // namespace agentsim::viz
