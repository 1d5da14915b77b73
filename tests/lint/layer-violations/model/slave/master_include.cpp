// Planted: the agent includes the master (it reaches it only by messages and the detector).
#include "model/master/master.hpp"
#include "model/master/detector/detector.hpp"  // allowed: the detector
