// Log lines quote strings from Salesforce (usernames, IPs, error texts, alert summaries):
// whatever they hold, one message stays one line without control characters, in both
// formats.
#include "daemon/logging.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace sfwarden::daemon {
namespace {

const std::string kHostileUsername =
    "int@acme.com\n2026-01-01T00:00:00.000Z error forged line\r\x1b[31mred\x1b[0m\"q\\b\x7f";

std::vector<std::string> LinesLogged(std::string_view format, const std::string& value) {
  ConfigureLogging("info", format);
  testing::internal::CaptureStderr();
  spdlog::warn("login of {} from {}", value, std::string(5000, 'x') + "\n");
  spdlog::default_logger()->flush();
  std::istringstream out(testing::internal::GetCapturedStderr());
  std::vector<std::string> lines;
  for (std::string line; std::getline(out, line);) lines.push_back(line);
  ConfigureLogging("info", "text");
  return lines;
}

bool HasControlCharacter(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

TEST(LoggingTest, TextLineEscapesControlCharactersOfAnyMessage) {
  const auto lines = LinesLogged("text", kHostileUsername);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_FALSE(HasControlCharacter(lines[0]));
  EXPECT_NE(lines[0].find(" warning login of int@acme.com\\x0a2026-01-01T00:00:00.000Z error "
                          "forged line\\x0d\\x1b[31mred\\x1b[0m\"q\\b\\x7f from xxx"),
            std::string::npos)
      << lines[0];
}

TEST(LoggingTest, JsonLineKeepsTheExactMessage) {
  const auto lines = LinesLogged("json", kHostileUsername);
  ASSERT_EQ(lines.size(), 1u);
  // JSON escapes every character below 0x20 (RFC 8259 §7); DEL may stay raw.
  EXPECT_EQ(lines[0].find_first_of(std::string("\r\x1b\0", 3)), std::string::npos);
  const auto line = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(line["level"], "warning");
  EXPECT_EQ(line["msg"].get<std::string>().substr(0, 9 + kHostileUsername.size()),
            "login of " + kHostileUsername);
}

TEST(LoggingTest, LogSafeEscapesOnlyControlCharacters) {
  EXPECT_EQ(LogSafe("a\tb\nc\x1b\x7f d\"e\\f"), "a\\x09b\\x0ac\\x1b\\x7f d\"e\\f");
  EXPECT_EQ(LogSafe("Zürich 203.0.113.9"), "Zürich 203.0.113.9");
}

TEST(LoggingTest, LogSafeEscapesC1ControlsButNotOtherNonAscii) {
  // U+009B (CSI) and U+0085 (NEL) as UTF-8; U+00A0 and U+00C4 are printable.
  EXPECT_EQ(LogSafe("a\xc2\x9b"
                    "31mb\xc2\x85"
                    "c"),
            "a\\u009b31mb\\u0085c");
  EXPECT_EQ(LogSafe("\xc2\xa0\xc3\x84 \xc2"), "\xc2\xa0\xc3\x84 \xc2");
}

}  // namespace
}  // namespace sfwarden::daemon
