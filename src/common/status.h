// Status and Result<T>: errors as values on the request path.
//
// A Status is either OK or carries an error Code and a message. The codes
// name the kinds of error a DynamoDB client can see (ValidationException,
// ResourceNotFoundException, ...) plus a few internal kinds (IOError,
// Corruption) that the protocol layer reports as InternalServerError. The one
// place that turns a Code into DynamoDB's `__type`, HTTP status and wire
// message is protocol/errors.cc.
//
// Thread-safety: Status and Result are values; distinct objects may be used
// from different threads freely, a single object needs external
// synchronisation like any std type.
#pragma once

#include <cassert>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace stator {

// DO NOT reorder: values are persisted nowhere, but tests and logs name them.
enum class Code : unsigned char {
  kOk = 0,
  kValidation,                  // ValidationException, 400
  kSerialization,               // SerializationException, 400
  kUnknownOperation,            // UnknownOperationException, 400
  kMissingAuthenticationToken,  // MissingAuthenticationTokenException, 400
  kResourceNotFound,            // ResourceNotFoundException, 400
  kResourceInUse,               // ResourceInUseException, 400
  kConditionalCheckFailed,      // ConditionalCheckFailedException, 400
  kLimitExceeded,               // LimitExceededException, 400
  kRequestTooLarge,             // 413 Request Entity Too Large
  kItemCollectionSizeLimitExceeded,
  kTransactionCanceled,
  kTransactionConflict,
  kTransactionInProgress,
  kIdempotentParameterMismatch,
  kProvisionedThroughputExceeded,
  kThrottling,
  kAccessDenied,
  kUnrecognizedClient,
  kInvalidSignature,
  kIncompleteSignature,
  kExpiredIterator,                 // ExpiredIteratorException (Streams), 400
  kTrimmedDataAccess,               // TrimmedDataAccessException (Streams), 400
  kTableNotFound,                   // TableNotFoundException (backups, PITR), 400
  kTableAlreadyExists,              // TableAlreadyExistsException (restores), 400
  kBackupNotFound,                  // BackupNotFoundException, 400
  kPointInTimeRecoveryUnavailable,  // PointInTimeRecoveryUnavailableException, 400
  kInvalidRestoreTime,              // InvalidRestoreTimeException, 400
  kExportNotFound,                  // ExportNotFoundException, 400
  kInvalidExportTime,               // InvalidExportTimeException, 400
  kExportConflict,                  // ExportConflictException, 400
  kDuplicateItem,                   // DuplicateItemException (PartiQL INSERT), 400
  kInternal,                        // InternalServerError, 500
  kIOError,                         // storage I/O failure -> InternalServerError
  kCorruption,                      // persisted data failed to decode -> InternalServerError
  kNotFound,                        // internal "no such record"; never sent as is
  kAborted,                         // internal "lost a race, retry"; never sent as is
};

// Extra, typed facts an error carries to the wire (e.g. the item returned by
// a failed condition). The protocol layer knows the concrete types.
class ErrorDetail {
 public:
  virtual ~ErrorDetail() = default;
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK; costs nothing
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  static Status Validation(std::string msg) { return {Code::kValidation, std::move(msg)}; }
  static Status Serialization(std::string msg) { return {Code::kSerialization, std::move(msg)}; }
  static Status ResourceNotFound(std::string msg) {
    return {Code::kResourceNotFound, std::move(msg)};
  }
  static Status ResourceInUse(std::string msg) { return {Code::kResourceInUse, std::move(msg)}; }
  static Status LimitExceeded(std::string msg) { return {Code::kLimitExceeded, std::move(msg)}; }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }
  static Status IOError(std::string msg) { return {Code::kIOError, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status NotFound(std::string msg = {}) { return {Code::kNotFound, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsValidation() const { return code_ == Code::kValidation; }

  // Marks a deliberately ignored status; greppable.
  void IgnoreError() const {}

  Status WithDetail(std::shared_ptr<const ErrorDetail> detail) && {
    detail_ = std::move(detail);
    return std::move(*this);
  }
  const ErrorDetail* detail() const { return detail_.get(); }

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::shared_ptr<const ErrorDetail> detail_;
};

// Either a value or an error Status (never an OK status).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return v_.index() == 0; }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace stator

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define STATOR_RETURN_IF_ERROR(expr) \
  do {                               \
    ::stator::Status _st = (expr);   \
    if (!_st.ok()) return _st;       \
  } while (0)

#define STATOR_CONCAT_INNER(a, b) a##b
#define STATOR_CONCAT(a, b) STATOR_CONCAT_INNER(a, b)
// `STATOR_ASSIGN_OR_RETURN(auto x, F())` binds the value or returns the error.
#define STATOR_ASSIGN_OR_RETURN(lhs, expr)                                                  \
  auto STATOR_CONCAT(_res_, __LINE__) = (expr);                                             \
  if (!STATOR_CONCAT(_res_, __LINE__).ok()) return STATOR_CONCAT(_res_, __LINE__).status(); \
  lhs = std::move(STATOR_CONCAT(_res_, __LINE__)).value()
