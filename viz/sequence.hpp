#pragma once
// What a sequence (Lamport) diagram of a run shows, worked out from the trace records
// and a filter alone: one lifeline per process (grouped by host), a message from its
// send to its delivery or to where it was lost, state changes, faults, and the bands of
// crashed hosts and partitions. The SVG and Mermaid renderers draw this; it pairs a
// delivery with its send by the message id of trace v2, never by guessing.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/trace.hpp"
#include "viz/filter.hpp"

namespace agentsim::viz {

struct Lifeline {
  std::string host;
  std::string process;
};

struct SequenceEvent {
  enum class Kind {
    Arrow,  // a delivered message: from the sender at its send to the receiver at its delivery
    Drop,   // a lost message: from the sender at its send to a cross where it was lost
    State,  // a state machine moved: a label on the lifeline
    Fault,  // a fault acted (not a band): a mark on the host's lifelines
    Note,   // a timer fired or a log line: a small mark on the lifeline
  };
  Kind kind = Kind::State;
  sim::Time at;                // the delivery, the drop, the state change, ...
  std::uint64_t seq = 0;
  sim::Time sent_at;           // Arrow, Drop: the send (its own time when not found)
  std::uint64_t sent_seq = 0;
  int from = -1;               // Arrow, Drop: the sender's lifeline; else the record's (-1: the host's)
  int to = -1;                 // Arrow, Drop: the receiver's lifeline (-1: not drawn)
  std::string host;            // Fault: the host it acts on
  std::uint64_t msg = 0;
  bool duplicate = false;
  std::string label;           // the message name, the state, the fault
  std::string detail;          // the full story, for a tooltip
};

// A stretch of time across a host's lifelines: a crash until its restart, a partition
// until its heal (one band per side).
struct SequenceBand {
  enum class Kind { Crash, Partition };
  Kind kind = Kind::Crash;
  std::string host;
  sim::Time start;
  std::uint64_t start_seq = 0;
  sim::Time end;               // the restart or heal, or the last record's time
  std::uint64_t end_seq = 0;
  std::string label;
};

struct SequenceCheck {
  bool held = false;
  std::string name;
  std::string text;            // the expectation (or invariant) and its evidence
  std::vector<std::uint64_t> evidence;  // seqs of the records it rests on (evidence_seqs)
};

struct Sequence {
  std::vector<Lifeline> lifelines;   // grouped by host, hosts and processes in order of appearance
  std::vector<SequenceEvent> events; // in trace order of their last record
  std::vector<SequenceBand> bands;
  std::vector<SequenceCheck> checks;
  std::string title;                 // scenario and seed, from the header
};

// Records a view of this filter needs kept from a big trace: the selected ones, the
// sends of messages it may draw, and the faults that open or close a band.
bool keepForSequence(const sim::Record& r, const ViewFilter& filter);

Sequence buildSequence(const sim::Fields& header, const std::vector<sim::Record>& records, const ViewFilter& filter);

// The record's fields as "key=value ..." (a tooltip, a Mermaid note).
std::string fieldsText(const sim::Record& r);

}  // namespace agentsim::viz
