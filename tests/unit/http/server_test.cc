// Drives a real Server on 127.0.0.1, port 0, with blocking Beast clients.
// Nothing sleeps: each test waits on a socket read or a promise for the
// event it expects.
#include "http/server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <csignal>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "running_server.h"

namespace stator::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using ClientResponse = bhttp::response<bhttp::string_body>;

// Echoes what it received so tests can check what the handler saw.
void EchoHandler(const Request& request, Response& response) {
  response.status = 200;
  response.headers.emplace_back("X-Method", request.method);
  response.headers.emplace_back("X-Target", request.target);
  response.body = request.body;
}

// A blocking HTTP client over one connection.
class Client {
 public:
  explicit Client(uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }

  void Send(std::string_view bytes) {
    asio::write(socket_, asio::buffer(bytes.data(), bytes.size()));
  }

  ClientResponse Read() {
    ClientResponse response;
    beast::error_code ec;
    bhttp::read(socket_, buffer_, response, ec);
    EXPECT_FALSE(ec) << ec.message();
    return response;
  }

  ClientResponse ReadHeadResponse() {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(true);  // a response to HEAD has no body to read
    beast::error_code ec;
    bhttp::read(socket_, buffer_, parser, ec);
    EXPECT_FALSE(ec) << ec.message();
    return parser.release();
  }

