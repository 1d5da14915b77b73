// stout's flag parsing as Mesos 1.1's loader applies it (model/common/flag_parse.hpp),
// and FlagsBase::load for an agent flag (model::loadAgentFlag): what Mesos refuses is
// kept for the agent's flags step, what agentsim cannot simulate is an error.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "model/common/flag_parse.hpp"
#include "model/common/flags.hpp"

using namespace agentsim;
namespace stout = model::stout;

TEST_CASE("Duration::parse: digits and dots as numify<double>, then one of the eight units") {
  for (const char* ok : {"1secs", "1.5mins", ".5secs", "1.secs", "0ns", "2weeks", "10days", "3hrs", "5us", "7ms"}) {
    CHECK_MESSAGE(!stout::durationError(ok), ok);
  }
  CHECK(stout::durationError("abc") == std::optional<std::string>("Failed to convert '' to number"));
  CHECK(stout::durationError("-1secs") == std::optional<std::string>("Failed to convert '' to number"));
  CHECK(stout::durationError("1.2.3secs") == std::optional<std::string>("Failed to convert '1.2.3' to number"));
  CHECK(stout::durationError(".secs") == std::optional<std::string>("Failed to convert '.' to number"));
  CHECK(stout::durationError("5") == std::optional<std::string>("Invalid duration '5'"));
  CHECK(stout::durationError("") == std::optional<std::string>("Invalid duration ''"));
  CHECK(stout::durationError("1weeks ") ==
        std::optional<std::string>("Unknown duration unit 'weeks '; supported units are 'ns', 'us', 'ms', 'secs', "
                                   "'mins', 'hrs', 'days', and 'weeks'"));
  CHECK(stout::durationError("1week").has_value());
  CHECK(stout::durationError("1s").has_value());
}

TEST_CASE("Bytes::parse: digits as numify<uint64_t>, a unit in any case, no fraction") {
  for (const char* ok : {"2GB", "2gb", "512mB", "1B", "0TB", "18446744073709551615B"}) {
    CHECK_MESSAGE(!stout::bytesError(ok), ok);
  }
  CHECK(stout::bytesError("1.5GB") == std::optional<std::string>("Fractional bytes '1.5GB'"));
  CHECK(stout::bytesError("100") == std::optional<std::string>("Invalid bytes '100'"));
  CHECK(stout::bytesError("GB") == std::optional<std::string>("Failed to convert '' to number"));
  CHECK(stout::bytesError("18446744073709551616B") ==
        std::optional<std::string>("Failed to convert '18446744073709551616' to number"));
  CHECK(stout::bytesError("2gib") == std::optional<std::string>("Unknown bytes unit 'GIB'"));
  // agentsim's own parser now takes the unit in any case too.
  CHECK(model::parseBytes("2gb").get().bytes == 2 * model::kGigabyte);
}

TEST_CASE("parse<bool>, parse<uint16_t>, parse<double>: stout's generic `istringstream >>` read to the end") {
  for (const char* ok : {"true", "false", "1", "0"}) CHECK(!stout::boolError(ok));
  CHECK(stout::boolError("yes") == std::optional<std::string>("Expecting a boolean (e.g., true or false)"));
  CHECK(stout::boolError("True").has_value());

  CHECK(!stout::unsignedError("5051", 65535));
  CHECK(!stout::unsignedError(" 80", 65535));  // skipws
  CHECK(!stout::unsignedError("+80", 65535));
  CHECK(!stout::unsignedError("-1", 65535));   // num_get wraps an unsigned: 65535
  CHECK(!stout::unsignedError("65535", 65535));
  for (const char* bad : {"65536", "x", "", "80 ", "0x50", "-", "5051a"}) {
    CHECK_MESSAGE(stout::unsignedError(bad, 65535) == std::optional<std::string>("Failed to convert into required type"),
                  bad);
  }
  CHECK(!stout::unsignedError("18446744073709551615", UINT64_MAX));
  CHECK(stout::unsignedError("18446744073709551616", UINT64_MAX).has_value());

  for (const char* ok : {"0.1", "1", ".5", "5.", "-0.1", "1e-1", "1.5E+2", " 0.2"}) {
    CHECK_MESSAGE(!stout::doubleError(ok), ok);
  }
  for (const char* bad : {"abc", "", ".", "1e", "1e+", "0.1 ", "inf", "nan", "0x1", "1.2.3"}) {
    CHECK_MESSAGE(stout::doubleError(bad) == std::optional<std::string>("Failed to convert into required type"), bad);
  }
  // libstdc++'s __convert_to_v: strtod's overflow (HUGE_VAL) is failbit; an underflow loads.
  for (const char* ok : {"1e308", "1.7976931348623157e308", "0.001e311", "1e-400", "0.0000e999", "-1e-999999999"}) {
    CHECK_MESSAGE(!stout::doubleError(ok), ok);
  }
  for (const char* bad : {"1e309", "1e400", "-1e400", "2e308", "100e307", "1e99999999999999999999"}) {
    CHECK_MESSAGE(stout::doubleError(bad) == std::optional<std::string>("Failed to convert into required type"), bad);
  }
}

