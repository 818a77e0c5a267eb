// The HTTP ceiling of scripts/bench.sh: a minimal Boost.Beast server that answers every
// request with a 200 and the body `{}` in DynamoDB's content type. One I/O thread,
// keep-alive, one coroutine per connection, the same Beast calls as Stator's http module
// (async_read of a string_body request, async_write of a string_body response), so its
// throughput and CPU per request are what HTTP alone costs; whatever Stator spends beyond
// that is its own.
//
// Usage: echo_server [--port PORT]
//   PORT 0 (the default) picks a free port. Logs "listening on 127.0.0.1:PORT" on stdout
//   once it accepts connections; SIGINT or SIGTERM stops it.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <utility>  // also needed by Boost 1.74's awaitable.hpp, which omits it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

auto Await(beast::error_code& ec) {
  return asio::redirect_error(asio::use_awaitable, ec);
}

// Serves one connection until the peer closes it or asks to.
asio::awaitable<void> Serve(tcp::socket socket) {
  beast::flat_buffer buffer;
  beast::error_code ec;
  for (;;) {
    bhttp::request<bhttp::string_body> request;
    co_await bhttp::async_read(socket, buffer, request, Await(ec));
    if (ec) break;
    bhttp::response<bhttp::string_body> response(bhttp::status::ok, request.version());
    response.set(bhttp::field::content_type, "application/x-amz-json-1.0");
    response.keep_alive(request.keep_alive());
    response.body() = "{}";
    response.prepare_payload();
    co_await bhttp::async_write(socket, response, Await(ec));
    if (ec || !response.keep_alive()) break;
  }
  socket.shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> Accept(tcp::acceptor& acceptor) {
  for (;;) {
    beast::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(Await(ec));
    if (!acceptor.is_open()) co_return;
    if (ec) continue;
    asio::co_spawn(acceptor.get_executor(), Serve(std::move(socket)), asio::detached);
  }
}

int ParsePort(int argc, char** argv) {
  if (argc == 1) return 0;
  if (argc == 3 && std::strcmp(argv[1], "--port") == 0) {
    char* end = nullptr;
    long port = std::strtol(argv[2], &end, 10);
    if (*end == '\0' && port >= 0 && port <= 65535) return static_cast<int>(port);
  }
  std::fprintf(stderr, "usage: %s [--port PORT]\n", argv[0]);
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  int port = ParsePort(argc, argv);
  if (port < 0) return 2;
  try {
    asio::io_context ioc(1);
    tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"),
                                 static_cast<unsigned short>(port)});
    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const beast::error_code&, int) {
      beast::error_code ignored;
      acceptor.close(ignored);
      ioc.stop();
    });
    asio::co_spawn(ioc, Accept(acceptor), asio::detached);
    std::printf("listening on 127.0.0.1:%u\n", acceptor.local_endpoint().port());
    std::fflush(stdout);
    ioc.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "echo_server: %s\n", e.what());
    return 1;
  }
  return 0;
}