  // True once the server has closed the connection (blocks until then).
  bool ServerClosed() {
    char byte;
    beast::error_code ec;
    if (buffer_.size() > 0) return false;
    socket_.read_some(asio::buffer(&byte, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

  void Close() { socket_.close(); }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

std::string Get(std::string_view target, std::string_view extra_headers = "") {
  return std::string("GET ") + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" +
         std::string(extra_headers) + "\r\n";
}

std::string Post(std::string_view target, std::string_view body,
                 std::string_view extra_headers = "") {
  return std::string("POST ") + std::string(target) +
         " HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         std::string(extra_headers) + "\r\n" + std::string(body);
}

std::string Field(const ClientResponse& response, std::string_view name) {
  return std::string(response[beast::string_view(name.data(), name.size())]);
}

TEST(RequestTest, HeaderLookupIgnoresCaseAndReturnsFirst) {
  Request request;
  request.headers = {{"X-Amz-Target", "a"}, {"x-amz-target", "b"}};
  EXPECT_EQ(request.Header("x-AMZ-target"), "a");
  EXPECT_EQ(request.Header("Missing"), "");
}

TEST(ServerTest, AnswersSimpleRequestAddingOnlyContentLength) {
  Request seen;
  std::promise<void> handled;
  RunningServer running([&](const Request& request, Response& response) {
    seen = request;
    response.status = 201;
    response.headers.emplace_back("X-Custom", "yes");
    response.body = "hello";
    handled.set_value();
  });
  Client client(running.port());
  client.Send(Post("/path?q=1", "payload", "X-Amz-Target: Foo\r\n"));
  ClientResponse response = client.Read();
  handled.get_future().wait();

  EXPECT_EQ(response.result_int(), 201);
  EXPECT_EQ(response.body(), "hello");
  std::set<std::string> names;
  for (const auto& field : response) names.insert(std::string(field.name_string()));
  EXPECT_EQ(names, (std::set<std::string>{"X-Custom", "Content-Length"}));
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/path?q=1");
  EXPECT_EQ(seen.body, "payload");
  EXPECT_EQ(seen.Header("x-amz-target"), "Foo");
  EXPECT_EQ(seen.remote_address, "127.0.0.1");
  EXPECT_NE(seen.remote_port, 0);
}

TEST(ServerTest, KeepAliveServesSequentialRequestsOnOneConnection) {
  RunningServer running(EchoHandler);
  Client client(running.port());
  for (int i = 0; i < 3; ++i) {
    std::string body = "body" + std::to_string(i);
    client.Send(Post("/" + std::to_string(i), body));
    ClientResponse response = client.Read();
    EXPECT_EQ(response.result_int(), 200);
    EXPECT_EQ(response.body(), body);
    EXPECT_TRUE(response.keep_alive());
  }
}

TEST(ServerTest, AnswersPipelinedRequestsInOrder) {
  RunningServer running(EchoHandler);
  Client client(running.port());
  client.Send(Post("/1", "first") + Get("/2") + Post("/3", "third"));
  ClientResponse first = client.Read();
  ClientResponse second = client.Read();
  ClientResponse third = client.Read();
  EXPECT_EQ(Field(first, "X-Target"), "/1");
  EXPECT_EQ(first.body(), "first");
  EXPECT_EQ(Field(second, "X-Target"), "/2");
  EXPECT_EQ(Field(second, "X-Method"), "GET");
  EXPECT_EQ(Field(third, "X-Target"), "/3");
  EXPECT_EQ(third.body(), "third");
}

TEST(ServerTest, DecodesChunkedBody) {
  RunningServer running(EchoHandler);
  Client client(running.port());
  client.Send(
      "POST /chunked HTTP/1.1\r\nHost: test\r\n"
      "Transfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  ClientResponse response = client.Read();
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "hello world");
}

void TooLarge(const Request& request, Response& response) {
  response.status = 413;
  response.headers.emplace_back("X-Seen-Target", request.target);
  response.headers.emplace_back("X-Seen-Body-Size", std::to_string(request.body.size()));
  response.body = "too large";
}

ServerOptions SmallBodyLimit() {
  ServerOptions options;
  options.body_limit = 10;
  return options;
}

TEST(ServerTest, BodyOverLimitGetsTooLargeResponseThenClose) {
  RunningServer running(EchoHandler, SmallBodyLimit(), TooLarge);
  Client client(running.port());
  client.Send(Post("/big", std::string(20, 'x')));
  ClientResponse response = client.Read();
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_EQ(response.body(), "too large");
  EXPECT_EQ(Field(response, "X-Seen-Target"), "/big");
  EXPECT_EQ(Field(response, "X-Seen-Body-Size"), "0");
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(client.ServerClosed());
}

TEST(ServerTest, BodyAtLimitIsAccepted) {
  RunningServer running(EchoHandler, SmallBodyLimit(), TooLarge);
  Client client(running.port());
  client.Send(Post("/exact", std::string(10, 'x')));
  EXPECT_EQ(client.Read().result_int(), 200);
}

TEST(ServerTest, ChunkedBodyOverLimitGetsTooLargeResponse) {
  RunningServer running(EchoHandler, SmallBodyLimit(), TooLarge);
  Client client(running.port());
  client.Send(
      "POST /chunked HTTP/1.1\r\nHost: test\r\n"
      "Transfer-Encoding: chunked\r\n\r\n"
      "6\r\nhello \r\n6\r\nworld!\r\n0\r\n\r\n");
  ClientResponse response = client.Read();
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_EQ(response.body(), "too large");
  EXPECT_TRUE(client.ServerClosed());
}

TEST(ServerTest, EmptyTooLargeHandlerSendsBare413) {
  RunningServer running(EchoHandler, SmallBodyLimit());
  Client client(running.port());
  client.Send(Post("/big", std::string(20, 'x')));
  ClientResponse response = client.Read();
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_EQ(response.body(), "");
}

TEST(ServerTest, ExpectContinueGetsInterimResponseBeforeBody) {
  RunningServer running(EchoHandler);
  Client client(running.port());
  client.Send(
      "PUT /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 4\r\n"
      "Expect: 100-continue\r\n\r\n");
  EXPECT_EQ(client.Read().result_int(), 100);
  client.Send("data");
  ClientResponse response = client.Read();
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "data");
}

TEST(ServerTest, ExpectContinueOverLimitIsRefusedWithoutInterimResponse) {
  RunningServer running(EchoHandler, SmallBodyLimit(), TooLarge);
  Client client(running.port());
  client.Send(
      "PUT /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 1000\r\n"
      "Expect: 100-continue\r\n\r\n");
  ClientResponse response = client.Read();
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_TRUE(client.ServerClosed());
}

TEST(ServerTest, MalformedRequestLineGets400ThenClose) {
  RunningServer running(EchoHandler);
  Client client(running.port());
  client.Send("THIS IS NOT HTTP\r\n\r\n");
  ClientResponse response = client.Read();
  EXPECT_EQ(response.result_int(), 400);
  EXPECT_TRUE(client.ServerClosed());
}

TEST(ServerTest, BadContentLengthGets400) {
  RunningServer running(EchoHandler);
  Client client(running.port());
  client.Send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n");
  EXPECT_EQ(client.Read().result_int(), 400);
  EXPECT_TRUE(client.ServerClosed());
}

TEST(ServerTest, BinaryGarbageGets400AndServerKeepsServing) {
  RunningServer running(EchoHandler);
  {
    Client client(running.port());
    client.Send(std::string("\x16\x03\x01\x00\xff\r\n\r\n", 9));  // a TLS hello
    EXPECT_EQ(client.Read().result_int(), 400);
  }
  Client client(running.port());
  client.Send(Get("/after"));
  EXPECT_EQ(client.Read().result_int(), 200);
}

TEST(ServerTest, OversizedHeaderGets431) {
  RunningServer running(EchoHandler);
  Client client(running.port());
  client.Send(Get("/", "X-Big: " + std::string(70 * 1024, 'a') + "\r\n"));
  EXPECT_EQ(client.Read().result_int(), 431);
  EXPECT_TRUE(client.ServerClosed());
}

TEST(ServerTest, PeerClosingMidRequestDoesNotDisturbOthers) {
  RunningServer running(EchoHandler);
  {
    Client client(running.port());
    client.Send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nab");
  }
  Client client(running.port());
  client.Send(Get("/ok"));
  EXPECT_EQ(client.Read().result_int(), 200);
}

TEST(ServerTest, ConnectionCloseFromClientIsHonoured) {
  RunningServer running(EchoHandler);
  Client client(running.port());
  client.Send(Get("/", "Connection: close\r\n"));
  ClientResponse response = client.Read();
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(client.ServerClosed());
}

TEST(ServerTest, ConnectionCloseFromHandlerIsHonoured) {
  RunningServer running([](const Request&, Response& response) {
    response.headers.emplace_back("Connection", "close");
  });
  Client client(running.port());
  client.Send(Get("/"));
  EXPECT_FALSE(client.Read().keep_alive());
  EXPECT_TRUE(client.ServerClosed());
}

TEST(ServerTest, Http10WithoutKeepAliveCloses) {
  RunningServer running(EchoHandler);
  Client client(running.port());
  client.Send("GET /old HTTP/1.0\r\n\r\n");
  ClientResponse response = client.Read();
  EXPECT_EQ(response.version(), 10u);
  EXPECT_EQ(Field(response, "X-Target"), "/old");
  EXPECT_TRUE(client.ServerClosed());
}

TEST(ServerTest, HeadResponseCarriesLengthButNoBody) {
  RunningServer running([](const Request&, Response& response) { response.body = "12345"; });
  Client client(running.port());
  client.Send("HEAD / HTTP/1.1\r\nHost: t\r\n\r\n");
  ClientResponse head = client.ReadHeadResponse();
  EXPECT_EQ(Field(head, "Content-Length"), "5");
  // The connection stays in sync: the next response is read cleanly.
  client.Send(Get("/"));
  EXPECT_EQ(client.Read().body(), "12345");
}

TEST(ServerTest, HandlerExceptionGives500AndConnectionSurvives) {
  RunningServer running([](const Request& request, Response& response) {
    if (request.target == "/throw") throw std::runtime_error("boom");
    response.body = "fine";
  });
  Client client(running.port());
  client.Send(Get("/throw"));
  EXPECT_EQ(client.Read().result_int(), 500);
  client.Send(Get("/ok"));
  EXPECT_EQ(client.Read().body(), "fine");
}

TEST(ServerTest, InvalidStatusFromHandlerGives500) {
  RunningServer running([](const Request&, Response& response) { response.status = 42; });
  Client client(running.port());
  client.Send(Get("/"));
  EXPECT_EQ(client.Read().result_int(), 500);
}

TEST(ServerTest, IdleConnectionIsClosedAfterTimeout) {
  ServerOptions options;
  options.idle_timeout = std::chrono::milliseconds(50);
  RunningServer running(EchoHandler, options);
  Client client(running.port());
  client.Send(Get("/"));
  EXPECT_EQ(client.Read().result_int(), 200);
  EXPECT_TRUE(client.ServerClosed());
}

TEST(ServerTest, ServesManyConcurrentConnections) {
  constexpr int kClients = 400;
  ServerOptions options;
  options.threads = 4;
  RunningServer running(EchoHandler, options);
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<Client>(running.port()));
    clients.back()->Send(Get("/" + std::to_string(i)));
  }
  for (int i = 0; i < kClients; ++i) {
    EXPECT_EQ(Field(clients[i]->Read(), "X-Target"), "/" + std::to_string(i));
  }
}

TEST(ServerTest, StartFailsClearlyWhenPortInUse) {
  RunningServer first(EchoHandler);
  ServerOptions options;
  options.port = first.port();
  Server second(options, EchoHandler, {});
  Status status = second.Start();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find(std::to_string(first.port())), std::string::npos);
  EXPECT_NE(status.message().find("in use"), std::string::npos) << status.message();
  second.Run();  // nothing to serve: returns at once
}

