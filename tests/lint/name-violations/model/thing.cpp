// A comment may say "Thing::State" and "PokeMessage".
void Thing::busy() {
  emit(sim::RecordKind::State, this, host(), "Thing::State", {{"state", "BUSY"}});  // planted
  traceState(machines::kThing, "BUSY");                                             // allowed
  send(master_, "PokeMessage");                                                     // planted
  send(master_, PokeMessage::kName);                                                // allowed
}
std::string_view Thing::name() const { return "Thing::State"; }  // names the class
const char* kRule = "thing_rule";  // a harness rule's name: the model cannot include the harness
