#include "fake_api.h"

namespace sfwarden::collectors::testing {

namespace asio = boost::asio;
using salesforce::ApiError;

namespace {

ApiError Unexpected(const std::string& what) {
  ADD_FAILURE() << "FakeApi: unexpected call " << what;
  return salesforce::MakeError(salesforce::ErrorKind::kHttp, "unexpected call " + what);
}

// Hands pages to the sink like the real client, counting one API call per page. Asked
// for string fields, it hands rows as the client does (its records turned into rows).
FakeApi::Result<salesforce::QuerySummary> Deliver(
    FakeApi::Result<std::vector<salesforce::QueryPage>> pages, salesforce::PageSink& sink,
    const salesforce::QueryOptions& options, int& api_calls) {
  if (!pages) {
    ++api_calls;
    return tl::unexpected(pages.error());
  }
  salesforce::QuerySummary summary;
  for (auto& page : *pages) {
    ++api_calls;
    ++summary.pages;
    summary.total_size = page.total_size;
    summary.records += static_cast<std::int64_t>(page.records.size());
    if (!options.string_fields.empty()) {
      page.rows = salesforce::TakeStringRows(std::move(page), options.string_fields);
      page.records.clear();
    }
    bool done = page.done;
    if (!sink(std::move(page))) return summary;
    if (done) summary.complete = true;
  }
  return summary;
}

}  // namespace

salesforce::QueryPage Page(std::vector<nlohmann::json> records, std::string next_records_url) {
  salesforce::QueryPage page;
  page.total_size = static_cast<std::int64_t>(records.size());
  page.records = std::move(records);
  page.done = next_records_url.empty();
  page.next_records_url = std::move(next_records_url);
  return page;
}

asio::awaitable<FakeApi::Result<salesforce::QuerySummary>> FakeApi::Query(
    std::string soql, salesforce::PageSink sink, salesforce::QueryOptions options) {
  calls.push_back({"Query", soql});
  if (!on_query) co_return tl::unexpected(Unexpected("Query: " + soql));
  co_return Deliver(on_query(soql), sink, options, api_calls);
}

asio::awaitable<FakeApi::Result<salesforce::QuerySummary>> FakeApi::QueryMore(
    std::string next_records_url, salesforce::PageSink sink, salesforce::QueryOptions options) {
  calls.push_back({"QueryMore", next_records_url});
  if (!on_query_more) co_return tl::unexpected(Unexpected("QueryMore: " + next_records_url));
  co_return Deliver(on_query_more(next_records_url), sink, options, api_calls);
}

asio::awaitable<FakeApi::Result<salesforce::CompositeResponse>> FakeApi::Composite(
    salesforce::CompositeRequest request, salesforce::CallPriority) {
  std::string refs;
  for (const auto& s : request.subrequests) refs += (refs.empty() ? "" : ",") + s.reference_id;
  calls.push_back({"Composite", refs});
  ++api_calls;
  if (!on_composite) co_return tl::unexpected(Unexpected("Composite: " + refs));
  co_return on_composite(request);
}

asio::awaitable<FakeApi::Result<salesforce::SaveResult>> FakeApi::Create(std::string sobject,
                                                                         nlohmann::json) {
  calls.push_back({"Create", sobject});
  co_return tl::unexpected(Unexpected("Create " + sobject));
}

asio::awaitable<FakeApi::Result<void>> FakeApi::Update(std::string sobject, std::string id,
                                                       nlohmann::json) {
  calls.push_back({"Update", sobject + "/" + id});
  co_return tl::unexpected(Unexpected("Update " + sobject));
}

asio::awaitable<FakeApi::Result<void>> FakeApi::Delete(std::string sobject, std::string id) {
  calls.push_back({"Delete", sobject + "/" + id});
  co_return tl::unexpected(Unexpected("Delete " + sobject));
}

asio::awaitable<FakeApi::Result<std::vector<salesforce::SaveResult>>> FakeApi::CreateCollection(
    std::vector<nlohmann::json>, bool) {
  calls.push_back({"CreateCollection", ""});
  co_return tl::unexpected(Unexpected("CreateCollection"));
}

asio::awaitable<FakeApi::Result<std::vector<salesforce::SaveResult>>> FakeApi::UpdateCollection(
    std::vector<nlohmann::json>, bool) {
  calls.push_back({"UpdateCollection", ""});
  co_return tl::unexpected(Unexpected("UpdateCollection"));
}

asio::awaitable<FakeApi::Result<std::vector<salesforce::SaveResult>>> FakeApi::DeleteCollection(
    std::vector<std::string>, bool) {
  calls.push_back({"DeleteCollection", ""});
  co_return tl::unexpected(Unexpected("DeleteCollection"));
}

asio::awaitable<FakeApi::Result<salesforce::Limits>> FakeApi::GetLimits() {
  calls.push_back({"GetLimits", ""});
  ++api_calls;
  if (!on_limits) co_return tl::unexpected(Unexpected("GetLimits"));
  co_return on_limits();
}

asio::awaitable<FakeApi::Result<std::size_t>> FakeApi::DownloadEventLogFile(
    std::string log_file_path, salesforce::CsvParser::RowSink rows) {
  calls.push_back({"DownloadEventLogFile", log_file_path});
  ++api_calls;
  if (!on_download) co_return tl::unexpected(Unexpected("DownloadEventLogFile " + log_file_path));
  auto csv = on_download(log_file_path);
  if (!csv) co_return tl::unexpected(csv.error());
  std::size_t count = 0;
  for (auto& row : *csv) {
    ++count;
    if (!rows(std::move(row))) break;
  }
  co_return count;
}

asio::awaitable<FakeApi::Result<std::vector<salesforce::SharingRules>>> FakeApi::ReadSharingRules(
    std::vector<std::string> objects) {
  std::string list;
  for (const auto& o : objects) list += (list.empty() ? "" : ",") + o;
  calls.push_back({"ReadSharingRules", list});
  ++api_calls;
  if (!on_read_sharing_rules) co_return tl::unexpected(Unexpected("ReadSharingRules " + list));
  co_return on_read_sharing_rules(objects);
}

asio::awaitable<FakeApi::Result<std::vector<salesforce::UpsertResult>>> FakeApi::UpsertSharingRules(
    std::vector<salesforce::SharingRules>) {
  calls.push_back({"UpsertSharingRules", ""});
  co_return tl::unexpected(Unexpected("UpsertSharingRules"));
}

}  // namespace sfwarden::collectors::testing
