#pragma once
// Where two runs diverge (`agentsim diff A B`, docs/views.md): the first record at which
// two traces differ, the records both had just before it, and what each run did next.
// Records are compared whole (time, kind, process, host, name, message id, fields, ref),
// as the JSON lines the writer would write; the headers are compared apart (a different
// seed or scenario is said, not counted as a divergence).
#include <cstddef>
#include <iosfwd>
#include <string>

#include "sim/try.hpp"

namespace agentsim::viz {

struct DiffOptions {
  std::size_t context = 5;  // records shown before the divergence, and after it from each run
  bool refs = false;        // show the modelled Mesos source on each line
};

struct DiffResult {
  bool same = true;
  std::uint64_t records = 0;  // records the two runs had in common before the divergence
};

// Reads both traces as streams (they are never held whole) and writes the report.
sim::Try<DiffResult> diffTraces(std::istream& a, std::istream& b, const std::string& nameA, const std::string& nameB,
                                std::ostream& out, const DiffOptions& options = {});

}  // namespace agentsim::viz
