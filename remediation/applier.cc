#include "remediation/applier.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "remediation/sharing_rules_json.h"
#include "salesforce/soql.h"

namespace sfwarden::remediation {
namespace asio = boost::asio;
namespace {

using collectors::PermissionSnapshot;
using nlohmann::json;
using salesforce::ApiError;
using salesforce::SharingRule;
using salesforce::SharingRules;

constexpr char kAssignment[] = "PermissionSetAssignment";
constexpr char kMember[] = "GroupMember";

// Strings from Salesforce may hold invalid UTF-8: the journal keeps them replaced rather
// than failing the write.
std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string KindOf(const std::string& key) { return key.substr(0, key.find('/')); }

struct Fix {
  std::string key, subject, item;
};

// A journal entry read back as the write it records.
struct Recorded {
  StepAction action = StepAction::kCreate;
  std::string sobject, record_id;
  json fields;                                // create/update
  std::optional<SharingRules> sharing_rules;  // upsert: the rules sent
  json before;
  std::vector<Fix> fixes;
  std::string summary;
  std::string created_id;  // the record a create made, when Salesforce said
};

tl::expected<Recorded, std::string> Decode(const JournalEntry& entry) {
  const std::string name = "journal entry " + std::to_string(entry.id);
  json after = json::parse(entry.after_json, nullptr, false);
  json before = json::parse(entry.before_json, nullptr, false);
  if (!after.is_object() || before.is_discarded()) return tl::unexpected(name + ": not our JSON");
  Recorded r;
  static constexpr StepAction kActions[] = {StepAction::kCreate, StepAction::kUpdate,
                                            StepAction::kDelete, StepAction::kUpsertSharingRules,
                                            StepAction::kDeleteSharingRules};
  auto action = std::find_if(std::begin(kActions), std::end(kActions),
                             [&](StepAction a) { return ToString(a) == entry.action; });
  if (action == std::end(kActions))
    return tl::unexpected(name + ": unknown action " + entry.action);
  r.action = *action;
  try {
    r.sobject = after.at("sobject").get<std::string>();
    r.record_id = after.value("record_id", "");
    r.fields = after.value("fields", json());
    r.summary = after.value("summary", "");
    for (const json& fix : after.at("fixes")) {
      r.fixes.push_back({fix.at("key").get<std::string>(), fix.at("subject").get<std::string>(),
                         fix.at("item").get<std::string>()});
    }
  } catch (const json::exception& e) {
    return tl::unexpected(name + ": " + e.what());
  }
  if (r.fixes.empty()) return tl::unexpected(name + ": names no drift item");
  if (r.action == StepAction::kUpsertSharingRules || r.action == StepAction::kDeleteSharingRules) {
    auto rules = SharingRulesFromJson(after.value("sharing_rules", json()));
    if (!rules) return tl::unexpected(name + ": " + rules.error());
    r.sharing_rules = std::move(*rules);
  }
  r.before = std::move(before);
  r.created_id = entry.created_id;
  return r;
}

const SharingRule* FindRule(const SharingRules& rules, const std::string& name) {
  for (const auto* list : {&rules.criteria_rules, &rules.owner_rules}) {
    for (const SharingRule& rule : *list) {
      if (rule.full_name == name) return &rule;
    }
  }
  return nullptr;
}

std::vector<const SharingRule*> AllRules(const SharingRules& rules) {
  std::vector<const SharingRule*> all;
  for (const auto* list : {&rules.criteria_rules, &rules.owner_rules}) {
    for (const SharingRule& rule : *list) all.push_back(&rule);
  }
  return all;
}

// The rules of `target` that are new or different in it compared with `base`: what a
// write of `target` over `base` changes.
std::vector<SharingRule> Changed(const SharingRules& target, const SharingRules& base) {
  std::vector<SharingRule> changed;
  for (const auto* list : {&target.criteria_rules, &target.owner_rules}) {
    for (const SharingRule& rule : *list) {
      const SharingRule* was = FindRule(base, rule.full_name);
      if (was == nullptr || !(*was == rule)) changed.push_back(rule);
    }
  }
  return changed;
}

SharingRules RulesOrEmpty(const json& value, const std::string& object) {
  if (value.is_null()) return {.object = object};
  auto rules = SharingRulesFromJson(value);
  return rules ? *rules : SharingRules{.object = object};
}

const SharingRules* RulesOf(std::span<const SharingRules> all, const std::string& object) {
  for (const SharingRules& rules : all) {
    if (rules.object == object) return &rules;
  }
  return nullptr;
}

// A call that went out and got no usable answer may have been applied.
bool OutcomeUnknown(const ApiError& e) {
  using salesforce::ErrorKind;
  switch (e.kind) {
    case ErrorKind::kOutcomeUnknown:
    case ErrorKind::kDecode:  // an answer we cannot read may be a success
      return true;
    case ErrorKind::kTransport:
    case ErrorKind::kTimeout:
    case ErrorKind::kCancelled:  // shutdown cut the exchange off, maybe after it was sent
      return e.request_sent;
    case ErrorKind::kHttp:
      return e.http_status >= 500;  // a gateway's 5xx: Salesforce may have acted
    default:
      return false;  // refused as a whole, or never sent
  }
}

std::string Describe(const std::vector<salesforce::ErrorItem>& errors) {
  if (errors.empty()) return "failed without an error";
  std::string text;
  for (const auto& e : errors) {
    if (!text.empty()) text += "; ";
    text += e.error_code + ": " + e.message;
  }
  return text;
}

class Applier {
 public:
  Applier(salesforce::Api& api, const Plan& plan, Journal& journal, ApplyOptions options)
      : api_(api), plan_(plan), journal_(journal), options_(std::move(options)) {
    for (const DriftItem& item : plan.drift.items) items_.emplace(item.key, &item);
  }

