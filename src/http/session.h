// Session: one accepted connection, served until it closes. Private to the
// http module; Beast and Asio types stay out of server.h.
//
// A session reads a request, calls the Handler, writes the response, and only
// then reads the next request. Because the Handler is synchronous, reading
// ahead would buy nothing; processing one at a time keeps pipelined
// responses in order by construction, and leaves pipelined requests that are
// not yet served in the kernel's socket buffer, where TCP flow control
// bounds them instead of a queue of ours.
//
// The same code serves plain and TLS connections: BasicSession is a template
// over the stream, and the few steps that differ (the handshake, close_notify)
// are chosen at compile time. The server sees only the Session interface.
//
// Thread-safety: Run() and everything it calls execute on the session's
// strand (the socket's executor). RequestStop() and ForceClose() may be
// called from any thread; they post to that strand.
#pragma once

// clang-format off: <utility> must come first, as Boost 1.74's
// awaitable.hpp uses std::exchange without including it.
#include <utility>
// clang-format on

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <string>

#include "http/server.h"

namespace stator::http::internal {

// What every session shares with the server. The server outlives all
// sessions it starts, so plain references are safe.
struct SessionContext {
  const ServerOptions& options;
  const Handler& handler;
  const Handler& too_large;
  // Set once by Server::Stop(); a session that sees it finishes the request
  // in hand, answers with `Connection: close` and closes.
  const std::atomic<bool>& stopping;
  // Connections speak TLS with this context; null serves plain HTTP. Set
  // before the first connection is accepted, then never changed.
  boost::asio::ssl::context* tls = nullptr;
};

// One connection, as the server manages it.
class Session : public std::enable_shared_from_this<Session> {
 public:
  virtual ~Session() = default;

  // Serves requests until the peer leaves, an error or timeout, or a stop.
  // The caller keeps the Session alive until the returned awaitable ends.
  virtual boost::asio::awaitable<void> Run() = 0;

  // Closes the connection if it is waiting for a request (or in the TLS
  // handshake); otherwise it closes after the response to the current
  // request.
  virtual void RequestStop() = 0;
  // Closes the connection now, abandoning any request in progress.
  virtual void ForceClose() = 0;
};

// A session for `socket`, which must be connected and bound to a strand;
// TLS when `context.tls` is set.
std::shared_ptr<Session> NewSession(boost::asio::ip::tcp::socket socket,
                                    const SessionContext& context);

// The session over one stream type: boost::beast::tcp_stream or
// boost::beast::ssl_stream<boost::beast::tcp_stream>. Defined in session.cc;
// made only through NewSession().
template <class Stream>
class BasicSession final : public Session {
 public:
  BasicSession(boost::asio::ip::tcp::socket socket, const SessionContext& context);

  boost::asio::awaitable<void> Run() override;
  void RequestStop() override;
  void ForceClose() override;

 private:
  using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
  using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

  // How the connection goes on after one request.
  enum class Outcome {
    kKeepAlive,      // read the next request
    kDrainAndClose,  // the peer may still be sending: drain, then close
    kClose,          // close at once
  };

  // The TCP stream under any TLS: timeouts, cancel, close, the socket.
  boost::beast::tcp_stream& Tcp();
  boost::asio::awaitable<bool> Handshake();
  boost::asio::awaitable<Outcome> ServeOne();
  // Answers a request that could not be read in full, if it deserves an
  // answer; the connection cannot continue either way.
  boost::asio::awaitable<Outcome> AnswerReadError(boost::beast::error_code ec,
                                                  const BeastRequest& partial);
  boost::asio::awaitable<boost::beast::error_code> WriteContinue();
  boost::asio::awaitable<boost::beast::error_code> Write(BeastResponse& response);
  // Writes a head rendered by RenderResponseHead and the body after it.
  boost::asio::awaitable<boost::beast::error_code> WriteRaw(const std::string& head,
                                                           const std::string& body);
  boost::asio::awaitable<void> Close(bool drain);
  boost::asio::awaitable<void> DrainAndClose();
  bool HasUnreadInput();

  bool Stopping() const;
  Request ToRequest(const BeastRequest& header, std::string body) const;
  // Frames a Handler's response; one HTTP cannot carry becomes an empty 500.
  BeastResponse ToWire(Response&& response, unsigned version, bool keep_alive,
                       bool head_request) const;

  const boost::asio::any_io_executor strand_;
  Stream stream_;
  boost::beast::flat_buffer buffer_;
  const SessionContext& context_;
  std::string remote_address_;
  uint16_t remote_port_ = 0;
  // Touched only on the strand.
  bool waiting_for_request_ = false;
  bool stop_requested_ = false;
  bool handshake_done_ = false;
};

}  // namespace stator::http::internal
