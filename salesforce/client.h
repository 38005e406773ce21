#pragma once
// The real salesforce::Api: OAuth (JWT bearer or client credentials) with a cached token
// and instance_url, REST and Metadata SOAP calls over a Transport, retries with backoff,
// the budget governor, Sforce-Limit-Info tracking and Prometheus metrics.
//
// Retries: reads, updates, deletes and metadata upserts are repeated after 5xx, timeouts,
// dropped connections and UNABLE_TO_LOCK_ROW (bounded, with backoff). Non-idempotent writes
// (POST create, collection create, composite with a POST) are repeated only when Salesforce
// certainly did not apply them: nothing was sent, or UNABLE_TO_LOCK_ROW. Otherwise a lost
// answer is ErrorKind::kOutcomeUnknown for the caller to reconcile -- the client cannot
// check for itself, since only the caller knows what identifies the record it meant to
// create.
//
// One Client per org. Lives on the daemon's io_context thread; not thread-safe. Borrows
// `transport` and `registry`, which must outlive it. Tokens and keys never reach logs,
// metrics or ApiErrors.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "salesforce/api.h"
#include "salesforce/backoff.h"
#include "salesforce/governor.h"
#include "salesforce/transport.h"

namespace boost::asio {
class io_context;
}
namespace prometheus {
class Registry;
}

namespace sfwarden::salesforce {

struct AuthConfig {
  enum class Flow { kJwtBearer, kClientCredentials };
  Flow flow = Flow::kJwtBearer;
  std::string login_url;  // https://login.salesforce.com, test., or the My Domain URL
  std::string client_id;
  std::string client_secret;    // client credentials (secret)
  std::string username;         // JWT `sub`
  std::string private_key_pem;  // JWT signing key (secret)
  std::string audience;         // JWT `aud`; login_url when empty
};

struct ClientConfig {
  std::string org;  // metrics label
  std::string api_version = "62.0";
  AuthConfig auth;
  BackoffPolicy backoff;
  BudgetConfig budget;
  int max_query_pages = 500;  // per Query() call
};

class Client final : public Api {
 public:
  using SystemClock = std::function<std::chrono::system_clock::time_point()>;

  /// Throws std::invalid_argument on an unusable config (no login_url, bad flow inputs).
  Client(
      boost::asio::io_context& ioc, Transport& transport, prometheus::Registry& registry,
      ClientConfig config, UniformRandom random = DefaultRandom(),
      SystemClock clock = [] { return std::chrono::system_clock::now(); });
  ~Client() override;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Gets a token now (also done lazily by every call). kAuth on refusal.
  boost::asio::awaitable<tl::expected<void, ApiError>> Authenticate();
  bool has_token() const;
  /// The instance URL from the last token response ("" before authentication).
  std::string instance_url() const;
  const Governor& governor() const;

  boost::asio::awaitable<tl::expected<QuerySummary, ApiError>> Query(std::string soql,
                                                                     PageSink sink,
                                                                     QueryOptions options) override;
  boost::asio::awaitable<tl::expected<QuerySummary, ApiError>> QueryMore(
      std::string next_records_url, PageSink sink, QueryOptions options) override;
  boost::asio::awaitable<tl::expected<CompositeResponse, ApiError>> Composite(
      CompositeRequest request, CallPriority priority) override;
  boost::asio::awaitable<tl::expected<SaveResult, ApiError>> Create(std::string sobject,
                                                                    nlohmann::json fields) override;
  boost::asio::awaitable<tl::expected<void, ApiError>> Update(std::string sobject, std::string id,
                                                              nlohmann::json fields) override;
  boost::asio::awaitable<tl::expected<void, ApiError>> Delete(std::string sobject,
                                                              std::string id) override;
  boost::asio::awaitable<tl::expected<std::vector<SaveResult>, ApiError>> CreateCollection(
      std::vector<nlohmann::json> records, bool all_or_none) override;
  boost::asio::awaitable<tl::expected<std::vector<SaveResult>, ApiError>> UpdateCollection(
      std::vector<nlohmann::json> records, bool all_or_none) override;
  boost::asio::awaitable<tl::expected<std::vector<SaveResult>, ApiError>> DeleteCollection(
      std::vector<std::string> ids, bool all_or_none) override;
  boost::asio::awaitable<tl::expected<Limits, ApiError>> GetLimits() override;
  boost::asio::awaitable<tl::expected<std::size_t, ApiError>> DownloadEventLogFile(
      std::string log_file_path, CsvParser::RowSink rows) override;
  boost::asio::awaitable<tl::expected<std::vector<SharingRules>, ApiError>> ReadSharingRules(
      std::vector<std::string> objects) override;
  boost::asio::awaitable<tl::expected<std::vector<UpsertResult>, ApiError>> UpsertSharingRules(
      std::vector<SharingRules> rules) override;
  boost::asio::awaitable<tl::expected<std::vector<DeleteResult>, ApiError>> DeleteMetadata(
      std::string type, std::vector<std::string> full_names) override;

 private:
  boost::asio::awaitable<tl::expected<QuerySummary, ApiError>> PageThrough(std::string path,
                                                                           std::string first_kind,
                                                                           PageSink sink,
                                                                           QueryOptions options);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// application/x-www-form-urlencoded / query-string encoding of one value.
std::string UrlEncode(std::string_view value);

}  // namespace sfwarden::salesforce
