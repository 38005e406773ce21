#include "salesforce/client.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>
#include <set>
#include <span>
#include <stdexcept>
#include <type_traits>

#include "salesforce/detail/url.h"
#include "salesforce/jwt.h"
#include "salesforce/limit_info.h"
#include "salesforce/oauth_token.h"
#include "salesforce/rest_error.h"

namespace sfwarden::salesforce {
namespace asio = boost::asio;

namespace {

constexpr std::size_t kMaxReadMetadataNames = 10;  // per call [DOC-META, UNCONFIRMED]

bool IsApiName(std::string_view s) {
  if (s.empty() || s.size() > 80) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8 |
                 (unsigned char)bytes[i + 2];
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63],
            kAlphabet[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    unsigned v = (unsigned char)bytes[i] << 16;
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    unsigned v = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8;
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

std::string Outcome(const ApiError& e) {
  switch (e.kind) {
    case ErrorKind::kSalesforce:
      return "salesforce_error";
    case ErrorKind::kHttp:
      return "http_error";
    default:
      return std::string(ToString(e.kind));
  }
}

bool IsNetworkError(const ApiError& e) {
  return e.kind == ErrorKind::kTransport || e.kind == ErrorKind::kTimeout;
}

// A failure that leaves a sent request's fate open: no reply after it was written, or a
// 5xx from something in front of Salesforce (load balancer, proxy) rather than a
// Salesforce error body. A Salesforce error body means the request was refused as a whole.
bool MayHaveBeenApplied(const ApiError& e) {
  return ((IsNetworkError(e) || e.kind == ErrorKind::kCancelled) && e.request_sent) ||
         (e.kind == ErrorKind::kHttp && e.http_status >= 500);
}

}  // namespace

std::string UrlEncode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

struct Client::Impl {
  // One call's shape. The body may depend on the token (SOAP carries it in the envelope).
  struct Call {
    std::string method;
    std::string path;  // /services/... on the instance
    std::string kind;  // metric label: query, query_more, composite, sobject_create, ...
    CallPriority priority = CallPriority::kOptional;
    bool idempotent = true;
    bool soap = false;
    std::string content_type = "application/json";
    std::function<std::string(const std::string& token)> body;
    BodySink sink;
    bool* retried = nullptr;  // set when the call was sent more than once
  };

  Impl(asio::io_context& io, Transport& t, prometheus::Registry& registry, ClientConfig c,
       UniformRandom r, SystemClock clk)
      : ioc(io),
        transport(t),
        config(std::move(c)),
        random(std::move(r)),
        clock(std::move(clk)),
        governor(config.budget, clock),
        calls(prometheus::BuildCounter()
                  .Name("sfwarden_salesforce_calls_total")
                  .Help("Salesforce API calls sent by sfwarden, by org, kind and outcome.")
                  .Register(registry)),
        durations(prometheus::BuildHistogram()
                      .Name("sfwarden_salesforce_request_duration_seconds")
                      .Help("Duration of Salesforce HTTP exchanges, by org and kind.")
                      .Register(registry)),
        retries(prometheus::BuildCounter()
                    .Name("sfwarden_salesforce_retries_total")
                    .Help("Salesforce calls retried after a transient failure.")
                    .Register(registry)),
        refreshes(prometheus::BuildCounter()
                      .Name("sfwarden_salesforce_token_refreshes_total")
                      .Help("OAuth tokens requested (first login and re-authentication).")
                      .Register(registry)
                      .Add({{"org", config.org}})),
        usage_used(prometheus::BuildGauge()
                       .Name("sfwarden_salesforce_org_api_requests_used")
                       .Help("The org's API requests in the last 24 h, per Sforce-Limit-Info.")
                       .Register(registry)
                       .Add({{"org", config.org}})),
        usage_max(prometheus::BuildGauge()
                      .Name("sfwarden_salesforce_org_api_requests_max")
                      .Help("The org's daily API request allowance, per Sforce-Limit-Info.")
                      .Register(registry)
                      .Add({{"org", config.org}})),
        app_used(prometheus::BuildGauge()
                     .Name("sfwarden_salesforce_app_api_requests_used")
                     .Help("API requests in the last 24 h by the connected app sfwarden calls "
                           "through, per Sforce-Limit-Info per-app-api-usage.")
                     .Register(registry)),
        app_max(prometheus::BuildGauge()
                    .Name("sfwarden_salesforce_app_api_requests_max")
                    .Help("The connected app's daily API request allowance, per "
                          "Sforce-Limit-Info per-app-api-usage.")
                    .Register(registry)) {
    const auto& a = config.auth;
    if (!detail::ParseUrl(a.login_url)) throw std::invalid_argument("auth.login_url is not a URL");
    if (a.client_id.empty()) throw std::invalid_argument("auth.client_id is empty");
    if (a.flow == AuthConfig::Flow::kJwtBearer &&
        (a.username.empty() || a.private_key_pem.empty())) {
      throw std::invalid_argument("JWT bearer flow needs username and private key");
    }
    if (a.flow == AuthConfig::Flow::kClientCredentials && a.client_secret.empty()) {
      throw std::invalid_argument("client credentials flow needs client_secret");
    }
    login_url = a.login_url;
    while (login_url.ends_with('/')) login_url.pop_back();
  }

