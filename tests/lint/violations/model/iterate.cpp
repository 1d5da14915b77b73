// A fixture that breaks the determinism rules on purpose (see ../sim/clock.cpp).
#include <unordered_map>
std::unordered_map<int, int> tasks;
