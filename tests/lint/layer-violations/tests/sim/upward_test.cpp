// A kernel test that includes its own helper (allowed) and a model header (rejected).
#include "sim_helper.hpp"
#include "model/common/task.hpp"
