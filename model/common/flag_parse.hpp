#pragma once
// stout's flag parsing as Mesos 1.1's loader applies it (3rdparty/stout/include/stout/
// flags/parse.hpp, flags.hpp FlagsBase::load): for each type of flag, whether a value
// loads, and stout's error text when it does not. The model's own parsers (sim's
// Duration, Decimal, Bytes) decide what agentsim can simulate; these decide what Mesos
// refuses (the agent exits at its flags step, docs/startup.md).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agentsim::model::stout {

// Duration::parse (stout/duration.hpp): digits and '.' as numify<double>, then a unit.
std::optional<std::string> durationError(std::string_view text);
// Bytes::parse (stout/bytes.hpp): digits as numify<uint64_t>, then B, KB, MB, GB, TB in
// any case.
std::optional<std::string> bytesError(std::string_view text);
// parse<bool> (stout/flags/parse.hpp): true, 1, false, 0.
std::optional<std::string> boolError(std::string_view text);
// The generic parse<T> for an unsigned T of largest value `max`: `istringstream >> t`
// (libstdc++'s num_get: leading blanks, a sign, decimal digits, no overflow) read to the
// end.
std::optional<std::string> unsignedError(std::string_view text, std::uint64_t max);
// The generic parse<double>: `istringstream >> d` read to the end (no inf, nan, hex).
std::optional<std::string> doubleError(std::string_view text);

}  // namespace agentsim::model::stout
