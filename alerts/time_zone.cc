#include "alerts/time_zone.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

namespace sfwarden::alerts {
namespace {

// RFC 8536 §3.1: "TZif", a version byte, 15 reserved bytes, six 32-bit big-endian counts.
constexpr std::size_t kHeaderSize = 44;
constexpr std::size_t kMaxFileSize = 1 << 20;  // real zone files are a few KiB

struct Header {
  std::uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

std::uint64_t ReadBigEndian(std::string_view data, std::size_t at, int bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) {
    value = (value << 8) | static_cast<unsigned char>(data[at + static_cast<std::size_t>(i)]);
  }
  return value;
}

bool ReadHeader(std::string_view data, std::size_t at, Header& h, char& version) {
  if (data.size() < at + kHeaderSize || data.substr(at, 4) != "TZif") return false;
  version = data[at + 4];
  std::uint32_t* fields[] = {&h.isutcnt, &h.isstdcnt, &h.leapcnt,
                             &h.timecnt, &h.typecnt,  &h.charcnt};
  for (int i = 0; i < 6; ++i) {
    *fields[i] = static_cast<std::uint32_t>(
        ReadBigEndian(data, at + 20 + static_cast<std::size_t>(i) * 4, 4));
  }
  return true;
}

// Size of a data block whose transition times take `time_size` bytes (4 in v1, 8 in v2+).
std::size_t BlockSize(const Header& h, std::size_t time_size) {
  return h.timecnt * time_size + h.timecnt + h.typecnt * 6 + h.charcnt +
         h.leapcnt * (time_size + 4) + h.isstdcnt + h.isutcnt;
}

}  // namespace

tl::expected<TimeZone, std::string> TimeZone::Load(std::string_view name,
                                                   const std::filesystem::path& dir) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos) {
    return tl::unexpected("'" + std::string(name) + "' is not an IANA time zone name");
  }
  std::ifstream in(dir / std::string(name), std::ios::binary);
  if (!in) return tl::unexpected("unknown time zone '" + std::string(name) + "'");
  std::string data;
  data.resize(kMaxFileSize + 1);
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<std::size_t>(in.gcount()));
  if (data.size() > kMaxFileSize) {
    return tl::unexpected("time zone file for '" + std::string(name) + "' is too large");
  }
  return Parse(name, data);
}

tl::expected<TimeZone, std::string> TimeZone::Parse(std::string_view name, std::string_view tzif) {
  auto bad = [&] {
    return tl::unexpected("'" + std::string(name) + "' is not a valid TZif time zone file");
  };
  Header h{};
  char version = 0;
  if (!ReadHeader(tzif, 0, h, version)) return bad();
  if (version == '\0') {
    return tl::unexpected("time zone file for '" + std::string(name) +
                          "' is TZif version 1 (no 64-bit data)");
  }
  // Skip the version 1 block; the version 2+ header and 64-bit block follow it.
  const std::size_t v2 = kHeaderSize + BlockSize(h, 4);
  if (!ReadHeader(tzif, v2, h, version)) return bad();
  const std::size_t data = v2 + kHeaderSize;
  if (h.typecnt == 0 || tzif.size() < data + BlockSize(h, 8)) return bad();

  TimeZone zone;
  zone.name_ = std::string(name);
  const std::size_t types_at = data + h.timecnt * 9;
  std::vector<std::int32_t> type_offsets(h.typecnt);
  for (std::uint32_t i = 0; i < h.typecnt; ++i) {
    type_offsets[i] = static_cast<std::int32_t>(
        static_cast<std::uint32_t>(ReadBigEndian(tzif, types_at + i * 6, 4)));
  }
  // RFC 8536 §3.2: time type 0 applies before the first transition.
  zone.initial_offset_ = type_offsets[0];
  for (std::uint32_t i = 0; i < h.timecnt; ++i) {
    const auto when = static_cast<std::int64_t>(ReadBigEndian(tzif, data + i * 8, 8));
    const auto type = static_cast<unsigned char>(tzif[data + h.timecnt * 8 + i]);
    if (type >= h.typecnt) return bad();
    if (!zone.transitions_.empty() && when <= zone.transitions_.back()) return bad();
    zone.transitions_.push_back(when);
    zone.offsets_.push_back(type_offsets[type]);
  }
  return zone;
}

std::chrono::seconds TimeZone::OffsetAt(std::chrono::sys_seconds t) const {
  const std::int64_t s = t.time_since_epoch().count();
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), s);
  if (it == transitions_.begin()) return std::chrono::seconds(initial_offset_);
  return std::chrono::seconds(offsets_[static_cast<std::size_t>(it - transitions_.begin() - 1)]);
}

std::chrono::local_seconds TimeZone::ToLocal(std::chrono::sys_seconds t) const {
  return std::chrono::local_seconds(t.time_since_epoch() + OffsetAt(t));
}

}  // namespace sfwarden::alerts
