#pragma once
// Checks shared by the fuzz targets: text that reaches a log line must be one line.

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace sfwarden::fuzz {

/// Aborts (a libFuzzer crash) when `text` holds a control character: an error printed
/// from hostile input must not start a new log line or carry a terminal escape.
inline void RequireOneLine(std::string_view text, const char* what) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      std::fprintf(stderr, "%s holds control character 0x%02x\n", what, c);
      std::abort();
    }
  }
}

/// The same for the error of a decoder's result (tl::expected<T, salesforce::ApiError>).
template <typename Result>
void RequireOneLineError(const Result& result) {
  if (!result) RequireOneLine(result.error().ToString(), "ApiError::ToString()");
}

}  // namespace sfwarden::fuzz
