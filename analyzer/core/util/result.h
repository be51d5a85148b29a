#pragma once
// Result<T>: the value or an Error, shaped like std::expected (g++ 12 has none).
// Expected failures travel as Results; exceptions never cross module APIs.
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace sm {

// What kind of failure, so callers can decide without parsing messages.
enum class ErrorKind {
  bad_input,      // the input is malformed or not what it claims to be
  io,             // the OS refused (open/read/write)
  limit,          // a safety limit was exceeded (sizes, counts, nesting)
  truncated,      // the input ends early (in-progress log, cut-off download); data before it is good
  unsupported,    // valid but not something we read (yet)
  internal,       // a bug or an unexpected library failure
};

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;  // one line; names the file/line/field when known

  static Error bad_input(std::string m) { return {ErrorKind::bad_input, std::move(m)}; }
  static Error io(std::string m) { return {ErrorKind::io, std::move(m)}; }
  static Error limit(std::string m) { return {ErrorKind::limit, std::move(m)}; }
  static Error truncated(std::string m) { return {ErrorKind::truncated, std::move(m)}; }
  static Error unsupported(std::string m) { return {ErrorKind::unsupported, std::move(m)}; }
  static Error internal(std::string m) { return {ErrorKind::internal, std::move(m)}; }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(v_); }
  Error&& take_error() { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : err_(std::move(error)), has_error_(true) {}  // NOLINT
  bool ok() const { return !has_error_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { assert(has_error_); return err_; }
  Error&& take_error() { assert(has_error_); return std::move(err_); }

 private:
  Error err_;
  bool has_error_ = false;
};

using Status = Result<void>;

inline Status ok_status() { return {}; }

}  // namespace sm

// Propagate an error from an expression returning Result/Status. The temporary's name is
// unique per use so nested uses do not shadow each other.
#define SM_TRY_CONCAT2(a, b) a##b
#define SM_TRY_CONCAT(a, b) SM_TRY_CONCAT2(a, b)
#define SM_TRY_IMPL(var, expr)              \
  do {                                      \
    auto var = (expr);                      \
    if (!var.ok()) return var.take_error(); \
  } while (0)
#define SM_TRY(expr) SM_TRY_IMPL(SM_TRY_CONCAT(sm_try_r_, __COUNTER__), expr)
