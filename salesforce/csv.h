#pragma once
// A streaming RFC 4180 CSV parser for EventLogFile LogFile blobs (text/csv, first line a
// quoted header, every value double-quoted; WIRE.md §5). Fed in arbitrary chunks as the
// download arrives; quoted fields may hold commas, CR/LF and doubled quotes.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "salesforce/errors.h"

namespace sfwarden::salesforce {

class CsvParser {
 public:
  /// Receives each row (the header is row 0). Returning false stops parsing: later Feed()
  /// calls are ignored.
  using RowSink = std::function<bool(std::vector<std::string>&& row)>;
  struct Limits {
    std::size_t max_field_bytes = 1 << 20;
    std::size_t max_fields = 1000;
  };

  explicit CsvParser(RowSink sink) : CsvParser(std::move(sink), Limits{}) {}
  CsvParser(RowSink sink, Limits limits);

  /// kDecode on a quote inside an unquoted field, text after a closing quote, or a limit.
  tl::expected<void, ApiError> Feed(std::string_view chunk);
  /// Ends the input: emits a last row without a line break; kDecode if a quote is open.
  tl::expected<void, ApiError> Finish();

  std::size_t rows() const { return rows_; }
  bool stopped() const { return stopped_; }

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted, kAfterCr };
  tl::expected<void, ApiError> Fail(std::string message) const;
  void EndField();
  void EndRow();

  RowSink sink_;
  Limits limits_;
  State state_ = State::kFieldStart;
  std::string field_;
  std::vector<std::string> row_;
  bool row_has_content_ = false;
  std::size_t rows_ = 0;
  std::size_t line_ = 1;
  bool stopped_ = false;
};

/// The index of `name` in a header row.
std::optional<std::size_t> ColumnIndex(const std::vector<std::string>& header,
                                       std::string_view name);

}  // namespace sfwarden::salesforce
