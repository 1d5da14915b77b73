// A task's `revocable`: which of its resources are revocable (mesos.proto
// Resource.revocable, set per resource, so a task may mix revocable and regular ones, as
// OversubscriptionTest.FixedResourceEstimator's cpus(*){REV}:1 + mem:32 does).
#include <fmt/format.h>

#include "harness/tables.hpp"
#include "model/common/resources.hpp"

namespace agentsim::harness {

std::string parseTaskRevocable(const Reader& r, const std::string& task, const std::string& resources) {
  const std::string pointer = task + "/revocable";
  if (r.at(pointer).is_boolean()) return r.boolean(pointer) ? resources : std::string{};
  if (!r.at(pointer).is_string()) {
    r.fail(pointer, fmt::format("expected a boolean or a resources string, got {}", typeName(r.at(pointer))));
  }
  const std::string text = r.string(pointer, 1000);
  auto part = model::parseResources(text);
  if (part.isError()) r.fail(pointer, part.error() + " (e.g. \"cpus:1\")");
  auto whole = model::parseResources(resources);
  if (!whole.isError() && !whole->contains(*part)) {
    r.fail(pointer, fmt::format("the revocable resources {} are not part of the task's resources {}", text, resources));
  }
  return part->empty() ? std::string{} : text;
}

}  // namespace agentsim::harness
