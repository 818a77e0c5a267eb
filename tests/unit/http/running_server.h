// A Server for tests: started on 127.0.0.1, a free port, two I/O threads,
// and run on a background thread until the object goes.
#pragma once

#include <gtest/gtest.h>

#include <thread>
#include <utility>

#include "http/server.h"

namespace stator::http {

class RunningServer {
 public:
  explicit RunningServer(Handler handler, ServerOptions options = {}, Handler too_large = {})
      : server_(WithTestDefaults(std::move(options)), std::move(handler), std::move(too_large)) {
    Status status = server_.Start();
    EXPECT_TRUE(status.ok()) << status.message();
    thread_ = std::thread([this] { server_.Run(); });
  }
  ~RunningServer() { StopAndJoin(); }

  void StopAndJoin() {
    server_.Stop();
    if (thread_.joinable()) thread_.join();
  }
  Server& server() { return server_; }
  uint16_t port() const { return server_.port(); }

 private:
  static ServerOptions WithTestDefaults(ServerOptions options) {
    options.port = 0;
    if (options.threads == 0) options.threads = 2;
    return options;
  }

  Server server_;
  std::thread thread_;
};

}  // namespace stator::http
