#include "salesforce/limits.h"

#include "salesforce/detail/json.h"

namespace sfwarden::salesforce {
namespace {
constexpr std::string_view kWhat = "limits";

tl::expected<LimitValue, ApiError> DecodeValue(const std::string& name, const nlohmann::json& j) {
  auto max = j.find("Max");
  auto remaining = j.find("Remaining");
  if (max == j.end() || remaining == j.end() || !max->is_number_integer() ||
      !remaining->is_number_integer()) {
    return tl::unexpected(detail::DecodeError(kWhat, "'" + name + "' lacks integer Max/Remaining"));
  }
  return LimitValue{max->get<std::int64_t>(), remaining->get<std::int64_t>()};
}
}  // namespace

tl::expected<Limits, ApiError> DecodeLimits(std::string_view body) {
  auto json = detail::ParseJson(body, kWhat);
  if (!json) return tl::unexpected(json.error());
  if (!json->is_object()) return tl::unexpected(detail::DecodeError(kWhat, "not an object"));
  Limits limits;
  for (const auto& [name, entry] : json->items()) {
    if (!entry.is_object()) {
      return tl::unexpected(detail::DecodeError(kWhat, "'" + name + "' is not an object"));
    }
    auto value = DecodeValue(name, entry);
    if (!value) return tl::unexpected(value.error());
    Limit limit{*value, {}};
    for (const auto& [child, sub] : entry.items()) {
      if (child == "Max" || child == "Remaining") continue;
      if (!sub.is_object()) continue;  // tolerate scalar extras added by newer versions
      auto sub_value = DecodeValue(name + "." + child, sub);
      if (!sub_value) return tl::unexpected(sub_value.error());
      limit.children.emplace(child, *sub_value);
    }
    limits.emplace(name, std::move(limit));
  }
  return limits;
}

tl::expected<std::map<std::string, std::int64_t>, ApiError> DecodeRecordCounts(
    std::string_view body) {
  auto json = detail::ParseJson(body, "record counts");
  if (!json) return tl::unexpected(json.error());
  auto objects = json->is_object() ? json->find("sObjects") : json->end();
  if (!json->is_object() || objects == json->end() || !objects->is_array()) {
    return tl::unexpected(detail::DecodeError("record counts", "missing 'sObjects' array"));
  }
  std::map<std::string, std::int64_t> counts;
  for (const auto& o : *objects) {
    if (!o.is_object() || !o.contains("name") || !o["name"].is_string() || !o.contains("count") ||
        !o["count"].is_number_integer()) {
      return tl::unexpected(detail::DecodeError("record counts", "entry lacks name/count"));
    }
    counts[o["name"].get<std::string>()] = o["count"].get<std::int64_t>();
  }
  return counts;
}

}  // namespace sfwarden::salesforce
