#pragma once
// A scriptable salesforce::Api for collector tests: each call goes to a handler the test
// sets (an unset handler fails the test), and every call is recorded so that tests can
// assert what was asked and how many API calls it cost.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "salesforce/api.h"
#include "tests/support/run_sync.h"

namespace sfwarden::collectors::testing {

class FakeApi : public salesforce::Api {
 public:
  template <class T>
  using Result = tl::expected<T, salesforce::ApiError>;

  /// One recorded call: method name and its main argument (SOQL, URL, object...).
  struct Call {
    std::string method;
    std::string argument;
  };

  // Handlers. Query/QueryMore handlers return the pages to hand to the sink (stopping
  // when the sink returns false) or an error.
  std::function<Result<std::vector<salesforce::QueryPage>>(const std::string& soql)> on_query;
  std::function<Result<std::vector<salesforce::QueryPage>>(const std::string& url)> on_query_more;
  std::function<Result<salesforce::CompositeResponse>(const salesforce::CompositeRequest&)>
      on_composite;
  std::function<Result<salesforce::Limits>()> on_limits;
  /// Returns the CSV rows (header first) to stream, or an error.
  std::function<Result<std::vector<std::vector<std::string>>>(const std::string& path)>
      on_download;
  std::function<Result<std::vector<salesforce::SharingRules>>(const std::vector<std::string>&)>
      on_read_sharing_rules;

  std::vector<Call> calls;
  /// API calls as Salesforce counts them: one per request (a QueryMore page counts once).
  int api_calls = 0;

  boost::asio::awaitable<Result<salesforce::QuerySummary>> Query(
      std::string soql, salesforce::PageSink sink, salesforce::QueryOptions options) override;
  boost::asio::awaitable<Result<salesforce::QuerySummary>> QueryMore(
      std::string next_records_url, salesforce::PageSink sink,
      salesforce::QueryOptions options) override;
  boost::asio::awaitable<Result<salesforce::CompositeResponse>> Composite(
      salesforce::CompositeRequest request, salesforce::CallPriority priority) override;
  boost::asio::awaitable<Result<salesforce::SaveResult>> Create(std::string sobject,
                                                                nlohmann::json fields) override;
  boost::asio::awaitable<Result<void>> Update(std::string sobject, std::string id,
                                              nlohmann::json fields) override;
  boost::asio::awaitable<Result<void>> Delete(std::string sobject, std::string id) override;
  boost::asio::awaitable<Result<std::vector<salesforce::SaveResult>>> CreateCollection(
      std::vector<nlohmann::json> records, bool all_or_none) override;
  boost::asio::awaitable<Result<std::vector<salesforce::SaveResult>>> UpdateCollection(
      std::vector<nlohmann::json> records, bool all_or_none) override;
  boost::asio::awaitable<Result<std::vector<salesforce::SaveResult>>> DeleteCollection(
      std::vector<std::string> ids, bool all_or_none) override;
  boost::asio::awaitable<Result<salesforce::Limits>> GetLimits() override;
  boost::asio::awaitable<Result<std::size_t>> DownloadEventLogFile(
      std::string log_file_path, salesforce::CsvParser::RowSink rows) override;
  boost::asio::awaitable<Result<std::vector<salesforce::SharingRules>>> ReadSharingRules(
      std::vector<std::string> objects) override;
  boost::asio::awaitable<Result<std::vector<salesforce::UpsertResult>>> UpsertSharingRules(
      std::vector<salesforce::SharingRules> rules) override;
};

/// A query page of `records` (done unless `next_records_url` is given).
salesforce::QueryPage Page(std::vector<nlohmann::json> records, std::string next_records_url = {});

using sfwarden::testing::RunSync;

}  // namespace sfwarden::collectors::testing
