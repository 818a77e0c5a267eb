// The one place that turns a Status into DynamoDB's error response: the
// `__type` string (each error has its own namespace prefix), the HTTP status
// and the body. SerializationException, TransactionCanceledException,
// TransactionInProgressException and IdempotentParameterMismatchException
// carry their text under "Message" (as DynamoDB's model names it); every other
// error under "message"; some errors carry no text at all.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "common/status.h"

namespace stator::protocol {

struct ErrorResponse {
  int http_status = 400;
  std::string body;  // JSON
};

ErrorResponse RenderError(const Status& status);
// The `__type` string for `code`.
std::string ErrorType(Code code);

}  // namespace stator::protocol
