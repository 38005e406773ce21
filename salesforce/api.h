#pragma once
// The narrow interface collectors and remediation take (tests use a fake). All calls run
// on the daemon's io_context thread; expected failures are ApiError values (errors.h).

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <tl/expected.hpp>
#include <vector>

#include "salesforce/composite.h"
#include "salesforce/csv.h"
#include "salesforce/errors.h"
#include "salesforce/governor.h"
#include "salesforce/limits.h"
#include "salesforce/metadata_soap.h"
#include "salesforce/query_decoder.h"
#include "salesforce/save_result.h"
#include "salesforce/sharing_rules.h"

namespace sfwarden::salesforce {

/// Receives query pages as they arrive; returning false stops paging (no more calls).
using PageSink = std::function<bool(QueryPage&& page)>;

struct QueryOptions {
  bool include_deleted = false;  // /queryAll instead of /query
  CallPriority priority = CallPriority::kOptional;
  int max_pages = 0;  // 0: the client's default cap
  /// When not empty, the client decodes each page straight into QueryPage::rows of these
  /// top-level fields (DecodeQueryPageRows), without a JSON tree per record. A hint: other
  /// Api implementations may hand `records`; read pages with TakeStringRows.
  std::vector<std::string> string_fields;
};

struct QuerySummary {
  std::int64_t total_size = 0;
  int pages = 0;
  std::int64_t records = 0;
  /// False when the sink stopped early or the page cap was reached.
  bool complete = false;
};

class Api {
 public:
  virtual ~Api() = default;

  /// SOQL query with transparent nextRecordsUrl paging; each page goes to `sink`.
  virtual boost::asio::awaitable<tl::expected<QuerySummary, ApiError>> Query(
      std::string soql, PageSink sink, QueryOptions options) = 0;
  /// Continues a query from a page's nextRecordsUrl (e.g. one a /composite query
  /// subrequest returned), paging on like Query. `next_records_url` must be a
  /// /services/data/ path (QueryPage guarantees it); include_deleted is ignored.
  virtual boost::asio::awaitable<tl::expected<QuerySummary, ApiError>> QueryMore(
      std::string next_records_url, PageSink sink, QueryOptions options) = 0;
  /// One /composite call (one API call) with up to 25 subrequests. With a POST
  /// subrequest it is a non-idempotent write (see Create).
  virtual boost::asio::awaitable<tl::expected<CompositeResponse, ApiError>> Composite(
      CompositeRequest request, CallPriority priority) = 0;
  /// Writes that are not idempotent (Create, CreateCollection, Composite with a POST) are
  /// never sent twice once they may have reached Salesforce: when no answer comes back
  /// (timeout, connection closed, gateway 5xx) the error is ErrorKind::kOutcomeUnknown and
  /// the caller must check (e.g. query for the record) before sending again. They are
  /// retried only when nothing was sent (DNS/connect/TLS failure) or on UNABLE_TO_LOCK_ROW.
  virtual boost::asio::awaitable<tl::expected<SaveResult, ApiError>> Create(
      std::string sobject, nlohmann::json fields) = 0;
  virtual boost::asio::awaitable<tl::expected<void, ApiError>> Update(std::string sobject,
                                                                      std::string id,
                                                                      nlohmann::json fields) = 0;
  /// A record that is already gone after a retried attempt counts as deleted.
  virtual boost::asio::awaitable<tl::expected<void, ApiError>> Delete(std::string sobject,
                                                                      std::string id) = 0;
  /// sObject collections, chunked by 200; per-record results in input order. Records
  /// carry "attributes": {"type": ...} (create) or "id" (update).
  virtual boost::asio::awaitable<tl::expected<std::vector<SaveResult>, ApiError>> CreateCollection(
      std::vector<nlohmann::json> records, bool all_or_none) = 0;
  virtual boost::asio::awaitable<tl::expected<std::vector<SaveResult>, ApiError>> UpdateCollection(
      std::vector<nlohmann::json> records, bool all_or_none) = 0;
  virtual boost::asio::awaitable<tl::expected<std::vector<SaveResult>, ApiError>> DeleteCollection(
      std::vector<std::string> ids, bool all_or_none) = 0;
  /// GET /limits. Also the governor's recovery probe: while the floor or a 403 stop refuses
  /// other calls it still goes out once per BudgetConfig::probe_interval, and an answer
  /// with DailyApiRequests left lifts the stop. Poll it on a schedule.
  virtual boost::asio::awaitable<tl::expected<Limits, ApiError>> GetLimits() = 0;
  /// Streams an EventLogFile blob (the record's LogFile path) through the CSV parser;
  /// `rows` gets the header row first. Returns the number of rows.
  virtual boost::asio::awaitable<tl::expected<std::size_t, ApiError>> DownloadEventLogFile(
      std::string log_file_path, CsvParser::RowSink rows) = 0;
  /// Metadata API readMetadata(SharingRules, objects); unknown objects are left out.
  virtual boost::asio::awaitable<tl::expected<std::vector<SharingRules>, ApiError>>
  ReadSharingRules(std::vector<std::string> objects) = 0;
  virtual boost::asio::awaitable<tl::expected<std::vector<UpsertResult>, ApiError>>
  UpsertSharingRules(std::vector<SharingRules> rules) = 0;
  /// Metadata API deleteMetadata(type, fullNames): components of one `type`, e.g.
  /// SharingCriteriaRule / SharingOwnerRule with fullNames "Account.Rule_Name"
  /// (SharingRuleMetadataType, SharingRuleFullName); one result per name. A name that does
  /// not exist is an unsuccessful result, not an error. The default answers an error
  /// without sending anything (request_sent false), so read-only fakes need not offer it.
  virtual boost::asio::awaitable<tl::expected<std::vector<DeleteResult>, ApiError>> DeleteMetadata(
      std::string type, std::vector<std::string> full_names);
};

inline boost::asio::awaitable<tl::expected<std::vector<DeleteResult>, ApiError>>
Api::DeleteMetadata(std::string type, std::vector<std::string>) {
  co_return tl::unexpected(
      MakeError(ErrorKind::kTransport, "deleteMetadata is not offered by this Api", type));
}

}  // namespace sfwarden::salesforce
