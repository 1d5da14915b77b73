// A Mesos component that includes the harness: the layer check must reject it.
#include "harness/runner.hpp"
