#include "tests/collectors/permission_test_org.h"

namespace sfwarden::collectors::testing {

namespace sf = salesforce;

std::string DecodeQueryValue(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

namespace {

// The object after " FROM " (no <regex>: GCC 12 warns inside it under sanitizers).
std::string FromObject(const std::string& soql) {
  auto at = soql.find(" FROM ");
  if (at == std::string::npos) return "";
  auto start = at + 6;
  auto end = soql.find(' ', start);
  return soql.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string MoreUrl(const std::string& object, std::size_t page) {
  return "/services/data/v62.0/query/01g" + object + "-" + std::to_string(page);
}

}  // namespace

void ScriptedOrg::Install(FakeApi& api) {
  api.on_composite =
      [this](const sf::CompositeRequest& request) -> FakeApi::Result<sf::CompositeResponse> {
    EXPECT_LE(request.subrequests.size(), sf::kMaxCompositeSubrequests);
    std::map<std::string, std::string> asked;
    sf::CompositeResponse response;
    std::size_t queries = 0;
    for (const auto& sub : request.subrequests) {
      composite_urls.push_back(sub.url);
      auto q = sub.url.find("/query?q=");
      EXPECT_NE(q, std::string::npos) << sub.url;
      EXPECT_EQ(sub.method, "GET");
      if (q == std::string::npos) continue;
      ++queries;
      std::string soql = DecodeQueryValue(sub.url.substr(q + 9));
      asked[sub.reference_id] = soql;
      std::string object = FromObject(soql);
      sf::CompositeSubresponse out;
      if (auto e = errors.find(object); e != errors.end()) {
        out.http_status = e->second.first;
        out.body = e->second.second;
      } else {
        out.http_status = 200;
        auto rows = records[object];
        auto pages = more_pages.find(object);
        bool more = pages != more_pages.end() && !pages->second.empty();
        out.body = {{"totalSize", rows.size()}, {"done", !more}, {"records", rows}};
        if (more) out.body["nextRecordsUrl"] = MoreUrl(object, 1);
      }
      response.order.push_back(sub.reference_id);
      response.by_reference[sub.reference_id] = out;
    }
    EXPECT_LE(queries, sf::kMaxCompositeQueries);
    composites.push_back(asked);
    return response;
  };
  api.on_query_more =
      [this](const std::string& url) -> FakeApi::Result<std::vector<sf::QueryPage>> {
    for (const auto& [object, pages] : more_pages) {
      if (url != MoreUrl(object, 1)) continue;
      if (auto e = query_more_errors.find(object); e != query_more_errors.end()) {
        return tl::unexpected(e->second);
      }
      std::vector<sf::QueryPage> out;
      for (std::size_t i = 0; i < pages.size(); ++i) {
        out.push_back(Page(pages[i], i + 1 < pages.size() ? MoreUrl(object, i + 2) : ""));
      }
      return out;
    }
    ADD_FAILURE() << "unexpected QueryMore " << url;
    return tl::unexpected(sf::MakeError(sf::ErrorKind::kHttp, "unexpected " + url));
  };
  api.on_read_sharing_rules = [this](const std::vector<std::string>& objects)
      -> FakeApi::Result<std::vector<sf::SharingRules>> {
    std::vector<sf::SharingRules> out;
    for (const auto& rules : sharing_rules) {
      for (const auto& o : objects) {
        if (o == rules.object) out.push_back(rules);
      }
    }
    return out;
  };
}

std::string ScriptedOrg::SoqlFor(const std::string& object) const {
  for (const auto& composite : composites) {
    for (const auto& [ref, soql] : composite) {
      if (FromObject(soql) == object) return soql;
    }
  }
  return "";
}

}  // namespace sfwarden::collectors::testing
