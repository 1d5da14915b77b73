// Planted: the agent's checkpoint code takes FrameworkInfo from the scheduler driver's
// messages (it belongs with the shared records).
#include "model/messages/framework_messages.hpp"
#include "model/common/framework_info.hpp"  // allowed: the shared record
