// The head of a response (status line and header block) rendered straight into
// a string, for the common case: the bytes Beast would write for the same
// response, without building a Beast message and serialising it through
// buffer views. Private to the http module (session.cc).
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "http/server.h"

namespace stator::http::internal {

// Renders the head of an HTTP/1.1 answer to a request other than HEAD
// carrying `response`: "HTTP/1.1 <status> <reason>", the response's headers in
// order (Content-Length and Transfer-Encoding dropped, values trimmed of
// spaces and tabs), "Connection: close" unless `keep_alive`, then
// Content-Length. Exactly what session.cc's Beast path sends. Returns false,
// touching nothing, for what only that path handles: a status outside
// 200..999 or without a body (204, 304), a Connection header of the
// handler's, a name or value too long for Beast.
bool RenderResponseHead(const Response& response, bool keep_alive, std::string* head);

}  // namespace stator::http::internal
