#pragma once
// A throw-away CA and server certificates made with the openssl CLI for TLS tests.

#include <gtest/gtest.h>

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

/// A fixture over `Base` with one set of test certificates (localhost, 127.0.0.1 and
/// sfwarden-test.invalid) for the whole suite: each set costs several openssl runs.
template <class Base = ::testing::Test>
class WithSuiteCerts : public Base {
 protected:
  static void SetUpTestSuite() {
    dir_ = new sfwarden::testing::TempDir();
    certs_ = new TestCerts(
        MakeTestCerts(*dir_, {"DNS:localhost", "DNS:sfwarden-test.invalid", "IP:127.0.0.1"}));
  }
  static void TearDownTestSuite() {
    delete certs_;
    delete dir_;
  }
  static inline sfwarden::testing::TempDir* dir_ = nullptr;
  static inline TestCerts* certs_ = nullptr;
};

}  // namespace sfwarden::salesforce::testing
