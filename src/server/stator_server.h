// StatorServer: the composition root — storage engine, protocol dispatcher
// and HTTP server wired together from a Config.
//
// Thread-safety: Start() and Run() from one thread; Stop() from any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "server/config.h"

namespace stator::server {

class StatorServer {
 public:
  // Opens the store (creating the data directory if needed). `environment`
  // ("NAME=VALUE") holds the AWS_* credentials --auth uses without
  // --credentials-file.
  static Result<std::unique_ptr<StatorServer>> Create(
      const Config& config, const Clock* clock, const std::vector<std::string>& environment = {});
  ~StatorServer();  // flushes the store

  Status Start();         // binds; logs "listening on HOST:PORT" (plus " (https)" with TLS)
  uint16_t port() const;  // the bound port after Start()
  void Run();             // serves until Stop() or SIGINT/SIGTERM
  void Stop();

 private:
  struct Parts;
  explicit StatorServer(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

// The `stator` executable: parse flags, serve, exit 0 after a graceful stop.
int Main(int argc, char** argv);

}  // namespace stator::server
