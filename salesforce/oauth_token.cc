#include "salesforce/oauth_token.h"

#include <charconv>

#include "salesforce/detail/json.h"

namespace sfwarden::salesforce {
namespace {
constexpr std::string_view kWhat = "OAuth token response";
constexpr std::string_view kContext = "POST /services/oauth2/token";
}  // namespace

tl::expected<AccessToken, ApiError> DecodeTokenResponse(int http_status, std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  bool is_2xx = http_status >= 200 && http_status < 300;
  if (!is_2xx || (json.is_object() && json.contains("error"))) {
    ApiError e = MakeError(ErrorKind::kAuth, "", std::string(kContext));
    e.http_status = http_status;
    if (json.is_object()) {
      e.error_code = detail::OptionalString(json, "error", kWhat).value_or("");
      e.message = detail::OptionalString(json, "error_description", kWhat).value_or("");
    }
    if (e.error_code.empty()) {
      // Like jsforce: a non-JSON body (an HTML error page) becomes ERROR_HTTP_<status>.
      e.error_code = "ERROR_HTTP_" + std::to_string(http_status);
      e.message = "token endpoint answered without an OAuth error body";
    }
    if (http_status >= 500) e.kind = ErrorKind::kHttp;  // server trouble: retryable
    return tl::unexpected(e);
  }
  if (json.is_discarded() || !json.is_object()) {
    return tl::unexpected(detail::DecodeError(kContext, "token response is not a JSON object"));
  }
  AccessToken token;
  const std::pair<const char*, std::string*> fields[] = {{"access_token", &token.access_token},
                                                         {"instance_url", &token.instance_url},
                                                         {"id", &token.id},
                                                         {"token_type", &token.token_type},
                                                         {"scope", &token.scope}};
  for (auto [key, field] : fields) {
    auto value = detail::OptionalString(json, key, kWhat);
    if (!value) return tl::unexpected(value.error());
    *field = std::move(*value);
  }
  if (token.access_token.empty() || token.instance_url.empty()) {
    return tl::unexpected(
        detail::DecodeError(kContext, "token response lacks access_token or instance_url"));
  }
  while (token.instance_url.ends_with('/')) token.instance_url.pop_back();
  auto issued = detail::OptionalString(json, "issued_at", kWhat);
  if (issued && !issued->empty()) {
    long long ms = 0;
    auto [ptr, ec] = std::from_chars(issued->data(), issued->data() + issued->size(), ms);
    // Milliseconds since 1970 from the server; the clock counts nanoseconds in 64 bits
    // (until 2262), so a larger value is ignored like a malformed one instead of
    // overflowing the conversion.
    constexpr long long kLatestMs = 9'000'000'000'000;  // 2255-03-14
    if (ec == std::errc() && ptr == issued->data() + issued->size() && ms >= 0 &&
        ms <= kLatestMs) {
      token.issued_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
    }
  }
  return token;
}

}  // namespace sfwarden::salesforce
