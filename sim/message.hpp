#pragma once
// Messages and process addresses, as libprocess's UPID ("slave(1)@agent-1:5051").
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "sim/trace.hpp"

namespace agentsim::sim {

namespace detail {
struct UpidEntry {
  std::string full;                 // "id@host:port": the id and the host are views into it
  void* host_cache = nullptr;       // the Simulation's Host of the host, once looked up (hosts never move)
  std::uint32_t slot = UINT32_MAX;  // the live process bound to this address, if any
  std::uint32_t bindings = 0;       // how many processes have had this address
  std::uint32_t id_size = 0;        // the id is full's first id_size characters, then '@'
  std::uint32_t host_size = 0;      // then the host, then ':' and the port
  std::uint32_t links = UINT32_MAX; // the Simulation's set of links to this address, once one was made
  std::uint16_t port = 0;
  std::string_view id() const { return std::string_view(full.data(), id_size); }
  std::string_view host() const { return std::string_view(full.data() + id_size + 1, host_size); }
};

// Message's free lists: blocks of one size class, linked through their first bytes.
struct FreeBlock {
  FreeBlock* next;
};
inline constexpr std::size_t kMessageGrain = 16;
inline constexpr std::size_t kMessageClasses = 16;  // sizes up to 256 bytes
// initial-exec: a plain load, where the default model for position-independent code
// calls __tls_get_addr on every use.
__attribute__((tls_model("initial-exec"))) inline thread_local FreeBlock* message_free_lists[kMessageClasses] = {};
inline std::size_t messageClassOf(std::size_t size) { return (size + kMessageGrain - 1) / kMessageGrain - 1; }
}  // namespace detail

// An interned process address. Copying is free; equal addresses are the same entry.
class Upid {
 public:
  Upid() = default;
  explicit Upid(const detail::UpidEntry* e) : e_(e) {}

  bool isNone() const { return e_ == nullptr; }
  // Views into the address's text, which lives as long as the simulation.
  std::string_view id() const { return e_ != nullptr ? e_->id() : std::string_view(); }
  std::string_view host() const { return e_ != nullptr ? e_->host() : std::string_view(); }
  std::uint16_t port() const { return e_ != nullptr ? e_->port : 0; }
  // "slave(1)@agent-1:5051", or "" for none.
  const std::string& str() const { return e_ != nullptr ? e_->full : empty(); }

  bool operator==(const Upid& o) const { return e_ == o.e_; }
  // Orders by text, never by pointer value.
  bool operator<(const Upid& o) const { return str() < o.str(); }
  const detail::UpidEntry* entry() const { return e_; }

 private:
  static const std::string& empty() {
    static const std::string kEmpty;
    return kEmpty;
  }
  const detail::UpidEntry* e_ = nullptr;
};

// Hashes an address by its entry, for look-up-only tables: never iterate one, since its
// order would follow pointer values.
struct UpidHash {
  std::size_t operator()(const Upid& u) const noexcept { return std::hash<const void*>{}(u.entry()); }
};

class Message {
 public:
  virtual ~Message() = default;
  // Messages are made and freed by the million: small ones are recycled through free
  // lists of their size (one set per thread) instead of the general allocator.
  static void* operator new(std::size_t size) {
    const std::size_t c = detail::messageClassOf(size);
    if (c >= detail::kMessageClasses) return ::operator new(size);
    if (detail::FreeBlock* b = detail::message_free_lists[c]) {
      detail::message_free_lists[c] = b->next;
      return b;
    }
    return ::operator new((c + 1) * detail::kMessageGrain);
  }
  static void operator delete(void* p, std::size_t size) noexcept {
    if (p == nullptr) return;
    const std::size_t c = detail::messageClassOf(size);
    if (c >= detail::kMessageClasses) {
      ::operator delete(p);  // unsized: clang does not declare the sized one without -fsized-deallocation
      return;
    }
    auto* b = static_cast<detail::FreeBlock*>(p);
    b->next = detail::message_free_lists[c];
    detail::message_free_lists[c] = b;
  }
  virtual std::string_view name() const = 0;
  // The message's fields, for the trace.
  virtual void describe(Fields& /*out*/) const {}
  virtual std::unique_ptr<Message> clone() const = 0;
};

// CRTP helper: `struct PingSlaveMessage : MessageOf<PingSlaveMessage> { static constexpr
// std::string_view kName = "PingSlaveMessage"; ... }`.
template <typename Derived>
class MessageOf : public Message {
 public:
  std::string_view name() const override { return Derived::kName; }
  std::unique_ptr<Message> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived&>(*this));
  }
};

struct Envelope {
  Upid from;
  Upid to;
  std::unique_ptr<Message> body;
  std::uint64_t msg = 0;   // the message's id in the trace, from 1 in send order (Network::send)
  bool duplicate = false;  // a copy made by a duplicate fault, not the message as sent
};

}  // namespace agentsim::sim
