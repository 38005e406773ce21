#include <gtest/gtest.h>

#include "collectors/poll_cycle.h"

namespace sfwarden::collectors {
namespace {

PermissionSnapshot Snapshot() {
  PermissionSnapshot s;
  UserState hubspot;
  hubspot.id = "0055g00000ABCDEAAA";
  hubspot.username = "hubspot@acme.example";
  hubspot.name = "HubSpot Integration";
  hubspot.found = true;
  s.users["hubspot@acme.example"] = hubspot;
  UserState missing;
  missing.username = "gone@acme.example";
  s.users["gone@acme.example"] = missing;
  PermissionSetState set;
  set.name = "HubSpot_Sync_Access";
  set.label = "HubSpot Sync Access";
  set.found = true;
  s.permission_sets["HubSpot_Sync_Access"] = set;
  GroupState group;
  group.developer_name = "HubSpot_Integration_Group";
  group.name = "HubSpot Integration Group";
  group.found = true;
  s.public_groups["HubSpot_Integration_Group"] = group;
  return s;
}

TEST(PollUserDirectoryTest, FromSnapshotMapsBothIdFormsOfFoundUsers) {
  auto users = UserDirectory::From(Snapshot());
  EXPECT_EQ(users.UsernameOf("0055g00000ABCDEAAA"), "hubspot@acme.example");
  EXPECT_EQ(users.UsernameOf("0055g00000ABCDE"), "hubspot@acme.example");
  EXPECT_EQ(users.username_by_id.size(), 1u);  // one entry per Id; the missing user has none
  EXPECT_EQ(users.name_by_username.at("hubspot@acme.example"), "HubSpot Integration");
  EXPECT_EQ(users.permission_set_labels.at("HubSpot_Sync_Access"), "HubSpot Sync Access");
  EXPECT_EQ(users.group_labels.at("HubSpot_Integration_Group"), "HubSpot Integration Group");
}

TEST(PollUserDirectoryTest, UsernameOfResolvesTheOtherIdForm) {
  UserDirectory users;
  users.username_by_id["0055g00000ABCDEAAA"] = "a@x.example";  // 18 only
  users.username_by_id["0055g00000XYZWV"] = "b@x.example";     // 15 only
  EXPECT_EQ(users.UsernameOf("0055g00000ABCDE"), "a@x.example");
  EXPECT_EQ(users.UsernameOf("0055g00000XYZWVQAA"), "b@x.example");
  EXPECT_FALSE(users.UsernameOf("0055g00000ABCDF"));
  EXPECT_FALSE(users.UsernameOf("0055g"));
  EXPECT_FALSE(users.UsernameOf(""));
}

}  // namespace
}  // namespace sfwarden::collectors
