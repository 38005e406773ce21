// Login-history ingest: rows per second through sfwarden's own path for a stream of
// 2,000-row LoginHistory pages, on one thread:
//   salesforce::Client (HTTP body -> JSON, composite and queryMore pages)
//   -> collectors::Poll (LoginObservation per row, classification)
//   -> StateStore::RecordLogins (SQLite in a temp dir: de-dup, counters, seen IPs and the
//      cursor in one transaction)
//   -> OrgMetrics::Login / SeenIps (the per-user series the daemon serves).
// The pages come from an in-memory transport (login_pages.h), rendered before each timed
// poll. Prints one JSON object; bench/run reads it. Usage:
//   login_ingest_bench [--users N] [--pages-per-poll P] [--polls K] [--runs R]
#include <prometheus/registry.h>
#include <time.h>

#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bench/ingest/login_pages.h"
#include "collectors/poll_cycle.h"
#include "daemon/collector_metrics.h"
#include "daemon/login_records.h"
#include "daemon/state_store.h"
#include "salesforce/client.h"

namespace {
namespace asio = boost::asio;
namespace sf = sfwarden::salesforce;
namespace collectors = sfwarden::collectors;
namespace daemon = sfwarden::daemon;
namespace bench = sfwarden::bench;

struct Options {
  int users = 1000;
  int pages_per_poll = 10;
  int polls = 5;
  int runs = 3;
};

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    int value = std::atoi(argv[i + 1]);
    if (value <= 0) throw std::invalid_argument("bad value for " + std::string(flag));
    if (flag == "--users") {
      o.users = value;
    } else if (flag == "--pages-per-poll") {
      o.pages_per_poll = value;
    } else if (flag == "--polls") {
      o.polls = value;
    } else if (flag == "--runs") {
      o.runs = value;
    } else {
      throw std::invalid_argument("unknown flag " + std::string(flag));
    }
  }
  return o;
}

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// What OrgMonitor::Impl::HandlePoll does with the logins of a poll (daemon/org_monitor.cc,
// "Logins: de-duplicated, counted and the cursor moved in one transaction"), with the same
// conversion (daemon::ToLoginRecords) and the same store and metrics calls.
std::size_t RecordLogins(const collectors::PollResult& result, daemon::StateStore& store,
                         daemon::OrgMetrics& metrics, std::string_view org) {
  auto records = daemon::ToLoginRecords(result.logins);
  std::optional<std::string> cursor;
  if (result.cursors.logins) {
    cursor = std::to_string(result.cursors.logins->time_since_epoch().count());
  }
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  auto fresh = store.RecordLogins(org, records, cursor, now);
  std::size_t taken = 0;
  for (std::size_t i = 0; i < fresh.size(); ++i) {
    if (!fresh[i]) continue;
    ++taken;
    metrics.Login(result.logins[i]);
  }
  if (taken > 0) {
    for (const auto& s : store.SeenIpSummaries(org))
      metrics.SeenIps(s.username, s.ips, s.countries);
  }
  return taken;
}

// One poll of the logins (as OrgMonitor runs it) and the recording of its rows.
asio::awaitable<std::size_t> PollAndRecord(sf::Client& client, const collectors::OrgTarget& target,
                                           const collectors::UserDirectory& users,
                                           collectors::PollCursors& cursors,
                                           daemon::StateStore& store, daemon::OrgMetrics& metrics,
                                           const std::string& org) {
  std::vector<collectors::Source> due = {collectors::Source::kLogins};
  collectors::PollResult result = co_await collectors::Poll(client, target, users, cursors, due);
  auto outcome = result.outcomes.find(collectors::Source::kLogins);
  if (outcome == result.outcomes.end()) throw std::runtime_error("poll failed: no outcome");
  if (outcome->second.error) {
    throw std::runtime_error("poll failed: " + outcome->second.error->ToString());
  }
  cursors = result.cursors;
  co_return RecordLogins(result, store, metrics, org);
}

struct RunResult {
  std::int64_t rows = 0;
  double wall_s = 0;
  double cpu_s = 0;
};

RunResult OneRun(const Options& o, int run) {
  const std::string org = "bench";
  auto dir = std::filesystem::temp_directory_path() /
             ("sfwarden-ingest-bench-" + std::to_string(::getpid()) + "-" + std::to_string(run));
  std::filesystem::remove_all(dir);
  RunResult out;
  {
    auto store = daemon::StateStore::Open(dir);
    prometheus::Registry registry;
    daemon::UserSeries user_series;
    daemon::CollectorFamilies families(registry, user_series);
    collectors::OrgTarget target;
    target.org = org;
    collectors::UserDirectory users;
    std::vector<std::string> usernames;
    for (int u = 0; u < o.users; ++u) {
      target.usernames.push_back(bench::Username(u));
      usernames.push_back(bench::Username(u));
      users.username_by_id[bench::UserId(u)] = bench::Username(u);
    }
    daemon::OrgMetrics metrics(families, org, usernames, *store);

    asio::io_context ioc;
    bench::LoginPagesTransport transport;
    sf::ClientConfig config;
    config.org = org;
    config.auth.flow = sf::AuthConfig::Flow::kClientCredentials;
    config.auth.login_url = "http://127.0.0.1";
    config.auth.client_id = "bench-client";
    config.auth.client_secret = "bench-secret";
    config.budget.max_daily_share = 1.0;
    config.budget.stop_below_remaining = 0.0;
    sf::Client client(ioc, transport, registry, config);

    collectors::PollCursors cursors;
    for (int poll = 0; poll < o.polls; ++poll) {
      const std::int64_t first_row =
          static_cast<std::int64_t>(poll) * o.pages_per_poll * bench::kRowsPerPage;
      transport.SetPages(bench::RenderLoginPages(first_row, o.pages_per_poll, o.users));
      const auto wall0 = std::chrono::steady_clock::now();
      const double cpu0 = CpuSeconds();
      std::size_t taken = 0;
      asio::co_spawn(ioc, PollAndRecord(client, target, users, cursors, *store, metrics, org),
                     [&taken](std::exception_ptr e, std::size_t n) {
                       if (e) std::rethrow_exception(e);
                       taken = n;
                     });
      ioc.run();
      ioc.restart();
      out.cpu_s += CpuSeconds() - cpu0;
      out.wall_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
      const auto expected = static_cast<std::size_t>(o.pages_per_poll) * bench::kRowsPerPage;
      if (taken != expected) {
        throw std::runtime_error("poll " + std::to_string(poll) + " took " + std::to_string(taken) +
                                 " new rows, expected " + std::to_string(expected));
      }
      out.rows += static_cast<std::int64_t>(taken);
    }
  }
  std::filesystem::remove_all(dir);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = Parse(argc, argv);
    std::printf(
        "{\"users\": %d, \"rows_per_page\": %d, \"pages_per_poll\": %d, \"polls\": %d, "
        "\"runs\": [",
        o.users, bench::kRowsPerPage, o.pages_per_poll, o.polls);
    for (int run = 0; run < o.runs; ++run) {
      RunResult r = OneRun(o, run);
      std::printf("%s{\"rows\": %lld, \"wall_s\": %.6f, \"cpu_s\": %.6f}", run ? ", " : "",
                  static_cast<long long>(r.rows), r.wall_s, r.cpu_s);
      std::fflush(stdout);
    }
    std::printf("]}\n");
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "login_ingest_bench: %s\n", e.what());
    return 1;
  }
}
