#include "salesforce/soql.h"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace sfwarden::salesforce {
namespace {

bool ParseInt(std::string_view s, int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::string EscapeSoqlString(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 8);
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\'':
        out += "\\'";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string SoqlString(std::string_view value) { return "'" + EscapeSoqlString(value) + "'"; }

std::string SoqlDateTime(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto ms = floor<milliseconds>(t);
  auto day = floor<days>(ms);
  year_month_day ymd{day};
  hh_mm_ss hms{ms - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()),
                int(hms.subseconds().count()));
  return buf;
}

std::optional<std::chrono::system_clock::time_point> ParseSalesforceDateTime(std::string_view s) {
  using namespace std::chrono;
  // YYYY-MM-DDThh:mm:ss[.fff](Z|+hhmm|+hh:mm|-...)
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  int y, mo, d, h, mi, sec, millis = 0;
  if (!ParseInt(s.substr(0, 4), y) || !ParseInt(s.substr(5, 2), mo) ||
      !ParseInt(s.substr(8, 2), d) || !ParseInt(s.substr(11, 2), h) ||
      !ParseInt(s.substr(14, 2), mi) || !ParseInt(s.substr(17, 2), sec)) {
    return std::nullopt;
  }
  auto rest = s.substr(19);
  if (rest.starts_with('.')) {
    std::size_t n = 1;
    while (n < rest.size() && std::isdigit(static_cast<unsigned char>(rest[n]))) ++n;
    auto digits = rest.substr(1, n - 1);
    if (digits.empty()) return std::nullopt;
    std::string three(digits.substr(0, 3));
    three.resize(3, '0');
    if (!ParseInt(three, millis)) return std::nullopt;
    rest.remove_prefix(n);
  }
  int offset_minutes = 0;
  if (rest == "Z") {
  } else if (rest.size() >= 5 && (rest[0] == '+' || rest[0] == '-')) {
    int oh, om;
    auto tz = rest.substr(1);
    std::string_view hh = tz.substr(0, 2);
    std::string_view mm = tz.size() == 5 && tz[2] == ':' ? tz.substr(3, 2) : tz.substr(2);
    if ((tz.size() != 4 && !(tz.size() == 5 && tz[2] == ':')) || !ParseInt(hh, oh) ||
        !ParseInt(mm, om)) {
      return std::nullopt;
    }
    offset_minutes = (rest[0] == '-' ? -1 : 1) * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  // system_clock counts nanoseconds in a 64-bit integer here (libstdc++), which spans
  // 1677-09-21 to 2262-04-11; a year outside 1700..2261 would overflow the conversion
  // (found by fuzz_rest_json with year 1011). Salesforce's own DateTime range starts at
  // 1700; a later year than 2261 is no timestamp an org produces for login or audit data.
  if (y < 1700 || y > 2261) return std::nullopt;
  year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  return sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} + milliseconds{millis} -
         minutes{offset_minutes};
}

Soql& Soql::Raw(std::string_view text) {
  text_ += text;
  return *this;
}

Soql& Soql::Field(std::string_view api_name) {
  if (api_name.empty()) throw std::invalid_argument("SOQL field name is empty");
  for (char c : api_name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') {
      throw std::invalid_argument("SOQL field name has a character outside [A-Za-z0-9_.]");
    }
  }
  text_ += api_name;
  return *this;
}

Soql& Soql::String(std::string_view value) {
  text_ += SoqlString(value);
  return *this;
}

Soql& Soql::StringList(std::span<const std::string> values) {
  if (values.empty()) throw std::invalid_argument("SOQL IN list is empty");
  text_ += '(';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) text_ += ',';
    text_ += SoqlString(values[i]);
  }
  text_ += ')';
  return *this;
}

Soql& Soql::DateTime(std::chrono::system_clock::time_point t) {
  text_ += SoqlDateTime(t);
  return *this;
}

Soql& Soql::Int(std::int64_t value) {
  text_ += std::to_string(value);
  return *this;
}

Soql& Soql::Bool(bool value) {
  text_ += value ? "true" : "false";
  return *this;
}

}  // namespace sfwarden::salesforce
