#include "daemon/process_metrics.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <map>

#include "tests/support/process.h"

namespace sfwarden::daemon {
namespace {

std::map<std::string, double> Values(const std::vector<prometheus::MetricFamily>& families) {
  std::map<std::string, double> out;
  for (const auto& f : families) {
    const auto& m = f.metric.at(0);
    out[f.name] = f.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
  }
  return out;
}

TEST(ProcessMetricsTest, ReadsProcFilesIncludingACommandNameWithSpacesAndParens) {
  testing::TempDir dir;
  // Fields after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt
  // cmajflt utime=300 stime=100 cutime cstime priority nice threads itrealvalue
  // starttime=500 vsize=4096000 rss=25
  dir.Write("self/stat",
            "42 (odd (name) x) S 1 42 42 0 -1 4194560 10 0 0 0 300 100 0 0 20 0 1 0 500 "
            "4096000 25 18446744073709551615\n");
  dir.Write("self/limits",
            "Limit                     Soft Limit           Hard Limit           Units\n"
            "Max open files            1024                 524288               files\n");
  dir.Write("self/fd/0", "");
  dir.Write("self/fd/1", "");
  dir.Write("stat", "cpu  1 2 3\nbtime 1700000000\nprocesses 5\n");
  ProcessMetrics metrics(dir.path() / "self", dir.path() / "stat");
  auto v = Values(metrics.Collect());
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  EXPECT_DOUBLE_EQ(v.at("process_cpu_seconds_total"), 400 / ticks);
  EXPECT_DOUBLE_EQ(v.at("process_virtual_memory_bytes"), 4096000);
  EXPECT_DOUBLE_EQ(v.at("process_resident_memory_bytes"), 25 * page);
  EXPECT_DOUBLE_EQ(v.at("process_start_time_seconds"), 1700000000 + 500 / ticks);
  EXPECT_DOUBLE_EQ(v.at("process_open_fds"), 2);
  EXPECT_DOUBLE_EQ(v.at("process_max_fds"), 1024);
}

TEST(ProcessMetricsTest, RealProcessReportsPlausibleValues) {
  auto v = Values(ProcessMetrics().Collect());
  EXPECT_GT(v.at("process_resident_memory_bytes"), 1e6);
  EXPECT_GT(v.at("process_open_fds"), 2);
  EXPECT_GT(v.at("process_start_time_seconds"), 1.6e9);
}

TEST(ProcessMetricsTest, MissingProcFilesYieldNoMetricsRatherThanACrash) {
  testing::TempDir dir;
  EXPECT_TRUE(ProcessMetrics(dir.path() / "nope", dir.path() / "nope").Collect().empty());
}

}  // namespace
}  // namespace sfwarden::daemon
