// A fixture that breaks the determinism rules on purpose: tools/check-determinism must
// reject it (tests/meson.build runs it with should_fail). Never compiled.
#include <chrono>
auto now = std::chrono::steady_clock::now();
