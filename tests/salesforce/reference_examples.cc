#include "tests/salesforce/reference_examples.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/process.h"

namespace sfwarden::salesforce::testing {

std::filesystem::path ExamplesDir() {
  auto dir = sfwarden::testing::SourcePath("../shared/salesforce-reference/examples");
  if (!std::filesystem::is_directory(dir)) {
    throw std::runtime_error("reference examples not found at " + dir.string() +
                             " (set SFWARDEN_SOURCE_DIR; shared/ must sit beside the checkout)");
  }
  return dir;
}

std::string Example(const std::string& name) {
  auto path = ExamplesDir() / name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("reference example missing: " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> AllExamples() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(ExamplesDir())) {
    if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> CompleteQueryPageExamples() {
  return {"composed-rest-query-fieldpermissions.json",
          "composed-rest-query-groupmember.json",
          "composed-rest-query-loginhistory.json",
          "composed-rest-query-objectpermissions.json",
          "composed-rest-query-permissionsetassignment.json",
          "composed-rest-query-setupaudittrail-user-changes.json",
          "composed-rest-query-user-integration.json",
          "composed-rest-query-userlogin.json",
          "eventlogfile-query-response.json",
          "loginevent-query-response.json"};
}

}  // namespace sfwarden::salesforce::testing
