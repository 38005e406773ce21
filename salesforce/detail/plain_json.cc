#include "salesforce/detail/plain_json.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace sfwarden::salesforce::detail {
namespace {

using PlainSax = nlohmann::json_sax<nlohmann::json>;

// nlohmann passes "unknown" as the element count of containers parsed from text.
constexpr std::size_t kPlainUnknownSize = static_cast<std::size_t>(-1);
// Deeper text is left to nlohmann (which has no limit): this scan keeps a stack per level.
constexpr std::size_t kPlainMaxDepth = 512;
// Integers of up to 18 digits fit both int64 and uint64 whatever their sign; longer ones
// are nlohmann's to classify (integer, unsigned or, past 64 bits, float).
constexpr std::size_t kPlainMaxIntegerDigits = 18;

bool IsPlainDigit(char c) { return c >= '0' && c <= '9'; }

class PlainJsonScanner {
 public:
  PlainJsonScanner(std::string_view text, PlainSax& sax)
      : p_(text.data()), end_(text.data() + text.size()), sax_(sax) {}

  bool Document() {
    std::vector<char> open;  // the containers open, innermost last: '{' or '['
    while (true) {
      // A value comes next.
      SkipSpace();
      if (p_ == end_) return false;
      const char c = *p_;
      if (c == '{' || c == '[') {
        ++p_;
        if (open.size() == kPlainMaxDepth) return false;
        if (!(c == '{' ? sax_.start_object(kPlainUnknownSize)
                       : sax_.start_array(kPlainUnknownSize))) {
          return false;
        }
        open.push_back(c);
        SkipSpace();
        if (p_ == end_) return false;
        if (*p_ != (c == '{' ? '}' : ']')) {
          if (c == '{' && !Key()) return false;
          continue;  // the container's first value
        }
        // An empty container: closed below like any other.
      } else if (!Scalar()) {
        return false;
      }
      // After a value: closings of the innermost containers, then ',' or the end.
      while (true) {
        SkipSpace();
        if (open.empty()) return p_ == end_;
        if (p_ == end_) return false;
        const char d = *p_++;
        if (d == ',') {
          if (open.back() == '{') {
            SkipSpace();
            if (!Key()) return false;
          }
          break;
        }
        if (d != (open.back() == '{' ? '}' : ']')) return false;
        open.pop_back();
        if (!(d == '}' ? sax_.end_object() : sax_.end_array())) return false;
      }
    }
  }

 private:
  void SkipSpace() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  // A member's key and its ':'.
  bool Key() {
    std::string key;
    if (!String(key) || !sax_.key(key)) return false;
    SkipSpace();
    if (p_ == end_ || *p_ != ':') return false;
    ++p_;
    return true;
  }

  // A string without escapes, control characters or non-ASCII bytes (those are
  // nlohmann's: unescaping and UTF-8 checks).
  bool String(std::string& out) {
    if (p_ == end_ || *p_ != '"') return false;
    const char* start = ++p_;
    for (; p_ != end_; ++p_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out.assign(start, p_);
        ++p_;
        return true;
      }
      if (c < 0x20 || c == '\\' || c >= 0x80) return false;
    }
    return false;
  }

  bool Literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  bool Scalar() {
    switch (*p_) {
      case '"': {
        std::string text;
        return String(text) && sax_.string(text);
      }
      case 't':
        return Literal("true") && sax_.boolean(true);
      case 'f':
        return Literal("false") && sax_.boolean(false);
      case 'n':
        return Literal("null") && sax_.null();
      default:
        return Number();
    }
  }

  // JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool Number() {
    const char* start = p_;
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || !IsPlainDigit(*p_)) return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && IsPlainDigit(*p_)) ++p_;
    }
    const char* integer_end = p_;
    bool is_float = false;
    if (p_ != end_ && *p_ == '.') {
      is_float = true;
      ++p_;
      if (!Digits()) return false;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      is_float = true;
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (!Digits()) return false;
    }
    if (is_float) {
      double value = 0;
      auto [ptr, ec] = std::from_chars(start, p_, value);
      // nlohmann refuses a float that overflows; under- and overflow are left to it.
      if (ec != std::errc() || ptr != p_ || !std::isfinite(value)) return false;
      const std::string text(start, p_);
      return sax_.number_float(value, text);
    }
    const char* digits = negative ? start + 1 : start;
    if (static_cast<std::size_t>(integer_end - digits) > kPlainMaxIntegerDigits) return false;
    std::uint64_t value = 0;
    for (const char* d = digits; d != integer_end; ++d) {
      value = value * 10 + static_cast<std::uint64_t>(*d - '0');
    }
    if (negative) return sax_.number_integer(-static_cast<std::int64_t>(value));
    return sax_.number_unsigned(value);
  }

  // One or more digits.
  bool Digits() {
    if (p_ == end_ || !IsPlainDigit(*p_)) return false;
    while (p_ != end_ && IsPlainDigit(*p_)) ++p_;
    return true;
  }

  const char* p_;
  const char* end_;
  PlainSax& sax_;
};

}  // namespace

bool ScanPlainJson(std::string_view text, nlohmann::json_sax<nlohmann::json>& sax) {
  return PlainJsonScanner(text, sax).Document();
}

}  // namespace sfwarden::salesforce::detail
