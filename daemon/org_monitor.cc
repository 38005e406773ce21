#include "daemon/org_monitor.h"

#include <openssl/evp.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <ctime>
#include <deque>
#include <functional>
#include <random>
#include <set>
#include <sstream>

#include "collectors/activity_without_login.h"
#include "collectors/permission_reader.h"
#include "collectors/poll_cycle.h"
#include "daemon/baseline_from_config.h"
#include "daemon/collector_metrics.h"
#include "daemon/collector_target.h"
#include "daemon/login_records.h"
#include "daemon/org_client.h"
#include "daemon/poll_planner.h"
#include "daemon/release_memory.h"
#include "daemon/start_read_limit.h"
#include "daemon/state_store.h"
#include "daemon/state_store_errors.h"
#include "daemon/store_journal.h"
#include "remediation/applier.h"
#include "remediation/drift.h"
#include "remediation/plan.h"
#include "salesforce/client.h"
#include "salesforce/http_transport.h"

namespace sfwarden::daemon {
namespace asio = boost::asio;
namespace sf = sfwarden::salesforce;
using collectors::Source;
using SteadyTime = std::chrono::steady_clock::time_point;

namespace {

// The poll sources, in the order of collectors::Source and PlanSource.
constexpr std::array<Source, 5> kSources = {Source::kLogins, Source::kAuditTrail,
                                            Source::kOAuthTokens, Source::kLimits,
                                            Source::kApiUsageLogs};
constexpr auto kFull = static_cast<std::size_t>(PlanSource::kFullReconcile);
std::size_t Index(Source s) { return static_cast<std::size_t>(s); }

// The store's cursor for each source: the collector's Time as milliseconds since the epoch.
constexpr std::array<const char*, 5> kCursorNames = {"logins", "audit_trail", "oauth_tokens",
                                                     "limits", "api_usage_logs"};
// From when on the org's logins, tokens and usage logs have been read without a gap: the
// "activity without login" rule judges no period whose window reaches back before it.
constexpr const char* kEvidenceSinceCursor = "activity_evidence_since";

std::string FormatCursor(collectors::Time t) {
  return std::to_string(t.time_since_epoch().count());
}
std::optional<collectors::Time> ParseCursor(const std::optional<std::string>& value) {
  if (!value || value->empty()) return std::nullopt;
  try {
    std::size_t used = 0;
    long long ms = std::stoll(*value, &used);
    if (used != value->size()) return std::nullopt;
    return collectors::Time(std::chrono::milliseconds(ms));
  } catch (const std::exception&) {
    return std::nullopt;  // written by something else: start afresh (reads de-duplicate)
  }
}

StoreTime ToStore(collectors::Time t) { return std::chrono::floor<std::chrono::seconds>(t); }
StoreTime StoreNow() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string UtcDay(std::chrono::system_clock::time_point t) {
  std::chrono::year_month_day ymd(std::chrono::floor<std::chrono::days>(t));
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

// Text from Salesforce goes to the log: no control characters (log injection), bounded.
std::string Clean(std::string_view text, std::size_t max = 300) {
  std::string out;
  for (char c : text.substr(0, max)) {
    out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c;
  }
  if (text.size() > max) out += "...";
  return out;
}

std::string IsoTime(StoreTime t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// What a running monitor keeps of its org's config: name, login, auth, budget, schedule,
// timeouts and retention. Its users, permission sets, sharing rules and org-wide defaults
// live on in the monitor's OrgTarget and OrgBaseline, built from them first; a second
// copy cost ~1.7 MB per 1,000-user org (bench/README.md, "Peak memory").
void KeepOnlyConnectionSettings(OrgConfig& org) {
  std::vector<IntegrationUserConfig>().swap(org.integration_users);
  std::vector<std::string>().swap(org.expected_actors);
  org.permission_sets.clear();
  org.sharing_rules.clear();
  org.org_wide_defaults.clear();
}

std::string Join(const std::set<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + Clean(i, 80);
  return out;
}

}  // namespace

struct OrgMonitor::Impl {
  Impl(asio::io_context& io, prometheus::Registry& reg, StateStore& st, CollectorFamilies& fam,
       std::vector<ObservationSink*> s, OrgConfig o, MonitorOptions opt)
      : ioc(io),
        registry(reg),
        store(st),
        families(fam),
        sinks(std::move(s)),
        org(std::move(o)),
        options(opt),
        target(MakeOrgTarget(org)),
        baseline(BaselineFromConfig(org)),
        journal(st),
        timer(io),
        rng(std::random_device{}()),
        store_errors(StateStoreErrors(reg).Add({{"org", org.name}})) {
    plan_input.configured = {org.poll.logins, org.poll.audit_trail,    org.poll.oauth_tokens,
                             org.poll.limits, org.poll.api_usage_logs, org.poll.full_reconcile};
    plan_input.budget = org.api_budget;
    plan = PlanSchedule(plan_input);
    KeepOnlyConnectionSettings(org);
  }

  asio::awaitable<void> Run();
  asio::awaitable<bool> SleepUntil(SteadyTime until);
  asio::awaitable<bool> ReadPermissionsOnce(std::string_view trigger);
  bool Connect();
  void HandlePoll(const collectors::PollResult& result, const std::vector<Source>& due);
  void HandleSnapshot(const collectors::PermissionSnapshot& snapshot, std::string_view trigger);
  asio::awaitable<void> Enforce(const collectors::PermissionSnapshot& snapshot);
  void Reconcile(const collectors::PermissionSnapshot& snapshot);
  void RememberAudit(const std::vector<collectors::AuditObservation>& audit);
  void Replan(SteadyTime now);
  void ReportOutcome(std::string_view source, const std::optional<sf::ApiError>& error,
                     std::chrono::duration<double> duration);
  void RecordToken(const collectors::OAuthTokenObservation& token, bool may_be_issued,
                   NewObservations* fresh);
  void UpdateUserApiCalls();
  void CheckActivityWithoutLogin(const collectors::EventLogFileResult& f, NewObservations& fresh);
  void InternalError(std::string_view where, const std::exception& e);
  void StoreFailed(std::string_view what, const StateStoreError& e);
  void StoreWorks();
  double JitterFactor() {
    std::uniform_real_distribution<double> factor(0.9, 1.1);  // ±10 %
    return factor(rng);
  }
  static std::chrono::milliseconds Scaled(Duration d, double factor) {
    return std::chrono::milliseconds(
        static_cast<std::int64_t>(static_cast<double>(d.count()) * factor));
  }
  std::chrono::milliseconds Jitter(Duration d) { return Scaled(d, JitterFactor()); }
  Duration Interval(std::size_t i) const { return plan.intervals[i]; }

  asio::io_context& ioc;
  prometheus::Registry& registry;
  StateStore& store;
  CollectorFamilies& families;
  std::vector<ObservationSink*> sinks;
  OrgConfig org;  // without its users, sets and rules (KeepOnlyConnectionSettings)
  MonitorOptions options;
  collectors::OrgTarget target;
  remediation::OrgBaseline baseline;  // also the users' names and what they should have
  StoreJournal journal;
  // Setup audit entries of the last hours, newest last: who changed a drifted item.
  std::deque<collectors::AuditObservation> recent_audit;
  int cycles = 0;  // enforcement cycles run, for the journal's cycle ids
  asio::steady_timer timer;
  std::mt19937_64 rng;
  bool stopping = false;
  prometheus::Counter& store_errors;  // kept across restarts of the monitor, like any counter

  std::unique_ptr<OrgMetrics> metrics;  // reset by Stop()
  std::unique_ptr<sf::HttpTransport> transport;
  std::unique_ptr<sf::Client> client;  // borrows transport

  collectors::UserDirectory users;
  collectors::PollCursors cursors;
  PlanInput plan_input;
  Plan plan;
  std::array<SteadyTime, 5> next_due{}, last_run{};
  SteadyTime next_reconcile{}, last_reconcile{};
  SteadyTime next_prune{};
  StoreTime next_retention_prune{};  // on the retention clock (HandlePoll)
  std::map<std::string, std::string, std::less<>> last_error;  // by source, for the log
  bool metrics_published = false;
};

bool MonitorNeedsRestart(const OrgConfig& running, const std::string& running_fingerprint,
                         const OrgConfig& next) {
  return MonitorFingerprint(next) != running_fingerprint ||
         !(next.auth.client_id == running.auth.client_id) ||
         !(next.auth.client_secret == running.auth.client_secret);
}

bool OrgMonitor::Impl::Connect() {
  try {
    sf::ClientConfig config = ClientConfigFor(org);
    auto t = std::make_unique<sf::HttpTransport>(ioc, TransportOptionsFor(org));
    client = std::make_unique<sf::Client>(ioc, *t, registry, std::move(config));
    transport = std::move(t);
    return true;
  } catch (const std::exception& e) {
    client.reset();
    if (metrics) metrics->SourceRead("permissions", false, std::chrono::seconds(0));
    if (last_error["connect"] != e.what()) {
      spdlog::error("org {}: cannot set up the Salesforce client: {}", org.name, e.what());
      last_error["connect"] = e.what();
    }
    return false;
  }
}

asio::awaitable<bool> OrgMonitor::Impl::SleepUntil(SteadyTime until) {
  timer.expires_at(until);
  boost::system::error_code ec;  // operation_aborted: Stop() cancelled the wait
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_return !stopping;
}

asio::awaitable<void> OrgMonitor::Impl::Run() {
  if (stopping) co_return;  // stopped before the coroutine first ran
  for (std::size_t i = 0; i < kSources.size(); ++i) {
    if (kSources[i] == Source::kLimits) continue;
    auto cursor = ParseCursor(store.GetCursor(org.name, kCursorNames[i]));
    switch (kSources[i]) {
      case Source::kLogins:
        cursors.logins = cursor;
        break;
      case Source::kAuditTrail:
        cursors.audit_trail = cursor;
        break;
      case Source::kOAuthTokens:
        cursors.oauth_tokens = cursor;
        break;
      case Source::kApiUsageLogs:
        cursors.event_log_files = cursor;
        break;
      case Source::kLimits:
        break;
    }
  }
  Replan(std::chrono::steady_clock::now());
  UpdateUserApiCalls();

  // Start: the permission state (which also maps user Ids to usernames for the polls),
  // retried with backoff; every source counts as failed until it succeeds.
  for (auto retry = options.retry_min;;) {
    if (stopping) co_return;
    bool ok = false;
    if (client || Connect()) {
      // One of the daemon's few start-read slots, held for the read and what follows it
      // (the snapshot lives until then); not over the backoff wait below.
      StartReadLimit::Slot slot;
      if (options.start_reads) {
        slot = co_await options.start_reads->Enter(this);
        if (stopping) co_return;
      }
      ok = co_await ReadPermissionsOnce("start");
    }
    ReleaseFreedMemory();  // the read's JSON pages and rows, freed by now
    if (stopping) co_return;
    if (ok) break;
    for (Source s : kSources) metrics->SourceRead(collectors::ToString(s), false, {});
    if (!co_await SleepUntil(std::chrono::steady_clock::now() + Jitter(retry))) co_return;
    retry = std::min(retry * 2, options.retry_max);
  }

  auto now = std::chrono::steady_clock::now();
  next_due.fill(now);  // every source right away
  last_reconcile = now;
  next_reconcile = now + Jitter(Interval(kFull));
  std::optional<std::string> read_trigger;
  std::optional<SteadyTime> read_retry_at;
  auto read_retry = options.retry_min;
  while (!stopping) {
    now = std::chrono::steady_clock::now();
    // Sources due within a tenth of their interval ride along: one /composite instead of
    // several calls a few seconds apart.
    std::vector<Source> due;
    for (Source s : kSources) {
      if (next_due[Index(s)] <= now + Interval(Index(s)) / 10) due.push_back(s);
    }
    if (!due.empty()) {
      // One jitter draw for all sources of this poll: sources with equal intervals stay
      // due together, so a steady-state cycle remains one /composite plus /limits. A draw
      // per source let them drift apart into two or three polls (bench/run measured 3-4
      // calls per cycle).
      const double factor = JitterFactor();
      for (Source s : due) {
        last_run[Index(s)] = now;
        next_due[Index(s)] = now + Scaled(Interval(Index(s)), factor);
      }
      std::optional<collectors::PollResult> result;
      try {
        result = co_await collectors::Poll(*client, target, users, cursors, due);
      } catch (const std::exception& e) {
        if (!stopping) InternalError("poll", e);
      }
      if (stopping) co_return;
      if (result) {
        try {
          HandlePoll(*result, due);
          StoreWorks();
        } catch (const StateStoreError& e) {
          // Nothing of this poll counts as read: the in-memory cursors move only after the
          // store took the rows (end of HandlePoll), so once writes work the next poll reads
          // the same rows again and the store de-duplicates them by Id.
          StoreFailed("poll results", e);
          for (Source s : due) metrics->SourceRead(collectors::ToString(s), false, {});
        } catch (const std::exception& e) {
          InternalError("poll results", e);
        }
        if (result->requires_permission_read() && !read_trigger) read_trigger = "audit_trail";
      }
    }

    now = std::chrono::steady_clock::now();
    if (!read_trigger && now >= next_reconcile) read_trigger = "full_reconcile";
    if (read_trigger && (!read_retry_at || now >= *read_retry_at)) {
      bool ok = co_await ReadPermissionsOnce(*read_trigger);
      ReleaseFreedMemory();
      if (stopping) co_return;
      now = std::chrono::steady_clock::now();
      if (ok) {
        read_trigger.reset();
        read_retry_at.reset();
        read_retry = options.retry_min;
        last_reconcile = now;
        next_reconcile = now + Jitter(Interval(kFull));
      } else {
        read_retry_at = now + Jitter(read_retry);
        read_retry = std::min(read_retry * 2, options.retry_max);
      }
    }

    SteadyTime wake = *std::min_element(next_due.begin(), next_due.end());
    wake = std::min(wake, read_trigger && read_retry_at ? *read_retry_at : next_reconcile);
    if (!co_await SleepUntil(wake)) co_return;
  }
}

asio::awaitable<bool> OrgMonitor::Impl::ReadPermissionsOnce(std::string_view trigger) {
  metrics->PermissionRead(trigger);
  auto started = std::chrono::steady_clock::now();
  tl::expected<collectors::PermissionSnapshot, sf::ApiError> snapshot;
  try {
    snapshot = co_await collectors::ReadPermissions(*client, target);
  } catch (const std::exception& e) {
    if (stopping) co_return false;
    InternalError("permission read", e);
    snapshot = tl::unexpected(sf::MakeError(sf::ErrorKind::kDecode, e.what(), "permission read"));
  }
  if (stopping) co_return false;
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  if (!snapshot) {
    ReportOutcome("permissions", snapshot.error(), took);
    co_return false;
  }
  ReportOutcome("permissions", std::nullopt, took);
  try {
    HandleSnapshot(*snapshot, trigger);
  } catch (const StateStoreError& e) {
    StoreFailed("the permission state", e);
    metrics->SourceRead("permissions", false, took);
    co_return false;  // read again (with backoff) once the store takes it
  } catch (const std::exception& e) {
    InternalError("permission results", e);
    co_return false;
  }
  try {
    co_await Enforce(*snapshot);
  } catch (const StateStoreError& e) {
    if (stopping) co_return false;
    // The journal could not take an entry (or its mark): the applier stopped before
    // sending anything unjournaled. Read and enforce again with backoff rather than wait
    // for the next audit entry or full reconcile.
    StoreFailed("the remediation journal", e);
    co_return false;
  } catch (const std::exception& e) {
    if (stopping) co_return false;
    InternalError("enforcement", e);
  }
  StoreWorks();
  co_return !stopping;
}

void OrgMonitor::Impl::RememberAudit(const std::vector<collectors::AuditObservation>& audit) {
  recent_audit.insert(recent_audit.end(), audit.begin(), audit.end());
  // Attribution wants the latest entry about an item; a day and 2,000 entries is plenty.
  const auto cutoff = std::chrono::system_clock::now() - std::chrono::hours(24);
  while (!recent_audit.empty() &&
         (recent_audit.size() > 2000 || recent_audit.front().time < cutoff)) {
    recent_audit.pop_front();
  }
}

// Half-done journal entries (a crash, or a call whose answer was lost) are concluded
// against the read just made: in effect -> done, otherwise failed and re-planned from this
// read. Nothing is resent blindly (remediation::Reconcile).
void OrgMonitor::Impl::Reconcile(const collectors::PermissionSnapshot& snapshot) {
  for (const auto& d : remediation::ReconcileJournal(journal, org.name, snapshot)) {
    spdlog::warn("org {}: journal entry {} was interrupted; concluded {}: {}", org.name, d.id,
                 remediation::ToString(d.state), Clean(d.reason));
  }
}

namespace {

bool IsUserKind(remediation::DriftKind kind) {
  using K = remediation::DriftKind;
  switch (kind) {
    case K::kMissingPermissionSetAssignment:
    case K::kExtraPermissionSetAssignment:
    case K::kMissingPermissionSetGroupAssignment:
    case K::kExtraPermissionSetGroupAssignment:
    case K::kMissingPublicGroupMembership:
    case K::kExtraPublicGroupMembership:
    case K::kProfileMismatch:
    case K::kUserInactive:
    case K::kUserFrozen:
    case K::kUserMissing:
      return true;
    default:
      return false;
  }
}

}  // namespace

// One enforcement cycle on a full read: drift -> plan (bounded, flapping items paused) ->
// in enforce mode the writes, through the journal, and a re-read that confirms them ->
// metrics, log and every sink's OnDrift. In observe mode nothing is written.
asio::awaitable<void> OrgMonitor::Impl::Enforce(const collectors::PermissionSnapshot& snapshot) {
  using remediation::Disposition;
  Reconcile(snapshot);
  const std::vector<collectors::AuditObservation> audit(recent_audit.begin(), recent_audit.end());
  remediation::DriftReport drift = remediation::DetectDrift(baseline, snapshot, audit);

  // Flapping: each time an item that would be put back is found drifted counts, kept in
  // the store (a restart must not reset a pause). The current finding counts too.
  const auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  std::map<std::string, std::vector<collectors::Time>> history;
  for (const auto& [key, times] : store.DriftSeen(org.name)) {
    for (StoreTime t : times) history[key].push_back(collectors::Time(t));
  }
  for (const auto& item : drift.items) {
    if (item.disposition == Disposition::kEnforce) history[item.key].push_back(now);
  }
  const auto paused = remediation::PausedKeys(history, now, baseline.flapping);
  remediation::Plan fix = remediation::BuildPlan(baseline, snapshot, std::move(drift), paused);
  // Remembered: what gets a write now and what stays paused; not drift held back by the
  // circuit breaker (that is one mass change, not someone fighting the daemon).
  std::vector<std::string> seen;
  for (const auto& skip : fix.skipped) {
    if (skip.reason == remediation::SkipReason::kFlapping) seen.push_back(skip.key);
  }
  for (const auto& step : fix.steps) seen.insert(seen.end(), step.fixes.begin(), step.fixes.end());
  store.RecordDriftSeen(org.name, seen, ToStore(now), ToStore(now - baseline.flapping.window));

  std::optional<remediation::ApplyResult> applied;
  std::set<std::string> still_drifted;
  bool confirmed = false;  // the re-read after the writes succeeded
  if (!fix.steps.empty()) {
    const std::string cycle_id = fmt::format("{}-{}", IsoTime(StoreNow()), ++cycles);
    remediation::ApplyOptions apply_options;
    apply_options.cycle_id = cycle_id;
    auto apply = remediation::Apply(*client, fix, journal, std::move(apply_options));
    applied = co_await std::move(apply);
    if (stopping) co_return;
    metrics->ApiCalls("enforce", applied->api_calls);
    // Confirm with a fresh read (the same 2-3 calls as any full read): a write that
    // Salesforce accepted but that did not take effect shows up as failed, not restored.
    metrics->PermissionRead("enforce");
    auto reread = collectors::ReadPermissions(*client, target);
    auto fresh = co_await std::move(reread);
    if (stopping) co_return;
    if (fresh) {
      confirmed = true;
      Reconcile(*fresh);  // entries left `sent` by a lost answer
      for (const auto& item : remediation::DetectDrift(baseline, *fresh, {}).items) {
        still_drifted.insert(item.key);
      }
      HandleSnapshot(*fresh, "enforce");
    } else {
      spdlog::warn("org {}: re-read after enforcing failed: {}", org.name,
                   fresh.error().ToString());
    }
  }

  // What happened to each item.
  std::map<std::string, const remediation::SkippedDrift*> skipped;
  for (const auto& s : fix.skipped) skipped[s.key] = &s;
  std::map<std::string, std::size_t> step_of;
  for (std::size_t i = 0; i < fix.steps.size(); ++i) {
    for (const auto& key : fix.steps[i].fixes) step_of.emplace(key, i);
  }
  DriftCycle cycle{.org = org.name, .read_at = snapshot.read_at};
  std::map<std::pair<std::string, std::string>, int> counts;
  int paused_items = 0;
  for (const auto& item : fix.drift.items) {
    DriftEvent e{.user = IsUserKind(item.kind) ? item.subject : "",
                 .kind = std::string(remediation::ToString(item.kind)),
                 .key = item.key,
                 .subject = item.subject,
                 .item = item.item,
                 .expected = item.expected,
                 .actual = item.actual,
                 .disposition = std::string(remediation::ToString(item.disposition))};
    if (item.changed_by) {
      e.changed_by = item.changed_by->actor_username;
      e.changed_at = item.changed_by->time;
    }
    if (auto s = skipped.find(item.key); s != skipped.end()) {
      switch (s->second->reason) {
        case remediation::SkipReason::kFlapping:
          e.outcome = DriftEvent::Outcome::kPaused;
          ++paused_items;
          break;
        case remediation::SkipReason::kCircuitBreaker:
          e.outcome = DriftEvent::Outcome::kOverBound;
          e.error = fix.circuit_breaker.value_or("");
          break;
        case remediation::SkipReason::kNotFound:
          e.outcome = item.disposition == Disposition::kEnforce ? DriftEvent::Outcome::kFailed
                                                                : DriftEvent::Outcome::kReported;
          e.error = s->second->detail;
          break;
        default:
          break;
      }
    } else if (auto st = step_of.find(item.key); st != step_of.end() && applied) {
      const auto& r = applied->steps[st->second];
      const bool sent = r.outcome == remediation::StepOutcome::kDone ||
                        (r.outcome == remediation::StepOutcome::kOutcomeUnknown && confirmed);
      if (sent && !still_drifted.contains(item.key)) {
        e.outcome = DriftEvent::Outcome::kRestored;
      } else {
        e.outcome = DriftEvent::Outcome::kFailed;
        e.error = r.outcome == remediation::StepOutcome::kDone
                      ? "still drifted after the write"
                      : std::string(remediation::ToString(r.outcome)) +
                            (r.detail.empty() ? "" : ": " + r.detail);
      }
    }
    // The gauge shows what is still drifted after this cycle: a restored item counts 0
    // (its series is created, so a dashboard sees the kind go back to 0).
    counts[{e.user, e.kind}] += e.outcome == DriftEvent::Outcome::kRestored ? 0 : 1;
    auto level =
        e.outcome == DriftEvent::Outcome::kRestored ? spdlog::level::info : spdlog::level::warn;
    spdlog::log(level, "org {}: drift {} {}: expected {}, found {}{}; {}{}", org.name, e.kind,
                Clean(e.subject + (e.item.empty() ? "" : "/" + e.item), 200),
                Clean(e.expected, 120), Clean(e.actual, 120),
                e.changed_by.empty() ? "" : " (changed by " + Clean(e.changed_by, 120) + ")",
                ToString(e.outcome), e.error.empty() ? "" : ": " + Clean(e.error));
    cycle.items.push_back(std::move(e));
  }
  if (applied) {
    for (std::size_t i = 0; i < fix.steps.size(); ++i) {
      const auto& step = fix.steps[i];
      if (applied->steps[i].outcome == remediation::StepOutcome::kNotSent || step.fixes.empty()) {
        continue;
      }
      const std::string& key = step.fixes.front();
      std::string kind = key.substr(0, key.find('/'));
      for (const auto& item : fix.drift.items) {
        if (item.key == key) kind = std::string(remediation::ToString(item.kind));
      }
      metrics->Remediation(kind, remediation::ToString(applied->steps[i].outcome));
    }
    if (applied->stopped) {
      spdlog::warn("org {}: enforcement stopped: {}", org.name, Clean(*applied->stopped));
    }
  }
  if (fix.circuit_breaker) {
    spdlog::warn("org {}: nothing applied: {}", org.name, Clean(*fix.circuit_breaker));
  }
  metrics->Drift(counts);
  metrics->Enforcement(paused_items,
                       static_cast<std::int64_t>(store.PendingJournal(org.name).size()));
  for (ObservationSink* sink : sinks) {
    try {
      sink->OnDrift(cycle);
    } catch (const std::exception& e) {
      InternalError("observation sink", e);
    }
  }
}

void OrgMonitor::Impl::ReportOutcome(std::string_view source,
                                     const std::optional<sf::ApiError>& error,
                                     std::chrono::duration<double> duration) {
  metrics->SourceRead(source, !error, duration);
  auto& last = last_error[std::string(source)];
  if (error) {
    // Once per distinct error, not once per poll: a failing org must not flood the log.
    std::string text = error->ToString();
    if (text != last) spdlog::warn("org {}: reading {} failed: {}", org.name, source, text);
    last = std::move(text);
  } else if (!last.empty()) {
    spdlog::info("org {}: reading {} works again", org.name, source);
    last.clear();
  }
}

void OrgMonitor::Impl::HandlePoll(const collectors::PollResult& result,
                                  const std::vector<Source>& due) {
  const StoreTime now = StoreNow();
  auto ok = [&](Source s) {
    auto it = result.outcomes.find(s);
    return it != result.outcomes.end() && !it->second.error;
  };
  auto was_due = [&](Source s) { return std::find(due.begin(), due.end(), s) != due.end(); };
  NewObservations fresh;
  fresh.org = org.name;

  // Logins: de-duplicated, counted and the cursor moved in one transaction.
  if (was_due(Source::kLogins)) {
    auto records = ToLoginRecords(result.logins);
    std::optional<std::string> cursor;
    if (ok(Source::kLogins) && result.cursors.logins) cursor = FormatCursor(*result.cursors.logins);
    auto flags = store.RecordLogins(org.name, records, cursor, now);
    if (ok(Source::kLogins) && !store.GetCursor(org.name, kEvidenceSinceCursor)) {
      // The first read covers LAST_N_DAYS:n, which starts at 00:00 UTC n days before
      // today (SOQL and SOSL Reference, Date Formats and Date Literals).
      auto day = std::chrono::floor<std::chrono::days>(now);
      store.SetCursor(
          org.name, kEvidenceSinceCursor,
          FormatCursor(collectors::Time(day - std::chrono::days(target.initial_lookback_days))));
    }
    bool any = false;
    for (std::size_t i = 0; i < flags.size(); ++i) {
      if (!flags[i]) continue;
      any = true;
      metrics->Login(result.logins[i]);
      fresh.logins.push_back(result.logins[i]);
    }
    if (any) {
      for (const auto& s : store.SeenIpSummaries(org.name)) {
        metrics->SeenIps(s.username, s.ips, s.countries);
      }
    }
  }

  // Setup audit trail: de-duplicated by Id with the cursor move.
  if (was_due(Source::kAuditTrail)) {
    std::vector<std::string> ids;
    for (const auto& a : result.audit) ids.push_back(a.id);
    std::optional<std::string> cursor;
    if (ok(Source::kAuditTrail) && result.cursors.audit_trail) {
      cursor = FormatCursor(*result.cursors.audit_trail);
    }
    auto flags = store.RecordSeenRecords(org.name, "audit_trail", ids, now, cursor);
    for (std::size_t i = 0; i < flags.size(); ++i) {
      if (!flags[i]) continue;
      const auto& a = result.audit[i];
      bool watched = !a.concerns.empty();
      metrics->AuditEntry(a.section, watched);
      fresh.audit.push_back(a);
      auto level = watched ? spdlog::level::info : spdlog::level::debug;
      spdlog::log(level,
                  "org {}: audit: {} by {} ({}): {} [section {}; users {}; permission sets {}; "
                  "groups {}; objects {}{}]",
                  org.name, Clean(a.action, 80),
                  a.actor_username.empty() ? Clean(a.actor_id, 40) : Clean(a.actor_username, 120),
                  Clean(a.delegate_user.empty() ? "no delegate" : "as " + a.delegate_user, 120),
                  Clean(a.display), Clean(a.section, 80), Join(a.concerns.usernames),
                  Join(a.concerns.permission_sets), Join(a.concerns.groups),
                  Join(a.concerns.objects),
                  a.requires_permission_read ? "; permission re-read" : "");
    }
  }

  RememberAudit(fresh.audit);

  // OAuth tokens: remembered; one first seen after a previous read is newly issued.
  if (was_due(Source::kOAuthTokens)) {
    bool may_be_issued =
        cursors.oauth_tokens.has_value() || store.GetCursor(org.name, "permissions").has_value();
    for (const auto& t : result.oauth_tokens) RecordToken(t, may_be_issued, &fresh);
    if (ok(Source::kOAuthTokens) && result.cursors.oauth_tokens) {
      store.SetCursor(org.name, "oauth_tokens", FormatCursor(*result.cursors.oauth_tokens));
    }
  }

  // /limits: gauges, and the allowance the budget planner works with.
  if (result.limits) {
    metrics->Limits(result.limits->limits);
    if (auto it = result.limits->limits.find("DailyApiRequests");
        it != result.limits->limits.end()) {
      plan_input.daily_max = it->second.value.max;
      plan_input.remaining = it->second.value.remaining;
      Replan(std::chrono::steady_clock::now());
    }
    fresh.limits = result.limits;
  }

  // ApiTotalUsage: each file taken once, with its cursor, in one transaction.
  if (was_due(Source::kApiUsageLogs)) {
    for (const auto& f : result.event_log_files) {
      std::vector<ApiUsageRow> rows;
      for (const auto& u : f.usage) {
        rows.push_back(
            {.username = u.username, .connected_app = u.connected_app, .calls = u.calls});
      }
      ApiUsageFile file{.id = f.file.id,
                        .hourly = f.file.interval == "Hourly",
                        .period_start = ToStore(f.file.log_date)};
      if (store.RecordApiUsageFile(org.name, file, rows, FormatCursor(f.file.created_date), now)) {
        metrics->LogFileTaken(f.file.interval);
        fresh.api_usage.insert(fresh.api_usage.end(), f.usage.begin(), f.usage.end());
        CheckActivityWithoutLogin(f, fresh);
      }
    }
    if (ok(Source::kApiUsageLogs) && result.cursors.event_log_files) {
      store.SetCursor(org.name, "api_usage_logs", FormatCursor(*result.cursors.event_log_files));
    }
    store.PruneApiUsage(org.name,
                        std::chrono::floor<std::chrono::seconds>(now - org.api_usage_retention));
  }
  UpdateUserApiCalls();  // also rolls "today" over at midnight UTC

  if (auto steady = std::chrono::steady_clock::now(); steady >= next_prune) {
    store.PruneSeenRecords(now - options.seen_record_retention);
    next_prune = steady + std::chrono::hours(1);
  }
  // Seen IPs and finished journal entries, about hourly on the retention clock: the later
  // of the host clock and the org's own (the newest LoginTime or audit CreatedDate read).
  // Seen-IP times are the org's LoginTimes, so a host clock set back cannot keep them
  // forever; and sfsim's virtual clock (bench/soak) reaches the retention only this way.
  StoreTime retention_now = now;
  for (const auto& t : {result.cursors.logins, result.cursors.audit_trail}) {
    if (t) retention_now = std::max(retention_now, ToStore(*t));
  }
  if (retention_now >= next_retention_prune) {
    auto cutoff = [&](Duration keep) {
      return std::chrono::floor<std::chrono::seconds>(retention_now - keep);
    };
    auto ips = store.PruneSeenIps(org.name, cutoff(org.seen_ip_retention));
    auto entries = store.PruneJournal(org.name, cutoff(org.journal_retention));
    if (ips + entries > 0) {
      spdlog::debug("org {}: retention: forgot {} seen IPs and {} journal entries", org.name, ips,
                    entries);
    }
    next_retention_prune = retention_now + std::chrono::hours(1);
  }

  for (Source s : due) {
    auto it = result.outcomes.find(s);
    if (it == result.outcomes.end()) continue;
    ReportOutcome(collectors::ToString(s), it->second.error, it->second.duration);
  }
  cursors = result.cursors;
  metrics->ApiCalls("poll", result.api_calls);

  if (fresh.logins.empty() && fresh.audit.empty() && fresh.issued_tokens.empty() && !fresh.limits &&
      fresh.api_usage.empty() && fresh.activity_without_login.empty()) {
    return;
  }
  for (ObservationSink* sink : sinks) {
    try {
      sink->OnObservations(fresh);
    } catch (const std::exception& e) {
      InternalError("observation sink", e);
    }
  }
}

void OrgMonitor::Impl::RecordToken(const collectors::OAuthTokenObservation& t, bool may_be_issued,
                                   NewObservations* fresh) {
  OAuthTokenRecord record{.id = t.id,
                          .username = t.username,
                          .app_name = t.app_name,
                          .created = ToStore(t.created),
                          .use_count = t.use_count};
  if (t.last_used) record.last_used = ToStore(*t.last_used);
  if (!store.RecordOAuthToken(org.name, record, StoreNow()) || !may_be_issued) return;
  metrics->OAuthTokenIssued(t.username);
  spdlog::info("org {}: new OAuth token for {} (app {}, created {})", org.name,
               Clean(t.username, 120), Clean(t.app_name, 120), IsoTime(ToStore(t.created)));
  if (fresh) fresh->issued_tokens.push_back(t);
}

void OrgMonitor::Impl::HandleSnapshot(const collectors::PermissionSnapshot& snapshot,
                                      std::string_view trigger) {
  users = collectors::UserDirectory::From(snapshot);
  metrics->ApiCalls("permission_read", snapshot.api_calls);

  // Expected but missing: what the baseline names that the user does not have. The drift
  // engine will say what exactly; this is the count for dashboards.
  std::map<std::string, std::int64_t> missing;
  for (const auto& b : baseline.users) {
    auto it = snapshot.users.find(b.username);
    if (it == snapshot.users.end() || !it->second.found) {
      missing[b.username] = static_cast<std::int64_t>(
          b.permission_sets.size() + b.permission_set_groups.size() + b.public_groups.size());
      continue;
    }
    const auto& state = it->second;
    std::int64_t n = 0;
    auto assigned = [&](const std::string& name, bool group) {
      return std::any_of(state.assignments.begin(), state.assignments.end(), [&](const auto& a) {
        return group ? a.permission_set_group == name : a.permission_set == name;
      });
    };
    for (const auto& s : b.permission_sets) n += assigned(s, false) ? 0 : 1;
    for (const auto& g : b.permission_set_groups) n += assigned(g, true) ? 0 : 1;
    for (const auto& g : b.public_groups) {
      n += std::count(state.public_groups.begin(), state.public_groups.end(), g) ? 0 : 1;
    }
    missing[b.username] = n;
  }
  metrics->Permissions(snapshot, missing);

  // OAuth tokens: the full list. At the very first read every token is simply known.
  bool may_be_issued = store.GetCursor(org.name, "permissions").has_value();
  std::map<std::string, std::int64_t> tokens;
  for (const auto& [id, t] : snapshot.oauth_tokens) {
    ++tokens[t.username];
    RecordToken(t, may_be_issued, nullptr);
  }
  for (const auto& u : baseline.users) metrics->OAuthTokens(u.username, tokens[u.username]);
  store.SetCursor(org.name, "permissions", FormatCursor(snapshot.read_at));

  plan_input.calls_per_read[kFull] = std::max(1, snapshot.api_calls);
  Replan(std::chrono::steady_clock::now());
  spdlog::info(
      "org {}: permission state read ({}; {} API call(s)): {} user(s), {} permission "
      "set(s), {} group(s)",
      org.name, trigger, snapshot.api_calls, snapshot.users.size(), snapshot.permission_sets.size(),
      snapshot.public_groups.size());
  for (ObservationSink* sink : sinks) {
    try {
      sink->OnPermissions(org.name, snapshot);
    } catch (const std::exception& e) {
      InternalError("observation sink", e);
    }
  }
}

void OrgMonitor::Impl::Replan(SteadyTime now) {
  Plan next = PlanSchedule(plan_input);
  bool changed = next.intervals != plan.intervals || next.reason != plan.reason;
  bool first = !metrics_published;
  plan = std::move(next);
  for (std::size_t i = 0; i < kPlanSources; ++i) {
    metrics->PollInterval(ToString(static_cast<PlanSource>(i)),
                          std::chrono::duration<double>(plan.intervals[i]));
  }
  metrics->Budget(plan.budget_calls_per_day, plan.planned_calls_per_day);
  metrics_published = true;
  if (!changed) return;
  // Once per change: the new intervals apply from each source's last read.
  if (plan.stretched()) {
    spdlog::warn("org {}: stretching poll intervals, {}", org.name, plan.Describe(plan_input));
  } else if (!first) {
    spdlog::info("org {}: poll intervals back to the configured ones, {}", org.name,
                 plan.Describe(plan_input));
  }
  if (last_reconcile != SteadyTime{}) {
    const double factor = JitterFactor();  // one draw, as in Run(): keeps polls together
    for (Source s : kSources) {
      if (last_run[Index(s)] != SteadyTime{}) {
        next_due[Index(s)] = last_run[Index(s)] + Scaled(Interval(Index(s)), factor);
      }
    }
    next_reconcile = last_reconcile + Jitter(Interval(kFull));
  }
  (void)now;
}

void OrgMonitor::Impl::UpdateUserApiCalls() {
  auto now = std::chrono::system_clock::now();
  metrics->UserApiCalls(store.ApiCallsByUser(org.name, UtcDay(now)),
                        store.ApiCallsByUser(org.name, UtcDay(now - std::chrono::hours(24))));
  if (auto hour = store.LatestHourApiCalls(org.name)) {
    metrics->UserApiCallsLatestHour(hour->hour, hour->calls);
  }
}

// The rule of collectors/activity_without_login.h, for each user with calls in a log file
// just taken (the file's own rows are already stored; LastApiActivityBefore sees only
// periods that ended by the file's start). A later file of the same hour is judged again:
// the counter counts files, not hours.
void OrgMonitor::Impl::CheckActivityWithoutLogin(const collectors::EventLogFileResult& f,
                                                 NewObservations& fresh) {
  auto since = ParseCursor(store.GetCursor(org.name, kEvidenceSinceCursor));
  if (!since) return;  // logins not read yet: nothing can be judged
  std::map<std::string, std::int64_t> calls;
  for (const auto& u : f.usage) calls[u.username] += u.calls + u.calls_not_counted;
  auto logins = store.LastSuccessfulLogins(org.name);
  auto tokens = store.LastOAuthTokenUses(org.name);
  const collectors::Time start = f.file.log_date;
  for (const auto& [user, n] : calls) {
    if (n <= 0) continue;
    collectors::SessionEvidence evidence;
    if (auto it = logins.find(user); it != logins.end()) {
      evidence.last_login = collectors::Time(std::chrono::milliseconds(it->second));
    }
    if (auto it = tokens.find(user); it != tokens.end()) evidence.last_token_use = it->second;
    if (auto a = store.LastApiActivityBefore(org.name, user, ToStore(start))) {
      evidence.last_activity = *a;
    }
    if (collectors::JudgeActivity(start, evidence, *since) !=
        collectors::ActivityVerdict::kWithoutLogin) {
      continue;
    }
    collectors::ActivityWithoutLoginObservation o{
        .username = user,
        .log_file_id = f.file.id,
        .interval = f.file.interval,
        .period_start = start,
        .period_end = collectors::PeriodEnd(f.file.interval, start),
        .calls = n,
        .last_login = evidence.last_login,
        .last_token_use = evidence.last_token_use,
        .last_activity = evidence.last_activity};
    metrics->ActivityWithoutLogin(user);
    spdlog::warn(
        "org {}: {} made {} API call(s) in {} ({} log) with no login, OAuth token use or "
        "earlier activity within {} h before; last login {}",
        org.name, Clean(user, 120), n, IsoTime(ToStore(start)), Clean(f.file.interval, 10),
        collectors::kSessionWindow.count(),
        evidence.last_login ? IsoTime(ToStore(*evidence.last_login)) : "never seen");
    fresh.activity_without_login.push_back(std::move(o));
  }
}

void OrgMonitor::Impl::StoreFailed(std::string_view what, const StateStoreError& e) {
  store_errors.Increment();
  // Once per distinct error (it names the database, errno and statement): a full disk
  // must not flood the log it may share.
  auto& last = last_error["state_store"];
  if (last != e.what()) {
    spdlog::error("org {}: could not save {} to the state store, will read it again: {}", org.name,
                  what, e.what());
  }
  last = e.what();
}

void OrgMonitor::Impl::StoreWorks() {
  auto it = last_error.find("state_store");
  if (it == last_error.end() || it->second.empty()) return;
  spdlog::info("org {}: the state store takes writes again", org.name);
  it->second.clear();
}

void OrgMonitor::Impl::InternalError(std::string_view where, const std::exception& e) {
  spdlog::error("org {}: internal error in {}: {}", org.name, where, e.what());
  families.internal_errors.Add({{"component", "org_monitor"}}).Increment();
}

OrgMonitor::OrgMonitor(asio::io_context& ioc, prometheus::Registry& registry, StateStore& store,
                       CollectorFamilies& families, std::vector<ObservationSink*> sinks,
                       OrgConfig org, MonitorOptions options)
    : impl_(std::make_unique<Impl>(ioc, registry, store, families, std::move(sinks), std::move(org),
                                   options)) {
  std::vector<std::string> usernames;
  for (const auto& u : impl_->baseline.users) usernames.push_back(u.username);
  impl_->metrics =
      std::make_unique<OrgMetrics>(families, impl_->org.name, std::move(usernames), store);
}

OrgMonitor::~OrgMonitor() = default;

void OrgMonitor::Start(std::function<void()> on_done) {
  Impl* impl = impl_.get();
  asio::co_spawn(impl->ioc, impl->Run(),
                 [impl, on_done = std::move(on_done)](std::exception_ptr e) {
                   if (e) {
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       impl->InternalError("monitor", ex);
                     }
                   }
                   if (on_done) on_done();
                 });
}

void OrgMonitor::Stop() {
  if (impl_->stopping) return;
  impl_->stopping = true;
  impl_->timer.cancel();
  if (impl_->options.start_reads) impl_->options.start_reads->Cancel(impl_.get());
  impl_->metrics.reset();  // the coroutine checks `stopping` before touching them again
  // A request in flight ends now (kCancelled) instead of holding the stop until the
  // backstop. A write cut off after it was sent stays journaled as `sent` and is
  // concluded against the next permission read, never resent blindly.
  if (impl_->transport) impl_->transport->CancelAll();
}

const OrgConfig& OrgMonitor::config() const { return impl_->org; }

std::string MonitorFingerprint(const OrgConfig& org) {
  std::hash<std::string> hash;
  std::string key;
  if (org.auth.flow == AuthFlow::kJwtBearer) {
    try {
      key = ReadKeyFile(org.auth.private_key_file);
    } catch (const std::exception&) {
      key = "unreadable";
    }
  }
  auto target = MakeOrgTarget(org);
  std::ostringstream out;
  out << org.name << '|' << org.login_url << '|' << org.api_version << '|'
      << org.request_timeout.count() << '|' << static_cast<int>(org.auth.flow) << '|'
      << org.auth.username << '|' << org.auth.private_key_file.string() << '|' << hash(key) << '|'
      << org.auth.audience << '|' << org.api_budget.max_daily_share << '|'
      << org.api_budget.stop_below_remaining << '|' << org.poll.logins.count() << ','
      << org.poll.audit_trail.count() << ',' << org.poll.oauth_tokens.count() << ','
      << org.poll.limits.count() << ',' << org.poll.api_usage_logs.count() << ','
      << org.poll.full_reconcile.count() << '|' << org.api_usage_retention.count() << ','
      << org.seen_ip_retention.count() << ',' << org.journal_retention.count() << '|';
  for (const auto& u : org.integration_users) {
    out << u.username << ':';
    for (const auto& s : u.baseline.permission_sets) out << s << ',';
    out << ':';
    for (const auto& s : u.baseline.permission_set_groups) out << s << ',';
    out << ':';
    for (const auto& s : u.baseline.public_groups) out << s << ',';
    out << ';';
  }
  out << '|';
  for (const auto& [set, system] : target.permission_sets) {
    out << set << ':';
    for (const auto& p : system) out << p << ',';
    out << ';';
  }
  out << '|';
  for (const auto& g : target.public_groups) out << g << ',';
  out << '|';
  for (const auto& o : target.sharing_rule_objects) out << o << ',';
  out << '|';
  for (const auto& o : target.org_wide_default_objects) out << o << ',';
  // What enforcement holds the org to (the monitor keeps the baseline it started with).
  out << '|' << ToString(org.mode) << ',' << org.enforcement.max_changes_per_cycle << ','
      << org.enforcement.flapping.window.count() << ',' << org.enforcement.flapping.threshold;
  for (EnforceKind k : org.enforcement.enforce) out << ',' << ToString(k);
  for (const auto& u : org.integration_users) {
    out << '|' << ToString(u.mode) << u.baseline.profile.value_or("*")
        << u.baseline.exclusive_permission_sets << u.baseline.exclusive_public_groups;
  }
  for (const auto& [name, set] : org.permission_sets) {
    out << '|' << name;
    for (const auto& [p, on] : set.system) out << ',' << p << on;
    for (const auto& [o, a] : set.objects) {
      out << ',' << o << a.read << a.create << a.edit << a.del << a.view_all << a.modify_all
          << a.view_all_fields;
    }
    for (const auto& [f, a] : set.fields) out << ',' << f << a.read << a.edit;
  }
  OrgConfig rules_only;
  rules_only.sharing_rules = org.sharing_rules;
  for (const auto& [object, rules] : BaselineFromConfig(rules_only).sharing_rules) {
    for (const auto& rule : rules) {
      out << '|' << object << '.' << rule.full_name << ':' << remediation::Describe(rule) << ','
          << rule.label << ',' << rule.boolean_filter;
    }
  }
  for (const auto& [object, model] : org.org_wide_defaults) out << '|' << object << ToString(model);
  // Kept for every running monitor: its SHA-256, not the text (hundreds of KB at 1,000
  // users).
  const std::string text = out.str();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 of the monitor fingerprint failed");
  }
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::string_view ToString(DriftEvent::Outcome outcome) {
  switch (outcome) {
    case DriftEvent::Outcome::kReported:
      return "reported";
    case DriftEvent::Outcome::kRestored:
      return "restored";
    case DriftEvent::Outcome::kFailed:
      return "failed";
    case DriftEvent::Outcome::kPaused:
      return "paused";
    case DriftEvent::Outcome::kOverBound:
      return "over_bound";
  }
  return "unknown";
}

}  // namespace sfwarden::daemon
