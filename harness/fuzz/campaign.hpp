#pragma once
// A fuzz campaign (docs/fuzzing.md): the cases of seeds 1..N of each base scenario (or
// one shard's share of them), judged, folded into a summary that does not depend on the
// order the cases ran in, so jobs and shards merge into what one unsharded run gives.
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "harness/fuzz/case.hpp"
#include "harness/fuzz/judge.hpp"

namespace agentsim::harness::fuzz {

struct CampaignOptions {
  std::uint64_t seeds = 0;      // cases 1..seeds of each scenario
  std::uint64_t shard = 1;      // this shard, 1..shards: the cases whose index is shard-1 mod shards
  std::uint64_t shards = 1;
  bool faults = true;
  JudgeOptions judge;
};

// A distinct failure: its signature, how often it came, and its fastest-failing case.
struct Group {
  std::string signature;
  std::string scenario;  // the base scenario's file
  std::string rule;
  std::string evidence;
  std::uint64_t seed = 0;    // the fastest-failing case (fewest events; then lowest seed)
  std::uint64_t events = 0;
  std::uint64_t count = 0;
};

struct Summary {
  std::vector<std::string> scenarios;  // base files, in the order given
  CampaignOptions options;
  std::set<std::uint64_t> shardsSeen;  // which shards this summary holds
  std::uint64_t cases = 0;
  std::uint64_t failed = 0;
  std::map<std::string, Group> groups;           // by signature
  // "step: message" of startup errors, and of agents Mesos leaves unregistered -> cases
  std::map<std::string, std::uint64_t> outcomes;
  // "scenario agent" -> the graph's exact number of topological orders, and the
  // distinct orders run (by hash).
  std::map<std::string, std::string> orderCounts;
  std::map<std::string, std::set<std::uint64_t>> ordersRun;
  std::map<std::pair<std::string, std::string>, std::uint64_t> coverage;  // (family, phase) -> hits
  std::map<std::string, std::uint64_t> sites;                            // fault site -> reaches

  void add(const std::string& scenario, const FuzzCase& c, const Verdict& v);
  void merge(const Summary& other);
  Json toJson() const;
  // Reads what toJson wrote; an error text when it is not such a summary.
  static std::variant<Summary, std::string> fromJson(const Json& j);
};

// The cases of this shard, in order: (scenario index, seed).
std::vector<std::pair<std::size_t, std::uint64_t>> shardCases(std::size_t scenarios, const CampaignOptions& o);

// Runs the given cases and folds them into a summary. `progress` is called after each
// case; returning false stops the campaign (the time budget).
Summary runCases(const std::vector<Base>& bases, const CampaignOptions& options,
                 const std::vector<std::pair<std::size_t, std::uint64_t>>& cases,
                 const std::function<bool(const Summary&)>& progress);

// The exact counts of topological orders of each agent's startup graph.
void countOrders(const std::vector<Base>& bases, Summary& summary);

}  // namespace agentsim::harness::fuzz