TEST_CASE("loadAgentFlag: Mesos's refusals kept for the flags step, agentsim's limits are errors") {
  model::SlaveFlags f;
  // A value stout refuses: FlagsBase::load's "Failed to load flag" around Flag::load's text.
  CHECK(!model::loadAgentFlag(f, "registration_backoff_factor", "abc").isError());
  REQUIRE(f.load_errors.count("registration_backoff_factor") == 1);
  CHECK(f.load_errors.at("registration_backoff_factor") ==
        "Failed to load flag 'registration_backoff_factor': Failed to load value 'abc': Failed to convert '' to "
        "number");
  CHECK(f.registration_backoff_factor == sim::Seconds(1));  // not loaded
  // The same flag loaded again with a good value clears it (a restart's changed flags).
  CHECK(!model::loadAgentFlag(f, "registration_backoff_factor", "2secs").isError());
  CHECK(f.load_errors.empty());
  CHECK(f.registration_backoff_factor == sim::Seconds(2));

  CHECK(!model::loadAgentFlag(f, "gc_delay", "1weeks").isError());
  CHECK(f.load_errors.empty());
  CHECK(!model::loadAgentFlag(f, "gc_delay", "1week").isError());
  CHECK(f.load_errors.at("gc_delay").rfind("Failed to load flag 'gc_delay': Failed to load value '1week': Unknown "
                                           "duration unit 'week'",
                                           0) == 0);
  f.load_errors.clear();
  CHECK(!model::loadAgentFlag(f, "port", "x").isError());
  CHECK(f.load_errors.at("port") ==
        "Failed to load flag 'port': Failed to load value 'x': Failed to convert into required type");
  CHECK(!model::loadAgentFlag(f, "gc_disk_headroom", "lots").isError());
  CHECK(f.load_errors.at("gc_disk_headroom") ==
        "Failed to load flag 'gc_disk_headroom': Failed to load value 'lots': Failed to convert into required type");
  CHECK(!model::loadAgentFlag(f, "strict", "yes").isError());
  CHECK(f.load_errors.at("strict") ==
        "Failed to load flag 'strict': Failed to load value 'yes': Expecting a boolean (e.g., true or false)");
  CHECK(!model::loadAgentFlag(f, "fetcher_cache_size", "1.5GB").isError());
  CHECK(f.load_errors.at("fetcher_cache_size") ==
        "Failed to load flag 'fetcher_cache_size': Failed to load value '1.5GB': Fractional bytes '1.5GB'");

  // Names: unknown to Mesos 1.1, or --no- on a flag that is not boolean.
  model::SlaveFlags g;
  CHECK(!model::loadAgentFlag(g, "registration_backoff", "2secs").isError());
  CHECK(g.load_errors.at("registration_backoff") == "Failed to load unknown flag 'registration_backoff'");
  CHECK(!model::loadAgentFlag(g, "no-frobnicate", "").isError());
  CHECK(g.load_errors.at("no-frobnicate") == "Failed to load unknown flag 'frobnicate' via 'no-frobnicate'");
  CHECK(!model::loadAgentFlag(g, "no-gc_delay", "").isError());
  CHECK(g.load_errors.at("no-gc_delay") == "Failed to load non-boolean flag 'gc_delay' via 'no-gc_delay'");
  CHECK(!model::loadAgentFlag(g, "no-strict", "true").isError());
  CHECK(g.load_errors.at("no-strict") == "Failed to load boolean flag 'strict' via 'no-strict' with value 'true'");
  // --no-strict (no value) loads strict=false; --strict= (empty) loads true; 1 and 0 load.
  model::SlaveFlags h;
  CHECK(!model::loadAgentFlag(h, "no-strict", "").isError());
  CHECK(!h.strict);
  CHECK(!model::loadAgentFlag(h, "strict", "").isError());
  CHECK(h.strict);
  CHECK(!model::loadAgentFlag(h, "enforce_container_disk_quota", "1").isError());
  CHECK(h.enforce_container_disk_quota);
  CHECK(h.load_errors.empty());

  // agentsim's errors: a Mesos flag it does not model; a value Mesos loads that it cannot
  // simulate (a 0ns backoff, port 0 or -1, a headroom in exponent form).
  model::SlaveFlags k;
  CHECK(model::isMesosAgentFlag("docker_socket"));
  CHECK(!model::isMesosAgentFlag("registration_backoff"));
  CHECK(model::loadAgentFlag(k, "docker_socket", "/var/run/docker.sock").isError());
  CHECK(model::loadAgentFlag(k, "registration_backoff_factor", "0secs").isError());
  CHECK(model::loadAgentFlag(k, "port", "0").isError());
  CHECK(model::loadAgentFlag(k, "gc_disk_headroom", "1e-1").isError());
  CHECK(k.load_errors.empty());
  // A value beyond the largest double is Mesos's refusal, not agentsim's limit.
  CHECK(!model::loadAgentFlag(k, "gc_disk_headroom", "1e400").isError());
  CHECK(k.load_errors.at("gc_disk_headroom") ==
        "Failed to load flag 'gc_disk_headroom': Failed to load value '1e400': Failed to convert into required type");
  // --executor_reregistration_timeout above 15secs loads: its validator runs at the
  // agent's flags step (tests/model/slave/startup_test.cpp), not here.
  model::SlaveFlags m;
  CHECK(!model::loadAgentFlag(m, "executor_reregistration_timeout", "20secs").isError());
  CHECK(m.load_errors.empty());
  CHECK(m.executor_reregistration_timeout == sim::Seconds(20));
}
