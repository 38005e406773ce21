#include "collectors/permission_reader.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collectors/detail/permission_queries.h"
#include "collectors/detail/permission_rows.h"
#include "salesforce/client.h"  // UrlEncode

namespace sfwarden::collectors {
namespace {

namespace asio = boost::asio;
namespace sf = salesforce;
using detail::Applied;
using detail::Rows;
using sf::ApiError;
using sf::ErrorKind;

// readMetadata takes at most 10 names per call (DOC-META meta_readMetadata, UNCONFIRMED;
// salesforce::Client chunks the same way): one call per 10 objects, counted here.
constexpr std::size_t kReadMetadataNamesPerCall = 10;

/// One query of a composite.
struct QueryPart {
  std::string ref;   // referenceId
  std::string what;  // for errors: "User query"
  std::string soql;
  /// INVALID_FIELD explanations: field name -> what it means to the operator.
  std::vector<std::pair<std::string, std::string>> field_hints;
};

ApiError InPart(ApiError error, std::string_view part) {
  error.context = "permission read, " + std::string(part) +
                  (error.context.empty() ? "" : " (" + error.context + ")");
  return error;
}

// Whether `message` names `field` in quotes, ignoring case: Salesforce echoes the whole
// query, then names the culprit quoted: "No such column 'PermissionsFoo' on entity
// 'PermissionSet'" (WIRE.md §3, rest-error-400-invalid-field-no-such-column.json).
bool NamesQuoted(std::string_view message, std::string_view field) {
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  return lower(message).find("'" + lower(field) + "'") != std::string::npos;
}

ApiError Explain(ApiError error, const QueryPart& part) {
  if (error.error_code == "INVALID_FIELD" && !part.field_hints.empty()) {
    std::string hint;
    for (const auto& [field, meaning] : part.field_hints) {
      if (NamesQuoted(error.message, field)) {
        hint = meaning;
        break;
      }
    }
    if (hint.empty()) {
      hint = "a field the baseline names is not known to this org (one of";
      for (const auto& [field, meaning] : part.field_hints) hint += " " + field;
      hint += ")";
    }
    error.message = hint + ": " + error.message;
  }
  return InPart(std::move(error), part.what);
}

using RowsByRef = std::map<std::string, Rows>;

// One /composite call with the parts' queries, then QueryMore for every further page.
asio::awaitable<tl::expected<RowsByRef, ApiError>> RunComposite(sf::Api& api,
                                                                const std::string& api_version,
                                                                std::string_view name,
                                                                const std::vector<QueryPart>& parts,
                                                                int& api_calls) {
  RowsByRef rows;
  if (parts.empty()) co_return rows;
  sf::CompositeRequest request;
  for (const auto& part : parts) {
    request.subrequests.push_back(
        {"GET",
         "/services/data/v" + api_version + "/query?q=" + sf::UrlEncode(part.soql),
         part.ref,
         std::nullopt,
         {}});
  }
  ++api_calls;
  auto response = co_await api.Composite(std::move(request), sf::CallPriority::kOptional);
  if (!response) co_return tl::unexpected(InPart(response.error(), name));
  for (const auto& part : parts) {
    const auto* sub = response->Find(part.ref);
    if (!sub) {
      co_return tl::unexpected(InPart(
          sf::MakeError(ErrorKind::kDecode, "composite response lacks subrequest " + part.ref),
          part.what));
    }
    auto page = sub->AsQueryPage(part.ref);
    if (!page) co_return tl::unexpected(Explain(page.error(), part));
    auto& out = rows[part.ref];
    std::move(page->records.begin(), page->records.end(), std::back_inserter(out));
    if (page->done) continue;
    auto more = co_await api.QueryMore(page->next_records_url,
                                       [&out](sf::QueryPage&& next) {
                                         std::move(next.records.begin(), next.records.end(),
                                                   std::back_inserter(out));
                                         return true;
                                       },
                                       {});
    if (!more) co_return tl::unexpected(InPart(more.error(), part.what + ", further pages"));
    api_calls += more->pages;
    if (!more->complete) {
      co_return tl::unexpected(
          InPart(sf::MakeError(ErrorKind::kDecode, "stopped at the client's page cap after " +
                                                       std::to_string(out.size()) + " rows"),
                 part.what));
    }
  }
  co_return rows;
}

std::vector<std::string> Unique(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& v : values) {
    if (seen.insert(v).second) out.push_back(v);
  }
  return out;
}

template <class States>
std::vector<std::string> FoundIds(const States& states) {
  std::vector<std::string> ids;
  for (const auto& [name, state] : states) {
    if (state.found) ids.push_back(state.id);
  }
  return Unique(ids);
}

// Reference ids of the subrequests.
constexpr const char* kUsers = "users";
constexpr const char* kLogins = "logins";
constexpr const char* kAssignments = "assignments";
constexpr const char* kSets = "sets";
constexpr const char* kGroups = "groups";
constexpr const char* kObjects = "objects";
constexpr const char* kFields = "fields";
constexpr const char* kMembers = "members";
constexpr const char* kOrganization = "organization";
constexpr const char* kTokens = "tokens";

}  // namespace

