// The fake itself: counts calls the way Salesforce does, so collector cost tests can
// rely on it.
#include "fake_api.h"

#include <gtest/gtest.h>

namespace sfwarden::collectors::testing {
namespace {

TEST(FakeApi, CountsOneCallPerQueryPageAndStopsWhenTheSinkDoes) {
  FakeApi api;
  api.on_query = [](const std::string&) -> FakeApi::Result<std::vector<salesforce::QueryPage>> {
    return std::vector<salesforce::QueryPage>{Page({{{"Id", "a"}}}, "/services/data/v62.0/query/01g-2000"),
                                              Page({{{"Id", "b"}}}, "/services/data/v62.0/query/01g-4000"),
                                              Page({{{"Id", "c"}}})};
  };
  int seen = 0;
  auto summary = RunSync(api.Query("SELECT Id FROM User", [&](salesforce::QueryPage&&) {
    return ++seen < 2;
  }, {}));
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(seen, 2);
  EXPECT_EQ(api.api_calls, 2);
  EXPECT_FALSE(summary->complete);
  ASSERT_EQ(api.calls.size(), 1u);
  EXPECT_EQ(api.calls[0].argument, "SELECT Id FROM User");
}

}  // namespace
}  // namespace sfwarden::collectors::testing
