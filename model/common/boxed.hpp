#pragma once
// Boxed<T>: an optional value kept on the heap, for a field that is rarely set (an
// error, a pending termination, a launch not answered yet). It is one pointer (8 bytes)
// where std::optional<T> is sizeof(T) and more, in a record of which there is one per
// task or executor. It reads as std::optional does (bool, *, ->, reset, assignment of a
// T) and copies its value, not the pointer.
#include <memory>
#include <utility>

namespace agentsim::model {

template <typename T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(const Boxed& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(const Boxed& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  Boxed& operator=(Boxed&&) noexcept = default;
  Boxed& operator=(T value) {
    if (p_) {
      *p_ = std::move(value);
    } else {
      p_ = std::make_unique<T>(std::move(value));
    }
    return *this;
  }
  ~Boxed() = default;

  explicit operator bool() const { return p_ != nullptr; }
  bool has_value() const { return p_ != nullptr; }
  T& operator*() { return *p_; }
  const T& operator*() const { return *p_; }
  T* operator->() { return p_.get(); }
  const T* operator->() const { return p_.get(); }
  void reset() { p_.reset(); }

 private:
  std::unique_ptr<T> p_;
};

}  // namespace agentsim::model
