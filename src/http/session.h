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
// Thread-safety: Run() and everything it calls execute on the session's
// strand (the socket's executor). RequestStop() and ForceClose() may be
// called from any thread; they post to that strand.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange unincluded

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

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
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `socket` must be connected and bound to a strand.
  Session(boost::asio::ip::tcp::socket socket, const SessionContext& context);

  // Serves requests until the peer leaves, an error or timeout, or a stop.
  // The caller keeps the Session alive until the returned awaitable ends.
  boost::asio::awaitable<void> Run();

  // Closes the connection if it is waiting for a request; otherwise it
  // closes after the response to the current request.
  void RequestStop();
  // Closes the connection now, abandoning any request in progress.
  void ForceClose();

 private:
  using BeastRequest =
      boost::beast::http::request<boost::beast::http::string_body>;
  using BeastResponse =
      boost::beast::http::response<boost::beast::http::string_body>;

  // How the connection goes on after one request.
  enum class Outcome {
    kKeepAlive,      // read the next request
    kDrainAndClose,  // the peer may still be sending: drain, then close
    kClose,          // close at once
  };

  boost::asio::awaitable<Outcome> ServeOne();
  // Answers a request that could not be read in full, if it deserves an
  // answer; the connection cannot continue either way.
  boost::asio::awaitable<Outcome> AnswerReadError(boost::beast::error_code ec,
                                                  const BeastRequest& partial);
  boost::asio::awaitable<boost::beast::error_code> WriteContinue();
  boost::asio::awaitable<boost::beast::error_code> Write(
      BeastResponse& response);
  boost::asio::awaitable<void> DrainAndClose();
  bool HasUnreadInput();

  bool Stopping() const;
  Request ToRequest(const BeastRequest& header, std::string body) const;
  // Frames a Handler's response; one HTTP cannot carry becomes an empty 500.
  BeastResponse ToWire(Response&& response, unsigned version, bool keep_alive,
                       bool head_request) const;

  const boost::asio::any_io_executor strand_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  const SessionContext& context_;
  std::string remote_address_;
  uint16_t remote_port_ = 0;
  // Touched only on the strand.
  bool waiting_for_request_ = false;
  bool stop_requested_ = false;
};

}  // namespace stator::http::internal
