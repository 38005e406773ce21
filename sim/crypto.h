#pragma once
// The little cryptography sfsim needs (OpenSSL 3): base64, RS256 JWT signatures,
// HMAC-SHA256 token signatures, and a throwaway RSA key + self-signed certificate for
// tests and generated orgs.

#include <optional>
#include <string>
#include <string_view>

namespace sfwarden::sim {

std::string Base64Encode(std::string_view data);
std::string Base64UrlEncode(std::string_view data);  // no padding
std::optional<std::string> Base64UrlDecode(std::string_view text);
std::optional<std::string> Base64Decode(std::string_view text);

/// True when `signature` is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of `data` by the
/// public key in the PEM X.509 certificate `cert_pem` (or PEM public key).
bool VerifyRs256(const std::string& cert_pem, std::string_view data, std::string_view signature);
/// Signs with a PEM private key; throws std::runtime_error on a bad key.
std::string SignRs256(const std::string& key_pem, std::string_view data);
/// base64(HMAC-SHA256(key, data)).
std::string HmacSha256Base64(std::string_view key, std::string_view data);

struct KeyAndCertificate {
  std::string private_key_pem;
  std::string certificate_pem;
};
/// A fresh 2048-bit RSA key and a self-signed certificate for it (CN = common_name).
KeyAndCertificate MakeSelfSigned(const std::string& common_name);

/// A JWT bearer assertion: base64url(header).base64url(claims).base64url(RS256 sig).
std::string MakeJwt(const std::string& key_pem, const std::string& claims_json);

/// `n` random characters from [0-9A-Za-z] (std::random_device).
std::string RandomToken(size_t n);

}  // namespace sfwarden::sim
