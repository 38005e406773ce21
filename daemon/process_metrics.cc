#include "daemon/process_metrics.h"

#include <unistd.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace sfwarden::daemon {
namespace {

std::optional<std::string> ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

prometheus::MetricFamily Gauge(std::string name, std::string help, double value,
                               prometheus::MetricType type = prometheus::MetricType::Gauge) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(metric);
  return family;
}

}  // namespace

ProcessMetrics::ProcessMetrics(std::filesystem::path proc_self, std::filesystem::path proc_stat)
    : proc_self_(std::move(proc_self)), proc_stat_(std::move(proc_stat)) {}

std::vector<prometheus::MetricFamily> ProcessMetrics::Collect() const {
  std::vector<prometheus::MetricFamily> out;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));

  // /proc/self/stat: the command name (field 2) may contain spaces and parentheses,
  // so fields are counted after the last ')'. See proc(5).
  // A malformed /proc file costs its metrics, never the scrape.
  try {
    if (auto stat = ReadFile(proc_self_ / "stat")) {
      auto close = stat->rfind(')');
      if (close != std::string::npos) {
        std::istringstream fields(stat->substr(close + 2));
        std::vector<std::string> f;
        for (std::string s; fields >> s;) f.push_back(s);
        // After ')': f[0] is field 3 (state); utime=14, stime=15, starttime=22,
        // vsize=23, rss=24 (in pages) → indices 11, 12, 19, 20, 21.
        if (f.size() > 21) {
          double utime = std::stod(f[11]), stime = std::stod(f[12]);
          out.push_back(Gauge("process_cpu_seconds_total",
                              "Total user and system CPU time spent in seconds.",
                              (utime + stime) / ticks, prometheus::MetricType::Counter));
          out.push_back(Gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                              std::stod(f[20])));
          out.push_back(Gauge("process_resident_memory_bytes", "Resident memory size in bytes.",
                              std::stod(f[21]) * page));
          // starttime is in ticks since boot; boot time comes from /proc/stat btime.
          if (auto sys = ReadFile(proc_stat_)) {
            auto pos = sys->find("\nbtime ");
            if (pos != std::string::npos) {
              double btime = std::stod(sys->substr(pos + 7));
              out.push_back(Gauge("process_start_time_seconds",
                                  "Start time of the process since unix epoch in seconds.",
                                  btime + std::stod(f[19]) / ticks));
            }
          }
        }
      }
    }
  } catch (const std::exception&) {
  }

  std::error_code ec;
  double fds = 0;
  for (auto it = std::filesystem::directory_iterator(proc_self_ / "fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++fds;
  }
  if (!ec) out.push_back(Gauge("process_open_fds", "Number of open file descriptors.", fds));

  if (auto limits = ReadFile(proc_self_ / "limits")) {
    std::istringstream lines(*limits);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("Max open files", 0) == 0) {
        std::istringstream cols(line.substr(14));
        std::string soft;
        cols >> soft;
        double value =
            soft == "unlimited" ? 1.8446744073709552e19 : std::strtod(soft.c_str(), nullptr);
        out.push_back(Gauge("process_max_fds", "Maximum number of open file descriptors.", value));
      }
    }
  }
  return out;
}

}  // namespace sfwarden::daemon
