#pragma once
// An in-memory Salesforce for the login-ingest benchmark: it answers the OAuth token
// request, the poll's /composite (the LoginHistory subrequest gets the first page) and the
// queryMore calls (the further pages) with LoginHistory pages rendered beforehand, so the
// benchmark times sfwarden's side only: decode, state update and metrics.

#include <cstdint>
#include <string>
#include <vector>

#include "salesforce/transport.h"

namespace sfwarden::bench {

inline constexpr int kRowsPerPage = 2000;  // Salesforce's largest query batch size

/// The 18-character User Id and username of generated integration user `u` (0-based).
std::string UserId(int u);
std::string Username(int u);

/// Renders `pages` LoginHistory query pages of kRowsPerPage rows each as Salesforce
/// returns them (WIRE.md §5 fields; nextRecordsUrl on all but the last page). Row Ids are
/// `first_row` onwards (unique across calls that do not overlap), users round-robin over
/// `users`, four source IPs per user, one failed login in 50, LoginTime one ms apart.
std::vector<std::string> RenderLoginPages(std::int64_t first_row, int pages, int users);

/// Serves one poll's pages: POST /composite -> page 0 in the "logins" subresponse, then
/// GET <nextRecordsUrl> -> page k. Token requests get a fixed token. Anything else is a
/// 404. Bodies are streamed to the sink in 64 KiB chunks, like the real transport.
class LoginPagesTransport : public salesforce::Transport {
 public:
  void SetPages(std::vector<std::string> pages) { pages_ = std::move(pages); }
  boost::asio::awaitable<tl::expected<salesforce::HttpResponse, salesforce::ApiError>> Send(
      salesforce::HttpRequest request, salesforce::BodySink sink) override;

 private:
  std::vector<std::string> pages_;
};

}  // namespace sfwarden::bench