  std::string DataPath(std::string_view rest) const {
    return "/services/data/v" + config.api_version + "/" + std::string(rest);
  }

  void Count(const std::string& kind, const std::string& outcome) {
    calls.Add({{"org", config.org}, {"kind", kind}, {"outcome", outcome}}).Increment();
  }

  asio::awaitable<void> Sleep(std::chrono::milliseconds d) {
    asio::steady_timer timer(ioc);
    timer.expires_after(d);
    boost::system::error_code ec;  // operation_aborted: shutdown; the caller returns anyway
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }

  asio::awaitable<tl::expected<void, ApiError>> Authenticate() {
    const auto& a = config.auth;
    HttpRequest request;
    request.method = "POST";
    request.url = login_url + "/services/oauth2/token";
    request.context = "POST /services/oauth2/token";
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                       {"Accept", "application/json"}};
    if (a.flow == AuthConfig::Flow::kJwtBearer) {
      auto jwt = MakeJwtAssertion(
          {a.client_id, a.username, a.audience.empty() ? login_url : a.audience, clock()},
          a.private_key_pem);
      if (!jwt) co_return tl::unexpected(jwt.error());
      request.body = "grant_type=" + UrlEncode("urn:ietf:params:oauth:grant-type:jwt-bearer") +
                     "&assertion=" + UrlEncode(*jwt);
    } else {
      // simple-salesforce sends the client as HTTP Basic (WIRE.md §1).
      request.headers.emplace_back("Authorization", "Basic " + Base64(UrlEncode(a.client_id) + ":" +
                                                                      UrlEncode(a.client_secret)));
      request.body = "grant_type=client_credentials";
    }
    refreshes.Increment();
    for (int attempt = 1;; ++attempt) {
      auto start = std::chrono::steady_clock::now();
      auto response = co_await transport.Send(request);
      Observe("oauth_token", start);
      tl::expected<AccessToken, ApiError> granted = tl::unexpected(ApiError{});
      if (response) {
        granted = DecodeTokenResponse(response->status, response->body);
      } else {
        granted = tl::unexpected(response.error());
      }
      if (granted) {
        if (auto url = detail::ParseUrl(granted->instance_url);
            !url || (url->scheme != "https" && !detail::IsLoopbackHost(url->host))) {
          Count("oauth_token", "decode");
          co_return tl::unexpected(
              MakeError(ErrorKind::kDecode, "instance_url is not an https URL", request.context));
        }
        Count("oauth_token", "success");
        token = std::move(*granted);
        co_return tl::expected<void, ApiError>{};
      }
      Count("oauth_token", Outcome(granted.error()));
      if (!granted.error().IsRetryable() || attempt >= config.backoff.max_attempts) {
        co_return tl::unexpected(granted.error());
      }
      retries.Add({{"org", config.org}, {"kind", "oauth_token"}}).Increment();
      co_await Sleep(BackoffDelay(config.backoff, attempt, granted.error().retry_after, random));
    }
  }