  asio::awaitable<ApplyResult> Run() {
    result_.steps.resize(plan_.steps.size());
    for (const Batch& batch : GroupIntoCalls(plan_.steps)) {
      if (batch.action == StepAction::kUpsertSharingRules) {
        co_await UpsertSharingRules(batch);
      } else if (batch.action == StepAction::kDeleteSharingRules) {
        co_await DeleteSharingRules(batch);
      } else {
        co_await SendCollection(batch);
      }
      if (result_.stopped) break;
    }
    co_return std::move(result_);
  }

 private:
  // The entry of step `i`; `sent_rules` replaces the plan's rules for an upsert (the rules
  // actually sent, built on the fresh read).
  JournalEntry Encode(std::size_t i, const json& before, const SharingRules* sent_rules) const {
    const PlanStep& step = plan_.steps[i];
    json fixes = json::array();
    for (const std::string& key : step.fixes) {
      auto it = items_.find(key);
      fixes.push_back({{"key", key},
                       {"subject", it == items_.end() ? "" : it->second->subject},
                       {"item", it == items_.end() ? "" : it->second->item}});
    }
    json after = {{"sobject", step.sobject},
                  {"record_id", step.record_id},
                  {"fixes", fixes},
                  {"summary", step.summary}};
    if (sent_rules != nullptr) {
      after["sharing_rules"] = SharingRulesToJson(*sent_rules);
    } else {
      after["fields"] = step.fields;
    }
    JournalEntry entry{.org = plan_.drift.org,
                       .cycle_id = options_.cycle_id,
                       .action = std::string(ToString(step.action)),
                       .before_json = Dump(before),
                       .after_json = Dump(after),
                       .rollback_of = options_.rollback_of};
    if (step.fixes.empty()) {
      entry.kind = step.sobject;
      entry.target = step.record_id;
    } else {
      const std::string& key = step.fixes.front();
      entry.kind = KindOf(key);
      entry.target = step.fixes.size() == 1 && key.size() > entry.kind.size()
                         ? key.substr(entry.kind.size() + 1)
                         : fixes[0]["subject"].get<std::string>();
    }
    return entry;
  }

  void JournalPlanned(std::size_t i, const json& before, const SharingRules* sent = nullptr) {
    result_.steps[i].journal_id = journal_.Append(Encode(i, before, sent));
  }

  void MarkSent(const Batch& batch) {
    for (std::size_t i = batch.first; i < batch.first + batch.count; ++i) {
      journal_.Mark(result_.steps[i].journal_id, JournalState::kSent);
    }
    ++result_.api_calls;
  }

  void Conclude(std::size_t i, StepOutcome outcome, std::string detail) {
    StepResult& step = result_.steps[i];
    step.outcome = outcome;
    step.detail = std::move(detail);
    if (step.journal_id == 0) return;
    if (outcome == StepOutcome::kDone) {
      journal_.Mark(step.journal_id, JournalState::kDone, step.detail, step.record_id);
    }
    if (outcome == StepOutcome::kFailed) {
      journal_.Mark(step.journal_id, JournalState::kFailed, step.detail);
    }
    // kOutcomeUnknown: stays kSent for Reconcile.
  }

  void CallFailed(const Batch& batch, const ApiError& error) {
    const bool unknown = OutcomeUnknown(error);
    for (std::size_t i = batch.first; i < batch.first + batch.count; ++i) {
      Conclude(i, unknown ? StepOutcome::kOutcomeUnknown : StepOutcome::kFailed,
               (unknown ? "outcome unknown, not resent: " : "") + error.ToString());
    }
    result_.stopped = std::string(unknown ? "outcome of a " : "a ") +
                      std::string(ToString(batch.action)) + " of " + batch.sobject +
                      (unknown ? " unknown" : " failed") + ": " + error.ToString();
  }

