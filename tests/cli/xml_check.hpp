#pragma once
// A small XML well-formedness check for the tests: tags balance, attributes are quoted,
// '&' starts a known entity or a character reference, '<' never appears in text, one
// root element. Enough to say an SVG "parses as XML" without an XML library.
#include <string>
#include <string_view>
#include <vector>

namespace agentsim::test {

// "" when well formed, else what is wrong and where (a byte offset).
inline std::string xmlError(std::string_view x) {
  std::vector<std::string> open;
  bool rootSeen = false;
  std::size_t i = 0;
  const auto fail = [&](const std::string& what) { return what + " at byte " + std::to_string(i); };
  const auto entityOk = [&](std::size_t at) {
    const std::size_t semi = x.find(';', at);
    if (semi == std::string_view::npos || semi - at > 10) return false;
    const std::string_view name = x.substr(at + 1, semi - at - 1);
    return name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos" ||
           (!name.empty() && name[0] == '#');
  };
  while (i < x.size()) {
    if (x[i] == '&') {
      if (!entityOk(i)) return fail("a bare '&'");
      ++i;
      continue;
    }
    if (x[i] != '<') {
      ++i;
      continue;
    }
    if (x.substr(i, 5) == "<?xml") {
      i = x.find("?>", i);
      if (i == std::string_view::npos) return "an unclosed <?xml";
      i += 2;
      continue;
    }
    if (x.substr(i, 4) == "<!--") {
      i = x.find("-->", i);
      if (i == std::string_view::npos) return "an unclosed comment";
      i += 3;
      continue;
    }
    const bool closing = i + 1 < x.size() && x[i + 1] == '/';
    std::size_t j = i + (closing ? 2 : 1);
    const std::size_t nameStart = j;
    while (j < x.size() && (std::isalnum(static_cast<unsigned char>(x[j])) || x[j] == '-' || x[j] == ':' || x[j] == '_')) ++j;
    const std::string name(x.substr(nameStart, j - nameStart));
    if (name.empty()) return fail("a '<' that starts no tag");
    bool selfClosing = false;
    while (j < x.size() && x[j] != '>') {
      if (x[j] == '"' || x[j] == '\'') {
        const char q = x[j];
        const std::size_t end = x.find(q, j + 1);
        if (end == std::string_view::npos) return fail("an unclosed attribute value");
        const std::string_view value = x.substr(j + 1, end - j - 1);
        if (value.find('<') != std::string_view::npos) return fail("a '<' in an attribute value");
        for (std::size_t k = 0; k < value.size(); ++k) {
          if (value[k] == '&' && !entityOk(j + 1 + k)) return fail("a bare '&' in an attribute value");
        }
        j = end + 1;
        continue;
      }
      if (x[j] == '/') selfClosing = true;
      ++j;
    }
    if (j >= x.size()) return fail("an unclosed tag <" + name);
    if (closing) {
      if (open.empty() || open.back() != name) return fail("</" + name + "> closes " + (open.empty() ? "nothing" : "<" + open.back() + ">"));
      open.pop_back();
    } else if (!selfClosing) {
      if (open.empty() && rootSeen) return fail("a second root element <" + name + ">");
      rootSeen = true;
      open.push_back(name);
    } else if (open.empty()) {
      return fail("an empty root element");
    }
    i = j + 1;
  }
  if (!open.empty()) return "<" + open.back() + "> is never closed";
  if (!rootSeen) return "no root element";
  return {};
}

}  // namespace agentsim::test
