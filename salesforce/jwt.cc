#include "salesforce/jwt.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

namespace sfwarden::salesforce {
namespace {
constexpr std::string_view kContext = "JWT bearer assertion";

ApiError KeyError(std::string message) {
  ERR_clear_error();  // OpenSSL's queue may name file positions; never surface it
  return MakeError(ErrorKind::kAuth, std::move(message), std::string(kContext));
}

// Refuses to prompt for a passphrase on a terminal (the default callback would).
int NoPassphrase(char*, int, int, void*) { return -1; }
}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  std::replace(out.begin(), out.end(), '+', '-');
  std::replace(out.begin(), out.end(), '/', '_');
  return out;
}

tl::expected<std::string, ApiError> MakeJwtAssertion(const JwtClaims& claims,
                                                     std::string_view private_key_pem) {
  if (claims.issuer.empty() || claims.subject.empty() || claims.audience.empty()) {
    return tl::unexpected(KeyError("iss, sub and aud must not be empty"));
  }
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())), &BIO_free);
  if (!bio) return tl::unexpected(KeyError("out of memory"));
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, &NoPassphrase, nullptr), &EVP_PKEY_free);
  if (!key) return tl::unexpected(KeyError("private key is not an unencrypted PEM private key"));
  if (!EVP_PKEY_is_a(key.get(), "RSA")) {
    return tl::unexpected(KeyError("private key is not an RSA key (RS256 needs RSA)"));
  }

  auto lifetime = std::min(claims.lifetime, std::chrono::seconds(kMaxJwtLifetime));
  auto exp =
      std::chrono::duration_cast<std::chrono::seconds>((claims.now + lifetime).time_since_epoch())
          .count();
  nlohmann::json payload = {
      {"iss", claims.issuer}, {"sub", claims.subject}, {"aud", claims.audience}, {"exp", exp}};
  std::string signing_input =
      Base64UrlEncode(R"({"alg":"RS256"})") + "." + Base64UrlEncode(payload.dump());

  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::size_t sig_len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &sig_len,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    return tl::unexpected(KeyError("RS256 signing failed"));
  }
  std::vector<unsigned char> sig(sig_len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &sig_len,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    return tl::unexpected(KeyError("RS256 signing failed"));
  }
  return signing_input + "." +
         Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(sig.data()), sig_len));
}

}  // namespace sfwarden::salesforce
