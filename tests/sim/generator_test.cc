#include "sim/generator.h"

#include <gtest/gtest.h>

#include "sim/org_file.h"
#include "sim/query_engine.h"

namespace sfwarden::sim {
namespace {

TEST(GeneratorTest, GeneratesLoadableLargeOrg) {
  auto org = LoadOrgText(GenerateOrgYaml({.integrations = 50, .humans = 200}));
  EXPECT_EQ(org->table("User").rows.size(), 251u);
  EXPECT_EQ(org->sharing_rules["Account"].size(), 50u);
  auto r = RunSoql(
      *org,
      "SELECT COUNT() FROM PermissionSetAssignment WHERE PermissionSet.Name LIKE 'Integration\\_%'",
      false, "60.0");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->total_size, 50);
  EXPECT_EQ(GenerateOrgYaml({.integrations = 3, .humans = 1}),
            GenerateOrgYaml({.integrations = 3, .humans = 1}));
}

}  // namespace
}  // namespace sfwarden::sim
