// TLS for the http module: the server's OpenSSL context, and the one step a
// TLS connection needs beyond plain HTTP that Asio does not do the way a
// server wants, sending close_notify. Private to the http module; Beast, Asio
// and OpenSSL types stay out of server.h.
//
// Policy: TLS 1.2 and newer only; no TLS compression (CRIME) and no
// renegotiation; TLS 1.2 offers only forward-secret AEAD cipher suites, TLS 1.3
// OpenSSL's default suites (all of them AEAD).
//
// Thread-safety: a context is not modified after MakeServerTlsContext()
// returns, and one context may serve connections on any number of threads
// (OpenSSL allows SSL_new() on a shared SSL_CTX). A TlsStream, like any Asio
// stream, is used from its strand only.
#pragma once

// clang-format off: <utility> must come first, as Boost 1.74's
// awaitable.hpp uses std::exchange without including it.
#include <utility>
// clang-format on

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "common/status.h"

namespace stator::http::internal {

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// A server context holding the certificate chain in `certificate_file` and
// the key in `private_key_file`, both PEM. Fails with an IOError naming the
// file and the reason (the system's for an unreadable file, OpenSSL's for
// bad contents, a passphrase-protected key, or a key that does not belong to
// the certificate).
Result<std::unique_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const std::string& certificate_file, const std::string& private_key_file);

// Sends close_notify on a stream whose handshake completed, giving up after
// `timeout`. Unlike Asio's async_shutdown it does not then wait for the
// peer's close_notify, which an idle client may never send: TLS lets the
// side that closes stop there (RFC 5246 7.2.1, RFC 8446 6.1). Errors are
// ignored; the caller closes the socket either way.
boost::asio::awaitable<void> SendCloseNotify(TlsStream& stream, std::chrono::milliseconds timeout);

}  // namespace stator::http::internal
