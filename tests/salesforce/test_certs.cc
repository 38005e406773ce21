#include "tests/salesforce/test_certs.h"

#include <stdexcept>

namespace sfwarden::salesforce::testing {
namespace {
void Openssl(std::vector<std::string> args) {
  args.insert(args.begin(), "/usr/bin/openssl");  // Run() uses execv: no PATH lookup
  auto r = sfwarden::testing::Run(args);
  if (r.exit_code != 0) throw std::runtime_error("openssl failed: " + r.err);
}
}  // namespace

TestCerts MakeTestCerts(const sfwarden::testing::TempDir& dir,
                        const std::vector<std::string>& sans) {
  std::string d = dir.path().string() + "/";
  std::string san = "subjectAltName=";
  for (std::size_t i = 0; i < sans.size(); ++i) san += (i ? "," : "") + sans[i];
  dir.Write("ext.cnf", san + "\n");
  Openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "ca.key", "-out",
           d + "ca.pem", "-days", "2", "-subj", "/CN=sfwarden test CA"});
  Openssl({"req", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "server.key", "-out",
           d + "server.csr", "-subj", "/CN=sfwarden test server"});
  Openssl({"x509", "-req", "-in", d + "server.csr", "-CA", d + "ca.pem", "-CAkey", d + "ca.key",
           "-CAcreateserial", "-out", d + "server.pem", "-days", "2", "-extfile", d + "ext.cnf"});
  Openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "self.key", "-out",
           d + "self.pem", "-days", "2", "-subj", "/CN=sfwarden self-signed", "-addext", san});
  return {d + "ca.pem", d + "server.pem", d + "server.key", d + "self.pem", d + "self.key"};
}

}  // namespace sfwarden::salesforce::testing
