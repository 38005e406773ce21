#include <gtest/gtest.h>

#include "collectors/observations.h"

namespace sfwarden::collectors {
namespace {

TEST(LoginClassificationTest, RealStatusValuesFoldIntoTheBoundedSet) {
  // WIRE.md §5 (salesforce.stackexchange.com/q/146422, livesalesforcetraining.com).
  EXPECT_EQ(ClassifyLoginStatus("Success"), LoginOutcome::kSuccess);
  EXPECT_EQ(ClassifyLoginStatus("Invalid Password"), LoginOutcome::kInvalidPassword);
  EXPECT_EQ(ClassifyLoginStatus("Invalid password"), LoginOutcome::kInvalidPassword);
  EXPECT_EQ(ClassifyLoginStatus("Password Lockout"), LoginOutcome::kLockedOut);
  EXPECT_EQ(ClassifyLoginStatus("User Is Frozen"), LoginOutcome::kLockedOut);
  EXPECT_EQ(ClassifyLoginStatus("User is Inactive"), LoginOutcome::kInactiveUser);
  EXPECT_EQ(ClassifyLoginStatus("Restricted IP"), LoginOutcome::kIpRestricted);
  EXPECT_EQ(ClassifyLoginStatus("Restricted Time"), LoginOutcome::kHoursRestricted);
  EXPECT_EQ(ClassifyLoginStatus("Failed: API security token required"),
            LoginOutcome::kOAuthFailure);
  EXPECT_EQ(ClassifyLoginStatus("Failed: Computer activation required"),
            LoginOutcome::kOAuthFailure);
}

TEST(LoginClassificationTest, UnknownStatusIsOther) {
  EXPECT_EQ(ClassifyLoginStatus("Maximum logins exceeded"), LoginOutcome::kOther);
  EXPECT_EQ(ClassifyLoginStatus(""), LoginOutcome::kOther);
  EXPECT_EQ(ClassifyLoginStatus("Successful"), LoginOutcome::kOther);
}

TEST(LoginClassificationTest, LoginTypesFoldIntoTheBoundedSet) {
  EXPECT_EQ(ClassifyLoginType("Remote Access 2.0"), LoginKind::kOAuth);
  EXPECT_EQ(ClassifyLoginType("Remote Access Client"), LoginKind::kOAuth);
  EXPECT_EQ(ClassifyLoginType("Other Apex API"), LoginKind::kApi);
  EXPECT_EQ(ClassifyLoginType("Partner Product"), LoginKind::kApi);
  EXPECT_EQ(ClassifyLoginType("Application"), LoginKind::kUi);
  EXPECT_EQ(ClassifyLoginType("SAML Idp Initiated SSO"), LoginKind::kUi);
  EXPECT_EQ(ClassifyLoginType("Something New"), LoginKind::kOther);
  EXPECT_EQ(ClassifyLoginType(""), LoginKind::kOther);
}

TEST(LoginClassificationTest, LabelsAreBoundedSnakeCase) {
  EXPECT_EQ(ToString(LoginOutcome::kSuccess), "success");
  EXPECT_EQ(ToString(LoginOutcome::kInvalidPassword), "invalid_password");
  EXPECT_EQ(ToString(LoginOutcome::kIpRestricted), "ip_restricted");
  EXPECT_EQ(ToString(LoginOutcome::kOther), "other");
  EXPECT_EQ(ToString(LoginKind::kApi), "api");
  EXPECT_EQ(ToString(LoginKind::kOAuth), "oauth");
  EXPECT_EQ(ToString(LoginKind::kUi), "ui");
  EXPECT_EQ(ToString(LoginKind::kOther), "other");
}

}  // namespace
}  // namespace sfwarden::collectors