  // One login at a time: coroutines that need a token while a login is in flight wait for
  // it instead of logging in again (each login is a LoginHistory row in the org).
  asio::awaitable<tl::expected<void, ApiError>> EnsureToken() {
    if (token) co_return tl::expected<void, ApiError>{};
    if (login_in_flight) {
      asio::steady_timer wake(ioc, asio::steady_timer::time_point::max());
      login_waiters.push_back(&wake);
      boost::system::error_code ec;  // operation_aborted: the login finished
      co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (token) co_return tl::expected<void, ApiError>{};
      co_return tl::unexpected(last_login_error.value_or(
          MakeError(ErrorKind::kAuth, "authentication failed", "POST /services/oauth2/token")));
    }
    login_in_flight = true;
    auto result = co_await Authenticate();
    login_in_flight = false;
    if (!result) last_login_error = result.error();
    for (auto* waiter : login_waiters) waiter->cancel();
    login_waiters.clear();
    co_return result;
  }

  void Observe(const std::string& kind, std::chrono::steady_clock::time_point start) {
    static const prometheus::Histogram::BucketBoundaries kBuckets = {0.05, 0.1, 0.25, 0.5, 1,
                                                                     2.5,  5,   10,   30,  60};
    std::chrono::duration<double> d = std::chrono::steady_clock::now() - start;
    durations.Add({{"org", config.org}, {"kind", kind}}, kBuckets).Observe(d.count());
  }

  void TrackUsage(const HttpResponse& response) {
    auto header = response.Header("Sforce-Limit-Info");
    if (!header) return;
    auto info = ParseLimitInfo(*header);
    if (!info) return;
    if (info->per_app_api_usage) TrackAppUsage(info->app_name, *info->per_app_api_usage);
    if (!info->api_usage) return;
    governor.ObserveUsage(*info->api_usage);
    usage_used.Set(static_cast<double>(info->api_usage->used));
    usage_max.Set(static_cast<double>(info->api_usage->max));
  }

  // per-app-api-usage names the connected app of the calling session (WIRE.md,
  // Sforce-Limit-Info): our own, so one label value per org in practice. The label set is
  // capped all the same: apps beyond kMaxAppLabels are not exported.
  void TrackAppUsage(const std::string& app, UsageCount usage) {
    static constexpr std::size_t kMaxAppLabels = 8;
    if (app.empty() || app.size() > 80) return;
    if (!seen_apps.contains(app)) {
      if (seen_apps.size() >= kMaxAppLabels) return;
      seen_apps.insert(app);
    }
    app_used.Add({{"org", config.org}, {"app", app}}).Set(static_cast<double>(usage.used));
    app_max.Add({{"org", config.org}, {"app", app}}).Set(static_cast<double>(usage.max));
  }

