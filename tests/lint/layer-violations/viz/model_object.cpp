// A renderer that reads a model object instead of trace records: the layer check must
// reject it (only the startup graph's plain data is allowed).
#include "model/slave/slave.hpp"
