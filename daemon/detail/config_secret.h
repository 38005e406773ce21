#pragma once
// Secret files of the config loader: permission checks (like ssh), reading, and the JWT
// private key check. Error strings name the file, never its contents.

#include <filesystem>
#include <optional>
#include <string>
#include <tl/expected.hpp>

#include "daemon/detail/config_text.h"

namespace sfwarden::daemon::detail {

/// Files at most this large are read as secrets (a client id or URL is far smaller).
inline constexpr std::uintmax_t kMaxSecretFileBytes = 64 * 1024;

/// Refuses a file that does not exist, is not a regular file, or is accessible by group
/// or others (mode & 077), unless it lies in $CREDENTIALS_DIRECTORY and that directory is
/// itself closed to group and others (systemd's credentials, whose file modes systemd
/// chooses). Returns the reason, or nullopt when the file is fine.
std::optional<std::string> CheckPrivateFile(const std::filesystem::path& path,
                                            const GetEnv& getenv);

/// CheckPrivateFile, then reads the file and strips trailing "\n" / "\r\n". An empty
/// result is an error.
tl::expected<std::string, std::string> ReadSecretFile(const std::filesystem::path& path,
                                                      const GetEnv& getenv);

/// CheckPrivateFile, then checks the file holds an unencrypted PEM RSA private key (the
/// JWT bearer flow signs with RS256).
std::optional<std::string> CheckPrivateKeyFile(const std::filesystem::path& path,
                                               const GetEnv& getenv);

}  // namespace sfwarden::daemon::detail
