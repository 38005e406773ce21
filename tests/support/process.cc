#include "tests/support/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace sfwarden::testing {
namespace fs = std::filesystem;

namespace {
std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v ? v : fallback;
}
std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

fs::path BinaryPath(const std::string& relative) {
  return fs::path(EnvOr("SFWARDEN_BINARY_DIR", SFWARDEN_BINARY_DIR_DEFAULT)) / relative;
}
fs::path SourcePath(const std::string& relative) {
  return fs::path(EnvOr("SFWARDEN_SOURCE_DIR", SFWARDEN_SOURCE_DIR_DEFAULT)) / relative;
}

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "sfwarden-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}
TempDir::~TempDir() {
  std::error_code ec;
  // Make read-only subtrees removable again (tests chmod things).
  for (auto it = fs::recursive_directory_iterator(path_, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::remove_all(path_, ec);
}
fs::path TempDir::Write(const std::string& name, const std::string& content, unsigned mode) const {
  fs::path p = path_ / name;
  fs::create_directories(p.parent_path());
  {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << content;
  }
  fs::permissions(p, static_cast<fs::perms>(mode), fs::perm_options::replace);
  return p;
}

Subprocess::Subprocess(std::vector<std::string> argv,
                       std::map<std::string, std::string> extra_env) {
  std::string tmpl = (fs::temp_directory_path() / "sfwarden-proc-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  out_ = fs::path(tmpl) / "stdout";
  err_ = fs::path(tmpl) / "stderr";
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int out = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    dup2(out, 1);
    dup2(err, 2);
    setpgid(0, 0);
    for (const auto& [k, v] : extra_env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
}

Subprocess::~Subprocess() {
  if (!exit_code_) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  fs::remove_all(out_.parent_path(), ec);
}

void Subprocess::Signal(int signo) const { kill(pid_, signo); }

std::optional<int> Subprocess::Wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exit_code_) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return exit_code_;
}

bool Subprocess::Running() { return !Wait(std::chrono::milliseconds(0)).has_value(); }
std::string Subprocess::Stdout() const { return ReadAll(out_); }
std::string Subprocess::Stderr() const { return ReadAll(err_); }

bool Subprocess::WaitForOutput(const std::string& needle, std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    if ((Stdout() + Stderr()).find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

RunResult Run(std::vector<std::string> argv, std::map<std::string, std::string> extra_env) {
  Subprocess p(std::move(argv), std::move(extra_env));
  auto code = p.Wait(std::chrono::seconds(60));
  return {code.value_or(-1), p.Stdout(), p.Stderr()};
}

HttpResult HttpRequest(int port, const std::string& method, const std::string& target,
                       const std::string& body, const std::string& content_type,
                       std::chrono::milliseconds timeout) {
  HttpResult result;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return result;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return result;
  }
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!content_type.empty()) req += "Content-Type: " + content_type + "\r\n";
  req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    close(fd);
    return result;
  }
  std::string raw;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[8192];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  auto head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos) return result;
  result.status = std::atoi(raw.c_str() + raw.find(' ') + 1);
  result.headers = raw.substr(0, head_end);
  result.body = raw.substr(head_end + 4);
  // Chunked bodies: de-chunk (our servers may use chunked encoding).
  std::string lower_headers = result.headers;
  for (auto& c : lower_headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower_headers.find("transfer-encoding: chunked") != std::string::npos) {
    std::string out;
    size_t pos = 0;
    while (pos < result.body.size()) {
      size_t eol = result.body.find("\r\n", pos);
      if (eol == std::string::npos) break;
      size_t len = std::stoul(result.body.substr(pos, eol - pos), nullptr, 16);
      if (len == 0) break;
      out += result.body.substr(eol + 2, len);
      pos = eol + 2 + len + 2;
    }
    result.body = out;
  }
  return result;
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

}  // namespace sfwarden::testing
