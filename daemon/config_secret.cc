// Secret and Secret files: the only place the loader touches secret bytes.

#include "daemon/detail/config_secret.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "daemon/config.h"

namespace sfwarden::daemon {

Secret::~Secret() {
  if (!value_.empty()) OPENSSL_cleanse(value_.data(), value_.size());
}

namespace detail {
namespace fs = std::filesystem;
namespace {

std::string ModeText(mode_t mode) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%04o", static_cast<unsigned>(mode & 07777));
  return buffer;
}

// Whether `path` lies inside $CREDENTIALS_DIRECTORY and that directory is closed to group
// and others: then nobody else can reach the file whatever its own mode says (systemd
// may give credentials 0440 with an ACL).
bool InClosedCredentialsDirectory(const fs::path& path, const GetEnv& getenv) {
  const auto dir = getenv("CREDENTIALS_DIRECTORY");
  if (!dir || dir->empty()) return false;
  std::error_code ec;
  fs::path root = fs::weakly_canonical(*dir, ec);
  if (ec) return false;
  if (!root.has_filename()) root = root.parent_path();  // "/run/credentials/x/"
  const fs::path file = fs::weakly_canonical(path, ec);
  if (ec) return false;
  auto [root_end, file_it] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  if (root_end != root.end()) return false;
  struct stat st {};
  return ::stat(root.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 077) == 0;
}

// Answers an encrypted key's passphrase prompt with "no passphrase", so OpenSSL never
// reads the terminal.
int NoPassphrase(char*, int, int, void*) { return -1; }

}  // namespace

std::optional<std::string> CheckPrivateFile(const fs::path& path, const GetEnv& getenv) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return "file " + path.string() + " does not exist";
    return "cannot access " + path.string() + ": " + std::strerror(errno);
  }
  if (!S_ISREG(st.st_mode)) return path.string() + " is not a regular file";
  if ((st.st_mode & 077) != 0 && !InClosedCredentialsDirectory(path, getenv)) {
    return "permissions " + ModeText(st.st_mode) + " for " + path.string() +
           " are too open: a secret must not be accessible by group or others (chmod 600 " +
           path.string() + ")";
  }
  return std::nullopt;
}

tl::expected<std::string, std::string> ReadSecretFile(const fs::path& path, const GetEnv& getenv) {
  if (auto problem = CheckPrivateFile(path, getenv)) return tl::unexpected(*problem);
  std::error_code ec;
  if (fs::file_size(path, ec) > kMaxSecretFileBytes) {
    return tl::unexpected(path.string() + " is larger than 64 KiB; not a secret file?");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return tl::unexpected("cannot read " + path.string() + ": " + std::strerror(errno));
  std::ostringstream content;
  content << in.rdbuf();
  std::string value = std::move(content).str();
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  if (value.empty()) return tl::unexpected("secret file " + path.string() + " is empty");
  return value;
}

std::optional<std::string> CheckPrivateKeyFile(const fs::path& path, const GetEnv& getenv) {
  if (auto problem = CheckPrivateFile(path, getenv)) return problem;
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return "cannot read " + path.string() + ": " + std::strerror(errno);
  EVP_PKEY* key = PEM_read_PrivateKey(file, nullptr, &NoPassphrase, nullptr);
  std::fclose(file);
  if (!key) {
    const unsigned long error = ERR_peek_last_error();
    ERR_clear_error();
    if (ERR_GET_REASON(error) == PEM_R_BAD_PASSWORD_READ ||
        ERR_GET_REASON(error) == PEM_R_BAD_DECRYPT) {
      return path.string() +
             " holds an encrypted private key; sfwarden needs it unencrypted (protect the file "
             "by its mode or systemd's LoadCredentialEncrypted=)";
    }
    return path.string() + " is not a PEM private key";
  }
  const bool is_rsa = EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA;
  EVP_PKEY_free(key);
  if (!is_rsa) {
    return path.string() + " is not an RSA key; the JWT bearer flow signs with RS256";
  }
  return std::nullopt;
}

}  // namespace detail
}  // namespace sfwarden::daemon
