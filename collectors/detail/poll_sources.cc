// Helpers shared by the incremental sources (see poll_sources.h).
#include "collectors/detail/poll_sources.h"

#include <nlohmann/json.hpp>

#include "salesforce/query_decoder.h"
#include "salesforce/soql.h"

namespace sfwarden::collectors::detail {

std::optional<Time> TimeField(const nlohmann::json& record, std::string_view field) {
  auto text = salesforce::FieldString(record, field);
  if (!text) return std::nullopt;
  return TimeOf(*text);
}

std::optional<Time> TimeOf(std::string_view text) {
  auto when = salesforce::ParseSalesforceDateTime(text);
  if (!when) return std::nullopt;
  return std::chrono::floor<std::chrono::milliseconds>(*when);
}

std::vector<std::string> DirectoryUserIds(const UserDirectory& users) {
  // username -> the longest (18-character when known) Id of that user.
  std::map<std::string, std::string> best;
  for (const auto& [id, username] : users.username_by_id) {
    auto& chosen = best[username];
    if (id.size() > chosen.size()) chosen = id;
  }
  std::set<std::string> ids;
  for (auto& [username, id] : best) ids.insert(std::move(id));
  return {ids.begin(), ids.end()};
}

std::vector<std::vector<std::string>> SplitIdList(const std::vector<std::string>& ids,
                                                  std::size_t max_chars) {
  std::vector<std::vector<std::string>> chunks;
  std::size_t chars = 0;
  for (const auto& id : ids) {
    std::size_t cost = salesforce::SoqlString(id).size() + 1;  // quoted, plus the comma
    if (chunks.empty() || (chars + cost > max_chars && !chunks.back().empty())) {
      chunks.emplace_back();
      chars = 0;
    }
    chunks.back().push_back(id);
    chars += cost;
  }
  return chunks;
}

}  // namespace sfwarden::collectors::detail
