#include "http/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>
#include <cerrno>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/session.h"
#include "http/tls.h"

namespace stator::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using internal::Session;

// Pause after the process runs out of file descriptors, so the accept loop
// does not spin while connections close and free some.
constexpr std::chrono::milliseconds kAcceptBackoff{100};

Handler OrRespondWith(Handler handler, int status) {
  if (handler) return handler;
  return [status](const Request&, Response& response) { response.status = status; };
}

void LogException(std::exception_ptr error, const char* where) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::error("http: {} ended by exception: {}", where, e.what());
  } catch (...) {
    spdlog::error("http: {} ended by a non-exception", where);
  }
}

}  // namespace

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (boost::beast::iequals(key, {name.data(), name.size()})) return value;
  }
  return {};
}

// Owns the io_context and every connection. The acceptor, signal set and stop
// timer are touched only on `strand_`; the session registry only under
// `mutex_`, because sessions end on their own strands.
class Server::Impl {
 public:
  Impl(ServerOptions options, Handler handler, Handler too_large)
      : options_(std::move(options)),
        handler_(OrRespondWith(std::move(handler), 500)),
        too_large_(OrRespondWith(std::move(too_large), 413)),
        context_{options_, handler_, too_large_, stopping_},
        ioc_(ThreadCount()),
        strand_(asio::make_strand(ioc_)),
        acceptor_(strand_),
        signals_(strand_),
        stop_timer_(strand_) {}

  // Runs whatever Start() queued and Run() never ran (the accept loop, a
  // posted stop) so no coroutine is left suspended when ioc_ is destroyed.
  ~Impl() {
    Stop();
    RunLoop();
  }

  Status Start();
  void Run();
  void Stop();
  uint16_t port() const { return port_.load(std::memory_order_acquire); }
  const std::string& host() const { return options_.host; }
  bool tls() const { return !options_.tls_certificate_file.empty(); }

 private:
  int ThreadCount() const {
    if (options_.threads > 0) return options_.threads;
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  Status LoadTls();
  Status Listen(const tcp::endpoint& endpoint);
  void RunLoop();
  asio::awaitable<void> AcceptLoop();
  void StartSession(tcp::socket socket);
  void OnSessionEnded(Session* session);
  void FinishStop();
  void CloseRemainingSessions();

  const ServerOptions options_;
  const Handler handler_;
  const Handler too_large_;
  std::atomic<bool> stopping_{false};
  internal::SessionContext context_;  // its `tls` is set by Start()
  std::atomic<uint16_t> port_{0};
  bool started_ = false;  // only the thread calling Start() touches it

  // Outlives every session (they are destroyed with ioc_).
  std::unique_ptr<boost::asio::ssl::context> tls_;

  std::mutex mutex_;
  // Every session whose Run() has not ended, so Stop() can reach them.
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;  // mutex_

  // Declared after everything its handlers use and before the I/O objects,
  // which must be destroyed before it.
  asio::io_context ioc_;
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer stop_timer_;
};

Status Server::Impl::Start() {
  if (started_) return Status::Internal("http: Server::Start() called twice");
  started_ = true;
  // Before binding, so a server that cannot serve TLS never takes the port.
  STATOR_RETURN_IF_ERROR(LoadTls());
  const std::string address = options_.host + ":" + std::to_string(options_.port);

  error_code ec;
  tcp::resolver resolver(ioc_);
  auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port),
                                    tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return Status::IOError("http: cannot resolve " + address + ": " + ec.message());
  }
  Status status = Listen(endpoints.begin()->endpoint());
  if (!status.ok()) {
    return Status::IOError("http: cannot listen on " + address + ": " + status.message());
  }

  if (!options_.stop_signals.empty()) {
    for (int signal : options_.stop_signals) {
      signals_.add(signal, ec);
      if (ec) {
        return Status::IOError("http: cannot handle signal " + std::to_string(signal) + ": " +
                               ec.message());
      }
    }
    signals_.async_wait([this](const error_code& ec, int) {
      if (!ec) Stop();
    });
  }
  asio::co_spawn(strand_, AcceptLoop(),
                 [](std::exception_ptr error) { LogException(error, "accept loop"); });
  return Status::OK();
}

