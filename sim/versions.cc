#include "sim/versions.h"

namespace sfwarden::sim {

std::string ReleaseLabel(int major) {
  int k = major - 60;  // 60.0 = Spring '24
  int season = ((k % 3) + 3) % 3;
  int year = 24 + (k + 1 >= 0 ? (k + 1) / 3 : -((-(k + 1) + 2) / 3));
  static const char* kSeasons[] = {"Spring", "Summer", "Winter"};
  return std::string(kSeasons[season]) + " '" + std::to_string(year % 100);
}

Response HandleVersions(const SimState& state) {
  int newest = std::stoi(state.org.settings.api_version);
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (int v = 31; v <= newest; ++v) {
    out.push_back({{"label", ReleaseLabel(v)},
                   {"url", "/services/data/v" + std::to_string(v) + ".0"},
                   {"version", std::to_string(v) + ".0"}});
  }
  return JsonResponse(200, out);
}

Response HandleResources(const SimState& state, const std::string& version,
                         const std::string& user_id) {
  std::string base = "/services/data/v" + version;
  nlohmann::ordered_json out;
  for (const char* r : {"composite", "limits", "query", "queryAll", "sobjects"}) {
    out[r] = base + "/" + r;
  }
  // "identity" is the caller's absolute identity URL on the org's own domain, unlike the
  // relative paths of the other entries (DOC-REST "List Available REST Resources" example:
  // "identity" : "https://MyDomainName.my.salesforce.com/id/00D…/005…"). jsforce's
  // Connection.identity() reads it when it has only an access token.
  out["identity"] = state.InstanceUrl() + "/id/" + state.org.settings.org_id + "/" + user_id;
  return JsonResponse(200, out);
}

}  // namespace sfwarden::sim
