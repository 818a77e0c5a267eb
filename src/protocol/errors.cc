#include "protocol/errors.h"

#include <nlohmann/json.hpp>

#include "ops/conditions.h"
#include "ops/transactions.h"
#include "protocol/attribute_value_json.h"
#include "protocol/transact_json.h"

namespace stator::protocol {
namespace {

constexpr const char* kCoralService = "com.amazon.coral.service#";
constexpr const char* kDynamo = "com.amazonaws.dynamodb.v20120810#";

// The member DynamoDB's model names for the text: "Message" for these
// errors, "message" for every other one.
const char* MessageKey(Code code) {
  switch (code) {
    case Code::kSerialization:
    case Code::kTransactionCanceled:
    case Code::kTransactionInProgress:
    case Code::kIdempotentParameterMismatch:
    case Code::kAccessDenied:
      return "Message";
    default:
      return "message";
  }
}

}  // namespace

std::string ErrorType(Code code) {
  switch (code) {
    case Code::kValidation:
      return "com.amazon.coral.validate#ValidationException";
    case Code::kSerialization:
      return std::string(kCoralService) + "SerializationException";
    case Code::kUnknownOperation:
      return std::string(kCoralService) + "UnknownOperationException";
    case Code::kMissingAuthenticationToken:
      return std::string(kCoralService) + "MissingAuthenticationTokenException";
    case Code::kAccessDenied:
      return std::string(kCoralService) + "AccessDeniedException";
    case Code::kUnrecognizedClient:
      return std::string(kCoralService) + "UnrecognizedClientException";
    case Code::kInvalidSignature:
      return std::string(kCoralService) + "InvalidSignatureException";
    case Code::kIncompleteSignature:
      return std::string(kCoralService) + "IncompleteSignatureException";
    case Code::kThrottling:
      return "com.amazon.coral.availability#ThrottlingException";
    case Code::kResourceNotFound:
      return std::string(kDynamo) + "ResourceNotFoundException";
    case Code::kResourceInUse:
      return std::string(kDynamo) + "ResourceInUseException";
    case Code::kConditionalCheckFailed:
      return std::string(kDynamo) + "ConditionalCheckFailedException";
    case Code::kLimitExceeded:
      return std::string(kDynamo) + "LimitExceededException";
    case Code::kItemCollectionSizeLimitExceeded:
      return std::string(kDynamo) + "ItemCollectionSizeLimitExceededException";
    case Code::kExpiredIterator:
      return std::string(kDynamo) + "ExpiredIteratorException";
    case Code::kTrimmedDataAccess:
      return std::string(kDynamo) + "TrimmedDataAccessException";
    case Code::kTableNotFound:
      return std::string(kDynamo) + "TableNotFoundException";
    case Code::kTableAlreadyExists:
      return std::string(kDynamo) + "TableAlreadyExistsException";
    case Code::kBackupNotFound:
      return std::string(kDynamo) + "BackupNotFoundException";
    case Code::kPointInTimeRecoveryUnavailable:
      return std::string(kDynamo) + "PointInTimeRecoveryUnavailableException";
    case Code::kInvalidRestoreTime:
      return std::string(kDynamo) + "InvalidRestoreTimeException";
    case Code::kExportNotFound:
      return std::string(kDynamo) + "ExportNotFoundException";
    case Code::kInvalidExportTime:
      return std::string(kDynamo) + "InvalidExportTimeException";
    case Code::kDuplicateItem:
      return std::string(kDynamo) + "DuplicateItemException";
    case Code::kExportConflict:
      return std::string(kDynamo) + "ExportConflictException";
    case Code::kTransactionCanceled:
      return std::string(kDynamo) + "TransactionCanceledException";
    case Code::kTransactionConflict:
      return std::string(kDynamo) + "TransactionConflictException";
    case Code::kTransactionInProgress:
      return std::string(kDynamo) + "TransactionInProgressException";
    case Code::kIdempotentParameterMismatch:
      return std::string(kDynamo) + "IdempotentParameterMismatchException";
    case Code::kProvisionedThroughputExceeded:
      return std::string(kDynamo) + "ProvisionedThroughputExceededException";
    case Code::kOk:
    case Code::kRequestTooLarge:
    case Code::kInternal:
    case Code::kIOError:
    case Code::kCorruption:
    case Code::kNotFound:
    case Code::kAborted:
      break;
  }
  return std::string(kDynamo) + "InternalServerError";
}

ErrorResponse RenderError(const Status& status) {
  ErrorResponse out;
  nlohmann::json body = nlohmann::json::object();
  body["__type"] = ErrorType(status.code());
  switch (status.code()) {
    case Code::kRequestTooLarge:
      out.http_status = 413;
      out.body.clear();
      return out;
    case Code::kInternal:
    case Code::kIOError:
    case Code::kCorruption:
    case Code::kNotFound:
    case Code::kAborted:
      // Storage details stay in the server's log, as DynamoDB's do.
      out.http_status = 500;
      body["message"] = "Internal server error";
      out.body = body.dump();
      return out;
    default:
      break;
  }
  if (!status.message().empty()) {
    body[MessageKey(status.code())] = status.message();
  }
  if (const auto* failed = dynamic_cast<const ops::ConditionFailedDetail*>(status.detail())) {
    if (failed->item) body["Item"] = EncodeItem(*failed->item);
  }
  if (const auto* canceled = dynamic_cast<const ops::TransactionCanceledDetail*>(status.detail())) {
    body["CancellationReasons"] = EncodeCancellationReasons(canceled->reasons);
  }
  out.body = body.dump();
  return out;
}

}  // namespace stator::protocol
