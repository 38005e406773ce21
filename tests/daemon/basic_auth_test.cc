#include "daemon/basic_auth.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <chrono>

#include "tests/daemon/web_test_util.h"

namespace sfwarden::daemon {
namespace {

std::string Header(const std::string& user_and_password) {
  std::string out(4 * ((user_and_password.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(user_and_password.data()),
                          static_cast<int>(user_and_password.size()));
  out.resize(static_cast<std::size_t>(n));
  return "Basic " + out;
}

class BasicAuthTest : public ::testing::Test {
 protected:
  BasicAuth auth_{{{"prometheus", testing::BcryptHash("right horse")},
                   {"grafana", testing::BcryptHash("other")}}};
};

TEST_F(BasicAuthTest, RightPasswordPasses) {
  EXPECT_TRUE(auth_.Check(Header("prometheus:right horse")));
  EXPECT_TRUE(auth_.Check(Header("prometheus:right horse")));  // the remembered answer
  EXPECT_TRUE(auth_.Check(Header("grafana:other")));
}

TEST_F(BasicAuthTest, WrongPasswordFails) {
  EXPECT_FALSE(auth_.Check(Header("prometheus:wrong horse")));
  EXPECT_FALSE(auth_.Check(Header("prometheus:")));
  EXPECT_FALSE(auth_.Check(Header("prometheus:other")));  // another user's password
}

TEST_F(BasicAuthTest, RightPasswordRememberedDoesNotLetAWrongOneIn) {
  ASSERT_TRUE(auth_.Check(Header("prometheus:right horse")));
  EXPECT_FALSE(auth_.Check(Header("prometheus:right horsf")));
  EXPECT_FALSE(auth_.Check(Header("grafana:right horse")));
}

TEST_F(BasicAuthTest, UnknownUserFails) { EXPECT_FALSE(auth_.Check(Header("nobody:right horse"))); }

TEST_F(BasicAuthTest, MissingOrMalformedHeaderFails) {
  EXPECT_FALSE(auth_.Check(""));
  EXPECT_FALSE(auth_.Check("Basic"));
  EXPECT_FALSE(auth_.Check("Basic !!!!"));
  EXPECT_FALSE(auth_.Check("Bearer " + Header("prometheus:right horse").substr(6)));
  EXPECT_FALSE(auth_.Check(Header("prometheus")));  // no colon
}

TEST_F(BasicAuthTest, SchemeIsCaseInsensitive) {
  EXPECT_TRUE(auth_.Check("basic " + Header("prometheus:right horse").substr(6)));
}

// The test hashes have cost 4 (16 rounds): a budget of three checks, one more a second.
class BasicAuthBudgetTest : public ::testing::Test {
 protected:
  std::chrono::steady_clock::time_point now_{};
  BasicAuth auth_{{{"prometheus", testing::BcryptHash("right horse")}},
                  {.rounds_per_second = 16, .burst = 48},
                  [this] { return now_; }};
};

TEST_F(BasicAuthBudgetTest, FloodOfWrongPasswordsIsRefusedUncheckedOnceTheBudgetIsSpent) {
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(auth_.Check(Header("prometheus:guess")));
  EXPECT_EQ(auth_.throttled(), 0u);
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(auth_.Check(Header("prometheus:guess")));
  EXPECT_EQ(auth_.throttled(), 100u);
  // The right password is not checked either until the bucket refills.
  EXPECT_FALSE(auth_.Check(Header("prometheus:right horse")));
  now_ += std::chrono::seconds(1);
  EXPECT_TRUE(auth_.Check(Header("prometheus:right horse")));
}

TEST_F(BasicAuthBudgetTest, RememberedPasswordPassesWhileTheBudgetIsSpent) {
  ASSERT_TRUE(auth_.Check(Header("prometheus:right horse")));
  for (int i = 0; i < 10; ++i) auth_.Check(Header("nobody:guess"));  // unknown users cost too
  EXPECT_GT(auth_.throttled(), 0u);
  const auto throttled = auth_.throttled();
  EXPECT_TRUE(auth_.Check(Header("prometheus:right horse")));
  EXPECT_EQ(auth_.throttled(), throttled);  // no budget spent on it
}

TEST_F(BasicAuthBudgetTest, BudgetRefillsNoFurtherThanTheBurst) {
  now_ += std::chrono::hours(1);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(auth_.Check(Header("prometheus:guess")));
  EXPECT_EQ(auth_.throttled(), 0u);
  EXPECT_FALSE(auth_.Check(Header("prometheus:guess")));
  EXPECT_EQ(auth_.throttled(), 1u);
}

TEST(BasicAuthNoUsersTest, NobodyPasses) {
  BasicAuth auth({});
  EXPECT_FALSE(auth.Check(Header("a:b")));
}

TEST(CheckBcryptHashTest, AcceptsTheVariantsHtpasswdAndLibxcryptMake) {
  std::string hash = testing::BcryptHash("x");
  EXPECT_EQ(CheckBcryptHash(hash), std::nullopt);
  hash[2] = 'y';  // htpasswd -B writes $2y$
  EXPECT_EQ(CheckBcryptHash(hash), std::nullopt);
  EXPECT_NE(CheckBcryptHash(hash.substr(0, 59)), std::nullopt);
}

}  // namespace
}  // namespace sfwarden::daemon
