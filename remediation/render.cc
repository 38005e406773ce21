#include "remediation/render.h"

#include <cstdio>
#include <string_view>

#include "remediation/sharing_rules_json.h"
#include "salesforce/soql.h"

namespace sfwarden::remediation {
namespace {

using nlohmann::json;

// Control characters (a newline in a label, an ANSI escape) as \xNN.
std::string Printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out;
}

char Marker(StepAction action) {
  switch (action) {
    case StepAction::kCreate:
      return '+';
    case StepAction::kDelete:
    case StepAction::kDeleteSharingRules:
      return '-';
    case StepAction::kUpdate:
    case StepAction::kUpsertSharingRules:
      return '~';
  }
  return '?';
}

struct Counts {
  int add = 0, change = 0, remove = 0;
};

Counts Count(const Plan& plan) {
  Counts counts;
  for (const PlanStep& step : plan.steps) {
    switch (Marker(step.action)) {
      case '+':
        ++counts.add;
        break;
      case '-':
        ++counts.remove;
        break;
      default:
        ++counts.change;
        break;
    }
  }
  return counts;
}

std::string DriftLine(const DriftItem& item) {
  std::string line = "  " + std::string(ToString(item.kind)) + "  " + Printable(item.subject);
  if (!item.item.empty()) line += "  " + Printable(item.item);
  line += ": expected " + Printable(item.expected) + ", actual " + Printable(item.actual);
  if (item.changed_by) {
    const Attribution& by = *item.changed_by;
    line +=
        "; changed by " + Printable(by.actor_username.empty() ? by.actor_id : by.actor_username);
    if (!by.delegate_user.empty()) line += " (as " + Printable(by.delegate_user) + ")";
    line += " at " + salesforce::SoqlDateTime(by.time);
  }
  return line + " [" + std::string(ToString(item.disposition)) + "]\n";
}

json AttributionJson(const std::optional<Attribution>& by) {
  if (!by) return nullptr;
  return {{"audit_id", by->audit_id},
          {"time", salesforce::SoqlDateTime(by->time)},
          {"actor_username", by->actor_username},
          {"actor_id", by->actor_id},
          {"delegate_user", by->delegate_user},
          {"action", by->action},
          {"display", by->display}};
}

}  // namespace

std::string RenderPlanText(const Plan& plan) {
  const DriftReport& drift = plan.drift;
  std::string out =
      "Org " + Printable(drift.org) + ", read at " + salesforce::SoqlDateTime(drift.read_at) + "\n";
  if (drift.items.empty()) return out + "\nNo drift: the org matches its baseline.\n";

  out += "\nDrift (" + std::to_string(drift.items.size()) + "):\n";
  for (const DriftItem& item : drift.items) out += DriftLine(item);

  if (!plan.steps.empty()) {
    out += "\nSteps:\n";
    for (const PlanStep& step : plan.steps) {
      out += "  ";
      out += Marker(step.action);
      out += " " + step.sobject;
      if (!step.record_id.empty()) out += " " + Printable(step.record_id);
      out += "  " + Printable(step.summary) + "\n";
    }
  }
  if (!plan.skipped.empty()) {
    out += "\nNot applied:\n";
    for (const SkippedDrift& skip : plan.skipped) {
      out += "  " + Printable(skip.key) + ": " + std::string(ToString(skip.reason));
      if (!skip.detail.empty()) out += " (" + Printable(skip.detail) + ")";
      out += "\n";
    }
  }
  if (plan.circuit_breaker) out += "\nCircuit breaker: " + *plan.circuit_breaker + "\n";

  const Counts counts = Count(plan);
  out += "\nPlan: " + std::to_string(counts.add) + " to add, " + std::to_string(counts.change) +
         " to change, " + std::to_string(counts.remove) + " to remove; " +
         std::to_string(plan.api_calls) + " API call" + (plan.api_calls == 1 ? "" : "s") + ".\n";
  return out;
}

json RenderPlanJson(const Plan& plan) {
  json drift = json::array();
  for (const DriftItem& item : plan.drift.items) {
    drift.push_back({{"kind", ToString(item.kind)},
                     {"key", item.key},
                     {"subject", item.subject},
                     {"item", item.item},
                     {"expected", item.expected},
                     {"actual", item.actual},
                     {"enforceable", IsEnforceable(item.kind)},
                     {"disposition", ToString(item.disposition)},
                     {"changed_by", AttributionJson(item.changed_by)}});
  }
  json steps = json::array();
  for (const PlanStep& step : plan.steps) {
    json j = {
        {"action", ToString(step.action)}, {"sobject", step.sobject}, {"fields", step.fields},
        {"replaces", step.replaces},       {"fixes", step.fixes},     {"summary", step.summary}};
    if (!step.record_id.empty()) j["id"] = step.record_id;
    if (step.sharing_rules) j["sharing_rules"] = SharingRulesToJson(*step.sharing_rules);
    steps.push_back(std::move(j));
  }
  json skipped = json::array();
  for (const SkippedDrift& skip : plan.skipped) {
    skipped.push_back(
        {{"key", skip.key}, {"reason", ToString(skip.reason)}, {"detail", skip.detail}});
  }
  const Counts counts = Count(plan);
  return {{"org", plan.drift.org},
          {"read_at", salesforce::SoqlDateTime(plan.drift.read_at)},
          {"drift", std::move(drift)},
          {"steps", std::move(steps)},
          {"skipped", std::move(skipped)},
          {"changes", plan.changes},
          {"api_calls", plan.api_calls},
          {"circuit_breaker", plan.circuit_breaker ? json(*plan.circuit_breaker) : json()},
          {"summary", {{"add", counts.add}, {"change", counts.change}, {"remove", counts.remove}}}};
}

}  // namespace sfwarden::remediation
