#pragma once
// Streaming gzip decoding (zlib) for Content-Encoding: gzip responses.

#include <zlib.h>

#include <functional>
#include <string_view>
#include <tl/expected.hpp>

#include "salesforce/errors.h"

namespace sfwarden::salesforce::detail {

class GzipDecoder {
 public:
  GzipDecoder();
  ~GzipDecoder();
  GzipDecoder(const GzipDecoder&) = delete;
  GzipDecoder& operator=(const GzipDecoder&) = delete;

  /// Decodes `input`, handing decoded bytes to `out` in pieces; kDecode on corrupt data.
  tl::expected<void, ApiError> Feed(
      std::string_view input,
      const std::function<tl::expected<void, ApiError>(std::string_view)>& out);
  /// kDecode if the stream ended before the gzip trailer.
  tl::expected<void, ApiError> Finish() const;

 private:
  z_stream stream_{};
  bool done_ = false;
};

}  // namespace sfwarden::salesforce::detail
