#pragma once
// A kernel header with a spaced directive reaching up to the harness: rejected.
#  include "harness/runner.hpp"
