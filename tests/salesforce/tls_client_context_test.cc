#include "salesforce/detail/tls_client_context.h"

#include <gtest/gtest.h>

#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <stdexcept>

#include "tests/salesforce/test_certs.h"

namespace sfwarden::salesforce::detail {
namespace {

class TlsClientContextTest : public testing::WithSuiteCerts<> {};

TEST_F(TlsClientContextTest, TransportsWithTheSameTrustAnchorsShareOneContext) {
  auto system_a = SharedTlsClientContext("");
  auto system_b = SharedTlsClientContext("");
  auto with_ca_a = SharedTlsClientContext(certs_->ca_file);
  auto with_ca_b = SharedTlsClientContext(certs_->ca_file);
  EXPECT_EQ(system_a, system_b);
  EXPECT_EQ(with_ca_a, with_ca_b);
  EXPECT_NE(system_a, with_ca_a);  // the extra CA is not added to the shared system one
}

TEST_F(TlsClientContextTest, AContextIsFreedWithItsLastHolder) {
  sfwarden::testing::TempDir dir;
  const auto ca = dir.path() / "trusted.pem";
  std::filesystem::copy_file(certs_->ca_file, ca);
  auto first = SharedTlsClientContext(ca.string());
  std::weak_ptr<boost::asio::ssl::context> watch = first;
  auto second = SharedTlsClientContext(ca.string());
  first.reset();
  EXPECT_FALSE(watch.expired());
  second.reset();
  EXPECT_TRUE(watch.expired());
}

TEST_F(TlsClientContextTest, AReplacedCaFileGivesANewContextAndLeavesTheOldOne) {
  sfwarden::testing::TempDir dir;
  const auto ca = dir.path() / "trusted.pem";
  std::filesystem::copy_file(certs_->ca_file, ca);
  auto before = SharedTlsClientContext(ca.string());
  auto other = testing::MakeTestCerts(dir, {"DNS:localhost"});
  std::filesystem::copy_file(other.ca_file, ca, std::filesystem::copy_options::overwrite_existing);
  auto after = SharedTlsClientContext(ca.string());
  EXPECT_NE(before, after);
  EXPECT_EQ(after, SharedTlsClientContext(ca.string()));
}

TEST_F(TlsClientContextTest, AnUnreadableCaFileThrowsEveryTime) {
  EXPECT_THROW(SharedTlsClientContext("/nonexistent/ca.pem"), std::runtime_error);
  EXPECT_THROW(SharedTlsClientContext("/nonexistent/ca.pem"), std::runtime_error);
}

}  // namespace
}  // namespace sfwarden::salesforce::detail
