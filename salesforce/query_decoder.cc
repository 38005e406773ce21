#include "salesforce/query_decoder.h"

#include <limits>

#include "salesforce/detail/json.h"
#include "salesforce/detail/simdjson_events.h"

namespace sfwarden::salesforce {
namespace {
constexpr std::string_view kWhat = "query result";

// What a page says besides its records, gathered from a JSON tree (DecodeQueryPageJson) or
// while parsing (DecodeQueryPageRows); one check of it (PageOf) gives both the same errors.
struct PageFacts {
  bool is_object = false;
  std::optional<std::int64_t> total_size;  // nullopt: missing, or not an integer >= 0
  std::optional<bool> done;                // nullopt: missing or not a boolean
  bool records_is_array = false;
  bool record_not_object = false;  // an element of `records` is not an object
  bool next_not_string = false;    // nextRecordsUrl is there, not null and not a string
  std::string next_records_url;
};

// The page the facts describe, without its records, or the first thing wrong with it.
tl::expected<QueryPage, ApiError> PageOf(PageFacts facts) {
  if (!facts.is_object) return tl::unexpected(detail::DecodeError(kWhat, "not an object"));
  if (!facts.total_size) {
    return tl::unexpected(detail::DecodeError(kWhat, "missing or bad 'totalSize'"));
  }
  if (!facts.done) return tl::unexpected(detail::DecodeError(kWhat, "missing or bad 'done'"));
  if (!facts.records_is_array) {
    return tl::unexpected(detail::DecodeError(kWhat, "missing or bad 'records'"));
  }
  if (facts.next_not_string) {
    return tl::unexpected(detail::DecodeError(kWhat, "'nextRecordsUrl' is not a string"));
  }
  QueryPage page;
  page.total_size = *facts.total_size;
  page.done = *facts.done;
  page.next_records_url = std::move(facts.next_records_url);
  if (!page.done) {
    // The URL is followed with our bearer token: accept only a path on the same instance.
    if (!page.next_records_url.starts_with("/services/data/")) {
      return tl::unexpected(
          detail::DecodeError(kWhat, "'done' is false without a /services/data/ nextRecordsUrl"));
    }
  } else {
    page.next_records_url.clear();
  }
  if (facts.record_not_object) {
    return tl::unexpected(detail::DecodeError(kWhat, "a record is not an object"));
  }
  return page;
}

// SAX events of one query page -> PageFacts and a StringRow per record. Depth counts the
// open objects and arrays: 1 inside the page, 2 inside `records`, 3 inside a record.
// Where a key comes twice, the last value counts, as in a parsed tree.
class PageRowsReader final : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit PageRowsReader(std::span<const std::string> fields)
      : fields_(fields), field_(fields.size()) {}

  /// The page read, its records as rows, or what is wrong with it.
  tl::expected<QueryPage, ApiError> Page() && {
    auto page = PageOf(std::move(facts_));
    if (page) page->rows = std::move(rows_);
    return page;
  }

  bool null() override { return Value(Event::kNull); }
  bool boolean(bool value) override {
    if (depth_ == 1 && key_ == TopKey::kDone) {
      facts_.done = value;
      key_ = TopKey::kOther;
      return true;
    }
    return Value(Event::kOther);
  }
  bool number_integer(number_integer_t value) override {
    return Integer(value >= 0 ? std::optional<std::int64_t>(value) : std::nullopt);
  }
  bool number_unsigned(number_unsigned_t value) override {
    constexpr auto kMax = static_cast<number_unsigned_t>(std::numeric_limits<std::int64_t>::max());
    return Integer(value <= kMax ? std::optional<std::int64_t>(value) : std::nullopt);
  }
  bool number_float(number_float_t, const string_t&) override { return Value(Event::kOther); }
  bool string(string_t& value) override { return Value(Event::kString, &value); }
  bool binary(binary_t&) override { return Value(Event::kOther); }

  bool start_object(std::size_t) override {
    Value(Event::kObject);
    ++depth_;
    return true;
  }
  bool end_object() override {
    if (depth_ == 3) in_record_ = false;
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    Value(Event::kArray);
    ++depth_;
    return true;
  }
  bool end_array() override {
    if (depth_ == 2) in_records_ = false;
    --depth_;
    return true;
  }

