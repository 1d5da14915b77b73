#include "sim/fault_site.hpp"

#include "sim/process.hpp"
#include "sim/simulation.hpp"

namespace agentsim::sim {

FaultSites::FaultSites(Simulation& sim) : sim_(sim) {}

SiteHoldId FaultSites::hold(SiteHold hold) {
  const SiteHoldId id = next_++;
  holds_[id] = ActiveHold{std::move(hold), 0, {}};
  return id;
}

std::size_t FaultSites::release(SiteHoldId id) {
  auto it = holds_.find(id);
  if (it == holds_.end()) return 0;
  std::vector<Parked> parked = std::move(it->second.parked);
  it->second.parked.clear();
  const std::string label = it->second.hold.label;
  for (Parked& p : parked) {
    Process* owner = sim_.process(p.owner);
    if (owner == nullptr || owner->binding() != p.binding || !owner->alive()) {
      trace(nullptr, std::string(p.owner.host()), "discard", p, label,
            {{"process", std::string(p.owner.id())}, {"reason", "its process is gone"}});
      continue;
    }
    trace(owner, std::string(p.owner.host()), "release", p, label);
    owner->dispatch(p.function, std::move(p.continuation));
  }
  return parked.size();
}

void FaultSites::remove(SiteHoldId id) {
  release(id);
  holds_.erase(id);
}

void FaultSites::count(std::string_view site) {
  auto it = reached_.find(site);
  if (it == reached_.end()) it = reached_.emplace(std::string(site), 0).first;
  ++it->second;
}

void FaultSites::reached(const Process& owner, std::string_view site, std::string_view what) {
  count(site);
  if (!record_reaches_ || !sim_.trace().enabled()) return;
  Fields f{{"site", std::string(site)}};
  if (!what.empty()) f.push_back({"what", std::string(what)});
  sim_.emit(RecordKind::Fault, &owner, owner.self().host(), "reach", std::move(f), "");
}

SiteHoldId FaultSites::fire(SiteFire rule) {
  const SiteHoldId id = next_++;
  if (!rng_) rng_.emplace(sim_.rng("fault-sites"));
  firing_[id] = std::move(rule);
  return id;
}

void FaultSites::stopFiring(SiteHoldId id) { firing_.erase(id); }

bool FaultSites::fires(const Process& owner, std::string_view site, std::string_view what) {
  reached(owner, site, what);
  for (const auto& [id, rule] : firing_) {
    if (rule.site != site) continue;
    if (!rng_->chance(rule.probability)) return false;
    if (sim_.trace().enabled()) {
      Fields f{{"site", std::string(site)}, {"label", rule.label}};
      if (!what.empty()) f.push_back({"what", std::string(what)});
      sim_.emit(RecordKind::Fault, &owner, owner.self().host(), "fire", std::move(f), "");
    }
    return true;
  }
  return false;
}

void FaultSites::reach(Process& owner, std::string_view site,
                       std::pair<std::string_view, std::string_view> attribute, std::string_view function,
                       std::function<void()> continuation, bool counted) {
  // `counted` false: the model counted this reach already (a firing site's fires()).
  if (counted) reached(owner, site, attribute.second);
  for (auto& [id, active] : holds_) {
    const SiteHold& h = active.hold;
    if (h.site != site || (!h.value.empty() && h.value != attribute.second)) continue;
    if (h.count != 0 && active.matched >= h.count) continue;
    ++active.matched;
    Parked p{owner.self(),
             owner.binding(),
             std::string(site),
             std::string(attribute.first),
             std::string(attribute.second),
             function,
             std::move(continuation)};
    trace(&owner, std::string(p.owner.host()), "hold", p, h.label);
    active.parked.push_back(std::move(p));
    return;
  }
  continuation();
}

std::size_t FaultSites::parked() const {
  std::size_t n = 0;
  for (const auto& [id, active] : holds_) n += active.parked.size();
  return n;
}

void FaultSites::trace(const Process* owner, const std::string& host, std::string_view what, const Parked& p,
                       const std::string& label, Fields extra) {
  if (!sim_.trace().enabled()) return;
  Fields f{{"site", p.site}, {p.key, p.value}, {"label", label}};
  for (Field& e : extra) f.push_back(std::move(e));
  sim_.emit(RecordKind::Fault, owner, host, std::string(what), std::move(f), "");
}

}  // namespace agentsim::sim
