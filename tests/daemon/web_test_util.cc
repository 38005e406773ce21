#include "tests/daemon/web_test_util.h"

#include <crypt.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sfwarden::daemon::testing {
namespace {

void Openssl(std::vector<std::string> args) {
  args.insert(args.begin(), "/usr/bin/openssl");  // Run() uses execv: no PATH lookup
  auto r = sfwarden::testing::Run(args);
  if (r.exit_code != 0) throw std::runtime_error("openssl failed: " + r.err);
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

WebCerts MakeWebCerts(const sfwarden::testing::TempDir& dir) {
  const std::string d = dir.path().string() + "/";
  dir.Write("server.cnf", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  Openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "ca.key", "-out",
           d + "ca.pem", "-days", "2", "-subj", "/CN=sfwarden web test CA"});
  for (const std::string name : {"server", "client"}) {
    Openssl({"req", "-newkey", "rsa:2048", "-nodes", "-keyout", d + name + ".key", "-out",
             d + name + ".csr", "-subj", "/CN=sfwarden test " + name});
    std::vector<std::string> sign = {"x509",
                                     "-req",
                                     "-in",
                                     d + name + ".csr",
                                     "-CA",
                                     d + "ca.pem",
                                     "-CAkey",
                                     d + "ca.key",
                                     "-CAcreateserial",
                                     "-out",
                                     d + name + ".pem",
                                     "-days",
                                     "2"};
    if (name == "server") sign.insert(sign.end(), {"-extfile", d + "server.cnf"});
    Openssl(sign);
  }
  Openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "other.key", "-out",
           d + "other.pem", "-days", "2", "-subj", "/CN=not from the test CA"});
  for (const char* key : {"ca.key", "server.key", "client.key", "other.key"}) {
    ::chmod((d + key).c_str(), 0600);
  }
  return {d + "ca.pem",     d + "server.pem", d + "server.key", d + "client.pem",
          d + "client.key", d + "other.pem",  d + "other.key"};
}

std::string BcryptHash(const std::string& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (!crypt_gensalt_rn("$2b$", 4, nullptr, 0, salt, sizeof salt)) {
    throw std::runtime_error("crypt_gensalt_rn failed");
  }
  crypt_data data{};
  const char* hash = crypt_rn(password.c_str(), salt, &data, sizeof data);
  if (!hash) throw std::runtime_error("crypt_rn failed");
  return hash;
}

CurlResult Curl(const std::string& url, std::vector<std::string> args) {
  sfwarden::testing::TempDir dir;
  const std::string headers = (dir.path() / "headers").string();
  std::vector<std::string> argv = {"/usr/bin/curl",
                                   "-sS",
                                   "--max-time",
                                   "5",
                                   "-D",
                                   headers,
                                   "-o",
                                   (dir.path() / "body").string(),
                                   "-w",
                                   "%{http_code}"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(url);
  auto r = sfwarden::testing::Run(argv);
  CurlResult result;
  result.exit_code = r.exit_code;
  try {
    result.status = std::stoi(r.out);
  } catch (const std::exception&) {
    result.status = 0;
  }
  result.headers = ReadFile(headers);
  result.body = ReadFile(dir.path() / "body");
  return result;
}

}  // namespace sfwarden::daemon::testing
