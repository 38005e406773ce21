// The state directory stops taking writes while `sfwarden run` works: the daemon says
// which file and why, counts it, marks what it could not record as not read, writes
// nothing to the org that it could not journal, and carries on once writes work again
// without losing or double-counting anything.
//
// How the writes are made to fail: RLIMIT_FSIZE set to 0 on the running daemon with
// prlimit(2). Every write to a regular file then fails with EFBIG (the daemon ignores
// SIGXFSZ), as a full disk fails with ENOSPC, through the same SQLite error path. Unlike
// chmod it also binds root (the tests may run as root), and unlike a full tmpfs or a
// read-only remount it needs no privilege; raising the soft limit back is allowed to the
// process's own user. The daemon's stderr goes through a pipe (bash process substitution),
// since a log file written by the daemon itself would hit the limit too.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/integration/fault_fixture.h"

namespace sfwarden {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;
using testing::kHubspot;
using testing::Sample;

class StateDirTest : public testing::FaultTest {
 protected:
  static std::string ReadAll(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  /// `sfwarden run` as StartSfwarden() starts it, but with stderr through a pipe.
  std::unique_ptr<testing::Subprocess> StartSfwardenLoggingToPipe() {
    return std::make_unique<testing::Subprocess>(
        std::vector<std::string>{"/bin/bash", "-c", R"(exec "$0" "$@" 2> >(exec cat >&2))",
                                 testing::BinaryPath("daemon/sfwarden").string(), "run",
                                 "--config.file=" + config_.string(),
                                 "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                 "--state.dir=" + StateDir().string()},
        std::map<std::string, std::string>{
            {"CREDENTIALS_DIRECTORY", (dir_.path() / "creds").string()}});
  }

  /// Sets the soft file-size limit of process `pid` (hard limit unchanged).
  static void SetFileSizeLimit(pid_t pid, rlim_t soft) {
    struct rlimit current {};
    ASSERT_EQ(prlimit(pid, RLIMIT_FSIZE, nullptr, &current), 0) << std::strerror(errno);
    struct rlimit next = current;
    next.rlim_cur = soft;
    ASSERT_EQ(prlimit(pid, RLIMIT_FSIZE, &next, nullptr), 0) << std::strerror(errno);
  }
};

TEST_F(StateDirTest, WritesFailingIsReportedAndNothingIsLostOrDoubledAfterwards) {
  WriteConfig(testing::FaultOrgConfig("sim", SimUrl(sim_port_), "enforce"));
  auto sfwarden = StartSfwardenLoggingToPipe();
  WaitForValue("sfwarden_journal_pending_entries", {{"org", "sim"}}, 0);
  RecordLogin(sim_port_, kHubspot);
  WaitForValue("sfwarden_logins_total", Logins("sim", kHubspot), 1);

  SetFileSizeLimit(sfwarden->pid(), 0);
  RecordLogin(sim_port_, kHubspot);
  RecordLogin(sim_port_, kHubspot);
  Act(sim_port_, R"("action": "unassign_permission_set", "username": ")" + std::string(kHubspot) +
                     R"(", "permission_set": "HubSpot_Sync_Access")");
  auto m = WaitForValue("sfwarden_collector_success", Source("sim", "logins"), 0);
  EXPECT_GT(Sample(m, "sfwarden_state_store_errors_total", {{"org", "sim"}}).value_or(0), 0);
  // The audit entry asked for a permission read; its result cannot be saved either.
  WaitForValue("sfwarden_collector_success", Source("sim", "permissions"), 0);
  // Which file, and the operating system's reason.
  const std::string db = (StateDir() / "sfwarden.db").string();
  EXPECT_TRUE(sfwarden->WaitForOutput("could not save", 5s)) << sfwarden->Stderr();
  EXPECT_THAT(sfwarden->Stderr(), HasSubstr(db));
  EXPECT_THAT(sfwarden->Stderr(), HasSubstr(std::strerror(EFBIG)));
  // Not counted while it could not be recorded; not written to the org unjournaled.
  std::this_thread::sleep_for(2s);
  m = Metrics();
  EXPECT_EQ(Sample(m, "sfwarden_logins_total", Logins("sim", kHubspot)), 1);
  EXPECT_EQ(PermissionSets(), 0);
  EXPECT_TRUE(sfwarden->Running());
  EXPECT_EQ(testing::HttpGet(port_, "/-/healthy").status, 200);

  SetFileSizeLimit(sfwarden->pid(), RLIM_INFINITY);
  WaitForValue("sfwarden_logins_total", Logins("sim", kHubspot), 3);
  WaitForValue("sfwarden_collector_success", Source("sim", "logins"), 1);
  WaitForValue("sfwarden_remediations_total",
               {{"org", "sim"}, {"kind", "missing_permission_set_assignment"}, {"result", "done"}},
               1);
  EXPECT_EQ(PermissionSets(), 1);
  EXPECT_TRUE(sfwarden->WaitForOutput("the state store takes writes again", 5s))
      << sfwarden->Stderr();
  WaitForPolls("sim", "logins", 2);
  EXPECT_EQ(Sample(Metrics(), "sfwarden_logins_total", Logins("sim", kHubspot)), 3);

  // What was saved is whole: a restart counts from it, and the journal reads back.
  sfwarden->Signal(SIGTERM);
  EXPECT_EQ(sfwarden->Wait(15s), 0) << sfwarden->Stderr();
  auto journal = Journal();
  ASSERT_EQ(journal.size(), 1u) << journal.dump(2);
  EXPECT_EQ(journal[0]["state"], "done");
  sfwarden = StartSfwarden();
  WaitForValue("sfwarden_collector_success", Source("sim", "logins"), 1);
  WaitForPolls("sim", "logins", 1);
  EXPECT_EQ(Sample(Metrics(), "sfwarden_logins_total", Logins("sim", kHubspot)), 3);
}

// A read-only state directory (EROFS): a bind mount remounted read-only in a private
// mount namespace (unshare(1), root only). The kernel refuses to make a mount read-only
// while a file on it is open for writing (EBUSY), so a directory cannot turn read-only
// under a running sfwarden by remount; what can happen is a start on a read-only
// directory (a volume mounted ro, a filesystem that remounted itself ro after I/O
// errors). sfwarden must refuse to start, saying which directory and why, leave the
// database as it was, and work from it once the directory is writable again.
TEST_F(StateDirTest, ReadOnlyStateDirectoryIsRefusedAtStartAndKeptIntact) {
  WriteConfig(testing::FaultOrgConfig("sim", SimUrl(sim_port_)));
  auto sfwarden = StartSfwarden();
  RecordLogin(sim_port_, kHubspot);
  WaitForValue("sfwarden_logins_total", Logins("sim", kHubspot), 1);
  sfwarden->Signal(SIGTERM);
  ASSERT_EQ(sfwarden->Wait(15s), 0) << sfwarden->Stderr();
  const auto db = StateDir() / "sfwarden.db";
  const std::string before = ReadAll(db);
  ASSERT_FALSE(before.empty());

  // `$0` is the state directory, the rest sfwarden's command line.
  const std::string read_only_mount =
      R"(mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@")";
  auto probe = testing::Run({"/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
                             read_only_mount, StateDir().string(), "/bin/sh", "-c",
                             "! touch \"$0/probe\" 2>/dev/null", StateDir().string()});
  if (probe.exit_code != 0) {
    GTEST_SKIP() << "cannot make a read-only bind mount here (needs root and unshare -m): "
                 << probe.err;
  }
  auto run = testing::Run(
      {"/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c", read_only_mount,
       StateDir().string(), testing::BinaryPath("daemon/sfwarden").string(), "run",
       "--config.file=" + config_.string(),
       "--web.listen-address=127.0.0.1:" + std::to_string(port_),
       "--state.dir=" + StateDir().string()},
      {{"CREDENTIALS_DIRECTORY", (dir_.path() / "creds").string()}});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_THAT(run.err, HasSubstr("state directory '" + StateDir().string() + "'"));
  EXPECT_THAT(run.err, HasSubstr(std::strerror(EROFS)));
  EXPECT_EQ(ReadAll(db), before);

  sfwarden = StartSfwarden();  // writable again: carries on from what it had
  WaitForValue("sfwarden_collector_success", Source("sim", "logins"), 1);
  WaitForPolls("sim", "logins", 1);
  EXPECT_EQ(Sample(Metrics(), "sfwarden_logins_total", Logins("sim", kHubspot)), 1);
  RecordLogin(sim_port_, kHubspot);
  WaitForValue("sfwarden_logins_total", Logins("sim", kHubspot), 2);
}

}  // namespace
}  // namespace sfwarden
