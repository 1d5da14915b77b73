#pragma once
// operator==(const SlaveInfo&, const SlaveInfo&) of Mesos 1.1's src/common/type_utils.cpp:
// the rule Slave::recover uses to decide whether the SlaveInfo its flags build is the
// checkpointed one ("Incompatible agent info detected").
#include <string>
#include <string_view>

#include "model/messages/messages.hpp"

namespace agentsim::model {

// 1.1's operator==(SlaveInfo): hostname, Resources(resources) (as a set: the order of
// `--resources`, repeated names, trailing zeros and empty resources do not count),
// Attributes(attributes) (in any order), id, checkpoint (always true) and port. `defaults`
// are the resources Containerizer::resources adds for a name the text leaves out.
bool equivalent(const SlaveInfo& left, const SlaveInfo& right, std::string_view defaults);

// Resources::parse's normal form of "name(role):value;...", the names sorted, each name
// and role once: a scalar in thousandths, ranges coalesced, a set sorted; empty resources
// dropped. A text that does not parse is its own normal form.
std::string normalResources(std::string_view text, std::string_view defaults = {});

// Attributes::parse's normal form of "name:value;...", sorted: a scalar in thousandths,
// ranges coalesced, a set sorted, a text as written.
std::string normalAttributes(std::string_view text);

}  // namespace agentsim::model
