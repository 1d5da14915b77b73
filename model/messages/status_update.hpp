#pragma once
// StatusUpdate and TaskStatus (src/messages/messages.proto, include/mesos/mesos.proto),
// with the fields the model uses.
#include <cstdint>
#include <optional>
#include <string>

#include "model/common/id.hpp"
#include "model/common/task_state.hpp"
#include "model/common/task_status_reason.hpp"
#include "model/common/task_status_source.hpp"
#include "model/common/uuid.hpp"
#include "model/common/uuid_bytes.hpp"
#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace agentsim::model {

struct StatusUpdate {
  Id framework_id;
  Id slave_id;
  std::string executor_id;
  std::string task_id;
  TaskState state = TaskState::TASK_STAGING;
  // Who generated it; protobuf's default for an unset TaskStatus.source is the first value.
  TaskStatusSource source = TaskStatusSource::SOURCE_MASTER;
  std::optional<TaskStatusReason> reason;  // none when the update gives no reason
  std::string message;
  Uuid uuid;  // empty: no acknowledgement expected
  sim::Time timestamp;
  std::optional<TaskState> latest_state;  // filled by Slave::forward
  // TaskStatus.unreachable_time: when the master marked the task's agent unreachable (its
  // TASK_LOST / TASK_UNREACHABLE of Master::_markUnreachable, and a reconciliation answer
  // for a task on an unreachable agent); none otherwise.
  std::optional<sim::Time> unreachable_time;
  bool operator==(const StatusUpdate&) const = default;
};

// id::UUID::random() as text, "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", from `r`. The five
// draws are taken last field first: the order in which GCC evaluated the arguments of
// the fmt::format call this replaces, so the same seed gives the same UUIDs.
// randomUuidBytes: the same UUID as 16 bytes (the same draws), never printed.
inline UuidBytes randomUuidBytes(sim::Rng& r) {
  const std::uint64_t e = r.next() & 0xffffffffffffULL;
  const std::uint64_t d = (r.next() & 0x3fffU) | 0x8000U;
  const std::uint64_t c = r.next() & 0xfffU;
  const std::uint64_t b = r.next() & 0xffffU;
  const std::uint64_t a = r.next() & 0xffffffffU;
  return UuidBytes::fromFields(static_cast<std::uint32_t>(a), static_cast<std::uint16_t>(b),
                               static_cast<std::uint16_t>(0x4000U | c), static_cast<std::uint16_t>(d), e);
}

inline std::string randomUuid(sim::Rng& r) {
  const std::uint64_t e = r.next() & 0xffffffffffffULL;
  const std::uint64_t d = (r.next() & 0x3fffU) | 0x8000U;
  const std::uint64_t c = r.next() & 0xfffU;
  const std::uint64_t b = r.next() & 0xffffU;
  const std::uint64_t a = r.next() & 0xffffffffU;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  auto put = [&out](std::size_t at, std::uint64_t v, int digits) {
    for (int i = digits - 1; i >= 0; --i) {
      out[at + static_cast<std::size_t>(i)] = kHex[v & 0xfU];
      v >>= 4;
    }
  };
  put(0, a, 8);
  put(9, b, 4);
  out[14] = '4';
  put(15, c, 3);
  put(19, d, 4);
  put(24, e, 12);
  return out;
}

}  // namespace agentsim::model
