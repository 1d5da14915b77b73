#pragma once
// The command line's shared parts: exit codes (DESIGN.md), what every subcommand file
// exports, and the helpers more than one subcommand uses. Each subcommand lives in a file
// of its own (cli/run.cpp, cli/view.cpp, ...), adds itself to the app and runs when parsed.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "sim/trace.hpp"
#include "viz/view.hpp"

namespace agentsim::cli {

// Exit codes: 0 all expectations held; 1 an expectation or invariant failed; 2 bad usage
// or bad input; 3 internal error.
constexpr int kHeld = 0;
constexpr int kFailed = 1;
constexpr int kBadInput = 2;
constexpr int kInternal = 3;

// A subcommand: its CLI11 app, and what runs when the command line chose it.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command addRunCommand(CLI::App& app);
Command addViewCommand(CLI::App& app);
Command addDiffCommand(CLI::App& app);
Command addCheckCommand(CLI::App& app);
Command addInvariantsCommand(CLI::App& app);
Command addFlagsCommand(CLI::App& app);
Command addGraphCommand(CLI::App& app);
Command addExplainCommand(CLI::App& app);
Command addStepCommand(CLI::App& app);
Command addFuzzCommand(CLI::App& app);
Command addFuzzMergeCommand(CLI::App& app);

// Ends a subcommand's --help with two examples and the docs/ page to read.
void addExamples(CLI::App& cmd, std::string_view first, std::string_view second, std::string_view doc);

// A seed is a decimal number in [0, 2^64 - 1]: no sign, no base prefix, no wrap-around.
std::optional<std::uint64_t> parseSeed(std::string_view text);
// One word for a POSIX shell: as is when it holds only characters no shell treats
// specially, else in single quotes ('\'' for a quote inside).
std::string shellQuote(std::string_view word);
// Text from a scenario, safe to print on a terminal: control characters (C0, DEL and
// C1, which can start terminal escape sequences) are shown escaped, as \n or \u001b.
std::string printable(std::string_view text);

// The HTML explorer of a run or a saved trace, written to `path` ("-": standard output).
// Returns false, having said why, when the file cannot be written.
bool writeHtmlExplorer(const std::string& path, const sim::Fields& header, const std::vector<sim::Record>& records);
// Writes one view of `records` to `path` ("-" is stdout); false, having said why, when it cannot.
bool writeViewFile(const std::string& option, const std::string& path, viz::ViewFormat format,
                   const sim::Fields& header, const std::vector<sim::Record>& records, const viz::ViewOptions& options);

// The terminal's width when standard output is one, else 160 columns.
std::size_t outputWidth();

// How the default view prints: wrapped to `width` columns, UUIDs cut to `uuidDigits`
// characters as in its timeline. Both 0 for --all: as is.
struct Layout {
  std::size_t width = 0;
  std::size_t uuidDigits = 0;
};

// Prints `text` as `layout` says, continuation lines indented by `indent`.
void printWrapped(const std::string& text, const Layout& layout, std::size_t indent);

}  // namespace agentsim::cli
