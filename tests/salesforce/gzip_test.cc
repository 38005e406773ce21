#include "salesforce/detail/gzip.h"

#include <gtest/gtest.h>

#include "tests/salesforce/test_server.h"

namespace sfwarden::salesforce::detail {
namespace {

std::string Decode(std::string_view gz, std::size_t chunk, bool* ok) {
  GzipDecoder decoder;
  std::string out;
  auto sink = [&](std::string_view s) -> tl::expected<void, ApiError> {
    out.append(s);
    return {};
  };
  *ok = true;
  for (std::size_t i = 0; i < gz.size(); i += chunk) {
    if (!decoder.Feed(gz.substr(i, chunk), sink)) *ok = false;
  }
  if (!decoder.Finish()) *ok = false;
  return out;
}

TEST(GzipDecoderTest, DecodesInAnyChunking) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "row " + std::to_string(i) + "\n";
  std::string gz = testing::Gzip(text);
  ASSERT_LT(gz.size(), text.size());
  for (std::size_t chunk : {1u, 7u, 4096u, 1u << 20}) {
    bool ok = false;
    EXPECT_EQ(Decode(gz, chunk, &ok), text);
    EXPECT_TRUE(ok);
  }
}

TEST(GzipDecoderTest, CorruptAndTruncatedDataAreErrors) {
  std::string gz = testing::Gzip("hello hello hello hello");
  bool ok = true;
  Decode(gz.substr(0, gz.size() - 4), 5, &ok);
  EXPECT_FALSE(ok);
  std::string corrupt = gz;
  corrupt[12] ^= 0x7f;
  corrupt[13] ^= 0x7f;
  Decode(corrupt, 100, &ok);
  EXPECT_FALSE(ok);
  Decode("not gzip at all", 100, &ok);
  EXPECT_FALSE(ok);
}

}  // namespace
}  // namespace sfwarden::salesforce::detail
