#include "sim/clock.h"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace sfwarden::sim {
namespace {
namespace chr = std::chrono;

struct Parts {
  int year, month, day, hour, minute, second, millis;
};

Parts Split(EpochMs ms) {
  auto tp = chr::sys_time<chr::milliseconds>(chr::milliseconds(ms));
  auto day = chr::floor<chr::days>(tp);
  chr::year_month_day ymd(day);
  chr::hh_mm_ss hms(tp - day);
  return {int(ymd.year()),
          int(unsigned(ymd.month())),
          int(unsigned(ymd.day())),
          int(hms.hours().count()),
          int(hms.minutes().count()),
          int(hms.seconds().count()),
          int(hms.subseconds().count())};
}

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::optional<EpochMs> FromParts(int y, int mo, int d, int h, int mi, int s, int ms) {
  chr::year_month_day ymd{chr::year(y), chr::month(unsigned(mo)), chr::day(unsigned(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
  auto tp = chr::sys_days(ymd) + chr::hours(h) + chr::minutes(mi) + chr::seconds(s) +
            chr::milliseconds(ms);
  return tp.time_since_epoch() / chr::milliseconds(1);
}
}  // namespace

VirtualClock::VirtualClock(std::optional<EpochMs> start) : frozen_start_(start) {}

EpochMs VirtualClock::Now() const {
  if (frozen_start_) return *frozen_start_ + offset_ms_;
  auto now = chr::system_clock::now().time_since_epoch() / chr::milliseconds(1);
  return now + offset_ms_;
}

std::string FormatDateTime(EpochMs ms) {
  Parts p = Split(ms);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+0000", p.year, p.month, p.day,
                p.hour, p.minute, p.second, p.millis);
  return buf;
}

std::string FormatDate(EpochMs ms) {
  Parts p = Split(ms);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", p.year, p.month, p.day);
  return buf;
}

std::string FormatCompactTimestamp(EpochMs ms) {
  Parts p = Split(ms);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02d.%03d", p.year, p.month, p.day, p.hour,
                p.minute, p.second, p.millis);
  return buf;
}

std::string FormatIsoZ(EpochMs ms) {
  Parts p = Split(ms);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", p.year, p.month, p.day,
                p.hour, p.minute, p.second, p.millis);
  return buf;
}

std::optional<EpochMs> ParseDate(std::string_view s) {
  int y, mo, d;
  if (s.size() != 10 || !Digits(s, 0, 4, y) || s[4] != '-' || !Digits(s, 5, 2, mo) || s[7] != '-' ||
      !Digits(s, 8, 2, d)) {
    return std::nullopt;
  }
  return FromParts(y, mo, d, 0, 0, 0, 0);
}

std::optional<EpochMs> ParseDateTime(std::string_view s) {
  int y, mo, d, h, mi, sec, ms = 0;
  if (s.size() < 20 || !ParseDate(s.substr(0, 10)) || s[10] != 'T' || !Digits(s, 11, 2, h) ||
      s[13] != ':' || !Digits(s, 14, 2, mi) || s[16] != ':' || !Digits(s, 17, 2, sec)) {
    return std::nullopt;
  }
  Digits(s, 0, 4, y);
  Digits(s, 5, 2, mo);
  Digits(s, 8, 2, d);
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start || pos - start > 9) return std::nullopt;
    int frac = 0;
    Digits(s, start, std::min<size_t>(3, pos - start), frac);
    for (size_t n = pos - start; n < 3; ++n) frac *= 10;
    ms = frac;
  }
  std::int64_t offset_min = 0;
  std::string_view zone = s.substr(pos);
  if (zone == "Z") {
  } else if ((zone.size() == 6 && zone[3] == ':') || zone.size() == 5) {
    if (zone[0] != '+' && zone[0] != '-') return std::nullopt;
    int oh, om;
    if (!Digits(zone, 1, 2, oh) || !Digits(zone, zone.size() - 2, 2, om)) return std::nullopt;
    offset_min = (oh * 60 + om) * (zone[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  auto base = FromParts(y, mo, d, h, mi, sec, ms);
  if (!base) return std::nullopt;
  return *base - offset_min * 60'000;
}

EpochMs StartOfDay(EpochMs ms) {
  constexpr EpochMs kDay = 86'400'000;
  EpochMs r = ms % kDay;
  return ms - (r < 0 ? r + kDay : r);
}

std::optional<std::int64_t> ParseDurationMs(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value < 0) return std::nullopt;
  std::string_view unit(end, text.data() + text.size() - end);
  std::int64_t scale = 0;
  if (unit.empty() || unit == "s")
    scale = 1000;
  else if (unit == "ms")
    scale = 1;
  else if (unit == "m")
    scale = 60'000;
  else if (unit == "h")
    scale = 3'600'000;
  else if (unit == "d")
    scale = 86'400'000;
  else
    return std::nullopt;
  return value * scale;
}

}  // namespace sfwarden::sim