asio::awaitable<tl::expected<PermissionSnapshot, ApiError>> ReadPermissions(
    sf::Api& api, const OrgTarget& target) {
  PermissionSnapshot snapshot = detail::EmptySnapshot(target);
  snapshot.view_all_fields_read = ReadsViewAllFields(target.api_version);
  snapshot.read_at =
      std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  int api_calls = 0;

  const auto usernames = Unique(target.usernames);
  std::vector<std::string> set_names;
  std::set<std::string> system_permissions;
  std::vector<std::pair<std::string, std::string>> permission_hints;
  for (const auto& [name, permissions] : target.permission_sets) {
    set_names.push_back(name);
    system_permissions.insert(permissions.begin(), permissions.end());
  }
  for (const auto& permission : system_permissions) {
    std::string sets;
    for (const auto& [name, permissions] : target.permission_sets) {
      if (permissions.contains(permission)) sets += (sets.empty() ? "" : ", ") + name;
    }
    permission_hints.emplace_back(
        "Permissions" + permission,
        "system permission '" + permission + "' (baseline of " + sets +
            ") is not known to this org: no field PermissionSet.Permissions" + permission);
  }
  const auto set_groups = Unique(target.permission_set_groups);
  const auto public_groups = Unique(target.public_groups);

  // First composite: everything that can be found by name (up to 5 queries).
  std::vector<QueryPart> first;
  if (!usernames.empty()) {
    first.push_back({kUsers, "User query", detail::UsersSoql(usernames), {}});
    first.push_back({kLogins, "UserLogin query", detail::UserLoginsSoql(usernames), {}});
    first.push_back(
        {kAssignments, "PermissionSetAssignment query", detail::AssignmentsSoql(usernames), {}});
  }
  if (!set_names.empty() || !set_groups.empty()) {
    first.push_back({kSets, "PermissionSet query",
                     detail::PermissionSetsSoql(set_names, system_permissions, set_groups),
                     permission_hints});
  }
  if (!public_groups.empty()) {
    first.push_back({kGroups, "Group query", detail::PublicGroupsSoql(public_groups), {}});
  }
  auto rows = co_await RunComposite(api, target.api_version, "first composite", first, api_calls);
  if (!rows) co_return tl::unexpected(rows.error());

  auto apply = [&](const char* ref, std::string_view what, auto&& fn) -> Applied {
    auto it = rows->find(ref);
    if (it == rows->end()) return {};
    auto applied = fn(it->second);
    if (!applied) return tl::unexpected(InPart(applied.error(), what));
    return {};
  };
  for (auto applied : {
           apply(kUsers, "User rows",
                 [&](const Rows& r) { return detail::ApplyUsers(r, snapshot); }),
           apply(kLogins, "UserLogin rows",
                 [&](const Rows& r) { return detail::ApplyUserLogins(r, snapshot); }),
           apply(kAssignments, "PermissionSetAssignment rows",
                 [&](const Rows& r) { return detail::ApplyAssignments(r, snapshot); }),
           apply(kSets, "PermissionSet rows",
                 [&](const Rows& r) { return detail::ApplyPermissionSets(r, target, snapshot); }),
           apply(kGroups, "Group rows",
                 [&](const Rows& r) { return detail::ApplyPublicGroups(r, snapshot); }),
       }) {
    if (!applied) co_return tl::unexpected(applied.error());
  }

  // Second composite: what needs the Ids the first one returned (up to 5 queries).
  const auto user_ids = FoundIds(snapshot.users);
  const auto set_ids = FoundIds(snapshot.permission_sets);
  const auto group_ids = FoundIds(snapshot.public_groups);
  std::vector<QueryPart> second;
  if (!set_ids.empty()) {
    second.push_back({kObjects,
                      "ObjectPermissions query",
                      detail::ObjectPermissionsSoql(set_ids, snapshot.view_all_fields_read),
                      {}});
    second.push_back(
        {kFields, "FieldPermissions query", detail::FieldPermissionsSoql(set_ids), {}});
  }
  if (!group_ids.empty() && !user_ids.empty()) {
    second.push_back(
        {kMembers, "GroupMember query", detail::GroupMembersSoql(group_ids, user_ids), {}});
  }
  if (!target.org_wide_default_objects.empty()) {
    std::vector<std::pair<std::string, std::string>> hints;
    for (const auto& object : target.org_wide_default_objects) {
      hints.emplace_back("Default" + object + "Access",
                         "org-wide default of '" + object +
                             "' is not known to this org: no field Organization.Default" + object +
                             "Access");
    }
    second.push_back({kOrganization, "Organization query",
                      detail::OrganizationSoql(Unique(target.org_wide_default_objects)), hints});
  }
  if (!user_ids.empty()) {
    second.push_back({kTokens, "OAuthToken query", detail::OAuthTokensSoql(user_ids), {}});
  }
  rows = co_await RunComposite(api, target.api_version, "second composite", second, api_calls);
  if (!rows) co_return tl::unexpected(rows.error());
  for (auto applied : {
           apply(kObjects, "ObjectPermissions rows",
                 [&](const Rows& r) { return detail::ApplyObjectPermissions(r, snapshot); }),
           apply(kFields, "FieldPermissions rows",
                 [&](const Rows& r) { return detail::ApplyFieldPermissions(r, snapshot); }),
           apply(kMembers, "GroupMember rows",
                 [&](const Rows& r) { return detail::ApplyGroupMembers(r, snapshot); }),
           apply(kOrganization, "Organization rows",
                 [&](const Rows& r) {
                   return detail::ApplyOrganization(r, target.org_wide_default_objects, snapshot);
                 }),
           apply(kTokens, "OAuthToken rows",
                 [&](const Rows& r) { return detail::ApplyOAuthTokens(r, snapshot); }),
       }) {
    if (!applied) co_return tl::unexpected(applied.error());
  }

  // Sharing rules (Metadata API), all watched objects in one readMetadata per 10.
  const auto objects = Unique(target.sharing_rule_objects);
  for (std::size_t i = 0; i < objects.size(); i += kReadMetadataNamesPerCall) {
    std::vector<std::string> chunk(
        objects.begin() + static_cast<std::ptrdiff_t>(i),
        objects.begin() +
            static_cast<std::ptrdiff_t>(std::min(objects.size(), i + kReadMetadataNamesPerCall)));
    ++api_calls;
    auto rules = co_await api.ReadSharingRules(std::move(chunk));
    if (!rules) co_return tl::unexpected(InPart(rules.error(), "SharingRules readMetadata"));
    for (auto& r : *rules) snapshot.sharing_rules.push_back(std::move(r));
  }

  snapshot.api_calls = api_calls;
  co_return snapshot;
}

}  // namespace sfwarden::collectors
