#include "salesforce/detail/gzip.h"

#include <string>

namespace sfwarden::salesforce::detail {
namespace {
ApiError GzipError(std::string message) {
  return MakeError(ErrorKind::kDecode, std::move(message), "gzip body");
}
}  // namespace

GzipDecoder::GzipDecoder() {
  // 16 + MAX_WBITS: expect a gzip wrapper (zlib manual, inflateInit2).
  inflateInit2(&stream_, 16 + MAX_WBITS);
}

GzipDecoder::~GzipDecoder() { inflateEnd(&stream_); }

tl::expected<void, ApiError> GzipDecoder::Feed(
    std::string_view input,
    const std::function<tl::expected<void, ApiError>(std::string_view)>& out) {
  if (done_) {
    if (input.empty()) return {};
    return tl::unexpected(GzipError("data after the end of the gzip stream"));
  }
  stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream_.avail_in = static_cast<uInt>(input.size());
  char buffer[16384];
  while (stream_.avail_in > 0 || stream_.avail_out == 0) {
    stream_.next_out = reinterpret_cast<Bytef*>(buffer);
    stream_.avail_out = sizeof buffer;
    int rc = inflate(&stream_, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      return tl::unexpected(GzipError("corrupt gzip data"));
    }
    std::size_t produced = sizeof buffer - stream_.avail_out;
    if (produced > 0) {
      if (auto r = out(std::string_view(buffer, produced)); !r) return r;
    }
    if (rc == Z_STREAM_END) {
      done_ = true;
      if (stream_.avail_in > 0)
        return tl::unexpected(GzipError("data after the end of the gzip stream"));
      break;
    }
    if (rc == Z_BUF_ERROR && produced == 0) break;  // needs more input
  }
  return {};
}

tl::expected<void, ApiError> GzipDecoder::Finish() const {
  if (!done_) return tl::unexpected(GzipError("gzip stream truncated"));
  return {};
}

}  // namespace sfwarden::salesforce::detail
