#pragma once
// A salesforce::Api for applier tests: records every write call and answers from a
// script (per call: an error, or per-record results; default: every record succeeds with
// a generated Id). Reads other than ReadSharingRules are not used by the applier.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "salesforce/api.h"
#include "tests/support/run_sync.h"

namespace sfwarden::remediation::testing {

struct WriteCall {
  /// "create", "update", "delete", "read_sharing_rules", "upsert", "delete_metadata"
  std::string kind;
  std::vector<nlohmann::json> records;  // create/update
  /// delete; read_sharing_rules: objects; delete_metadata: fullNames (type in `type`)
  std::vector<std::string> ids;
  std::string type;                             // delete_metadata
  std::vector<salesforce::SharingRules> rules;  // upsert
  bool all_or_none = true;
};

class FakeWriteApi : public salesforce::Api {
 public:
  using Answer = tl::expected<std::vector<salesforce::SaveResult>, salesforce::ApiError>;
  /// The next collection call gets this answer (queued in order).
  void Then(Answer answer) { answers_.push_back(std::move(answer)); }
  /// Sharing rules ReadSharingRules returns (by object).
  std::vector<salesforce::SharingRules> sharing_rules;
  std::optional<salesforce::ApiError> read_error, upsert_error;
  std::vector<salesforce::UpsertResult> upsert_results;  // empty: success for each
  /// deleteMetadata answers by fullName; a name not listed succeeds.
  std::map<std::string, salesforce::DeleteResult> delete_results;

  /// Called with each write call as it arrives (before its answer).
  std::function<void(const WriteCall&)> on_call;

  const std::vector<WriteCall>& calls() const { return calls_; }

  boost::asio::awaitable<tl::expected<salesforce::QuerySummary, salesforce::ApiError>> Query(
      std::string, salesforce::PageSink, salesforce::QueryOptions) override {
    throw std::logic_error("not used");
  }
  boost::asio::awaitable<tl::expected<salesforce::QuerySummary, salesforce::ApiError>> QueryMore(
      std::string, salesforce::PageSink, salesforce::QueryOptions) override {
    throw std::logic_error("not used");
  }
  boost::asio::awaitable<tl::expected<salesforce::CompositeResponse, salesforce::ApiError>>
  Composite(salesforce::CompositeRequest, salesforce::CallPriority) override {
    throw std::logic_error("not used");
  }
  boost::asio::awaitable<tl::expected<salesforce::SaveResult, salesforce::ApiError>> Create(
      std::string, nlohmann::json) override {
    throw std::logic_error("not used");
  }
  boost::asio::awaitable<tl::expected<void, salesforce::ApiError>> Update(std::string, std::string,
                                                                          nlohmann::json) override {
    throw std::logic_error("not used");
  }
  boost::asio::awaitable<tl::expected<void, salesforce::ApiError>> Delete(std::string,
                                                                          std::string) override {
    throw std::logic_error("not used");
  }
  boost::asio::awaitable<Answer> CreateCollection(std::vector<nlohmann::json> records,
                                                  bool all_or_none) override {
    co_return Record({.kind = "create", .records = std::move(records), .all_or_none = all_or_none});
  }
  boost::asio::awaitable<Answer> UpdateCollection(std::vector<nlohmann::json> records,
                                                  bool all_or_none) override {
    co_return Record({.kind = "update", .records = std::move(records), .all_or_none = all_or_none});
  }
  boost::asio::awaitable<Answer> DeleteCollection(std::vector<std::string> ids,
                                                  bool all_or_none) override {
    co_return Record({.kind = "delete", .ids = std::move(ids), .all_or_none = all_or_none});
  }
  boost::asio::awaitable<tl::expected<salesforce::Limits, salesforce::ApiError>> GetLimits()
      override {
    throw std::logic_error("not used");
  }
  boost::asio::awaitable<tl::expected<std::size_t, salesforce::ApiError>> DownloadEventLogFile(
      std::string, salesforce::CsvParser::RowSink) override {
    throw std::logic_error("not used");
  }
  boost::asio::awaitable<tl::expected<std::vector<salesforce::SharingRules>, salesforce::ApiError>>
  ReadSharingRules(std::vector<std::string> objects) override {
    calls_.push_back({.kind = "read_sharing_rules", .ids = objects});
    if (read_error) co_return tl::unexpected(*read_error);
    std::vector<salesforce::SharingRules> out;
    for (const auto& rules : sharing_rules) {
      for (const auto& object : objects) {
        if (rules.object == object) out.push_back(rules);
      }
    }
    co_return out;
  }
  boost::asio::awaitable<tl::expected<std::vector<salesforce::UpsertResult>, salesforce::ApiError>>
  UpsertSharingRules(std::vector<salesforce::SharingRules> rules) override {
    calls_.push_back({.kind = "upsert", .rules = rules});
    if (on_call) on_call(calls_.back());
    if (upsert_error) co_return tl::unexpected(*upsert_error);
    if (!upsert_results.empty()) co_return upsert_results;
    std::vector<salesforce::UpsertResult> out;
    for (const auto& r : rules) out.push_back({.full_name = r.object, .success = true});
    co_return out;
  }

  boost::asio::awaitable<tl::expected<std::vector<salesforce::DeleteResult>, salesforce::ApiError>>
  DeleteMetadata(std::string type, std::vector<std::string> full_names) override {
    calls_.push_back({.kind = "delete_metadata", .ids = full_names, .type = type});
    if (on_call) on_call(calls_.back());
    std::vector<salesforce::DeleteResult> out;
    for (const auto& name : full_names) {
      auto it = delete_results.find(name);
      out.push_back(it != delete_results.end()
                        ? it->second
                        : salesforce::DeleteResult{.full_name = name, .success = true});
    }
    co_return out;
  }

 private:
  Answer Record(WriteCall call) {
    const std::size_t n = call.kind == "delete" ? call.ids.size() : call.records.size();
    calls_.push_back(std::move(call));
    if (on_call) on_call(calls_.back());
    if (!answers_.empty()) {
      Answer answer = std::move(answers_.front());
      answers_.pop_front();
      return answer;
    }
    std::vector<salesforce::SaveResult> ok;
    for (std::size_t i = 0; i < n; ++i) {
      ok.push_back({.id = "0Xx" + std::to_string(++next_id_), .success = true});
    }
    return ok;
  }

  std::deque<Answer> answers_;
  std::vector<WriteCall> calls_;
  int next_id_ = 0;
};

using sfwarden::testing::RunSync;

}  // namespace sfwarden::remediation::testing
