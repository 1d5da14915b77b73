struct ThingRule {
  static constexpr std::string_view kName = "thing_rule";  // a rule's name, not a message's
  inline static constexpr sim::StateMachine kCall{"Call", kCallStates};
  void observe(const sim::Record& r) {
    if (r.name == "Thing::State") seen();  // planted
    if (r.name == "Call") seen();          // planted: the harness's own machine
    if (r.name == model::machines::kThing.name) seen();
  }
};
