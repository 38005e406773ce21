#include "daemon/basic_auth.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <vector>

namespace sfwarden::daemon {
namespace {

constexpr std::size_t kBcryptHashLength = 60;  // "$2b$" + "NN$" + 22 salt + 31 hash
constexpr std::string_view kBcryptAlphabet =
    "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

std::optional<std::string> DecodeBase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0 || text.size() > 4096) return std::nullopt;
  std::vector<unsigned char> out(text.size() / 4 * 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding's zero bytes; drop one per '='.
  std::size_t size = static_cast<std::size_t>(n);
  for (auto it = text.rbegin(); it != text.rend() && *it == '=' && size > 0; ++it) --size;
  std::string result(reinterpret_cast<const char*>(out.data()), size);
  OPENSSL_cleanse(out.data(), out.size());
  return result;
}

std::array<unsigned char, 32> Digest(std::string_view user, std::string_view password,
                                     std::string_view hash) {
  std::array<unsigned char, 32> digest{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  // Lengths first, so that no two (user, password, hash) triples hash the same bytes.
  const std::size_t lengths[] = {user.size(), password.size(), hash.size()};
  EVP_DigestUpdate(ctx, lengths, sizeof lengths);
  EVP_DigestUpdate(ctx, user.data(), user.size());
  EVP_DigestUpdate(ctx, password.data(), password.size());
  EVP_DigestUpdate(ctx, hash.data(), hash.size());
  EVP_DigestFinal_ex(ctx, digest.data(), nullptr);
  EVP_MD_CTX_free(ctx);
  return digest;
}

}  // namespace

struct BasicAuth::CryptBuffer {
  crypt_data data;
};

std::optional<std::string> CheckBcryptHash(std::string_view hash) {
  if (hash.size() != kBcryptHashLength ||
      !(hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$")) ||
      hash[6] != '$') {
    return "not a bcrypt hash (expected 60 characters starting $2a$, $2b$ or $2y$, as "
           "'htpasswd -nBC 10 \"\" | tr -d :\\\\n' prints)";
  }
  if (hash.find_first_not_of("0123456789", 4) != 6) return "bcrypt cost must be two digits";
  const int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < 4 || cost > kMaxBcryptCost) {
    return "bcrypt cost " + std::to_string(cost) + " is outside 4.." +
           std::to_string(kMaxBcryptCost) +
           " (every check runs on the daemon's only thread; 10 is a good choice)";
  }
  if (hash.find_first_not_of(kBcryptAlphabet, 7) != std::string_view::npos) {
    return "bcrypt hash has characters outside its base64 alphabet";
  }
  auto buffer = std::make_unique<crypt_data>();
  std::memset(buffer.get(), 0, sizeof *buffer);
  const std::string setting(hash);
  if (crypt_rn("", setting.c_str(), buffer.get(), sizeof *buffer) == nullptr) {
    return "libxcrypt does not accept this bcrypt hash";
  }
  return std::nullopt;
}

BasicAuth::BasicAuth(std::map<std::string, std::string> users, BcryptBudget budget, Clock now)
    : users_(std::move(users)),
      budget_(budget),
      now_(now ? std::move(now) : Clock([] { return std::chrono::steady_clock::now(); })),
      tokens_(budget.burst),
      refilled_at_(now_()),
      buffer_(std::make_unique<CryptBuffer>()) {}

bool BasicAuth::TakeBudget(std::string_view hash) {
  const auto now = now_();
  const double elapsed = std::chrono::duration<double>(now - refilled_at_).count();
  tokens_ = std::min(budget_.burst, tokens_ + std::max(0.0, elapsed) * budget_.rounds_per_second);
  refilled_at_ = now;
  // The cost is two digits at hash[4..5] (CheckBcryptHash accepted it).
  const int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  const double rounds = std::ldexp(1.0, cost);
  if (tokens_ < rounds) {
    ++throttled_;
    return false;
  }
  tokens_ -= rounds;
  return true;
}

BasicAuth::~BasicAuth() { OPENSSL_cleanse(&buffer_->data, sizeof buffer_->data); }

bool BasicAuth::Check(std::string_view authorization) {
  if (users_.empty()) return false;
  constexpr std::string_view kScheme = "Basic ";
  if (authorization.size() <= kScheme.size()) return false;
  // The scheme is case-insensitive (RFC 9110 §11.1).
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return false;
    }
  }
  std::string_view encoded = authorization.substr(kScheme.size());
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  while (!encoded.empty() && encoded.back() == ' ') encoded.remove_suffix(1);
  auto decoded = DecodeBase64(encoded);
  if (!decoded) return false;
  const auto colon = decoded->find(':');
  bool ok = false;
  if (colon != std::string::npos) {
    const std::string user = decoded->substr(0, colon);
    const std::string_view password = std::string_view(*decoded).substr(colon + 1);
    auto it = users_.find(user);
    // An unknown user is checked against a configured hash anyway, so that the answer
    // takes as long as for a known one.
    const std::string& hash = it != users_.end() ? it->second : users_.begin()->second;
    const auto digest = Digest(user, password, hash);
    if (it != users_.end() && accepted_.count(digest)) {
      ok = true;
    } else if (TakeBudget(hash)) {
      std::memset(&buffer_->data, 0, sizeof buffer_->data);
      std::string pw(password);
      const char* out = crypt_rn(pw.c_str(), hash.c_str(), &buffer_->data, sizeof buffer_->data);
      ok = it != users_.end() && out != nullptr && std::strlen(out) == hash.size() &&
           CRYPTO_memcmp(out, hash.data(), hash.size()) == 0;
      OPENSSL_cleanse(pw.data(), pw.size());
      if (ok) {
        if (accepted_.size() >= kCacheSize) accepted_.clear();
        accepted_.insert(digest);
      }
    }
  }
  OPENSSL_cleanse(decoded->data(), decoded->size());
  return ok;
}

}  // namespace sfwarden::daemon
