#include "salesforce/detail/tls_client_context.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <boost/asio/ssl/context.hpp>
#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>

namespace sfwarden::salesforce::detail {
namespace ssl = boost::asio::ssl;

namespace {

// Which version of a file a context was built from: device, inode, size and
// modification time, or "-" when it cannot be read (loading then fails or finds nothing).
std::string TlsTrustFileStamp(const std::string& path) {
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return "-";
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" +
         std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

// The bundle set_default_verify_paths() loads eagerly: $SSL_CERT_FILE, else OpenSSL's
// default file. (The certificate directory is looked up per handshake, so a change there
// is seen without a new context.)
std::string SystemTrustBundle() {
  const char* env = std::getenv(X509_get_default_cert_file_env());
  return env && *env ? env : X509_get_default_cert_file();
}

std::shared_ptr<ssl::context> MakeTlsClientContext(const std::string& ca_file) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  context->set_default_verify_paths();
  if (!ca_file.empty()) {
    boost::system::error_code ec;
    context->load_verify_file(ca_file, ec);
    if (ec) throw std::runtime_error("cannot load CA file " + ca_file + ": " + ec.message());
  }
  context->set_verify_mode(ssl::verify_peer);
  return context;
}

}  // namespace

std::shared_ptr<ssl::context> SharedTlsClientContext(const std::string& ca_file) {
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<ssl::context>> contexts;  // by trust anchors
  const std::string bundle = SystemTrustBundle();
  const std::string key = ca_file + '\n' + TlsTrustFileStamp(ca_file) + '\n' + bundle + '\n' +
                          TlsTrustFileStamp(bundle);
  std::lock_guard lock(mutex);
  // Entries of contexts nobody holds any more go, so the map stays as small as the set
  // of trust anchors in use.
  std::erase_if(contexts, [](const auto& entry) { return entry.second.expired(); });
  if (auto it = contexts.find(key); it != contexts.end()) {
    if (auto shared = it->second.lock()) return shared;
  }
  auto context = MakeTlsClientContext(ca_file);
  contexts[key] = context;
  return context;
}

}  // namespace sfwarden::salesforce::detail
