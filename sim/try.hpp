#pragma once
// Try<T>: a value or an error message, after stout's Try. User mistakes are values.
#include <string>
#include <utility>
#include <variant>

namespace agentsim::sim {

struct Error {
  std::string message;
};

struct Nothing {};

template <typename T>
class [[nodiscard]] Try {
 public:
  Try(T value) : v_(std::move(value)) {}            // NOLINT(google-explicit-constructor)
  Try(Error error) : v_(std::move(error)) {}        // NOLINT(google-explicit-constructor)

  bool isError() const { return std::holds_alternative<Error>(v_); }
  bool isSome() const { return !isError(); }
  const T& get() const& { return std::get<T>(v_); }
  T& get() & { return std::get<T>(v_); }
  T&& get() && { return std::get<T>(std::move(v_)); }
  const T& operator*() const& { return get(); }
  const T* operator->() const { return &get(); }
  const std::string& error() const { return std::get<Error>(v_).message; }

 private:
  std::variant<T, Error> v_;
};

}  // namespace agentsim::sim
