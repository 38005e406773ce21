#include "tests/collectors/poll_test_util.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/process.h"

namespace sfwarden::collectors::poll_testing {

std::string SoqlOf(const std::string& url) {
  auto q = url.find("?q=");
  if (q == std::string::npos) return {};
  std::string out;
  for (std::size_t i = q + 3; i < url.size(); ++i) {
    if (url[i] == '+') {
      out += ' ';
    } else if (url[i] == '%' && i + 2 < url.size()) {
      out += static_cast<char>(std::stoi(url.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += url[i];
    }
  }
  return out;
}

std::string Example(const std::string& name) {
  auto path = sfwarden::testing::SourcePath("../shared/salesforce-reference/examples/" + name);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("reference example missing: " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json QueryBody(std::vector<nlohmann::json> records, std::string next_records_url) {
  nlohmann::json body = {{"totalSize", records.size()},
                         {"done", next_records_url.empty()},
                         {"records", std::move(records)}};
  if (!next_records_url.empty()) body["nextRecordsUrl"] = next_records_url;
  return body;
}

salesforce::CompositeSubresponse ErrorSubresponse(int status, const std::string& code,
                                                  const std::string& message) {
  salesforce::CompositeSubresponse sub;
  sub.http_status = status;
  sub.body = nlohmann::json::array({{{"message", message}, {"errorCode", code}}});
  return sub;
}

void CompositeScript::OnRecords(const std::string& source, std::vector<nlohmann::json> records,
                                std::string next_records_url) {
  On(source,
     [records = std::move(records), next = std::move(next_records_url)](const std::string&) {
       salesforce::CompositeSubresponse sub;
       sub.http_status = 200;
       sub.body = QueryBody(records, next);
       return sub;
     });
}

void CompositeScript::Install(FakeApi& api) {
  api.on_composite = [this](const salesforce::CompositeRequest& request) {
    return FakeApi::Result<salesforce::CompositeResponse>(Respond(request));
  };
}

salesforce::CompositeResponse CompositeScript::Respond(
    const salesforce::CompositeRequest& request) {
  ++composites;
  salesforce::CompositeResponse response;
  for (const auto& sub : request.subrequests) {
    std::string soql = SoqlOf(sub.url);
    soql_by_reference[sub.reference_id] = soql;
    std::string source = sub.reference_id.substr(0, sub.reference_id.find_first_of("0123456789"));
    if (!source.empty() && source.back() == '_') source.pop_back();
    salesforce::CompositeSubresponse answer;
    if (auto it = answers_.find(source); it != answers_.end()) {
      answer = it->second(soql);
    } else {
      answer.http_status = 200;
      answer.body = QueryBody({});
    }
    response.order.push_back(sub.reference_id);
    response.by_reference[sub.reference_id] = std::move(answer);
  }
  return response;
}

std::string UserId18(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "005%012dAAA", i);
  return buf;
}

UserDirectory MakeDirectory(int n) {
  UserDirectory users;
  for (int i = 0; i < n; ++i) {
    std::string username = "integration" + std::to_string(i) + "@x.example";
    users.username_by_id[UserId18(i)] = username;
    users.username_by_id[UserId18(i).substr(0, 15)] = username;
    users.name_by_username[username] = "Integration " + std::to_string(i);
  }
  return users;
}

std::vector<Source> AllSources() {
  return {Source::kLogins, Source::kAuditTrail, Source::kOAuthTokens, Source::kLimits,
          Source::kApiUsageLogs};
}

}  // namespace sfwarden::collectors::poll_testing
