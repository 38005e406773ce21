// One steady-state poll (poll_cycle.h). The due queries go out together in /composite
// calls of at most 5 queries (REST API Developer Guide, resources_composite_composite:
// "up to 25 subrequests … up to 5 of them query operations"; the whole request counts as
// one API call — WIRE.md §6), then QueryMore for the pages beyond the first, GET /limits,
// and one download per new ApiTotalUsage file.
//
// Cursors: each incremental source moves its cursor to the newest timestamp it saw, never
// back. LoginHistory, SetupAuditTrail and OAuthToken re-read `read_overlap` before the
// cursor, so rows of the overlap come again in the next poll: consumers de-duplicate by Id
// (LoginObservation::id, AuditObservation::id, OAuthTokenObservation::id). Log files are
// read strictly after the cursor and de-duplicated by EventLogFileObservation::id.
#include "collectors/poll_cycle.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <span>

#include "collectors/detail/poll_sources.h"
#include "salesforce/client.h"  // UrlEncode

namespace sfwarden::collectors {
namespace asio = boost::asio;
namespace sf = salesforce;

namespace {
using Clock = std::chrono::steady_clock;

/// Pages read per query in one poll (STYLE.md: a cap on queryMore pages per poll). Rows
/// come oldest first, so a capped source still moves its cursor and continues next poll.
constexpr int kMaxPagesPerQuery = 100;
/// Log files downloaded per poll (one API call each): a day of hourly files. A backlog
/// (first run, an outage) drains over the next polls instead of in one burst.
constexpr std::size_t kMaxLogFilesPerPoll = 24;

/// What a failed call cost: nothing when it was refused locally (budget governor, or the
/// pause after REQUEST_LIMIT_EXCEEDED), else one request.
int CallsOf(const sf::ApiError& error) {
  bool refused = error.http_status == 0 && (error.kind == sf::ErrorKind::kBudget ||
                                            error.kind == sf::ErrorKind::kLimitExceeded);
  return refused ? 0 : 1;
}

Time Now() {
  return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

struct SourceRun {
  std::optional<sf::ApiError> error;
  std::optional<Time> newest;
  Clock::duration elapsed{};
  void Fail(sf::ApiError e) {
    if (!error) error = std::move(e);
  }
  void See(Time t) {
    if (!newest || t > *newest) newest = t;
  }
};

struct QueryJob {
  Source source;
  std::string reference;
  std::string soql;
};

struct MorePages {
  Source source;
  std::string next_records_url;
};

void Advance(std::optional<Time>& cursor, const SourceRun& run) {
  if (run.error || !run.newest) return;
  if (!cursor || *run.newest > *cursor) cursor = run.newest;
}

class PollRun {
 public:
  PollRun(sf::Api& api, const OrgTarget& target, const UserDirectory& users,
          const PollCursors& cursors, const std::vector<Source>& due)
      : api_(api),
        target_(target),
        users_(users),
        cursors_(cursors),
        due_(due.begin(), due.end()),
        watch_(detail::MakeAuditWatch(target, users)) {}

  asio::awaitable<PollResult> Run() {
    for (Source s : due_) runs_[s];
    auto jobs = PlanQueries();
    for (std::size_t i = 0; i < jobs.size(); i += sf::kMaxCompositeQueries) {
      auto n = std::min(sf::kMaxCompositeQueries, jobs.size() - i);
      co_await RunComposite(std::span<const QueryJob>(jobs).subspan(i, n));
    }
    for (auto& more : more_) co_await ReadMore(more);
    if (due_.contains(Source::kLimits)) co_await ReadLimits();
    if (due_.contains(Source::kApiUsageLogs)) co_await DownloadLogFiles();
    co_return Finish();
  }

 private:
  std::vector<QueryJob> PlanQueries() const {
    std::vector<QueryJob> jobs;
    // Without resolved users there is nothing user-bound to ask (and IN () is not SOQL).
    auto chunks = detail::SplitIdList(detail::DirectoryUserIds(users_));
    auto add = [&](Source source, std::size_t n, std::string soql) {
      std::string ref(ToString(source));
      if (n > 0) ref += "_" + std::to_string(n);
      jobs.push_back({source, std::move(ref), std::move(soql)});
    };
    if (due_.contains(Source::kLogins)) {
      for (std::size_t i = 0; i < chunks.size(); ++i) {
        add(Source::kLogins, i, detail::LoginHistorySoql(chunks[i], cursors_.logins, target_));
      }
    }
    if (due_.contains(Source::kAuditTrail)) {
      add(Source::kAuditTrail, 0, detail::AuditTrailSoql(cursors_.audit_trail, target_));
    }
    if (due_.contains(Source::kOAuthTokens)) {
      for (std::size_t i = 0; i < chunks.size(); ++i) {
        add(Source::kOAuthTokens, i,
            detail::OAuthTokenSoql(chunks[i], cursors_.oauth_tokens, target_));
      }
    }
    if (due_.contains(Source::kApiUsageLogs)) {
      add(Source::kApiUsageLogs, 0, detail::EventLogFileSoql(cursors_.event_log_files, target_));
    }
    return jobs;
  }

  std::string QueryUrl(const std::string& soql) const {
    return "/services/data/v" + target_.api_version + "/query?q=" + sf::UrlEncode(soql);
  }

  asio::awaitable<void> RunComposite(std::span<const QueryJob> jobs) {
    sf::CompositeRequest request;
    std::set<Source> sources;
    for (const auto& job : jobs) {
      sf::CompositeSubrequest sub;
      sub.method = "GET";
      sub.url = QueryUrl(job.soql);
      sub.reference_id = job.reference;
      request.subrequests.push_back(std::move(sub));
      sources.insert(job.source);
    }
    auto start = Clock::now();
    auto response = co_await api_.Composite(std::move(request), sf::CallPriority::kOptional);
    for (Source s : sources) runs_[s].elapsed += Clock::now() - start;
    if (!response) {
      calls_ += CallsOf(response.error());
      for (Source s : sources) runs_[s].Fail(response.error());
      co_return;
    }
    ++calls_;
    for (const auto& job : jobs) {
      auto& run = runs_[job.source];
      auto* sub = response->Find(job.reference);
      if (sub == nullptr) {
        run.Fail(sf::MakeError(sf::ErrorKind::kDecode, "no subresponse " + job.reference,
                               "POST composite"));
        continue;
      }
      // Moved out: each subresponse is read once. !ok(): this source's error only.
      auto page = std::move(*sub).AsQueryPage(job.reference);
      if (!page) {
        run.Fail(page.error());
        continue;
      }
      if (!page->done && !page->next_records_url.empty()) {
        more_.push_back({job.source, page->next_records_url});
      }
      Handle(job.source, std::move(*page));
    }
  }

  asio::awaitable<void> ReadMore(const MorePages& more) {
    auto& run = runs_[more.source];
    if (run.error) co_return;  // another chunk of this source failed: its cursor stays anyway
    sf::QueryOptions options;
    options.priority = sf::CallPriority::kOptional;
    options.max_pages = kMaxPagesPerQuery;
    if (more.source == Source::kLogins) {
      // Login pages are large and flat: decoded straight into rows (bench/README.md,
      // figure 4).
      auto fields = detail::LoginHistoryFields();
      options.string_fields.assign(fields.begin(), fields.end());
    }
    int pages = 0;
    auto start = Clock::now();
    auto summary = co_await api_.QueryMore(
        more.next_records_url,
        [&](sf::QueryPage&& page) {
          ++pages;
          Handle(more.source, std::move(page));
          return true;
        },
        options);
    run.elapsed += Clock::now() - start;
    calls_ += pages;
    if (!summary) {
      calls_ += CallsOf(summary.error());
      run.Fail(summary.error());
    }
  }

  void Handle(Source source, sf::QueryPage&& page) {
    auto& run = runs_[source];
    if (source == Source::kLogins) {
      for (auto& row : sf::TakeStringRows(std::move(page), detail::LoginHistoryFields())) {
        if (auto login = detail::DecodeLogin(std::move(row), users_)) {
          run.See(login->time);
          result_.logins.push_back(std::move(*login));
        }
      }
      return;
    }
    for (const auto& record : page.records) {
      switch (source) {
        case Source::kLogins:
          break;  // above
        case Source::kAuditTrail:
          if (auto entry = detail::DecodeAudit(record, watch_)) {
            run.See(entry->time);
            result_.audit.push_back(std::move(*entry));
          }
          break;
        case Source::kOAuthTokens:
          if (auto token = detail::DecodeOAuthToken(record, users_)) {
            run.See(token->created);
            if (token->last_used) run.See(*token->last_used);
            result_.oauth_tokens.push_back(std::move(*token));
          }
          break;
        case Source::kApiUsageLogs:
          // A malformed listing row is skipped: it could never be downloaded, and failing
          // the source for it would hold the cursor back for good.
          if (auto listing = detail::DecodeLogFileListing(record)) {
            listings_.push_back(std::move(*listing));
          }
          break;
        case Source::kLimits:
          break;
      }
    }
  }

  asio::awaitable<void> ReadLimits() {
    auto& run = runs_[Source::kLimits];
    auto start = Clock::now();
    auto limits = co_await api_.GetLimits();
    run.elapsed += Clock::now() - start;
    if (!limits) {
      calls_ += CallsOf(limits.error());
      run.Fail(limits.error());
      co_return;
    }
    ++calls_;
    result_.limits = LimitsObservation{Now(), std::move(*limits)};
  }

  asio::awaitable<void> DownloadLogFiles() {
    auto& run = runs_[Source::kApiUsageLogs];
    if (run.error) co_return;  // the listing failed: the cursor stays
    std::stable_sort(listings_.begin(), listings_.end(), [](const auto& a, const auto& b) {
      return std::tie(a.created, a.info.id) < std::tie(b.created, b.info.id);
    });
    auto start = Clock::now();
    for (std::size_t i = 0; i < listings_.size(); ++i) {
      const auto& listing = listings_[i];
      if (i == kMaxLogFilesPerPoll) {  // the rest next poll
        StopLogFilesBefore(listing);
        break;
      }
      detail::ApiUsageAggregator aggregator(target_, users_, listing);
      auto rows = co_await api_.DownloadEventLogFile(
          listing.info.log_file_path,
          [&](std::vector<std::string>&& row) { return aggregator.Row(std::move(row)); });
      std::optional<sf::ApiError> failed;
      if (!rows) {
        calls_ += CallsOf(rows.error());
        failed = rows.error();
      } else {
        ++calls_;
        failed = aggregator.error();
      }
      if (failed) {
        run.Fail(std::move(*failed));
        StopLogFilesBefore(listing);
        break;
      }
      result_.event_log_files.push_back(std::move(aggregator).Finish());
      log_cursor_ = listing.created;
    }
    run.elapsed += Clock::now() - start;
  }

  /// Files from `next` on are left for the next poll. The cursor may only pass complete
  /// files strictly older than `next`: the next listing asks for CreatedDate > cursor, and
  /// a complete file sharing `next`'s CreatedDate must not push `next` out of it (that
  /// file comes again; consumers drop it by Id).
  void StopLogFilesBefore(const detail::LogFileListing& next) {
    log_cursor_.reset();
    for (const auto& done : result_.event_log_files) {
      if (done.file.created_date < next.created) log_cursor_ = done.file.created_date;
    }
  }

  PollResult Finish() {
    auto by_time = [](const auto& a, const auto& b) {
      return std::tie(a.time, a.id) < std::tie(b.time, b.id);
    };
    // Several IN-list chunks may interleave: restore oldest-first order. One chunk (most
    // orgs) is in order already, and moving 20,000 logins through a merge sort showed in
    // the ingest profile (bench/README.md, figure 4).
    auto restore_order = [&by_time](auto& list) {
      if (!std::is_sorted(list.begin(), list.end(), by_time)) {
        std::stable_sort(list.begin(), list.end(), by_time);
      }
    };
    restore_order(result_.logins);
    restore_order(result_.audit);
    result_.cursors = cursors_;
    for (auto& [source, run] : runs_) {
      result_.outcomes[source] = SourceOutcome{
          run.error, std::chrono::duration_cast<std::chrono::milliseconds>(run.elapsed)};
    }
    auto run_of = [&](Source s) -> const SourceRun& { return runs_[s]; };
    if (due_.contains(Source::kLogins)) Advance(result_.cursors.logins, run_of(Source::kLogins));
    if (due_.contains(Source::kAuditTrail)) {
      Advance(result_.cursors.audit_trail, run_of(Source::kAuditTrail));
    }
    if (due_.contains(Source::kOAuthTokens)) {
      Advance(result_.cursors.oauth_tokens, run_of(Source::kOAuthTokens));
    }
    // Log files: the last complete file, also when a later download failed.
    if (log_cursor_ &&
        (!result_.cursors.event_log_files || *log_cursor_ > *result_.cursors.event_log_files)) {
      result_.cursors.event_log_files = log_cursor_;
    }
    result_.api_calls = calls_;
    return std::move(result_);
  }

  sf::Api& api_;
  const OrgTarget& target_;
  const UserDirectory& users_;
  const PollCursors& cursors_;
  std::set<Source> due_;
  detail::AuditWatch watch_;
  std::map<Source, SourceRun> runs_;
  std::vector<MorePages> more_;
  std::vector<detail::LogFileListing> listings_;
  std::optional<Time> log_cursor_;
  PollResult result_;
  int calls_ = 0;
};

}  // namespace

std::string_view ToString(Source source) {
  switch (source) {
    case Source::kLogins:
      return "logins";
    case Source::kAuditTrail:
      return "audit_trail";
    case Source::kOAuthTokens:
      return "oauth_tokens";
    case Source::kLimits:
      return "limits";
    case Source::kApiUsageLogs:
      return "api_usage_logs";
  }
  return "unknown";
}

bool PollResult::requires_permission_read() const {
  return std::any_of(audit.begin(), audit.end(),
                     [](const AuditObservation& a) { return a.requires_permission_read; });
}

asio::awaitable<PollResult> Poll(salesforce::Api& api, const OrgTarget& target,
                                 const UserDirectory& users, const PollCursors& cursors,
                                 std::vector<Source> due) {
  // `target`, `users` and `cursors` are borrowed: the caller co_awaits the poll and keeps
  // them alive until it completes.
  PollRun run(api, target, users, cursors, due);
  co_return co_await run.Run();
}

}  // namespace sfwarden::collectors
