#pragma once
// The TLS client contexts of HttpTransport, shared: building one loads the system CA store
// (~0.7 MB of certificates per context), and a daemon watching ten orgs used to hold ten
// identical copies (bench/README.md, "Peak memory").

#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace sfwarden::salesforce::detail {

/// A TLS 1.2+ client context that verifies peers against the system trust store plus
/// `ca_file` (PEM; "" for none). Callers with the same trust anchors get the same context
/// for as long as one of them holds it; it is freed with its last holder. A CA file (or
/// the system bundle) replaced since gives a fresh context, so a transport made after the
/// change trusts what the files now say, as it did when each had its own.
///
/// Host names are not part of the context: each connection sets SNI and its own
/// ssl::host_name_verification. Thread-safe. Throws std::runtime_error when `ca_file`
/// cannot be loaded.
std::shared_ptr<boost::asio::ssl::context> SharedTlsClientContext(const std::string& ca_file);

}  // namespace sfwarden::salesforce::detail