  void ConcludeRecord(std::size_t i, const salesforce::SaveResult& saved) {
    const PlanStep& step = plan_.steps[i];
    if (saved.success) {
      result_.steps[i].record_id = saved.id;
      return Conclude(i, StepOutcome::kDone, "");
    }
    const std::string code = saved.errors.empty() ? "" : saved.errors.front().error_code;
    // The record that makes it a duplicate is the state wanted (sfsim and Salesforce:
    // "Duplicate PermissionSetAssignment", GroupMember "duplicate value found").
    if (step.action == StepAction::kCreate && code == "DUPLICATE_VALUE" &&
        (step.sobject == kAssignment || step.sobject == kMember)) {
      return Conclude(i, StepOutcome::kDone, "already present (" + Describe(saved.errors) + ")");
    }
    if (step.action == StepAction::kDelete &&
        (code == "ENTITY_IS_DELETED" || code == "NOT_FOUND")) {
      return Conclude(i, StepOutcome::kDone, "already gone (" + Describe(saved.errors) + ")");
    }
    Conclude(i, StepOutcome::kFailed, Describe(saved.errors));
  }

  asio::awaitable<void> SendCollection(const Batch& batch) {
    std::vector<json> records;
    std::vector<std::string> ids;
    for (std::size_t i = batch.first; i < batch.first + batch.count; ++i) {
      const PlanStep& step = plan_.steps[i];
      JournalPlanned(i, step.replaces);
      if (step.action == StepAction::kDelete) {
        ids.push_back(step.record_id);
        continue;
      }
      json record = step.fields.is_object() ? step.fields : json::object();
      record["attributes"] = {{"type", step.sobject}};
      if (step.action == StepAction::kUpdate) record["id"] = step.record_id;
      records.push_back(std::move(record));
    }
    MarkSent(batch);
    tl::expected<std::vector<salesforce::SaveResult>, ApiError> results;
    if (batch.action == StepAction::kCreate) {
      auto call = api_.CreateCollection(std::move(records), false);
      results = co_await std::move(call);
    } else if (batch.action == StepAction::kUpdate) {
      auto call = api_.UpdateCollection(std::move(records), false);
      results = co_await std::move(call);
    } else {
      auto call = api_.DeleteCollection(std::move(ids), false);
      results = co_await std::move(call);
    }
    if (!results) co_return CallFailed(batch, results.error());
    if (results->size() != batch.count) {
      co_return CallFailed(batch,
                           salesforce::MakeError(salesforce::ErrorKind::kDecode,
                                                 std::to_string(results->size()) + " results for " +
                                                     std::to_string(batch.count) + " records"));
    }
    for (std::size_t k = 0; k < batch.count; ++k) ConcludeRecord(batch.first + k, (*results)[k]);
  }

  // Read-modify-write on a fresh read: the rules the plan changes are put on the rules as
  // they are now, so an unrelated rule edited since the snapshot is not reverted.
  asio::awaitable<void> UpsertSharingRules(const Batch& batch) {
    std::vector<std::string> objects;
    for (std::size_t i = batch.first; i < batch.first + batch.count; ++i) {
      objects.push_back(plan_.steps[i].record_id);
    }
    ++result_.api_calls;
    auto read = api_.ReadSharingRules(std::move(objects));
    auto fresh = co_await std::move(read);
    if (!fresh) {
      for (std::size_t i = batch.first; i < batch.first + batch.count; ++i) {
        Conclude(i, StepOutcome::kFailed,
                 "not sent: re-reading the sharing rules failed: " + fresh.error().ToString());
      }
      result_.stopped = "re-reading the sharing rules failed: " + fresh.error().ToString();
      co_return;
    }
    std::vector<SharingRules> upserts;
    for (std::size_t i = batch.first; i < batch.first + batch.count; ++i) {
      const PlanStep& step = plan_.steps[i];
      const SharingRules* now = RulesOf(*fresh, step.record_id);
      SharingRules rules = now != nullptr ? *now : SharingRules{.object = step.record_id};
      const json before = now != nullptr ? SharingRulesToJson(*now) : json();
      if (step.sharing_rules) {
        for (const SharingRule& rule :
             Changed(*step.sharing_rules, RulesOrEmpty(step.replaces, step.record_id))) {
          PutSharingRule(rules, rule);
        }
      }
      JournalPlanned(i, before, &rules);
      upserts.push_back(std::move(rules));
    }
    MarkSent(batch);
    auto call = api_.UpsertSharingRules(std::move(upserts));
    auto results = co_await std::move(call);
    if (!results) co_return CallFailed(batch, results.error());
    for (std::size_t i = batch.first; i < batch.first + batch.count; ++i) {
      const std::string& object = plan_.steps[i].record_id;
      auto it = std::find_if(results->begin(), results->end(),
                             [&](const auto& r) { return r.full_name == object; });
      if (it == results->end()) {
        Conclude(i, StepOutcome::kOutcomeUnknown,
                 "outcome unknown: no upsert result for " + object);
        result_.stopped = "upsertMetadata answered without a result for " + object;
      } else if (it->success) {
        Conclude(i, StepOutcome::kDone, "");
      } else {
        Conclude(i, StepOutcome::kFailed, Describe(it->errors));
      }
    }
  }

