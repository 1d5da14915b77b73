// A kernel source that names a model header with angle brackets: rejected.
#include <model/slave/slave.hpp>
#include <vector>
