#include "daemon/logging.h"

#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <nlohmann/json.hpp>

namespace sfwarden::daemon {
namespace {

/// 2026-01-31T23:59:59.123Z (UTC, milliseconds).
std::string Timestamp(const spdlog::details::log_msg& msg) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(msg.time.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char ts[32];
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03}Z", ts, ms % 1000);
}

/// One JSON object per line. The message goes through nlohmann so quotes,
/// backslashes and control characters are escaped.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    nlohmann::ordered_json line;  // keeps ts, level, msg in that order
    line["ts"] = Timestamp(msg);
    auto level = spdlog::level::to_string_view(msg.level);
    line["level"] = std::string(level.data(), level.size());
    line["msg"] = std::string(msg.payload.data(), msg.payload.size());
    auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

/// "2026-01-31T23:59:59.123Z info msg", one line per message: control characters of the
/// message become \xNN (LogSafe), whoever formatted it. Log messages quote usernames,
/// IPs, error texts and alert summaries that come from Salesforce; escaping here, not at
/// each call, means none of them can forge a line or send a terminal escape.
class TextFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    auto level = spdlog::level::to_string_view(msg.level);
    auto text =
        fmt::format("{} {} {}\n", Timestamp(msg), std::string_view(level.data(), level.size()),
                    LogSafe(std::string_view(msg.payload.data(), msg.payload.size())));
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<TextFormatter>();
  }
};

spdlog::level::level_enum ToSpdlog(std::string_view level) {
  if (level == "debug") return spdlog::level::debug;
  if (level == "warn") return spdlog::level::warn;
  if (level == "error") return spdlog::level::err;
  return spdlog::level::info;
}

}  // namespace

bool IsValidLogLevel(std::string_view level) {
  return level == "debug" || level == "info" || level == "warn" || level == "error";
}

bool IsValidLogFormat(std::string_view format) { return format == "text" || format == "json"; }

void ConfigureLogging(std::string_view level, std::string_view format) {
  static bool created = false;
  if (!created) {
    auto logger = spdlog::stderr_logger_mt("sfwarden");
    spdlog::set_default_logger(logger);
    created = true;
  }
  auto logger = spdlog::default_logger();
  if (format == "json") {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_formatter(std::make_unique<TextFormatter>());
  }
  logger->set_level(ToSpdlog(level));
  logger->flush_on(spdlog::level::info);
}

std::string LogSafe(std::string_view untrusted) {
  std::string out;
  out.reserve(untrusted.size());
  for (std::size_t i = 0; i < untrusted.size(); ++i) {
    const auto c = static_cast<unsigned char>(untrusted[i]);
    const auto next = i + 1 < untrusted.size() ? static_cast<unsigned char>(untrusted[i + 1]) : 0;
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else if (c == 0xc2 && next >= 0x80 && next <= 0x9f) {
      // A C1 control (U+0080..U+009F, UTF-8 C2 80..C2 9F): U+009B is CSI, which some
      // terminals act on like ESC [.
      out += fmt::format("\\u{:04x}", next);
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace sfwarden::daemon
