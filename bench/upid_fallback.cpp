// Local workaround: sim/message.hpp declares Upid::id(), host() and str() but no file in
// sim/ defines them (as of commit 7babc12), so nothing that calls Process::send links.
// These are weak definitions: once sim/ defines the functions, the kernel's own (strong)
// definitions take precedence and this file can be deleted.
#include <string>

#include "sim/message.hpp"

namespace agentsim::sim {

namespace {
const std::string& none() {
  static const std::string empty;
  return empty;
}
}  // namespace

[[gnu::weak]] const std::string& Upid::id() const { return e_ != nullptr ? e_->id : none(); }
[[gnu::weak]] const std::string& Upid::host() const { return e_ != nullptr ? e_->host : none(); }
[[gnu::weak]] const std::string& Upid::str() const { return e_ != nullptr ? e_->full : none(); }

}  // namespace agentsim::sim
