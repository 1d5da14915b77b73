#include "model/common/type_utils.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace agentsim::model {

namespace {

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto at = text.find(sep, start);
    out.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Value::Scalar to 3 decimals (Mesos's fixed-point precision): "2", "2.0", "2.000" alike.
std::optional<std::int64_t> milli(std::string_view s) {
  std::int64_t whole = 0;
  std::int64_t frac = 0;
  int digits = 0;
  std::size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (whole > 1'000'000'000'000) return std::nullopt;
    whole = whole * 10 + (s[i] - '0');
  }
  if (i == 0) return std::nullopt;
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (++digits <= 3) frac = frac * 10 + (s[i] - '0');
    }
    digits = std::min(digits, 3);
  }
  if (i != s.size()) return std::nullopt;
  for (int k = digits; k < 3; ++k) frac *= 10;
  return whole * 1000 + frac;
}

// A parsed Value (src/common/values.cpp: parse): scalar, ranges, set or text.
struct Value {
  enum class Type { SCALAR, RANGES, SET, TEXT } type = Type::TEXT;
  std::int64_t scalar = 0;
  std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
  std::vector<std::string> set;
  std::string text;
};

std::optional<Value> parseValue(std::string_view s) {
  Value v;
  s = trim(s);
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') {
    v.type = Value::Type::RANGES;
    for (std::string_view r : split(s.substr(1, s.size() - 2), ',')) {
      r = trim(r);
      if (r.empty()) continue;
      const auto dash = r.find('-');
      if (dash == std::string_view::npos) return std::nullopt;
      const auto lo = milli(trim(r.substr(0, dash)));
      const auto hi = milli(trim(r.substr(dash + 1)));
      if (!lo || !hi || *lo % 1000 != 0 || *hi % 1000 != 0 || *lo > *hi) return std::nullopt;
      v.ranges.emplace_back(*lo / 1000, *hi / 1000);
    }
    return v;
  }
  if (s.size() >= 2 && s.front() == '{' && s.back() == '}') {
    v.type = Value::Type::SET;
    for (std::string_view e : split(s.substr(1, s.size() - 2), ',')) {
      if (!trim(e).empty()) v.set.emplace_back(trim(e));
    }
    return v;
  }
  if (const auto m = milli(s)) {
    v.type = Value::Type::SCALAR;
    v.scalar = *m;
    return v;
  }
  v.text = std::string(s);
  return v;
}

// Resources::operator+= of two values of one resource: scalars add, ranges and sets unite.
void add(Value& into, const Value& v) {
  into.scalar += v.scalar;
  into.ranges.insert(into.ranges.end(), v.ranges.begin(), v.ranges.end());
  into.set.insert(into.set.end(), v.set.begin(), v.set.end());
}

// The value's normal text: ranges sorted and coalesced ([1-2,3-4] is [1-4]), a set sorted
// without repeats, a scalar in thousandths.
std::string normal(Value v) {
  switch (v.type) {
    case Value::Type::SCALAR: return fmt::format("{}", v.scalar);
    case Value::Type::RANGES: {
      std::sort(v.ranges.begin(), v.ranges.end());
      std::vector<std::pair<std::int64_t, std::int64_t>> merged;
      for (const auto& r : v.ranges) {
        if (!merged.empty() && r.first <= merged.back().second + 1) {
          merged.back().second = std::max(merged.back().second, r.second);
        } else {
          merged.push_back(r);
        }
      }
      std::string out = "[";
      for (const auto& [lo, hi] : merged) out += fmt::format("{}{}-{}", out.size() > 1 ? "," : "", lo, hi);
      return out + "]";
    }
    case Value::Type::SET: {
      std::sort(v.set.begin(), v.set.end());
      v.set.erase(std::unique(v.set.begin(), v.set.end()), v.set.end());
      return "{" + fmt::format("{}", fmt::join(v.set, ",")) + "}";
    }
    case Value::Type::TEXT: return "\"" + v.text + "\"";
  }
  return {};
}

bool empty(const Value& v) {
  switch (v.type) {
    case Value::Type::SCALAR: return v.scalar == 0;
    case Value::Type::RANGES: return v.ranges.empty();
    case Value::Type::SET: return v.set.empty();
    case Value::Type::TEXT: return false;
  }
  return false;
}

// Resources::parse into name(role) -> summed value; std::nullopt if the text does not parse.
std::optional<std::map<std::string, Value>> resources(std::string_view text) {
  std::map<std::string, Value> out;
  for (std::string_view item : split(text, ';')) {
    item = trim(item);
    if (item.empty()) continue;
    const auto colon = item.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view name = trim(item.substr(0, colon));
    std::string role = "*";
    if (const auto open = name.find('('); open != std::string_view::npos) {
      if (name.back() != ')') return std::nullopt;
      role = std::string(name.substr(open + 1, name.size() - open - 2));
      name = name.substr(0, open);
    }
    auto value = parseValue(item.substr(colon + 1));
    if (!value || value->type == Value::Type::TEXT) return std::nullopt;
    const std::string key = fmt::format("{}({})", name, role);
    auto [it, fresh] = out.try_emplace(key, *value);
    if (!fresh) {
      if (it->second.type != value->type) return std::nullopt;
      add(it->second, *value);
    }
  }
  return out;
}

bool hasName(const std::map<std::string, Value>& r, std::string_view name) {
  for (const auto& [key, v] : r) {
    if (key.substr(0, key.find('(')) == name) return true;
  }
  return false;
}

}  // namespace

std::string normalResources(std::string_view text, std::string_view defaults) {
  auto parsed = resources(text);
  if (!parsed) return std::string(text);
  // Containerizer::resources: each of cpus, mem, disk and ports the flag leaves out is
  // added from the host (the model's host reports Mesos's defaults).
  if (const auto fallback = resources(defaults)) {
    for (const auto& [key, v] : *fallback) {
      const std::string name = key.substr(0, key.find('('));
      if (!hasName(*parsed, name)) parsed->emplace(key, v);
    }
  }
  std::string out;
  for (const auto& [key, v] : *parsed) {
    if (empty(v)) continue;  // Resources::add drops an empty resource
    out += fmt::format("{}{}:{}", out.empty() ? "" : ";", key, normal(v));
  }
  return out;
}

std::string normalAttributes(std::string_view text) {
  std::vector<std::string> items;
  for (std::string_view item : split(text, ';')) {
    item = trim(item);
    if (item.empty()) continue;
    const auto colon = item.find(':');
    if (colon == std::string_view::npos) return std::string(text);
    const auto value = parseValue(item.substr(colon + 1));
    if (!value) return std::string(text);
    items.push_back(fmt::format("{}:{}", trim(item.substr(0, colon)), normal(*value)));
  }
  std::sort(items.begin(), items.end());
  return fmt::format("{}", fmt::join(items, ";"));
}

bool equivalent(const SlaveInfo& left, const SlaveInfo& right, std::string_view defaults) {
  return left.hostname == right.hostname && left.id == right.id && left.port == right.port &&
         normalResources(left.resources, defaults) == normalResources(right.resources, defaults) &&
         normalAttributes(left.attributes) == normalAttributes(right.attributes);
}

}  // namespace agentsim::model
