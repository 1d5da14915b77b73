#pragma once
// The text timeline: one line per event a student would look up, with its simulated
// time, host, process, what happened, and the Mesos source it models.
#include <string>
#include <vector>

#include "sim/trace.hpp"

namespace agentsim::viz {

struct TimelineOptions {
  bool deliveries = false;  // also show each delivery (a send is shown by default)
  bool refs = true;         // show the modelled Mesos source on each line
};

std::string renderTimeline(const std::vector<sim::Record>& records, const TimelineOptions& options = {});
std::string renderLine(const sim::Record& r, const TimelineOptions& options = {});

}  // namespace agentsim::viz
