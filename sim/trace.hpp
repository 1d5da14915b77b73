#pragma once
// Trace records: the contract between the simulation, viz/ and notebooks/.
// Every send, delivery, drop, timer, state change, fault and check is one record.
// Emitting costs one branch when no sink listens (see Trace::enabled), and a record
// no sink subscribed to (its kind and name, Interest) is never built: it only takes its
// seq, so a trace's seqs are the same whoever listens.
#include <array>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "sim/time.hpp"

namespace agentsim::sim {

// Version 2: send, deliver and drop records carry the message's id (`msg`), a duplicated
// copy's deliver or drop says so (`duplicate`), and a timer record says when its delay
// was armed (`armed`). Version 3: a finished run's last record is an `end` record (the
// number of records before it, at the run's end time), so a reader tells a trace cut
// short from a whole one. docs/trace-format.md.
inline constexpr int kTraceFormatVersion = 3;

// End: the last record of a finished run (fields `records`: how many records precede it).
enum class RecordKind { Send, Deliver, Drop, Timer, State, Fault, Check, Log, Startup, End };
inline constexpr std::size_t kRecordKinds = 10;

std::string_view toString(RecordKind kind);
bool parseRecordKind(std::string_view text, RecordKind& out);

// A JSON text written verbatim (an object or array built elsewhere).
struct RawJson {
  std::string text;
  bool operator==(const RawJson&) const = default;
};

using Value = std::variant<std::int64_t, bool, std::string, RawJson>;

struct Field {
  std::string key;
  Value value;
  bool operator==(const Field&) const = default;
};

using Fields = std::vector<Field>;

struct Record {
  Time at;
  std::uint64_t seq = 0;  // position in the trace, from 0
  RecordKind kind = RecordKind::Log;
  bool duplicate = false;  // a deliver or drop of a duplicated copy of message `msg`
  std::uint64_t msg = 0;   // send, deliver, drop: the message's id, from 1 in send order; 0 otherwise
  Time armed;              // timer: when its delay was armed (a timer record only)
  std::string process;    // e.g. "slave(1)"; empty for the harness
  std::string host;       // e.g. "agent-1"
  std::string name;       // message or event name, e.g. "RegisterSlaveMessage"
  Fields fields;
  std::string ref;        // modelled source, e.g. "src/slave/slave.cpp: Slave::registered"

  const Value* field(std::string_view key) const;
  std::string text(std::string_view key) const;       // "" when absent or not a string
  std::int64_t integer(std::string_view key, std::int64_t otherwise = 0) const;
};

// The records a reader reads, by kind and name: every record of a kind, or those of a
// kind with one of some names. Sinks and checks declare theirs; the trace builds a
// record only when one of its listeners wants it.
// A topic marks a subset of a kind's records where they are emitted (the master's
// registry operation logs: Process::log's `topic`); it is not part of the record. A reader
// of a topic has those records built, and is handed every built record of the kind (it
// tells its own from the fields, as it would in a saved trace).
class Interest {
 public:
  static Interest everything();
  // Every record of `kind`.
  Interest& kind(RecordKind kind);
  // The records of `kind` named `name`.
  Interest& name(RecordKind kind, std::string_view name);
  // The records of `kind` emitted with `topic`.
  Interest& topic(RecordKind kind, std::string_view topic);
  Interest& merge(const Interest& other);
  // Whether a built record of this kind and name is handed to the reader.
  bool wants(RecordKind kind, std::string_view name) const;
  // Whether a record of this kind, name and topic ("" for none) is to be built for it.
  // Asked before every send, delivery and state record: most answers are a no that the
  // filter of wanted names gives without comparing a text.
  bool admits(RecordKind kind, std::string_view name, std::string_view topic) const {
    const std::uint32_t b = bit(kind);
    if ((all_ & b) != 0) return true;
    if ((topical_ & b) == 0 && !mayBeNamed(kind, name)) return false;
    return admitsNamedOrTopic(kind, name, topic);
  }
  bool wantsAny(RecordKind kind) const;  // some or every name of `kind`
  bool empty() const { return all_ == 0 && some_ == 0 && topical_ == 0; }
  bool everythingWanted() const { return all_ == kAll; }

