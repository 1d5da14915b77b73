// Planted: ZooKeeper knows the agent.
#include "model/slave/slave.hpp"
