#pragma once
// For the web config and HTTPS tests: a throw-away CA, server and client certificates
// (openssl CLI), bcrypt hashes made with libxcrypt, and curl as a real HTTPS client.

#include <string>
#include <vector>

#include "tests/support/process.h"

namespace sfwarden::daemon::testing {

struct WebCerts {
  std::string ca;           // trusted test CA (PEM)
  std::string server_cert;  // signed by the CA for IP:127.0.0.1 and localhost
  std::string server_key;   // mode 0600
  std::string client_cert;  // signed by the CA
  std::string client_key;
  std::string other_cert;  // self-signed client certificate, not from the CA
  std::string other_key;
};
/// Makes the certificates in dir (throws if openssl fails).
WebCerts MakeWebCerts(const sfwarden::testing::TempDir& dir);

/// A $2b$ bcrypt hash of `password` with cost 4 (fast for tests).
std::string BcryptHash(const std::string& password);

struct CurlResult {
  int exit_code = 0;  // curl's: 0 when an HTTP answer came back
  int status = 0;     // HTTP status, 0 without an answer
  std::string headers;
  std::string body;
};
/// `curl URL` with `args` added (e.g. {"--cacert", ca, "-u", "user:pw"}); 5 s bound.
CurlResult Curl(const std::string& url, std::vector<std::string> args = {});

}  // namespace sfwarden::daemon::testing
