#pragma once
// A throw-away CA and server certificates made with the openssl CLI for TLS tests.

#include <string>
#include <vector>

#include "tests/support/process.h"

namespace sfwarden::salesforce::testing {

struct TestCerts {
  std::string ca_file;      // trusted test CA (PEM)
  std::string server_cert;  // signed by the CA, SANs as requested
  std::string server_key;
  std::string self_signed_cert;  // not signed by the CA, same SANs
  std::string self_signed_key;
};

/// `sans` like {"DNS:localhost", "IP:127.0.0.1"}. Throws if openssl fails.
TestCerts MakeTestCerts(const sfwarden::testing::TempDir& dir,
                        const std::vector<std::string>& sans);

}  // namespace sfwarden::salesforce::testing
