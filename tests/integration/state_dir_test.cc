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

}  // namespace
}  // namespace sfwarden