  // deleteMetadata of the rules the steps name, all of the batch's type (batch.sobject:
  // SharingCriteriaRule or SharingOwnerRule). A rule already gone is the state wanted.
  asio::awaitable<void> DeleteSharingRules(const Batch& batch) {
    static const SharingRules kNone;
    auto rules_of = [&](const PlanStep& step) -> const SharingRules& {
      return step.sharing_rules ? *step.sharing_rules : kNone;
    };
    std::vector<std::string> names;
    for (std::size_t i = batch.first; i < batch.first + batch.count; ++i) {
      const PlanStep& step = plan_.steps[i];
      const SharingRules& rules = rules_of(step);
      JournalPlanned(i, step.replaces, &rules);
      for (const SharingRule* rule : AllRules(rules)) {
        names.push_back(salesforce::SharingRuleFullName(step.record_id, rule->full_name));
      }
    }
    MarkSent(batch);
    auto call = api_.DeleteMetadata(batch.sobject, std::move(names));
    auto results = co_await std::move(call);
    if (!results) co_return CallFailed(batch, results.error());
    for (std::size_t i = batch.first; i < batch.first + batch.count; ++i) {
      const PlanStep& step = plan_.steps[i];
      std::string failed, gone;
      bool unknown = !step.sharing_rules;
      for (const SharingRule* rule : AllRules(rules_of(step))) {
        const std::string name = salesforce::SharingRuleFullName(step.record_id, rule->full_name);
        auto it = std::find_if(results->begin(), results->end(),
                               [&](const auto& r) { return r.full_name == name; });
        if (it == results->end()) {
          unknown = true;
        } else if (!it->success && !it->errors.empty() &&
                   it->errors.front().error_code == "INVALID_CROSS_REFERENCE_KEY") {
          // "no SharingCriteriaRule named Account.X found": deleted since, or by a
          // resent attempt.
          gone += (gone.empty() ? "" : "; ") + Describe(it->errors);
        } else if (!it->success) {
          failed += (failed.empty() ? "" : "; ") + Describe(it->errors);
        }
      }
      if (!failed.empty()) {
        Conclude(i, StepOutcome::kFailed, failed);
      } else if (unknown) {
        Conclude(i, StepOutcome::kOutcomeUnknown, "outcome unknown: no delete result");
        result_.stopped =
            "deleteMetadata answered without a result for a rule of " + step.record_id;
      } else {
        Conclude(i, StepOutcome::kDone, gone.empty() ? "" : "already gone (" + gone + ")");
      }
    }
  }

