#pragma once
// The text timeline: one line per event a student would look up, with its simulated
// time, host, process, what happened, and the Mesos source it models.
#include <iosfwd>
#include <string>
#include <vector>

#include "sim/trace.hpp"

namespace agentsim::viz {

struct TimelineOptions {
  bool deliveries = false;  // also show each delivery (a send is shown by default)
  bool refs = true;         // show the modelled Mesos source on each line
  // Also show ZooKeeper heartbeats: zookeeper.Ping, zookeeper.PingResponse (a client
  // every third of its session timeout) and zookeeper.quorum.Ping (servers, every
  // second). They would fill the timeline; their effects (sessions, quorum) are shown.
  bool heartbeats = false;
  bool checks = true;  // show `check` records (a run's verdicts, printed apart by the CLI)
};

// Whether a record is a ZooKeeper heartbeat (see TimelineOptions::heartbeats).
bool isHeartbeat(const sim::Record& r);

std::string renderTimeline(const std::vector<sim::Record>& records, const TimelineOptions& options = {});
// The same, written line by line: a big run's timeline is never held whole in memory.
void writeTimeline(std::ostream& out, const std::vector<sim::Record>& records, const TimelineOptions& options = {});
std::string renderLine(const sim::Record& r, const TimelineOptions& options = {});
// What a line says of its record, after the time, host and process ("send     X -> Y").
std::string describeRecord(const sim::Record& r);

}  // namespace agentsim::viz
