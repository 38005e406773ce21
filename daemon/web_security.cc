#include "daemon/web_security.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl/context.hpp>

namespace sfwarden::daemon {
namespace ssl = boost::asio::ssl;

namespace {

[[noreturn]] void Fail(const std::filesystem::path& file, std::string path, std::string message) {
  throw ConfigError({ConfigDiagnostic{file.string(), 0, 0, std::move(path), std::move(message)}});
}

// OpenSSL's reason for the last failure (a library message, never file contents).
std::string OpensslReason() {
  const unsigned long error = ERR_peek_last_error();
  ERR_clear_error();
  const char* reason = error ? ERR_reason_error_string(error) : nullptr;
  return reason ? reason : "unknown error";
}

// RequestClientCert / RequireAnyClientCert ask for a certificate without verifying it.
int AcceptAnyCertificate(int, X509_STORE_CTX*) { return 1; }

}  // namespace

std::shared_ptr<WebSecurity> WebSecurity::Load(const std::filesystem::path& file,
                                               const LoadOptions& options) {
  return std::make_shared<WebSecurity>(LoadWebConfig(file, options));
}

WebSecurity::WebSecurity(const WebConfig& config)
    : requires_auth_(!config.basic_auth_users.empty()),
      auth_(config.basic_auth_users),
      headers_(config.headers),
      warnings_(config.warnings) {
  if (!config.tls) return;
  const WebTlsConfig& t = *config.tls;
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, t.min_version);
  SSL_CTX_set_max_proto_version(native, t.max_version);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Needed for session resumption once client certificates are verified.
  static constexpr unsigned char kSessionContext[] = "sfwarden";
  SSL_CTX_set_session_id_context(native, kSessionContext, sizeof kSessionContext - 1);
  if (SSL_CTX_use_certificate_chain_file(native, t.cert_file.c_str()) != 1) {
    Fail(config.file, "tls_server_config.cert_file",
         "cannot load certificate chain " + t.cert_file.string() + ": " + OpensslReason());
  }
  if (SSL_CTX_use_PrivateKey_file(native, t.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) != X509_R_KEY_VALUES_MISMATCH) {
      Fail(config.file, "tls_server_config.key_file",
           "cannot load private key " + t.key_file.string() + ": " + OpensslReason());
    }
    ERR_clear_error();
    Fail(config.file, "tls_server_config.key_file",
         t.key_file.string() + " does not match the certificate in " + t.cert_file.string());
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    Fail(config.file, "tls_server_config.key_file",
         t.key_file.string() + " does not match the certificate in " + t.cert_file.string());
  }
  if (!t.client_ca_file.empty()) {
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(t.client_ca_file.c_str());
    if (names == nullptr ||
        SSL_CTX_load_verify_locations(native, t.client_ca_file.c_str(), nullptr) != 1) {
      if (names) sk_X509_NAME_pop_free(names, X509_NAME_free);
      Fail(
          config.file, "tls_server_config.client_ca_file",
          "cannot load CA certificates from " + t.client_ca_file.string() + ": " + OpensslReason());
    }
    SSL_CTX_set_client_CA_list(native, names);  // takes ownership
  }
  switch (t.client_auth) {
    case ClientAuth::kNoClientCert:
      SSL_CTX_set_verify(native, SSL_VERIFY_NONE, nullptr);
      break;
    case ClientAuth::kRequestClientCert:
      SSL_CTX_set_verify(native, SSL_VERIFY_PEER, &AcceptAnyCertificate);
      break;
    case ClientAuth::kRequireAnyClientCert:
      SSL_CTX_set_verify(native, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                         &AcceptAnyCertificate);
      break;
    case ClientAuth::kVerifyClientCertIfGiven:
      SSL_CTX_set_verify(native, SSL_VERIFY_PEER, nullptr);
      break;
    case ClientAuth::kRequireAndVerifyClientCert:
      SSL_CTX_set_verify(native, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
      break;
  }
  tls_ = std::move(ctx);
}

WebSecurity::~WebSecurity() = default;

std::string WebSecurity::Describe() const {
  std::string out = tls_ ? "TLS" : "plain HTTP";
  if (requires_auth_) out += ", basic auth";
  return out;
}

}  // namespace sfwarden::daemon
