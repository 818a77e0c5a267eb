#include "http/session.h"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <exception>
#include <iterator>
#include <string_view>
#include <type_traits>
#include <utility>

#include "http/response_head.h"
#include "http/tls.h"

namespace stator::http::internal {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// SigV4 headers and long presigned targets can outgrow Beast's 8 KiB default.
constexpr uint32_t kHeaderLimit = 64 * 1024;
// When the server closes a connection the peer may still be sending on, how
// long to keep reading (and discarding) its input. Closing a socket with
// unread input makes the kernel send a reset, and a reset can destroy the
// response before the peer has read it.
constexpr std::chrono::seconds kDrainTimeout{2};
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// Completion token for co_await that reports errors in `ec` instead of
// throwing: network errors are expected input, not exceptional.
auto Await(beast::error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

// Errors that mean the bytes received are not HTTP, as opposed to the
// connection ending or timing out.
bool IsMalformed(const beast::error_code& ec) {
  if (ec.category() != bhttp::make_error_code(bhttp::error::bad_method).category()) {
    return false;
  }
  switch (static_cast<bhttp::error>(ec.value())) {
    case bhttp::error::bad_line_ending:
    case bhttp::error::bad_method:
    case bhttp::error::bad_target:
    case bhttp::error::bad_version:
    case bhttp::error::bad_status:
    case bhttp::error::bad_reason:
    case bhttp::error::bad_field:
    case bhttp::error::bad_value:
    case bhttp::error::bad_content_length:
    case bhttp::error::bad_transfer_encoding:
    case bhttp::error::bad_chunk:
    case bhttp::error::bad_chunk_extension:
    case bhttp::error::bad_obs_fold:
      return true;
    default:
      return false;
  }
}

bool ExpectsContinue(const bhttp::request_header<>& header) {
  return header.version() >= 11 && beast::iequals(header[bhttp::field::expect], "100-continue");
}

bool AsksToClose(const Response& response) {
  for (const auto& [name, value] : response.headers) {
    if (!beast::iequals(name, "Connection")) continue;
    for (auto token : bhttp::token_list{value}) {
      if (beast::iequals(token, "close")) return true;
    }
  }
  return false;
}

// Calls a Handler, turning an exception into an empty 500 so one bad request
// cannot take the connection's thread down.
Response CallHandler(const Handler& handler, const Request& request) {
  Response response;
  try {
    handler(request, response);
  } catch (const std::exception& e) {
    spdlog::error("http: handler threw on {} {}: {}", request.method, request.target, e.what());
    response = Response();
    response.status = 500;
  } catch (...) {
    spdlog::error("http: handler threw a non-exception on {} {}", request.method, request.target);
    response = Response();
    response.status = 500;
  }
  return response;
}

// Frames `response` for the wire. Throws std::invalid_argument for a
// response HTTP cannot carry (bad status, body on a 204/304).
bhttp::response<bhttp::string_body> Encode(Response&& response, unsigned version, bool keep_alive,
                                           bool head_request) {
  // 1xx would make the client wait for a second, final response.
  if (response.status < 200 || response.status > 999) {
    throw std::invalid_argument("status " + std::to_string(response.status));
  }
  bhttp::response<bhttp::string_body> out;
  out.version(version);
  out.result(static_cast<unsigned>(response.status));
  for (auto& [name, value] : response.headers) {
    if (beast::iequals(name, "Content-Length") || beast::iequals(name, "Transfer-Encoding")) {
      continue;
    }
    out.insert(name, value);
  }
  out.body() = std::move(response.body);
  out.keep_alive(keep_alive && !AsksToClose(response));
  out.prepare_payload();
  // A response to HEAD announces the length of the body it does not carry.
  if (head_request) out.body().clear();
  return out;
}

bhttp::response<bhttp::string_body> EmptyResponse(unsigned status, unsigned version,
                                                  bool keep_alive) {
  bhttp::response<bhttp::string_body> out;
  out.version(version);
  out.result(status);
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

template <class Stream>
constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

template <class Stream>
Stream MakeStream(tcp::socket socket, const SessionContext& context) {
  if constexpr (kIsTls<Stream>) {
    return Stream(std::move(socket), *context.tls);
  } else {
    return Stream(std::move(socket));
  }
}

}  // namespace

template <class Stream>
BasicSession<Stream>::BasicSession(tcp::socket socket, const SessionContext& context)
    : strand_(socket.get_executor()),
      stream_(MakeStream<Stream>(std::move(socket), context)),
      context_(context) {
  beast::error_code ec;
  tcp::endpoint peer = Tcp().socket().remote_endpoint(ec);
  if (ec) return;  // peer already gone; the first read will notice
  asio::ip::address address = peer.address();
  // On a dual-stack "::" listener IPv4 peers arrive as ::ffff:a.b.c.d; report
  // the address the client knows itself by.
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  remote_address_ = address.to_string();
  remote_port_ = peer.port();
}

template <class Stream>
beast::tcp_stream& BasicSession<Stream>::Tcp() {
  return beast::get_lowest_layer(stream_);
}

template <class Stream>
void BasicSession<Stream>::RequestStop() {
  asio::post(strand_, [self = shared_from_this(), this] {
    stop_requested_ = true;
    // A read in progress for a request that has not started cannot be
    // finished gracefully; one that has started runs to its response.
    if (waiting_for_request_) Tcp().cancel();
  });
}

template <class Stream>
void BasicSession<Stream>::ForceClose() {
  asio::post(strand_, [self = shared_from_this(), this] { Tcp().close(); });
}

template <class Stream>
bool BasicSession<Stream>::Stopping() const {
  return stop_requested_ || context_.stopping.load(std::memory_order_acquire);
}

template <class Stream>
asio::awaitable<void> BasicSession<Stream>::Run() {
  if (!co_await Handshake()) {
    Tcp().close();
    co_return;
  }
  Outcome outcome;
  do {
    outcome = co_await ServeOne();
  } while (outcome == Outcome::kKeepAlive);
  co_await Close(outcome == Outcome::kDrainAndClose);
}

template <class Stream>
asio::awaitable<bool> BasicSession<Stream>::Handshake() {
  if constexpr (!kIsTls<Stream>) {
    co_return true;
  } else {
    if (Stopping()) co_return false;
    beast::error_code ec;
    // Like a wait for a request, the handshake is cut short by a stop and
    // bounded by the idle timeout, so a silent client cannot hold the
    // connection.
    waiting_for_request_ = true;
    Tcp().expires_after(context_.options.idle_timeout);
    co_await stream_.async_handshake(asio::ssl::stream_base::server, Await(ec));
    waiting_for_request_ = false;
    if (ec) {
      spdlog::debug("http: TLS handshake with {} failed: {}", remote_address_, ec.message());
      co_return false;
    }
    handshake_done_ = true;
    co_return true;
  }
}

template <class Stream>
asio::awaitable<void> BasicSession<Stream>::Close(bool drain) {
  if constexpr (kIsTls<Stream>) {
    // A client can then tell the server's close from a truncation. Skipped
    // when the socket is already closed (a timeout or ForceClose).
    if (handshake_done_ && Tcp().socket().is_open()) {
      co_await SendCloseNotify(stream_, kDrainTimeout);
    }
  }
  if (drain && Tcp().socket().is_open()) {
    co_await DrainAndClose();
  } else {
    Tcp().close();
  }
}

template <class Stream>
asio::awaitable<typename BasicSession<Stream>::Outcome> BasicSession<Stream>::ServeOne() {
  if (Stopping()) co_return Outcome::kClose;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(context_.options.body_limit);

  beast::error_code ec;
  waiting_for_request_ = true;
  Tcp().expires_after(context_.options.idle_timeout);
  co_await bhttp::async_read_header(stream_, buffer_, parser, Await(ec));
  waiting_for_request_ = false;
  if (!ec && !parser.is_done()) {
    // Sent only now: the header passed the body limit check, so the client
    // is told to go ahead only with a body the server will accept.
    if (ExpectsContinue(parser.get())) ec = co_await WriteContinue();
    if (!ec) {
      Tcp().expires_after(context_.options.idle_timeout);
      co_await bhttp::async_read(stream_, buffer_, parser, Await(ec));
    }
  }
  if (ec) co_return co_await AnswerReadError(ec, parser.get());

  bhttp::request<bhttp::string_body> message = parser.release();
  Request request = ToRequest(message, std::move(message.body()));
  Response response = CallHandler(context_.handler, request);
  bool keep_alive = message.keep_alive() && !Stopping();
  std::string head;
  if (message.version() == 11 && message.method() != bhttp::verb::head &&
      RenderResponseHead(response, keep_alive, &head)) {
    // The common case, without a Beast message: the same bytes (response_head.h).
    ec = co_await WriteRaw(head, response.body);
  } else {
    auto out = ToWire(std::move(response), message.version(), keep_alive,
                      message.method() == bhttp::verb::head);
    ec = co_await Write(out);
    keep_alive = out.keep_alive();
  }
  if (ec) co_return Outcome::kClose;
  // Stopping() again: Stop() may have come while the response was written.
  if (keep_alive && !Stopping()) co_return Outcome::kKeepAlive;
  co_return HasUnreadInput() ? Outcome::kDrainAndClose : Outcome::kClose;
}

template <class Stream>
asio::awaitable<typename BasicSession<Stream>::Outcome> BasicSession<Stream>::AnswerReadError(
    beast::error_code ec, const BeastRequest& partial) {
  bhttp::response<bhttp::string_body> out;
  if (ec == bhttp::error::body_limit) {
    // The header is complete (the limit is checked after it), the body is
    // not, and the handler gets none of it.
    Request request = ToRequest(partial, std::string());
    Response response = CallHandler(context_.too_large, request);
    out = ToWire(std::move(response), partial.version(), false,
                 partial.method() == bhttp::verb::head);
  } else if (ec == bhttp::error::header_limit) {
    out = EmptyResponse(431, 11, false);
  } else if (IsMalformed(ec)) {
    spdlog::debug("http: malformed request from {}: {}", remote_address_, ec.message());
    out = EmptyResponse(400, 11, false);
  } else {
    // The peer left, went quiet, broke TLS, or the server is stopping:
    // nobody to answer.
    co_return Outcome::kClose;
  }
  ec = co_await Write(out);
  // The rest of the request may still be on its way.
  co_return ec ? Outcome::kClose : Outcome::kDrainAndClose;
}

template <class Stream>
typename BasicSession<Stream>::BeastResponse BasicSession<Stream>::ToWire(Response&& response,
                                                                          unsigned version,
                                                                          bool keep_alive,
                                                                          bool head_request) const {
  try {
    return Encode(std::move(response), version, keep_alive, head_request);
  } catch (const std::exception& e) {
    spdlog::error("http: handler built an unsendable response: {}", e.what());
    return EmptyResponse(500, version, keep_alive);
  }
}

template <class Stream>
Request BasicSession<Stream>::ToRequest(const BeastRequest& header, std::string body) const {
  Request request;
  request.method = std::string(header.method_string());
  request.target = std::string(header.target());
  request.headers.reserve(std::distance(header.begin(), header.end()));
  for (const auto& field : header) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(body);
  request.remote_address = remote_address_;
  request.remote_port = remote_port_;
  return request;
}

template <class Stream>
asio::awaitable<beast::error_code> BasicSession<Stream>::WriteContinue() {
  beast::error_code ec;
  Tcp().expires_after(context_.options.idle_timeout);
  co_await asio::async_write(stream_, asio::buffer(kContinue), Await(ec));
  co_return ec;
}

template <class Stream>
asio::awaitable<beast::error_code> BasicSession<Stream>::Write(BeastResponse& response) {
  beast::error_code ec;
  Tcp().expires_after(context_.options.idle_timeout);
  co_await bhttp::async_write(stream_, response, Await(ec));
  co_return ec;
}

template <class Stream>
asio::awaitable<beast::error_code> BasicSession<Stream>::WriteRaw(const std::string& head,
                                                                  const std::string& body) {
  beast::error_code ec;
  Tcp().expires_after(context_.options.idle_timeout);
  std::array<asio::const_buffer, 2> buffers = {asio::buffer(head), asio::buffer(body)};
  co_await asio::async_write(stream_, buffers, Await(ec));
  co_return ec;
}

template <class Stream>
bool BasicSession<Stream>::HasUnreadInput() {
  beast::error_code ec;
  return buffer_.size() > 0 || Tcp().socket().available(ec) > 0;
}

template <class Stream>
asio::awaitable<void> BasicSession<Stream>::DrainAndClose() {
  beast::error_code ec;
  Tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
  // Read until the peer closes its side too (it has our FIN now) or the
  // drain time runs out; the timeout closes the socket. Under TLS the bytes
  // are read below it: they are discarded unread anyway.
  Tcp().expires_after(kDrainTimeout);
  std::array<char, 4096> sink;
  while (!ec) {
    co_await Tcp().async_read_some(asio::buffer(sink), Await(ec));
  }
  Tcp().close();
}

std::shared_ptr<Session> NewSession(tcp::socket socket, const SessionContext& context) {
  if (context.tls != nullptr) {
    return std::make_shared<BasicSession<TlsStream>>(std::move(socket), context);
  }
  return std::make_shared<BasicSession<beast::tcp_stream>>(std::move(socket), context);
}

}  // namespace stator::http::internal
