#pragma once
// The OAuth 2.0 JWT bearer assertion (RFC 7523; Salesforce Help "OAuth 2.0 JWT Bearer Flow
// for Server-to-Server Integration"; WIRE.md §1): header {"alg":"RS256"}, claims iss =
// connected-app consumer key, sub = username, aud = login/test/My Domain URL, exp =
// NumericDate at most 3 minutes ahead; RS256-signed with the app's private key.

#include <chrono>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

#include "salesforce/errors.h"

namespace sfwarden::salesforce {

constexpr auto kMaxJwtLifetime = std::chrono::minutes(3);

struct JwtClaims {
  std::string issuer;    // client id (consumer key)
  std::string subject;   // username
  std::string audience;  // https://login.salesforce.com, https://test.salesforce.com, ...
  std::chrono::system_clock::time_point now;
  std::chrono::seconds lifetime = kMaxJwtLifetime;  // clamped to kMaxJwtLifetime
};

/// header.claims.signature, base64url without padding. `private_key_pem` is an
/// unencrypted PEM RSA private key (PKCS#1 or PKCS#8). A bad key is kAuth; the error never
/// quotes the key.
tl::expected<std::string, ApiError> MakeJwtAssertion(const JwtClaims& claims,
                                                     std::string_view private_key_pem);

std::string Base64UrlEncode(std::string_view bytes);

}  // namespace sfwarden::salesforce
