#include "salesforce/limit_info.h"

#include <charconv>

namespace sfwarden::salesforce {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "N/M" followed by `rest` (returned); nullopt unless both are non-negative integers.
std::optional<UsageCount> ParseCount(std::string_view s, std::string_view* rest) {
  UsageCount c;
  const char* end = s.data() + s.size();
  auto [p1, e1] = std::from_chars(s.data(), end, c.used);
  if (e1 != std::errc() || p1 == end || *p1 != '/' || c.used < 0) return std::nullopt;
  auto [p2, e2] = std::from_chars(p1 + 1, end, c.max);
  if (e2 != std::errc() || c.max < 0) return std::nullopt;
  *rest = std::string_view(p2, static_cast<std::size_t>(end - p2));
  return c;
}

}  // namespace

std::optional<LimitInfo> ParseLimitInfo(std::string_view header) {
  LimitInfo info;
  bool any = false;
  while (!header.empty()) {
    auto semi = header.find(';');
    auto part = Trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    auto eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    auto key = Trim(part.substr(0, eq));
    auto value = Trim(part.substr(eq + 1));
    std::string_view rest;
    auto count = ParseCount(value, &rest);
    if (!count) continue;
    if (key == "api-usage" && rest.empty()) {
      info.api_usage = count;
      any = true;
    } else if (key == "api-bursts" && rest.empty()) {
      info.api_bursts = count;
      any = true;
    } else if (key == "per-app-api-usage") {
      constexpr std::string_view kApp = "(appName=";
      if (rest.starts_with(kApp) && rest.ends_with(')')) {
        info.app_name = std::string(rest.substr(kApp.size(), rest.size() - kApp.size() - 1));
      }
      info.per_app_api_usage = count;
      any = true;
    }
  }
  if (!any) return std::nullopt;
  return info;
}

}  // namespace sfwarden::salesforce
