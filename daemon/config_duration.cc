// Durations in the config: "250ms", "30s", "5m", "1h30m", "7d", "2w".

#include <array>
#include <cctype>
#include <charconv>
#include <limits>

#include "daemon/config.h"

namespace sfwarden::daemon {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t millis;
};
// Largest first: the order a duration must be written in. "ms" before "m" when matching.
constexpr std::array<Unit, 6> kUnits = {{{"w", 7 * 24 * 3600 * 1000LL},
                                         {"d", 24 * 3600 * 1000LL},
                                         {"h", 3600 * 1000LL},
                                         {"m", 60 * 1000LL},
                                         {"s", 1000LL},
                                         {"ms", 1LL}}};

bool Fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return false;
}

}  // namespace

std::optional<Duration> ParseDuration(std::string_view text, std::string* error) {
  if (text.empty()) {
    Fail(error, "empty; write e.g. 30s, 5m, 1h30m");
    return std::nullopt;
  }
  std::int64_t total = 0;
  std::size_t last_unit = 0;  // index into kUnits + 1 of the previous unit; 0: none yet
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t amount = 0;
    const char* begin = text.data() + i;
    auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), amount);
    if (ptr == begin) {
      Fail(error, "expected a whole number at '" + std::string(text.substr(i)) +
                      "'; write e.g. 30s, 5m, 1h30m");
      return std::nullopt;
    }
    if (ec != std::errc()) {
      Fail(error, "number too large");
      return std::nullopt;
    }
    if (amount < 0) {
      Fail(error, "must not be negative");
      return std::nullopt;
    }
    i = static_cast<std::size_t>(ptr - text.data());
    if (i < text.size() && text[i] == '.') {
      Fail(error, "fractions are not allowed; write 1h30m, not 1.5h");
      return std::nullopt;
    }
    std::size_t end = i;
    while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]))) ++end;
    const std::string_view unit_text = text.substr(i, end - i);
    if (unit_text.empty()) {
      Fail(error, "missing unit after " + std::to_string(amount) + " (one of ms, s, m, h, d, w)");
      return std::nullopt;
    }
    std::size_t unit = 0;
    while (unit < kUnits.size() && kUnits[unit].name != unit_text) ++unit;
    if (unit == kUnits.size()) {
      Fail(error, "unknown unit '" + std::string(unit_text) + "' (one of ms, s, m, h, d, w)");
      return std::nullopt;
    }
    if (unit + 1 <= last_unit) {
      Fail(error, "units must go from largest to smallest, each once (e.g. 1h30m)");
      return std::nullopt;
    }
    last_unit = unit + 1;
    if (amount > (std::numeric_limits<std::int64_t>::max() - total) / kUnits[unit].millis) {
      Fail(error, "too long");
      return std::nullopt;
    }
    total += amount * kUnits[unit].millis;
    i = end;
  }
  return Duration(total);
}

std::string FormatDuration(Duration d) {
  std::int64_t left = d.count();
  if (left == 0) return "0s";
  std::string out;
  if (left < 0) {
    out = "-";
    left = -left;
  }
  for (const Unit& unit : kUnits) {
    if (left >= unit.millis) {
      out += std::to_string(left / unit.millis);
      out += unit.name;
      left %= unit.millis;
    }
  }
  return out;
}

}  // namespace sfwarden::daemon
