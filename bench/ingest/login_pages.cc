#include "bench/ingest/login_pages.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <string_view>

namespace sfwarden::bench {
namespace sf = salesforce;

namespace {

constexpr std::string_view kLocator = "/services/data/v62.0/query/01gBENCHLOCATOR-";
constexpr std::size_t kChunk = 64 * 1024;

sf::HttpResponse Json(int status, std::string body) {
  sf::HttpResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json;charset=UTF-8"},
               // A large allowance: the client's budget governor never holds the bench back.
               {"Sforce-Limit-Info", "api-usage=1/100000000"}};
  r.body = std::move(body);
  return r;
}

// A LoginTime as Salesforce writes it: 2026-11-26T10:00:00.000+0000.
std::string SalesforceTime(std::int64_t ms_since_epoch) {
  using namespace std::chrono;
  sys_time<milliseconds> t{milliseconds(ms_since_epoch)};
  auto day = floor<days>(t);
  year_month_day ymd(day);
  hh_mm_ss<milliseconds> hms(t - day);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+0000", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                     hms.subseconds().count());
}

}  // namespace

std::string UserId(int u) { return fmt::format("005BENCH{:07}AAA", u); }
std::string Username(int u) { return fmt::format("integration{}@bench.example", u + 1); }

std::vector<std::string> RenderLoginPages(std::int64_t first_row, int pages, int users) {
  // Logins of the last hour, one ms apart: the state store keeps them as recent.
  const std::int64_t start_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count() -
                                3'600'000;
  std::vector<std::string> out;
  for (int p = 0; p < pages; ++p) {
    std::string page = fmt::format(R"({{"totalSize":{},"done":{},)", pages * kRowsPerPage,
                                   p + 1 == pages ? "true" : "false");
    if (p + 1 < pages) page += fmt::format(R"("nextRecordsUrl":"{}{}",)", kLocator, p + 1);
    page += R"("records":[)";
    for (int i = 0; i < kRowsPerPage; ++i) {
      const std::int64_t row = first_row + static_cast<std::int64_t>(p) * kRowsPerPage + i;
      const int user = static_cast<int>(row % users);
      const bool failed = row % 50 == 0;
      if (i > 0) page += ',';
      fmt::format_to(
          std::back_inserter(page),
          R"({{"attributes":{{"type":"LoginHistory","url":"/services/data/v62.0/sobjects/LoginHistory/0Ya{:015}"}},)"
          R"("Id":"0Ya{:015}","UserId":"{}","LoginTime":"{}","LoginType":"Remote Access 2.0",)"
          R"("Status":"{}","SourceIp":"10.{}.{}.{}","CountryIso":"US","Application":"Bench Sync"}})",
          row, row, UserId(user), SalesforceTime(start_ms + row % 3'000'000),
          failed ? "Invalid Password" : "Success", user / 256, user % 256, row / users % 4 + 1);
    }
    page += "]}";
    out.push_back(std::move(page));
  }
  return out;
}

boost::asio::awaitable<tl::expected<sf::HttpResponse, sf::ApiError>> LoginPagesTransport::Send(
    sf::HttpRequest request, sf::BodySink sink) {
  sf::HttpResponse response;
  const std::string_view url = request.url;
  if (url.find("/services/oauth2/token") != std::string_view::npos) {
    response =
        Json(200, R"({"access_token":"00DBENCH!token","instance_url":"http://127.0.0.1",)"
                  R"("id":"http://127.0.0.1/id/00DBENCH/005BENCH","token_type":"Bearer",)"
                  R"("issued_at":"1700000000000","signature":"x"})");
  } else if (url.ends_with("/composite")) {
    // Every LoginHistory subrequest is answered: the first with page 0, any further
    // (IN-list chunks of a large user list) with an empty page. Assembled as text, not
    // through a JSON tree: the bench times sfwarden's parsing, not the simulator's.
    std::string reply = R"({"compositeResponse":[)";
    constexpr std::string_view kRef = R"("referenceId":")";
    const std::string_view body = request.body;
    bool first = true;
    for (std::size_t at = body.find(kRef); at != std::string_view::npos;
         at = body.find(kRef, at + 1)) {
      const std::size_t from = at + kRef.size();
      const std::string_view ref = body.substr(from, body.find('"', from) - from);
      if (reply.back() != '[') reply += ',';
      reply += R"({"body":)";
      reply += first && !pages_.empty() ? pages_[0] : R"({"totalSize":0,"done":true,"records":[]})";
      first = false;
      reply += R"(,"httpHeaders":{},"httpStatusCode":200,"referenceId":")";
      reply += ref;
      reply += "\"}";
    }
    reply += "]}";
    response = Json(200, std::move(reply));
  } else if (auto at = url.find(kLocator); at != std::string_view::npos) {
    const std::size_t page = std::stoul(std::string(url.substr(at + kLocator.size())));
    response = Json(page < pages_.size() ? 200 : 404, page < pages_.size() ? pages_[page] : "[]");
  } else {
    response = Json(404, R"([{"errorCode":"NOT_FOUND","message":"not in the bench"}])");
  }
  if (sink && response.status >= 200 && response.status < 300) {
    std::string body = std::move(response.body);
    response.body.clear();
    for (std::size_t i = 0; i < body.size(); i += kChunk) {
      if (auto r = sink(std::string_view(body).substr(i, std::min(kChunk, body.size() - i))); !r) {
        co_return tl::unexpected(r.error());
      }
    }
  }
  co_return response;
}

}  // namespace sfwarden::bench
