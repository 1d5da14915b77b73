// Timeline actions on the model's fault sites (sim/fault_site.hpp): a hold on what
// reaches a site (model/master/registrar.hpp: a registrar operation), and a firing site
// turned on (model/slave/fault_sites.hpp, as FoundationDB's BUGGIFY). The model reaches
// its sites; it does not know who holds or fires them.
#include <algorithm>

#include <fmt/format.h>

#include "harness/actions.hpp"
#include "harness/world.hpp"
#include "model/master/registrar.hpp"
#include "model/slave/fault_sites.hpp"

namespace agentsim::harness {

// fire_site: {"at", "fire_site": SITE, "probability": "N/D", "for": D} (the last two on
// the entry, beside the action).
void parseFireSite(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  std::vector<std::string_view> names;
  for (const sim::FaultSiteSpec& site : model::firingSites()) names.push_back(site.name);
  if (!c.reader.at(p).is_string()) {
    c.reader.fail(p, fmt::format("expected a firing fault site's name as a string, one of: {}; got {}",
                                 fmt::join(names, ", "), typeName(c.reader.at(p))));
  }
  const std::string name = c.reader.string(p, 100);
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    c.reader.fail(p, fmt::format("unknown firing fault site \"{}\"; expected one of: {}", name.substr(0, 60),
                                 fmt::join(names, ", ")));
  }
  const std::string entry = p.substr(0, p.rfind('/'));
  sim::SiteFire rule;
  rule.site = name;
  rule.label = c.label;
  if (c.reader.has(entry + "/probability")) rule.probability = probabilityArg(c, entry + "/probability");
  const std::optional<sim::Duration> window = forArg(c, entry + "/for");
  out.summary = fmt::format("fire {} with probability {}/{}{}", name, rule.probability.num, rule.probability.den,
                            window ? ", for " + sim::format(*window) : "");
  out.apply = [rule = std::move(rule), window](World& w) {
    const sim::SiteHoldId id = w.faultSites().fire(rule);
    endAfter(w, window, "end of fault", [&w, id] { w.faultSites().stopFiring(id); });
  };
}

// A hold on a fault site of the model: {site, <the site's attribute key>, count, for}.
void parseSiteHold(const ParseContext& c, const std::string& p, TimelineEntry& out) {
  if (!c.reader.at(p + "/site").is_string()) {
    c.reader.fail(p + "/site", fmt::format("expected a fault site's name as a string, e.g. \"{}\", got {}",
                                           model::kRegistrarApplySite, typeName(c.reader.at(p + "/site"))));
  }
  const std::string name = c.reader.string(p + "/site", 100);
  const sim::FaultSiteSpec* spec = nullptr;
  std::vector<std::string_view> names;
  // The master's holding sites, then the agent's.
  for (const auto* sites : {&model::faultSites(), &model::agentHoldSites()}) {
    for (const sim::FaultSiteSpec& site : *sites) {
      names.push_back(site.name);
      if (site.name == name) spec = &site;
    }
  }
  if (spec == nullptr) {
    c.reader.fail(p + "/site", fmt::format("unknown fault site \"{}\"; expected one of: {}", name.substr(0, 60),
                                           fmt::join(names, ", ")));
  }
  // Message-rule keys mean nothing to a site: say so rather than "unknown key".
  for (std::string_view k : {"message", "from", "to", "between_hosts", "probability"}) {
    if (c.reader.has(p + "/" + std::string(k))) {
      c.reader.failAtKey(p + "/" + std::string(k),
                         fmt::format("\"{}\" is a message rule's key; a hold with \"site\" holds what reaches the "
                                     "fault site {} and takes: site, {}, count, for",
                                     k, name, spec->key));
    }
  }
  c.reader.object(p, {"site", spec->key, "count", "for"});
  sim::SiteHold hold;
  hold.site = name;
  hold.label = c.label;
  const std::string key = Reader::child(p, spec->key);
  if (c.reader.has(key)) {
    if (!c.reader.at(key).is_string()) {
      c.reader.fail(key, fmt::format("expected a string naming the {}, one of: {}, got {}", spec->key,
                                     fmt::join(spec->values, ", "), typeName(c.reader.at(key))));
    }
    hold.value = c.reader.string(key, 100);
    if (std::find(spec->values.begin(), spec->values.end(), hold.value) == spec->values.end()) {
      c.reader.fail(key, fmt::format("unknown {} \"{}\" for fault site {}; expected one of: {}", spec->key,
                                     hold.value.substr(0, 60), name, fmt::join(spec->values, ", ")));
    }
  }
  if (c.reader.has(p + "/count")) hold.count = c.reader.unsignedInteger(p + "/count", 1, 1'000'000'000);
  const std::optional<sim::Duration> window = forArg(c, p + "/for");
  out.summary = fmt::format("hold {}{}{}{}", name, hold.value.empty() ? "" : fmt::format(" {} {}", spec->key, hold.value),
                            hold.count != 0 ? fmt::format(", first {}", hold.count) : "",
                            window ? ", for " + sim::format(*window) : "");
  out.apply = [hold = std::move(hold), window](World& w) {
    const sim::SiteHoldId id = w.faultSites().hold(hold);
    w.siteHolds()[hold.label] = id;
    endAfter(w, window, "end of fault", [&w, id] { w.faultSites().remove(id); });
  };
}

}  // namespace agentsim::harness