TEST(ServerTest, PortZeroPicksAFreePort) {
  RunningServer running(EchoHandler);
  EXPECT_NE(running.port(), 0);
  EXPECT_EQ(running.server().host(), "127.0.0.1");
}

TEST(ServerTest, StopWithIdleClientConnectedEndsRun) {
  RunningServer running(EchoHandler);
  Client client(running.port());
  client.Send(Get("/"));
  EXPECT_EQ(client.Read().result_int(), 200);
  running.StopAndJoin();  // would hang if the idle connection kept Run alive
  EXPECT_TRUE(client.ServerClosed());
}

TEST(ServerTest, StopLetsInFlightRequestFinish) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  RunningServer running([&](const Request&, Response& response) {
    entered.set_value();
    released.wait();
    response.body = "finished";
  });
  Client client(running.port());
  client.Send(Get("/slow"));
  entered.get_future().wait();
  running.server().Stop();
  running.server().Stop();  // idempotent
  release.set_value();
  ClientResponse response = client.Read();
  EXPECT_EQ(response.body(), "finished");
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(client.ServerClosed());
  client.Close();
  running.StopAndJoin();
}

TEST(ServerTest, StopFromHandlerIsAllowed) {
  Server* server = nullptr;
  RunningServer running([&](const Request&, Response& response) {
    server->Stop();
    response.body = "bye";
  });
  server = &running.server();
  Client client(running.port());
  client.Send(Get("/"));
  EXPECT_EQ(client.Read().body(), "bye");
  EXPECT_TRUE(client.ServerClosed());
}

