#include "salesforce/jwt.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "tests/salesforce/reference_examples.h"

namespace sfwarden::salesforce {
namespace {
using namespace std::chrono;

struct KeyPair {
  std::string private_pem;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, &EVP_PKEY_free};
};

KeyPair MakeRsaKey() {
  KeyPair kp;
  kp.key.reset(EVP_RSA_gen(2048));
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), kp.key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  kp.private_pem.assign(data, static_cast<std::size_t>(n));
  return kp;
}

std::string Base64UrlDecode(std::string s) {
  for (char& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
  std::size_t padding = (4 - s.size() % 4) % 4;
  s.append(padding, '=');
  std::string out(s.size(), '\0');
  int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  EXPECT_GE(n, 0);
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

bool VerifyRs256(EVP_PKEY* key, const std::string& input, const std::string& signature) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                          input.size()) == 1;
}

TEST(JwtTest, AssertionVerifiesWithThePublicKeyAndCarriesTheClaims) {
  KeyPair kp = MakeRsaKey();
  auto now = sys_seconds{seconds{1704164645}};
  auto jwt = MakeJwtAssertion({"3MVG9EXAMPLECONSUMERKEY", "integration.user@example.com",
                               "https://login.salesforce.com", now},
                              kp.private_pem);
  ASSERT_TRUE(jwt) << jwt.error();
  auto dot1 = jwt->find('.');
  auto dot2 = jwt->find('.', dot1 + 1);
  ASSERT_NE(dot2, std::string::npos);
  EXPECT_EQ(jwt->find_first_of("+/="), std::string::npos);  // base64url, unpadded

  auto header = nlohmann::json::parse(Base64UrlDecode(jwt->substr(0, dot1)));
  auto claims = nlohmann::json::parse(Base64UrlDecode(jwt->substr(dot1 + 1, dot2 - dot1 - 1)));
  auto reference =
      nlohmann::json::parse(testing::Example("composed-jwt-bearer-assertion-parts.json"));
  EXPECT_EQ(header, reference["header"]);
  EXPECT_EQ(claims, reference["payload"]);  // same values, exp = now + 3 min
  EXPECT_TRUE(claims["exp"].is_number_integer());

  std::string signature = Base64UrlDecode(jwt->substr(dot2 + 1));
  EXPECT_TRUE(VerifyRs256(kp.key.get(), jwt->substr(0, dot2), signature));
  EXPECT_FALSE(VerifyRs256(kp.key.get(), jwt->substr(0, dot2) + "x", signature));
  KeyPair other = MakeRsaKey();
  EXPECT_FALSE(VerifyRs256(other.key.get(), jwt->substr(0, dot2), signature));
}

TEST(JwtTest, ExpiryIsAtMostThreeMinutesAhead) {
  KeyPair kp = MakeRsaKey();
  auto now = sys_seconds{seconds{1700000000}};
  auto jwt = MakeJwtAssertion({"id", "user", "https://test.salesforce.com", now, hours(1)},
                              kp.private_pem);
  ASSERT_TRUE(jwt);
  auto dot1 = jwt->find('.');
  auto claims = nlohmann::json::parse(
      Base64UrlDecode(jwt->substr(dot1 + 1, jwt->find('.', dot1 + 1) - dot1 - 1)));
  EXPECT_EQ(claims["exp"].get<std::int64_t>(), 1700000000 + 180);
}

TEST(JwtTest, BadKeysAreAuthErrorsThatNeverQuoteTheKey) {
  KeyPair kp = MakeRsaKey();
  std::string broken = kp.private_pem;
  broken.resize(broken.size() / 2);  // truncated: no END line, DER cut short
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> ec(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), ec.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long ec_len = BIO_get_mem_data(bio.get(), &data);
  std::string ec_pem(data, static_cast<std::size_t>(ec_len));
  for (const std::string& key : {std::string(), std::string("not a key"), broken, ec_pem}) {
    auto jwt =
        MakeJwtAssertion({"id", "user", "https://login.salesforce.com", system_clock::now()}, key);
    ASSERT_FALSE(jwt);
    EXPECT_EQ(jwt.error().kind, ErrorKind::kAuth);
    EXPECT_EQ(jwt.error().ToString().find("PRIVATE KEY"), std::string::npos);
    if (key.size() > 40) {
      EXPECT_EQ(jwt.error().ToString().find(key.substr(40, 20)), std::string::npos);
    }
  }
  EXPECT_FALSE(MakeJwtAssertion({"", "user", "aud", system_clock::now()}, kp.private_pem));
}

TEST(JwtTest, Base64UrlEncoding) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
}

}  // namespace
}  // namespace sfwarden::salesforce
