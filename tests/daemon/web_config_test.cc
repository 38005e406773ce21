#include "daemon/web_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/web_security.h"
#include "tests/daemon/web_test_util.h"
#include "tests/support/process.h"

namespace sfwarden::daemon {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

class WebConfigTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new sfwarden::testing::TempDir;
    certs_ = new testing::WebCerts(testing::MakeWebCerts(*dir_));
    hash_ = new std::string(testing::BcryptHash("s3cret"));
  }
  static void TearDownTestSuite() {
    delete certs_;
    delete hash_;
    delete dir_;
  }
  std::filesystem::path Write(const std::string& text) {
    return dir_->Write("web-" + std::to_string(++files_) + ".yml", text);
  }
  /// The error text LoadWebConfig throws for `text` (fails the test if it loads).
  std::string ErrorOf(const std::string& text) {
    try {
      LoadWebConfig(Write(text));
    } catch (const ConfigError& e) {
      return e.what();
    }
    ADD_FAILURE() << "loaded:\n" << text;
    return "";
  }
  std::string Tls(const std::string& extra = "") {
    return "tls_server_config:\n  cert_file: " + certs_->server_cert +
           "\n  key_file: " + certs_->server_key + "\n" + extra;
  }

  static inline sfwarden::testing::TempDir* dir_ = nullptr;
  static inline testing::WebCerts* certs_ = nullptr;
  static inline std::string* hash_ = nullptr;
  int files_ = 0;
};

TEST_F(WebConfigTest, EmptyFileMeansPlainHttpWithoutAuth) {
  WebConfig config = LoadWebConfig(Write(""));
  EXPECT_FALSE(config.tls);
  EXPECT_TRUE(config.basic_auth_users.empty());
}

TEST_F(WebConfigTest, ReadsTlsUsersAndHeaders) {
  WebConfig config = LoadWebConfig(Write(Tls("  client_ca_file: " + certs_->ca +
                                             "\n  client_auth_type: RequireAndVerifyClientCert\n"
                                             "  min_version: TLS13\n") +
                                         "basic_auth_users:\n  prometheus: " + *hash_ +
                                         "\nhttp_server_config:\n  http2: false\n  headers:\n"
                                         "    X-Frame-Options: deny\n"));
  ASSERT_TRUE(config.tls);
  EXPECT_EQ(config.tls->cert_file, certs_->server_cert);
  EXPECT_EQ(config.tls->key_file, certs_->server_key);
  EXPECT_EQ(config.tls->client_ca_file, certs_->ca);
  EXPECT_EQ(config.tls->client_auth, ClientAuth::kRequireAndVerifyClientCert);
  EXPECT_EQ(config.tls->min_version, 0x0304);
  EXPECT_EQ(config.tls->max_version, 0x0304);
  EXPECT_EQ(config.basic_auth_users.at("prometheus"), *hash_);
  ASSERT_EQ(config.headers.size(), 1u);
  EXPECT_EQ(config.headers[0].first, "X-Frame-Options");
  EXPECT_TRUE(config.warnings.empty());
}

TEST_F(WebConfigTest, TlsDefaultsToTls12AndNoClientCertificates) {
  WebConfig config = LoadWebConfig(Write(Tls()));
  ASSERT_TRUE(config.tls);
  EXPECT_EQ(config.tls->min_version, 0x0303);
  EXPECT_EQ(config.tls->client_auth, ClientAuth::kNoClientCert);
}

TEST_F(WebConfigTest, RelativePathsAreResolvedAgainstTheFilesDirectory) {
  WebConfig config =
      LoadWebConfig(Write("tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n"));
  ASSERT_TRUE(config.tls);
  EXPECT_EQ(config.tls->cert_file, certs_->server_cert);
}

TEST_F(WebConfigTest, UnknownKeyIsAnError) {
  EXPECT_THAT(ErrorOf("basic_auth_user:\n  a: b\n"),
              AllOf(HasSubstr("unknown key 'basic_auth_user'"), HasSubstr("basic_auth_users")));
  EXPECT_THAT(ErrorOf(Tls("  cert_fil: x\n")), HasSubstr("unknown key 'cert_fil'"));
}

TEST_F(WebConfigTest, UnsupportedToolkitKeysAreRefusedNotIgnored) {
  EXPECT_THAT(ErrorOf(Tls("  cipher_suites: [TLS_AES_128_GCM_SHA256]\n")),
              HasSubstr("tls_server_config.cipher_suites: is not supported"));
  EXPECT_THAT(ErrorOf(Tls("  client_allowed_sans: [a]\n")), HasSubstr("not supported"));
  EXPECT_THAT(ErrorOf("rate_limit: {interval: 1s, burst: 2}\n"), HasSubstr("not supported"));
}

