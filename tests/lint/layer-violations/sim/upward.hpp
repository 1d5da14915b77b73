#pragma once
// A kernel header that reaches up into the model: the layer check must reject it.
#include "model/status_update.hpp"
