// Status and Result<T>: how every public tokrec call reports failure.
// No exception crosses the library's API edge; user mistakes (bad files, bad
// options) come back as a Status with a message that names the problem.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace tokrec {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // the caller passed something unusable (options, text)
  kNotFound,         // a file, key or token that should exist does not
  kIoError,          // the OS refused a read or write
  kParseError,       // a file exists but its content is malformed
  kOutOfRange,
  kInternal,         // a bug in tokrec: please report
};

const char* status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return Status(); }
  static Status invalid_argument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status not_found(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status io_error(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status parse_error(std::string m) { return {StatusCode::kParseError, std::move(m)}; }
  static Status out_of_range(std::string m) { return {StatusCode::kOutOfRange, std::move(m)}; }
  static Status internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool is_ok() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "parse error: vocab.txt line 3: empty token"
  std::string to_string() const;

  // Prefix the message with context, e.g. the file being read.
  Status with_context(const std::string& context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}              // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {}       // NOLINT: implicit by design

  bool is_ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return is_ok(); }

  const T& value() const& { return std::get<T>(data_); }
  T& value() & { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  // OK when a value is held.
  Status status() const { return is_ok() ? Status::ok() : std::get<Status>(data_); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace tokrec

#define TOKREC_CONCAT_INNER_(a, b) a##b
#define TOKREC_CONCAT_(a, b) TOKREC_CONCAT_INNER_(a, b)

// Return the Status from the enclosing function when `expr` is not OK.
#define TOKREC_RETURN_IF_ERROR(expr)            \
  do {                                          \
    ::tokrec::Status tokrec_status_ = (expr);   \
    if (!tokrec_status_.is_ok()) return tokrec_status_; \
  } while (0)

#define TOKREC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.is_ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

// TOKREC_ASSIGN_OR_RETURN(auto vocab, load_vocab(path));
#define TOKREC_ASSIGN_OR_RETURN(lhs, expr) \
  TOKREC_ASSIGN_OR_RETURN_IMPL_(TOKREC_CONCAT_(tokrec_result_, __LINE__), lhs, expr)