Status Server::Impl::LoadTls() {
  const std::string& certificate = options_.tls_certificate_file;
  const std::string& key = options_.tls_private_key_file;
  if (certificate.empty() && key.empty()) return Status::OK();
  if (certificate.empty() || key.empty()) {
    return Status::Validation("http: TLS needs both a certificate file and a private key file");
  }
  STATOR_ASSIGN_OR_RETURN(tls_, internal::MakeServerTlsContext(certificate, key));
  context_.tls = tls_.get();
  return Status::OK();
}

Status Server::Impl::Listen(const tcp::endpoint& endpoint) {
  error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  // Lets a restarted server bind while old connections sit in TIME_WAIT;
  // Linux still refuses a port another socket is listening on.
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) port_.store(acceptor_.local_endpoint(ec).port());
  if (ec) {
    error_code ignored;
    acceptor_.close(ignored);
    return Status::IOError(ec.message());
  }
  return Status::OK();
}

void Server::Impl::Run() {
  std::vector<std::thread> threads;
  for (int i = 1; i < ThreadCount(); ++i) {
    threads.emplace_back([this] { RunLoop(); });
  }
  RunLoop();
  for (auto& thread : threads) thread.join();
}

void Server::Impl::RunLoop() {
  // Our own code does not throw out of handlers; this is the last line
  // against a library that does, so one bad event does not end the server.
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("http: I/O thread caught: {}", e.what());
    }
  }
}

void Server::Impl::Stop() {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mutex_);
    if (stopping_.exchange(true, std::memory_order_acq_rel)) return;
    for (auto& [raw, weak] : sessions_) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
  }
  for (auto& session : live) session->RequestStop();
  asio::post(strand_, [this] { FinishStop(); });
}

void Server::Impl::FinishStop() {
  error_code ignored;
  acceptor_.close(ignored);
  signals_.cancel(ignored);
  std::lock_guard lock(mutex_);
  // The session that empties the registry cancels the timer (OnSessionEnded),
  // so with none left there is nothing to wait for.
  if (sessions_.empty()) return;
  stop_timer_.expires_after(options_.shutdown_timeout);
  stop_timer_.async_wait([this](const error_code& ec) {
    if (!ec) CloseRemainingSessions();
  });
}

void Server::Impl::CloseRemainingSessions() {
  std::lock_guard lock(mutex_);
  spdlog::warn("http: closing {} connections still busy after {} ms", sessions_.size(),
               options_.shutdown_timeout.count());
  for (auto& [raw, weak] : sessions_) {
    if (auto session = weak.lock()) session->ForceClose();
  }
}

asio::awaitable<void> Server::Impl::AcceptLoop() {
  for (;;) {
    tcp::socket socket(asio::make_strand(ioc_));
    error_code ec;
    co_await acceptor_.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (stopping_.load(std::memory_order_acquire) || !acceptor_.is_open()) {
      co_return;
    }
    if (!ec) {
      StartSession(std::move(socket));
      continue;
    }
    spdlog::warn("http: accept failed: {}", ec.message());
    if (ec.value() == EMFILE || ec.value() == ENFILE || ec.value() == ENOBUFS ||
        ec.value() == ENOMEM) {
      asio::steady_timer backoff(strand_, kAcceptBackoff);
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }
}

void Server::Impl::StartSession(tcp::socket socket) {
  auto executor = socket.get_executor();
  std::shared_ptr<Session> session = internal::NewSession(std::move(socket), context_);
  {
    std::lock_guard lock(mutex_);
    // Registering under the lock that Stop() takes means a session either
    // is in Stop()'s snapshot or never starts.
    if (stopping_.load(std::memory_order_acquire)) return;
    sessions_.emplace(session.get(), session);
  }
  asio::co_spawn(executor, session->Run(), [this, session](std::exception_ptr error) {
    LogException(error, "connection");
    OnSessionEnded(session.get());
  });
}

void Server::Impl::OnSessionEnded(Session* session) {
  bool last = false;
  {
    std::lock_guard lock(mutex_);
    sessions_.erase(session);
    last = stopping_.load(std::memory_order_acquire) && sessions_.empty();
  }
  if (last) asio::post(strand_, [this] { stop_timer_.cancel(); });
}

Server::Server(ServerOptions options, Handler handler, Handler too_large)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(too_large))) {}
Server::~Server() = default;
Status Server::Start() { return impl_->Start(); }
uint16_t Server::port() const { return impl_->port(); }
const std::string& Server::host() const { return impl_->host(); }
bool Server::tls() const { return impl_->tls(); }
void Server::Run() { impl_->Run(); }
void Server::Stop() { impl_->Stop(); }

}  // namespace stator::http