  bool key(string_t& key) override {
    if (depth_ == 1) {
      key_ = key == "totalSize"        ? TopKey::kTotalSize
             : key == "done"           ? TopKey::kDone
             : key == "records"        ? TopKey::kRecords
             : key == "nextRecordsUrl" ? TopKey::kNextRecordsUrl
                                       : TopKey::kOther;
    } else if (depth_ == 3 && in_record_) {
      field_ = fields_.size();
      for (std::size_t i = 0; i < fields_.size(); ++i) {
        if (fields_[i] == key) {
          field_ = i;
          break;
        }
      }
    }
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  enum class Event { kNull, kString, kObject, kArray, kOther };
  enum class TopKey { kOther, kTotalSize, kDone, kRecords, kNextRecordsUrl };

  bool Integer(std::optional<std::int64_t> non_negative) {
    if (depth_ == 1 && key_ == TopKey::kTotalSize) {
      facts_.total_size = non_negative;
      key_ = TopKey::kOther;
      return true;
    }
    return Value(Event::kOther);
  }

  // A value (or the start of an object or array) at the current depth. Booleans and
  // integers of the page's own keys are taken by boolean()/Integer() first.
  bool Value(Event event, string_t* text = nullptr) {
    if (depth_ == 0) {
      facts_.is_object = event == Event::kObject;
    } else if (depth_ == 1) {
      TopValue(event, text);
    } else if (depth_ == 2 && in_records_) {
      if (event == Event::kObject) {
        rows_.emplace_back(fields_.size());
        in_record_ = true;
      } else {
        facts_.record_not_object = true;
      }
    } else if (depth_ == 3 && in_record_ && field_ < fields_.size()) {
      auto& cell = rows_.back()[field_];
      if (event == Event::kString) {
        cell = std::move(*text);
      } else {
        cell.reset();
      }
      field_ = fields_.size();
    }
    return true;
  }

  void TopValue(Event event, string_t* text) {
    switch (key_) {
      case TopKey::kTotalSize:
        facts_.total_size.reset();
        break;
      case TopKey::kDone:
        facts_.done.reset();
        break;
      case TopKey::kRecords:
        facts_.records_is_array = event == Event::kArray;
        facts_.record_not_object = false;
        rows_.clear();
        in_records_ = facts_.records_is_array;
        break;
      case TopKey::kNextRecordsUrl:
        facts_.next_not_string = event != Event::kString && event != Event::kNull;
        facts_.next_records_url = event == Event::kString ? std::move(*text) : std::string();
        break;
      case TopKey::kOther:
        break;
    }
    key_ = TopKey::kOther;
  }

  PageFacts facts_;
  std::vector<StringRow> rows_;
  std::span<const std::string> fields_;
  int depth_ = 0;
  TopKey key_ = TopKey::kOther;  // the page's key whose value comes next
  bool in_records_ = false;      // the array open at depth 2 is the page's `records`
  bool in_record_ = false;       // the object open at depth 3 is one of its records
  std::size_t field_;            // index in fields_ of the record key whose value comes next
};

}  // namespace

tl::expected<QueryPage, ApiError> DecodeQueryPage(std::string_view body) {
  auto json = detail::ParseJson(body, kWhat);
  if (!json) return tl::unexpected(json.error());
  return DecodeQueryPageJson(std::move(*json));
}

tl::expected<QueryPage, ApiError> DecodeQueryPageJson(nlohmann::json body) {
  PageFacts facts;
  facts.is_object = body.is_object();
  auto records = facts.is_object ? body.find("records") : body.end();
  if (facts.is_object) {
    if (auto total = body.find("totalSize");
        total != body.end() && total->is_number_integer() && total->get<std::int64_t>() >= 0) {
      facts.total_size = total->get<std::int64_t>();
    }
    if (auto done = body.find("done"); done != body.end() && done->is_boolean()) {
      facts.done = done->get<bool>();
    }
    facts.records_is_array = records != body.end() && records->is_array();
    if (facts.records_is_array) {
      for (const auto& record : *records) facts.record_not_object |= !record.is_object();
    }
    auto next = detail::OptionalString(body, "nextRecordsUrl", kWhat);
    facts.next_not_string = !next;
    if (next) facts.next_records_url = std::move(*next);
  }
  auto page = PageOf(std::move(facts));
  if (!page) return page;
  // Moved, not copied: a page is up to 2,000 records, and a copy of each cost as much as
  // parsing it (bench/README.md, figure 4).
  page->records.reserve(records->size());
  for (auto& record : *records) page->records.push_back(std::move(record));
  return page;
}

tl::expected<QueryPage, ApiError> DecodeQueryPageRows(std::string_view body,
                                                      std::span<const std::string> fields) {
  {
    PageRowsReader fast(fields);
    if (detail::SendSimdjsonEvents(body, fast)) return std::move(fast).Page();
  }
  // Not JSON, or not JSON both parsers read alike: nlohmann reads it, from the start.
  PageRowsReader reader(fields);
  if (!nlohmann::json::sax_parse(body.begin(), body.end(), &reader)) {
    return tl::unexpected(detail::InvalidJsonError(body, kWhat));
  }
  return std::move(reader).Page();
}

std::vector<StringRow> TakeStringRows(QueryPage&& page, std::span<const std::string> fields) {
  if (page.records.empty()) return std::move(page.rows);
  std::vector<StringRow> rows;
  rows.reserve(page.records.size());
  for (auto& record : page.records) {
    StringRow& row = rows.emplace_back(fields.size());
    if (!record.is_object()) continue;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      auto it = record.find(fields[i]);
      if (it != record.end() && it->is_string()) row[i] = std::move(it->get_ref<std::string&>());
    }
  }
  return rows;
}

std::optional<std::string> FieldString(const nlohmann::json& record, std::string_view path) {
  const nlohmann::json* node = &record;
  while (true) {
    auto dot = path.find('.');
    auto key = path.substr(0, dot);
    if (!node->is_object()) return std::nullopt;
    auto it = node->find(key);
    if (it == node->end() || it->is_null()) return std::nullopt;
    node = &*it;
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  if (!node->is_string()) return std::nullopt;
  return node->get<std::string>();
}

}  // namespace sfwarden::salesforce
