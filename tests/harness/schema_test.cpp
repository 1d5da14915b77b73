// scenarios/schema.json must say what the loader enforces. The loader's key lists are
// read back from its own "unknown key" errors, so neither side can drift alone.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/scenario.hpp"
#include "harness/tables.hpp"
#include "model/common/flags.hpp"
#include "model/messages/messages.hpp"
#include "model/master/registrar.hpp"
#include "model/common/task_state.hpp"
#include "model/common/task_status_reason.hpp"
#include "model/slave/fault_sites.hpp"
#include "model/slave/slave.hpp"
#include "model/state_machines.hpp"
#include "model/zookeeper/messages.hpp"

#ifndef AGENTSIM_SCHEMA
#error "AGENTSIM_SCHEMA must name scenarios/schema.json (set in tests/harness/meson.build)"
#endif

namespace {

using Names = std::set<std::string>;
using nlohmann::json;

const json& schema() {
  static const json s = [] {
    std::ifstream in(AGENTSIM_SCHEMA);
    REQUIRE_MESSAGE(in.good(), "cannot open " << AGENTSIM_SCHEMA);
    return json::parse(in);
  }();
  return s;
}

const json& def(const std::string& name) {
  const json& defs = schema().at("$defs");
  REQUIRE_MESSAGE(defs.contains(name), "schema has no $defs/" << name);
  return defs.at(name);
}

Names keysOf(const json& object) {
  Names out;
  for (const auto& [key, value] : object.items()) out.insert(key);
  return out;
}

Names propertiesOf(const json& schemaObject) {
  REQUIRE(schemaObject.contains("properties"));
  CHECK(schemaObject.at("additionalProperties") == false);
  return keysOf(schemaObject.at("properties"));
}

// The keys named in a oneOf of { "required": [k] } branches: "exactly one of these".
Names exactlyOneOf(const json& schemaObject) {
  Names out;
  for (const auto& branch : schemaObject.at("oneOf")) {
    REQUIRE(branch.at("required").size() == 1);
    out.insert(branch.at("required").at(0).get<std::string>());
  }
  return out;
}

Names enumOf(const json& schemaValue) {
  Names out;
  for (const auto& v : schemaValue.at("enum")) out.insert(v.get<std::string>());
  return out;
}

std::string loadError(const std::string& text) {
  auto loaded = agentsim::harness::loadScenarioText(text, "schema-probe.json");
  const auto* err = std::get_if<agentsim::harness::LoadError>(&loaded);
  REQUIRE_MESSAGE(err != nullptr, "expected an error for " << text);
  return err->message;
}

// The keys the loader allows where `text` has a key "zz_unknown": read from the
// error's "expected one of: a, b, c".
Names loaderKeys(const std::string& text) {
  const std::string message = loadError(text);
  CAPTURE(message);
  REQUIRE(message.rfind("unknown key \"zz_unknown\"", 0) == 0);
  const std::string marker = "expected one of: ";
  const auto at = message.find(marker);
  REQUIRE(at != std::string::npos);
  Names out;
  std::string rest = message.substr(at + marker.size());
  for (std::size_t start = 0;;) {
    const auto comma = rest.find(", ", start);
    out.insert(rest.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
  return out;
}

const std::string kCluster = R"("cluster": { "agents": 1 })";

std::string withTimeline(const std::string& entry) {
  return R"({ "name": "probe", )" + kCluster + R"(, "timeline": [ )" + entry + " ] }";
}

std::string withExpect(const std::string& entry) {
  return R"({ "name": "probe", )" + kCluster + R"(, "expect": [ )" + entry + " ] }";
}

}  // namespace

TEST_CASE("the schema is a draft 2020-12 schema that forbids unknown keys at the top") {
  CHECK(schema().at("$schema") == "https://json-schema.org/draft/2020-12/schema");
  CHECK(schema().at("type") == "object");
  CHECK(schema().at("additionalProperties") == false);
  CHECK(schema().at("required") == json::array({"name", "cluster"}));
  CHECK(def("duration").at("pattern") == "^-?[0-9]+(\\.[0-9]+)?(ns|us|ms|secs|mins|hrs|days|weeks)$");
}

TEST_CASE("schema and loader agree on the keys of every object") {
  CHECK(propertiesOf(schema()) == loaderKeys(R"({ "zz_unknown": 1 })"));
  const json& props = schema().at("properties");
  CHECK(propertiesOf(props.at("cluster")) == loaderKeys(R"({ "name": "p", "cluster": { "zz_unknown": 1 } })"));
  CHECK(propertiesOf(props.at("network")) ==
        loaderKeys(R"({ "name": "p", "network": { "zz_unknown": 1 }, "cluster": { "agents": 1 } })"));
  CHECK(propertiesOf(def("master")) ==
        loaderKeys(R"({ "name": "p", "cluster": { "masters": [ { "zz_unknown": 1 } ], "agents": 1 } })"));
  CHECK(propertiesOf(def("agent")) ==
        loaderKeys(R"({ "name": "p", "cluster": { "agents": [ { "zz_unknown": 1 } ] } })"));
  CHECK(propertiesOf(def("timelineEntry")) == loaderKeys(withTimeline(R"({ "zz_unknown": 1 })")));
  CHECK(propertiesOf(def("expectation")) == loaderKeys(withExpect(R"({ "zz_unknown": 1 })")));
}

TEST_CASE("the schema's action kinds are harness::actionKinds()") {
  Names kinds;
  for (const auto& k : agentsim::harness::actionKinds()) kinds.emplace(k.name);
  Names entry = propertiesOf(def("timelineEntry"));
  entry.erase("at");
  entry.erase("note");
  entry.erase("probability");  // fire_site's, beside the action
  entry.erase("for");
  CHECK(entry == kinds);
  CHECK(exactlyOneOf(def("timelineEntry")) == kinds);

  // An action that takes an object lists the same argument keys in both places; one
  // that takes a string or an array is not an object in the schema either. An action
  // that takes either (restart_agent: an agent, or {agent, flags}) has the object as a
  // branch of its oneOf. hold has two object branches, told apart by "site" (a fault
  // site's hold requires it): its message rule is the branch without it.
  const json& actions = def("timelineEntry").at("properties");
  const auto objectForm = [](const json& argument) -> const json* {
    if (argument.contains("type")) return argument.at("type") == "object" ? &argument : nullptr;
    if (!argument.contains("oneOf")) return nullptr;
    const json* found = nullptr;
    for (const auto& branch : argument.at("oneOf")) {
      const bool siteHold = branch.contains("required") && branch.at("required") == json{"site"};
      if (branch.contains("type") && branch.at("type") == "object" && !siteHold) {
        CHECK_MESSAGE(found == nullptr, "one object branch at most");
        found = &branch;
      }
    }
    return found;
  };
  for (const auto& kind : kinds) {
    CAPTURE(kind);
    const std::string probe = withTimeline(R"({ "at": "0secs", ")" + kind + R"(": { "zz_unknown": 1 } })");
    const json& argument = actions.at(kind);
    const json* object = objectForm(argument);
    if (loadError(probe).find("unknown key") != std::string::npos) {
      REQUIRE_MESSAGE(object != nullptr, kind << " takes an object in the loader but not in the schema");
      CHECK(propertiesOf(*object) == loaderKeys(probe));
    } else {
      CHECK(object == nullptr);
      CHECK_FALSE(argument.contains("properties"));
    }
  }
  // hold's other branch: a fault site's hold, {site, operation, count, for}, whose site
  // and operation names are the model's.
  {
    const json& site = actions.at("hold").at("oneOf").at(1);
    CHECK(site.at("required") == json{"site"});
    // One schema object for every site: its keys are the union of each site's.
    Names keys = loaderKeys(withTimeline(R"({ "at": "0secs", "hold": { "site": "Registrar::apply", "zz_unknown": 1 } })"));
    keys.merge(loaderKeys(withTimeline(R"({ "at": "0secs", "hold": { "site": "RateLimiter::acquire", "zz_unknown": 1 } })")));
    keys.merge(loaderKeys(withTimeline(R"({ "at": "0secs", "hold": { "site": "Containerizer::launch", "zz_unknown": 1 } })")));
    keys.merge(loaderKeys(withTimeline(R"({ "at": "0secs", "hold": { "site": "Containerizer::destroy", "zz_unknown": 1 } })")));
    CHECK(propertiesOf(site) == keys);
    Names sites;
    for (const auto& f : agentsim::model::faultSites()) sites.emplace(f.name);
    for (const auto& f : agentsim::model::agentHoldSites()) sites.emplace(f.name);
    CHECK(enumOf(site.at("properties").at("site")) == sites);
    Names operations;
    for (auto o : agentsim::model::registryOperationNames()) operations.emplace(o);
    CHECK(enumOf(site.at("properties").at("operation")) == operations);
    Names callers;
    for (auto c : agentsim::model::rateLimiterCallers()) callers.emplace(c);
    for (auto c : agentsim::model::authorizerCallers()) callers.emplace(c);
    for (auto c : agentsim::model::unscheduleCallers()) callers.emplace(c);
    for (auto c : agentsim::model::containerizerUpdateCallers()) callers.emplace(c);
    CHECK(enumOf(site.at("properties").at("caller")) == callers);
    Names executors;
    for (auto e : agentsim::model::containerizerLaunchExecutors()) executors.emplace(e);
    CHECK(enumOf(site.at("properties").at("executor")) == executors);
  }
  // restart_agent takes a bare agent too, as the loader does.
  CHECK(actions.at("restart_agent").at("oneOf").at(0) == json{{"$ref", "#/$defs/identifier"}});
}

TEST_CASE("the schema's expectation kinds are harness::expectationKinds()") {
  Names kinds;
  for (const auto& k : agentsim::harness::expectationKinds()) kinds.emplace(k.name);
  Names entry = propertiesOf(def("expectation"));
  entry.erase("note");
  CHECK(entry == kinds);
  CHECK(exactlyOneOf(def("expectation")) == kinds);

  const json& expectations = def("expectation").at("properties");
  for (const auto& kind : kinds) {
    CAPTURE(kind);
    const std::string probe = withExpect(R"({ ")" + kind + R"(": { "zz_unknown": 1 } })");
    CHECK(propertiesOf(expectations.at(kind)) == loaderKeys(probe));
  }
}

TEST_CASE("the schema's flag, message and state names are the model's") {
  const auto names = [](const std::vector<std::string>& v) { return Names(v.begin(), v.end()); };
  // An agent flag of another name is Mesos's load error (the agent exits), not the schema's.
  CHECK(keysOf(def("agentFlags").at("properties")) == names(agentsim::model::slaveFlagTable().names()));
  CHECK(def("agentFlags").at("additionalProperties").at("$ref") == "#/$defs/flagValue");
  CHECK(propertiesOf(def("masterFlags")) == names(agentsim::model::masterFlagTable().names()));

  Names messages;
  for (auto m : agentsim::model::mesosMessageNames()) messages.emplace(m);
  for (auto m : agentsim::model::zk::messageNames()) messages.emplace(m);
  CHECK(enumOf(def("messageName")) == messages);

  const json& expectations = def("expectation").at("properties");
  const auto all = [](auto list) {
    Names out;
    for (std::string_view n : list) out.emplace(n);
    return out;
  };
  CHECK(enumOf(expectations.at("agent_state").at("properties").at("state")) ==
        all(agentsim::model::machines::kSlave.states));
  Names machines;
  for (const auto* m : agentsim::model::stateMachines()) machines.emplace(m->name);
  CHECK(enumOf(expectations.at("state").at("properties").at("machine")) == machines);
  CHECK(enumOf(expectations.at("task_state").at("properties").at("reason")) ==
        all(agentsim::model::kTaskStatusReasonNames));
  CHECK(enumOf(expectations.at("task_state").at("properties").at("source")) ==
        all(agentsim::model::kTaskStatusSourceNames));
  CHECK(enumOf(expectations.at("registry_operations").at("properties").at("operation")) ==
        all(agentsim::model::kRegistryOperationNames));
}

TEST_CASE("the schema's task states are the model's TaskState names") {
  Names states;
  for (int i = 0; i <= static_cast<int>(agentsim::model::TaskState::TASK_UNKNOWN); ++i) {
    states.emplace(agentsim::model::toString(static_cast<agentsim::model::TaskState>(i)));
  }
  CHECK(enumOf(def("taskState")) == states);
  // The states a task's "end" may name are terminal ones the loader accepts.
  const std::string e = loadError(
      R"({ "name": "p", "cluster": { "agents": 1 }, "frameworks": [ { "id": "f", "tasks": [ { "id": "t", )"
      R"("agent": "agent-1", "run_time": "1secs", "end": "zz" } ] } ] })");
  const std::string marker = "one of ";
  const auto at = e.find(marker);
  REQUIRE(at != std::string::npos);
  const std::string list = e.substr(at + marker.size(), e.find(", got") - at - marker.size());
  Names ends;
  for (std::size_t start = 0;;) {
    const auto comma = list.find(", ", start);
    ends.insert(list.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
  CHECK(enumOf(def("task").at("properties").at("end")) == ends);
}

TEST_CASE("schema and loader agree on the keys of frameworks, tasks, executors and task updates") {
  const std::string head = R"({ "name": "p", "cluster": { "agents": 1 }, "frameworks": [ )";
  CHECK(propertiesOf(def("framework")) == loaderKeys(head + R"({ "id": "f", "zz_unknown": 1 } ] })"));
  CHECK(propertiesOf(def("task")) ==
        loaderKeys(head + R"({ "id": "f", "tasks": [ { "id": "t", "agent": "agent-1", "zz_unknown": 1 } ] } ] })"));
  CHECK(propertiesOf(def("executor")) ==
        loaderKeys(head + R"({ "id": "f", "tasks": [ { "id": "t", "agent": "agent-1", )"
                          R"("executor": { "id": "e", "zz_unknown": 1 } } ] } ] })"));
  CHECK(propertiesOf(def("taskUpdate").at("oneOf").at(1)) ==
        loaderKeys(head + R"({ "id": "f", "tasks": [ { "id": "t", "agent": "agent-1", )"
                          R"("updates": [ { "state": "TASK_RUNNING", "zz_unknown": 1 } ] } ] } ] })"));
}

TEST_CASE("schema and loader agree on the keys of an agent's modules, acls and disk") {
  const auto agent = [](const std::string& fields) {
    return R"({ "name": "p", "cluster": { "agents": [ { "id": "agent-1", )" + fields + " } ] } }";
  };
  const json& props = def("agent").at("properties");
  CHECK(props.at("modules").at("type") == "array");
  CHECK(propertiesOf(props.at("modules").at("items")) ==
        loaderKeys(agent(R"("modules": [ { "name": "m", "zz_unknown": 1 } ])")));
  CHECK(propertiesOf(props.at("acls")) == loaderKeys(agent(R"("acls": { "zz_unknown": 1 })")));
  CHECK(propertiesOf(props.at("acls").at("properties").at("run_tasks").at("items")) ==
        loaderKeys(agent(R"("acls": { "run_tasks": [ { "zz_unknown": 1 } ] })")));
  CHECK(propertiesOf(def("aclEntity")) ==
        loaderKeys(agent(R"("acls": { "run_tasks": [ { "principals": { "zz_unknown": 1 }, "users": { "type": "ANY" } } ] })")));
  CHECK(exactlyOneOf(def("aclEntity")) == Names{"values", "type"});
  CHECK(enumOf(def("aclEntity").at("properties").at("type")) == Names{"ANY", "NONE"});
  CHECK(propertiesOf(props.at("disk")) == loaderKeys(agent(R"("disk": { "zz_unknown": 1 })")));
  // fill_disk takes exactly one of usage and bytes; load not both of over and for.
  const json& actions = def("timelineEntry").at("properties");
  CHECK(exactlyOneOf(actions.at("fill_disk")) == Names{"usage", "bytes"});
  CHECK(actions.at("load").at("not") == json{{"required", {"over", "for"}}});
}