 private:
  static constexpr std::uint32_t kAll = (1u << kRecordKinds) - 1;
  static std::uint32_t bit(RecordKind k) { return 1u << static_cast<unsigned>(k); }
  bool named(RecordKind kind, std::string_view name) const;
  bool admitsNamedOrTopic(RecordKind kind, std::string_view name, std::string_view topic) const;
  // A one-bit-per-name filter of a kind's wanted names, by length and middle character:
  // false means the name is not wanted; true, that it may be.
  static unsigned filterBit(std::string_view name) {
    const unsigned middle = name.empty() ? 0u : static_cast<unsigned char>(name[name.size() / 2]);
    return static_cast<unsigned>(name.size() + 13u * middle) & 63u;
  }
  bool mayBeNamed(RecordKind kind, std::string_view name) const {
    return ((filter_[static_cast<std::size_t>(kind)] >> filterBit(name)) & 1u) != 0;
  }
  std::uint32_t all_ = 0;      // kinds whose every record is wanted
  std::uint32_t some_ = 0;     // kinds with some names wanted
  std::uint32_t topical_ = 0;  // kinds with some topics wanted
  std::array<std::vector<std::string>, kRecordKinds> names_;   // sorted, per kind
  std::array<std::vector<std::string>, kRecordKinds> topics_;  // per kind
  std::array<std::uint64_t, kRecordKinds> filter_{};           // per kind: filterBit of each name
};

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  // The records this sink reads; it is handed no others.
  virtual Interest interest() const { return Interest::everything(); }
  // Whether it keeps the records it is handed in memory (Limits::max_trace_records and
  // max_trace_bytes count only those).
  virtual bool retains() const { return false; }
  virtual void header(const Fields& header) = 0;
  virtual void record(const Record& record) = 0;
  // The record for the last sink, which may keep it without a copy.
  virtual void take(Record&& record) { this->record(record); }
  // The run finished: its `end` record (Trace::end), which only a trace file writes.
  virtual void end(const Record& /*end*/) {}
};

// Keeps every record in memory (expectations and renderers read it). Add it last, so
// it takes each record instead of copying it.
class MemorySink final : public TraceSink {
 public:
  MemorySink() = default;
  // Keeps only the records `keep` names.
  explicit MemorySink(Interest keep) : keep_(std::move(keep)) {}
  Interest interest() const override { return keep_; }
  bool retains() const override { return true; }
  void header(const Fields& h) override { header_ = h; }
  void record(const Record& r) override { records_.push_back(r); }
  void take(Record&& r) override { records_.push_back(std::move(r)); }
  const Fields& headerFields() const { return header_; }
  const std::vector<Record>& records() const { return records_; }
  // Hands the records on (to a run report) without a copy; the sink is left empty.
  std::vector<Record> takeRecords() { return std::move(records_); }

 private:
  Interest keep_ = Interest::everything();
  Fields header_;
  std::vector<Record> records_;
};

// Writes JSON Lines: the header object first, then one object per record.
class JsonLinesSink final : public TraceSink {
 public:
  explicit JsonLinesSink(std::ostream& out) : out_(out) {}
  void header(const Fields& h) override;
  void record(const Record& r) override;
  void end(const Record& r) override;

 private:
  std::ostream& out_;
};

// What a record costs in memory, estimated (a 64-bit libstdc++ layout: a string of more
// than 15 bytes is on the heap, an allocation costs 16 bytes more) from its sizes only,
// so the same run reaches Limits::max_trace_bytes at the same record everywhere.
std::uint64_t approximateBytes(const Record& record);
// A size for a limit's message: "2 GiB", "16 MiB", else "1000 bytes".
std::string formatBytes(std::uint64_t bytes);

std::string toJsonLine(const Fields& header);
std::string toJsonLine(const Record& record);
void appendJsonString(std::string& out, std::string_view text);

class Trace {
 public:
  // Some sink listens: every record takes a seq, built or not.
  bool enabled() const { return !sinks_.empty(); }
  // Whether a record of this kind and name, emitted without a topic, is to be built (some
  // sink wants it); nothing is counted.
  bool wants(RecordKind kind, std::string_view name) const {
    return !sinks_.empty() && interest_.admits(kind, name, {});
  }
  // The cheap question before building a record: false when nobody wants it, and then
  // the record is counted as emitted (it takes its seq) without being built.
  bool admit(RecordKind kind, std::string_view name, std::string_view topic = {}) {
    if (sinks_.empty()) return false;
    if (interest_.admits(kind, name, topic)) return true;
    ++next_seq_;
    return false;
  }
  void addSink(TraceSink* sink);
  void header(const Fields& h);
  // Stamps seq and hands the record to every sink that wants it (the last one takes it).
  void emit(Record record);
  // The run is over at `at`: hands every sink the `end` record (kind End, the next seq,
  // field `records`: how many records came before it). Written last, it tells a reader
  // that the trace is whole. Views and checks never see it (TraceSink::end).
  void end(Time at);
  // Records emitted (built or not): the next seq.
  std::uint64_t count() const { return next_seq_; }
  // Records handed to a sink that keeps them (TraceSink::retains), and their
  // approximateBytes: what the trace holds in memory.
  std::uint64_t retained() const { return retained_; }
  std::uint64_t bytes() const { return bytes_; }

 private:
  struct Listener {
    TraceSink* sink;
    Interest interest;
    bool retains;
  };
  std::vector<Listener> sinks_;
  Interest interest_;  // the union of the sinks'
  std::uint64_t next_seq_ = 0;
  std::uint64_t retained_ = 0;
  std::uint64_t bytes_ = 0;
};

}  // namespace agentsim::sim
