#pragma once
// Helpers for process-level tests: temp dirs, child processes, tiny blocking HTTP.
// Blocking on purpose: tests run the code under test in another process or thread.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sfwarden::testing {

/// Path of a built binary or a source file: relative to the build and source trees
/// this test was built from, or to $SFWARDEN_BINARY_DIR / $SFWARDEN_SOURCE_DIR when set.
std::filesystem::path BinaryPath(const std::string& relative);
std::filesystem::path SourcePath(const std::string& relative);

/// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  /// Writes `content` to path()/name with `mode` and returns the full path.
  std::filesystem::path Write(const std::string& name, const std::string& content,
                              unsigned mode = 0644) const;

 private:
  std::filesystem::path path_;
};

/// A child process with stdout and stderr captured into files.
/// The destructor kills it (SIGKILL) if it is still running.
class Subprocess {
 public:
  Subprocess(std::vector<std::string> argv, std::map<std::string, std::string> extra_env = {});
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int signo) const;
  /// Waits up to `timeout` for exit; returns the exit code (128+signal when killed)
  /// or nullopt if it is still running.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  bool Running();
  std::string Stdout() const;
  std::string Stderr() const;
  /// Polls Stdout()+Stderr() until `needle` appears or `timeout` passes.
  bool WaitForOutput(const std::string& needle, std::chrono::milliseconds timeout) const;

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::filesystem::path out_;
  std::filesystem::path err_;
};

/// Runs argv to completion (with a 60 s bound); returns {exit code, stdout, stderr}.
struct RunResult {
  int exit_code;
  std::string out;
  std::string err;
};
RunResult Run(std::vector<std::string> argv, std::map<std::string, std::string> extra_env = {});

struct HttpResult {
  int status = 0;  // 0: no answer (connect failed or timed out)
  std::string headers;
  std::string body;
};
/// One HTTP/1.1 request to 127.0.0.1:port with Connection: close.
HttpResult HttpRequest(int port, const std::string& method, const std::string& target,
                       const std::string& body = "", const std::string& content_type = "",
                       std::chrono::milliseconds timeout = std::chrono::seconds(5));
inline HttpResult HttpGet(int port, const std::string& target) {
  return HttpRequest(port, "GET", target);
}

/// Asks the kernel for a free TCP port on 127.0.0.1 (for child processes that must be
/// told their port up front; in-process servers bind port 0 instead).
int FreePort();

}  // namespace sfwarden::testing
