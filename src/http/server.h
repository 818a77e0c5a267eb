// An HTTP/1.1 server that turns each complete request into one call of a
// Handler. It knows nothing about DynamoDB: routing, authentication, error
// bodies and header policy all belong to the Handler.
//
// What the server does on its own:
//   * keep-alive and pipelining; responses leave in request order;
//   * Content-Length and chunked request bodies, decoded before the Handler
//     sees them;
//   * `Expect: 100-continue`: the interim response is sent only once the
//     headers show the body is acceptable, so an over-limit upload is refused
//     before the client sends it;
//   * a body over `body_limit` gets the response built by the too-large
//     Handler, then the connection closes;
//   * malformed HTTP gets an empty 400 (oversized headers an empty 431), then
//     the connection closes;
//   * a connection with no progress for `idle_timeout` is closed;
//   * with a TLS certificate and key, every connection is HTTPS (TLS 1.2 or
//     newer) and all of the above holds inside TLS; the handshake counts as
//     one step for `idle_timeout`; a client that fails it (one speaking plain
//     HTTP included) is dropped without an answer; a connection the server
//     closes gets a TLS close_notify first.
// The only headers it adds are Content-Length and Connection; it never adds
// a Server or Date header.
//
// Thread-safety: call Start() once, then Run() once (Run() may be on another
// thread). Stop(), port(), host() and tls() may be called from any thread at any
// time after construction. Handlers run concurrently on the I/O threads, so they must be
// thread-safe; requests on one connection are never handled concurrently.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace stator::http {

struct Request {
  std::string method;  // "POST", "GET", "OPTIONS", ...
  std::string target;  // "/", "/_stator/health?x=1", ...
  // In arrival order, names spelled as the client sent them. Framing headers
  // (Content-Length, Transfer-Encoding) are kept for the record, but `body`
  // is already decoded.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address;  // peer IP, e.g. "127.0.0.1" or "::1"
  uint16_t remote_port = 0;

  // The value of the first header called `name` (ASCII case-insensitive),
  // or "" if absent. The view lives as long as this Request.
  std::string_view Header(std::string_view name) const;
};

struct Response {
  int status = 200;  // outside 200..999 is a Handler bug, sent as 500
  // Sent in order. Content-Length and Transfer-Encoding set here are
  // replaced: the server frames the body itself. `Connection: close` is
  // honoured by closing after this response.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Builds the response to one request. Runs on an I/O thread, so it must not
// block for long, and it must be thread-safe. An exception it throws is
// logged and answered with an empty 500; the server keeps running.
using Handler = std::function<void(const Request&, Response&)>;

struct ServerOptions {
  // A numeric address or a name to resolve ("localhost"); "0.0.0.0" or "::"
  // listens on every interface.
  std::string host = "127.0.0.1";
  uint16_t port = 8000;  // 0 picks a free port; see Server::port()
  int threads = 0;       // I/O threads; 0 means hardware_concurrency()
  // Largest decoded request body accepted. Checked against Content-Length
  // before any of the body is read, and while a chunked body arrives.
  size_t body_limit = 16 * 1024 * 1024;
  // How long one step of a connection may take: waiting for the next
  // request, receiving one request, or sending one response.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(300);
  // How long Stop() lets in-flight requests finish before closing their
  // connections anyway.
  std::chrono::milliseconds shutdown_timeout = std::chrono::seconds(30);
  // Signals (e.g. SIGINT, SIGTERM) that call Stop(); empty installs no
  // handler. Asio routes them to an I/O thread, so Stop() never runs in
  // async-signal context.
  std::vector<int> stop_signals;
  // HTTPS: a PEM file holding the server certificate followed by any
  // intermediate certificates, and a PEM file holding its private key (not
  // passphrase-protected). Both empty serves plain HTTP; otherwise the port
  // speaks only TLS. Start() loads them.
  std::string tls_certificate_file;
  std::string tls_private_key_file;
};

class Server {
 public:
  // `too_large` builds the response for a request whose body is over
  // `body_limit`; it sees the method, target and headers, with an empty
  // body. An empty `too_large` sends an empty 413.
  Server(ServerOptions options, Handler handler, Handler too_large);
  // Call only when Run() is not running (it has returned or never started).
  ~Server();

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the TLS certificate and key, if any, then binds and listens.
  // Fails with an IOError naming the file and OpenSSL's reason when the
  // certificate or key is missing, unreadable, malformed or mismatched (a
  // Validation error when only one of the two is given), or naming the
  // address, e.g. when the port is in use. Connections queue in the backlog
  // until Run().
  Status Start();

  // The bound port once Start() succeeded (the chosen one if options.port
  // was 0), else 0.
  uint16_t port() const;
  const std::string& host() const;
  // Whether connections speak TLS (the options name a certificate and key).
  bool tls() const;

  // Serves on `threads` I/O threads, the calling thread being one of them,
  // and returns once Stop() has completed. Returns at once if Start() failed
  // or was never called.
  void Run();

  // Graceful shutdown: stop accepting, close idle connections, let requests
  // already being received or handled get their response (sent with
  // `Connection: close`), then let Run() return. After `shutdown_timeout`
  // the remaining connections are closed regardless. Idempotent, never
  // blocks, callable from any thread including a Handler.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stator::http
