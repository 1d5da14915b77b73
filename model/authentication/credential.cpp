#include "model/authentication/credential.hpp"

#include <vector>

#include <fmt/format.h>

namespace agentsim::model {

namespace {

// The whitespace-separated words of one line.
std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

sim::Try<Credential> parseLine(std::string_view line) {
  const auto w = words(line);
  if (w.size() != 2) {
    return sim::Error{fmt::format("expected a credential as \"principal secret\", got \"{}\"", line.substr(0, 60))};
  }
  return Credential{std::string(w[0]), std::string(w[1])};
}

}  // namespace

sim::Try<Credential> parseCredential(std::string_view text) {
  if (text.find('\n') != std::string_view::npos) {
    return sim::Error{"expected one credential line \"principal secret\""};
  }
  return parseLine(text);
}

sim::Try<Credentials> parseCredentials(std::string_view text) {
  Credentials out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    if (!words(line).empty()) {
      auto c = parseLine(line);
      if (c.isError()) return sim::Error{c.error()};
      out[c->principal] = c->secret;
    }
    start = end + 1;
  }
  return out;
}

}  // namespace agentsim::model
