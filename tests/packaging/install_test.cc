// `cmake --install` of this build into a scratch DESTDIR (cmake/Packaging.cmake): every
// file in its FHS place and nothing else, sane modes, the installed binary runs, and the
// installed unit passes `systemd-analyze verify` with the installed binary.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "tests/support/process.h"

namespace sfwarden::packaging {
namespace {

namespace fs = std::filesystem;
using sfwarden::testing::BinaryPath;
using sfwarden::testing::RunResult;
using sfwarden::testing::SourcePath;
using sfwarden::testing::TempDir;
using ::testing::ContainerEq;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

unsigned Mode(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

class InstallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = tmp_.path() / "root";
    RunResult r = sfwarden::testing::Run(
        {SFWARDEN_CMAKE_COMMAND, "--install", BinaryPath("").string(), "--prefix", "/usr"},
        {{"DESTDIR", root_.string()}});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  std::set<std::string> InstalledFiles() {
    std::set<std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(root_)) {
      if (!entry.is_directory()) files.insert(fs::relative(entry.path(), root_).string());
    }
    return files;
  }

  TempDir tmp_;
  fs::path root_;
};

TEST_F(InstallTest, PutsEveryFileInItsFhsPlaceAndNothingElse) {
  std::set<std::string> expected = {
      "usr/bin/sfwarden",
      "usr/lib/systemd/system/sfwarden.service",
      "etc/sfwarden/sfwarden.yml",
      "usr/share/sfwarden/prometheus/sfwarden.rules.yml",
      "usr/share/sfwarden/grafana/sfwarden-dashboard.json",
      "usr/share/doc/sfwarden/README.md",
      "usr/share/doc/sfwarden/metrics.md",
      "usr/share/doc/sfwarden/configuration.md",
      "usr/share/doc/sfwarden/install.md",
      "usr/share/doc/sfwarden/examples/sfwarden.small.yml",
      "usr/share/doc/sfwarden/examples/sfwarden.full.yml",
  };
  // No sysusers.d/tmpfiles.d: the unit's DynamicUser=, StateDirectory= and
  // ConfigurationDirectory= do their work.
  EXPECT_THAT(InstalledFiles(), ContainerEq(expected));
}

TEST_F(InstallTest, InstallsTheShippedFilesUnchangedWithReadableModes) {
  EXPECT_EQ(ReadFile(root_ / "usr/lib/systemd/system/sfwarden.service"),
            ReadFile(SourcePath("systemd/sfwarden.service")));
  EXPECT_EQ(ReadFile(root_ / "usr/share/sfwarden/prometheus/sfwarden.rules.yml"),
            ReadFile(SourcePath("alerts/prometheus/sfwarden.rules.yml")));
  EXPECT_EQ(ReadFile(root_ / "etc/sfwarden/sfwarden.yml"),
            ReadFile(SourcePath("examples/sfwarden.small.yml")));
  EXPECT_EQ(Mode(root_ / "usr/bin/sfwarden"), 0755u);
  EXPECT_EQ(Mode(root_ / "usr/lib/systemd/system/sfwarden.service"), 0644u);
  // Read by the unit's dynamic user: world-readable, and so it must hold no secrets.
  EXPECT_EQ(Mode(root_ / "etc/sfwarden/sfwarden.yml"), 0644u);
}

TEST_F(InstallTest, InstalledBinaryRuns) {
  RunResult r = sfwarden::testing::Run({(root_ / "usr/bin/sfwarden").string(), "--version"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out + r.err, ::testing::HasSubstr("sfwarden"));
}

TEST_F(InstallTest, InstalledUnitPassesSystemdAnalyzeVerify) {
  const char* analyze = "/usr/bin/systemd-analyze";
  if (access(analyze, X_OK) != 0) {
    GTEST_SKIP() << analyze << " is missing (Debian package systemd; ./scripts/setup installs it)";
  }
  // verify needs the Exec*= binaries to exist on this machine: point /usr/bin/sfwarden at
  // the installed one (`--root=` would want a whole OS tree: sysinit.target, /bin/kill).
  std::string unit = ReadFile(root_ / "usr/lib/systemd/system/sfwarden.service");
  const std::string from = "/usr/bin/sfwarden";
  const std::string to = (root_ / "usr/bin/sfwarden").string();
  for (auto at = unit.find(from); at != std::string::npos; at = unit.find(from, at + to.size())) {
    unit.replace(at, from.size(), to);
  }
  fs::path copy = tmp_.Write("verify/sfwarden.service", unit);
  RunResult r = sfwarden::testing::Run({analyze, "verify", copy.string()},
                                       {{"SYSTEMD_COLORS", "0"}, {"SYSTEMD_PAGER", ""}});
  // verify exits 0 on unknown keys and bad values and only warns: any output fails.
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "");
}

// The .deb made by CPack from the same install tree (the `package` target makes it from
// its own install of the build; this skips rebuilding everything first).
TEST_F(InstallTest, DebianPackageHasTheFilesTheirLibraryDependsAndTheConffile) {
  for (const char* tool : {"/usr/bin/dpkg-deb", "/usr/bin/dpkg-shlibdeps"}) {
    if (access(tool, X_OK) != 0) {
      GTEST_SKIP() << tool << " is missing (Debian packages dpkg and dpkg-dev)";
    }
  }
  fs::path out = tmp_.path() / "deb";
  RunResult r = sfwarden::testing::Run({SFWARDEN_CPACK_COMMAND, "-G", "DEB", "--config",
                                        BinaryPath("CPackConfig.cmake").string(), "-B",
                                        out.string(), "-D", "CPACK_INSTALL_CMAKE_PROJECTS=", "-D",
                                        "CPACK_INSTALLED_DIRECTORIES=" + root_.string() + ";/",
                                        "-D", "CPACK_PACKAGING_INSTALL_PREFIX=/"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  fs::path deb;
  for (const auto& entry : fs::directory_iterator(out)) {
    if (entry.path().extension() == ".deb") deb = entry.path();
  }
  ASSERT_FALSE(deb.empty()) << r.out;

  RunResult depends = sfwarden::testing::Run({"/usr/bin/dpkg-deb", "-f", deb.string(), "Depends"});
  for (const char* lib : {"libc6", "libprometheus-cpp-core1.0", "libsqlite3-0", "libssl3",
                          "libyaml-cpp0.7", "libsystemd0", "libspdlog1.10"}) {
    EXPECT_THAT(depends.out, ::testing::HasSubstr(lib));
  }
  RunResult conffiles =
      sfwarden::testing::Run({"/usr/bin/dpkg-deb", "-I", deb.string(), "conffiles"});
  EXPECT_EQ(conffiles.out, "/etc/sfwarden/sfwarden.yml\n");
  RunResult contents = sfwarden::testing::Run({"/usr/bin/dpkg-deb", "-c", deb.string()});
  for (const char* file :
       {"./usr/bin/sfwarden", "./usr/lib/systemd/system/sfwarden.service",
        "./etc/sfwarden/sfwarden.yml", "./usr/share/sfwarden/prometheus/sfwarden.rules.yml",
        "./usr/share/sfwarden/grafana/sfwarden-dashboard.json"}) {
    EXPECT_THAT(contents.out, ::testing::HasSubstr(std::string(file) + "\n"));
  }
}

}  // namespace
}  // namespace sfwarden::packaging
