#pragma once
// A kernel header that reaches up into the model: the layer check must reject it.
#include "model/messages/status_update.hpp"
