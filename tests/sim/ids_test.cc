#include "sim/ids.h"

#include <gtest/gtest.h>

namespace sfwarden::sim {
namespace {

TEST(IdsTest, ChecksumFollowsUpperCaseBitsPerChunk) {
  // Chunks "00D5g", "00000", "4EXAM": only the last has upper-case letters (bits 1..4 → 30).
  EXPECT_EQ(IdChecksum("00D5g000004EXAM"), "EA4");
  EXPECT_EQ(IdChecksum("001000000000000"), "AAA");
}

TEST(IdsTest, MakeIdHasPrefixLengthAndValidSuffix) {
  std::string id = MakeId("0Pa", 123);
  ASSERT_EQ(id.size(), 18u);
  EXPECT_EQ(id.substr(0, 3), "0Pa");
  EXPECT_EQ(id.substr(15), IdChecksum(id.substr(0, 15)));
  EXPECT_NE(MakeId("005", 1), MakeId("005", 2));
}

TEST(IdsTest, NormalizeAccepts15And18AndRejectsGarbage) {
  std::string id = MakeId("005", 77);
  EXPECT_EQ(NormalizeId(id.substr(0, 15)), id);
  EXPECT_EQ(NormalizeId(id), id);
  std::string lower = id;
  for (int i = 15; i < 18; ++i) lower[i] = char(std::tolower(lower[i]));
  EXPECT_EQ(NormalizeId(lower), id);
  EXPECT_FALSE(NormalizeId("005"));
  EXPECT_FALSE(NormalizeId("005-5g0000000001"));
  std::string bad = id;
  bad[17] = bad[17] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(NormalizeId(bad));
}

}  // namespace
}  // namespace sfwarden::sim
