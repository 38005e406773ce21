#pragma once
// sfsim's HTTP(S) front end: Beast coroutines on one io_context thread. The only file
// of sfsim that includes Beast.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "sim/http.h"

namespace sfwarden::sim {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;     // 0: the kernel picks one; reported to on_listening
  std::string tls_cert_file;  // both set → HTTPS
  std::string tls_key_file;
  std::size_t max_header_bytes = 64 * 1024;
  std::size_t max_body_bytes = 8 * 1024 * 1024;  // far above 200-record collections
  int idle_timeout_seconds = 60;
};

/// Called once per request on the server thread; must not block.
using Handler = std::function<Response(const Request&)>;

/// Binds, calls on_listening(bound_port), and serves until SIGINT or SIGTERM.
/// Returns the process exit code. Throws std::runtime_error when it cannot bind or load
/// the TLS files.
int RunServer(const ServerOptions& options, const Handler& handler,
              const std::function<void(std::uint16_t)>& on_listening);

}  // namespace sfwarden::sim
