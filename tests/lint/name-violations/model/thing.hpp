// The declarations: written here, and only here.
inline constexpr std::string_view kThingStates[]{"IDLE", "BUSY"};
inline constexpr sim::StateMachine kThing{"Thing::State", kThingStates};
struct PokeMessage : sim::MessageOf<PokeMessage> {
  static constexpr std::string_view kName = "PokeMessage";
};
