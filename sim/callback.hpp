#pragma once
// The work of a kernel event: a move-only void() callable. A closure of up to kInline
// bytes (a `this` and a few ids, the common case) lives in place, with no allocation;
// a larger one (or one that may throw when moved) is kept on the heap. Unlike
// std::function it needs no copy, and moving or destroying a trivially copyable closure
// calls nothing. Anything callable converts to it, a std::function included.
#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace agentsim::sim {

class Callback {
 public:
  static constexpr std::size_t kInline = 24;

  Callback() = default;
  template <typename F, typename D = std::decay_t<F>,
            typename = std::enable_if_t<!std::is_same_v<D, Callback> && std::is_invocable_r_v<void, D&>>>
  Callback(F&& f) {  // NOLINT(google-explicit-constructor): a lambda converts, as to std::function
    if constexpr (fitsInline<D>()) {
      ::new (static_cast<void*>(buf_)) D(std::forward<F>(f));
      ops_ = &inlineOps<D>;
    } else {
      D* heap = new D(std::forward<F>(f));
      std::memcpy(buf_, &heap, sizeof(heap));
      ops_ = &heapOps<D>;
    }
  }
  Callback(Callback&& o) noexcept { take(o); }
  Callback& operator=(Callback&& o) noexcept {
    if (this != &o) {
      reset();
      take(o);
    }
    return *this;
  }
  Callback(const Callback&) = delete;
  Callback& operator=(const Callback&) = delete;
  ~Callback() { reset(); }

  explicit operator bool() const { return ops_ != nullptr; }
  void operator()() { ops_->invoke(buf_); }
  __attribute__((always_inline)) void reset() {
    if (ops_ != nullptr && ops_->destroy != nullptr) ops_->destroy(buf_);
    ops_ = nullptr;
  }

 private:
  struct Ops {
    void (*invoke)(void* buf);
    void (*relocate)(void* to, void* from);  // null: a byte copy moves it
    void (*destroy)(void* buf);               // null: nothing to do
  };
  template <typename D>
  static constexpr bool fitsInline() {
    return sizeof(D) <= kInline && alignof(D) <= alignof(void*) && std::is_nothrow_move_constructible_v<D>;
  }
  template <typename D>
  static constexpr bool trivial() {
    return std::is_trivially_copyable_v<D> && std::is_trivially_destructible_v<D>;
  }
  template <typename D>
  static D* inPlace(void* buf) {
    return std::launder(static_cast<D*>(buf));
  }
  template <typename D>
  static D* onHeap(void* buf) {
    D* p;
    std::memcpy(&p, buf, sizeof(p));
    return p;
  }
  template <typename D>
  static constexpr Ops inlineOps{
      [](void* buf) { (*inPlace<D>(buf))(); },
      trivial<D>() ? nullptr
                   : +[](void* to, void* from) {
                       ::new (to) D(std::move(*inPlace<D>(from)));
                       inPlace<D>(from)->~D();
                     },
      trivial<D>() ? nullptr : +[](void* buf) { inPlace<D>(buf)->~D(); }};
  template <typename D>
  static constexpr Ops heapOps{[](void* buf) { (*onHeap<D>(buf))(); }, nullptr,
                               [](void* buf) { delete onHeap<D>(buf); }};

  void take(Callback& o) noexcept {
    ops_ = o.ops_;
    if (ops_ == nullptr) return;
    if (ops_->relocate != nullptr) {
      ops_->relocate(buf_, o.buf_);
    } else {
      std::memcpy(buf_, o.buf_, kInline);
    }
    o.ops_ = nullptr;
  }

  const Ops* ops_ = nullptr;
  alignas(void*) unsigned char buf_[kInline];
};

}  // namespace agentsim::sim