  asio::awaitable<tl::expected<HttpResponse, ApiError>> Send(Call call) {
    bool reauthenticated = false;
    bool delivered = false;  // a streamed body reached the caller: no retry
    BodySink sink;
    if (call.sink) {
      sink = [&delivered, &call](std::string_view chunk) {
        delivered = true;
        return call.sink(chunk);
      };
    }
    // A probe is admitted once: its retries and re-authentication are the same probe,
    // not a new one within the probe interval.
    bool probe_admitted = false;
    for (int attempt = 1;; ++attempt) {
      if (!probe_admitted) {
        if (auto admitted = governor.Admit(call.priority); !admitted) {
          Count(call.kind, Outcome(admitted.error()));
          co_return tl::unexpected(admitted.error());
        }
        probe_admitted = call.priority == CallPriority::kProbe;
      }
      if (auto auth = co_await EnsureToken(); !auth) co_return tl::unexpected(auth.error());
      const std::string used_token = token->access_token;
      HttpRequest request;
      request.method = call.method;
      request.url = token->instance_url + call.path;
      auto query = call.path.find('?');
      request.context = call.method + " " + call.path.substr(0, query);
      request.replayable = call.idempotent;
      if (call.soap) {
        request.headers = {{"Content-Type", "text/xml; charset=UTF-8"}, {"SOAPAction", "\"\""}};
      } else {
        request.headers = {{"Authorization", "Bearer " + token->access_token},
                           {"Accept", "application/json"}};
        if (call.body) request.headers.emplace_back("Content-Type", call.content_type);
      }
      if (call.body) request.body = call.body(token->access_token);
      governor.RecordCall(call.priority);
      auto start = std::chrono::steady_clock::now();
      auto response = co_await transport.Send(request, sink);
      Observe(call.kind, start);

      ApiError error;
      if (response) {
        TrackUsage(*response);
        if (response->status >= 200 && response->status < 300) {
          governor.OnSuccess(call.priority);  // TrackUsage came first: a probe is judged on it
          Count(call.kind, "success");
          co_return std::move(*response);
        }
        std::optional<ApiError> fault;
        if (call.soap) fault = ParseSoapFault(response->status, response->body);
        error = fault ? *fault : DecodeRestError(response->status, response->body, request.context);
        if (fault) error.context = request.context;
        if (auto after = response->Header("Retry-After")) {
          error.retry_after = ParseRetryAfter(*after, clock());
        }
      } else {
        error = response.error();
      }
      // Never let a token slip into an error (a server could echo it).
      std::vector<std::string> secrets = {used_token};
      error.message = Redact(error.message, secrets);
      if (!call.idempotent && MayHaveBeenApplied(error)) {
        error.kind = ErrorKind::kOutcomeUnknown;
        error.message += "; the request was sent, whether Salesforce applied it is unknown";
      }
      Count(call.kind, Outcome(error));

      if (error.IsInvalidSession() && !reauthenticated) {
        // 401 INVALID_SESSION_ID (REST) or a SOAP fault with it: the token expired or was
        // revoked; log in again once and repeat the request (WIRE.md §1, §7).
        reauthenticated = true;
        if (token && token->access_token == used_token) token.reset();  // else: renewed meanwhile
        --attempt;
        continue;
      }
      if (error.IsInvalidSession()) {
        error.kind = ErrorKind::kAuth;
        co_return tl::unexpected(error);
      }
      if (error.kind == ErrorKind::kLimitExceeded) {
        governor.OnLimitExceeded();
        co_return tl::unexpected(error);
      }
      bool retryable = error.IsRetryable();
      // A SOAP fault names its cause; only lock contention is worth repeating.
      if (call.soap && !error.error_code.empty() && error.error_code != "UNABLE_TO_LOCK_ROW") {
        retryable = false;
      }
      // Non-idempotent writes are repeated only when Salesforce certainly did not apply
      // them: nothing reached it (DNS, connect, TLS), or it rejected the whole request
      // for record lock contention.
      if (!call.idempotent && error.error_code != "UNABLE_TO_LOCK_ROW" &&
          !(IsNetworkError(error) && !error.request_sent)) {
        retryable = false;
      }
      if (delivered) retryable = false;
      if (!retryable || attempt >= config.backoff.max_attempts) co_return tl::unexpected(error);
      retries.Add({{"org", config.org}, {"kind", call.kind}}).Increment();
      if (call.retried) *call.retried = true;
      auto delay = BackoffDelay(config.backoff, attempt, error.retry_after, random);
      spdlog::warn("salesforce[{}]: {} failed ({}), retry {} in {} ms", config.org, call.kind,
                   error.ToString(), attempt, delay.count());
      co_await Sleep(delay);
    }
  }

  static Call MakeCall(std::string method, std::string path, std::string kind,
                       CallPriority priority = CallPriority::kOptional, bool idempotent = true,
                       bool soap = false) {
    Call call;
    call.method = std::move(method);
    call.path = std::move(path);
    call.kind = std::move(kind);
    call.priority = priority;
    call.idempotent = idempotent;
    call.soap = soap;
    return call;
  }

  static Call Json(std::string method, std::string path, std::string kind, nlohmann::json body,
                   CallPriority priority, bool idempotent) {
    Call call = MakeCall(std::move(method), std::move(path), std::move(kind), priority, idempotent);
    call.body = [text = body.dump()](const std::string&) { return text; };
    return call;
  }