  salesforce::Api& api_;
  const Plan& plan_;
  Journal& journal_;
  const ApplyOptions options_;
  std::map<std::string, const DriftItem*> items_;  // drift key -> item
  ApplyResult result_;
};

// ---------------------------------------------------------------------------------------
// Reconcile

struct Flag {
  const char* field;
  bool collectors::ObjectPermissionState::*object;
};
constexpr Flag kObjectFlags[] = {
    {"PermissionsRead", &collectors::ObjectPermissionState::read},
    {"PermissionsCreate", &collectors::ObjectPermissionState::create},
    {"PermissionsEdit", &collectors::ObjectPermissionState::edit},
    {"PermissionsDelete", &collectors::ObjectPermissionState::del},
    {"PermissionsViewAllRecords", &collectors::ObjectPermissionState::view_all},
    {"PermissionsModifyAllRecords", &collectors::ObjectPermissionState::modify_all},
    {"PermissionsViewAllFields", &collectors::ObjectPermissionState::view_all_fields},
};

bool IsPermissionField(const std::string& field) { return field.rfind("Permissions", 0) == 0; }

// Whether the write `r` records is in effect in `s`; an error when `s` cannot tell.
tl::expected<bool, std::string> InEffect(const Recorded& r, const PermissionSnapshot& s) {
  const Fix& fix = r.fixes.front();
  if (r.sobject == kAssignment || r.sobject == kMember) {
    auto user = s.users.find(fix.subject);
    if (user == s.users.end() || !user->second.found) {
      return tl::unexpected("user " + fix.subject + " not in the read");
    }
    const collectors::UserState& u = user->second;
    if (r.sobject == kMember) {
      auto member = u.group_member_ids.find(fix.item);
      if (r.action == StepAction::kDelete) {
        return member == u.group_member_ids.end() || member->second != r.record_id;
      }
      return member != u.group_member_ids.end() ||
             std::find(u.public_groups.begin(), u.public_groups.end(), fix.item) !=
                 u.public_groups.end();
    }
    const bool group = KindOf(fix.key) == "permission_set_group_assignment";
    if (r.action == StepAction::kDelete) {
      return std::none_of(u.assignments.begin(), u.assignments.end(),
                          [&](const auto& a) { return a.assignment_id == r.record_id; });
    }
    return std::any_of(u.assignments.begin(), u.assignments.end(), [&](const auto& a) {
      return (group ? a.permission_set_group : a.permission_set) == fix.item;
    });
  }
  if (r.action == StepAction::kDeleteSharingRules) {  // in effect when none is left
    const SharingRules* now = RulesOf(s.sharing_rules, r.record_id);
    if (now == nullptr)
      return tl::unexpected("sharing rules of " + r.record_id + " not in the read");
    for (const SharingRule* rule : AllRules(*r.sharing_rules)) {
      const SharingRule* actual = FindRule(*now, rule->full_name);
      if (actual != nullptr && actual->type == rule->type) return false;
    }
    return true;
  }
  if (r.sobject == "SharingRules") {
    const SharingRules* now = RulesOf(s.sharing_rules, r.record_id);
    if (now == nullptr)
      return tl::unexpected("sharing rules of " + r.record_id + " not in the read");
    for (const SharingRule& rule : Changed(*r.sharing_rules, RulesOrEmpty(r.before, r.record_id))) {
      const SharingRule* actual = FindRule(*now, rule.full_name);
      if (actual == nullptr || !SharingRuleMatches(rule, *actual)) return false;
    }
    return true;
  }
  auto set = s.permission_sets.find(fix.subject);
  if (set == s.permission_sets.end() || !set->second.found) {
    return tl::unexpected("permission set " + fix.subject + " not in the read");
  }
  const collectors::PermissionSetState& ps = set->second;
  if (!r.fields.is_object()) return tl::unexpected(std::string("no fields recorded"));
  if (r.sobject == "PermissionSet") {
    for (const auto& [field, value] : r.fields.items()) {
      auto have = ps.system.find(field.substr(std::string_view("Permissions").size()));
      if (!IsPermissionField(field) || have == ps.system.end()) {
        return tl::unexpected(field + " of " + fix.subject + " not read");
      }
      if (!value.is_boolean() || have->second != value.get<bool>()) return false;
    }
    return true;
  }
  if (r.sobject == "ObjectPermissions") {
    auto row = ps.objects.find(fix.item);
    if (r.action == StepAction::kDelete) return row == ps.objects.end();
    const collectors::ObjectPermissionState none;  // no row: no access
    const auto& have = row == ps.objects.end() ? none : row->second;
    for (const auto& [field, value] : r.fields.items()) {
      if (!IsPermissionField(field)) continue;
      auto flag = std::find_if(std::begin(kObjectFlags), std::end(kObjectFlags),
                               [&](const Flag& f) { return field == f.field; });
      if (flag == std::end(kObjectFlags) ||
          (field == "PermissionsViewAllFields" && !s.view_all_fields_read)) {
        return tl::unexpected(field + " is not read");
      }
      if (!value.is_boolean() || have.*(flag->object) != value.get<bool>()) return false;
    }
    return true;
  }
  if (r.sobject == "FieldPermissions") {
    auto row = ps.fields.find(fix.item);
    if (r.action == StepAction::kDelete) return row == ps.fields.end();
    const collectors::FieldPermissionState none;
    const auto& have = row == ps.fields.end() ? none : row->second;
    for (const auto& [field, value] : r.fields.items()) {
      if (!IsPermissionField(field)) continue;
      const bool* flag = field == "PermissionsRead"   ? &have.read
                         : field == "PermissionsEdit" ? &have.edit
                                                      : nullptr;
      if (flag == nullptr) return tl::unexpected(field + " is not read");
      if (!value.is_boolean() || *flag != value.get<bool>()) return false;
    }
    return true;
  }
  return tl::unexpected("no check for " + r.sobject);
}

// ---------------------------------------------------------------------------------------
// Rollback

// The writes that undo a sharing-rule entry, against the rules as they are `now`:
//  - an upsert: each rule it changed is upserted back as it was before, and each rule it
//    created is deleted with deleteMetadata — upsertMetadata only creates or updates the
//    components it is given (Metadata API Developer Guide, upsertMetadata()), so leaving
//    a rule out of an upsert does not remove it; deleteMetadata() is the inverse. One
//    delete step per rule type: a deleteMetadata call takes components of one type.
//  - a deleteMetadata (the rollback of a creation): the rules it deleted, recorded as they
//    were, are upserted again.
// A created rule that is gone already, or a rule already as before, needs no write.
tl::expected<std::vector<PlanStep>, std::string> InverseSharingRuleSteps(
    const Recorded& r, const PermissionSnapshot& now) {
  const SharingRules* current = RulesOf(now.sharing_rules, r.record_id);
  if (current == nullptr) return tl::unexpected("sharing rules of " + r.record_id + " not read");
  std::vector<std::string> fixes;
  for (const Fix& f : r.fixes) fixes.push_back(f.key);
  SharingRules target = *current;
  auto put_back = [&](const SharingRule& was) {
    for (auto* list : {&target.criteria_rules, &target.owner_rules}) {
      std::erase_if(*list, [&](const SharingRule& x) { return x.full_name == was.full_name; });
    }
    (was.type == SharingRule::Type::kCriteria ? target.criteria_rules : target.owner_rules)
        .push_back(was);
  };
  SharingRules created{.object = r.record_id};
  if (r.action == StepAction::kDeleteSharingRules) {
    for (const SharingRule* deleted : AllRules(*r.sharing_rules)) {
      if (FindRule(*current, deleted->full_name) == nullptr) put_back(*deleted);
    }
  } else {
    const SharingRules before = RulesOrEmpty(r.before, r.record_id);
    for (const SharingRule& rule : Changed(*r.sharing_rules, before)) {
      if (const SharingRule* was = FindRule(before, rule.full_name)) {
        put_back(*was);
      } else if (const SharingRule* made = FindRule(*current, rule.full_name)) {
        (made->type == SharingRule::Type::kCriteria ? created.criteria_rules : created.owner_rules)
            .push_back(*made);
      }
    }
  }
  std::vector<PlanStep> steps;
  if (!Changed(target, *current).empty()) {
    steps.push_back({.action = StepAction::kUpsertSharingRules,
                     .sobject = "SharingRules",
                     .record_id = r.record_id,
                     .sharing_rules = std::move(target),
                     .replaces = SharingRulesToJson(*current),
                     .fixes = fixes,
                     .summary = r.summary});
  }
  for (auto type : {SharingRule::Type::kCriteria, SharingRule::Type::kOwner}) {
    auto& rules =
        type == SharingRule::Type::kCriteria ? created.criteria_rules : created.owner_rules;
    if (rules.empty()) continue;
    std::string names;
    for (const SharingRule& rule : rules) names += " " + rule.full_name;
    SharingRules deleted{.object = r.record_id};
    (type == SharingRule::Type::kCriteria ? deleted.criteria_rules : deleted.owner_rules) = rules;
    steps.push_back({.action = StepAction::kDeleteSharingRules,
                     .sobject = salesforce::SharingRuleMetadataType(type),
                     .record_id = r.record_id,
                     .sharing_rules = std::move(deleted),
                     .replaces = SharingRulesToJson(*current),
                     .fixes = fixes,
                     .summary = r.record_id + ": delete" + names});
  }
  if (steps.empty()) return tl::unexpected(std::string("nothing to undo: already as before"));
  return steps;
}

tl::expected<PlanStep, std::string> InverseStep(const Recorded& r, const PermissionSnapshot& now) {
  const Fix& fix = r.fixes.front();
  PlanStep step{.sobject = r.sobject, .summary = r.summary};
  for (const Fix& f : r.fixes) step.fixes.push_back(f.key);
  auto user = now.users.find(fix.subject);
  const collectors::UserState* u =
      user != now.users.end() && user->second.found ? &user->second : nullptr;
  auto need_user = [&]() -> tl::expected<void, std::string> {
    if (u == nullptr) return tl::unexpected("user " + fix.subject + " not in the read");
    return {};
  };

  if (r.action == StepAction::kUpdate) {  // PermissionSet, ObjectPermissions, FieldPermissions
    if (!r.before.is_object()) return tl::unexpected(std::string("no previous values recorded"));
    step.action = StepAction::kUpdate;
    step.record_id = r.record_id;
    step.fields = r.before;
    step.replaces = r.fields;
    return step;
  }
  if (r.sobject == kAssignment && r.action == StepAction::kCreate) {
    if (auto ok = need_user(); !ok) return tl::unexpected(ok.error());
    const bool group = KindOf(fix.key) == "permission_set_group_assignment";
    for (const auto& a : u->assignments) {
      if ((group ? a.permission_set_group : a.permission_set) != fix.item) continue;
      // The record this entry made, when it is known: one made since by someone else is
      // theirs to remove.
      if (!r.created_id.empty() && a.assignment_id != r.created_id) continue;
      step.action = StepAction::kDelete;
      step.record_id = a.assignment_id;
      step.replaces = r.fields;
      step.replaces["Id"] = a.assignment_id;
      return step;
    }
    return tl::unexpected("nothing to undo: " + fix.subject + " has no assignment of " + fix.item);
  }
  if (r.sobject == kAssignment && r.action == StepAction::kDelete) {
    if (auto ok = need_user(); !ok) return tl::unexpected(ok.error());
    if (!r.before.is_object())
      return tl::unexpected(std::string("no previous assignment recorded"));
    json fields = {{"AssigneeId", r.before.value("AssigneeId", u->id)}};
    // The plan records Ids only for watched sets and groups; others by name, looked up now.
    if (r.before.contains("PermissionSetGroup.DeveloperName")) {
      std::string id = r.before.value("PermissionSetGroupId", "");
      auto found = now.permission_set_groups.find(fix.item);
      if (id.empty() && found != now.permission_set_groups.end()) id = found->second.id;
      if (id.empty()) return tl::unexpected("permission set group " + fix.item + " not read");
      fields["PermissionSetGroupId"] = id;
    } else {
      std::string id = r.before.value("PermissionSetId", "");
      auto found = now.permission_sets.find(fix.item);
      if (id.empty() && found != now.permission_sets.end()) id = found->second.id;
      if (id.empty()) return tl::unexpected("permission set " + fix.item + " not read");
      fields["PermissionSetId"] = id;
    }
    if (r.before.contains("ExpirationDate") && r.before["ExpirationDate"].is_string()) {
      fields["ExpirationDate"] = r.before["ExpirationDate"];
    }
    step.action = StepAction::kCreate;
    step.fields = std::move(fields);
    step.replaces = nullptr;
    return step;
  }
  if (r.sobject == kMember && r.action == StepAction::kCreate) {
    if (auto ok = need_user(); !ok) return tl::unexpected(ok.error());
    auto member = u->group_member_ids.find(fix.item);
    if (member == u->group_member_ids.end() ||
        (!r.created_id.empty() && member->second != r.created_id)) {
      return tl::unexpected("nothing to undo: " + fix.subject + " is not in " + fix.item +
                            (r.created_id.empty() ? "" : " through " + r.created_id));
    }
    step.action = StepAction::kDelete;
    step.record_id = member->second;
    step.replaces = r.fields;
    step.replaces["Id"] = member->second;
    return step;
  }
  if (r.sobject == kMember && r.action == StepAction::kDelete) {
    if (!r.before.is_object() || !r.before.contains("GroupId")) {
      return tl::unexpected(std::string("no previous membership recorded"));
    }
    step.action = StepAction::kCreate;
    step.fields = {{"GroupId", r.before["GroupId"]}, {"UserOrGroupId", r.before["UserOrGroupId"]}};
    step.replaces = nullptr;
    return step;
  }
  if ((r.sobject == "ObjectPermissions" || r.sobject == "FieldPermissions") &&
      r.action == StepAction::kCreate) {
    // Before the create there was no row, which is no access: the row goes.
    auto set = now.permission_sets.find(fix.subject);
    if (set == now.permission_sets.end()) {
      return tl::unexpected("permission set " + fix.subject + " not read");
    }
    std::string id;
    if (r.sobject == "ObjectPermissions") {
      if (auto row = set->second.objects.find(fix.item); row != set->second.objects.end()) {
        id = row->second.id;
      }
    } else if (auto row = set->second.fields.find(fix.item); row != set->second.fields.end()) {
      id = row->second.id;
    }
    if (id.empty() || (!r.created_id.empty() && id != r.created_id))
      return tl::unexpected("nothing to undo: no " + r.sobject + " row " + r.created_id + " for " +
                            fix.item);
    step.action = StepAction::kDelete;
    step.record_id = id;
    step.replaces = r.fields;
    step.replaces["Id"] = id;
    return step;
  }
  return tl::unexpected("no rollback for a " + std::string(ToString(r.action)) + " of " +
                        r.sobject);
}

}  // namespace

std::string_view ToString(StepOutcome outcome) {
  switch (outcome) {
    case StepOutcome::kDone:
      return "done";
    case StepOutcome::kFailed:
      return "failed";
    case StepOutcome::kOutcomeUnknown:
      return "outcome_unknown";
    case StepOutcome::kNotSent:
      return "not_sent";
  }
  return "unknown";
}

int ApplyResult::Count(StepOutcome outcome) const {
  return static_cast<int>(std::count_if(steps.begin(), steps.end(),
                                        [&](const StepResult& s) { return s.outcome == outcome; }));
}

asio::awaitable<ApplyResult> Apply(salesforce::Api& api, const Plan& plan, Journal& journal,
                                   ApplyOptions options) {
  Applier applier(api, plan, journal, std::move(options));
  co_return co_await applier.Run();
}

std::vector<ReconcileDecision> Reconcile(std::span<const JournalEntry> pending,
                                         const PermissionSnapshot& fresh) {
  std::vector<ReconcileDecision> decisions;
  for (const JournalEntry& entry : pending) {
    if (entry.state != JournalState::kPlanned && entry.state != JournalState::kSent) continue;
    ReconcileDecision decision{.id = entry.id};
    auto recorded = Decode(entry);
    auto in_effect = recorded ? InEffect(*recorded, fresh)
                              : tl::expected<bool, std::string>(tl::unexpect, recorded.error());
    if (!in_effect) {
      decision.reason = "cannot check: " + in_effect.error() + "; not repeated";
    } else if (*in_effect) {
      decision.state = JournalState::kDone;
      decision.reason = "in effect in the read of " + salesforce::SoqlDateTime(fresh.read_at);
    } else {
      decision.reason = "not applied (read of " + salesforce::SoqlDateTime(fresh.read_at) +
                        "); the next cycle plans it again";
    }
    decisions.push_back(std::move(decision));
  }
  return decisions;
}

std::vector<ReconcileDecision> ReconcileJournal(Journal& journal, std::string_view org,
                                                const PermissionSnapshot& fresh) {
  const std::vector<JournalEntry> pending = journal.Pending(org);
  std::vector<ReconcileDecision> decisions = Reconcile(pending, fresh);
  for (const ReconcileDecision& d : decisions) journal.Mark(d.id, d.state, d.reason);
  return decisions;
}

tl::expected<Plan, std::string> PlanRollback(const JournalEntry& entry,
                                             const PermissionSnapshot& now) {
  if (entry.state != JournalState::kDone) {
    return tl::unexpected("journal entry " + std::to_string(entry.id) + " is " +
                          std::string(ToString(entry.state)) + ", only done entries roll back");
  }
  auto recorded = Decode(entry);
  if (!recorded) return tl::unexpected(recorded.error());
  tl::expected<std::vector<PlanStep>, std::string> steps;
  if (recorded->action == StepAction::kUpsertSharingRules ||
      recorded->action == StepAction::kDeleteSharingRules) {
    steps = InverseSharingRuleSteps(*recorded, now);
  } else if (auto step = InverseStep(*recorded, now)) {
    steps = std::vector<PlanStep>{std::move(*step)};
  } else {
    steps = tl::unexpected(step.error());
  }
  if (!steps)
    return tl::unexpected("journal entry " + std::to_string(entry.id) + ": " + steps.error());
  Plan plan;
  plan.drift.org = entry.org;
  plan.drift.read_at = now.read_at;
  for (const Fix& fix : recorded->fixes) {
    plan.drift.items.push_back({.key = fix.key, .subject = fix.subject, .item = fix.item});
  }
  for (PlanStep& step : *steps) {
    step.summary = "rollback of #" + std::to_string(entry.id) + ": " + step.summary;
    plan.steps.push_back(std::move(step));
  }
  plan.changes = 1;
  plan.api_calls = static_cast<int>(GroupIntoCalls(plan.steps).size());
  return plan;
}

asio::awaitable<tl::expected<ApplyResult, std::string>> Rollback(salesforce::Api& api,
                                                                 Journal& journal, std::int64_t id,
                                                                 const PermissionSnapshot& now,
                                                                 std::string cycle_id) {
  std::optional<JournalEntry> entry = journal.Find(id);
  if (!entry) co_return tl::unexpected("no journal entry " + std::to_string(id));
  auto plan = PlanRollback(*entry, now);
  if (!plan) co_return tl::unexpected(plan.error());
  // Named locals, never temporaries inside co_await (GCC 12 destroys them twice).
  ApplyOptions options{.cycle_id = std::move(cycle_id), .rollback_of = id};
  auto apply = Apply(api, *plan, journal, std::move(options));
  ApplyResult result = co_await std::move(apply);
  if (result.Count(StepOutcome::kDone) == static_cast<int>(result.steps.size())) {
    journal.Mark(id, JournalState::kRolledBack);
  }
  co_return result;
}

}  // namespace sfwarden::remediation