TEST_F(WebConfigTest, BadBcryptHashIsAnErrorThatDoesNotEchoIt) {
  const std::string error = ErrorOf("basic_auth_users:\n  alice: plaintext-password\n");
  EXPECT_THAT(error, HasSubstr("basic_auth_users.alice"));
  EXPECT_THAT(error, HasSubstr("not a bcrypt hash"));
  EXPECT_THAT(error, Not(HasSubstr("plaintext-password")));
  // A SHA-512 crypt hash is a valid crypt(3) hash, but not bcrypt.
  EXPECT_THAT(ErrorOf("basic_auth_users:\n  alice: '$6$abc$def'\n"), HasSubstr("not a bcrypt"));
  std::string broken = *hash_;
  broken[20] = '!';
  EXPECT_THAT(ErrorOf("basic_auth_users:\n  alice: '" + broken + "'\n"), HasSubstr("alphabet"));
}

TEST_F(WebConfigTest, BcryptCostAboveTheLimitIsRefused) {
  std::string costly = *hash_;
  costly.replace(4, 2, "15");
  EXPECT_THAT(ErrorOf("basic_auth_users:\n  alice: '" + costly + "'\n"),
              HasSubstr("bcrypt cost 15"));
}

TEST_F(WebConfigTest, MissingFilesAreErrors) {
  EXPECT_THAT(ErrorOf("tls_server_config:\n  cert_file: /nonexistent/server.pem\n  key_file: " +
                      certs_->server_key + "\n"),
              AllOf(HasSubstr("tls_server_config.cert_file"), HasSubstr("does not exist")));
  EXPECT_THAT(ErrorOf("tls_server_config:\n  cert_file: " + certs_->server_cert +
                      "\n  key_file: /nonexistent/server.key\n"),
              AllOf(HasSubstr("tls_server_config.key_file"), HasSubstr("does not exist")));
  EXPECT_THAT(ErrorOf(Tls("  client_auth_type: RequireAndVerifyClientCert\n"
                          "  client_ca_file: /nonexistent/ca.pem\n")),
              HasSubstr("does not exist"));
  EXPECT_THAT(ErrorOf("tls_server_config:\n  cert_file: " + certs_->server_cert + "\n"),
              HasSubstr("key_file"));
  EXPECT_THAT(ErrorOf("nothing: here\n"), HasSubstr("unknown key"));
  EXPECT_THROW(LoadWebConfig(dir_->path() / "no-such-web.yml"), ConfigError);
}

TEST_F(WebConfigTest, KeyFileReadableByOthersIsRefused) {
  auto key = dir_->Write("open.key", "not read anyway\n", 0644);
  EXPECT_THAT(ErrorOf("tls_server_config:\n  cert_file: " + certs_->server_cert +
                      "\n  key_file: " + key.string() + "\n"),
              AllOf(HasSubstr("permissions 0644"), HasSubstr("too open")));
}

TEST_F(WebConfigTest, ClientCaNeedsAVerifyingClientAuthType) {
  EXPECT_THAT(ErrorOf(Tls("  client_ca_file: " + certs_->ca + "\n")),
              HasSubstr("without a client_auth_type"));
  EXPECT_THAT(ErrorOf(Tls("  client_auth_type: RequireAndVerifyClientCert\n")),
              HasSubstr("client_ca_file: is required"));
  EXPECT_THAT(ErrorOf(Tls("  client_auth_type: Sometimes\n")), HasSubstr("client_auth_type"));
  EXPECT_THAT(ErrorOf(Tls("  min_version: TLS13\n  max_version: TLS12\n")),
              HasSubstr("min_version is above max_version"));
}

TEST_F(WebConfigTest, BasicAuthWithoutTlsWarns) {
  WebConfig config = LoadWebConfig(Write("basic_auth_users:\n  p: '" + *hash_ + "'\n"));
  ASSERT_EQ(config.warnings.size(), 1u);
  EXPECT_THAT(config.warnings[0].ToString(), HasSubstr("clear text"));
}

TEST_F(WebConfigTest, WebSecurityLoadsTheCertificateAndKey) {
  auto security = WebSecurity::Load(Write(Tls()));
  EXPECT_NE(security->tls(), nullptr);
  EXPECT_FALSE(security->requires_auth());
  EXPECT_EQ(security->Describe(), "TLS");
}

TEST_F(WebConfigTest, WebSecurityRefusesAKeyThatIsNotTheCertificates) {
  try {
    WebSecurity::Load(Write("tls_server_config:\n  cert_file: " + certs_->server_cert +
                            "\n  key_file: " + certs_->client_key + "\n"));
    FAIL() << "loaded";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("does not match the certificate"));
  }
}

TEST_F(WebConfigTest, WebSecurityRefusesAFileThatIsNoCertificate) {
  auto garbage = dir_->Write("garbage.pem", "not a certificate\n");
  EXPECT_THROW(WebSecurity::Load(Write("tls_server_config:\n  cert_file: " + garbage.string() +
                                       "\n  key_file: " + certs_->server_key + "\n")),
               ConfigError);
}

}  // namespace
}  // namespace sfwarden::daemon