  template <class T>
  static tl::expected<T, ApiError> WithContext(tl::expected<T, ApiError> r, const std::string& c) {
    if (!r && r.error().context.empty()) r.error().context = c;
    return r;
  }

  // The one place a reply is checked and decoded: Send() (governor, auth, retries,
  // metrics), then `decode(body)` -> tl::expected<T, ApiError> on the 2xx body. A decode
  // error without context gets the call's ("GET /services/data/v60.0/limits").
  template <class Decode>
  auto SendAndDecode(Call call, Decode decode)
      -> asio::awaitable<std::invoke_result_t<Decode&, std::string_view>> {
    std::string context = call.method + " " + call.path.substr(0, call.path.find('?'));
    auto response = co_await Send(std::move(call));
    if (!response) co_return tl::unexpected(response.error());
    co_return WithContext(decode(std::string_view(response->body)), context);
  }

  // Calls that take a list in bounded chunks (collections by 200, metadata by 10): one
  // call per chunk, made by `make(chunk)`; `decode(body, chunk.size())` gives that chunk's
  // results, appended in input order. A failure after the first chunk says how many items
  // were already sent (their calls succeeded and are not undone).
  template <class Item, class Make, class Decode>
  auto SendChunked(std::vector<Item> items, std::size_t per_call, Make make, Decode decode)
      -> asio::awaitable<tl::expected<
          typename std::invoke_result_t<Decode&, std::string_view, std::size_t>::value_type,
          ApiError>> {
    typename std::invoke_result_t<Decode&, std::string_view, std::size_t>::value_type results;
    for (std::size_t i = 0; i < items.size(); i += per_call) {
      std::span<Item> chunk(items.data() + i, std::min(per_call, items.size() - i));
      // Named, not a temporary inside co_await: GCC 12 can destroy such temporaries twice.
      Call call = make(chunk);
      auto decoded = co_await SendAndDecode(
          std::move(call), [&](std::string_view body) { return decode(body, chunk.size()); });
      if (!decoded) {
        if (i > 0) {
          decoded.error().message += " (" + std::to_string(i) + " of " +
                                     std::to_string(items.size()) + " items already sent)";
        }
        co_return tl::unexpected(decoded.error());
      }
      for (auto& r : *decoded) results.push_back(std::move(r));
    }
    co_return results;
  }

  // Save results of one collection call; as many as records sent, or a decode error.
  static tl::expected<std::vector<SaveResult>, ApiError> DecodeCollectionResults(
      std::string_view body, std::size_t sent) {
    auto decoded = DecodeSaveResults(body);
    if (decoded && decoded->size() != sent) {
      return tl::unexpected(MakeError(ErrorKind::kDecode, "result count differs from records"));
    }
    return decoded;
  }

  asio::awaitable<tl::expected<std::vector<SaveResult>, ApiError>> Collection(
      std::string method, std::vector<nlohmann::json> records, bool all_or_none, bool idempotent,
      std::string kind) {
    auto make = [&](std::span<nlohmann::json> chunk) {
      nlohmann::json body = nlohmann::json::object();
      body["allOrNone"] = all_or_none;
      body["records"] = nlohmann::json::array();
      for (auto& record : chunk) body["records"].push_back(std::move(record));
      return Json(method, DataPath("composite/sobjects"), kind, std::move(body),
                  CallPriority::kRequired, idempotent);
    };
    co_return co_await SendChunked(std::move(records), kMaxCollectionRecords, make,
                                   &DecodeCollectionResults);
  }

  // Metadata API SOAP call on /services/Soap/m; the envelope carries the session.
  Call Soap(std::string kind, CallPriority priority,
            std::function<std::string(const std::string& token)> envelope) const {
    Call call = MakeCall("POST", "/services/Soap/m/" + config.api_version, std::move(kind),
                         priority, true, true);
    call.content_type = "text/xml; charset=UTF-8";
    call.body = std::move(envelope);
    return call;
  }