TEST(ServerTest, ShutdownTimeoutClosesStuckUpload) {
  ServerOptions options;
  options.shutdown_timeout = std::chrono::milliseconds(20);
  RunningServer running(EchoHandler, options);
  Client client(running.port());
  // Half a body: the request has started, so Stop() waits for it ...
  client.Send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nab");
  running.StopAndJoin();  // ... until the shutdown timeout closes it
  EXPECT_TRUE(client.ServerClosed());
}

TEST(ServerTest, StopBeforeRunMakesRunReturn) {
  ServerOptions options;
  options.port = 0;
  Server server(options, EchoHandler, {});
  ASSERT_TRUE(server.Start().ok());
  server.Stop();
  server.Run();
}

TEST(ServerTest, StartedButNeverRunServerDestroysCleanly) {
  ServerOptions options;
  options.port = 0;
  Server server(options, EchoHandler, {});
  ASSERT_TRUE(server.Start().ok());
}

TEST(ServerTest, StopSignalEndsRun) {
  ServerOptions options;
  options.port = 0;
  options.threads = 1;
  options.stop_signals = {SIGUSR1};
  Server server(options, EchoHandler, {});
  ASSERT_TRUE(server.Start().ok());
  std::raise(SIGUSR1);  // delivered through asio, handled once Run() starts
  server.Run();
}

}  // namespace
}  // namespace stator::http
