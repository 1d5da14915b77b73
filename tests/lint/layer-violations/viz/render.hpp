#pragma once
// A clean renderer header: only the startup graph's plain data from model/. Not reported.
#include <string>

#include "model/slave/startup_graph_data.hpp"
#include "sim/trace.hpp"
