#include "sim/cli.h"

#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/generator.h"
#include "sim/org_file.h"
#include "sim/server.h"
#include "sim/sim.h"

namespace sfwarden::sim {
namespace {

constexpr const char* kUsage = R"(usage: sfsim [options]
  --org FILE            org file (YAML or JSON); default: a small built-in org
  --generate N          serve a generated large org with N integration users ...
  --humans M            ... and M background human users (default 1000)
  --print-org           with --generate: print the org file (YAML) and exit
  --listen HOST:PORT    default 127.0.0.1:0 (port 0: pick a free one and print it)
  --tls-cert FILE       serve HTTPS with this certificate chain (PEM) ...
  --tls-key FILE        ... and this private key (PEM)
  --help                this text
On start it prints "sfsim listening on HOST:PORT" on stdout.
)";

struct Options {
  std::string org_file;
  std::optional<GeneratorOptions> generate;
  bool print_org = false;
  ServerOptions server;
};

Options Parse(const std::vector<std::string>& args) {
  Options o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw std::runtime_error(a + ": missing value");
      return args[++i];
    };
    if (a == "--org") {
      o.org_file = value();
    } else if (a == "--generate" || a == "--humans") {
      int n = std::stoi(value());
      if (n < 0 || n > 100000) throw std::runtime_error(a + ": expected 0..100000");
      if (!o.generate) o.generate = GeneratorOptions{};
      (a == "--generate" ? o.generate->integrations : o.generate->humans) = n;
    } else if (a == "--print-org") {
      o.print_org = true;
    } else if (a == "--listen") {
      std::string v = value();
      auto colon = v.rfind(':');
      if (colon == std::string::npos) throw std::runtime_error("--listen: expected HOST:PORT");
      o.server.host = v.substr(0, colon);
      int port = std::stoi(v.substr(colon + 1));
      if (port < 0 || port > 65535) throw std::runtime_error("--listen: bad port");
      o.server.port = static_cast<std::uint16_t>(port);
    } else if (a == "--tls-cert") {
      o.server.tls_cert_file = value();
    } else if (a == "--tls-key") {
      o.server.tls_key_file = value();
    } else if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else {
      throw std::runtime_error("unknown option '" + a + "' (see --help)");
    }
  }
  if (o.server.tls_cert_file.empty() != o.server.tls_key_file.empty())
    throw std::runtime_error("--tls-cert and --tls-key go together");
  return o;
}
}  // namespace

int RunCli(int argc, char** argv) {
  Options options = Parse(std::vector<std::string>(argv + 1, argv + argc));
  if (options.generate && !options.org_file.empty())
    throw std::runtime_error("--org and --generate exclude each other");
  if (options.print_org) {
    if (!options.generate) throw std::runtime_error("--print-org needs --generate");
    std::cout << GenerateOrgYaml(*options.generate);
    return 0;
  }
  std::unique_ptr<Org> org = options.generate ? LoadOrgText(GenerateOrgYaml(*options.generate))
                             : options.org_file.empty() ? DefaultOrg()
                                                        : LoadOrgFile(options.org_file);
  Sim sim(std::move(org));
  bool tls = !options.server.tls_cert_file.empty();
  return RunServer(
      options.server, [&](const Request& r) { return sim.Handle(r); },
      [&](std::uint16_t port) {
        std::string host = options.server.host;
        sim.set_base_url(std::string(tls ? "https://" : "http://") + host + ":" +
                         std::to_string(port));
        std::cout << "sfsim listening on " << host << ":" << port << std::endl;
      });
}

}  // namespace sfwarden::sim
