#pragma once
// A table of flags by their Mesos names: parse, validate, print defaults and values.
// As stout's FlagsBase: every flag has a name, a default, a help text; here also the
// component that reads it.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "model/common/flag_parse.hpp"
#include "sim/time.hpp"
#include "sim/try.hpp"

namespace agentsim::model {

struct FlagDescription {
  std::string name;
  std::string default_value;
  std::string help;
  std::string reader;  // the component that reads it, e.g. "Slave"
};

template <typename Flags>
class FlagTable {
 public:
  using Setter = std::function<sim::Try<sim::Nothing>(Flags&, std::string_view)>;
  using Getter = std::function<std::string(const Flags&)>;
  // stout's parse for the flag's type in Mesos (model/common/flag_parse.hpp): its error
  // text for a value Mesos's loader refuses; none for a value it loads.
  using Refuser = std::function<std::optional<std::string>(std::string_view)>;

  void add(std::string_view name, std::string_view help, std::string_view reader, Setter set, Getter get,
           Refuser refuse = {}, bool boolean = false) {
    entries_[std::string(name)] =
        Entry{std::string(help), std::string(reader), std::move(set), std::move(get), std::move(refuse), boolean};
  }

  void duration(std::string_view name, sim::Duration Flags::*member, std::string_view help,
                std::string_view reader, sim::Duration min = {}, sim::Duration max = sim::Duration::max()) {
    add(name, help, reader,
        [=](Flags& f, std::string_view v) -> sim::Try<sim::Nothing> {
          auto d = sim::parseDuration(v);
          if (d.isError()) return sim::Error{d.error()};
          if (*d < min || *d > max) {
            return sim::Error{fmt::format("must be within [{}, {}], got {}", sim::format(min),
                                          max == sim::Duration::max() ? "no limit" : sim::format(max), v)};
          }
          f.*member = *d;
          return sim::Nothing{};
        },
        [=](const Flags& f) { return sim::format(f.*member); }, stout::durationError);
  }

  void text(std::string_view name, std::string Flags::*member, std::string_view help, std::string_view reader) {
    add(name, help, reader,
        [=](Flags& f, std::string_view v) -> sim::Try<sim::Nothing> {
          f.*member = std::string(v);
          return sim::Nothing{};
        },
        [=](const Flags& f) { return f.*member; });
  }

  // `mesos_max`: the largest value of the flag's type in Mesos (uint16_t for --port,
  // size_t for most counts), above which stout's parse refuses it.
  void integer(std::string_view name, std::uint32_t Flags::*member, std::string_view help, std::string_view reader,
               std::uint32_t min = 0, std::uint32_t max = UINT32_MAX, std::uint64_t mesos_max = UINT64_MAX) {
    add(name, help, reader,
        [=](Flags& f, std::string_view v) -> sim::Try<sim::Nothing> {
          std::uint64_t n = 0;
          if (v.empty() || v.size() > 10) return sim::Error{fmt::format("expected an integer, got \"{}\"", v)};
          for (char c : v) {
            if (c < '0' || c > '9') return sim::Error{fmt::format("expected an integer, got \"{}\"", v)};
            n = n * 10 + static_cast<std::uint64_t>(c - '0');
          }
          if (n < min || n > max) return sim::Error{fmt::format("must be within [{}, {}], got {}", min, max, n)};
          f.*member = static_cast<std::uint32_t>(n);
          return sim::Nothing{};
        },
        [=](const Flags& f) { return std::to_string(f.*member); },
        [=](std::string_view v) { return stout::unsignedError(v, mesos_max); });
  }

  void boolean(std::string_view name, bool Flags::*member, std::string_view help, std::string_view reader) {
    add(name, help, reader,
        [=](Flags& f, std::string_view v) -> sim::Try<sim::Nothing> {
          // FlagsBase::load: an empty value of a boolean flag is "true"; parse<bool> takes
          // true, 1, false, 0.
          if (v == "true" || v == "1" || v.empty()) f.*member = true;
          else if (v == "false" || v == "0") f.*member = false;
          else return sim::Error{fmt::format("expected true or false, got \"{}\"", v)};
          return sim::Nothing{};
        },
        [=](const Flags& f) { return std::string(f.*member ? "true" : "false"); },
        [](std::string_view v) { return v.empty() ? std::nullopt : stout::boolError(v); }, true);
  }

  bool has(std::string_view name) const { return entries_.count(std::string(name)) != 0; }
  bool isBoolean(std::string_view name) const {
    auto it = entries_.find(std::string(name));
    return it != entries_.end() && it->second.boolean;
  }

  // Flag::load's error for a value Mesos's loader refuses (FlagsBase::add's lambda:
  // "Failed to load value 'V': " + stout's parse error); none if Mesos loads it.
  std::optional<std::string> refusal(std::string_view name, std::string_view value) const {
    auto it = entries_.find(std::string(name));
    if (it == entries_.end() || !it->second.refuse) return std::nullopt;
    auto error = it->second.refuse(value);
    if (!error) return std::nullopt;
    return fmt::format("Failed to load value '{}': {}", value, *error);
  }

  sim::Try<sim::Nothing> set(Flags& flags, std::string_view name, std::string_view value) const {
    auto it = entries_.find(std::string(name));
    if (it == entries_.end()) return sim::Error{fmt::format("unknown flag '--{}'", name)};
    auto r = it->second.set(flags, value);
    if (r.isError()) return sim::Error{fmt::format("invalid value for '--{}': {}", name, r.error())};
    return sim::Nothing{};
  }

  // Name and value of every flag, sorted by name.
  std::vector<std::pair<std::string, std::string>> values(const Flags& flags) const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [name, e] : entries_) out.emplace_back(name, e.get(flags));
    return out;
  }

  std::vector<FlagDescription> describe() const {
    const Flags defaults{};
    std::vector<FlagDescription> out;
    for (const auto& [name, e] : entries_) out.push_back({name, e.get(defaults), e.help, e.reader});
    return out;
  }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [name, e] : entries_) out.push_back(name);
    return out;
  }

 private:
  struct Entry {
    std::string help;
    std::string reader;
    Setter set;
    Getter get;
    Refuser refuse;
    bool boolean = false;
  };
  std::map<std::string, Entry> entries_;
};

}  // namespace agentsim::model
