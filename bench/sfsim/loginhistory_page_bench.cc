// How long sfsim takes to serve a 2,000-row LoginHistory page (issue 3: "well under 50 ms
// on loopback"). Starts the sfsim binary with a generated org, records kLogins logins
// through the control API, then times REST query pages over one keep-alive loopback
// connection. The *InProcess benchmarks call Sim::Handle directly (no sockets), which
// separates the simulator's own work from HTTP and makes profiling with callgrind easy.
// Each benchmark reports p50/p95/max of its iterations in ms as counters.
// Usage: see bench/sfsim/README.md.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "salesforce/client.h"
#include "sim/generator.h"
#include "sim/org_file.h"
#include "sim/sim.h"

namespace {
using nlohmann::json;

constexpr int kLogins = 10'000;
constexpr int kIntegrations = 100;  // GeneratorOptions defaults: 100 integrations, 1000 humans
// The fields a login collector reads, filtered and ordered the way incremental polls are.
constexpr const char* kSoql =
    "SELECT Id, UserId, LoginTime, LoginType, SourceIp, Status, Application, CountryIso, "
    "LoginUrl, ApiType, Platform FROM LoginHistory WHERE LoginTime >= 2024-01-01T00:00:00Z "
    "ORDER BY LoginTime ASC";

std::string QueryTarget() { return "/services/data/v60.0/query?q=" + sfwarden::salesforce::UrlEncode(kSoql); }

// "2024-01-01T00:00:00Z" + i * 37 s: 10,000 logins spread over ~4 days.
std::string LoginTime(int i) {
  long s = 37L * i;
  char buf[32];
  std::snprintf(buf, sizeof buf, "2024-01-%02ldT%02ld:%02ld:%02ldZ", 1 + s / 86400, s / 3600 % 24,
                s / 60 % 60, s % 60);
  return buf;
}

json LoginBody(int i) {
  return {{"username", "integration" + std::to_string(1 + i % kIntegrations) + "@bench.example"},
          {"time", LoginTime(i)},
          {"source_ip", "203.0.113." + std::to_string(i % 250)},
          {"application", "bench"},
          {"country_iso", "US"}};
}

struct HttpReply {
  int status = 0;
  std::string body;
};

/// One blocking HTTP/1.1 keep-alive connection to 127.0.0.1:port; enough for sfsim,
/// which always answers with Content-Length.
class Connection {
 public:
  explicit Connection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("cannot connect to sfsim");
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~Connection() { ::close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  HttpReply Send(const std::string& method, const std::string& target, const std::string& body,
                 const std::string& extra_headers = "") {
    std::string req =
        method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers +
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body;
    for (size_t sent = 0; sent < req.size();) {
      ssize_t n = ::send(fd_, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed");
      sent += static_cast<size_t>(n);
    }
    size_t head_end;
    while ((head_end = buf_.find("\r\n\r\n")) == std::string::npos) Fill();
    HttpReply reply;
    reply.status = std::atoi(buf_.c_str() + 9);  // "HTTP/1.1 200 OK"
    std::string head = buf_.substr(0, head_end);
    for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto cl = head.find("\r\ncontent-length:");
    if (cl == std::string::npos) throw std::runtime_error("reply without Content-Length");
    size_t length = std::strtoul(head.c_str() + cl + 17, nullptr, 10);
    while (buf_.size() < head_end + 4 + length) Fill();
    reply.body = buf_.substr(head_end + 4, length);
    buf_.erase(0, head_end + 4 + length);
    return reply;
  }

 private:
  void Fill() {
    char chunk[64 * 1024];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) throw std::runtime_error("connection closed by sfsim");
    buf_.append(chunk, static_cast<size_t>(n));
  }
  int fd_ = -1;
  std::string buf_;
};

/// The sfsim binary as a child process, stopped with SIGTERM at exit.
class SfsimProcess {
 public:
  SfsimProcess() {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::close(out[0]);
      ::close(out[1]);
      std::string n = std::to_string(kIntegrations);
      ::execl(SFSIM_BINARY, "sfsim", "--generate", n.c_str(), "--listen", "127.0.0.1:0",
              static_cast<char*>(nullptr));
      std::perror("exec sfsim");
      std::_Exit(127);
    }
    ::close(out[1]);
    std::string line;
    char c;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(out[0]);
    auto colon = line.rfind(':');
    if (line.rfind("sfsim listening on ", 0) != 0 || colon == std::string::npos)
      throw std::runtime_error("sfsim did not start: '" + line + "'");
    port_ = std::atoi(line.c_str() + colon + 1);
  }
  ~SfsimProcess() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  int port() const { return port_; }
  /// CPU time sfsim has used so far, in ms (ns resolution: /proc/PID/schedstat's first
  /// field; sfsim serves on one thread). Independent of how busy the machine is.
  double CpuMs() const {
    std::string path = "/proc/" + std::to_string(pid_) + "/schedstat";
    FILE* f = std::fopen(path.c_str(), "r");
    unsigned long long ns = 0;
    if (f != nullptr) {
      if (std::fscanf(f, "%llu", &ns) != 1) ns = 0;
      std::fclose(f);
    }
    return static_cast<double>(ns) / 1e6;
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

void Require(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error(what);
}

// Checks a page: the right total and a full 2,000-record batch.
void CheckPage(const std::string& body) {
  json page = json::parse(body);
  Require(page["totalSize"] == kLogins, "unexpected totalSize: " + body.substr(0, 200));
  Require(page["records"].size() == 2000, "page is not 2000 records");
}

/// The loopback fixture, built once: sfsim, 10,000 logins, a token, an open cursor.
struct Loopback {
  SfsimProcess sfsim;
  Connection conn{sfsim.port()};
  std::string auth;
  std::string next_url;

  Loopback() {
    for (int i = 0; i < kLogins; ++i) {
      auto r = conn.Send("POST", "/__sim/logins", LoginBody(i).dump());
      Require(r.status == 200, "POST /__sim/logins: " + r.body);
    }
    auto t = conn.Send("POST", "/__sim/tokens", R"({"username":"admin@bench.example"})");
    Require(t.status == 200, "POST /__sim/tokens: " + t.body);
    auth = "Authorization: Bearer " + json::parse(t.body)["access_token"].get<std::string>() +
           "\r\nSforce-Query-Options: batchSize=2000\r\n";
    OpenCursor();
  }
  void OpenCursor() {
    auto first = conn.Send("GET", QueryTarget(), "", auth);
    Require(first.status == 200, "query: " + first.body);
    CheckPage(first.body);
    next_url = json::parse(first.body)["nextRecordsUrl"];
  }
  static Loopback& Get() {
    static Loopback instance;
    return instance;
  }
};

/// The same org in-process, driven through Sim::Handle.
struct InProcess {
  std::unique_ptr<sfwarden::sim::Sim> sim;
  std::string token;
  std::string next_url;

  sfwarden::sim::Response Call(const std::string& method, const std::string& target,
                               const std::string& body = "") {
    sfwarden::sim::Request r;
    r.method = method;
    r.target = target;
    r.body = body;
    if (!token.empty()) {
      r.headers["authorization"] = "Bearer " + token;
      r.headers["sforce-query-options"] = "batchSize=2000";
    }
    return sim->Handle(r);
  }
  InProcess() {
    sfwarden::sim::GeneratorOptions options;
    options.integrations = kIntegrations;
    sim = std::make_unique<sfwarden::sim::Sim>(
        sfwarden::sim::LoadOrgText(sfwarden::sim::GenerateOrgYaml(options)));
    for (int i = 0; i < kLogins; ++i) {
      auto r = Call("POST", "/__sim/logins", LoginBody(i).dump());
      Require(r.status == 200, "POST /__sim/logins: " + r.body);
    }
    auto t = Call("POST", "/__sim/tokens", R"({"username":"admin@bench.example"})");
    Require(t.status == 200, "POST /__sim/tokens: " + t.body);
    token = json::parse(t.body)["access_token"];
    OpenCursor();
  }
  void OpenCursor() {
    auto first = Call("GET", QueryTarget());
    Require(first.status == 200, "query: " + first.body);
    CheckPage(first.body);
    next_url = json::parse(first.body)["nextRecordsUrl"];
  }
  static InProcess& Get() {
    static InProcess instance;
    return instance;
  }
};

double ThreadCpuMs() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// Runs `fetch` once per iteration and reports p50/p95/max in ms of its wall time and of
// the simulator's CPU time (`cpu_ms()`: a clock of the thread or process serving). On a
// shared machine the wall times include waiting for a core; the CPU times do not.
template <class Fetch, class CpuClock>
void TimePages(benchmark::State& state, Fetch fetch, CpuClock cpu_ms) {
  std::vector<double> wall, cpu;
  try {
    for (auto _ : state) {
      double cpu_start = cpu_ms();
      auto start = std::chrono::steady_clock::now();
      std::string body = fetch();
      auto stop = std::chrono::steady_clock::now();
      cpu.push_back(cpu_ms() - cpu_start);
      wall.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
      benchmark::DoNotOptimize(body);
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  auto report = [&](std::vector<double>& ms, const std::string& prefix) {
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) {
      return ms[static_cast<size_t>(q * static_cast<double>(ms.size() - 1))];
    };
    state.counters[prefix + "p50_ms"] = at(0.50);
    state.counters[prefix + "p95_ms"] = at(0.95);
    state.counters[prefix + "max_ms"] = ms.back();
  };
  report(wall, "");
  report(cpu, "cpu_");
}

// Query + first page: the engine filters, sorts and pages all 10,000 rows.
void BM_LoginHistoryFirstPage(benchmark::State& state) {
  auto& lb = Loopback::Get();
  TimePages(
      state,
      [&] {
        auto r = lb.conn.Send("GET", QueryTarget(), "", lb.auth);
        Require(r.status == 200, "query: " + r.body);
        return r.body;
      },
      [&] { return lb.sfsim.CpuMs(); });
}

// queryMore: the second page of an open cursor (pages stay retrievable, so repeatable).
// A fresh query first: the first-page benchmark may have pushed the old cursor out.
void BM_LoginHistoryNextPage(benchmark::State& state) {
  auto& lb = Loopback::Get();
  lb.OpenCursor();
  TimePages(
      state,
      [&] {
        auto r = lb.conn.Send("GET", lb.next_url, "", lb.auth);
        Require(r.status == 200, "queryMore: " + r.body);
        return r.body;
      },
      [&] { return lb.sfsim.CpuMs(); });
}

void BM_LoginHistoryFirstPageInProcess(benchmark::State& state) {
  auto& ip = InProcess::Get();
  TimePages(
      state,
      [&] {
        auto r = ip.Call("GET", QueryTarget());
        Require(r.status == 200, "query: " + r.body);
        return r.body;
      },
      ThreadCpuMs);
}

void BM_LoginHistoryNextPageInProcess(benchmark::State& state) {
  auto& ip = InProcess::Get();
  ip.OpenCursor();
  TimePages(
      state,
      [&] {
        auto r = ip.Call("GET", ip.next_url);
        Require(r.status == 200, "queryMore: " + r.body);
        return r.body;
      },
      ThreadCpuMs);
}

// Fixed iteration counts so p95/max cover the same number of samples on every run; wall
// time, since the loopback client itself mostly waits.
BENCHMARK(BM_LoginHistoryFirstPage)->Unit(benchmark::kMillisecond)->Iterations(200)->UseRealTime();
BENCHMARK(BM_LoginHistoryNextPage)->Unit(benchmark::kMillisecond)->Iterations(200)->UseRealTime();
BENCHMARK(BM_LoginHistoryFirstPageInProcess)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(200)
    ->UseRealTime();
BENCHMARK(BM_LoginHistoryNextPageInProcess)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(200)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
