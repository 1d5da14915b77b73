#include "harness/agent_actions.hpp"

#include <fmt/format.h>

#include "harness/world.hpp"
#include "model/slave/main.hpp"
#include "sim/suggest.hpp"

namespace agentsim::harness {

model::SlaveFlags changedAgentFlags(const ParseContext& c, const std::string& p, const std::string& agent,
                                    std::string& changed) {
  model::SlaveFlags flags;
  for (const AgentSpec& a : c.scenario.agents) {
    if (a.id == agent) flags = a.flags;
  }
  const auto& v = c.reader.at(p);
  if (!v.is_object()) c.reader.fail(p, fmt::format("expected an object of flags, got {}", typeName(v)));
  for (const auto& [name, value] : v.items()) {
    const std::string fp = Reader::child(p, name);
    if (!model::slaveFlagTable().has(name)) {
      c.reader.failAtKey(fp, fmt::format("unknown flag \"{}\"{}; `agentsim flags` lists the modelled flags",
                                         name.substr(0, 60), sim::didYouMean(name, model::slaveFlagTable().names())));
    }
    const std::string text = c.reader.flagValue(fp);
    auto ok = model::slaveFlagTable().set(flags, name, text);
    if (ok.isError()) c.reader.fail(fp, ok.error());
    changed += fmt::format(" --{}={}", name, text);
  }
  return flags;
}

ActionKind rebootAgentAction() {
  return {"reboot_agent",
          "Reboot an agent's host (as restart: executors die, unsynced writes are lost, the boot id changes) and "
          "start its agent with changed flags, which later restarts keep. Value: {agent, flags}.",
          [](const ParseContext& c, const std::string& p, TimelineEntry& out) {
            c.reader.object(p, {"agent", "flags"}, {"agent", "flags"});
            const std::string id = agentHostArg(c, p + "/agent");
            std::string changed;
            const model::SlaveFlags flags = changedAgentFlags(c, p + "/flags", id, changed);
            out.summary = "reboot " + id + " and start its agent with" + changed;
            model::AgentOptions options;
            for (const AgentSpec& a : c.scenario.agents) {
              if (a.id == id) options = a.options;
            }
            out.apply = [id, flags, options, label = c.label](World& w) {
              sim::Host& h = w.host(id);
              h.startup = [flags, options](sim::Host& host) { (void)model::agentMain(host, flags, options); };
              w.sim().restart(h, label);
            };
          }};
}

}  // namespace agentsim::harness
