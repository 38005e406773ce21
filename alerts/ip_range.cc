#include "alerts/ip_range.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace sfwarden::alerts {
namespace {

constexpr std::array<std::uint8_t, 12> kV4MappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

// Clears every bit after the first `prefix` bits; returns whether any was set.
bool MaskHostBits(std::array<std::uint8_t, 16>& bytes, int prefix, int total_bits) {
  bool had_host_bits = false;
  for (int bit = prefix; bit < total_bits; ++bit) {
    auto& byte = bytes[static_cast<std::size_t>(bit / 8)];
    const auto mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
    if (byte & mask) {
      had_host_bits = true;
      byte = static_cast<std::uint8_t>(byte & ~mask);
    }
  }
  return had_host_bits;
}

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  // inet_pton needs a NUL-terminated string; addresses are short, so bound the copy.
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  const std::string copy(text);
  IpAddress address;
  if (inet_pton(AF_INET, copy.c_str(), address.bytes_.data()) == 1) return address;
  if (inet_pton(AF_INET6, copy.c_str(), address.bytes_.data()) != 1) return std::nullopt;
  if (std::equal(kV4MappedPrefix.begin(), kV4MappedPrefix.end(), address.bytes_.begin())) {
    std::array<std::uint8_t, 16> v4{};
    std::copy_n(address.bytes_.begin() + 12, 4, v4.begin());
    address.bytes_ = v4;
    return address;
  }
  address.v6_ = true;
  return address;
}

std::string IpAddress::ToString() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6_ ? AF_INET6 : AF_INET, bytes_.data(), buffer, sizeof buffer);
  return buffer;
}

tl::expected<IpRange, std::string> IpRange::Parse(std::string_view text) {
  const auto slash = text.find('/');
  const std::string_view address_text = text.substr(0, slash);
  auto address = IpAddress::Parse(address_text);
  if (!address) {
    return tl::unexpected("'" + std::string(address_text) + "' is not an IPv4 or IPv6 address");
  }
  const int max_prefix = address->is_v6() ? 128 : 32;
  int prefix = max_prefix;
  if (slash != std::string_view::npos) {
    const std::string_view prefix_text = text.substr(slash + 1);
    const char* end = prefix_text.data() + prefix_text.size();
    auto [ptr, ec] = std::from_chars(prefix_text.data(), end, prefix);
    if (prefix_text.empty() || ec != std::errc() || ptr != end || prefix < 0 ||
        prefix > max_prefix) {
      return tl::unexpected("prefix length '" + std::string(prefix_text) + "' must be 0-" +
                            std::to_string(max_prefix) + " for an " +
                            (address->is_v6() ? "IPv6" : "IPv4") + " range");
    }
  }
  IpRange range;
  range.network_ = *address;
  range.prefix_ = prefix;
  if (MaskHostBits(range.network_.bytes_, prefix, max_prefix)) {
    return tl::unexpected("'" + std::string(text) + "' has host bits set after the /" +
                          std::to_string(prefix) + " prefix; did you mean " + range.ToString() +
                          "?");
  }
  return range;
}

bool IpRange::Contains(const IpAddress& address) const {
  if (address.is_v6() != is_v6()) return false;
  auto masked = address.bytes_;
  MaskHostBits(masked, prefix_, is_v6() ? 128 : 32);
  return masked == network_.bytes_;
}

bool IpRange::Contains(std::string_view address) const {
  auto parsed = IpAddress::Parse(address);
  return parsed && Contains(*parsed);
}

std::string IpRange::ToString() const {
  return network_.ToString() + "/" + std::to_string(prefix_);
}

}  // namespace sfwarden::alerts
