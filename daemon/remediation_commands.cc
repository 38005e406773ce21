// `sfwarden plan | apply | journal | rollback | snapshot`: the remediation engine run once
// from the command line, on the same code the daemon's monitors use (DESIGN.md, "Safety
// of enforcement": plan prints exactly what apply does).

#include <prometheus/registry.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "collectors/permission_reader.h"
#include "daemon/baseline_from_config.h"
#include "daemon/baseline_yaml.h"
#include "daemon/collector_target.h"
#include "daemon/commands.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/org_client.h"
#include "daemon/state_store.h"
#include "daemon/store_journal.h"
#include "remediation/applier.h"
#include "remediation/render.h"
#include "salesforce/http_transport.h"
#include "salesforce/soql.h"

namespace sfwarden::daemon {
namespace asio = boost::asio;
namespace {

using nlohmann::json;

std::optional<std::string> Flag(const ParsedFlags& flags, std::string_view name) {
  if (auto it = flags.find(name); it != flags.end()) return it->second;
  return std::nullopt;
}
std::vector<std::string> Values(const ParsedFlags& flags, std::string_view name) {
  std::vector<std::string> out;
  if (auto v = Flag(flags, name)) {
    std::istringstream in(*v);
    for (std::string line; std::getline(in, line);) out.push_back(line);
  }
  return out;
}

// A usage error: exit 2 with one clear line.
struct Usage : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Config Load(const ParsedFlags& flags) {
  return LoadConfig(Flag(flags, "config.file").value_or("/etc/sfwarden/sfwarden.yml"));
}

std::vector<const OrgConfig*> SelectOrgs(const Config& config, const ParsedFlags& flags) {
  std::vector<const OrgConfig*> orgs;
  auto only = Flag(flags, "org");
  for (const auto& org : config.orgs) {
    if (!only || org.name == *only) orgs.push_back(&org);
  }
  if (only && orgs.empty()) throw Usage("no org named '" + *only + "' in the configuration");
  return orgs;
}

std::string OutputFormat(const ParsedFlags& flags) {
  std::string f = Flag(flags, "output").value_or("text");
  if (f != "text" && f != "json") throw Usage("--output must be text or json (got '" + f + "')");
  return f;
}

std::unique_ptr<StateStore> OpenStore(const Config& config, const ParsedFlags& flags) {
  FlagOverrides overrides;
  overrides.state_dir = Flag(flags, "state.dir");
  auto settings = ResolveSettings(config, overrides, std::getenv("STATE_DIRECTORY"));
  try {
    return StateStore::Open(settings.state_dir);
  } catch (const StateStoreError& e) {
    std::string what = e.what();
    if (what.find("in use by another sfwarden") != std::string::npos) {
      what +=
          " — commands that change the org or its journal take the same lock as 'sfwarden run', "
          "so they never race the daemon's own enforcement: stop the daemon first (or let it "
          "enforce)";
    }
    throw StateStoreError(what);
  }
}

// Runs `task` to completion on `ioc` (the commands are one-shot: one thread, one task).
template <typename T>
T RunOn(asio::io_context& ioc, asio::awaitable<T> task) {
  std::optional<T> result;
  std::exception_ptr error;
  asio::co_spawn(ioc, std::move(task), [&](std::exception_ptr e, T value) {
    error = e;
    if (!e) result = std::move(value);
  });
  ioc.run();
  ioc.restart();
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

// One org's Salesforce client, for one command.
class OrgSession {
 public:
  explicit OrgSession(const OrgConfig& org)
      : org_(org),
        transport_(ioc_, TransportOptionsFor(org)),
        client_(ioc_, transport_, registry_, ClientConfigFor(org)) {}

  salesforce::Api& api() { return client_; }
  template <typename T>
  T Run(asio::awaitable<T> task) {
    return RunOn(ioc_, std::move(task));
  }
  /// The full permission read the daemon makes; throws std::runtime_error on failure.
  collectors::PermissionSnapshot Read(const collectors::OrgTarget& target) {
    auto snapshot = Run(collectors::ReadPermissions(client_, target));
    if (!snapshot) {
      throw std::runtime_error("org " + org_.name + ": " + snapshot.error().ToString());
    }
    return std::move(*snapshot);
  }
  collectors::PermissionSnapshot Read() { return Read(MakeOrgTarget(org_)); }

 private:
  const OrgConfig& org_;
  asio::io_context ioc_;
  prometheus::Registry registry_;
  salesforce::HttpTransport transport_;
  salesforce::Client client_;
};

std::string Now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Time(StoreTime t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Control characters from Salesforce or the journal never reach the terminal raw.
std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
  return out;
}

remediation::Plan PlanFor(const OrgConfig& org, const collectors::PermissionSnapshot& snapshot) {
  auto baseline = BaselineFromConfig(org);
  // No audit attribution and no flapping pause here: a person runs this on purpose.
  auto drift = remediation::DetectDrift(baseline, snapshot, {});
  return remediation::BuildPlan(baseline, snapshot, std::move(drift));
}

// The common frame: usage errors exit 2, config errors exit 2, the rest exit 1.
template <typename F>
int Guard(std::ostream& err, F&& body) {
  try {
    return body();
  } catch (const Usage& e) {
    err << "sfwarden: " << e.what() << "\n";
    return kExitUsage;
  } catch (const ConfigError& e) {
    for (const auto& d : e.diagnostics()) err << d.ToString() << "\n";
    err << "sfwarden: " << e.diagnostics().size() << " configuration error"
        << (e.diagnostics().size() == 1 ? "" : "s") << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    err << "sfwarden: " << e.what() << "\n";
    return kExitFailure;
  }
}

// --yes, or a person who answers y on a terminal.
bool Confirmed(const ParsedFlags& flags, std::string_view question, std::ostream& out) {
  if (Flag(flags, "yes")) return true;
  if (isatty(STDIN_FILENO) == 0) {
    throw Usage("refusing to write without --yes when stdin is not a terminal");
  }
  out << question << " [y/N] " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

json EntryJson(const JournalEntry& e) {
  json j = {{"id", e.id},
            {"org", e.org},
            {"cycle_id", e.cycle_id},
            {"kind", e.kind},
            {"target", e.target},
            {"action", e.action},
            {"state", ToString(e.state)},
            {"error", e.error},
            {"created_at", Time(e.created_at)},
            {"updated_at", Time(e.updated_at)},
            {"before", json::parse(e.before_json, nullptr, false)},
            {"after", json::parse(e.after_json, nullptr, false)}};
  if (e.rollback_of) j["rollback_of"] = *e.rollback_of;
  if (!e.created_id.empty()) j["created_id"] = e.created_id;
  return j;
}

void PrintApplyResult(const remediation::Plan& plan, const remediation::ApplyResult& result,
                      std::ostream& out) {
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    const auto& r = result.steps[i];
    out << "  " << remediation::ToString(r.outcome) << ": " << Printable(plan.steps[i].summary);
    if (r.journal_id != 0) out << " (journal #" << r.journal_id << ")";
    if (!r.detail.empty()) out << " — " << Printable(r.detail);
    out << "\n";
  }
  if (result.stopped) out << "  stopped: " << Printable(*result.stopped) << "\n";
}

bool AllDone(const remediation::ApplyResult& r) {
  return r.Count(remediation::StepOutcome::kDone) == static_cast<int>(r.steps.size());
}

}  // namespace

int PlanCommand(const ParsedFlags& flags, std::ostream& out, std::ostream& err) {
  return Guard(err, [&] {
    const std::string format = OutputFormat(flags);
    Config config = Load(flags);
    bool drift = false, failed = false;
    json plans = json::array();
    for (const OrgConfig* org : SelectOrgs(config, flags)) {
      try {
        OrgSession session(*org);
        auto snapshot = session.Read();
        auto plan = PlanFor(*org, snapshot);
        drift = drift || !plan.drift.items.empty();
        if (format == "json") {
          plans.push_back(remediation::RenderPlanJson(plan));
        } else {
          out << "org " << org->name << ":\n" << remediation::RenderPlanText(plan) << "\n";
        }
      } catch (const std::exception& e) {
        failed = true;
        err << "sfwarden: org " << org->name << ": " << e.what() << "\n";
      }
    }
    if (format == "json") out << plans.dump(2) << "\n";
    return failed ? kExitFailure : drift ? kExitUsage : kExitOk;  // 2: drift, like terraform
  });
}

int ApplyCommand(const ParsedFlags& flags, std::ostream& out, std::ostream& err) {
  return Guard(err, [&] {
    Config config = Load(flags);
    auto orgs = SelectOrgs(config, flags);
    if (!Flag(flags, "yes") && isatty(STDIN_FILENO) == 0) {
      throw Usage("refusing to apply without --yes when stdin is not a terminal");
    }
    auto store = OpenStore(config, flags);  // the daemon's lock: never beside `run`
    StoreJournal journal(*store);
    bool failed = false;
    for (const OrgConfig* org : orgs) {
      try {
        OrgSession session(*org);
        auto snapshot = session.Read();
        // Work a crash left half done is concluded first, as the daemon does at start.
        for (const auto& d : remediation::ReconcileJournal(journal, org->name, snapshot)) {
          out << "org " << org->name << ": journal entry #" << d.id << " concluded "
              << remediation::ToString(d.state) << ": " << Printable(d.reason) << "\n";
        }
        auto plan = PlanFor(*org, snapshot);
        out << "org " << org->name << ":\n" << remediation::RenderPlanText(plan);
        if (plan.steps.empty()) continue;
        if (!Confirmed(flags,
                       "Apply these " + std::to_string(plan.steps.size()) + " writes to " +
                           org->name + "?",
                       out)) {
          out << "not applied\n";
          continue;
        }
        remediation::ApplyOptions options;
        options.cycle_id = "apply-" + Now();
        auto result = session.Run(remediation::Apply(session.api(), plan, journal, options));
        PrintApplyResult(plan, result, out);
        failed = failed || !AllDone(result);
      } catch (const StateStoreError&) {
        throw;
      } catch (const std::exception& e) {
        failed = true;
        err << "sfwarden: org " << org->name << ": " << e.what() << "\n";
      }
    }
    return failed ? kExitFailure : kExitOk;
  });
}

int JournalCommand(const ParsedFlags& flags, std::ostream& out, std::ostream& err) {
  return Guard(err, [&] {
    const std::string format = OutputFormat(flags);
    std::int64_t limit = 50;
    if (auto l = Flag(flags, "limit")) {
      try {
        std::size_t used = 0;
        limit = std::stoll(*l, &used);
        if (used != l->size() || limit < 1) throw std::invalid_argument("");
      } catch (const std::exception&) {
        throw Usage("--limit must be a positive whole number (got '" + *l + "')");
      }
    }
    Config config = Load(flags);
    std::optional<std::string> org = Flag(flags, "org");
    if (org) SelectOrgs(config, flags);  // an unknown org is a usage error
    auto store = OpenStore(config, flags);
    auto entries = store->ListJournal(org, limit);
    if (format == "json") {
      json all = json::array();
      for (const auto& e : entries) all.push_back(EntryJson(e));
      out << all.dump(2) << "\n";
      return kExitOk;
    }
    if (entries.empty()) out << "No journal entries.\n";
    for (const auto& e : entries) {
      std::string summary;
      json after = json::parse(e.after_json, nullptr, false);
      if (after.is_object()) summary = after.value("summary", "");
      out << "#" << e.id << " " << Time(e.created_at) << " " << Printable(e.org) << " "
          << ToString(e.state) << " " << Printable(e.action) << " " << Printable(e.kind) << " "
          << Printable(e.target);
      if (!summary.empty()) out << " — " << Printable(summary);
      if (e.rollback_of) out << " (rollback of #" << *e.rollback_of << ")";
      if (!e.error.empty()) out << " [" << Printable(e.error) << "]";
      out << " cycle " << Printable(e.cycle_id) << "\n";
    }
    return kExitOk;
  });
}

int RollbackCommand(const ParsedFlags& flags, std::ostream& out, std::ostream& err) {
  return Guard(err, [&] {
    const std::string text = Flag(flags, "ID").value_or("");
    std::int64_t id = 0;
    try {
      std::size_t used = 0;
      id = std::stoll(text, &used);
      if (used != text.size() || id < 1) throw std::invalid_argument("");
    } catch (const std::exception&) {
      throw Usage("ID must be a journal entry number (got '" + text + "'); see 'sfwarden journal'");
    }
    Config config = Load(flags);
    if (!Flag(flags, "yes") && isatty(STDIN_FILENO) == 0) {
      throw Usage("refusing to roll back without --yes when stdin is not a terminal");
    }
    auto store = OpenStore(config, flags);
    auto entry = store->FindJournal(id);
    if (!entry) throw Usage("no journal entry #" + std::to_string(id));
    const OrgConfig* org = nullptr;
    for (const auto& o : config.orgs) {
      if (o.name == entry->org) org = &o;
    }
    if (org == nullptr) {
      throw Usage("journal entry #" + std::to_string(id) + " is of org '" + entry->org +
                  "', which the configuration no longer has");
    }
    StoreJournal journal(*store);
    OrgSession session(*org);
    auto snapshot = session.Read();
    auto plan = remediation::PlanRollback(*entry, snapshot);
    if (!plan) throw std::runtime_error(plan.error());
    out << remediation::RenderPlanText(*plan);
    if (!Confirmed(flags, "Roll back journal entry #" + std::to_string(id) + "?", out)) {
      out << "not rolled back\n";
      return kExitOk;
    }
    auto result = session.Run(
        remediation::Rollback(session.api(), journal, id, snapshot, "rollback-" + Now()));
    if (!result) throw std::runtime_error(result.error());
    PrintApplyResult(*plan, *result, out);
    return AllDone(*result) ? kExitOk : kExitFailure;
  });
}

int SnapshotCommand(const ParsedFlags& flags, std::ostream& out, std::ostream& err) {
  return Guard(err, [&] {
    if (!Flag(flags, "org")) throw Usage("snapshot needs --org");
    std::vector<std::string> users = Values(flags, "user");
    if (users.empty()) throw Usage("snapshot needs at least one --user");
    Config config = Load(flags);
    const OrgConfig& org = *SelectOrgs(config, flags).front();
    OrgSession session(org);

    // 1. The users and their assignments.
    collectors::OrgTarget target;
    target.org = org.name;
    target.api_version = org.api_version;
    target.usernames = users;
    auto first = session.Read(target);
    std::vector<std::string> ids;
    for (const auto& name : users) {
      auto it = first.users.find(name);
      if (it == first.users.end() || !it->second.found) {
        throw Usage("org " + org.name + " has no user '" + name + "'");
      }
      ids.push_back(it->second.id);
      for (const auto& a : it->second.assignments) {
        if (!a.permission_set.empty()) {
          auto& system = target.permission_sets[a.permission_set];
          system.insert(SnapshotSystemPermissions().begin(), SnapshotSystemPermissions().end());
        }
        if (!a.permission_set_group.empty()) {
          target.permission_set_groups.push_back(a.permission_set_group);
        }
      }
    }
    // 2. Their public groups: the permission read only looks at watched groups.
    std::string in;
    for (const auto& id : ids) in += (in.empty() ? "" : ", ") + salesforce::SoqlString(id);
    std::set<std::string> groups;
    std::string soql =
        "SELECT Group.DeveloperName, Group.Type FROM GroupMember WHERE UserOrGroupId IN (" + in +
        ")";
    auto listed =
        session.Run(session.api().Query(soql,
                                        [&](salesforce::QueryPage&& page) {
                                          for (const auto& r : page.records) {
                                            const json& g = r.value("Group", json());
                                            if (g.is_object() && g.value("Type", "") == "Regular") {
                                              groups.insert(g.value("DeveloperName", ""));
                                            }
                                          }
                                          return true;
                                        },
                                        {}));
    if (!listed) throw std::runtime_error("org " + org.name + ": " + listed.error().ToString());
    target.public_groups.assign(groups.begin(), groups.end());
    // 3. Everything together, with the sharing rules of the objects asked for.
    std::set<std::string> objects = {"Account", "Contact", "Opportunity", "Lead", "Case"};
    for (const auto& [object, rules] : org.sharing_rules) objects.insert(object);
    for (const auto& o : Values(flags, "object")) objects.insert(o);
    target.sharing_rule_objects.assign(objects.begin(), objects.end());
    auto snapshot = session.Read(target);
    std::string yaml = "# sfwarden snapshot of org " + org.name + " at " + Now() +
                       "; the keys of one orgs[] entry\n" + BaselineYaml(snapshot, users);
    if (auto file = Flag(flags, "out")) {
      std::ofstream f(*file);
      f << yaml;
      if (!f.flush()) throw std::runtime_error("cannot write " + *file);
    } else {
      out << yaml;
    }
    return kExitOk;
  });
}

}  // namespace sfwarden::daemon
