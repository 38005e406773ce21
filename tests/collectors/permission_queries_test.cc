// The SOQL of a full permission read: exact text, escaping, and the relationship paths
// that let the first composite run without Ids.
#include "collectors/detail/permission_queries.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace sfwarden::collectors::detail {
namespace {

TEST(PermissionQueriesTest, UsersByUsernameWithProfileName) {
  EXPECT_EQ(UsersSoql({"a@x.com", "b@x.com"}),
            "SELECT Id, Username, Name, IsActive, Profile.Name FROM User "
            "WHERE Username IN ('a@x.com','b@x.com') ORDER BY Id");
}

TEST(PermissionQueriesTest, InjectionAttemptStaysInsideTheStringLiteral) {
  const std::string evil = "o'brien\\x@acme.com') OR (Username != '";
  auto soql = UsersSoql({evil});
  EXPECT_EQ(soql,
            "SELECT Id, Username, Name, IsActive, Profile.Name FROM User "
            "WHERE Username IN ('o\\'brien\\\\x@acme.com\\') OR (Username != \\'') ORDER BY Id");
  // The same value is escaped the same way in every query that takes usernames.
  EXPECT_NE(UserLoginsSoql({evil}).find("IN ('o\\'brien\\\\x@acme.com\\') OR (Username != \\'')"),
            std::string::npos);
  EXPECT_NE(AssignmentsSoql({evil}).find("IN ('o\\'brien\\\\x@acme.com\\') OR (Username != \\'')"),
            std::string::npos);
}

TEST(PermissionQueriesTest, UserLoginsAndAssignmentsFollowRelationshipsSoNoIdsAreNeeded) {
  EXPECT_EQ(UserLoginsSoql({"a@x.com"}),
            "SELECT Id, UserId, IsFrozen FROM UserLogin WHERE User.Username IN ('a@x.com') "
            "ORDER BY Id");
  EXPECT_EQ(AssignmentsSoql({"a@x.com"}),
            "SELECT Id, AssigneeId, PermissionSetId, PermissionSet.Name, PermissionSetGroupId, "
            "PermissionSetGroup.DeveloperName, ExpirationDate FROM PermissionSetAssignment "
            "WHERE Assignee.Username IN ('a@x.com') AND PermissionSet.IsOwnedByProfile = false "
            "ORDER BY Id");
}

TEST(PermissionQueriesTest, PermissionSetsCarryWatchedSystemPermissionsAndGroupAggregates) {
  EXPECT_EQ(PermissionSetsSoql({"A", "B"}, {"ModifyAllData", "ApiEnabled"}, {"G"}),
            "SELECT Id, Name, Label, PermissionSetGroupId, PermissionSetGroup.DeveloperName, "
            "PermissionSetGroup.MasterLabel, PermissionsApiEnabled, PermissionsModifyAllData "
            "FROM PermissionSet WHERE IsOwnedByProfile = false AND (Name IN ('A','B') OR "
            "PermissionSetGroup.DeveloperName IN ('G')) ORDER BY Id");
  EXPECT_EQ(PermissionSetsSoql({"A"}, {}, {}),
            "SELECT Id, Name, Label, PermissionSetGroupId, PermissionSetGroup.DeveloperName, "
            "PermissionSetGroup.MasterLabel FROM PermissionSet WHERE IsOwnedByProfile = false AND "
            "(Name IN ('A')) ORDER BY Id");
  EXPECT_EQ(PermissionSetsSoql({}, {}, {"G"}),
            "SELECT Id, Name, Label, PermissionSetGroupId, PermissionSetGroup.DeveloperName, "
            "PermissionSetGroup.MasterLabel FROM PermissionSet WHERE IsOwnedByProfile = false AND "
            "(PermissionSetGroup.DeveloperName IN ('G')) ORDER BY Id");
}

TEST(PermissionQueriesTest, NamesThatBecomeFieldNamesMustBeApiNames) {
  EXPECT_THROW(PermissionSetsSoql({"A"}, {"Modify All"}, {}), std::invalid_argument);
  EXPECT_THROW(PermissionSetsSoql({"A"}, {"X FROM User--"}, {}), std::invalid_argument);
  EXPECT_THROW(OrganizationSoql({"Account, Name"}), std::invalid_argument);
}

TEST(PermissionQueriesTest, SecondCompositeQueriesFilterByIds) {
  EXPECT_EQ(ObjectPermissionsSoql({"0PS1", "0PS2"}, false),
            "SELECT Id, ParentId, SobjectType, PermissionsRead, PermissionsCreate, "
            "PermissionsEdit, PermissionsDelete, PermissionsViewAllRecords, "
            "PermissionsModifyAllRecords FROM ObjectPermissions WHERE ParentId IN ('0PS1','0PS2') "
            "ORDER BY Id");
  EXPECT_EQ(ObjectPermissionsSoql({"0PS1"}, true),
            "SELECT Id, ParentId, SobjectType, PermissionsRead, PermissionsCreate, "
            "PermissionsEdit, PermissionsDelete, PermissionsViewAllRecords, "
            "PermissionsModifyAllRecords, PermissionsViewAllFields FROM ObjectPermissions WHERE "
            "ParentId IN ('0PS1') ORDER BY Id");
  EXPECT_EQ(FieldPermissionsSoql({"0PS1"}),
            "SELECT Id, ParentId, SobjectType, Field, PermissionsRead, PermissionsEdit FROM "
            "FieldPermissions WHERE ParentId IN ('0PS1') ORDER BY Id");
  EXPECT_EQ(GroupMembersSoql({"00G1"}, {"0051", "0052"}),
            "SELECT Id, GroupId, UserOrGroupId FROM GroupMember WHERE GroupId IN ('00G1') AND "
            "UserOrGroupId IN ('0051','0052') ORDER BY Id");
  EXPECT_EQ(OAuthTokensSoql({"0051"}),
            "SELECT Id, UserId, AppName, CreatedDate, LastUsedDate, UseCount FROM OAuthToken "
            "WHERE UserId IN ('0051') ORDER BY Id");
}

TEST(PermissionQueriesTest, PublicGroupsAreRegularGroupsByDeveloperName) {
  EXPECT_EQ(PublicGroupsSoql({"G1"}),
            "SELECT Id, DeveloperName, Name FROM Group WHERE Type = 'Regular' AND DeveloperName "
            "IN ('G1') ORDER BY Id");
}

TEST(PermissionQueriesTest, OrganizationSelectsDefaultAccessPerObject) {
  EXPECT_EQ(OrganizationSoql({"Account", "Contact"}),
            "SELECT Id, DefaultAccountAccess, DefaultContactAccess FROM Organization");
}

}  // namespace
}  // namespace sfwarden::collectors::detail
