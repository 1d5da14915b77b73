// Helpers more than one subcommand uses (cli/command.hpp).
#include "cli/command.hpp"

#include <sys/ioctl.h>
#include <unistd.h>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "viz/html_explorer.hpp"
#include "viz/timeline_story.hpp"

namespace agentsim::cli {

void addExamples(CLI::App& cmd, std::string_view first, std::string_view second, std::string_view doc) {
  cmd.footer(fmt::format("\nExamples:\n  {}\n  {}\n\nRead: {}\n", first, second, doc));
}

std::optional<std::uint64_t> parseSeed(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

std::string shellQuote(std::string_view word) {
  bool plain = !word.empty();
  for (unsigned char c : word) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      std::string_view("_./:=@%+,-").find(static_cast<char>(c)) != std::string_view::npos;
    plain = plain && safe;
  }
  if (plain) return std::string(word);
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04x}", c);
    } else if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(text[++i]));  // U+0080..U+009F
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

bool writeHtmlExplorer(const std::string& path, const sim::Fields& header, const std::vector<sim::Record>& records) {
  if (path == "-") {
    viz::writeHtmlExplorer(std::cout, header, records);
    std::cout << std::flush;
    return static_cast<bool>(std::cout);
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) viz::writeHtmlExplorer(out, header, records);
  out.close();
  if (!out) std::cerr << fmt::format("agentsim: error: cannot write the explorer to '{}'\n", path);
  return static_cast<bool>(out);
}

bool writeViewFile(const std::string& option, const std::string& path, viz::ViewFormat format,
                   const sim::Fields& header, const std::vector<sim::Record>& records, const viz::ViewOptions& options) {
  if (path == "-") {
    viz::writeView(std::cout, format, header, records, options);
    return static_cast<bool>(std::cout);
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    std::cerr << fmt::format("agentsim: error: {}: cannot write '{}'\n", option, path);
    return false;
  }
  viz::writeView(out, format, header, records, options);
  out.close();
  if (out.fail()) {
    std::cerr << fmt::format("agentsim: error: {}: writing '{}' failed (is the disk full?)\n", option, path);
    return false;
  }
  return true;
}

std::size_t outputWidth() {
  winsize w{};
  if (isatty(STDOUT_FILENO) != 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col >= 40) return w.ws_col;
  return 160;
}

void printWrapped(const std::string& text, const Layout& layout, std::size_t indent) {
  if (layout.width == 0) {
    std::cout << text << '\n';
    return;
  }
  const std::string shown = layout.uuidDigits == 0 ? text : viz::shortenUuids(text, layout.uuidDigits);
  for (const std::string& line : viz::wrap(shown, layout.width, indent)) std::cout << line << '\n';
}

}  // namespace agentsim::cli
