#include "sim/generator.h"

#include <sstream>

namespace sfwarden::sim {

std::string GenerateOrgYaml(const GeneratorOptions& o) {
  std::ostringstream y;
  y << "organization: { name: Bench Org }\n"
       "limits: { DailyApiRequests: "
    << 100000 + 1000 * (o.integrations + o.humans)  // Enterprise formula [WIRE.md §8, UNCONFIRMED]
    << " }\n"
       "profiles:\n"
       "  - { name: System Administrator }\n"
       "  - { name: Standard User }\n"
       "  - { name: Salesforce API Only System Integrations }\n"
       "users:\n"
       "  - { username: admin@bench.example, name: Bench Admin, profile: System Administrator, "
       "password: admin }\n";
  for (int i = 1; i <= o.integrations; ++i) {
    y << "  - { username: integration" << i << "@bench.example, name: Integration " << i
      << ", profile: Salesforce API Only System Integrations, password: password" << i
      << ", permission_sets: [Integration_" << i << "_Access], groups: [Integration_" << i
      << "_Group] }\n";
  }
  for (int j = 1; j <= o.humans; ++j) {
    y << "  - { username: human" << j << "@bench.example, name: Human " << j
      << ", profile: Standard User }\n";
  }
  y << "permission_sets:\n";
  for (int i = 1; i <= o.integrations; ++i) {
    y << "  - { name: Integration_" << i << "_Access, label: Integration " << i
      << " Access, system: { ApiEnabled: true }, objects: { Account: [read, edit], Contact: [read] "
         "}, "
         "fields: { Account.AnnualRevenue: [read] } }\n";
  }
  if (o.integrations == 0) y << "  []\n";
  y << "groups:\n";
  for (int i = 1; i <= o.integrations; ++i) {
    y << "  - { name: Integration_" << i << "_Group, label: Integration " << i << " Group }\n";
  }
  if (o.integrations == 0) y << "  []\n";
  y << "sharing_rules:\n  Account:\n";
  for (int i = 1; i <= o.integrations; ++i) {
    y << "    - { name: Share_To_Integration_" << i << ", label: Share To Integration " << i
      << ", access: Edit, shared_to: { group: Integration_" << i
      << "_Group }, criteria: [ { field: Integration_Target__c, operation: equals, value: Int" << i
      << " } ] }\n";
  }
  if (o.integrations == 0) y << "    []\n";
  y << "org_wide_defaults: { Account: Private, Contact: ControlledByParent }\n"
       "connected_apps:\n"
       "  - { name: bench, client_id: bench-client, client_secret: bench-secret, execution_user: "
       "admin@bench.example }\n";
  return y.str();
}

}  // namespace sfwarden::sim
