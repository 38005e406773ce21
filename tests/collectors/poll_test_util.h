#pragma once
// Helpers for Poll tests with FakeApi: read the SOQL out of composite subrequests and answer
// them with query pages, subrequest errors or reference payloads.

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "collectors/poll_cycle.h"
#include "salesforce/composite.h"
#include "tests/collectors/fake_api.h"

namespace sfwarden::collectors::poll_testing {
using testing::FakeApi;

/// The decoded `q` of a /query?q= URL.
std::string SoqlOf(const std::string& url);

/// The text of a reference payload in ../shared/salesforce-reference/examples.
std::string Example(const std::string& name);

/// A query-result body: {"totalSize", "done", "records"[, "nextRecordsUrl"]}.
nlohmann::json QueryBody(std::vector<nlohmann::json> records, std::string next_records_url = {});
/// A subrequest error body as Salesforce sends it (400, [{"message","errorCode"}]).
salesforce::CompositeSubresponse ErrorSubresponse(int status, const std::string& code,
                                                  const std::string& message);

/// Answers each query subrequest by its reference id prefix ("logins", "audit_trail",
/// "oauth_tokens", "api_usage_logs") with the handler's subresponse; unknown prefixes get
/// an empty page. Records every SOQL seen in `soql_by_reference`.
class CompositeScript {
 public:
  using Answer = std::function<salesforce::CompositeSubresponse(const std::string& soql)>;
  void On(const std::string& source, Answer answer) { answers_[source] = std::move(answer); }
  void OnRecords(const std::string& source, std::vector<nlohmann::json> records,
                 std::string next_records_url = {});
  /// Installs itself as api.on_composite.
  void Install(FakeApi& api);

  std::map<std::string, std::string> soql_by_reference;
  int composites = 0;

 private:
  salesforce::CompositeResponse Respond(const salesforce::CompositeRequest& request);
  std::map<std::string, Answer> answers_;
};

/// A directory of `n` users integration<i>@x.example with Ids 005000000000<i>AAA-style.
UserDirectory MakeDirectory(int n);
/// The 18-character Id MakeDirectory gives user i.
std::string UserId18(int i);

/// All sources.
std::vector<Source> AllSources();

}  // namespace sfwarden::collectors::poll_testing
