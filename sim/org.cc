#include "sim/org.h"

#include <stdexcept>

#include "sim/ids.h"

namespace sfwarden::sim {

std::string Id15(std::string_view id18) { return std::string(id18.substr(0, 15)); }

Org::Org(VirtualClock clock) : clock_(clock) {
  for (const auto& o : AllObjects()) tables_[o.name];
  settings.org_id = NewId("00D");
}

std::string Org::NewId(std::string_view key_prefix) {
  return MakeId(key_prefix, ++sequences_[std::string(key_prefix)]);
}

Table& Org::table(std::string_view object) {
  auto it = tables_.find(object);  // heterogeneous lookup (std::less<>)
  if (it == tables_.end())
    throw std::logic_error("sfsim: unmodelled object " + std::string(object));
  return it->second;
}

nlohmann::json& Org::Insert(std::string_view object, nlohmann::json record,
                            const std::string& actor_id) {
  const ObjectDef* def = FindObject(object);
  if (def == nullptr) throw std::logic_error("sfsim: unmodelled object " + std::string(object));
  if (!record.contains("Id")) record["Id"] = NewId(def->key_prefix);
  std::string now = NowText();
  for (const auto& f : def->fields) {
    if (record.contains(f.name)) continue;
    if (f.name == "CreatedDate" || f.name == "LastModifiedDate" || f.name == "SystemModstamp") {
      record[f.name] = now;
    } else if (f.name == "CreatedById" || f.name == "LastModifiedById") {
      record[f.name] = actor_id.empty() ? nlohmann::json() : nlohmann::json(actor_id);
    } else if (f.type == FieldType::kBool) {
      record[f.name] = false;
    } else {
      record[f.name] = nullptr;
    }
  }
  Table& t = table(def->name);
  std::string id = record["Id"].get<std::string>();
  t.index[id] = t.rows.size();
  t.rows.push_back(std::move(record));
  return t.rows.back();
}

void Org::Touch(nlohmann::json& row, const std::string& actor_id) {
  std::string now = NowText();
  if (row.contains("LastModifiedDate")) row["LastModifiedDate"] = now;
  if (row.contains("SystemModstamp")) row["SystemModstamp"] = now;
  if (row.contains("LastModifiedById") && !actor_id.empty()) row["LastModifiedById"] = actor_id;
}

void Org::MarkDeleted(nlohmann::json& row, const std::string& actor_id) {
  row["IsDeleted"] = true;
  Touch(row, actor_id);
}

nlohmann::json* Org::Get(std::string_view id) {
  auto full = NormalizeId(id);
  if (!full) return nullptr;
  const ObjectDef* def = ObjectForId(*full);
  if (def == nullptr) return nullptr;
  Table& t = table(def->name);
  auto it = t.index.find(*full);
  return it == t.index.end() ? nullptr : &t.rows[it->second];
}

nlohmann::json* Org::FindBy(std::string_view object, std::string_view field,
                            std::string_view value) {
  std::string key(field);
  for (auto& row : table(object).rows) {
    const auto& v = row[key];
    if (v.is_string() && v.get_ref<const std::string&>() == value &&
        !row.value("IsDeleted", false)) {
      return &row;
    }
  }
  return nullptr;
}

void Org::Audit(std::string action, std::string section, std::string display,
                const std::string& actor_id) {
  Insert("SetupAuditTrail",
         {{"Action", std::move(action)},
          {"Section", std::move(section)},
          {"Display", std::move(display)},
          {"CreatedById", actor_id.empty() ? nlohmann::json() : nlohmann::json(actor_id)},
          {"CreatedByContext", nullptr},
          {"CreatedByIssuer", nullptr},
          {"DelegateUser", nullptr},
          {"ResponsibleNamespacePrefix", nullptr}});
}

const ConnectedApp* Org::AppByClientId(std::string_view client_id) const {
  for (const auto& a : apps) {
    if (a.client_id == client_id) return &a;
  }
  return nullptr;
}

const ConnectedApp* Org::AppByName(std::string_view name) const {
  for (const auto& a : apps) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

std::string Org::DefaultAdminId() {
  auto* profile = FindBy("Profile", "Name", "System Administrator");
  for (auto& u : table("User").rows) {
    if (profile != nullptr && u["ProfileId"] == (*profile)["Id"] && u["IsActive"] == true) {
      return u["Id"];
    }
  }
  auto& users = table("User").rows;
  return users.empty() ? std::string() : users.front()["Id"].get<std::string>();
}

}  // namespace sfwarden::sim