  asio::io_context& ioc;
  Transport& transport;
  ClientConfig config;
  UniformRandom random;
  SystemClock clock;
  Governor governor;
  std::string login_url;
  std::optional<AccessToken> token;
  bool login_in_flight = false;
  std::vector<asio::steady_timer*> login_waiters;  // borrowed from waiting coroutines
  std::optional<ApiError> last_login_error;
  prometheus::Family<prometheus::Counter>& calls;
  prometheus::Family<prometheus::Histogram>& durations;
  prometheus::Family<prometheus::Counter>& retries;
  prometheus::Counter& refreshes;
  prometheus::Gauge& usage_used;
  prometheus::Gauge& usage_max;
  prometheus::Family<prometheus::Gauge>& app_used;
  prometheus::Family<prometheus::Gauge>& app_max;
  std::set<std::string> seen_apps;  // app label values exported so far (bounded)
};

Client::Client(asio::io_context& ioc, Transport& transport, prometheus::Registry& registry,
               ClientConfig config, UniformRandom random, SystemClock clock)
    : impl_(std::make_unique<Impl>(ioc, transport, registry, std::move(config), std::move(random),
                                   std::move(clock))) {}

Client::~Client() = default;

asio::awaitable<tl::expected<void, ApiError>> Client::Authenticate() {
  return impl_->Authenticate();
}
bool Client::has_token() const { return impl_->token.has_value(); }
std::string Client::instance_url() const {
  return impl_->token ? impl_->token->instance_url : std::string();
}
const Governor& Client::governor() const { return impl_->governor; }

asio::awaitable<tl::expected<QuerySummary, ApiError>> Client::Query(std::string soql, PageSink sink,
                                                                    QueryOptions options) {
  std::string path =
      impl_->DataPath(options.include_deleted ? "queryAll" : "query") + "?q=" + UrlEncode(soql);
  co_return co_await PageThrough(std::move(path), "query", std::move(sink), options);
}

asio::awaitable<tl::expected<QuerySummary, ApiError>> Client::QueryMore(
    std::string next_records_url, PageSink sink, QueryOptions options) {
  if (!next_records_url.starts_with("/services/data/")) {
    throw std::invalid_argument("QueryMore needs a /services/data/ nextRecordsUrl");
  }
  co_return co_await PageThrough(std::move(next_records_url), "query_more", std::move(sink),
                                 options);
}

// GETs `path` and every nextRecordsUrl after it, handing each page to `sink`.
asio::awaitable<tl::expected<QuerySummary, ApiError>> Client::PageThrough(std::string path,
                                                                          std::string first_kind,
                                                                          PageSink sink,
                                                                          QueryOptions options) {
  QuerySummary summary;
  int max_pages = options.max_pages > 0 ? options.max_pages : impl_->config.max_query_pages;
  while (true) {
    // The call is a named local: no temporaries (nor ?:) inside co_await with GCC 12.
    Impl::Call call = Impl::MakeCall("GET", path, summary.pages == 0 ? first_kind : "query_more",
                                     options.priority);
    auto decode = [&fields = options.string_fields](std::string_view body) {
      return fields.empty() ? DecodeQueryPage(body) : DecodeQueryPageRows(body, fields);
    };
    auto page = co_await impl_->SendAndDecode(std::move(call), decode);
    if (!page) co_return tl::unexpected(page.error());
    ++summary.pages;
    summary.total_size = page->total_size;
    summary.records += static_cast<std::int64_t>(page->records.size() + page->rows.size());
    bool done = page->done;
    std::string next = page->next_records_url;
    if (!sink(std::move(*page))) co_return summary;
    if (done) {
      summary.complete = true;
      co_return summary;
    }
    if (summary.pages >= max_pages) {
      spdlog::warn("salesforce[{}]: query stopped at the {}-page cap", impl_->config.org,
                   max_pages);
      co_return summary;
    }
    // The org's text: followed only while it stays a plain /services/data/ path.
    if (!detail::IsOrgDataPath(next)) {
      co_return tl::unexpected(MakeError(ErrorKind::kDecode,
                                         "nextRecordsUrl is not a plain /services/data/ path",
                                         "GET query_more"));
    }
    path = next;
  }
}

asio::awaitable<tl::expected<CompositeResponse, ApiError>> Client::Composite(
    CompositeRequest request, CallPriority priority) {
  bool idempotent = true;
  for (const auto& s : request.subrequests) idempotent &= s.method != "POST";
  Impl::Call call =
      Impl::MakeCall("POST", impl_->DataPath("composite"), "composite", priority, idempotent);
  call.body = [text = EncodeCompositeRequest(request)](const std::string&) { return text; };
  co_return co_await impl_->SendAndDecode(std::move(call), &DecodeCompositeResponse);
}

asio::awaitable<tl::expected<SaveResult, ApiError>> Client::Create(std::string sobject,
                                                                   nlohmann::json fields) {
  if (!IsApiName(sobject)) throw std::invalid_argument("bad sObject name");
  Impl::Call call = Impl::Json("POST", impl_->DataPath("sobjects/" + sobject + "/"),
                               "sobject_create", std::move(fields), CallPriority::kRequired, false);
  co_return co_await impl_->SendAndDecode(std::move(call), &DecodeSaveResult);
}

asio::awaitable<tl::expected<void, ApiError>> Client::Update(std::string sobject, std::string id,
                                                             nlohmann::json fields) {
  if (!IsApiName(sobject) || !IsApiName(id)) throw std::invalid_argument("bad sObject or id");
  Impl::Call call = Impl::Json("PATCH", impl_->DataPath("sobjects/" + sobject + "/" + id),
                               "sobject_update", std::move(fields), CallPriority::kRequired, true);
  co_return co_await impl_->SendAndDecode(
      std::move(call), [](std::string_view) { return tl::expected<void, ApiError>{}; });  // 204
}

asio::awaitable<tl::expected<void, ApiError>> Client::Delete(std::string sobject, std::string id) {
  if (!IsApiName(sobject) || !IsApiName(id)) throw std::invalid_argument("bad sObject or id");
  bool retried = false;
  Impl::Call call = Impl::MakeCall("DELETE", impl_->DataPath("sobjects/" + sobject + "/" + id),
                                   "sobject_delete", CallPriority::kRequired, true);
  call.retried = &retried;
  auto response = co_await impl_->Send(std::move(call));
  // After a retry, "already gone" means an earlier attempt deleted it and its reply was lost.
  if (!response && !(retried && (response.error().error_code == "ENTITY_IS_DELETED" ||
                                 response.error().http_status == 404))) {
    co_return tl::unexpected(response.error());
  }
  co_return tl::expected<void, ApiError>{};
}

asio::awaitable<tl::expected<std::vector<SaveResult>, ApiError>> Client::CreateCollection(
    std::vector<nlohmann::json> records, bool all_or_none) {
  return impl_->Collection("POST", std::move(records), all_or_none, false, "collection_create");
}

asio::awaitable<tl::expected<std::vector<SaveResult>, ApiError>> Client::UpdateCollection(
    std::vector<nlohmann::json> records, bool all_or_none) {
  return impl_->Collection("PATCH", std::move(records), all_or_none, true, "collection_update");
}

asio::awaitable<tl::expected<std::vector<SaveResult>, ApiError>> Client::DeleteCollection(
    std::vector<std::string> ids, bool all_or_none) {
  for (const auto& id : ids) {
    if (!IsApiName(id)) throw std::invalid_argument("bad record id");
  }
  auto make = [&](std::span<std::string> chunk) {
    std::string list;
    for (const auto& id : chunk) list += (list.empty() ? "" : ",") + id;
    return Impl::MakeCall("DELETE",
                          impl_->DataPath("composite/sobjects?ids=" + list +
                                          "&allOrNone=" + (all_or_none ? "true" : "false")),
                          "collection_delete", CallPriority::kRequired, true);
  };
  co_return co_await impl_->SendChunked(std::move(ids), kMaxCollectionRecords, make,
                                        &Impl::DecodeCollectionResults);
}

// The governor's probe: let through (rate-limited) while the floor or a 403 stop refuses
// other calls, so that the allowance is seen to recover and the stop is lifted.
asio::awaitable<tl::expected<Limits, ApiError>> Client::GetLimits() {
  Impl::Call call =
      Impl::MakeCall("GET", impl_->DataPath("limits"), "limits", CallPriority::kProbe);
  auto limits = co_await impl_->SendAndDecode(std::move(call), &DecodeLimits);
  if (limits) {
    if (auto it = limits->find("DailyApiRequests"); it != limits->end()) {
      impl_->governor.ObserveUsage({it->second.value.used(), it->second.value.max});
      impl_->governor.OnSuccess(CallPriority::kProbe);
    }
  }
  co_return limits;
}

asio::awaitable<tl::expected<std::size_t, ApiError>> Client::DownloadEventLogFile(
    std::string log_file_path, CsvParser::RowSink rows) {
  if (!detail::IsOrgDataPath(log_file_path) || !log_file_path.ends_with("/LogFile")) {
    co_return tl::unexpected(MakeError(ErrorKind::kDecode,
                                       "LogFile path is not a /services/data/.../LogFile path",
                                       "EventLogFile download"));
  }
  CsvParser parser(std::move(rows));
  Impl::Call call = Impl::MakeCall("GET", log_file_path, "eventlogfile_download");
  call.sink = [&parser](std::string_view chunk) { return parser.Feed(chunk); };
  // The body went to the parser chunk by chunk; what is left is to finish it.
  co_return co_await impl_->SendAndDecode(
      std::move(call), [&parser](std::string_view) -> tl::expected<std::size_t, ApiError> {
        if (auto finished = parser.Finish(); !finished) return tl::unexpected(finished.error());
        return parser.rows();
      });
}

asio::awaitable<tl::expected<std::vector<SharingRules>, ApiError>> Client::ReadSharingRules(
    std::vector<std::string> objects) {
  auto make = [&](std::span<std::string> chunk) {
    return impl_->Soap(
        "metadata_read", CallPriority::kOptional,
        [names = std::vector<std::string>(chunk.begin(), chunk.end())](const std::string& token) {
          return BuildReadMetadataEnvelope(token, "SharingRules", names);
        });
  };
  co_return co_await impl_->SendChunked(
      std::move(objects), kMaxReadMetadataNames, make,
      [](std::string_view body, std::size_t) { return ParseReadSharingRulesResponse(body); });
}

asio::awaitable<tl::expected<std::vector<UpsertResult>, ApiError>> Client::UpsertSharingRules(
    std::vector<SharingRules> rules) {
  // Upserting the same full definition again is harmless: idempotent.
  auto make = [&](std::span<SharingRules> chunk) {
    return impl_->Soap("metadata_upsert", CallPriority::kRequired,
                       [chunk_rules = std::vector<SharingRules>(chunk.begin(), chunk.end())](
                           const std::string& token) {
                         return BuildUpsertSharingRulesEnvelope(token, chunk_rules);
                       });
  };
  co_return co_await impl_->SendChunked(
      std::move(rules), kMaxReadMetadataNames, make,
      [](std::string_view body, std::size_t) { return ParseUpsertMetadataResponse(body); });
}

asio::awaitable<tl::expected<std::vector<DeleteResult>, ApiError>> Client::DeleteMetadata(
    std::string type, std::vector<std::string> full_names) {
  // Safe to send again: a second delete of a name already gone is an unsuccessful result
  // (INVALID_CROSS_REFERENCE_KEY) that callers treat as deleted, never a second change.
  auto make = [&](std::span<std::string> chunk) {
    return impl_->Soap(
        "metadata_delete", CallPriority::kRequired,
        [type, names = std::vector<std::string>(chunk.begin(), chunk.end())](
            const std::string& token) { return BuildDeleteMetadataEnvelope(token, type, names); });
  };
  co_return co_await impl_->SendChunked(
      std::move(full_names), kMaxReadMetadataNames, make,
      [](std::string_view body, std::size_t) { return ParseDeleteMetadataResponse(body); });
}

}  // namespace sfwarden::salesforce
