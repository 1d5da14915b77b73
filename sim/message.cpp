#include "sim/message.hpp"

#include <new>

namespace agentsim::sim {

namespace {
// Free blocks of one size class, linked through their first bytes.
struct FreeBlock {
  FreeBlock* next;
};
constexpr std::size_t kGrain = 16;
constexpr std::size_t kClasses = 16;  // sizes up to 256 bytes
// initial-exec: a plain load, where the default model for position-independent code
// calls __tls_get_addr on every use.
__attribute__((tls_model("initial-exec"))) thread_local FreeBlock* free_lists[kClasses] = {};

std::size_t classOf(std::size_t size) { return (size + kGrain - 1) / kGrain - 1; }
}  // namespace

void* Message::operator new(std::size_t size) {
  const std::size_t c = classOf(size);
  if (c >= kClasses) return ::operator new(size);
  if (FreeBlock* b = free_lists[c]) {
    free_lists[c] = b->next;
    return b;
  }
  return ::operator new((c + 1) * kGrain);
}

void Message::operator delete(void* p, std::size_t size) noexcept {
  if (p == nullptr) return;
  const std::size_t c = classOf(size);
  if (c >= kClasses) {
    ::operator delete(p);  // unsized: clang does not declare the sized one without -fsized-deallocation
    return;
  }
  auto* b = static_cast<FreeBlock*>(p);
  b->next = free_lists[c];
  free_lists[c] = b;
}

}  // namespace agentsim::sim
