#include "salesforce/save_result.h"

#include "salesforce/detail/json.h"

namespace sfwarden::salesforce {
namespace {
constexpr std::string_view kWhat = "save result";

tl::expected<SaveResult, ApiError> DecodeOne(const nlohmann::json& j) {
  if (!j.is_object()) return tl::unexpected(detail::DecodeError(kWhat, "not an object"));
  SaveResult r;
  auto id = detail::OptionalString(j, "id", kWhat);
  if (!id) return tl::unexpected(id.error());
  r.id = std::move(*id);
  auto success = j.find("success");
  if (success == j.end() || !success->is_boolean()) {
    return tl::unexpected(detail::DecodeError(kWhat, "missing boolean 'success'"));
  }
  r.success = success->get<bool>();
  if (auto c = j.find("created"); c != j.end() && c->is_boolean()) r.created = c->get<bool>();
  if (auto e = j.find("errors"); e != j.end() && !e->is_null()) {
    if (!e->is_array()) return tl::unexpected(detail::DecodeError(kWhat, "'errors' not an array"));
    if (!e->empty()) {
      auto items = DecodeErrorItems(*e);
      if (!items) return tl::unexpected(items.error());
      r.errors = std::move(*items);
    }
  }
  return r;
}
}  // namespace

tl::expected<SaveResult, ApiError> DecodeSaveResult(std::string_view body) {
  auto json = detail::ParseJson(body, kWhat);
  if (!json) return tl::unexpected(json.error());
  return DecodeOne(*json);
}

tl::expected<std::vector<SaveResult>, ApiError> DecodeSaveResults(std::string_view body) {
  auto json = detail::ParseJson(body, kWhat);
  if (!json) return tl::unexpected(json.error());
  if (!json->is_array()) return tl::unexpected(detail::DecodeError(kWhat, "not an array"));
  std::vector<SaveResult> out;
  for (const auto& j : *json) {
    auto r = DecodeOne(j);
    if (!r) return tl::unexpected(r.error());
    out.push_back(std::move(*r));
  }
  return out;
}

}  // namespace sfwarden::salesforce
