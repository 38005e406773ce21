#include "salesforce/csv.h"

#include <algorithm>

namespace sfwarden::salesforce {

CsvParser::CsvParser(RowSink sink, Limits limits) : sink_(std::move(sink)), limits_(limits) {}

tl::expected<void, ApiError> CsvParser::Fail(std::string message) const {
  return tl::unexpected(
      MakeError(ErrorKind::kDecode, std::move(message), "CSV line " + std::to_string(line_)));
}

void CsvParser::EndField() {
  row_.push_back(std::move(field_));
  field_.clear();
}

void CsvParser::EndRow() {
  EndField();
  // A blank line is not a record for our purposes (EventLogFile never sends one).
  bool blank = !row_has_content_ && row_.size() == 1 && row_[0].empty();
  if (!blank) {
    ++rows_;
    if (!sink_(std::move(row_))) stopped_ = true;
  }
  row_.clear();
  row_has_content_ = false;
}

tl::expected<void, ApiError> CsvParser::Feed(std::string_view chunk) {
  for (std::size_t i = 0; i < chunk.size() && !stopped_; ++i) {
    char c = chunk[i];
    if (state_ == State::kAfterCr) {
      state_ = State::kFieldStart;
      if (c == '\n') continue;  // CRLF
    }
    switch (state_) {
      case State::kFieldStart:
      case State::kUnquoted:
        if (c == ',') {
          row_has_content_ = true;
          EndField();
          state_ = State::kFieldStart;
        } else if (c == '\n' || c == '\r') {
          EndRow();
          ++line_;
          state_ = c == '\r' ? State::kAfterCr : State::kFieldStart;
        } else if (c == '"') {
          if (state_ == State::kUnquoted) return Fail("quote inside an unquoted field");
          row_has_content_ = true;
          state_ = State::kQuoted;
        } else {
          row_has_content_ = true;
          field_ += c;
          state_ = State::kUnquoted;
        }
        break;
      case State::kQuoted: {
        // Copy the run up to the next quote at once: fields can be long.
        auto end = chunk.find('"', i);
        auto stop = end == std::string_view::npos ? chunk.size() : end;
        auto run = chunk.substr(i, stop - i);
        line_ += static_cast<std::size_t>(std::count(run.begin(), run.end(), '\n'));
        field_ += run;
        i = stop;  // at the quote (or past the end)
        if (end != std::string_view::npos) state_ = State::kQuoteInQuoted;
        break;
      }
      case State::kQuoteInQuoted:
        if (c == '"') {
          field_ += '"';
          state_ = State::kQuoted;
        } else if (c == ',') {
          EndField();
          state_ = State::kFieldStart;
        } else if (c == '\n' || c == '\r') {
          EndRow();
          ++line_;
          state_ = c == '\r' ? State::kAfterCr : State::kFieldStart;
        } else {
          return Fail("text after a closing quote");
        }
        break;
      case State::kAfterCr:
        break;  // handled above
    }
    if (field_.size() > limits_.max_field_bytes) return Fail("field larger than the limit");
    if (row_.size() > limits_.max_fields) return Fail("more fields in a row than the limit");
  }
  return {};
}

tl::expected<void, ApiError> CsvParser::Finish() {
  if (stopped_) return {};
  if (state_ == State::kQuoted) return Fail("input ends inside a quoted field");
  if (state_ != State::kAfterCr && (row_has_content_ || !field_.empty() || !row_.empty())) {
    EndRow();
  }
  state_ = State::kFieldStart;
  return {};
}

std::optional<std::size_t> ColumnIndex(const std::vector<std::string>& header,
                                       std::string_view name) {
  auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end()) return std::nullopt;
  return static_cast<std::size_t>(it - header.begin());
}

}  // namespace sfwarden::salesforce
