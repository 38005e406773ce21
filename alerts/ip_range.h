#pragma once
// IP addresses and CIDR ranges for allow-lists (integration users' `allowed_ips`).
// Shared by the config loader (validation) and the alert rules (matching logins).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace sfwarden::alerts {

/// One IPv4 or IPv6 address. IPv4-mapped IPv6 addresses (::ffff:1.2.3.4) are stored as
/// IPv4, so a login reported either way matches an IPv4 range. Zone ids (fe80::1%eth0)
/// are refused. A plain value: copy it freely.
class IpAddress {
 public:
  /// Parses dotted-quad IPv4 or RFC 4291 text IPv6; nullopt when it is neither.
  static std::optional<IpAddress> Parse(std::string_view text);

  bool is_v6() const { return v6_; }
  /// Canonical text: "54.174.0.1", "2600:1f18::1".
  std::string ToString() const;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  friend class IpRange;
  bool v6_ = false;
  std::array<std::uint8_t, 16> bytes_{};  // IPv4 uses the first 4
};

/// A CIDR block: "54.174.0.0/16", "2600:1f18::/36"; a bare address is a /32 or /128.
/// A plain value: copy it freely.
class IpRange {
 public:
  /// Parses `text`; on failure returns a one-line reason fit for a config error (it
  /// says what is wrong, e.g. that the prefix is too long or that host bits are set and
  /// which network was probably meant).
  static tl::expected<IpRange, std::string> Parse(std::string_view text);

  /// True when `address` is inside the range. An IPv4 address is never inside an IPv6
  /// range and vice versa (except IPv4-mapped IPv6 addresses, see IpAddress).
  bool Contains(const IpAddress& address) const;
  /// Same for text; false when `address` does not parse.
  bool Contains(std::string_view address) const;

  const IpAddress& network() const { return network_; }
  int prefix_length() const { return prefix_; }
  bool is_v6() const { return network_.is_v6(); }
  /// Canonical "network/prefix", e.g. "2600:1f18::/36" (always with the prefix).
  std::string ToString() const;
  friend bool operator==(const IpRange&, const IpRange&) = default;

 private:
  IpRange() = default;  // no public default: 0.0.0.0/0 would allow everything
  IpAddress network_;
  int prefix_ = 0;
};

}  // namespace sfwarden::alerts
