#pragma once
// A kernel test helper. Not reported.
#include "sim/simulation.hpp"
